"""Demo data of enforcement: the Mekong Dragon campaign, Viet Nam's two seizures at Noi Bai
airport with the exact figures of the seed article (2023: 19.88445 kg = 14.60207 kg of MDMA
and 5.28238 kg of ketamine; 4.2 kg of cocaine), a few reports of other administrations marked
illustrative, a released set of statistics, and chair.vn designated as Viet Nam's enforcement
contact (delegate.my is not: the demo shows both sides of the clearance).

What the sources do not give (the campaign's lead, period and phase, the exact day "early
June") is marked on screen as inferred, approximate or illustrative. Idempotent: keyed on
natural keys; reports are keyed on (administration, date, place).
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from secretariat.models import Administration
from workgroups.enforcement import services
from workgroups.enforcement.models import (
    EnforcementContact,
    Focus,
    Mode,
    Operation,
    OperationPhase,
    PlaceKind,
    SeizureReport,
    StatisticsRelease,
)
from workgroups.models import Body, Milestone

D = dt.date
MEMBERS_2023 = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]

# (administration, date, approximate, place, kind, mode, origin, transit, destination,
#  concealment, arrested, agencies, summary, illustrative, [(commodity, quantity, unit)])
REPORTS = [
    ("VN", D(2023, 5, 5), False, "Noi Bai International Airport", PlaceKind.AIRPORT, Mode.AIR,
     "Netherlands", "", "Viet Nam",
     "Drugs hidden in cans of Heineken beer packed among cartons of beer", 2,
     "Drug Control Team of Hanoi Customs; Noi Bai International Airport Customs Branch; "
     "Hanoi Police (PC04)",
     "A consignment from the Netherlands flagged by PC04 information and by scanning at Noi Bai. "
     "Two people were arrested in Van Giang district, Hung Yen province. 19.88445 kg of drugs "
     "in total. Source: Vietnamese press report of the 32nd DG meeting (2023).",
     False, [("mdma", "14.60207", "kg"), ("ketamine", "5.28238", "kg")]),
    ("VN", D(2023, 6, 1), True, "Noi Bai International Airport", PlaceKind.AIRPORT, Mode.AIR,
     "United Arab Emirates (Dubai)", "Viet Nam", "A third country (not named)",
     "In the soles of 12 sandals and a white nylon bag under the bottom of a suitcase", 1,
     "Viet Nam Customs; Police",
     "A foreign national in transit from Dubai through Noi Bai to a third country. The source "
     "says “early June” 2023; the day is approximate. Source: Vietnamese press report of the "
     "32nd DG meeting (2023).",
     False, [("cocaine", "4.2", "kg")]),
    # Illustrative reports (not real seizures): they give the analysis and the released
    # statistics something to add up, including one cell large enough to publish.
    ("TH", D(2023, 3, 14), False, "Chiang Khong border checkpoint", PlaceKind.BORDER_GATE,
     Mode.LAND, "Lao PDR", "", "Thailand", "Inside the fuel tank of a pick-up truck", 2,
     "Thai Customs; Narcotics Suppression Bureau", "Illustrative report for the demo.", True,
     [("methamphetamine", "38.5", "kg")]),
    ("LA", D(2023, 4, 20), False, "Friendship Bridge I border gate", PlaceKind.BORDER_GATE,
     Mode.LAND, "Myanmar", "Lao PDR", "Thailand", "Under the floor of a bus luggage hold", 1,
     "Lao Customs; Police", "Illustrative report for the demo.", True,
     [("methamphetamine", "12.75", "kg")]),
    ("MM", D(2023, 7, 2), False, "Muse 105-mile border trade zone", PlaceKind.BORDER_GATE,
     Mode.LAND, "Myanmar", "", "China", "In sacks of rice on a lorry", 3,
     "Myanmar Customs; Police", "Illustrative report for the demo.", True,
     [("methamphetamine", "61.2", "kg")]),
    ("MY", D(2023, 8, 9), False, "Port Klang (Westport)", PlaceKind.PORT, Mode.SEA,
     "Nigeria", "Malaysia", "Viet Nam", "Declared as frozen fish in a reefer container", 0,
     "Royal Malaysian Customs Department; PERHILITAN", "Illustrative report for the demo.",
     True, [("pangolin", "1200", "kg")]),
    ("ID", D(2023, 9, 18), False, "Tanjung Priok port", PlaceKind.PORT, Mode.SEA,
     "Australia", "", "Indonesia", "Mixed plastic waste declared as paper scrap", 0,
     "Indonesian Customs; Ministry of Environment", "Illustrative report for the demo.", True,
     [("plastic_waste", "52.3", "t")]),
]


def _contact(out) -> None:
    users = get_user_model().objects
    secretariat, chair = users.filter(username="secretariat").first(), users.filter(
        username="chair.vn").first()
    if secretariat and chair and not EnforcementContact.objects.filter(user=chair).exists():
        services.enforcement_contact_designate(
            actor=secretariat, user=chair, note="Demo: Viet Nam's enforcement contact")
    out(f"  {EnforcementContact.objects.count()} enforcement contacts (chair.vn is one; "
        f"delegate.my is not)")


def _operation() -> Operation:
    operation, _ = Operation.objects.update_or_create(
        slug="mekong-dragon",
        defaults={
            "name": "Mekong Dragon",
            "lead": Administration.objects.get(code="VN"),
            "body": Body.objects.get(code="CECWG"),
            "starts_on": D(2023, 1, 1), "ends_on": None, "period_is_inferred": True,
            "focus": [Focus.DRUGS, Focus.WILDLIFE, Focus.WASTE, Focus.REVENUE],
            "summary": (
                "Joint campaign of ASEAN customs against smuggling and trade fraud, named among "
                "Viet Nam Customs' enforcement initiatives in the press reports of the 32nd and "
                "33rd DG meetings. The lead, the period and the phase below are the "
                "secretariat's inference, to be confirmed."),
        },
    )
    operation.participants.set(Administration.objects.filter(code__in=MEMBERS_2023))
    operation.milestones.set(Milestone.objects.filter(code__in=["26-CEC-01", "26-CEC-02"]))
    OperationPhase.objects.update_or_create(
        operation=operation, name="Air routes (illustrative phase)",
        defaults={"starts_on": D(2023, 4, 1), "ends_on": D(2023, 6, 30),
                  "note": "Noi Bai, Tan Son Nhat and Da Nang named as the main entry points"},
    )
    return operation


def _reports(out, operation: Operation) -> None:
    secretariat = get_user_model().objects.filter(username="secretariat").first()
    if secretariat is None:
        out("  no 'secretariat' demo account: seizure reports skipped")
        return
    for (code, seized_on, approx, place, kind, mode, origin, transit, destination,
         concealment, arrested, agencies, summary, illustrative, lines) in REPORTS:
        administration = Administration.objects.get(code=code)
        if SeizureReport.objects.filter(
            administration=administration, seized_on=seized_on, place=place
        ).exists():
            continue
        services.seizure_report_file(
            actor=secretariat,
            data={"operation": operation, "administration": administration,
                  "seized_on": seized_on, "date_is_approximate": approx, "place": place,
                  "place_kind": kind, "mode": mode, "origin": origin, "transit": transit,
                  "destination": destination, "concealment": concealment,
                  "persons_arrested": arrested, "agencies": agencies, "summary": summary,
                  "is_illustrative": illustrative},
            lines=[services.Line(c, Decimal(q), u) for c, q, u in lines],
        )
    out(f"  {SeizureReport.objects.count()} seizure reports "
        f"({SeizureReport.objects.filter(is_illustrative=True).count()} illustrative)")
    if not StatisticsRelease.objects.filter(operation=operation).exists():
        release = services.statistics_release(
            actor=secretariat, operation=operation,
            note="Includes illustrative demo reports; not official figures.")
        # Dated on the real calendar (the close of the 33rd DG meeting), not the load day.
        StatisticsRelease.objects.filter(pk=release.pk).update(released_at=dt.datetime(
            2024, 6, 6, 17, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")))


@transaction.atomic
def load(out) -> None:
    _contact(out)
    operation = _operation()
    _reports(out, operation)
    out("  1 enforcement operation (Mekong Dragon)")
