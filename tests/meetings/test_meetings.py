"""Meetings: list filters, timetable time zones, agenda numbering, the host rotation."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from meetings import selectors
from meetings.models import Session
from tests.factories import AdministrationFactory
from tests.meetings.factories import AgendaItemFactory, BodyFactory, MeetingFactory

UTC = dt.UTC


def test_ordinal_is_stored_not_derived(db):
    first = MeetingFactory(ordinal=1, start_date=dt.date(1995, 3, 1), end_date=dt.date(1995, 3, 2))
    second = MeetingFactory(ordinal=2, start_date=dt.date(1995, 11, 1),
                            end_date=dt.date(1995, 11, 2))
    assert (first.display_title, second.display_title) == ("1st DG Meeting", "2nd DG Meeting")
    assert MeetingFactory(ordinal=33).display_title == "33rd DG Meeting"
    assert MeetingFactory(ordinal=112).display_title == "112th DG Meeting"


@time_machine.travel(dt.datetime(2025, 1, 10, tzinfo=UTC), tick=False)
def test_list_splits_upcoming_and_past_and_filters_by_body_and_year(client, db):
    dg = BodyFactory(code="DG")
    ccbwg = BodyFactory(code="CCBWG", name="CCBWG", kind="working_group")
    MeetingFactory(body=dg, ordinal=33, start_date=dt.date(2024, 6, 4),
                   end_date=dt.date(2024, 6, 6))
    MeetingFactory(body=dg, ordinal=34, start_date=dt.date(2025, 6, 3),
                   end_date=dt.date(2025, 6, 5))
    MeetingFactory(body=ccbwg, ordinal=32, start_date=dt.date(2023, 3, 14),
                   end_date=dt.date(2023, 3, 16))

    page = client.get(reverse("meetings:list"))
    assert [m.ordinal for m in page.context["upcoming"]] == [34]
    assert [m.ordinal for m in page.context["past"]] == [33, 32]
    filtered = client.get(reverse("meetings:list"), {"body": "CCBWG"})
    assert [m.body.code for m in filtered.context["past"]] == ["CCBWG"]
    by_year = client.get(reverse("meetings:list"), {"year": 2024})
    assert [m.ordinal for m in by_year.context["past"]] == [33]
    assert client.get(reverse("meetings:list"), {"year": "soon"}).status_code == 200


def test_session_crossing_midnight_for_the_viewer_shows_both_days(db):
    """22:30-00:30 in Yangon (+06:30) is 01:00-03:00 next day in Dili (+09:00)."""
    meeting = MeetingFactory(time_zone="Asia/Yangon")
    yangon = zoneinfo.ZoneInfo("Asia/Yangon")
    Session.objects.create(
        meeting=meeting, title="Late session",
        starts_at=dt.datetime(2024, 6, 4, 22, 30, tzinfo=yangon),
        ends_at=dt.datetime(2024, 6, 5, 0, 30, tzinfo=yangon),
    )
    row = selectors.timetable(meeting, zoneinfo.ZoneInfo("Asia/Dili"))[0]
    assert (row.viewer_start.isoformat(), row.viewer_end.isoformat()) == (
        "2024-06-05T01:00:00+09:00", "2024-06-05T03:00:00+09:00"
    )
    assert not row.ends_next_day_for_viewer
    assert row.ends_next_day_at_venue
    assert row.venue_start.date() == dt.date(2024, 6, 4)


def test_session_crossing_midnight_only_in_viewer_zone(db):
    meeting = MeetingFactory(time_zone="Asia/Bangkok")
    bangkok = zoneinfo.ZoneInfo("Asia/Bangkok")
    Session.objects.create(
        meeting=meeting, title="Evening",
        starts_at=dt.datetime(2024, 6, 4, 22, 0, tzinfo=bangkok),
        ends_at=dt.datetime(2024, 6, 4, 23, 30, tzinfo=bangkok),
    )
    row = selectors.timetable(meeting, zoneinfo.ZoneInfo("Asia/Manila"))[0]
    assert row.ends_next_day_for_viewer and not row.ends_next_day_at_venue
    assert row.viewer_end.isoformat() == "2024-06-05T00:30:00+08:00"


def test_meeting_page_shows_viewer_and_venue_times(client_for, delegate):
    """The Malaysian delegate (+08:00) sees 10:00 for a 09:00 session in Ho Chi Minh City."""
    meeting = MeetingFactory(time_zone="Asia/Ho_Chi_Minh")
    hcm = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    Session.objects.create(
        meeting=meeting, title="Plenary", mode=Session.Mode.HYBRID,
        starts_at=dt.datetime(2024, 6, 4, 9, 0, tzinfo=hcm),
        ends_at=dt.datetime(2024, 6, 4, 12, 0, tzinfo=hcm),
    )
    html = client_for(delegate).get(reverse("meetings:detail", args=[meeting.pk])).text
    text = " ".join(strip_tags(html).split())
    assert "Tue 4 Jun, 10:00 \N{EN DASH} 13:00" in text
    assert "Tue 4 Jun, 09:00 \N{EN DASH} 12:00" in text
    assert "Hybrid" in text


def test_agenda_numbering_and_order(meeting, secretariat):
    two = AgendaItemFactory(meeting=meeting, position=2, title="Two", visibility="public")
    one = AgendaItemFactory(meeting=meeting, position=1, title="One", visibility="public")
    AgendaItemFactory(meeting=meeting, parent=one, position=2, title="One-two")
    AgendaItemFactory(meeting=meeting, parent=one, position=1, title="One-one")
    AgendaItemFactory(meeting=meeting, parent=two, position=10, title="Two-ten")
    agenda = selectors.agenda_for(secretariat, meeting)
    # Stored positions order siblings; the number counts the siblings shown (no gaps).
    assert [(i.number, i.title) for i in agenda] == [
        ("1", "One"), ("1.1", "One-one"), ("1.2", "One-two"), ("2", "Two"), ("2.1", "Two-ten")
    ]


def test_printable_agenda_has_a_print_stylesheet(client, meeting):
    AgendaItemFactory(meeting=meeting, position=1, title="Opening", visibility="public")
    page = client.get(reverse("meetings:agenda_print", args=[meeting.pk]))
    assert page.status_code == 200
    assert "meetings/print.css" in page.text and "Opening" in page.text


@pytest.fixture
def asean(db):
    members = {}
    for code, country in [("BN", "Brunei Darussalam"), ("KH", "Cambodia"), ("ID", "Indonesia"),
                          ("TH", "Thailand"), ("VN", "Viet Nam")]:
        members[code] = AdministrationFactory(code=code, country=country)
    members["TL"] = AdministrationFactory(code="TL", country="Timor-Leste", member_since=None,
                                          observer_since=dt.date(2022, 11, 11))
    return members


def test_rotation_follows_alphabetical_order_and_wraps(asean):
    after = lambda code: selectors.next_host_proposal(  # noqa: E731
        MeetingFactory(host=asean[code], start_date=dt.date(2024, 6, 4),
                       end_date=dt.date(2024, 6, 6))
    )
    assert after("TH").code == "VN"  # Timor-Leste, an observer in 2024, is skipped
    assert after("VN").code == "BN"
    assert after("BN").code == "KH"


def test_rotation_counts_a_new_member_once_it_has_joined(asean):
    asean["TL"].member_since = dt.date(2025, 10, 26)
    asean["TL"].save()
    meeting = MeetingFactory(host=asean["TH"], start_date=dt.date(2026, 6, 2),
                             end_date=dt.date(2026, 6, 4))
    assert selectors.next_host_proposal(meeting).code == "TL"


def test_home_panel_lists_next_meetings(client, db):
    with time_machine.travel(dt.datetime(2026, 1, 5, tzinfo=UTC), tick=False):
        MeetingFactory(ordinal=35, start_date=dt.date(2026, 6, 2), end_date=dt.date(2026, 6, 4),
                       host_is_inferred=True)
        page = client.get("/")
    assert "Next meetings" in page.text
    assert "35th DG Meeting" in page.text and "host proposed, not confirmed" in page.text


def test_rotation_proposal_creates_the_next_meeting_once(asean, secretariat, delegate):
    from django.core.exceptions import PermissionDenied

    from meetings import services

    brunei = MeetingFactory(ordinal=34, host=asean["BN"], start_date=dt.date(2025, 6, 3),
                            end_date=dt.date(2025, 6, 5))
    with pytest.raises(PermissionDenied):
        services.meeting_propose_next(actor=delegate, after=brunei)
    proposal = services.meeting_propose_next(actor=secretariat, after=brunei)
    assert (proposal.ordinal, proposal.host.code, proposal.host_is_inferred) == (35, "KH", True)
    assert proposal.start_date == dt.date(2026, 6, 3)
    # The secretariat overrides the host; proposing again keeps the override.
    proposal.host, proposal.host_is_inferred = asean["ID"], False
    proposal.save()
    again = services.meeting_propose_next(actor=secretariat, after=brunei)
    assert (again.pk, again.host.code) == (proposal.pk, "ID")


@pytest.mark.parametrize(("who", "status"), [("anonymous", 403), ("partner", 403),
                                             ("delegate", 200), ("secretariat", 200)])
def test_list_of_participants_is_for_members(who, status, personas, meeting, client_for):
    from tests.meetings.factories import make_head_of_delegation

    make_head_of_delegation(meeting, personas["delegate"])
    response = client_for(personas[who]).get(reverse("meetings:attendance", args=[meeting.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Malaysia" in response.text and "Head of delegation" in response.text


def test_sections_registered_by_other_apps_appear_escaped_unless_safe(client, meeting,
                                                                     monkeypatch):
    from django.utils.safestring import mark_safe

    monkeypatch.setattr("meetings.panels._sections", [
        lambda request, m: mark_safe(f"<section id='extra'>About {m.ordinal}</section>"),  # noqa: S308
        lambda request, m: "<script>alert(1)</script>",
        lambda request, m: None,
    ])
    text = client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert f"<section id='extra'>About {meeting.ordinal}</section>" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text


def test_body_page_panel_lists_the_body_meetings(rf, meeting):
    from meetings.home import body_meetings_panel

    panel = body_meetings_panel(rf.get("/"), meeting.body)
    assert [i["label"] for i in panel["items"]] == [meeting.display_title]
