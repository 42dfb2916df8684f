"""Writes of the bilateral scheduler: request, propose, accept, decline, cancel.

Scheduling writes of one meeting are serialised by locking the meeting's row, so two answers
accepted at the same moment cannot both take the same room or the same side's hour: the
second one re-reads the schedule after the first committed and is refused with the clash.
"""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from meetings.bilaterals import notices
from meetings.bilaterals.models import Bilateral, DelegationFeed, Room, SlotProposal
from meetings.bilaterals.schedule import Party, clashes, parties_of
from meetings.models import Delegation, DelegationMember, Meeting
from secretariat.access import is_secretariat, partner_id_of
from secretariat.models import Partner

MAX_SLOTS = 5
OPEN = (Bilateral.Status.REQUESTED, Bilateral.Status.PROPOSED)


def acts_for_delegation(user, delegation: Delegation) -> bool:
    """The head of the delegation (its account linked as head) or the secretariat."""
    if is_secretariat(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return DelegationMember.objects.filter(
        delegation=delegation, user=user, role=DelegationMember.Role.HEAD
    ).exists()


def acts_for_side(user, bilateral: Bilateral, side: str) -> bool:
    if side == SlotProposal.Side.REQUESTER:
        return acts_for_delegation(user, bilateral.requester)
    if bilateral.invitee_partner_id:
        return is_secretariat(user) or partner_id_of(user) == bilateral.invitee_partner_id
    return acts_for_delegation(user, bilateral.invitee_delegation)


def _names(bilateral: Bilateral) -> dict[Party, str]:
    names = {Party("delegation", bilateral.requester_id):
             bilateral.requester.administration.country}
    if bilateral.invitee_partner_id:
        names[Party("partner", bilateral.invitee_partner_id)] = bilateral.invitee_partner.name
    else:
        names[Party("delegation", bilateral.invitee_delegation_id)] = (
            bilateral.invitee_delegation.administration.country)
    return names


def _check_slot(bilateral: Bilateral, starts_at, ends_at, *, room=None) -> None:
    problems = clashes(
        meeting=bilateral.meeting, parties=parties_of(bilateral), starts_at=starts_at,
        ends_at=ends_at, room=room, party_size=bilateral.party_size,
        exclude_id=bilateral.pk, names=_names(bilateral),
    )
    if problems:
        raise ValidationError({"slot": problems})


def _closed(bilateral: Bilateral) -> ValidationError:
    return ValidationError(
        {"status": f"This bilateral is {bilateral.get_status_display().lower()}."})


def _lock_meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _locked_bilateral(bilateral_id: int) -> Bilateral:
    meeting_id = Bilateral.objects.values_list("meeting_id", flat=True).get(pk=bilateral_id)
    _lock_meeting(meeting_id)
    return Bilateral.objects.with_related().get(pk=bilateral_id)


def bilateral_request(
    *, actor, meeting: Meeting, requester: Delegation, topic: str,
    slots: list[tuple[dt.datetime, dt.datetime]], invitee_delegation: Delegation | None = None,
    invitee_partner: Partner | None = None, party_size: int = 6, note: str = "",
) -> Bilateral:
    """Ask another delegation or a partner for a bilateral, with up to five preferred slots.
    Each slot is checked now (a clashing one is refused with the clash named) and again when
    the other side accepts it."""
    if requester.meeting_id != meeting.pk:
        raise ValidationError({"requester": "That delegation is not at this meeting."})
    if not acts_for_delegation(actor, requester):
        raise PermissionDenied("Only the head of the delegation (or the secretariat) asks.")
    if (invitee_delegation is None) == (invitee_partner is None):
        raise ValidationError({"invitee": "Choose one delegation or one partner."})
    if invitee_delegation is not None and (
        invitee_delegation.meeting_id != meeting.pk or invitee_delegation.pk == requester.pk
    ):
        raise ValidationError({"invitee": "Choose another delegation of this meeting."})
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise ValidationError({"slot": f"Give one to {MAX_SLOTS} preferred slots."})
    with transaction.atomic():
        _lock_meeting(meeting.pk)
        bilateral = Bilateral(
            meeting=meeting, requester=requester, invitee_delegation=invitee_delegation,
            invitee_partner=invitee_partner, topic=topic, party_size=party_size, note=note,
            requested_by=actor,
        )
        for starts_at, ends_at in slots:
            _check_slot(bilateral, starts_at, ends_at)
        bilateral.full_clean()
        bilateral.save()
        for starts_at, ends_at in slots:
            SlotProposal.objects.create(
                bilateral=bilateral, starts_at=starts_at, ends_at=ends_at,
                side=SlotProposal.Side.REQUESTER, proposed_by=actor,
            )
        notices.bilateral_requested(bilateral)
    return bilateral


def answering_side(bilateral: Bilateral) -> str:
    """The side that did not make the latest proposal answers it."""
    latest = bilateral.proposals.order_by("-created_at", "-pk").first()
    if latest is None or latest.side == SlotProposal.Side.REQUESTER:
        return SlotProposal.Side.INVITEE
    return SlotProposal.Side.REQUESTER


def open_proposals(bilateral: Bilateral) -> list[SlotProposal]:
    """The slots of the latest round (the ones the answering side may accept)."""
    proposals = list(bilateral.proposals.order_by("created_at", "pk"))
    if not proposals:
        return []
    side = proposals[-1].side
    tail = []
    for proposal in reversed(proposals):
        if proposal.side != side:
            break
        tail.append(proposal)
    return list(reversed(tail))


def _free_room(bilateral: Bilateral, starts_at, ends_at) -> Room | None:
    for room in Room.objects.filter(
        meeting=bilateral.meeting, seats__gte=bilateral.party_size
    ).order_by("seats", "name"):
        taken = Bilateral.objects.scheduled().filter(
            room=room, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exclude(pk=bilateral.pk).exists()
        if not taken:
            return room
    return None


def bilateral_accept(
    *, actor, bilateral_id: int, proposal_id: int, room: Room | None = None
) -> Bilateral:
    """Accept one slot of the latest round; the bilateral gets the slot and a room (the one
    given, or the smallest free room with enough seats). Refused, naming the clash, if the
    slot now overlaps a session, another bilateral of either side or a booked/too small room."""
    with transaction.atomic():
        bilateral = _locked_bilateral(bilateral_id)
        side = answering_side(bilateral)
        if not acts_for_side(actor, bilateral, side):
            raise PermissionDenied("The other side answers this proposal.")
        if bilateral.status not in OPEN:
            raise _closed(bilateral)
        proposal = next((p for p in open_proposals(bilateral) if p.pk == proposal_id), None)
        if proposal is None:
            raise ValidationError({"slot": "Choose one of the slots proposed in the last round."})
        if room is not None and room.meeting_id != bilateral.meeting_id:
            raise ValidationError({"room": "That room is not at this meeting's venue."})
        _check_slot(bilateral, proposal.starts_at, proposal.ends_at, room=room)
        if room is None:
            room = _free_room(bilateral, proposal.starts_at, proposal.ends_at)
            if room is None:
                raise ValidationError({"room": [
                    f"No room with {bilateral.party_size} seats is free "
                    f"then; propose another slot."]})
        bilateral.status = Bilateral.Status.ACCEPTED
        bilateral.starts_at, bilateral.ends_at, bilateral.room = (
            proposal.starts_at, proposal.ends_at, room)
        bilateral.sequence += 1
        bilateral.save()
        notices.bilateral_answered(bilateral, actor_side=side)
    return bilateral


def bilateral_propose(
    *, actor, bilateral_id: int, starts_at: dt.datetime, ends_at: dt.datetime
) -> SlotProposal:
    """Answer with another slot; the other side then accepts, declines or proposes again."""
    with transaction.atomic():
        bilateral = _locked_bilateral(bilateral_id)
        side = answering_side(bilateral)
        if not acts_for_side(actor, bilateral, side):
            raise PermissionDenied("The other side answers this proposal.")
        if bilateral.status not in OPEN:
            raise _closed(bilateral)
        _check_slot(bilateral, starts_at, ends_at)
        proposal = SlotProposal.objects.create(
            bilateral=bilateral, starts_at=starts_at, ends_at=ends_at, side=side,
            proposed_by=actor,
        )
        bilateral.status = Bilateral.Status.PROPOSED
        bilateral.save(update_fields=["status", "updated_at"])
        notices.bilateral_answered(bilateral, actor_side=side)
    return proposal


def bilateral_decline(*, actor, bilateral_id: int) -> Bilateral:
    with transaction.atomic():
        bilateral = _locked_bilateral(bilateral_id)
        side = answering_side(bilateral)
        if not acts_for_side(actor, bilateral, side):
            raise PermissionDenied("The other side answers this proposal.")
        if bilateral.status not in OPEN:
            raise _closed(bilateral)
        bilateral.status = Bilateral.Status.DECLINED
        bilateral.save(update_fields=["status", "updated_at"])
        notices.bilateral_answered(bilateral, actor_side=side)
    return bilateral


def bilateral_cancel(*, actor, bilateral_id: int) -> Bilateral:
    """Either side (or the secretariat) calls it off; a scheduled one stays in the feeds as
    cancelled (SEQUENCE raised) so calendar apps remove it."""
    with transaction.atomic():
        bilateral = _locked_bilateral(bilateral_id)
        if not (acts_for_side(actor, bilateral, SlotProposal.Side.REQUESTER)
                or acts_for_side(actor, bilateral, SlotProposal.Side.INVITEE)):
            raise PermissionDenied("Only the two sides or the secretariat cancel it.")
        if bilateral.status in (Bilateral.Status.DECLINED, Bilateral.Status.CANCELLED):
            return bilateral
        if bilateral.status == Bilateral.Status.ACCEPTED:
            bilateral.sequence += 1
        bilateral.status = Bilateral.Status.CANCELLED
        bilateral.save(update_fields=["status", "sequence", "updated_at"])
        notices.bilateral_answered(bilateral, actor_side=None)
    return bilateral


def feed_token_for(delegation: Delegation) -> str:
    feed, _ = DelegationFeed.objects.get_or_create(
        delegation=delegation, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed.token
