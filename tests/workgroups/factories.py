"""Factories for the working groups and the Strategic Plan."""

import datetime as dt

import factory

from workgroups.models import (
    ActionLine,
    Body,
    BodyChairTerm,
    Initiative,
    InitiativeParticipation,
    Milestone,
    NationalImplementation,
    Plan,
    StrategicGoal,
)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"WG{n}")
    name = factory.LazyAttribute(lambda o: f"Working group {o.code}")
    kind = Body.Kind.WORKING_GROUP


class ChairTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BodyChairTerm

    body = factory.SubFactory(BodyFactory)
    start_on = dt.date(2024, 6, 6)
    end_on = dt.date(2025, 6, 5)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ["title"]

    title = "SPCD 2026-2030"
    start_year = 2026
    end_year = 2030
    published = True


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal
        django_get_or_create = ["plan", "code"]

    plan = factory.SubFactory(PlanFactory)
    code = "G1"
    title = "Trade facilitation"


class ActionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLine
        django_get_or_create = ["goal", "code"]

    goal = factory.SubFactory(GoalFactory)
    code = "G1.1"
    title = "Customs procedures"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    action_line = factory.SubFactory(ActionLineFactory)
    code = factory.Sequence(lambda n: f"M-{n:04d}")
    title = factory.LazyAttribute(lambda o: f"Milestone {o.code}")
    body = factory.SubFactory(BodyFactory, code="CPTFWG")
    start_date = dt.date(2026, 1, 1)
    due_date = dt.date(2026, 12, 31)
    status = "not_started"
    # Completed implies 100 % (``status_progress_error``): a factory never makes the
    # contradiction the services refuse.
    progress = factory.LazyAttribute(lambda o: 100 if o.status == "completed" else 0)
    published = True

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.lead_administrations.set(extracted)


class NationalImplementationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalImplementation

    milestone = factory.SubFactory(MilestoneFactory, implemented_nationally=True)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        django_get_or_create = ["code"]

    code = "acts"
    name = "ASEAN Customs Transit System"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeParticipation

    initiative = factory.SubFactory(InitiativeFactory)
