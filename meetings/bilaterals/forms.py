import datetime as dt

from django import forms

from meetings.bilaterals.services import MAX_SLOTS

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DURATIONS = [(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1 hour 30")]


def _at_venue(value: dt.datetime | None, tz) -> dt.datetime | None:
    """The form's times are typed in the venue's time zone, whatever the viewer's."""
    if value is None:
        return None
    return value.replace(tzinfo=None).replace(tzinfo=tz)


class RequestForm(forms.Form):
    requester = forms.TypedChoiceField(coerce=int, label="Requesting delegation", required=False)
    invitee = forms.ChoiceField(label="With")
    topic = forms.CharField(max_length=200)
    party_size = forms.IntegerField(min_value=2, max_value=60, initial=6,
                                    label="People at the table (both sides)")
    duration = forms.TypedChoiceField(choices=DURATIONS, coerce=int, initial=45)

    def __init__(self, *args, meeting, delegations, partners, requester_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["invitee"].choices = (
            [(f"d{d.pk}", d.administration.country) for d in delegations]
            + [(f"p{p.pk}", p.name) for p in partners])
        if requester_choices:
            self.fields["requester"].choices = requester_choices
            self.fields["requester"].required = True
        else:
            del self.fields["requester"]
        for i in range(1, MAX_SLOTS - 1):
            self.fields[f"slot_{i}"] = forms.DateTimeField(
                widget=LOCAL, required=i == 1,
                label=f"Preferred start {i} (venue time)" if i == 1 else f"Or start {i}")
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs["class"] = f"{css} form-control-sm" if css == "form-control" \
                else f"{css} form-select-sm"

    def slots(self) -> list[tuple[dt.datetime, dt.datetime]]:
        tz = self.meeting.zoneinfo
        minutes = dt.timedelta(minutes=self.cleaned_data["duration"])
        slots = []
        for name, value in self.cleaned_data.items():
            if name.startswith("slot_") and value is not None:
                start = _at_venue(value, tz)
                slots.append((start, start + minutes))
        return slots

    def invitee_ids(self) -> tuple[int | None, int | None]:
        raw = self.cleaned_data["invitee"]
        return (int(raw[1:]), None) if raw.startswith("d") else (None, int(raw[1:]))


class ProposeForm(forms.Form):
    starts_at = forms.DateTimeField(widget=LOCAL, label="Other start (venue time)")
    duration = forms.TypedChoiceField(choices=DURATIONS, coerce=int, initial=45)

    def slot(self, meeting) -> tuple[dt.datetime, dt.datetime]:
        start = _at_venue(self.cleaned_data["starts_at"], meeting.zoneinfo)
        return start, start + dt.timedelta(minutes=self.cleaned_data["duration"])
