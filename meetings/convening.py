"""Convening a meeting, its updates and cancellation, and the delegations' nominations.

Emails go through the portal's one outbox (``secretariat.outbox``): this module decides who
receives what; the outbox sends each ``(notice, recipient)`` once, retries transient errors
and keeps the record. Reminders about nominations use the administration's working window
(``secretariat.working_hours``), as progress-report reminders do.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from meetings import ical
from meetings.authoring import require_runner
from meetings.models import (
    Delegation,
    DelegationMember,
    Meeting,
    MeetingNotice,
    MeetingStatus,
    NominationReminder,
    NominationState,
    Session,
)
from secretariat import outbox
from secretariat.access import administration_id_of, is_member_staff, is_secretariat
from secretariat.ical import calendar_bytes
from secretariat.models import Administration
from secretariat.working_hours import window_for
from workgroups.access import ChairRights
from workgroups.models import FocalPoint

CONVENING_PURPOSE = "meetings.convening"
REMINDER_PURPOSE = "meetings.nomination_reminder"

# Apps above ``meetings`` add recipients (``consultations``: the partners of consultations
# held beside the meeting) without ``meetings`` importing them: ``fn(meeting) -> [emails]``.
RecipientSource = Callable[[Meeting], list[str]]
_recipient_sources: list[RecipientSource] = []


def register_recipient_source(source: RecipientSource) -> RecipientSource:
    if source not in _recipient_sources:
        _recipient_sources.append(source)
    return source


def expected_administrations(meeting: Meeting) -> list[Administration]:
    """Members and observers on the meeting's first day (Timor-Leste was an observer at the
    33rd and 34th, a member from 26 October 2025)."""
    day = meeting.start_date
    return [
        adm for adm in Administration.objects.with_names().order_by("country")
        if adm.membership_on(day) in {"member", "observer"}
    ]


def recipients(meeting: Meeting) -> list[str]:
    """Focal points for the body and the head of every expected administration, then the
    registered sources; each address once, in a stable order."""
    expected = [a.pk for a in expected_administrations(meeting)]
    addresses = list(
        FocalPoint.objects.filter(body_id=meeting.body_id, contact__administration_id__in=expected)
        .exclude(contact__email="").order_by("contact__administration__country", "pk")
        .values_list("contact__email", flat=True)
    )
    from secretariat.models import Contact

    addresses += list(
        Contact.objects.filter(administration_id__in=expected, is_head=True).exclude(email="")
        .order_by("administration__country").values_list("email", flat=True)
    )
    for source in _recipient_sources:
        addresses += source(meeting)
    seen, unique = set(), []
    for address in addresses:
        key = address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(address.strip())
    return unique


def _deadline_text(meeting: Meeting) -> str:
    if meeting.nomination_deadline is None:
        return ""
    local = meeting.nomination_deadline.astimezone(meeting.zoneinfo)
    return f"{local:%d %B %Y, %H:%M} ({meeting.time_zone.split('/')[-1].replace('_', ' ')} time)"


def invitation_ics(meeting: Meeting, *, cancel: bool) -> str:
    sessions = list(Session.objects.filter(meeting=meeting).order_by("starts_at"))
    event = ical.invitation_event(
        meeting, sessions, organizer_email=_organizer_email(), cancel=cancel,
        nomination_deadline_text=_deadline_text(meeting),
    )
    return calendar_bytes([event], name=meeting.display_title,
                          feed_id=f"invitation-{meeting.uid}",
                          method="CANCEL" if cancel else "REQUEST").decode()


def _organizer_email() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "portal@localhost"


def _queue_notice(notice: MeetingNotice, meeting: Meeting) -> int:
    context = {
        "meeting_title": meeting.display_title, "kind": notice.kind,
        "kind_label": notice.get_kind_display(), "place": meeting.place,
        "dates": f"{meeting.start_date:%d %B %Y} to {meeting.end_date:%d %B %Y}",
        "deadline": _deadline_text(meeting), "url": ical.meeting_url(meeting),
    }
    queued = 0
    for address in recipients(meeting):
        _, created = outbox.queue_email(
            purpose=CONVENING_PURPOSE, obj=notice, recipient=address,
            template="emails/meeting_notice", context=context,
        )
        queued += created
    return queued


@transaction.atomic
def meeting_convene(*, actor, meeting: Meeting) -> MeetingNotice:
    """Convene: status ``convened`` and the notice (METHOD:REQUEST, SEQUENCE 0) to every
    recipient, once each. Idempotent: convening a convened meeting returns its first notice."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related(
        "body", "host").get(pk=meeting.pk)
    require_runner(actor, meeting.body_id)
    if meeting.convened_at is not None:
        return meeting.notices.order_by("sequence").first()
    if meeting.status not in {MeetingStatus.DRAFT, MeetingStatus.POSTPONED}:
        raise ValidationError({"status": f"A {meeting.get_status_display().lower()} meeting "
                                         "cannot be convened."})
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.CONVENED, convened_at=timezone.now(),
        version=F("version") + 1)
    meeting.refresh_from_db()
    notice = MeetingNotice.objects.create(
        meeting=meeting, kind=MeetingNotice.Kind.CONVENING, sequence=meeting.sequence,
        ics=invitation_ics(meeting, cancel=False), created_by=actor,
    )
    _queue_notice(notice, meeting)
    return notice


