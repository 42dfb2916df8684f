"""Forms of the working-group pages. They parse input; the rules live in the services."""

from django import forms

from workgroups.models import ImplementationStatus, MilestoneStatus, ParticipationStatus
from workgroups.services import COMMENT_MAX


class DateInput(forms.DateInput):
    input_type = "date"


class MilestoneEditForm(forms.Form):
    status = forms.ChoiceField(choices=MilestoneStatus.choices)
    progress = forms.IntegerField(
        min_value=0, max_value=100, label="Progress (%)",
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    start_date = forms.DateField(required=False, widget=DateInput)
    due_date = forms.DateField(required=False, widget=DateInput)
    comment = forms.CharField(
        max_length=COMMENT_MAX, help_text="Required: what changed and why, in a few words.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # The version the user started from; a mismatch on save is a conflict, never an overwrite.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            # Unique ids when several inline forms are on one page.
            self.auto_id = f"{prefix_id}-%s"

    @classmethod
    def for_milestone(cls, milestone, **kwargs):
        return cls(
            initial={"status": milestone.status, "progress": milestone.progress,
                     "start_date": milestone.start_date, "due_date": milestone.due_date,
                     "version": milestone.version},
            **kwargs,
        )

    def changes(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("status", "progress", "start_date", "due_date")}


class NationalImplementationForm(forms.Form):
    status = forms.ChoiceField(
        choices=ImplementationStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )
    status_on = forms.DateField(
        required=False, label="As of",
        widget=DateInput(attrs={"class": "form-control form-control-sm w-auto"}),
    )
    note = forms.CharField(max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ParticipationForm(forms.Form):
    status = forms.ChoiceField(choices=ParticipationStatus.choices)
    since = forms.DateField(required=False, widget=DateInput)
    detail = forms.CharField(max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label="Edited XLSX file",
        help_text="The file downloaded from this page, with your changes. Max 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(max_length=300)
    url = forms.URLField(label="Link", assume_scheme="https")
