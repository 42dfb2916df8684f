import datetime as dt
from decimal import Decimal

import pytest

from tests.workgroups.factories import BodyFactory
from workgroups.enforcement import services
from workgroups.enforcement.models import Mode, Operation, PlaceKind

# Unique strings planted in a seizure report: the leak test looks for each of them in every
# byte the portal hands to someone without the clearance.
MARKERS = {
    "place": "Zq7 Noi Bai cargo terminal",
    "concealment": "Zq7 soles of twelve sandals",
    "origin": "Zq7 Dubai",
    "agencies": "Zq7 PC04 Hanoi police",
    "summary": "Zq7 summary of the seizure",
    "quantity": "19.88445",
}


@pytest.fixture
def operation(vietnam, malaysia, thailand):
    op = Operation.objects.create(
        name="Mekong Dragon", slug="mekong-dragon", lead=vietnam,
        body=BodyFactory(code="CECWG", name="Customs Enforcement and Compliance Working Group"),
        starts_on=dt.date(2023, 1, 1), focus=["drugs"],
    )
    op.participants.set([vietnam, malaysia, thailand])
    return op


@pytest.fixture
def cleared(chair, secretariat):
    """Viet Nam's chair-country staff, designated as its enforcement contact."""
    services.enforcement_contact_designate(actor=secretariat, user=chair)
    return chair


def report_data(operation, administration, **extra) -> dict:
    return {
        "operation": operation, "administration": administration,
        "seized_on": dt.date(2023, 5, 5), "place": MARKERS["place"],
        "place_kind": PlaceKind.AIRPORT, "mode": Mode.AIR, "origin": MARKERS["origin"],
        "transit": "", "destination": "Viet Nam", "concealment": MARKERS["concealment"],
        "persons_arrested": 2, "agencies": MARKERS["agencies"], "summary": MARKERS["summary"],
        **extra,
    }


LINES = [services.Line("mdma", Decimal("14.60207"), "kg"),
         services.Line("ketamine", Decimal("5.28238"), "kg"),
         services.Line("cocaine", Decimal("19.88445"), "kg")]


@pytest.fixture
def report(operation, cleared, vietnam):
    return services.seizure_report_file(
        actor=cleared, data=report_data(operation, vietnam), lines=LINES)
