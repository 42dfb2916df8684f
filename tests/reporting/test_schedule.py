"""T15 and the working-hours rule: the reminder schedule stepped through with time-machine,
delivered through the outbox to a real SMTP server.

Deadline: 2027-03-15 17:00 UTC, i.e. 23:30 on Monday 15 March in Yangon (+06:30) but 00:00 on
Tuesday 16 March in Jakarta (+07:00) and 02:00 in Dili (+09:00): the same instant falls on
different local days. Every reminder goes between 09:00 and 17:00 local, Monday to Friday,
never on the administration's national public holidays (the ``holidays`` package)."""

import datetime as dt
import io
import zoneinfo
from collections import Counter, defaultdict

import pytest
import time_machine
from django.core.management import call_command

from secretariat import outbox
from secretariat.models import OutboxMessage
from secretariat.working_hours import WorkingWindow
from tests.reporting.factories import administrations, delegates, open_cycle
from workgroups.reporting import reminders, services
from workgroups.reporting.models import DispatchStatus, ReminderDispatch
from workgroups.reporting.schedule import reminders_for

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DEADLINE = dt.datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
POLICY = {"remind_days_before": [14, 7, 1], "overdue_every_days": 7, "overdue_until_days": 7,
          "escalate_after_days": 14, "due_at": DEADLINE}
# The local day each kind goes out on, per administration (written out, not computed).
# Yangon: T-1 (Sunday 14) moves back to Friday 12; T0 stays on Monday 15 (before 23:30);
# T+7 (Monday 22, Full Moon Day of Tabaung, a Myanmar public holiday) moves to Tuesday 23.
# Jakarta, Kuala Lumpur, Dili: the deadline is at night on Tuesday 16, so T0 moves back onto
# Monday 15 and is the T-1; T-7 in Dili (Tuesday 9, Eid al-Fitr there) moves back to Monday 8.
EXPECTED = {
    "MM": {"T-14": "2027-03-01", "T-7": "2027-03-08", "T-1": "2027-03-12",
           "T0": "2027-03-15", "T+7": "2027-03-23"},
    "ID": {"T-14": "2027-03-02", "T-7": "2027-03-09", "T-1": "2027-03-15", "T+7": "2027-03-23"},
    "MY": {"T-14": "2027-03-02", "T-7": "2027-03-09", "T-1": "2027-03-15", "T+7": "2027-03-23"},
    "TL": {"T-14": "2027-03-02", "T-7": "2027-03-08", "T-1": "2027-03-15", "T+7": "2027-03-23"},
}


class Policy:
    due_at = DEADLINE
    local_send_time = dt.time(9, 0)
    remind_days_before = [1, 14, 7]
    remind_at_deadline = True
    overdue_every_days = 7
    overdue_until_days = 21
    escalate_after_days = 14


def _local(reminder, zone):
    return reminder.at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M")


def test_schedule_is_counted_in_local_days_inside_the_working_window():
    yangon = {r.kind: r for r in reminders_for(Policy, WorkingWindow("Asia/Yangon", "MM"))}
    dili = {r.kind: r for r in reminders_for(Policy, WorkingWindow("Asia/Dili", "TL"))}
    assert {k: _local(r, "Asia/Yangon") for k, r in yangon.items()} == {
        "T-14": "Mon 2027-03-01 09:00", "T-7": "Mon 2027-03-08 09:00",
        "T-1": "Fri 2027-03-12 09:00", "T0": "Mon 2027-03-15 09:00",
        "T+7": "Tue 2027-03-23 09:00", "T+14-escalation": "Mon 2027-03-29 09:00",
        "T+21-escalation": "Mon 2027-04-05 09:00",
    }
    assert yangon["T-1"].at == dt.datetime(2027, 3, 12, 2, 30, tzinfo=UTC)  # 09:00 +06:30
    assert dili["T-1"].at == dt.datetime(2027, 3, 15, 0, 0, tzinfo=UTC)     # 09:00 +09:00
    assert "T0" not in dili  # moved back onto the T-1: one reminder, not two
    assert [r.escalation for r in yangon.values()] == [False] * 5 + [True, True]
    # Reminders before the deadline must arrive before it; overdue ones have no deadline.
    assert {r.send_before for r in yangon.values() if not r.kind.startswith("T+")} == {DEADLINE}
    assert {r.send_before for r in yangon.values() if r.kind.startswith("T+")} == {None}


def test_saturday_dates_move_to_friday_before_and_monday_after():
    """Deadline Saturday 20 March 2027 at 16:00 local. The T-7 (Saturday 13) and the day's own
    reminder move back to Friday; the overdue T+7 (Saturday 27) moves on to Monday 29."""
    for zone, code, offset in [("Asia/Yangon", "MM", 6.5), ("Asia/Dili", "TL", 9)]:
        class Saturday(Policy):
            due_at = dt.datetime(2027, 3, 20, 16, 0, tzinfo=UTC) - dt.timedelta(hours=offset)
            remind_days_before = [7]
            overdue_until_days = 7

        planned = {r.kind: _local(r, zone)
                   for r in reminders_for(Saturday, WorkingWindow(zone, code))}
        assert planned == {"T-7": "Fri 2027-03-12 09:00", "T0": "Fri 2027-03-19 09:00",
                           "T+7": "Mon 2027-03-29 09:00"}, zone


