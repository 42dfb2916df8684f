"""Writes of consultations: create, change (with SEQUENCE and notices), feed tokens."""

import copy
import datetime as dt
import logging
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from consultations.models import (
    CalendarFeedToken,
    Consultation,
    ConsultationNotice,
    ConsultationSeries,
    new_feed_token,
)
from consultations.notices import notices_queue
from workgroups.access import ChairRights

logger = logging.getLogger(__name__)

# A change to any of these alters what a calendar shows, so SEQUENCE goes up (RFC 5545 3.8.7.4).
CALENDAR_FIELDS = frozenset(
    {"series", "ordinal", "starts_at", "ends_at", "time_zone", "venue", "mode", "status",
     "agenda", "meeting"}
)
EDITABLE_FIELDS = CALENDAR_FIELDS | {"mode_note", "published"}


def _require_editor(actor) -> None:
    # ``actor=None`` is the system (demo loader, migrations). People: the secretariat, or the
    # staff of the administration chairing the DG meeting at this instant.
    if actor is not None and not ChairRights(actor).runs_conference():
        raise PermissionDenied(
            "Only the secretariat and the DG meeting's chair edit consultations."
        )


def next_ordinal(series: ConsultationSeries) -> int | None:
    """The number the next consultation of ``series`` gets: one more than the highest so far."""
    if not series.is_numbered:
        return None
    highest = series.consultations.aggregate(m=Max("ordinal"))["m"]
    return (highest or 0) + 1


def _local_date(starts_at: dt.datetime, time_zone: str) -> dt.date:
    return starts_at.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def _validate(consultation: Consultation) -> None:
    if timezone.is_naive(consultation.starts_at) or timezone.is_naive(consultation.ends_at):
        raise ValidationError({"starts_at": "Give times with a time zone."})
    # Validate first: the local date needs a valid zone name.
    consultation.full_clean(exclude=["date"])
    consultation.date = _local_date(consultation.starts_at, consultation.time_zone)


@transaction.atomic
def consultation_create(
    *,
    actor,
    series: ConsultationSeries,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    time_zone: str,
    ordinal: int | None = None,
    **fields,
) -> Consultation:
    """Create a consultation; without ``ordinal`` it is the next in its series.

    Give ``ordinal`` to record history ("the 9th, in 2020"). Raises ``ValidationError`` with
    field errors (a taken ordinal, an end before the start) and writes nothing then.
    """
    _require_editor(actor)
    documents = fields.pop("documents", None)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not consultation fields: {sorted(unknown)}")
    if ordinal is None:
        # Two editors adding at once compute the same number; the unique constraint turns the
        # second into a ValidationError via full_clean, or an IntegrityError at worst.
        ordinal = next_ordinal(series)
    consultation = Consultation(
        series=series, ordinal=ordinal if series.is_numbered else None,
        starts_at=starts_at, ends_at=ends_at, time_zone=time_zone, **fields,
    )
    _validate(consultation)
    consultation.save()
    if documents:
        consultation.documents.set(documents)
    return consultation


def _change_kind(before: Consultation, after: Consultation) -> str | None:
    """Which notice a change deserves, if any: confirmed, moved, postponed or cancelled."""
    Status = Consultation.Status
    Change = ConsultationNotice.Change
    if after.status != before.status:
        if after.status == Status.CANCELLED:
            return Change.CANCELLED
        if after.status == Status.POSTPONED:
            return Change.POSTPONED
        if after.status == Status.CONFIRMED and not _moved(before, after):
            return Change.CONFIRMED
    if after.status != Status.CANCELLED and _moved(before, after):
        return Change.MOVED
    return None


def _moved(before: Consultation, after: Consultation) -> bool:
    return (before.starts_at, before.ends_at, before.venue) != (
        after.starts_at, after.ends_at, after.venue
    )


@transaction.atomic
def consultation_update(*, actor, consultation: Consultation, **changes) -> Consultation:
    """Change a consultation.

    Guarantees: SEQUENCE rises by one when anything a calendar shows changed (and only then);
    a confirmation, move, postponement or cancellation writes a ``ConsultationNotice`` and one
    outbox message per partner contact in the same transaction (queued after commit, swept if
    the broker is down), so the partner's contacts hear of it once. Raises
    ``ValidationError`` with field errors and changes nothing then.
    """
    _require_editor(actor)
    unknown = set(changes) - EDITABLE_FIELDS - {"documents"}
    if unknown:
        raise TypeError(f"Not consultation fields: {sorted(unknown)}")
    # Lock the row: two editors saving at once must not both raise SEQUENCE to the same value.
    current = Consultation.objects.select_for_update().select_related("series").get(
        pk=consultation.pk
    )
    before = copy.copy(current)
    documents = changes.pop("documents", None)
    for name, value in changes.items():
        setattr(current, name, value)
    _validate(current)
    attnames = [Consultation._meta.get_field(f).attname for f in CALENDAR_FIELDS]
    relevant = any(getattr(before, a) != getattr(current, a) for a in attnames)
    if relevant:
        current.sequence = before.sequence + 1
    current.save()
    if documents is not None:
        current.documents.set(documents)

    change = _change_kind(before, current) if relevant else None
    if change:
        notice = ConsultationNotice.objects.create(
            consultation=current, change=change, sequence=current.sequence
        )
        # One outbox message per contact, in this transaction; queued after commit.
        notices_queue(notice)
    if consultation is not current:
        consultation.refresh_from_db()
    return current


def calendar_token_for(*, user) -> CalendarFeedToken:
    """The user's feed token, created on first use (one query once it exists)."""
    token = CalendarFeedToken.objects.filter(user=user).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return CalendarFeedToken.objects.create(user=user)
    except IntegrityError:
        # Two first requests at once (the page and /me/): the other one created it.
        return CalendarFeedToken.objects.get(user=user)


@transaction.atomic
def calendar_token_rotate(*, actor) -> CalendarFeedToken:
    """Give ``actor`` a new feed secret; the old URL answers 404 from now on."""
    token, created = CalendarFeedToken.objects.get_or_create(user=actor)
    if not created:
        token.token = new_feed_token()
        token.rotated_at = timezone.now()
        token.save(update_fields=["token", "rotated_at"])
    return token
