"""Writes of the Strategic Plan. Every change to a milestone goes through ``milestone_update``.

Concurrency and history design (QUALITY.md "Lost updates", T14):

* The version check and the write are ONE statement:
  ``UPDATE milestone SET ..., version = version + 1 WHERE id = %s AND version = %s``.
  Zero rows changed means somebody saved first; the caller gets ``Conflict`` with the current
  values and the changes made since the version the caller had.
* ``QuerySet.update()`` bypasses simple-history's ``post_save`` signal, so the service writes
  the history row itself with ``Milestone.history.bulk_history_create(update=True, ...)`` in the
  same transaction, right after the winning UPDATE. The row lock taken by that UPDATE is held
  until commit, so the snapshot it reads is exactly the state it wrote: one history row per
  change, with the acting user, the time, the comment and the full new values (old values are
  the previous row; ``diff_against`` gives old -> new).
* Watchers are told after commit (``transaction.on_commit``), with ids only.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from secretariat import jobs
from workgroups.access import EditRights, can_revert
from workgroups.caching import bump_plan_data_version
from workgroups.models import (
    Body,
    ImplementationStatus,
    InitiativeParticipation,
    Milestone,
    MilestoneEvidence,
    MilestoneStatus,
    NationalImplementation,
    ParticipationStatus,
    Watch,
    status_progress_error,
)

logger = logging.getLogger(__name__)

# The fields editors change between meetings; everything else is set up in the admin.
EDITABLE_FIELDS = ("status", "progress", "start_date", "due_date")
COMMENT_MAX = 500


@dataclass
class ChangeSummary:
    """One recorded change, for conflict messages and timelines."""

    history_id: int
    version: int
    user: str
    date: dt.datetime
    comment: str
    changes: list[tuple[str, Any, Any]]
    username: str = ""  # the account, for the API; ``user`` is what people read


class Conflict(Exception):
    """Someone saved the record after the version the caller started from."""

    def __init__(self, current, since: list[ChangeSummary]):
        self.current = current
        self.since = since
        super().__init__(f"{current} was changed by someone else (now version {current.version})")


def _field_label(name: str) -> str:
    return Milestone._meta.get_field(name).verbose_name.capitalize()


def _display(field_name: str, value):
    if field_name == "status" and value in MilestoneStatus.values:
        return MilestoneStatus(value).label
    if field_name == "progress" and value is not None:
        return f"{value} %"
    return value


def history_summaries(records) -> list[ChangeSummary]:
    """Summaries of the changes among ``records`` (historical rows of ONE milestone, in any
    order), newest first. Each row is compared with the row before it in the list, so pass
    the row preceding the oldest change you want; no query per row."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    summaries = []
    # Each row with the one before it; no rows at all (an If-Match ahead of the record) is
    # no changes, not a length mismatch.
    for previous, record in zip([None, *ordered], ordered, strict=False):
        if record.history_type != "~" or previous is None:
            continue
        delta = record.diff_against(previous, included_fields=list(EDITABLE_FIELDS))
        changes = [
            (_field_label(c.field), _display(c.field, c.old), _display(c.field, c.new))
            for c in delta.changes
        ]
        # A person's name, not their username (issue 13); the username where no name is set.
        user = ((record.history_user.get_full_name() or record.history_user.get_username())
                if record.history_user else "system")
        summaries.append(
            ChangeSummary(
                history_id=record.history_id, version=record.version, user=user,
                date=record.history_date, comment=record.history_change_reason or "",
                changes=changes,
                username=record.history_user.get_username() if record.history_user else "system",
            )
        )
    summaries.reverse()
    return summaries


def milestone_history(milestone_id: int, *, since_version: int = 0) -> list[ChangeSummary]:
    """The recorded changes after ``since_version``, newest first (one query)."""
    records = Milestone.history.filter(
        id=milestone_id, version__gte=since_version
    ).select_related("history_user")
    return history_summaries(list(records))


def changes_since(milestone_id: int, version: int) -> list[ChangeSummary]:
    return milestone_history(milestone_id, since_version=version)


