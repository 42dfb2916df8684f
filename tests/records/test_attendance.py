"""Attendance: one request marks a whole delegation; the participants list and the record
show it; late changes are kept; the cost does not grow with the number of participants."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import DelegationMember
from meetings.records import selectors, services
from meetings.records.models import Attendance
from tests.records.conftest import build_record


@pytest.mark.django_db
def test_one_request_marks_a_whole_delegation(secretariat, built, client_for):
    session = built.sessions[0]
    malaysia = built.delegations["MY"]
    client = client_for(secretariat)
    url = f"/meetings/{built.meeting.pk}/sessions/{session.pk}/attendance/"
    response = client.post(url, {"delegation": f"{malaysia.pk}:present"})
    assert response.status_code == 302
    marked = dict(Attendance.objects.filter(session=session).values_list("member_id", "status"))
    assert marked == {m.pk: "present" for m in malaysia.members.all()}
    # The participants list and the record show it.
    participants = client.get(f"/meetings/{built.meeting.pk}/participants/").content.decode()
    assert participants.count("Present") == malaysia.members.count()
    record = selectors.record_for(secretariat, built.meeting)
    rows = {r.member.pk: r for r in record.attendance}
    assert all(rows[m.pk].marks == ["present", ""] for m in malaysia.members.all())


@pytest.mark.django_db
def test_api_put_marks_delegations_and_people_and_keeps_history(secretariat, built,
                                                                client_for):
    session = built.sessions[1]
    thailand, vietnam = built.delegations["TH"], built.delegations["VN"]
    head = vietnam.members.get(role=DelegationMember.Role.HEAD)
    client = client_for(secretariat)
    url = f"/api/v1/meetings/{built.meeting.pk}/sessions/{session.pk}/attendance/"
    body = {"delegations": [{"delegation": thailand.pk, "status": "online"}],
            "marks": [{"member": head.pk, "status": "present"}]}
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    by_member = {p["member"]: p["status"] for p in response.json()["participants"]}
    assert by_member[head.pk] == "present"
    assert {by_member[m.pk] for m in thailand.members.all()} == {"online"}
    # A late correction is a change with its history; who made it is kept.
    client.put(url, {"marks": [{"member": head.pk, "status": "absent"}]},
               content_type="application/json")
    row = Attendance.objects.get(session=session, member=head)
    assert row.status == "absent"
    assert [h.status for h in row.history.order_by("history_date", "history_id")] == [
        "present", "absent"]
    assert row.history.latest("history_date").history_user == secretariat
    # Bad input: a clear 400 naming the field, nothing written.
    bad = client.put(url, {"marks": [{"member": 999999, "status": "present"}]},
                     content_type="application/json")
    assert bad.status_code == 400 and "members" in bad.json()
    junk = client.put(url, {"marks": [{"member": head.pk, "status": "asleep"}]},
                      content_type="application/json")
    assert junk.status_code == 400
    assert Attendance.objects.get(session=session, member=head).status == "absent"


@pytest.mark.django_db
def test_only_recorders_mark(personas, built, client_for):
    session = built.sessions[0]
    url = f"/api/v1/meetings/{built.meeting.pk}/sessions/{session.pk}/attendance/"
    body = {"delegations": [{"delegation": built.delegations["MY"].pk, "status": "present"}]}
    assert client_for(personas["delegate"]).put(
        url, body, content_type="application/json").status_code == 403
    assert client_for(personas["partner"]).get(url).status_code == 403
    assert client_for(personas["chair"]).put(
        url, body, content_type="application/json").status_code == 200


def _mark_everyone_and_count(actor, built) -> tuple[int, int]:
    session = built.sessions[0]
    members = DelegationMember.objects.filter(delegation__meeting=built.meeting)
    with CaptureQueriesContext(connection) as marking:
        services.attendance_mark(actor=actor, session=session,
                                 marks={m.pk: "present" for m in members})
    with CaptureQueriesContext(connection) as reading:
        selectors.record_for(actor, built.meeting)
        selectors.session_sheet(session)
    return len(marking), len(reading)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_participants(secretariat, vietnam, malaysia, thailand):
    """Marking and reading cost the same for 6 participants and for 60: one read, one
    insert, one history insert (plus the rights check); the record and the sheet read
    participants, sessions and marks in one query each."""
    small = build_record(secretariat, vietnam=vietnam, malaysia=malaysia, thailand=thailand,
                         members_per_delegation=2)
    large = build_record(secretariat, vietnam=vietnam, malaysia=malaysia, thailand=thailand,
                         members_per_delegation=20, ordinal=34)
    assert _mark_everyone_and_count(secretariat, small) == _mark_everyone_and_count(
        secretariat, large)


@pytest.mark.django_db
def test_only_submitted_nominations_are_markable(secretariat, built, client_for):
    """Given Indonesia's nomination still a draft (two people typed in), when the secretariat
    opens the session's sheet, the participants list, the record and the API, then the draft's
    people appear nowhere and cannot be marked (page, API, service); once Indonesia submits,
    they are markable."""
    from django.core.exceptions import ValidationError

    from meetings.models import Delegation, NominationState
    from tests.factories import AdministrationFactory

    indonesia = AdministrationFactory(code="ID", country="Indonesia", time_zone="Asia/Jakarta")
    draft = Delegation.objects.create(meeting=built.meeting, administration=indonesia)
    assert draft.state == NominationState.DRAFT
    people = [DelegationMember.objects.create(delegation=draft, full_name=f"DRAFTPERSON {n}")
              for n in range(2)]
    session = built.sessions[0]
    client = client_for(secretariat)
    sheet_url = f"/meetings/{built.meeting.pk}/sessions/{session.pk}/attendance/"
    assert "DRAFTPERSON" not in client.get(sheet_url).content.decode()
    assert "DRAFTPERSON" not in client.get(
        f"/meetings/{built.meeting.pk}/participants/").content.decode()
    assert draft.pk not in {d.pk for d, _ in selectors.session_sheet(session).delegations}
    record = selectors.record_for(secretariat, built.meeting)
    assert not {r.member.pk for r in record.attendance} & {p.pk for p in people}
    assert len(record.attendance) == 6  # the three submitted delegations, two each
    # Marking the draft delegation, or one of its people, is refused and writes nothing.
    client.post(sheet_url, {"delegation": f"{draft.pk}:present"})
    api = f"/api/v1/meetings/{built.meeting.pk}/sessions/{session.pk}/attendance/"
    assert client.put(api, {"delegations": [{"delegation": draft.pk, "status": "present"}]},
                      content_type="application/json").status_code == 400
    assert client.put(api, {"marks": [{"member": people[0].pk, "status": "present"}]},
                      content_type="application/json").status_code == 400
    with pytest.raises(ValidationError):
        services.attendance_mark(actor=secretariat, session=session,
                                 marks={people[0].pk: "present"})
    assert not Attendance.objects.filter(member__in=people).exists()
    # Submitted: now they are nominated participants.
    Delegation.objects.filter(pk=draft.pk).update(state=NominationState.SUBMITTED)
    response = client.put(api, {"delegations": [{"delegation": draft.pk, "status": "online"}]},
                          content_type="application/json")
    assert response.status_code == 200
    assert set(Attendance.objects.filter(member__in=people).values_list("status", flat=True)) \
        == {"online"}


# Session, user, meeting, rights, sessions, participants (+delegation), marks; the first
# request adds the session save (savepoint, UPDATE, release).
SHEET_QUERIES = 9
PARTICIPANTS_QUERIES = 6


@pytest.mark.django_db
def test_sheet_and_participants_pages_have_a_fixed_query_bound(
        secretariat, vietnam, malaysia, thailand, client_for, django_assert_max_num_queries):
    """The marking screen and the participants list cost no more for 60 people than for 6:
    measured 9 then 6 for the sheet (the first request of the client also saves the
    session), 6 and 6 for the participants list."""
    client = client_for(secretariat)
    for size, ordinal in ((2, 33), (20, 34)):
        built = build_record(secretariat, vietnam=vietnam, malaysia=malaysia,
                             thailand=thailand, members_per_delegation=size, ordinal=ordinal)
        services.attendance_mark(actor=secretariat, session=built.sessions[0], marks={
            m.pk: "present" for m in DelegationMember.objects.filter(
                delegation__meeting=built.meeting)})
        sheet = f"/meetings/{built.meeting.pk}/sessions/{built.sessions[0].pk}/attendance/"
        with django_assert_max_num_queries(SHEET_QUERIES):
            assert client.get(sheet).status_code == 200
        with django_assert_max_num_queries(PARTICIPANTS_QUERIES):
            assert client.get(f"/meetings/{built.meeting.pk}/participants/").status_code == 200
