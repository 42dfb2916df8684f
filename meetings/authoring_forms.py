"""Forms of the meeting authoring pages. They parse and show field errors; the rules (who,
the visibility cap, versions) are the services'."""

import datetime as dt
import zoneinfo

from django import forms

from meetings.agenda import allowed_visibilities
from meetings.models import AccessLevel, Document, Meeting, MeetingStatus, Session, Visibility
from secretariat import plain
from secretariat.models import Administration

# The zones of each member state (IANA zone.tab): Indonesia and Malaysia span several.
COUNTRY_ZONES = {
    "BN": ["Asia/Brunei"], "KH": ["Asia/Phnom_Penh"],
    "ID": ["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"],
    "LA": ["Asia/Vientiane"], "MY": ["Asia/Kuala_Lumpur", "Asia/Kuching"],
    "MM": ["Asia/Yangon"], "PH": ["Asia/Manila"], "SG": ["Asia/Singapore"],
    "TH": ["Asia/Bangkok"], "VN": ["Asia/Ho_Chi_Minh"], "TL": ["Asia/Dili"],
}
def zone_label(zone: str, on: dt.date | None = None) -> str:
    """“Jakarta, UTC+07:00”: the portal's one wording (``secretariat.plain``)."""
    return plain.zone_label(zone, on)


def zone_choices(host: Administration | None) -> list[tuple[str, str]]:
    zones = COUNTRY_ZONES.get(host.code, [host.time_zone]) if host else []
    if not zones:
        zones = sorted({z for group in COUNTRY_ZONES.values() for z in group})
    return [(z, zone_label(z)) for z in zones]


class MeetingForm(forms.ModelForm):
    nomination_deadline_local = forms.DateTimeField(
        required=False, label="Nomination deadline",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the venue's time zone. Empty: until the meeting opens.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = ["ordinal", "title", "host", "host_is_inferred", "city", "venue", "start_date",
                  "end_date", "time_zone", "chair_name", "chair_title", "status", "summary"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "time_zone": forms.Select,
        }
        help_texts = {"ordinal": "Proposed from the series; change it if the record differs."}

    def __init__(self, *args, host: Administration | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        host = host or self.instance.host if self.instance.pk else host
        zones = zone_choices(host)
        if self.instance.pk and self.instance.time_zone not in dict(zones):
            zones.append((self.instance.time_zone, zone_label(self.instance.time_zone)))
        creating = not self.instance.pk
        self.fields["time_zone"] = forms.ChoiceField(
            choices=([("", "The host country's time zone")] if creating else []) + zones,
            label="Venue time zone", required=not creating,
            help_text="From the host country's zones; session times are typed in it.")
        self.fields["host"].queryset = Administration.objects.order_by("country")
        self.fields["host"].label_from_instance = lambda adm: adm.country
        self.fields["status"].choices = MeetingStatus.choices
        if self.instance.pk and self.instance.nomination_deadline:
            self.initial["nomination_deadline_local"] = (
                self.instance.nomination_deadline.astimezone(self.instance.zoneinfo)
                .replace(tzinfo=None))
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        local = cleaned.get("nomination_deadline_local")
        host = cleaned.get("host")
        zone = cleaned.get("time_zone") or (host.time_zone if host else "Asia/Jakarta")
        cleaned["nomination_deadline"] = (
            local.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(zone))
            if local and zone else None)
        return cleaned

    def _post_clean(self):
        # Uniqueness and the ordinal-per-body rule are the service's (one place).
        pass

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["nomination_deadline"] = self.cleaned_data["nomination_deadline"]
        if not data.get("time_zone"):
            data.pop("time_zone", None)  # the service takes the host's zone
        return data


class SessionForm(forms.Form):
    """Times are typed in the venue's time zone (shown beside the form)."""

    title = forms.CharField(max_length=200)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    mode = forms.ChoiceField(choices=Session.Mode.choices, label="Attendance mode")
    location = forms.CharField(max_length=200, required=False, label="Room or link name")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day and not (self.meeting.start_date <= day <= self.meeting.end_date):
            self.add_error("day", "Pick a day of the meeting.")
        if starts and ends and ends <= starts:
            self.add_error("ends", "The session must end after it starts.")
        return cleaned

    def values(self) -> dict:
        tz = self.meeting.zoneinfo
        data = self.cleaned_data
        return {
            "title": data["title"], "mode": data["mode"], "location": data["location"],
            "starts_at": dt.datetime.combine(data["day"], data["starts"], tzinfo=tz),
            "ends_at": dt.datetime.combine(data["day"], data["ends"], tzinfo=tz),
        }

    @classmethod
    def for_session(cls, session: Session, meeting: Meeting):
        tz = meeting.zoneinfo
        start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        return cls(meeting=meeting, initial={
            "title": session.title, "day": start.date(), "starts": start.time(),
            "ends": end.time(), "mode": session.mode, "location": session.location,
            "version": session.version}, prefix=f"s{session.pk}")


class AgendaItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    parent = forms.TypedChoiceField(coerce=int, required=False, empty_value=None,
                                    label="Under")
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.MEMBERS,
                                   help_text="Never more visible than the item it is under.")

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "Top level")] + [
            (i.pk, f"{i.number} {i.title}"[:80]) for i in items]


class AgendaItemEditForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in (
        "save", "up", "down", "indent", "outdent", "delete")])
    title = forms.CharField(max_length=300, required=False)
    visibility = forms.ChoiceField(choices=Visibility.choices, required=False)
    version = forms.IntegerField(required=False)

    @staticmethod
    def visibility_choices_for(item):
        return allowed_visibilities(item.parent)


class DocumentEditForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "kind", "access_level", "embargo_until", "embargo_level",
                  "agenda_item"]
        widgets = {"embargo_until": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, agenda=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = self.instance.meeting.agenda_items.all() \
            if self.instance.meeting_id else Document.objects.none()
        labels = {i.pk: f"{i.number} {i.title}"[:80] for i in agenda}
        self.fields["agenda_item"].label_from_instance = lambda i: labels.get(i.pk, i.title)
        self.fields["access_level"].choices = AccessLevel.choices

    def _post_clean(self):
        pass


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False)


class NominationMemberForm(forms.Form):
    full_name = forms.CharField(max_length=200, required=False, label="Name")
    position = forms.CharField(max_length=200, required=False, label="Title")
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=[("head", "Head of delegation"), ("delegate", "Delegate"),
                                      ("observer", "Observer")])
    sessions = forms.TypedMultipleChoiceField(coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text="None ticked: every session.")

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].choices = [(s.pk, s.title) for s in sessions]


NominationFormSet = forms.formset_factory(NominationMemberForm, extra=3, max_num=60,
                                          validate_max=True)
