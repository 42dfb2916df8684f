"""Factories for consultations (and the few meetings rows they hang on)."""

import datetime as dt
import zoneinfo

import factory

from consultations.models import Consultation, ConsultationSeries, PartnerContact
from meetings.models import AccessLevel, Document, Meeting
from tests.factories import PartnerFactory
from workgroups.models import Body

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationSeries
        django_get_or_create = ["partner", "level"]

    partner = factory.SubFactory(PartnerFactory)
    level = ConsultationSeries.Level.DG_COMMISSIONER
    title = factory.LazyAttribute(lambda o: f"ASEAN-{o.partner.short_name} Consultation")


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A consultation written straight to the table (tests of the services use the services)."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    series = factory.SubFactory(SeriesFactory)
    ordinal = factory.Sequence(lambda n: n + 1)
    starts_at = factory.Sequence(
        lambda n: dt.datetime(2030, 6, 5, 9, 0, tzinfo=VN) + dt.timedelta(days=n)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    time_zone = "Asia/Ho_Chi_Minh"
    date = factory.LazyAttribute(lambda o: o.starts_at.astimezone(VN).date())
    venue = "Phu Quoc, Viet Nam"
    status = Consultation.Status.CONFIRMED
    published = True


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    full_name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")


def dg_meeting(ordinal: int = 33) -> Meeting:
    body, _ = Body.objects.get_or_create(
        code="DG", defaults={"name": "ASEAN Directors-General of Customs Meeting",
                              "kind": Body.Kind.DG_MEETING}
    )
    meeting, _ = Meeting.objects.get_or_create(
        body=body, ordinal=ordinal,
        defaults={"start_date": dt.date(2024, 6, 4), "end_date": dt.date(2024, 6, 6),
                  "city": "Phu Quoc", "time_zone": "Asia/Ho_Chi_Minh"},
    )
    return meeting


def document(title: str, level: str = AccessLevel.PARTNERS, meeting=None) -> Document:
    return Document.objects.create(title=title, access_level=level, meeting=meeting)
