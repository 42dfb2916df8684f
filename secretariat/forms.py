import functools
import zoneinfo

from django import forms

from secretariat.models import Administration

_ASEAN_ZONES = sorted(
    {"Asia/Brunei", "Asia/Phnom_Penh", "Asia/Jakarta", "Asia/Vientiane", "Asia/Kuala_Lumpur",
     "Asia/Yangon", "Asia/Manila", "Asia/Singapore", "Asia/Bangkok", "Asia/Ho_Chi_Minh",
     "Asia/Dili"}
)


@functools.cache  # available_timezones() walks the zone files on disk: ~80 ms a call
def _time_zone_choices():
    others = sorted(zoneinfo.available_timezones() - set(_ASEAN_ZONES))
    return [
        ("", "My administration's time zone"),
        ("ASEAN", [(zone, zone.replace("_", " ")) for zone in _ASEAN_ZONES]),
        ("Elsewhere", [(zone, zone.replace("_", " ")) for zone in others]),
    ]


class ZoneSelect(forms.Select):
    """A select of every time zone (about 600 options), rendered once per process for each
    set of choices, selected zone and attributes: Django renders each option through a
    template, about 90 ms for the whole list here (issue 14). The choices are fixed for the
    process (``_time_zone_choices``), so the same inputs give the same HTML."""

    _rendered: dict = {}

    def render(self, name, value, attrs=None, renderer=None):
        key = (name, value, repr(sorted((attrs or {}).items())), repr(self.attrs),
               repr(self.choices[:1]), self.is_required)
        html = self._rendered.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._rendered) < 256:  # bounded: keys vary only by the chosen zone
                self._rendered[key] = html
        return html


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        choices=_time_zone_choices, required=False, label="Show times in", widget=ZoneSelect,
        help_text="Meeting times are always shown with the venue's time beside them.",
    )

    def __init__(self, *args, administration: Administration | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if administration is None:
            self.fields["time_zone"].choices = [
                ("", "The ASEAN Secretariat's time zone (Asia/Jakarta)"),
                *_time_zone_choices()[1:],
            ]
