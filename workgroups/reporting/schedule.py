"""The reminder policy turned into instants: which reminders an administration gets, and when.

No queries, so the schedule can be tested and shown without sending anything. Every instant is
inside the administration's working window (``secretariat.working_hours``: 09:00-17:00 local,
Monday to Friday, not on its national public holidays, unless the cycle says otherwise):

* a reminder *before* the deadline (T-n, and T0 on the deadline's day) that falls outside the
  window moves **earlier**, to the same local time on the last working day that is still before
  the deadline instant (a Saturday T-1 goes on Friday; a T0 whose deadline is at 00:00 goes on
  the previous working day). It carries ``send_before`` = the deadline: the outbox skips it
  rather than send it late. If nothing fits it is left out;
* an *overdue* reminder (T+n) that falls outside the window moves **later**, to the next
  opening (a Saturday T+7 goes on Monday at 09:00).

Two reminders that land on the same instant are one reminder (the first planned is kept: a
T0 moved back onto the T-1 is that T-1).
"""

import datetime as dt
from dataclasses import dataclass

from secretariat.working_hours import WorkingWindow


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    at: dt.datetime
    escalation: bool
    send_before: dt.datetime | None = None


def local_instant(day: dt.date, at: dt.time, window: WorkingWindow) -> dt.datetime:
    """``at`` o'clock on ``day`` in the window's zone. None of ASEAN's zones has daylight
    saving, so there is no gap or fold to resolve."""
    return dt.datetime.combine(day, at, tzinfo=window.tz)


def reminders_for(cycle, window: WorkingWindow) -> list[PlannedReminder]:
    """Every reminder the cycle's policy gives an administration whose window is ``window``.

    Days are counted in the administration's own zone from the local date of the deadline:
    "T-14" is planned for the cycle's send time in Yangon fourteen Yangon days before the
    deadline's Yangon date, then placed in the window as the module docstring says.
    """
    due_day = cycle.due_at.astimezone(window.tz).date()
    at = cycle.local_send_time
    before: list[tuple[str, dt.datetime]] = [
        (f"T-{days}", local_instant(due_day - dt.timedelta(days=days), at, window))
        for days in sorted({int(d) for d in cycle.remind_days_before if int(d) > 0},
                           reverse=True)
    ]
    if cycle.remind_at_deadline:
        before.append(("T0", local_instant(due_day, at, window)))
    planned: dict[dt.datetime, PlannedReminder] = {}
    for kind, wanted in before:
        moment = window.latest_before(wanted, cycle.due_at)
        if moment is not None and moment not in planned:
            planned[moment] = PlannedReminder(kind, moment, False, send_before=cycle.due_at)
    every = cycle.overdue_every_days
    if every:
        for days in range(every, cycle.overdue_until_days + 1, every):
            escalation = bool(cycle.escalate_after_days) and days >= cycle.escalate_after_days
            kind = f"T+{days}-escalation" if escalation else f"T+{days}"
            wanted = local_instant(due_day + dt.timedelta(days=days), at, window)
            moment = window.next_opening(max(wanted, cycle.due_at))
            planned.setdefault(moment, PlannedReminder(kind, moment, escalation))
    return sorted(planned.values(), key=lambda p: p.at)
