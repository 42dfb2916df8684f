"""Demo data of the bodies (shared/DOMAIN.md)."""

import datetime as dt

from workgroups.models import Body

K = Body.Kind
# code, name, kind, reports to, established on, established at
BODIES = [
    ("DG", "ASEAN Directors-General of Customs Meeting", K.DG_MEETING, None,
     dt.date(1995, 1, 1), "Under the ASEAN Finance Ministers' Meeting, 1995"),
    ("CCC", "Coordinating Committee on Customs", K.COMMITTEE, "DG",
     dt.date(2006, 6, 1), "15th DG meeting, Siem Reap, Cambodia, June 2006"),
    ("CPTFWG", "Customs Procedures and Trade Facilitation Working Group", K.WORKING_GROUP,
     "CCC", dt.date(2006, 6, 1), "15th DG meeting, Siem Reap, Cambodia, June 2006"),
    ("CECWG", "Customs Enforcement and Compliance Working Group", K.WORKING_GROUP, "CCC",
     dt.date(2006, 6, 1), "15th DG meeting, Siem Reap, Cambodia, June 2006"),
    ("CCBWG", "Customs Capacity Building Working Group", K.WORKING_GROUP, "CCC",
     dt.date(2006, 6, 1), "15th DG meeting, Siem Reap, Cambodia, June 2006"),
    ("SWG-ACTS", "Sub-Working Group on the ASEAN Customs Transit System", K.SUB_WORKING_GROUP,
     "CPTFWG", dt.date(2010, 1, 1), "2010"),
    ("TSWGC", "Technical Sub-Working Group on Classification", K.SUB_WORKING_GROUP, "CPTFWG",
     dt.date(2019, 1, 1), "2019"),
    ("SWG-AAMRA", "Sub-Working Group on the ASEAN AEO Mutual Recognition Arrangement",
     K.SUB_WORKING_GROUP, "CPTFWG", dt.date(2019, 1, 1), "2019"),
    ("ASW", "ASEAN Single Window Steering Committee", K.STEERING_COMMITTEE, "DG", None, ""),
]


def load(out) -> None:
    for code, name, kind, parent, established_on, established_at in BODIES:
        Body.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind,
                "reports_to": Body.objects.get(code=parent) if parent else None,
                "established_on": established_on, "established_at": established_at,
            },
        )
    out(f"  {Body.objects.count()} bodies")
