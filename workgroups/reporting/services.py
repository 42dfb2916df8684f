"""Writes of the reporting cycle: open a cycle, save and submit reports, "remind now".

Every function here takes the acting user explicitly, checks what that user may do, and runs
in one transaction. Anything queued for Celery is queued after commit, and a broker that is
down never turns a saved change into an error: reminders go through the outbox
(``secretariat.outbox``), whose sweeper queues what the broker missed.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from secretariat import outbox
from secretariat.access import administration_id_of, is_secretariat, role_of
from secretariat.models import Administration, Role
from workgroups.models import (
    ImplementationStatus,
    Milestone,
    MilestoneStatus,
    NationalImplementation,
    status_progress_error,
)
from workgroups.reporting.models import (
    DispatchStatus,
    ProgressReport,
    ReminderDispatch,
    ReportEntry,
    ReportingCycle,
    ReportState,
)
from workgroups.reporting.reminders import PURPOSE, hand_over
from workgroups.reporting.schedule import reminders_for
from workgroups.services import milestone_update, national_implementation_update

logger = logging.getLogger(__name__)

NARRATIVE_MAX = 4000
# What a reported milestone status means for a national implementation row.
NATIONAL_STATUS = {
    MilestoneStatus.NOT_STARTED: ImplementationStatus.NOT_STARTED,
    MilestoneStatus.COMPLETED: ImplementationStatus.IMPLEMENTED,
    MilestoneStatus.CANCELLED: ImplementationStatus.NOT_APPLICABLE,
}


def _require_secretariat(actor) -> None:
    if not is_secretariat(actor):
        raise PermissionDenied("Only the secretariat manages reporting cycles.")


def can_report_for(user, report: ProgressReport) -> bool:
    """A member administration's own staff (delegates, and chair-country staff of the same
    administration) write its report; nobody else, not even the secretariat."""
    return (
        role_of(user) in {Role.DELEGATE, Role.CHAIR}
        and administration_id_of(user) == report.administration_id
    )


def expected_administrations(cycle: ReportingCycle, day: dt.date) -> dict[int, set[int]]:
    """Administration id -> milestone ids it leads or implements nationally, in scope.

    Two queries whatever the size of the plan; former members and observers owe nothing.
    """
    milestones = cycle.milestones()
    members = set(Administration.objects.members_on(day).values_list("pk", flat=True))
    owed: dict[int, set[int]] = {}
    leads = Milestone.lead_administrations.through.objects.filter(
        milestone__in=milestones
    ).values_list("administration_id", "milestone_id")
    national = NationalImplementation.objects.filter(
        milestone__in=milestones.filter(implemented_nationally=True)
    ).values_list("administration_id", "milestone_id")
    for adm_id, milestone_id in [*leads, *national]:
        if adm_id in members:
            owed.setdefault(adm_id, set()).add(milestone_id)
    return owed


def cycle_open(*, actor, cycle_id: int, now: dt.datetime | None = None) -> ReportingCycle:
    """Open a cycle: create the expected reports, their entries and every reminder row.

    Idempotent: opening twice (or re-opening after the plan gained milestones) adds only what
    is missing; rows that exist are left as they are (a reminder already sent stays sent).
    The whole schedule is written now, so it is visible and auditable before anything is sent.
    """
    _require_secretariat(actor)
    now = now or timezone.now()
    with transaction.atomic():
        cycle = ReportingCycle.objects.select_for_update().get(pk=cycle_id)
        if cycle.status == ReportingCycle.Status.CLOSED:
            raise ValidationError("A closed cycle cannot be opened again.")
        owed = expected_administrations(cycle, now.date())
        lead_pairs = set(
            Milestone.lead_administrations.through.objects.filter(
                milestone_id__in={m for ids in owed.values() for m in ids}
            ).values_list("administration_id", "milestone_id")
        )
        ProgressReport.objects.bulk_create(
            [ProgressReport(cycle=cycle, administration_id=adm_id) for adm_id in owed],
            ignore_conflicts=True,
        )
        reports = {
            r.administration_id: r
            for r in ProgressReport.objects.filter(cycle=cycle).select_related("administration")
        }
        ReportEntry.objects.bulk_create(
            [
                ReportEntry(report=reports[adm_id], milestone_id=m,
                            leads=(adm_id, m) in lead_pairs)
                for adm_id, ids in owed.items() for m in sorted(ids)
            ],
            ignore_conflicts=True,
        )
        ReminderDispatch.objects.bulk_create(
            [
                ReminderDispatch(
                    cycle=cycle, administration_id=adm_id, kind=planned.kind,
                    escalation=planned.escalation, scheduled_for=planned.at,
                    send_before=planned.send_before,
                    status=DispatchStatus.CANCELLED
                    if report.state == ReportState.SUBMITTED else DispatchStatus.PENDING,
                )
                for adm_id, report in reports.items()
                for planned in reminders_for(cycle, cycle.window_for(report.administration))
            ],
            ignore_conflicts=True,
        )
        cycle.status = ReportingCycle.Status.OPEN
        cycle.save(update_fields=["status"])
    return cycle


def cycle_close(*, actor, cycle_id: int) -> ReportingCycle:
    """Close a cycle; the reminders it still owed are cancelled (nothing more is sent)."""
    _require_secretariat(actor)
    with transaction.atomic():
        cycle = ReportingCycle.objects.select_for_update().get(pk=cycle_id)
        cycle.status = ReportingCycle.Status.CLOSED
        cycle.save(update_fields=["status"])
        ReminderDispatch.objects.filter(cycle=cycle, status=DispatchStatus.PENDING).update(
            status=DispatchStatus.CANCELLED, note="The cycle was closed."
        )
        outbox.cancel(purpose=PURPOSE, objects=ReminderDispatch.objects.filter(cycle=cycle),
                      reason="The cycle was closed.")
    return cycle


@dataclass
class EntryInput:
    status: str
    progress: int | None
    narrative: str


def _clean_entries(report: ProgressReport, values: dict[int, Any], *, complete: bool):
    """Field-level validation; errors keyed ``<entry id>-<field>`` like the form prefixes."""
    entries = {e.pk: e for e in report.entries.select_related("milestone")}
    if complete:
        # Submitting checks the whole report: what was saved as a draft, overlaid with what
        # is sent now.
        saved = {e.pk: {"status": e.status, "progress": e.progress, "narrative": e.narrative}
                 for e in entries.values()}
        values = {**saved, **values}
    errors: dict[str, str] = {}
    cleaned: dict[int, EntryInput] = {}
    for entry_id, raw in values.items():
        if entry_id not in entries:
            raise ValidationError("An entry does not belong to this report.")
        status = raw.get("status") or ""
        progress = raw.get("progress")
        narrative = (raw.get("narrative") or "").strip()
        key = f"{entry_id}-"
        if status and status not in MilestoneStatus.values:
            errors[key + "status"] = "Choose a status from the list."
        if progress is not None and (
            isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100
        ):
            errors[key + "progress"] = "Progress is a whole number from 0 to 100."
        elif coherence := status_progress_error(status, progress):
            errors[key + "progress"] = coherence["progress"]
        if len(narrative) > NARRATIVE_MAX:
            errors[key + "narrative"] = f"Keep the narrative under {NARRATIVE_MAX} characters."
        if complete:
            if not status:
                errors[key + "status"] = "Give the milestone's status."
            if progress is None:
                errors[key + "progress"] = "Give the progress in per cent."
            if not narrative:
                errors[key + "narrative"] = "Say in a few words what was done."
        cleaned[entry_id] = EntryInput(status, progress, narrative)
    if errors:
        raise ValidationError(errors)
    return entries, cleaned


def _report_for_writing(actor, report_id: int) -> ProgressReport:
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("cycle", "administration")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not can_report_for(actor, report):
        raise PermissionDenied("You can only write your own administration's report.")
    if report.cycle.status != ReportingCycle.Status.OPEN:
        raise ValidationError("This reporting cycle is not open.")
    if report.state == ReportState.SUBMITTED:
        raise ValidationError("This report has already been submitted.")
    return report


def _store(entries, cleaned: dict[int, EntryInput]) -> None:
    changed = []
    for entry_id, value in cleaned.items():
        entry = entries[entry_id]
        entry.status, entry.progress, entry.narrative = (
            value.status, value.progress, value.narrative)
        changed.append(entry)
    ReportEntry.objects.bulk_update(changed, ["status", "progress", "narrative"])


def report_save_draft(*, actor, report_id: int, entries: dict[int, dict]) -> ProgressReport:
    """Keep what was typed, complete or not (only impossible values are refused)."""
    with transaction.atomic():
        report = _report_for_writing(actor, report_id)
        stored, cleaned = _clean_entries(report, entries, complete=False)
        _store(stored, cleaned)
        report.state = ReportState.DRAFT
        report.save(update_fields=["state", "updated_at"])
    return report


class _ReportRights:
    """Edit rights for ``milestone_update`` limited to the milestones a report covers: the
    report, not the person's everyday role, is what entitles a delegate to move them."""

    def __init__(self, milestone_ids: set[int]):
        self.milestone_ids = milestone_ids

    def milestone(self, milestone: Milestone) -> bool:
        return milestone.pk in self.milestone_ids