def test_a_cycle_may_override_the_window(secretariat):
    adms = administrations(["MY"])
    delegates(adms)
    cycle = open_cycle(secretariat, adms, remind_days_before=[7], remind_at_deadline=False,
                       overdue_every_days=0, window_weekdays=[0, 1, 2, 3, 4, 5],
                       due_at=dt.datetime(2027, 3, 20, 8, 0, tzinfo=UTC))
    (row,) = cycle.dispatches.all()
    # Saturday 13 March is a working day under this cycle's policy.
    assert row.scheduled_for.astimezone(adms["MY"].zoneinfo).strftime("%a %d %H:%M") == \
        "Sat 13 09:00"


@pytest.fixture
def setup(secretariat):
    adms = administrations()
    people = delegates(adms)
    cycle = open_cycle(secretariat, adms, **POLICY)
    return cycle, adms, people


def _entries(report, narrative="Done as planned."):
    return {e.pk: {"status": "on_track", "progress": 50, "narrative": narrative}
            for e in report.entries.all()}


def _sent():
    rows = ReminderDispatch.objects.select_related("administration").in_bulk()
    return [(m, rows[m.object_id]) for m in reminders.messages_of(list(rows))
            .filter(state="sent")]


def test_t15_one_email_per_administration_and_kind_in_local_working_hours(setup, smtp_sink):
    """Given five administrations from +06:30 to +09:00 and Thailand submitting on 5 March,
    when the planner and the sender run every hour from 28 February to 24 March,
    then each of the four others gets exactly its reminders, each at 09:xx on the expected
    local working day, and Thailand gets T-14 only."""
    cycle, adms, people = setup
    thailand = cycle.reports.get(administration=adms["TH"])
    start = dt.datetime(2027, 2, 28, 0, 15, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        moment = start
        while moment < dt.datetime(2027, 3, 24, 0, 15, tzinfo=UTC):
            traveller.move_to(moment)
            if moment == dt.datetime(2027, 3, 5, 6, 15, tzinfo=UTC):
                services.report_submit(actor=people["TH"], report_id=thailand.pk,
                                       entries=_entries(thailand))
            call_command("send_reminders", stdout=io.StringIO())
            moment += dt.timedelta(hours=1)

    sent = _sent()
    # Exactly one email per (administration, kind), and every sent row reached the server.
    assert sorted(smtp_sink.message_ids) == sorted(m.message_id for m, _ in sent)
    assert smtp_sink.duplicates() == {}
    kinds = defaultdict(list)
    for _message, row in sent:
        kinds[row.administration.code].append(row.kind)
    assert {code: sorted(k) for code, k in kinds.items()} == {
        **{code: sorted(days) for code, days in EXPECTED.items()}, "TH": ["T-14"]}
    # Nothing after submission: Thailand's later reminders were cancelled, not sent.
    assert set(cycle.dispatches.filter(administration=adms["TH"]).exclude(kind="T-14")
               .values_list("status", flat=True)) == {DispatchStatus.CANCELLED}
    # Each at the working hour of its own zone, on its own local working day.
    for message, row in sent:
        if row.administration.code == "TH":
            continue
        local = message.sent_at.astimezone(zoneinfo.ZoneInfo(row.administration.time_zone))
        assert local.hour == 9, (row.administration.code, row.kind, local)
        assert local.date().isoformat() == EXPECTED[row.administration.code][row.kind]
    # Every message addressed to the administration's delegate, deadline in its own zone.
    bodies = {m["Message-ID"].strip(): m for m in smtp_sink.messages}
    by_kind = {(row.administration.code, row.kind): m for m, row in sent}
    yangon_t1 = bodies[by_kind["MM", "T-1"].message_id]
    assert yangon_t1.envelope_to == ["delegate.mm@example.org"]
    text = yangon_t1.get_body(("plain",)).get_content()
    assert "due on Monday 15 March 2027, 23:30 (UTC+06:30, Myanmar time), in 3 days." in text
    assert "15 Mar 2027 23:30 (UTC+06:30)" in yangon_t1["Subject"]
    jakarta_t1 = bodies[by_kind["ID", "T-1"].message_id]
    text = jakarta_t1.get_body(("plain",)).get_content()
    assert "due on Tuesday 16 March 2027, 00:00 (UTC+07:00, Indonesia time), in 1 day." in text
    assert "/reporting/reports/" in text
    assert jakarta_t1.get_body(("html",)) is not None
    dili_overdue = bodies[by_kind["TL", "T+7"].message_id]
    assert dili_overdue["Subject"].startswith("Overdue: ")
    assert "7 days ago" in dili_overdue.get_body(("plain",)).get_content()


@pytest.mark.usefixtures("setup")
def test_catch_up_after_an_outage_goes_at_nine_local_not_at_night(smtp_sink):
    """Given the planner and workers were down from before T-14 until 00:30 on Wednesday
    10 March in Yangon (Tuesday 18:00 UTC), when they come back at that moment,
    then each administration is handed only the most recent reminder due (T-7; T-14 is
    skipped), and nothing is sent at night: Yangon's goes at 09:00, Dili's at 09:00 Dili."""
    back = dt.datetime(2027, 3, 9, 18, 0, tzinfo=UTC)
    with time_machine.travel(back, tick=False):
        out = io.StringIO()
        call_command("send_reminders", stdout=out)
    assert smtp_sink.messages == []
    assert "skip T-14" in out.getvalue()
    assert Counter(ReminderDispatch.objects.filter(status=DispatchStatus.SKIPPED)
                   .values_list("kind", flat=True)) == {"T-14": 5}
    pending = {m.recipient: m.due_at for m in OutboxMessage.objects.filter(state="pending")}
    assert pending["delegate.mm@example.org"] == dt.datetime(2027, 3, 10, 2, 30, tzinfo=UTC)
    assert pending["delegate.tl@example.org"] == dt.datetime(2027, 3, 10, 0, 0, tzinfo=UTC)
    # Kuala Lumpur and Jakarta: 10 and 11 March are Eid al-Fitr holidays: Friday 12, 09:00.
    assert pending["delegate.my@example.org"] == dt.datetime(2027, 3, 12, 1, 0, tzinfo=UTC)
    assert pending["delegate.id@example.org"] == dt.datetime(2027, 3, 12, 2, 0, tzinfo=UTC)

    # Even a task run at night (a sweeper) leaves them waiting for the window.
    with time_machine.travel(back + dt.timedelta(hours=3), tick=False):
        for message in OutboxMessage.objects.all():
            OutboxMessage.objects.filter(pk=message.pk).update(due_at=back)
            assert outbox.deliver(message.pk).state == "pending"
    with time_machine.travel(dt.datetime(2027, 3, 10, 2, 45, tzinfo=UTC), tick=False):
        call_command("send_reminders", stdout=io.StringIO())
    sent = {m.recipient: m.sent_at for m in OutboxMessage.objects.filter(state="sent")}
    # At 02:45 UTC: 09:15 Yangon, 09:45 Bangkok, 11:45 Dili; not KL nor Jakarta (holiday).
    assert set(sent) == {"delegate.mm@example.org", "delegate.th@example.org",
                         "delegate.tl@example.org"}
    assert len(smtp_sink.messages) == 3


@pytest.mark.usefixtures("setup")
def test_dry_run_changes_nothing(smtp_sink):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--at", "2027-03-15T03:00Z", stdout=out)
    assert "would send T-1" in out.getvalue()
    assert not ReminderDispatch.objects.exclude(status=DispatchStatus.PENDING).exists()
    assert not OutboxMessage.objects.exists()
    assert smtp_sink.messages == []


@pytest.mark.usefixtures("setup")
def test_at_option_needs_an_offset():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="offset"):
        call_command("send_reminders", "--at", "2027-03-15T03:00")


