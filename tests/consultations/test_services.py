import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultations import services
from consultations.models import Consultation, ConsultationNotice
from meetings.models import ordinal_suffix
from tests.consultations.factories import ConsultationFactory, SeriesFactory

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def _create(series, actor, **extra):
    start = extra.pop("starts_at", dt.datetime(2031, 6, 5, 9, 0, tzinfo=VN))
    return services.consultation_create(
        actor=actor, series=series, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        time_zone="Asia/Ho_Chi_Minh", **extra,
    )


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (8, "8th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (20, "20th"), (22, "22nd"), (26, "26th"), (101, "101st"), (111, "111th")],
)
def test_ordinal_display(n, text):
    assert ordinal_suffix(n) == text


def test_title_carries_ordinal_and_series(wco_series):
    consultation = ConsultationFactory(series=wco_series, ordinal=13)
    assert consultation.title == "13th ASEAN-WCO Consultation"


def test_unnumbered_series_has_no_ordinal(secretariat, wco):
    series = SeriesFactory(partner=wco, level="private_sector", title="Consultation with WCO",
                           is_numbered=False)
    consultation = _create(series, secretariat)
    assert consultation.ordinal is None
    assert consultation.title == "Consultation with WCO"


def test_next_ordinal_follows_the_series_not_the_meeting(secretariat, wco_series, japan_series):
    ConsultationFactory(series=wco_series, ordinal=9)
    ConsultationFactory(series=wco_series, ordinal=13)
    ConsultationFactory(series=japan_series, ordinal=26)

    created = _create(wco_series, secretariat)

    assert created.ordinal == 14
    assert _create(japan_series, secretariat).ordinal == 27


def test_first_of_a_series_is_number_one(secretariat, wco_series):
    assert _create(wco_series, secretariat).ordinal == 1


def test_ordinal_override_for_history_and_duplicate_refused(secretariat, wco_series):
    ConsultationFactory(series=wco_series, ordinal=13)
    historic = _create(wco_series, secretariat, ordinal=9,
                       starts_at=dt.datetime(2020, 8, 19, 14, tzinfo=VN))
    assert historic.ordinal == 9
    assert historic.date == dt.date(2020, 8, 19)

    with pytest.raises(ValidationError):
        _create(wco_series, secretariat, ordinal=13)
    assert Consultation.objects.filter(series=wco_series, ordinal=13).count() == 1


def test_local_date_is_the_venue_date(secretariat, wco_series):
    # 00:30 on 1 January in Ho Chi Minh City is still 31 December in UTC.
    start = dt.datetime(2031, 1, 1, 0, 30, tzinfo=VN)
    consultation = _create(wco_series, secretariat, starts_at=start)
    assert consultation.date == dt.date(2031, 1, 1)


def test_end_before_start_is_a_field_error(secretariat, wco_series):
    start = dt.datetime(2031, 6, 5, 9, 0, tzinfo=VN)
    with pytest.raises(ValidationError):
        services.consultation_create(
            actor=secretariat, series=wco_series, starts_at=start,
            ends_at=start - dt.timedelta(hours=1), time_zone="Asia/Ho_Chi_Minh",
        )
    assert not Consultation.objects.exists()


def test_bad_time_zone_refused(secretariat, wco_series):
    consultation = ConsultationFactory(series=wco_series)
    with pytest.raises(ValidationError) as err:
        services.consultation_update(
            actor=secretariat, consultation=consultation, time_zone="Mars/Olympus"
        )
    assert "time_zone" in err.value.message_dict
    consultation.refresh_from_db()
    assert consultation.time_zone == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize("who", ["delegate", "partner", "outsider"])
def test_only_editors_write(request, who, wco_series):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _create(wco_series, actor)
    consultation = ConsultationFactory(series=wco_series)
    with pytest.raises(PermissionDenied):
        services.consultation_update(actor=actor, consultation=consultation, status="cancelled")
    consultation.refresh_from_db()
    assert consultation.status == "confirmed"


def test_chair_may_edit(chair, wco_series):
    consultation = ConsultationFactory(series=wco_series)
    services.consultation_update(actor=chair, consultation=consultation, venue="Hanoi")
    consultation.refresh_from_db()
    assert consultation.venue == "Hanoi"


def test_sequence_rises_on_calendar_changes_only(secretariat, wco_series):
    consultation = ConsultationFactory(series=wco_series, status="planned")
    assert consultation.sequence == 0

    services.consultation_update(actor=secretariat, consultation=consultation,
                                 mode_note="Joins virtually", published=False)
    consultation.refresh_from_db()
    assert consultation.sequence == 0, "a note or publication does not change the event"

    services.consultation_update(
        actor=secretariat, consultation=consultation,
        starts_at=consultation.starts_at + dt.timedelta(hours=2),
        ends_at=consultation.ends_at + dt.timedelta(hours=2),
    )
    assert consultation.sequence == 1

    # The same instant written in another zone is no change.
    services.consultation_update(actor=secretariat, consultation=consultation,
                                 starts_at=consultation.starts_at.astimezone(dt.UTC))
    assert consultation.sequence == 1

    services.consultation_update(actor=secretariat, consultation=consultation,
                                 status="cancelled")
    assert consultation.sequence == 2


@pytest.mark.parametrize(
    ("start_status", "changes", "expected"),
    [
        ("planned", {"status": "confirmed"}, "confirmed"),
        ("confirmed", {"status": "cancelled"}, "cancelled"),
        ("confirmed", {"status": "postponed"}, "postponed"),
        ("confirmed", {"venue": "Hanoi"}, "moved"),
        ("confirmed", {"shift": 3}, "moved"),
        ("planned", {"status": "confirmed", "shift": 1}, "moved"),
        ("confirmed", {"agenda": "Green customs"}, None),
        ("confirmed", {"status": "held"}, None),
        ("confirmed", {"published": False}, None),
    ],
)
def test_which_changes_notify(secretariat, wco_series, start_status, changes, expected):
    consultation = ConsultationFactory(series=wco_series, status=start_status)
    changes = dict(changes)
    if shift := changes.pop("shift", None):
        changes["starts_at"] = consultation.starts_at + dt.timedelta(days=shift)
        changes["ends_at"] = consultation.ends_at + dt.timedelta(days=shift)

    services.consultation_update(actor=secretariat, consultation=consultation, **changes)

    notices = list(ConsultationNotice.objects.filter(consultation=consultation))
    if expected is None:
        assert notices == []
    else:
        assert [(n.change, n.sequence) for n in notices] == [
            (expected, consultation.sequence)
        ]


def test_failed_update_writes_nothing(secretariat, wco_series):
    consultation = ConsultationFactory(series=wco_series)
    with pytest.raises(ValidationError):
        services.consultation_update(
            actor=secretariat, consultation=consultation, status="cancelled",
            ends_at=consultation.starts_at - dt.timedelta(hours=1),
        )
    consultation.refresh_from_db()
    assert (consultation.status, consultation.sequence) == ("confirmed", 0)
    assert not ConsultationNotice.objects.exists()


def test_token_rotation_changes_the_secret(partner):
    first = services.calendar_token_for(user=partner).token
    assert services.calendar_token_for(user=partner).token == first
    rotated = services.calendar_token_rotate(actor=partner)
    assert rotated.token != first
    assert len(rotated.token) >= 40
    assert rotated.rotated_at is not None