def report_submit(
    *, actor, report_id: int, entries: dict[int, dict], now: dt.datetime | None = None
) -> ProgressReport:
    """Submit a complete report (late submission allowed, and marked by ``submitted_at``).

    In one transaction: the entries are stored; each milestone the administration leads is
    updated through ``workgroups.services.milestone_update`` (version check and one history row
    with the delegate as author and the narrative as comment); each nationally implemented
    milestone updates the administration's own implementation row; the administration's
    pending reminders of this cycle are cancelled, so none goes out after submission.
    """
    now = now or timezone.now()
    with transaction.atomic():
        report = _report_for_writing(actor, report_id)
        stored, cleaned = _clean_entries(report, entries, complete=True)
        _store(stored, cleaned)
        rights = _ReportRights({e.milestone_id for e in stored.values() if e.leads})
        implementations = {
            row.milestone_id: row
            for row in NationalImplementation.objects.filter(
                administration_id=report.administration_id,
                milestone_id__in=[e.milestone_id for e in stored.values() if not e.leads],
            )
        }
        # The cycle's title already reads "Progress reports for ...": say who reported (issue 13).
        comment = f"Reported by {report.administration.country}: {report.cycle.title}"
        for entry in stored.values():
            value = cleaned[entry.pk]
            if entry.leads:
                milestone_update(
                    actor=actor, milestone_id=entry.milestone_id,
                    expected_version=entry.milestone.version,
                    changes={"status": value.status, "progress": value.progress},
                    comment=f"{comment}: {value.narrative}"[:500], rights=rights,
                )
            elif entry.milestone.implemented_nationally:
                row = implementations.get(entry.milestone_id)
                national_implementation_update(
                    actor=actor, milestone=entry.milestone,
                    administration_id=report.administration_id,
                    expected_version=row.version if row else None,
                    status=NATIONAL_STATUS.get(value.status, ImplementationStatus.IN_PROGRESS),
                    status_on=now.date(), note=f"{comment}: {value.narrative}",
                )
        report.state = ReportState.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor
        report.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
        own = ReminderDispatch.objects.filter(
            cycle_id=report.cycle_id, administration_id=report.administration_id)
        own.filter(status=DispatchStatus.PENDING).update(
            status=DispatchStatus.CANCELLED, note="The report was submitted.")
        outbox.cancel(purpose=PURPOSE, objects=own, reason="The report was submitted.")
    return report


