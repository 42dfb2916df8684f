from django import forms

from secretariat.access import is_secretariat
from secretariat.models import Administration
from workgroups.enforcement.models import (
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    Commodity,
    Operation,
    SeizureReport,
    Unit,
    plain_decimal,
)
from workgroups.enforcement.services import MAX_LINES, Line


class SeizureReportForm(forms.ModelForm):
    """The report itself; the administration is chosen only by the secretariat (a contact
    files for their own)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        max_length=100, required=False, label="Reason for the amendment",
        help_text="Kept in the report's history.",
    )

    class Meta:
        model = SeizureReport
        fields = [
            "operation", "administration", "seized_on", "date_is_approximate", "place",
            "place_kind", "mode", "origin", "transit", "destination", "concealment",
            "persons_arrested", "agencies", "summary", "is_illustrative",
        ]
        widgets = {
            "seized_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, amending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = Operation.objects.order_by("name")
        self.fields["operation"].empty_label = "— outside any joint operation —"
        if is_secretariat(user) and not amending:
            self.fields["administration"].queryset = Administration.objects.order_by("country")
        else:
            del self.fields["administration"]
        if not amending:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
        if not is_secretariat(user):
            del self.fields["is_illustrative"]


class LineForm(forms.Form):
    commodity = forms.ChoiceField(choices=[("", "— choose —"), *Commodity.choices])
    # Exact decimals: the form keeps what was typed (no float on the way).
    quantity = forms.DecimalField(
        max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit = forms.ChoiceField(choices=[("", "— unit —"), *Unit.choices])

    def clean_quantity(self):
        value = self.cleaned_data["quantity"]
        if value is not None and value <= 0:
            raise forms.ValidationError("The quantity must be more than zero.")
        return value


LineFormSet = forms.formset_factory(
    LineForm, extra=2, min_num=1, validate_min=True, max_num=MAX_LINES, validate_max=True,
    absolute_max=MAX_LINES,
)


def initial_lines(report: SeizureReport) -> list[dict]:
    return [
        {"commodity": line.commodity, "quantity": plain_decimal(line.quantity),
         "unit": line.unit}
        for line in report.lines.all()
    ]


def lines_from(formset) -> list[Line]:
    return [
        Line(commodity=f.cleaned_data["commodity"], quantity=f.cleaned_data["quantity"],
             unit=f.cleaned_data["unit"])
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