def clean_milestone_changes(
    current: Milestone, changes: dict[str, Any], comment: str
) -> dict[str, Any]:
    """Validate the requested values against the current record; field-keyed errors."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    errors: dict[str, str] = {}
    if "status" in changes and changes["status"] not in MilestoneStatus.values:
        errors["status"] = "Choose one of: " + ", ".join(MilestoneStatus.values) + "."
    if "progress" in changes:
        progress = changes["progress"]
        if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
            errors["progress"] = "Progress is a whole number from 0 to 100."
    start = changes.get("start_date", current.start_date)
    due = changes.get("due_date", current.due_date)
    if start and due and due < start:
        errors["due_date"] = "The due date cannot be before the start date."
    effective = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if {"status", "progress"} & set(effective) and "progress" not in errors:
        # Judged on the values the milestone will have, so "completed" alone on a milestone
        # at 40 % is refused as firmly as "completed, 40"; a row already contradictory (an
        # old import) may still change its dates.
        errors.update(status_progress_error(
            changes.get("status", current.status), changes.get("progress", current.progress)))
    if "status" in effective and not comment.strip():
        errors["comment"] = "Say in a few words why the status changes."
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"Keep the comment under {COMMENT_MAX} characters."
    if errors:
        raise ValidationError(errors)
    return effective


def milestone_update(
    *,
    actor,
    milestone_id: int,
    expected_version: int,
    changes: dict[str, Any],
    comment: str,
    rights: EditRights | None = None,
) -> Milestone:
    """Apply ``changes`` (status, progress, dates) if the milestone is still at
    ``expected_version``.

    Guarantees: all or nothing in one transaction; the version check and the write are a
    single conditional UPDATE (no race window); exactly one history row per successful change,
    carrying ``actor`` and ``comment``; a change that alters nothing writes nothing and keeps
    the version; the cached dashboards show the change as soon as it commits. Raises
    ``PermissionDenied``, ``ValidationError`` (field-keyed), ``Milestone.DoesNotExist`` or
    ``Conflict``.
    """
    rights = rights or EditRights(actor)
    with transaction.atomic():
        current = Milestone.objects.filter(pk=milestone_id).first()
        if current is None:
            raise Milestone.DoesNotExist(f"Milestone {milestone_id} does not exist.")
        if not rights.milestone(current):
            raise PermissionDenied("You cannot edit this milestone.")
        if current.version != expected_version:
            raise Conflict(current, changes_since(milestone_id, expected_version))
        effective = clean_milestone_changes(current, changes, comment)
        if not effective:
            return current
        now = timezone.now()
        won = Milestone.objects.filter(pk=milestone_id, version=expected_version).update(
            **effective, version=F("version") + 1, updated_at=now, updated_by=actor
        )
        if not won:
            # Another save slipped in between our read and our UPDATE.
            current = Milestone.objects.get(pk=milestone_id)
            raise Conflict(current, changes_since(milestone_id, expected_version))
        # ``update()`` sends no signal: the cached roll-ups are invalidated here.
        bump_plan_data_version()
        milestone = Milestone.objects.get(pk=milestone_id)
        (record,) = Milestone.history.bulk_history_create(
            [milestone], update=True, default_user=actor, default_change_reason=comment.strip(),
            default_date=now,
        )
        if {"status", "progress"} & set(effective):
            history_id = record.history_id if record.history_id else _latest_history_id(milestone)
            # The intent to notify is stored with the change (a job row); the enqueue after
            # commit may fail (broker down) without losing it: the outbox sweeper retries.
            jobs.enqueue("workgroups.notify_watchers", key=f"watch-notices:{history_id}",
                         history_id=history_id)
    return milestone


def _latest_history_id(milestone: Milestone) -> int:
    # bulk_create returns no primary keys on backends without RETURNING support.
    return milestone.history.order_by("-history_id").values_list("history_id", flat=True)[0]


def milestone_revert(*, actor, milestone_id: int, history_id: int, comment: str = "") -> Milestone:
    """Undo one recorded change (secretariat only): the fields that change altered go back to
    the values they had before it. The revert is itself a new, recorded change on top of the
    current version, never a rewrite of history; only a save racing this call can conflict."""
    if not can_revert(actor):
        raise PermissionDenied("Only the secretariat reverts changes.")
    record = (
        Milestone.history.filter(id=milestone_id, history_id=history_id, history_type="~")
        .first()
    )
    if record is None or record.prev_record is None:
        raise ValidationError("This change cannot be reverted.")
    previous = record.prev_record
    delta = record.diff_against(previous, included_fields=list(EDITABLE_FIELDS))
    restore = {change.field: change.old for change in delta.changes}
    if not restore:
        raise ValidationError("This change altered nothing that can be reverted.")
    current = Milestone.objects.get(pk=milestone_id)
    note = f"Revert of the change of {record.history_date:%Y-%m-%d %H:%M} UTC"
    if record.history_user:
        note += f" by {record.history_user.get_username()}"
    if comment.strip():
        note += f": {comment.strip()}"
    return milestone_update(
        actor=actor, milestone_id=milestone_id, expected_version=current.version,
        changes=restore, comment=note,
    )


def national_implementation_update(
    *,
    actor,
    milestone: Milestone,
    administration_id: int,
    expected_version: int | None,
    status: str,
    status_on: dt.date | None,
    note: str = "",
) -> NationalImplementation:
    """Set one member state's implementation status of a milestone.

    ``expected_version`` is None when the caller saw no row yet (the row is then created;
    a concurrent creation loses on the unique constraint and is reported as a conflict).
    One history row per change (simple-history via ``save()`` under a row lock).
    """
    if not EditRights(actor).administration_row(administration_id):
        raise PermissionDenied("You can only update your own administration.")
    if not milestone.implemented_nationally:
        raise ValidationError("This milestone is not implemented nationally.")
    if status not in ImplementationStatus.values:
        raise ValidationError({"status": "Unknown status."})
    with transaction.atomic():
        row = (
            NationalImplementation.objects.select_for_update()
            .filter(milestone=milestone, administration_id=administration_id)
            .first()
        )
        if row is None:
            if expected_version is not None:
                raise ValidationError("This row no longer exists.")
            row = NationalImplementation(milestone=milestone, administration_id=administration_id)
        elif row.version != expected_version:
            raise Conflict(row, [])
        else:
            row.version += 1
        row.status, row.status_on, row.note = status, status_on, note[:300]
        row._history_user = actor
        row._change_reason = note
        row.save()
        bump_plan_data_version()
    return row


def participation_update(
    *,
    actor,
    participation_id: int,
    expected_version: int,
    status: str,
    since: dt.date | None,
    detail: str,
) -> InitiativeParticipation:
    """Update one cell of an initiative board with the same version check as milestones."""
    row = InitiativeParticipation.objects.filter(pk=participation_id).first()
    if row is None:
        raise InitiativeParticipation.DoesNotExist
    if not EditRights(actor).administration_row(row.administration_id):
        raise PermissionDenied("You can only update your own administration's row.")
    if status not in ParticipationStatus.values:
        raise ValidationError({"status": "Unknown status."})
    won = InitiativeParticipation.objects.filter(
        pk=participation_id, version=expected_version
    ).update(
        status=status, since=since, detail=detail[:200], version=F("version") + 1,
        updated_at=timezone.now(), updated_by=actor,
    )
    if not won:
        row.refresh_from_db()
        raise Conflict(row, [])
    bump_plan_data_version()
    row.refresh_from_db()
    return row


def watch_set(*, actor, milestone: Milestone | None = None, body: Body | None = None,
              watching: bool) -> bool:
    """Start or stop watching; idempotent. Returns whether the user now watches."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Log in to watch.")
    target = {"milestone": milestone} if milestone is not None else {"body": body}
    if watching:
        Watch.objects.get_or_create(user=actor, **target)
    else:
        Watch.objects.filter(user=actor, **target).delete()
    return watching


