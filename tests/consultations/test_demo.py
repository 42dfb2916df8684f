import datetime as dt

import pytest

from consultations.models import Consultation, PartnerContact
from tests.consultations.demo_data import load_demo_consultations
from tests.consultations.factories import dg_meeting

pytestmark = pytest.mark.django_db


def test_demo_has_the_seed_consultations_and_is_idempotent():
    meeting = dg_meeting(33)
    load_demo_consultations()
    counts = (Consultation.objects.count(), PartnerContact.objects.count())
    sequences = dict(Consultation.objects.values_list("pk", "sequence"))
    load_demo_consultations()
    assert (Consultation.objects.count(), PartnerContact.objects.count()) == counts
    assert dict(Consultation.objects.values_list("pk", "sequence")) == sequences

    at_dg33 = {c.title: c for c in Consultation.objects.filter(meeting=meeting)}
    assert {"13th ASEAN-WCO Consultation", "22nd ASEAN-China Customs Consultation",
            "26th ASEAN-Japan Customs Consultation", "20th ASEAN-Korea Customs Consultation",
            "8th ASEAN-Australian Border Force Consultation",
            "Consultation with the US-ASEAN Business Council",
            "Consultation with the EU-ASEAN Business Council",
            "Consultation with ASEAN-BAC"} == set(at_dg33)
    wco = at_dg33["13th ASEAN-WCO Consultation"]
    assert wco.date == dt.date(2024, 6, 5)
    assert "virtually" in wco.mode_note
    history = Consultation.objects.filter(series=wco.series).order_by("ordinal")
    assert [(c.ordinal, c.date) for c in history] == [
        (9, dt.date(2020, 8, 19)), (10, dt.date(2021, 6, 10)), (13, dt.date(2024, 6, 5))
    ]
    assert Consultation.objects.filter(published=True, date__gt=dt.date.today()).exists()  # noqa: DTZ011
