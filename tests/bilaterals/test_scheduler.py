"""The bilateral scheduler: refusals that name the clash, the request/answer flow and its
rights, emails through the outbox, and a property test that random requests never produce a
clash in the accepted schedule."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations.models import Consultation, ConsultationSeries
from meetings.bilaterals import services
from meetings.bilaterals.models import Bilateral
from meetings.bilaterals.schedule import DASH
from secretariat import outbox
from tests.bilaterals.conftest import at, request, schedule

pytestmark = pytest.mark.django_db


def _refusal(excinfo) -> str:
    return " ".join(m for ms in excinfo.value.message_dict.values() for m in ms)


def test_refuses_a_slot_overlapping_a_plenary_session(meeting, delegations, secretariat,
                                                      japan_customs):
    with pytest.raises(ValidationError) as refused:
        request(secretariat, meeting, delegations["VN"], partner=japan_customs,
                slots=[(at(0, "11:30"), at(0, "12:15"))])
    assert "overlaps the plenary session “Opening and plenary”" in _refusal(refused)
    assert Bilateral.objects.count() == 0
    # Half-open: starting the minute the session ends is fine.
    request(secretariat, meeting, delegations["VN"], partner=japan_customs,
            slots=[(at(0, "12:00"), at(0, "12:45"))])


def test_refuses_another_bilateral_of_either_side(meeting, delegations, rooms, secretariat,
                                                  japan_customs):
    schedule(secretariat, meeting, delegations["VN"], partner=japan_customs,
             slot=(at(0, "12:15"), at(0, "13:00")))
    with pytest.raises(ValidationError) as partner_busy:  # Japan Customs is taken
        request(secretariat, meeting, delegations["MY"], partner=japan_customs,
                slots=[(at(0, "12:30"), at(0, "13:15"))])
    assert f"Japan Customs already has the Bilateral: Viet Nam {DASH} Japan Customs" in _refusal(
        partner_busy)
    with pytest.raises(ValidationError) as delegation_busy:  # Viet Nam is taken
        request(secretariat, meeting, delegations["MY"], delegation=delegations["VN"],
                slots=[(at(0, "12:45"), at(0, "13:30"))])
    assert f"Viet Nam already has the Bilateral: Viet Nam {DASH} Japan Customs" in _refusal(
        delegation_busy)


def test_refuses_a_full_or_too_small_room(meeting, delegations, rooms, secretariat,
                                          japan_customs, wco):
    schedule(secretariat, meeting, delegations["VN"], partner=japan_customs,
             slot=(at(1, "12:00"), at(1, "12:45")), room=rooms["lotus"])
    other = request(secretariat, meeting, delegations["MY"], partner=wco,
                    slots=[(at(1, "12:30"), at(1, "13:15"))], size=8)
    proposal = other.proposals.get().pk
    with pytest.raises(ValidationError) as taken:
        services.bilateral_accept(actor=secretariat, bilateral_id=other.pk,
                                  proposal_id=proposal, room=rooms["lotus"])
    assert f"Lotus is taken by the Bilateral: Viet Nam {DASH} Japan Customs" in _refusal(taken)
    with pytest.raises(ValidationError) as small:
        services.bilateral_accept(actor=secretariat, bilateral_id=other.pk,
                                  proposal_id=proposal, room=rooms["orchid"])
    assert "Orchid seats 4; this bilateral needs 8." in _refusal(small)
    with pytest.raises(ValidationError) as none_free:  # no room given: none is free and big
        services.bilateral_accept(actor=secretariat, bilateral_id=other.pk, proposal_id=proposal)
    assert "No room with 8 seats is free" in _refusal(none_free)
    other.refresh_from_db()
    assert other.status == Bilateral.Status.REQUESTED and other.room is None


def test_refuses_a_slot_during_the_partners_consultation(meeting, delegations, secretariat,
                                                         japan_customs):
    series = ConsultationSeries.objects.create(
        partner=japan_customs, level="dg_commissioner", title="ASEAN-Japan Consultation")
    Consultation.objects.create(
        series=series, ordinal=26, meeting=meeting, starts_at=at(1, "14:00"),
        ends_at=at(1, "15:00"), time_zone="Asia/Ho_Chi_Minh", date=dt.date(2024, 6, 5))
    with pytest.raises(ValidationError) as refused:
        request(secretariat, meeting, delegations["VN"], partner=japan_customs,
                slots=[(at(1, "14:30"), at(1, "15:15"))])
    assert "is at “26th ASEAN-Japan Consultation”" in _refusal(refused)


def test_request_answer_flow_and_who_may_act(meeting, delegations, rooms, chair, delegate,
                                             partner_b, japan_customs):
    bilateral = request(chair, meeting, delegations["VN"], partner=japan_customs, size=4,
                        slots=[(at(0, "12:15"), at(0, "13:00")), (at(1, "12:15"), at(1, "13:00"))])
    with pytest.raises(PermissionDenied):  # Malaysia's head is no side of it
        request(delegate, meeting, delegations["VN"], partner=japan_customs,
                slots=[(at(1, "18:00"), at(1, "18:45"))])
    with pytest.raises(PermissionDenied):  # the requester does not answer its own request
        services.bilateral_decline(actor=chair, bilateral_id=bilateral.pk)
    # Japan Customs proposes another slot; now Viet Nam answers.
    proposal = services.bilateral_propose(actor=partner_b, bilateral_id=bilateral.pk,
                                          starts_at=at(1, "17:45"), ends_at=at(1, "18:30"))
    with pytest.raises(PermissionDenied):
        services.bilateral_accept(actor=partner_b, bilateral_id=bilateral.pk,
                                  proposal_id=proposal.pk)
    with pytest.raises(ValidationError):  # the first round's slots are no longer on offer
        services.bilateral_accept(actor=chair, bilateral_id=bilateral.pk,
                                  proposal_id=bilateral.proposals.order_by("pk").first().pk)
    accepted = services.bilateral_accept(actor=chair, bilateral_id=bilateral.pk,
                                         proposal_id=proposal.pk)
    assert (accepted.status, accepted.starts_at, accepted.room) == (
        Bilateral.Status.ACCEPTED, at(1, "17:45"), rooms["orchid"])  # smallest that fits
    assert accepted.sequence == 1


def test_requests_and_answers_are_emailed_through_the_outbox(
        meeting, delegations, rooms, chair, partner_b, japan_customs):
    bilateral = request(chair, meeting, delegations["VN"], partner=japan_customs,
                        slots=[(at(0, "12:15"), at(0, "13:00"))])
    asked = outbox.messages_for(purpose="bilaterals.requested", obj=bilateral)
    assert list(asked.values_list("recipient", flat=True)) == [partner_b.email]
    assert "Viet Nam asks for a bilateral" in asked.get().context["body"]
    services.bilateral_accept(actor=partner_b, bilateral_id=bilateral.pk,
                              proposal_id=bilateral.proposals.get().pk)
    told = outbox.messages_for(purpose="bilaterals.accepted", obj=bilateral)
    assert list(told.values_list("recipient", flat=True)) == [chair.email]
    assert "12:15-13:00 (Phu Quoc time)" in told.get().context["body"]


# --- The property: whatever is asked, the accepted schedule has no clash -------------------

SLOTS = st.tuples(st.integers(0, 2), st.integers(7 * 4, 20 * 4), st.sampled_from([30, 45, 90]))
REQUESTS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 4), SLOTS, st.integers(2, 12),
              st.sampled_from([None, "lotus", "orchid"])),
    min_size=1, max_size=10,
)


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(asks=REQUESTS)
def test_random_requests_never_produce_a_clash(meeting, delegations, rooms, secretariat,
                                               japan_customs, wco, asks):
    """Given up to ten random requests (any pair, any quarter hour of the three days, any
    size, any room), each accepted if the scheduler allows it, then no two accepted
    bilaterals share a side or a room at the same time, none overlaps a session, none sits
    in a room too small, and each lies within the meeting's days."""
    sides = [delegations["VN"], delegations["MY"], delegations["TH"]]
    invitees = [("d", delegations["VN"]), ("d", delegations["MY"]), ("d", delegations["TH"]),
                ("p", japan_customs), ("p", wco)]
    with transaction.atomic():
        for requester_i, invitee_i, (day, quarter, minutes), size, room in asks:
            kind, invitee = invitees[invitee_i]
            start = at(day, "00:00") + dt.timedelta(minutes=15 * quarter)
            try:
                bilateral = request(
                    secretariat, meeting, sides[requester_i], size=size,
                    partner=invitee if kind == "p" else None,
                    delegation=invitee if kind == "d" else None,
                    slots=[(start, start + dt.timedelta(minutes=minutes))])
                services.bilateral_accept(
                    actor=secretariat, bilateral_id=bilateral.pk,
                    proposal_id=bilateral.proposals.get().pk, room=rooms.get(room))
            except ValidationError:
                continue
        accepted = list(Bilateral.objects.scheduled().filter(meeting=meeting))
        sessions = list(meeting.sessions.all())
        for i, a in enumerate(accepted):
            assert a.party_size <= a.room.seats
            assert a.starts_at >= at(0, "00:00") and a.ends_at <= at(3, "00:00")
            assert not any(_overlap(a.starts_at, a.ends_at, s.starts_at, s.ends_at)
                           for s in sessions)
            a_sides = {("d", a.requester_id), ("d", a.invitee_delegation_id) if
                       a.invitee_delegation_id else ("p", a.invitee_partner_id)}
            for b in accepted[i + 1:]:
                if not _overlap(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
                    continue
                b_sides = {("d", b.requester_id), ("d", b.invitee_delegation_id) if
                           b.invitee_delegation_id else ("p", b.invitee_partner_id)}
                assert not a_sides & b_sides, (a, b)
                assert a.room_id != b.room_id, (a, b)
        transaction.set_rollback(True)
