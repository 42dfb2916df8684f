"""Factories for the portal's models. Apps above the core add theirs in their test folders."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from secretariat.models import Administration, AdministrationName, Partner, Profile, Role

TEST_PASSWORD = "correct horse battery staple"


class AdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administration
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"X{chr(65 + n % 26)}")
    country = factory.LazyAttribute(lambda o: f"Country {o.code}")
    time_zone = "Asia/Jakarta"
    member_since = dt.date(1967, 8, 8)
    name = factory.RelatedFactory(
        "tests.factories.AdministrationNameFactory", factory_related_name="administration"
    )


class AdministrationNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrationName

    administration = factory.SubFactory(AdministrationFactory, name=None)
    name = factory.LazyAttribute(lambda o: f"Customs of {o.administration.country}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.LazyAttribute(lambda o: f"Partner {o.slug}")
    short_name = factory.LazyAttribute(lambda o: o.slug.upper())
    kind = Partner.Kind.CUSTOMS_ADMINISTRATION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.django.Password(TEST_PASSWORD)


def make_person(username: str, role: str, *, administration=None, partner=None, **extra):
    """A user with a profile, the way ``person_create`` builds one."""
    user = UserFactory(username=username, is_staff=role == Role.SECRETARIAT, **extra)
    Profile.objects.create(user=user, role=role, administration=administration, partner=partner)
    return user
