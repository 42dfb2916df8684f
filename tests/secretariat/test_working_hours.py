"""The working window: 09:00-17:00 local, Monday to Friday, not on national public holidays."""

import datetime as dt

import pytest

from secretariat.working_hours import WorkingWindow, window_for

UTC = dt.UTC
YANGON = WorkingWindow("Asia/Yangon", "MM")   # +06:30
DILI = WorkingWindow("Asia/Dili", "TL")       # +09:00
KUALA_LUMPUR = WorkingWindow("Asia/Kuala_Lumpur", "MY")


@pytest.mark.parametrize(("window", "instant", "inside"), [
    # 08:59 and 09:00 in Yangon (02:29 / 02:30 UTC) on Tuesday 1 December 2026.
    (YANGON, dt.datetime(2026, 12, 1, 2, 29, tzinfo=UTC), False),
    (YANGON, dt.datetime(2026, 12, 1, 2, 30, tzinfo=UTC), True),
    # 16:59 and 17:00 in Dili (07:59 / 08:00 UTC).
    (DILI, dt.datetime(2026, 12, 1, 7, 59, tzinfo=UTC), True),
    (DILI, dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC), False),
    # Saturday 5 December 2026 at noon in Dili.
    (DILI, dt.datetime(2026, 12, 5, 3, 0, tzinfo=UTC), False),
])
def test_contains(window, instant, inside):
    assert window.contains(instant) is inside


def test_night_goes_to_the_next_morning_and_the_weekend_to_monday():
    # 02:00 on Wednesday 2 December in Yangon -> 09:00 the same day.
    assert YANGON.next_opening(dt.datetime(2026, 12, 1, 19, 30, tzinfo=UTC)) == \
        dt.datetime(2026, 12, 2, 2, 30, tzinfo=UTC)
    # Friday 4 December 18:00 in Dili -> past the weekend and Timor-Leste's public holidays
    # of Monday 7 and Tuesday 8 December -> Wednesday 9 December 09:00 Dili.
    assert DILI.holiday_name(dt.date(2026, 12, 7)) and DILI.holiday_name(dt.date(2026, 12, 8))
    assert DILI.next_opening(dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC)) == \
        dt.datetime(2026, 12, 9, 0, 0, tzinfo=UTC)
    # The same Friday evening in Yangon -> Monday 7 December 09:00 Yangon.
    assert YANGON.next_opening(dt.datetime(2026, 12, 4, 12, 0, tzinfo=UTC)) == \
        dt.datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
    inside = dt.datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert YANGON.next_opening(inside) == inside


def test_a_malaysian_public_holiday_is_skipped():
    """Hari Raya Puasa (Eid al-Fitr) is on Wednesday 10 and Thursday 11 March 2027 in
    Malaysia, per the holidays package: a message due then goes on Friday 12 at 09:00."""
    assert KUALA_LUMPUR.holiday_name(dt.date(2027, 3, 10)) == "Eid al-Fitr"
    assert not KUALA_LUMPUR.is_working_day(dt.date(2027, 3, 11))
    wednesday_ten = dt.datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Kuala Lumpur
    assert not KUALA_LUMPUR.contains(wednesday_ten)
    assert KUALA_LUMPUR.next_opening(wednesday_ten) == dt.datetime(2027, 3, 12, 1, 0, tzinfo=UTC)
    # The same day is an ordinary working day in Viet Nam.
    assert WorkingWindow("Asia/Ho_Chi_Minh", "VN").contains(wednesday_ten)


def test_latest_before_a_deadline_moves_earlier_never_later():
    deadline = dt.datetime(2027, 3, 15, 17, 0, tzinfo=UTC)  # Tuesday 16 March 02:00 in Dili
    # The deadline day's 09:00 is after the deadline: the previous working day's 09:00.
    planned = dt.datetime(2027, 3, 16, 0, 0, tzinfo=UTC)
    assert DILI.latest_before(planned, deadline) == dt.datetime(2027, 3, 15, 0, 0, tzinfo=UTC)
    # A Sunday goes back to Friday at the same local time.
    sunday = dt.datetime(2027, 3, 14, 0, 0, tzinfo=UTC)
    assert DILI.latest_before(sunday, deadline) == dt.datetime(2027, 3, 12, 0, 0, tzinfo=UTC)
    # Inside the window and before the deadline: kept as planned.
    monday_ten = dt.datetime(2027, 3, 15, 1, 0, tzinfo=UTC)
    assert DILI.latest_before(monday_ten, deadline) == monday_ten


def test_overrides_and_storage(malaysia):
    saturday_ten = dt.datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    assert not window_for(malaysia).contains(saturday_ten)
    six_days = window_for(malaysia, weekdays=(0, 1, 2, 3, 4, 5), opens=dt.time(8))
    assert six_days.contains(saturday_ten)
    assert WorkingWindow.from_json(six_days.as_json()) == six_days
    assert six_days.describe() == "08:00 to 17:00, Monday to Saturday, except public holidays"
    with pytest.raises(ValueError):
        WorkingWindow("Asia/Jakarta", opens=dt.time(17), closes=dt.time(9))
