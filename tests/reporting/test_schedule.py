"""T15: the reminder schedule, stepped through with time-machine, delivered to a real SMTP
server. Deadline: 2027-03-15 17:00 UTC, i.e. 23:30 on Monday 15 March in Yangon (+06:30) but
00:00 on Tuesday 16 March in Jakarta (+07:00): the same instant falls on different local days,
so every reminder of the two lands on a different UTC day."""

import datetime as dt
import io
import zoneinfo
from collections import Counter, defaultdict

import pytest
import time_machine
from django.core.management import call_command

from tests.reporting.factories import administrations, delegates, open_cycle
from workgroups.reporting import dispatch, services
from workgroups.reporting.models import DispatchStatus, ReminderDispatch
from workgroups.reporting.schedule import reminders_for

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DEADLINE = dt.datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
POLICY = {"remind_days_before": [14, 7, 1], "overdue_every_days": 7, "overdue_until_days": 7,
          "escalate_after_days": 14, "due_at": DEADLINE}
KINDS = ["T-14", "T-7", "T-1", "T0", "T+7"]
# The local day each kind must go out on, per administration (written out, not computed).
YANGON_DAYS = ["2027-03-01", "2027-03-08", "2027-03-14", "2027-03-15", "2027-03-22"]
PLUS_SEVEN_TO_NINE_DAYS = ["2027-03-02", "2027-03-09", "2027-03-15", "2027-03-16", "2027-03-23"]
EXPECTED_DAYS = {"MM": YANGON_DAYS, "ID": PLUS_SEVEN_TO_NINE_DAYS,
                 "MY": PLUS_SEVEN_TO_NINE_DAYS, "TL": PLUS_SEVEN_TO_NINE_DAYS}


def test_schedule_is_counted_in_local_days_at_the_local_working_hour():
    class Cycle:
        due_at = DEADLINE
        local_send_time = dt.time(9, 0)
        remind_days_before = [1, 14, 7]
        remind_at_deadline = True
        overdue_every_days = 7
        overdue_until_days = 21
        escalate_after_days = 14

    yangon = {r.kind: r for r in reminders_for(Cycle, "Asia/Yangon")}
    dili = {r.kind: r for r in reminders_for(Cycle, "Asia/Dili")}
    assert list(yangon) == ["T-14", "T-7", "T-1", "T0", "T+7", "T+14-escalation",
                            "T+21-escalation"]
    assert yangon["T-1"].at == dt.datetime(2027, 3, 14, 2, 30, tzinfo=UTC)  # 09:00 +06:30
    assert dili["T-1"].at == dt.datetime(2027, 3, 15, 0, 0, tzinfo=UTC)     # 09:00 +09:00
    assert [r.escalation for r in yangon.values()] == [False] * 5 + [True, True]


@pytest.fixture
def setup(secretariat):
    adms = administrations()
    people = delegates(adms)
    cycle = open_cycle(secretariat, adms, **POLICY)
    return cycle, adms, people


def _entries(report, narrative="Done as planned."):
    return {e.pk: {"status": "on_track", "progress": 50, "narrative": narrative}
            for e in report.entries.all()}


