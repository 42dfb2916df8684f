import zoneinfo

from django import forms

from secretariat.models import Administration

_ASEAN_ZONES = sorted(
    {"Asia/Brunei", "Asia/Phnom_Penh", "Asia/Jakarta", "Asia/Vientiane", "Asia/Kuala_Lumpur",
     "Asia/Yangon", "Asia/Manila", "Asia/Singapore", "Asia/Bangkok", "Asia/Ho_Chi_Minh",
     "Asia/Dili"}
)


def _time_zone_choices():
    others = sorted(zoneinfo.available_timezones() - set(_ASEAN_ZONES))
    return [
        ("", "My administration's time zone"),
        ("ASEAN", [(zone, zone.replace("_", " ")) for zone in _ASEAN_ZONES]),
        ("Elsewhere", [(zone, zone.replace("_", " ")) for zone in others]),
    ]


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        choices=_time_zone_choices, required=False, label="Show times in",
        help_text="Meeting times are always shown with the venue's time beside them.",
    )

    def __init__(self, *args, administration: Administration | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if administration is None:
            self.fields["time_zone"].choices = [
                ("", "The ASEAN Secretariat's time zone (Asia/Jakarta)"),
                *_time_zone_choices()[1:],
            ]