def remind_now(*, actor, report_id: int, now: dt.datetime | None = None):
    """Queue a reminder to one administration at once (the secretariat's "remind now").

    Returns ``(dispatch, created)``. The row's kind carries the minute, so a double click
    queues one email per recipient, not two. Handed to the outbox at once: it goes now if the
    administration is inside its working window, else at the window's next opening.
    """
    _require_secretariat(actor)
    now = now or timezone.now()
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_related("cycle").filter(pk=report_id).first()
        )
        if report is None:
            raise ProgressReport.DoesNotExist
        if report.cycle.status != ReportingCycle.Status.OPEN:
            raise ValidationError("This reporting cycle is not open.")
        if report.state == ReportState.SUBMITTED:
            raise ValidationError("This administration has already submitted its report.")
        dispatch, created = ReminderDispatch.objects.get_or_create(
            cycle_id=report.cycle_id, administration_id=report.administration_id,
            kind=f"manual-{now:%Y%m%d-%H%M}",
            defaults={"scheduled_for": now, "requested_by": actor,
                      "status": DispatchStatus.QUEUED, "queued_at": now},
        )
        if created:
            # The reminder sent on request supersedes the planned ones already due (the
            # catch-up rule: one reminder for what is due now, not two).
            ReminderDispatch.objects.filter(
                cycle_id=report.cycle_id, administration_id=report.administration_id,
                status=DispatchStatus.PENDING, scheduled_for__lte=now,
            ).update(status=DispatchStatus.SKIPPED,
                     note="Skipped: superseded by a reminder sent on request.")
            dispatch = ReminderDispatch.objects.select_related("cycle", "administration").get(
                pk=dispatch.pk)
            hand_over(dispatch)
    return dispatch, created


def cycle_create(*, actor, title: str, opens_at: dt.datetime, due_at: dt.datetime,
                 body=None, plan=None, **policy) -> ReportingCycle:
    """A new cycle in draft (nothing is expected or sent until it is opened)."""
    _require_secretariat(actor)
    cycle = ReportingCycle(title=title, opens_at=opens_at, due_at=due_at, body=body, plan=plan,
                           created_by=actor, **policy)
    cycle.full_clean()
    cycle.save()
    return cycle
