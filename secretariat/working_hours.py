"""Working windows: when a message to an administration may reach people at their desks.

One rule for the whole portal (reminders, nomination reminders, action-item reminders): by
default 09:00-17:00 local time, Monday to Friday, except the national public holidays of the
administration's country as the ``holidays`` package knows them (it covers every ASEAN state).
A feature may override the hours or days (a reporting cycle does), never the idea.

Usage::

    from secretariat.working_hours import window_for

    window = window_for(administration)             # or window_for(adm, opens=dt.time(8))
    window.contains(instant)                        # inside the window now?
    window.next_opening(instant)                    # instant itself if inside, else next 09:00
    window.latest_before(instant, deadline)         # keep before a deadline (moves earlier)
    outbox.queue_email(..., window=window)          # the outbox enforces it at send time

All inputs and outputs are aware instants; the local arithmetic happens in the window's zone.
"""

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field

import holidays

DEFAULT_OPENS = dt.time(9, 0)
DEFAULT_CLOSES = dt.time(17, 0)
DEFAULT_WEEKDAYS = (0, 1, 2, 3, 4)
# Far enough for any real schedule; a bound so a window with no working day cannot loop.
MAX_DAYS_SEARCHED = 400


@functools.lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> holidays.HolidayBase | None:
    try:
        # English names where the package has them (pages show them), else the local ones.
        calendar = holidays.country_holidays(country, years=year)
        if "en_US" in getattr(calendar, "supported_languages", ()):
            calendar = holidays.country_holidays(country, years=year, language="en_US")
        return calendar
    except NotImplementedError:  # a country the package does not cover: no holidays known
        return None


@dataclass(frozen=True)
class WorkingWindow:
    time_zone: str
    country: str = ""
    opens: dt.time = DEFAULT_OPENS
    closes: dt.time = DEFAULT_CLOSES
    weekdays: tuple[int, ...] = DEFAULT_WEEKDAYS
    tz: zoneinfo.ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not self.opens < self.closes:
            raise ValueError("A working window must open before it closes.")
        object.__setattr__(self, "tz", zoneinfo.ZoneInfo(self.time_zone))
        object.__setattr__(self, "weekdays", tuple(sorted(set(self.weekdays))))

    # --- days -----------------------------------------------------------------------------

    def holiday_name(self, day: dt.date) -> str | None:
        calendar = _holidays(self.country, day.year) if self.country else None
        return calendar.get(day) if calendar is not None else None

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and self.holiday_name(day) is None

    def _opening(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.opens, tzinfo=self.tz)

    def _closing(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.closes, tzinfo=self.tz)

    # --- instants --------------------------------------------------------------------------

    def contains(self, instant: dt.datetime) -> bool:
        local = instant.astimezone(self.tz)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, instant: dt.datetime) -> dt.datetime:
        """``instant`` if it is inside the window, else the next opening after it."""
        if self.contains(instant):
            return instant
        day = instant.astimezone(self.tz).date()
        for _ in range(MAX_DAYS_SEARCHED):
            if self.is_working_day(day) and self._opening(day) >= instant:
                return self._opening(day)
            day += dt.timedelta(days=1)
        raise ValueError("This working window has no working day.")

    def latest_before(self, instant: dt.datetime, deadline: dt.datetime) -> dt.datetime | None:
        """When to send something planned for ``instant`` that must arrive before ``deadline``.

        ``instant`` itself if it is inside the window and before the deadline; else the same
        local time (clamped into the window) on the latest working day, from ``instant``'s
        own day backwards, where that moment is still before the deadline. Never later than
        ``instant``'s day. None if nothing fits within a year.
        """
        if self.contains(instant) and instant < deadline:
            return instant
        local = instant.astimezone(self.tz)
        last_minute = (dt.datetime.combine(dt.date.min, self.closes)
                       - dt.timedelta(minutes=1)).time()
        wanted = min(max(local.time(), self.opens), last_minute)
        day = local.date()
        for _ in range(MAX_DAYS_SEARCHED):
            if self.is_working_day(day):
                moment = dt.datetime.combine(day, wanted, tzinfo=self.tz)
                if moment < deadline:
                    return moment
            day -= dt.timedelta(days=1)
        return None

    # --- storage ---------------------------------------------------------------------------

    def as_json(self) -> dict:
        return {"time_zone": self.time_zone, "country": self.country,
                "opens": self.opens.strftime("%H:%M"), "closes": self.closes.strftime("%H:%M"),
                "weekdays": list(self.weekdays)}

    @classmethod
    def from_json(cls, data: dict) -> "WorkingWindow":
        return cls(time_zone=data["time_zone"], country=data.get("country", ""),
                   opens=dt.time.fromisoformat(data.get("opens", "09:00")),
                   closes=dt.time.fromisoformat(data.get("closes", "17:00")),
                   weekdays=tuple(data.get("weekdays", DEFAULT_WEEKDAYS)))

    def describe(self) -> str:
        """Plain words for pages: "09:00 to 17:00, Monday to Friday, except public holidays"."""
        names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        days = list(self.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            span = f"{names[days[0]]} to {names[days[-1]]}"
        else:
            span = ", ".join(names[d] for d in days)
        tail = ", except public holidays" if self.country else ""
        return f"{self.opens:%H:%M} to {self.closes:%H:%M}, {span}{tail}"


def window_for(administration, *, opens: dt.time | None = None, closes: dt.time | None = None,
               weekdays: tuple[int, ...] | None = None,
               public_holidays: bool = True) -> WorkingWindow:
    """The working window of an administration (its zone and its country's holidays), with
    optional overrides of the hours, the days, or the holidays (e.g. a reporting cycle's own
    policy)."""
    return WorkingWindow(
        time_zone=administration.time_zone,
        country=administration.code if public_holidays else "",
        opens=opens or DEFAULT_OPENS, closes=closes or DEFAULT_CLOSES,
        weekdays=tuple(weekdays) if weekdays else DEFAULT_WEEKDAYS,
    )