def evidence_add(*, actor, milestone: Milestone, title: str, url: str) -> MilestoneEvidence:
    """Attach a link as evidence of progress; same editors as the milestone itself."""
    if not EditRights(actor).milestone(milestone):
        raise PermissionDenied("You cannot add evidence to this milestone.")
    evidence = MilestoneEvidence(milestone=milestone, title=title.strip(), url=url.strip(),
                                 added_by=actor)
    evidence.full_clean()
    evidence.save()
    return evidence


# --- Chair terms ------------------------------------------------------------------------------


def _require_secretariat_for_terms(actor) -> None:
    from secretariat.access import is_secretariat

    if not is_secretariat(actor):
        raise PermissionDenied("Only the secretariat manages chair terms.")


@transaction.atomic
def chair_term_create(*, actor, body: Body, administration, start_on: dt.date,
                      end_on: dt.date | None = None, role: str = "chair", note: str = "",
                      is_inferred: bool = False):
    """Add a term. Guarantees: secretariat only; a term never overlaps another term of the
    same body and role (two chairs at once would give two administrations the same right);
    one transaction."""
    from workgroups.models import BodyChairTerm

    _require_secretariat_for_terms(actor)
    errors = {}
    if end_on is not None and end_on < start_on:
        errors["end_on"] = "The term cannot end before it starts."
    overlapping = BodyChairTerm.objects.select_for_update().filter(body=body, role=role).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=start_on))
    if end_on is not None:
        overlapping = overlapping.filter(start_on__lte=end_on)
    clash = overlapping.select_related("administration").first()
    if clash is not None:
        until = clash.end_on.isoformat() if clash.end_on else "open-ended"
        errors["start_on"] = (f"Overlaps {clash.administration.country}'s term "
                              f"({clash.start_on.isoformat()} to {until}): end it first.")
    if errors:
        raise ValidationError(errors)
    term = BodyChairTerm.objects.create(body=body, administration=administration, role=role,
                                        start_on=start_on, end_on=end_on, note=note,
                                        is_inferred=is_inferred)
    bump_plan_data_version()
    return term


@transaction.atomic
def chair_term_end(*, actor, term, last_day: dt.date | None = None):
    """End a term on ``last_day`` (default: yesterday, so the rights stop now). A term that
    would end before it began never ran and is deleted. Returns the term, or None."""
    from workgroups.access import term_day

    _require_secretariat_for_terms(actor)
    last_day = last_day or term_day() - dt.timedelta(days=1)
    if last_day < term.start_on:
        term.delete()
        bump_plan_data_version()
        return None
    if term.end_on is None or term.end_on > last_day:
        term.end_on = last_day
        term.save(update_fields=["end_on"])
        bump_plan_data_version()
    return term
