"""Benchmark of reminder planning and sending: 11 administrations x 500 milestones, then 10x.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_reporting_bench
python -m tests.reporting.bench_reminders`` (the database is created, migrated and emptied by
the script). Emails go to Django's locmem backend, so SMTP time is left out: what is measured
is the portal's own cost. Reported in closing notes, never asserted.
"""

import datetime as dt
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from secretariat import outbox  # noqa: E402
from secretariat.models import Administration, Profile, Role  # noqa: E402
from workgroups.models import ActionLine, Body, Milestone, Plan, StrategicGoal  # noqa: E402
from workgroups.reporting import reminders, services  # noqa: E402
from workgroups.reporting.models import ReportingCycle  # noqa: E402

ZONES = ["Asia/Brunei", "Asia/Phnom_Penh", "Asia/Jakarta", "Asia/Vientiane",
         "Asia/Kuala_Lumpur", "Asia/Yangon", "Asia/Manila", "Asia/Singapore", "Asia/Bangkok",
         "Asia/Ho_Chi_Minh", "Asia/Dili"]
CODES = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL"]


def measure(label, fn):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    print(f"  {label:<44} {len(queries):>6} queries {elapsed * 1000:>9.1f} ms")
    return result


def build(per_administration: int):
    from django.contrib.auth import get_user_model

    call_command("flush", interactive=False, verbosity=0)
    user_model = get_user_model()
    secretariat = user_model.objects.create(username="bench.sec", email="sec@example.org")
    Profile.objects.create(user=secretariat, role=Role.SECRETARIAT)
    adms = []
    for code, zone in zip(CODES, ZONES, strict=True):
        adm = Administration.objects.create(code=code, country=f"Country {code}",
                                            time_zone=zone, member_since=dt.date(1990, 1, 1))
        user = user_model.objects.create(username=f"d.{code}", email=f"d.{code}@example.org")
        Profile.objects.create(user=user, role=Role.DELEGATE, administration=adm)
        adms.append(adm)
    plan = Plan.objects.create(title="Bench plan", start_year=2026, end_year=2030)
    goal = StrategicGoal.objects.create(plan=plan, code="G", title="Goal")
    line = ActionLine.objects.create(goal=goal, code="G.1", title="Line")
    body = Body.objects.create(code="BENCH", name="Bench", kind=Body.Kind.WORKING_GROUP)
    milestones = Milestone.objects.bulk_create([
        Milestone(action_line=line, body=body, code=f"B-{i:06d}", title=f"Milestone {i}")
        for i in range(per_administration * len(adms))
    ])
    through = Milestone.lead_administrations.through
    through.objects.bulk_create([
        through(milestone_id=m.pk, administration_id=adms[i % len(adms)].pk)
        for i, m in enumerate(milestones)
    ])
    due = dt.datetime(2027, 3, 15, 10, 0, tzinfo=dt.UTC)
    cycle = ReportingCycle.objects.create(title="Bench cycle", plan=plan, due_at=due,
                                          opens_at=due - dt.timedelta(days=60))
    return secretariat, cycle


def run(per_administration: int) -> None:
    print(f"11 administrations x {per_administration} milestones each "
          f"({11 * per_administration} report entries):")
    secretariat, cycle = build(per_administration)
    measure("cycle_open (reports, entries, 99 reminder rows)",
            lambda: services.cycle_open(actor=secretariat, cycle_id=cycle.pk,
                                        now=cycle.opens_at))
    now = dt.datetime(2027, 3, 14, 12, 0, tzinfo=dt.UTC)  # after T-1 everywhere
    plan = measure("plan_due (11 due, 33 superseded)", lambda: reminders.plan_due(now))
    ids = list(reminders.messages_of(plan.queued).order_by("pk").values_list("pk", "due_at"))
    first, first_due = ids[0]
    measure("outbox.deliver x 1 (email lists missing items)",
            lambda: outbox.deliver(first, now=first_due))
    measure(f"outbox.deliver x {len(ids) - 1} more",
            lambda: [outbox.deliver(pk, now=due) for pk, due in ids[1:]])
    measure("plan_due again (nothing due)", lambda: reminders.plan_due(now))


if __name__ == "__main__":
    from django.test.utils import setup_test_environment

    setup_test_environment()  # locmem email backend
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    for size in (500, 5000):
        run(size)