def notice_send(*, actor, meeting: Meeting) -> MeetingNotice:
    """After a change to a convened meeting: SEQUENCE + 1 and an update (or, cancelled, a
    METHOD:CANCEL) to every recipient. Runs inside the caller's transaction."""
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting = Meeting.objects.select_related("body", "host").get(pk=meeting.pk)
    cancel = meeting.status == MeetingStatus.CANCELLED
    notice = MeetingNotice.objects.create(
        meeting=meeting,
        kind=MeetingNotice.Kind.CANCELLATION if cancel else MeetingNotice.Kind.UPDATE,
        sequence=meeting.sequence, ics=invitation_ics(meeting, cancel=cancel), created_by=actor,
    )
    _queue_notice(notice, meeting)
    return notice


@outbox.preparer(CONVENING_PURPOSE)
def _prepare_notice(message) -> outbox.Prepared:
    notice = message.subject_object
    if notice is None:
        raise outbox.Cancel("The meeting is gone.")
    method = "CANCEL" if notice.kind == MeetingNotice.Kind.CANCELLATION else "REQUEST"
    return outbox.Prepared(attachments=[
        outbox.Attachment(f"meeting-{method.lower()}.ics", notice.ics, "text/calendar")
    ])


# --- Nominations ------------------------------------------------------------------------------


@dataclass
class NominationRow:
    administration: Administration
    capacity: str
    delegation: Delegation | None

    @property
    def state(self) -> str:
        return self.delegation.state if self.delegation else NominationState.NOT_STARTED

    @property
    def state_label(self) -> str:
        return NominationState(self.state).label

    @property
    def head(self) -> DelegationMember | None:
        if self.delegation is None:
            return None
        return next((m for m in self.delegation.members.all()
                     if m.role == DelegationMember.Role.HEAD), None)


def capacity_for(meeting: Meeting, administration: Administration) -> str:
    observer = administration.membership_on(meeting.start_date) == "observer"
    return Delegation.Capacity.OBSERVER if observer else Delegation.Capacity.MEMBER


def nomination_matrix(meeting: Meeting) -> list[NominationRow]:
    """Every expected administration with its nomination state (3 queries in all)."""
    delegations = {
        d.administration_id: d
        for d in Delegation.objects.filter(meeting=meeting).prefetch_related("members")
    }
    return [
        NominationRow(adm, capacity_for(meeting, adm), delegations.get(adm.pk))
        for adm in expected_administrations(meeting)
    ]


def may_see_nomination(user, meeting: Meeting, administration: Administration) -> bool:
    if is_secretariat(user) or ChairRights(user).runs(meeting.body_id):
        return True
    return is_member_staff(user) and administration_id_of(user) == administration.pk


def may_edit_nomination(user, meeting: Meeting, administration: Administration,
                        now: dt.datetime | None = None) -> bool:
    """The secretariat at any time; the administration's own staff until the deadline."""
    if is_secretariat(user):
        return True
    return (
        is_member_staff(user) and administration_id_of(user) == administration.pk
        and meeting.nominations_open(now)
    )


def nomination_get(user, meeting: Meeting, code: str) -> tuple[Administration, Delegation | None]:
    """The administration and its delegation if ``user`` may see them, else 404 (another
    administration's nomination is not revealed)."""
    administration = Administration.objects.filter(code__iexact=code).first()
    if administration is None or not may_see_nomination(user, meeting, administration):
        raise Http404("No such nomination.")
    delegation = (
        Delegation.objects.filter(meeting=meeting, administration=administration)
        .prefetch_related("members__sessions").first()
    )
    return administration, delegation


