from django import forms
from django.utils import timezone

from workgroups.models import Body, MilestoneStatus, Plan
from workgroups.reporting.models import ReportingCycle


class EntryForm(forms.Form):
    """One milestone of a report; prefixed with the entry id so that errors land on it."""

    status = forms.ChoiceField(
        choices=[("", "— choose —"), *MilestoneStatus.choices], required=False
    )
    progress = forms.IntegerField(min_value=0, max_value=100, required=False,
                                  label="Progress (%)")
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                max_length=4000, label="What was done")

    def __init__(self, *args, entry, **kwargs):
        self.entry = entry
        super().__init__(*args, prefix=str(entry.pk), **kwargs)
        if not self.is_bound:
            self.initial = {
                "status": entry.status or entry.milestone.status,
                "progress": entry.progress if entry.progress is not None
                else entry.milestone.progress,
                "narrative": entry.narrative,
            }


LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CycleForm(forms.ModelForm):
    """A new cycle; the dates are typed in the viewer's own time zone (the middleware's)."""

    opens_at = forms.DateTimeField(widget=LOCAL_DATETIME)
    due_at = forms.DateTimeField(widget=LOCAL_DATETIME, label="Deadline")

    class Meta:
        model = ReportingCycle
        fields = ["title", "body", "plan", "opens_at", "due_at", "local_send_time"]
        widgets = {"local_send_time": forms.TimeInput(attrs={"type": "time"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.order_by("code")
        self.fields["plan"].queryset = Plan.objects.order_by("-start_year")
        self.fields["local_send_time"].help_text = (
            "Reminders go out at this hour in each administration's own time zone.")

    def clean(self):
        cleaned = super().clean()
        opens, due = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", "The deadline must be after the opening.")
        if due and due <= timezone.now():
            self.add_error("due_at", "The deadline must be in the future.")
        return cleaned
