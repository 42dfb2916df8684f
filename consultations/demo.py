"""Demo data: the consultations named in the seeds (the 33rd DG meeting, Phu Quoc, 4-6 June
2024), the earlier ASEAN-WCO ones from DOMAIN.md, and upcoming ones so the schedule has a
future. Ordinals, dates, partners and topics come from the sources; the clock times and venues
within the meeting are illustrative. Idempotent: keyed on (series, ordinal), or on the series
alone for the unnumbered ones, and written through the services.
"""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, ConsultationSeries, PartnerContact
from meetings.models import Document, Meeting
from secretariat.models import Partner

L = ConsultationSeries.Level
S = Consultation.Status
M = Consultation.Mode
VN = "Asia/Ho_Chi_Minh"
PHU_QUOC = "Phu Quoc, Kiên Giang, Viet Nam"
TOPICS_33 = (
    "Sustainability and green customs\nCross-border e-commerce\nAEO mutual recognition "
    "arrangements (AEO MRA)\nCombating illicit trade\nPlastic waste control and the movement "
    "of circular-economy goods"
)

WCO13_PAPERS = [
    "WCO presentation: green customs and cross-border e-commerce",
    "Provisional agenda of the 33rd ASEAN DG of Customs Meeting",
    "Report of the CCC to the 33rd DG Meeting",
]

# partner slug, level, title, numbered
SERIES = [
    ("wco", L.SECRETARY_GENERAL, "ASEAN-WCO Consultation", True),
    ("wco", L.WORKING_GROUP, "WCO consultation with the CCBWG", False),
    ("gacc", L.DG_COMMISSIONER, "ASEAN-China Customs Consultation", True),
    ("japan-customs", L.DG_COMMISSIONER, "ASEAN-Japan Customs Consultation", True),
    ("kcs", L.DG_COMMISSIONER, "ASEAN-Korea Customs Consultation", True),
    ("abf", L.DG_COMMISSIONER, "ASEAN-Australian Border Force Consultation", True),
    ("abf", L.WORKING_GROUP, "ABF consultation with the CCBWG", False),
    ("usabc", L.PRIVATE_SECTOR, "Consultation with the US-ASEAN Business Council", False),
    ("euabc", L.PRIVATE_SECTOR, "Consultation with the EU-ASEAN Business Council", False),
    ("asean-bac", L.PRIVATE_SECTOR, "Consultation with ASEAN-BAC", False),
]

CONTACTS = {
    "wco": ("Claire Dubois", "Regional liaison"),
    "gacc": ("Li Wei", "Department of International Cooperation"),
    "japan-customs": ("Sato Haruka", "International Cooperation Division"),
    "kcs": ("Kim Min-jun", "International Cooperation Bureau"),
    "abf": ("Olivia Brown", "International Engagement"),
    "usabc": ("Michael Carter", "Trade facilitation lead"),
    "euabc": ("Anna Müller", "Customs working group"),
    "asean-bac": ("Nurul Huda", "Secretariat"),
}


def _at(day: dt.date, hour: int, minute: int, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(tz))