MEMBER_ROLES = {r.value for r in DelegationMember.Role}


@transaction.atomic
def nomination_save(*, actor, meeting: Meeting, administration: Administration,
                    members: list[dict], submit: bool) -> Delegation:
    """Replace the delegation's list (head, delegates, observers: name, title, email,
    sessions) and keep it as a draft or submit it. Field errors are keyed ``members``.

    Guarantees: only the administration's staff before the deadline, or the secretariat;
    at most one head; observers' delegations (Timor-Leste before its membership) have no
    "delegate" members; sessions must be the meeting's.
    """
    if not may_see_nomination(actor, meeting, administration):
        raise Http404("No such nomination.")
    if not may_edit_nomination(actor, meeting, administration):
        raise PermissionDenied("Nominations are closed: the deadline has passed.")
    capacity = capacity_for(meeting, administration)
    session_ids = set(Session.objects.filter(meeting=meeting).values_list("pk", flat=True))
    errors = []
    heads = [m for m in members if m.get("role") == DelegationMember.Role.HEAD]
    if len(heads) > 1:
        errors.append("Name one head of delegation only.")
    for index, member in enumerate(members, start=1):
        if not (member.get("full_name") or "").strip():
            errors.append(f"Person {index}: a name is needed.")
        if member.get("role") not in MEMBER_ROLES:
            errors.append(f"Person {index}: choose head, delegate or observer.")
        if (capacity == Delegation.Capacity.OBSERVER
                and member.get("role") == DelegationMember.Role.DELEGATE):
            errors.append(f"Person {index}: {administration.country} attends as an observer; "
                          "name observers (and a head).")
        if set(member.get("sessions") or []) - session_ids:
            errors.append(f"Person {index}: a session is not one of this meeting's.")
    if submit and not heads:
        errors.append("Name the head of delegation before submitting.")
    if errors:
        raise ValidationError({"members": errors})
    delegation, _ = Delegation.objects.get_or_create(
        meeting=meeting, administration=administration, defaults={"capacity": capacity})
    delegation.members.all().delete()
    for member in members:
        row = DelegationMember.objects.create(
            delegation=delegation, full_name=member["full_name"].strip(),
            position=(member.get("position") or "").strip(),
            email=(member.get("email") or "").strip(), role=member["role"],
        )
        if member.get("sessions"):
            row.sessions.set(member["sessions"])
    delegation.capacity = capacity
    if submit:
        delegation.state = NominationState.SUBMITTED
        delegation.submitted_at = timezone.now()
        delegation.submitted_by = actor
    else:
        delegation.state = NominationState.DRAFT
    delegation.version = F("version") + 1
    delegation.save()
    delegation.refresh_from_db()
    if submit:
        # Reminders not yet sent have no reason to go any more.
        for reminder in NominationReminder.objects.filter(meeting=meeting,
                                                          administration=administration):
            outbox.cancel(purpose=REMINDER_PURPOSE, obj=reminder, reason="Submitted.")
    return delegation


def _reminder_addresses(meeting: Meeting, administration: Administration) -> list[str]:
    from secretariat.models import Contact

    addresses = list(
        FocalPoint.objects.filter(body_id=meeting.body_id,
                                  contact__administration=administration)
        .exclude(contact__email="").values_list("contact__email", flat=True)
    )
    addresses += list(Contact.objects.filter(administration=administration, is_head=True)
                      .exclude(email="").values_list("email", flat=True))
    return sorted({a.strip() for a in addresses if a.strip()})


@transaction.atomic
def nomination_remind(*, actor, meeting: Meeting, administration: Administration) -> int:
    """"Remind now": one reminder to the administration's focal points and head, sent in its
    working window and only if it can go before the deadline. Returns the emails queued."""
    require_runner(actor, meeting.body_id)
    if not meeting.nominations_open():
        raise ValidationError("The nomination deadline has passed.")
    reminder = NominationReminder.objects.create(meeting=meeting, administration=administration,
                                                 created_by=actor)
    context = {"meeting_title": meeting.display_title, "country": administration.country,
               "deadline": _deadline_text(meeting), "url": ical.meeting_url(meeting)}
    queued = 0
    for address in _reminder_addresses(meeting, administration):
        _, created = outbox.queue_email(
            purpose=REMINDER_PURPOSE, obj=reminder, recipient=address,
            template="emails/nomination_reminder", context=context,
            window=window_for(administration), send_before=meeting.nomination_deadline,
        )
        queued += created
    return queued
