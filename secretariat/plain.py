# ruff: noqa: RUF001, RUF002  (the en dash of a date range is the wording itself)
"""Plain words for raw values (issue 13): what a reader sees instead of codes and IDs.

One place for the portal's wording of time zones, date ranges, reminder kinds and a
milestone's state; the ``plain`` template tag library wraps these for templates.
"""

import datetime as dt
import re
import zoneinfo

# Cities a reader knows better than the IANA spelling.
CITY_NAMES = {"Asia/Ho_Chi_Minh": "Ho Chi Minh City", "Asia/Phnom_Penh": "Phnom Penh",
              "Asia/Kuala_Lumpur": "Kuala Lumpur", "Asia/Brunei": "Bandar Seri Begawan"}


def zone_city(zone: str) -> str:
    return CITY_NAMES.get(zone, zone.split("/")[-1].replace("_", " "))


def zone_offset(zone: str, on: dt.date | None = None) -> str:
    """``UTC+06:30`` on ``on`` (noon, local), or ``UTC`` for UTC itself."""
    moment = dt.datetime.combine(on or dt.date(2026, 1, 1), dt.time(12))
    offset = moment.replace(tzinfo=zoneinfo.ZoneInfo(zone)).strftime("%z")
    if offset in ("+0000", ""):
        return "UTC"
    return f"UTC{offset[:3]}:{offset[3:]}"


def zone_label(zone, on: dt.date | None = None) -> str:
    """“Yangon, UTC+06:30”: the city and the offset, never the IANA id. Empty for an
    unknown zone (a label must not invent one)."""
    zone = str(zone or "")
    if not zone:
        return ""
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    try:
        return f"{zone_city(zone)}, {zone_offset(zone, on)}"
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return ""


def date_range(start: dt.date | None, end: dt.date | None) -> str:
    """“2–4 June 2027”, “30 May – 2 June 2027”, “30 December 2026 – 2 January 2027”; a single
    day once. En dash, no leading zeros."""
    if start is None:
        return ""
    if end is None or end == start:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


_MANUAL = re.compile(r"^manual-(\d{8})-(\d{4})$")
_PLANNED = re.compile(r"^T([+-]?)(\d+)(-escalation)?$", re.IGNORECASE)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def reminder_kind(key: str, tz=None) -> str:
    """A reminder's kind in words: ``T-30`` is “30 days before”, ``T0`` “On the day”,
    ``T+7`` “7 days after the deadline”, ``T+14-escalation`` adds “, to the head of
    administration”; ``manual-20261201-0835`` (UTC) is “Reminder sent by the secretariat,
    1 Dec 15:35” in ``tz``. An unknown kind comes back as it is, rather than a guess."""
    key = str(key or "").strip()
    manual = _MANUAL.match(key)
    if manual:
        moment = dt.datetime.strptime("".join(manual.groups()), "%Y%m%d%H%M").replace(
            tzinfo=dt.UTC)
        if tz is not None:
            moment = moment.astimezone(zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz)
        return f"Reminder sent by the secretariat, {moment.day} {moment:%b %H:%M}"
    planned = _PLANNED.match(key)
    if not planned:
        return key
    sign, days, escalation = planned.group(1), int(planned.group(2)), planned.group(3)
    if days == 0:
        words = "On the day"
    elif sign == "+":
        words = f"{_days(days)} after the deadline"
    else:
        words = f"{_days(days)} before"
    return words + (", to the head of administration" if escalation else "")


def milestone_state(status: str, status_label: str, due_date, today) -> tuple[str, str]:
    """The one state a milestone's badge says, and the reported status in words beside it
    (or ""). An open milestone past its due date is “Overdue”, reported “Delayed”; a done or
    cancelled one says its status alone."""
    if due_date and today and due_date < today and status not in ("completed", "cancelled"):
        return "Overdue", f"reported {status_label.lower()}"
    return status_label, ""
