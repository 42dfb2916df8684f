"""Services: opening a cycle, drafts and submissions (through the milestones' history),
"remind now", and the send step's refusals."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat import outbox
from secretariat.models import OutboxMessage, Role
from tests.factories import AdministrationFactory, make_person
from tests.reporting.factories import CycleFactory, open_cycle
from tests.workgroups.factories import MilestoneFactory
from workgroups.models import Milestone, NationalImplementation
from workgroups.reporting import reminders, services
from workgroups.reporting.models import (
    DispatchStatus,
    ProgressReport,
    ReminderDispatch,
    ReportState,
)

pytestmark = pytest.mark.django_db

DEADLINE = dt.datetime(2027, 3, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def cycle(secretariat, malaysia, thailand):
    return open_cycle(secretariat, {"MY": malaysia, "TH": thailand}, due_at=DEADLINE)


def _complete(report, narrative="Pilot completed at two border posts."):
    return {e.pk: {"status": "on_track", "progress": 60, "narrative": narrative}
            for e in report.entries.all()}


def test_opening_expects_leads_and_national_implementers_once(secretariat, malaysia, thailand):
    former = AdministrationFactory(code="ZZ", member_since=dt.date(1990, 1, 1),
                                   left_on=dt.date(2000, 1, 1))
    led = MilestoneFactory()
    led.lead_administrations.add(malaysia, former)
    national = MilestoneFactory(implemented_nationally=True)
    NationalImplementation.objects.create(milestone=national, administration=thailand)
    MilestoneFactory(status="completed").lead_administrations.add(thailand)  # out of scope
    cycle = CycleFactory(due_at=DEADLINE)

    for _ in range(2):
        services.cycle_open(actor=secretariat, cycle_id=cycle.pk, now=cycle.opens_at)

    reports = {r.administration.code: r for r in ProgressReport.objects.filter(cycle=cycle)}
    assert set(reports) == {"MY", "TH"}
    assert [(e.milestone_id, e.leads) for e in reports["MY"].entries.all()] == [(led.pk, True)]
    assert [(e.milestone_id, e.leads) for e in reports["TH"].entries.all()] == [
        (national.pk, False)]
    # T-30, T-14, T-7, T-1, T0, T+7, T+14-escalation, T+21-escalation, T+28-escalation.
    assert ReminderDispatch.objects.filter(cycle=cycle).count() == 2 * 9
    cycle.refresh_from_db()
    assert cycle.status == "open"


def test_only_the_secretariat_opens_cycles(delegate):
    cycle = CycleFactory(due_at=DEADLINE)
    with pytest.raises(PermissionDenied):
        services.cycle_open(actor=delegate, cycle_id=cycle.pk)


def test_submission_updates_milestones_through_their_history(cycle, delegate):
    report = cycle.reports.get(administration__code="MY")
    milestone = report.entries.first().milestone

    services.report_submit(actor=delegate, report_id=report.pk, entries=_complete(report),
                           now=DEADLINE - dt.timedelta(days=1))

    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.version) == ("on_track", 60, 2)
    record = Milestone.history.filter(id=milestone.pk).latest("history_id")
    assert record.history_user == delegate
    assert "Pilot completed at two border posts." in record.history_change_reason
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and not report.late
    assert set(ReminderDispatch.objects.filter(cycle=cycle, administration__code="MY")
               .values_list("status", flat=True)) == {DispatchStatus.CANCELLED}
    # Thailand's reminders are untouched.
    assert ReminderDispatch.objects.filter(administration__code="TH",
                                           status=DispatchStatus.PENDING).count() == 9


def test_late_submission_is_allowed_and_marked(cycle, delegate):
    report = cycle.reports.get(administration__code="MY")
    services.report_submit(actor=delegate, report_id=report.pk, entries=_complete(report),
                           now=DEADLINE + dt.timedelta(minutes=1))
    report.refresh_from_db()
    assert report.late
    assert report.state_label(DEADLINE) == "Submitted late"


def test_national_implementation_entries_update_the_administrations_row(
    secretariat, thailand, delegate_b
):
    national = MilestoneFactory(implemented_nationally=True)
    NationalImplementation.objects.create(milestone=national, administration=thailand)
    cycle = open_cycle(secretariat, {}, due_at=DEADLINE)
    report = cycle.reports.get()
    entries = {e.pk: {"status": "completed", "progress": 100, "narrative": "In force."}
               for e in report.entries.all()}
    services.report_submit(actor=delegate_b, report_id=report.pk, entries=entries)
    row = NationalImplementation.objects.get(milestone=national)
    assert (row.status, row.version) == ("implemented", 2)
    national.refresh_from_db()
    assert national.status == "not_started"  # Thailand does not lead it


def test_incomplete_submission_is_refused_field_by_field_and_nothing_changes(cycle, delegate):
    report = cycle.reports.get(administration__code="MY")
    first, second = report.entries.all()
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=delegate, report_id=report.pk, entries={
            first.pk: {"status": "on_track", "progress": 150, "narrative": "x"},
            second.pk: {"status": "", "progress": None, "narrative": ""},
        })
    assert set(error.value.message_dict) == {
        f"{first.pk}-progress", f"{second.pk}-status", f"{second.pk}-progress",
        f"{second.pk}-narrative"}
    report.refresh_from_db()
    assert report.state == ReportState.NOT_STARTED
    assert Milestone.objects.filter(version__gt=1).count() == 0


def test_draft_keeps_partial_input(cycle, delegate):
    report = cycle.reports.get(administration__code="MY")
    entry = report.entries.first()
    services.report_save_draft(actor=delegate, report_id=report.pk, entries={
        entry.pk: {"status": "", "progress": 30, "narrative": "Half way"}})
    entry.refresh_from_db()
    report.refresh_from_db()
    assert (entry.progress, entry.narrative, report.state) == (30, "Half way", "draft")


@pytest.mark.parametrize("who", ["delegate_b", "secretariat", "partner", "outsider"])
def test_only_the_administrations_own_staff_write_its_report(cycle, who, request):
    report = cycle.reports.get(administration__code="MY")
    with pytest.raises(PermissionDenied):
        services.report_save_draft(actor=request.getfixturevalue(who), report_id=report.pk,
                                   entries={})


def test_chair_staff_of_the_same_administration_may_report(cycle, malaysia):
    chair_my = make_person("chair.my", Role.CHAIR, administration=malaysia)
    report = cycle.reports.get(administration__code="MY")
    services.report_submit(actor=chair_my, report_id=report.pk, entries=_complete(report))


def test_a_submitted_report_cannot_be_submitted_again(cycle, delegate):
    report = cycle.reports.get(administration__code="MY")
    services.report_submit(actor=delegate, report_id=report.pk, entries=_complete(report))
    with pytest.raises(ValidationError, match="already been submitted"):
        services.report_submit(actor=delegate, report_id=report.pk, entries=_complete(report))


def test_remind_now_twice_in_a_minute_queues_one_email_per_recipient(
        cycle, secretariat, delegate, django_capture_on_commit_callbacks):
    report = cycle.reports.get(administration__code="MY")
    # Tuesday 1 December 2026, 10:00 in Kuala Lumpur: inside the window, so it goes at once.
    now = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False), \
            django_capture_on_commit_callbacks() as callbacks:
        first, created = services.remind_now(actor=secretariat, report_id=report.pk, now=now)
        again, created_again = services.remind_now(actor=secretariat, report_id=report.pk,
                                                   now=now + dt.timedelta(seconds=20))
    assert created and not created_again and first.pk == again.pk
    assert first.kind.startswith("manual-") and first.status == DispatchStatus.QUEUED
    (message,) = reminders.messages_of([first.pk])
    assert (message.recipient, message.state, message.due_at) == (delegate.email, "pending", now)
    assert len(callbacks) == 1


def test_remind_now_at_night_waits_for_the_morning(cycle, secretariat, delegate):
    report = cycle.reports.get(administration__code="MY")
    night = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)  # 23:00 in Kuala Lumpur
    with time_machine.travel(night, tick=False):
        first, _ = services.remind_now(actor=secretariat, report_id=report.pk, now=night)
    (message,) = reminders.messages_of([first.pk])
    assert message.due_at == dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 next day


def test_no_reminder_for_a_submitted_report_even_if_a_message_slipped_through(
        cycle, delegate, smtp_sink):
    report = cycle.reports.get(administration__code="MY")
    row = ReminderDispatch.objects.filter(administration__code="MY").select_related(
        "cycle", "administration").first()
    assert reminders.hand_over(row) == 1
    services.report_submit(actor=delegate, report_id=report.pk, entries=_complete(report))
    (message,) = reminders.messages_of([row.pk])
    assert message.state == "cancelled"  # the submission cancelled it
    OutboxMessage.objects.filter(pk=message.pk).update(state="pending")  # a race lost
    with time_machine.travel(message.due_at, tick=False):
        assert outbox.deliver(message.pk).state == "cancelled"  # the preparer re-checks
    assert smtp_sink.messages == []


def test_no_recipient_address_fails_visibly(cycle, caplog):
    row = ReminderDispatch.objects.filter(administration__code="TH").first()
    ReminderDispatch.objects.filter(pk=row.pk).update(scheduled_for=DEADLINE - dt.timedelta(
        days=40))
    with caplog.at_level(logging.ERROR):
        plan = reminders.plan_due(DEADLINE - dt.timedelta(days=39))
    assert row.pk in plan.failed
    row.refresh_from_db()
    assert row.status == DispatchStatus.FAILED and "No recipient" in row.note
    assert "no recipient" in caplog.text


def test_two_planners_hand_a_reminder_over_once(cycle, delegate):
    due = DEADLINE - dt.timedelta(hours=1)
    first = reminders.plan_due(due)
    second = reminders.plan_due(due)
    assert len(first.queued) == 2 - len(first.failed) and second.queued == []
    assert OutboxMessage.objects.count() == 1


def test_escalation_goes_to_the_head_and_the_secretariat(cycle, malaysia, delegate,
                                                         secretariat):
    from secretariat.models import Contact

    Contact.objects.create(administration=malaysia, full_name="Dato' Head", is_head=True,
                           email="Head@customs.gov.my")
    row = ReminderDispatch.objects.get(administration=malaysia, kind="T+14-escalation")
    assert [a for a, _ in reminders.recipients_for(row)] == sorted(
        ["head@customs.gov.my", secretariat.email])
    ordinary = reminders.recipients_for(
        ReminderDispatch.objects.get(administration=malaysia, kind="T-7"))
    assert ordinary == [(delegate.email, delegate)]