def working_day(day: dt.date) -> dt.date:
    """``day``, or the Monday after it when it falls on a Saturday or a Sunday."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _consultations(dg33: Meeting | None, today: dt.date):
    june5, june6 = dt.date(2024, 6, 5), dt.date(2024, 6, 6)
    at_dg33 = {"meeting": dg33, "venue": PHU_QUOC, "status": S.HELD, "published": True,
               "agenda": TOPICS_33}
    # The upcoming ones have no source date (inferred, relative to today): they are moved off
    # a weekend to the next working day, as a secretariat would schedule them (issue 13).
    soon, later = (working_day(today + dt.timedelta(days=n)) for n in (40, 75))
    # (partner slug, level, ordinal, start, end, tz, fields)
    return [
        ("wco", L.SECRETARY_GENERAL, 9, _at(dt.date(2020, 8, 19), 14, 0, "Asia/Yangon"),
         _at(dt.date(2020, 8, 19), 15, 30, "Asia/Yangon"), "Asia/Yangon",
         {"venue": "Video conference", "mode": M.VIRTUAL, "status": S.HELD, "published": True,
          "agenda": "Customs responses to COVID-19\nWCO-ASEAN cooperation programme"}),
        ("wco", L.SECRETARY_GENERAL, 10, _at(dt.date(2021, 6, 10), 14, 0, "Asia/Manila"),
         _at(dt.date(2021, 6, 10), 15, 30, "Asia/Manila"), "Asia/Manila",
         {"venue": "Online", "mode": M.VIRTUAL, "status": S.HELD, "published": True,
          "agenda": "Cross-border e-commerce\nCustoms modernisation after the pandemic"}),
        ("wco", L.SECRETARY_GENERAL, 13, _at(june5, 9, 0, VN), _at(june5, 10, 0, VN), VN,
         {**at_dg33, "mode": M.HYBRID,
          "mode_note": "The WCO Secretary General joined virtually."}),
        ("gacc", L.DG_COMMISSIONER, 22, _at(june5, 10, 30, VN), _at(june5, 11, 30, VN), VN,
         at_dg33),
        ("japan-customs", L.DG_COMMISSIONER, 26, _at(june5, 14, 0, VN), _at(june5, 15, 0, VN),
         VN, at_dg33),
        ("kcs", L.DG_COMMISSIONER, 20, _at(june5, 15, 30, VN), _at(june5, 16, 30, VN), VN,
         at_dg33),
        ("abf", L.DG_COMMISSIONER, 8, _at(june6, 9, 0, VN), _at(june6, 10, 0, VN), VN,
         at_dg33),
        ("usabc", L.PRIVATE_SECTOR, None, _at(june6, 10, 30, VN), _at(june6, 11, 15, VN), VN,
         {**at_dg33, "agenda": "Trade facilitation for business\nCross-border e-commerce"}),
        ("euabc", L.PRIVATE_SECTOR, None, _at(june6, 11, 15, VN), _at(june6, 12, 0, VN), VN,
         {**at_dg33, "agenda": "AEO MRA and trusted traders\nGreen customs"}),
        ("asean-bac", L.PRIVATE_SECTOR, None, _at(june6, 13, 30, VN), _at(june6, 14, 15, VN),
         VN, {**at_dg33, "agenda": "ASEAN Single Window for business\nCircular-economy goods"}),
        # Upcoming, relative to the day the demo is loaded, so the schedule has a future.
        ("abf", L.WORKING_GROUP, None, _at(soon, 9, 0, "Asia/Jakarta"),
         _at(soon, 11, 0, "Asia/Jakarta"), "Asia/Jakarta",
         {"venue": "ASEAN Secretariat, Jakarta", "mode": M.HYBRID, "status": S.CONFIRMED,
          "published": True, "agenda": "Training and technical assistance plan\n"
          "Environmental crime and illicit trade"}),
        ("wco", L.WORKING_GROUP, None, _at(later, 14, 0, "Asia/Jakarta"),
         _at(later, 16, 0, "Asia/Jakarta"), "Asia/Jakarta",
         {"venue": "Video conference", "mode": M.VIRTUAL, "status": S.PLANNED,
          "published": False, "agenda": "Capacity-building needs assessment (draft)"}),
    ]


def load(out) -> None:
    partners = {p.slug: p for p in Partner.objects.all()}
    series = {}
    for slug, level, title, numbered in SERIES:
        if slug not in partners:
            continue
        series[(slug, level)], _ = ConsultationSeries.objects.update_or_create(
            partner=partners[slug], level=level,
            defaults={"title": title, "is_numbered": numbered},
        )

    users = get_user_model().objects
    for slug, (name, position) in CONTACTS.items():
        if slug not in partners:
            continue
        PartnerContact.objects.update_or_create(
            partner=partners[slug], email=f"{slug}.contact@demo.asean-customs.invalid",
            defaults={"full_name": name, "position": position,
                      "user": users.filter(username=f"partner.{slug}").first()},
        )

    dg33 = Meeting.objects.filter(body__code="DG", ordinal=33).first()
    for slug, level, ordinal, starts_at, ends_at, tz, fields in _consultations(
        dg33, timezone.localdate()
    ):
        if (slug, level) not in series:
            continue
        one_series = series[(slug, level)]
        existing = Consultation.objects.filter(series=one_series)
        existing = existing.filter(ordinal=ordinal) if ordinal else existing
        current = existing.first()
        data = {"starts_at": starts_at, "ends_at": ends_at, "time_zone": tz, **fields}
        if current is None:
            services.consultation_create(actor=None, series=one_series, ordinal=ordinal, **data)
        elif ordinal:
            # Historical rows are facts: bring them back to the demo values.
            services.consultation_update(actor=None, consultation=current, **data)
    if dg33 is not None:
        # Papers of the 33rd DG meeting that belong to the WCO session: partners see the first
        # two, the members-only report shows the access rules at work.
        wco13 = Consultation.objects.filter(series__partner__slug="wco", ordinal=13).first()
        papers = Document.objects.filter(meeting=dg33, title__in=WCO13_PAPERS)
        if wco13 is not None:
            wco13.documents.add(*papers)
    out(f"  {Consultation.objects.count()} consultations"
        f"{'' if dg33 else ' (33rd DG meeting not found: held-alongside left empty)'}")
