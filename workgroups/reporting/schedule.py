"""The reminder policy turned into instants: which reminders an administration gets, and when.

Pure functions (no queries), so the schedule can be tested and shown without sending anything.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    at: dt.datetime
    escalation: bool


def local_instant(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """``at`` o'clock on ``day`` in ``tz``, as an aware instant. None of ASEAN's zones has
    daylight saving, so there is no gap or fold to resolve."""
    return dt.datetime.combine(day, at, tzinfo=tz)


def reminders_for(cycle, time_zone: str) -> list[PlannedReminder]:
    """Every reminder the cycle's policy gives an administration in ``time_zone``.

    Each is sent at the cycle's local working hour on a calendar day counted in the
    administration's own zone from the local date of the deadline: "T-14" is 09:00 in Yangon
    fourteen Yangon days before the deadline's Yangon date.
    """
    tz = zoneinfo.ZoneInfo(time_zone)
    due_day = cycle.due_at.astimezone(tz).date()
    at = cycle.local_send_time
    planned = [
        PlannedReminder(f"T-{days}", local_instant(due_day - dt.timedelta(days=days), at, tz),
                        False)
        for days in sorted({int(d) for d in cycle.remind_days_before if int(d) > 0},
                           reverse=True)
    ]
    if cycle.remind_at_deadline:
        # At the working hour of the deadline's own local day, like every other reminder,
        # even when the deadline falls before it (a midnight deadline): never at night.
        planned.append(PlannedReminder("T0", local_instant(due_day, at, tz), False))
    every = cycle.overdue_every_days
    if every:
        for days in range(every, cycle.overdue_until_days + 1, every):
            escalation = bool(cycle.escalate_after_days) and days >= cycle.escalate_after_days
            kind = f"T+{days}-escalation" if escalation else f"T+{days}"
            planned.append(PlannedReminder(
                kind, local_instant(due_day + dt.timedelta(days=days), at, tz), escalation))
    return planned
