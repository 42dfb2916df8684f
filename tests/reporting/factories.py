"""Factories and builders for reporting tests."""

import datetime as dt

import factory

from secretariat.models import Role
from tests.factories import AdministrationFactory, make_person
from tests.workgroups.factories import MilestoneFactory
from workgroups.reporting import services
from workgroups.reporting.models import ReportingCycle


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingCycle
        django_get_or_create = ["title"]

    title = factory.Sequence(lambda n: f"Progress reports for the {34 + n}th DG Meeting")
    opens_at = factory.LazyAttribute(lambda o: o.due_at - dt.timedelta(days=40))
    due_at = dt.datetime(2027, 3, 15, 17, 0, tzinfo=dt.UTC)


# code, country, zone: one administration per offset the reminders must honour.
ZONES = {
    "MM": ("Myanmar", "Asia/Yangon"),          # +06:30
    "ID": ("Indonesia", "Asia/Jakarta"),       # +07:00
    "TH": ("Thailand", "Asia/Bangkok"),        # +07:00
    "MY": ("Malaysia", "Asia/Kuala_Lumpur"),   # +08:00
    "TL": ("Timor-Leste", "Asia/Dili"),        # +09:00
}


def administrations(codes=ZONES):
    return {
        code: AdministrationFactory(code=code, country=ZONES[code][0], time_zone=ZONES[code][1])
        for code in codes
    }


def delegates(adms):
    """One delegate per administration, with an address reminders can go to."""
    return {code: make_person(f"delegate.{code.lower()}", Role.DELEGATE, administration=adm)
            for code, adm in adms.items()}


def open_cycle(actor, adms, *, milestones_each=2, now=None, **cycle_fields):
    """An open cycle where each administration leads ``milestones_each`` milestones."""
    cycle = CycleFactory(**cycle_fields)
    for adm in adms.values():
        for _ in range(milestones_each):
            MilestoneFactory().lead_administrations.add(adm)
    return services.cycle_open(actor=actor, cycle_id=cycle.pk,
                               now=now or cycle.opens_at)


# A cycle whose working window is the whole week, day and night, holidays included: for
# tests with real workers, which cannot be time-travelled into office hours (and whose
# made-up administration codes may be real countries with a holiday today).
ALWAYS_OPEN = {"window_opens": dt.time(0, 0), "window_closes": dt.time.max,
               "window_weekdays": [0, 1, 2, 3, 4, 5, 6], "window_skips_holidays": False}


def due_now_cycle(actor, count: int):
    """``count`` administrations, each with a delegate and one reminder (T-1) due now, in
    real time (for tests with real workers, which cannot be time-travelled), in a cycle that
    is always inside its working window."""
    from django.utils import timezone

    from tests.factories import AdministrationFactory

    letters = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(count)]
    adms = {code: AdministrationFactory(code=code, country=f"Country {code}",
                                        time_zone="Asia/Jakarta") for code in letters}
    delegates(adms)
    now = timezone.now()
    return open_cycle(actor, adms, milestones_each=1, now=now,
                      due_at=now + dt.timedelta(hours=12), remind_days_before=[1],
                      remind_at_deadline=False, overdue_every_days=0, **ALWAYS_OPEN), adms