def test_t15_one_email_per_administration_and_kind_at_local_nine(setup, smtp_sink):
    """Given five administrations from +06:30 to +09:00 and Thailand submitting on 5 March,
    when the planner runs every hour from 28 February to 24 March,
    then each of the four others gets exactly T-14, T-7, T-1, T0 and T+7, each at 09:xx on
    the expected local day, and Thailand gets T-14 only."""
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

    sent = ReminderDispatch.objects.filter(status=DispatchStatus.SENT).select_related(
        "administration")
    by_id = {row.message_id: row for row in sent}
    # Exactly one email per (administration, kind), and every sent row reached the server.
    assert sorted(smtp_sink.message_ids) == sorted(by_id)
    assert smtp_sink.duplicates() == {}
    kinds = defaultdict(list)
    for row in sent:
        kinds[row.administration.code].append(row.kind)
    assert {code: sorted(k) for code, k in kinds.items()} == {
        **{code: sorted(KINDS) for code in EXPECTED_DAYS}, "TH": ["T-14"]}
    # Nothing after submission: Thailand's later reminders were cancelled, not sent.
    assert set(cycle.dispatches.filter(administration=adms["TH"]).exclude(kind="T-14")
               .values_list("status", flat=True)) == {DispatchStatus.CANCELLED}
    # Each at the working hour of its own zone, on its own local day.
    for row in sent:
        if row.administration.code == "TH":
            continue
        local = row.sent_at.astimezone(zoneinfo.ZoneInfo(row.administration.time_zone))
        assert local.hour == 9, (row.administration.code, row.kind, local)
        expected_day = EXPECTED_DAYS[row.administration.code][KINDS.index(row.kind)]
        assert local.date().isoformat() == expected_day, (row.administration.code, row.kind)
    # Every message addressed to the administration's delegate, deadline in its own zone.
    bodies = {m["Message-ID"].strip(): m for m in smtp_sink.messages}
    yangon_t1 = bodies[sent.get(administration=adms["MM"], kind="T-1").message_id]
    assert yangon_t1.envelope_to == ["delegate.mm@example.org"]
    text = yangon_t1.get_body(("plain",)).get_content()
    assert "due on Monday 15 March 2027, 23:30 (Asia/Yangon), in 1 day." in text
    assert "15 Mar 2027 23:30 (UTC+06:30)" in yangon_t1["Subject"]
    jakarta_t1 = bodies[sent.get(administration=adms["ID"], kind="T-1").message_id]
    text = jakarta_t1.get_body(("plain",)).get_content()
    assert "due on Tuesday 16 March 2027, 00:00 (Asia/Jakarta), in 1 day." in text
    assert "/reporting/reports/" in text
    assert jakarta_t1.get_body(("html",)) is not None
    dili_overdue = bodies[sent.get(administration=adms["TL"], kind="T+7").message_id]
    assert dili_overdue["Subject"].startswith("Overdue: ")
    assert "7 days ago" in dili_overdue.get_body(("plain",)).get_content()


@pytest.mark.usefixtures("setup")
def test_catch_up_sends_only_the_reminder_due_now(smtp_sink):
    """After an outage from before T-14 to after T-1, each administration gets the T-1
    reminder only; T-14 and T-7 are marked skipped, not sent."""
    with time_machine.travel(dt.datetime(2027, 3, 15, 2, 15, tzinfo=UTC), tick=False):
        out = io.StringIO()
        call_command("send_reminders", stdout=out)
    kinds = Counter(ReminderDispatch.objects.filter(status=DispatchStatus.SENT)
                    .values_list("kind", flat=True))
    assert kinds == {"T-1": 5}
    assert len(smtp_sink.messages) == 5
    skipped = ReminderDispatch.objects.filter(status=DispatchStatus.SKIPPED)
    assert Counter(skipped.values_list("kind", flat=True)) == {"T-14": 5, "T-7": 5}
    assert "skip T-7" in out.getvalue() and "5 reminder(s) sent" in out.getvalue()


@pytest.mark.usefixtures("setup")
def test_dry_run_changes_nothing(smtp_sink):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--at", "2027-03-15T03:00Z", stdout=out)
    assert "would send T-1" in out.getvalue()
    assert not ReminderDispatch.objects.exclude(status=DispatchStatus.PENDING).exists()
    assert smtp_sink.messages == []


@pytest.mark.usefixtures("setup")
def test_at_option_needs_an_offset():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="offset"):
        call_command("send_reminders", "--at", "2027-03-15T03:00")


def test_planner_and_sender_query_counts_do_not_grow_with_rows(
    secretariat, smtp_sink, django_assert_max_num_queries
):
    """50 administrations due at once cost the planner what 2 cost."""
    from tests.factories import AdministrationFactory

    adms = {f"A{i}": AdministrationFactory(code=f"{chr(65 + i // 26)}{chr(65 + i % 26)}",
                                           time_zone="Asia/Jakarta") for i in range(50)}
    delegates(adms)
    open_cycle(secretariat, adms, milestones_each=1, **POLICY)
    now = dt.datetime(2027, 3, 15, 3, 0, tzinfo=UTC)
    # SAVEPOINT, release stale claims, select pending rows, skip superseded, stamp enqueued,
    # RELEASE SAVEPOINT.
    with django_assert_max_num_queries(6):
        plan = dispatch.plan_due(now)
    assert len(plan.to_queue) == 50 and len(plan.skipped) == 100
    # Claim, load row (+cycle, administration), report, delegates, focal points, save
    # Message-ID, entries for the missing list (a count too when over 30), administration
    # name, mark sent.
    with django_assert_max_num_queries(9):
        outcome = dispatch.dispatch_send(plan.to_queue[0], now=now)
    assert outcome.status == "sent"