def test_planner_and_sender_query_counts_do_not_grow_with_rows(
    secretariat, smtp_sink, django_assert_max_num_queries
):
    """The planner's cost per reminder handed over is fixed (it does not grow with the number
    of reminders due), and so is the cost of sending one."""
    from tests.factories import AdministrationFactory

    adms = {f"A{i}": AdministrationFactory(code=f"{chr(65 + i // 26)}{chr(65 + i % 26)}",
                                           time_zone="Asia/Jakarta") for i in range(50)}
    delegates(adms)
    open_cycle(secretariat, adms, milestones_each=1, **POLICY)
    now = dt.datetime(2027, 3, 15, 3, 0, tzinfo=UTC)
    # Savepoint, select due rows, skip superseded, release; then per reminder: mark queued,
    # delegates, focal points, and the outbox's get-or-create (select, savepoint, insert,
    # release) for its one recipient: 7.
    with time_machine.travel(now, tick=False), django_assert_max_num_queries(4 + 50 * 7):
        plan = reminders.plan_due(now)
    assert len(plan.queued) == 50 and len(plan.skipped) == 100 and plan.messages == 50
    first = reminders.messages_of(plan.queued).order_by("pk").first()
    # Claim, load row, the preparer (reminder + cycle + administration, report, entries for
    # the missing list, administration name), save Message-ID, mark sent.
    with time_machine.travel(now, tick=False), django_assert_max_num_queries(8):
        outcome = outbox.deliver(first.pk, now=now)
    assert outcome.state == "sent"
