"""Forms of the record pages. Validation of combinations is the services' job."""

from django import forms

from meetings.models import Document, Visibility
from meetings.records.models import ActionStatus, DecisionKind, NoticeMode, OwnerKind
from secretariat.models import Administration
from workgroups.models import Body, Milestone


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget, so long choices wrap inside the column on a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DecisionForm(BootstrapForm):
    agenda_item = forms.TypedChoiceField(coerce=int, label="Agenda item")
    kind = forms.ChoiceField(choices=DecisionKind.choices, label="The Meeting")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    visibility = forms.ChoiceField(
        choices=[("", "As the agenda item"), *Visibility.choices], required=False)
    follow_up_body = forms.ModelChoiceField(
        queryset=Body.objects.order_by("code"), required=False, label="Follow-up by")
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(), required=False, label="Papers it refers to",
        widget=forms.SelectMultiple(attrs={"size": 4}))

    def __init__(self, *args, items=(), documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = [
            (i.pk, f"{i.number} {i.title}"[:90]) for i in items]
        if documents is not None:
            self.fields["documents"].queryset = documents


class ActionItemForm(BootstrapForm):
    decision = forms.TypedChoiceField(coerce=int, label="From the decision")
    text = forms.CharField(max_length=500, label="Action")
    owner_kind = forms.ChoiceField(choices=OwnerKind.choices, label="Owner")
    owner_body = forms.ModelChoiceField(queryset=Body.objects.order_by("code"), required=False,
                                        label="Owning body")
    owner_administration = forms.ModelChoiceField(
        queryset=Administration.objects.order_by("country"), required=False,
        label="Owning administration")
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    milestone = forms.ModelChoiceField(
        queryset=Milestone.objects.order_by("code"), required=False,
        label="Strategic Plan milestone (optional)")

    def __init__(self, *args, decisions=(), milestones=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (d.pk, f"{d.agenda_item_number} {d.get_kind_display()}: {d.text}"[:90])
            for d in decisions]
        if milestones is not None:
            self.fields["milestone"].queryset = milestones


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class BodyChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, body):
        return f"{body.name} ({body.code})"


class NoticePreferenceForm(BootstrapForm):
    mode = forms.ChoiceField(choices=NoticeMode.choices, widget=forms.RadioSelect,
                             label="When a paper is posted, replaced or withdrawn")
    bodies = BodyChoice(
        queryset=Body.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple, label="Only meetings of these bodies",
        help_text="Choose none for every body.")
