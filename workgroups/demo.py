"""Demo data of the bodies (shared/DOMAIN.md)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from secretariat.models import Administration
from workgroups.models import (
    ActionLine,
    Body,
    BodyChairTerm,
    ChairRole,
    ImplementationStatus,
    Initiative,
    InitiativeParticipation,
    Milestone,
    NationalImplementation,
    ParticipationStatus,
    Plan,
    StrategicGoal,
    Watch,
)
from workgroups.services import milestone_update

D = dt.date

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


MANDATES = {
    "DG": "Meets once a year, hosted in turn by a member administration whose head chairs it. "
          "Reviews the working bodies' progress on the Strategic Plan of Customs Development, "
          "holds consultations with dialogue partners and the private sector, and adopts "
          "decisions and a Joint Media Statement.",
    "CCC": "Coordinates regional customs integration and the working groups' implementation "
           "of the Strategic Plan; reports to the DG meeting.",
    "CPTFWG": "Customs procedures and trade facilitation: AHTN, ACTS, the AEO MRA, the ASEAN "
              "Customs Declaration Document, time release studies.",
    "CECWG": "Enforcement cooperation against smuggling and trade fraud (e.g. the 'Mekong "
             "Dragon' campaign), drug trafficking, environmental crime and illicit trade.",
    "CCBWG": "Customs modernisation and capacity building: integrity framework, modernisation "
             "gap matrix, human resources, narrowing development gaps.",
    "SWG-ACTS": "Runs and extends the ASEAN Customs Transit System (live since 2 November 2020).",
    "TSWGC": "Maintains the ASEAN Harmonised Tariff Nomenclature (AHTN) on the WCO HS.",
    "SWG-AAMRA": "Implements the ASEAN AEO Mutual Recognition Arrangement.",
    "ASW": "Steers the ASEAN Single Window (live since 1 January 2018), with working groups on "
           "technical and on legal and regulatory matters; reports to the DG meeting.",
}

# body, administration, role, start, end (both days included), note. The DG meeting's chair
# runs meeting to meeting (DOMAIN.md): from the first day of the meeting it hosts to the day
# before the next one opens. Cambodia's term is inferred: the rotation makes it the host of
# the 35th (2-4 June 2026), and the 36th is planned for 1-3 June 2027 (placeholder dates),
# hence "until 31 May 2027". The working groups' chairs are illustrative demo data.
CHAIR_TERMS = [
    ("DG", "TH", ChairRole.CHAIR, D(2023, 6, 6), D(2024, 6, 3), "32nd meeting, Pattaya"),
    ("DG", "VN", ChairRole.CHAIR, D(2024, 6, 4), D(2025, 6, 2),
     "33rd meeting, Phu Quoc: Viet Nam chair of ASEAN customs 2024-2025"),
    ("DG", "BN", ChairRole.CHAIR, D(2025, 6, 3), D(2026, 6, 1),
     "34th meeting, Bandar Seri Begawan"),
    ("DG", "KH", ChairRole.CHAIR, D(2026, 6, 2), D(2027, 5, 31),
     "Inferred: host of the 35th by the alphabetical rotation, until the 36th opens"),
    ("CCC", "VN", ChairRole.CHAIR, D(2024, 6, 4), D(2025, 6, 2), "Illustrative"),
    ("CCC", "BN", ChairRole.CHAIR, D(2025, 6, 3), D(2026, 6, 1), "Illustrative"),
    ("CCC", "KH", ChairRole.CHAIR, D(2026, 6, 2), D(2027, 5, 31),
     "Inferred, with the DG chair"),
    ("CCC", "KH", ChairRole.VICE_CHAIR, D(2025, 6, 3), D(2026, 6, 1), "Illustrative"),
    ("CPTFWG", "MY", ChairRole.CHAIR, D(2025, 1, 1), None, "Illustrative"),
    ("CPTFWG", "TH", ChairRole.VICE_CHAIR, D(2025, 1, 1), None, "Illustrative"),
    ("CECWG", "TH", ChairRole.CHAIR, D(2025, 1, 1), None, "Illustrative"),
    ("CCBWG", "ID", ChairRole.CHAIR, D(2025, 1, 1), None, "Illustrative"),
    ("SWG-ACTS", "SG", ChairRole.CHAIR, D(2025, 1, 1), None, "Illustrative"),
    ("TSWGC", "VN", ChairRole.CHAIR, D(2025, 1, 1), None, "Illustrative"),
    ("SWG-AAMRA", "PH", ChairRole.CHAIR, D(2025, 1, 1), None, "Illustrative"),
    ("ASW", "ID", ChairRole.CHAIR, D(2025, 1, 1), None, "Illustrative"),
]

# title, start, end, endorsed at, closing note
PLANS = [
    ("SPCD 2016-2020", 2016, 2020, "24th DG meeting, May 2015",
     "Closed at a 99% implementation rate"),
    ("SPCD 2021-2025", 2021, 2025, "29th DG meeting, August 2020 (virtual)", ""),
    ("SPCD 2026-2030", 2026, 2030, "34th DG meeting, Bandar Seri Begawan, June 2025 "
     "(reported approved)", ""),
]

# The individual SPCDs' titles are not public in our sources: these areas are demo data that
# the secretariat replaces in the admin. (plan start year, goal code, title, [action lines])
GOALS = [
    (2016, "A", "Trade facilitation and regional integration", [("A.1", "Single window")]),
    (2021, "A", "Trade facilitation", [("A.1", "Tariff nomenclature"), ("A.2", "Transit"),
                                      ("A.3", "AEO mutual recognition")]),
    (2026, "1", "Trade facilitation and customs procedures",
     [("1.1", "Tariff nomenclature (AHTN)"), ("1.2", "Transit (ACTS)"),
      ("1.3", "AEO mutual recognition"), ("1.4", "Procedures and data")]),
    (2026, "2", "Enforcement and compliance",
     [("2.1", "Joint operations"), ("2.2", "Risk information exchange")]),
    (2026, "3", "Capacity building and modernisation",
     [("3.1", "Integrity and modernisation"), ("3.2", "Human resources")]),
    (2026, "4", "ASEAN Single Window", [("4.1", "Document exchange"), ("4.2", "Platform")]),
    (2026, "5", "Digital and smart customs",
     [("5.1", "Paperless procedures"), ("5.2", "Automated supervision")]),
]

ALL_MEMBERS = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
IMPL, PROG, NOTS, NA = (ImplementationStatus.IMPLEMENTED, ImplementationStatus.IN_PROGRESS,
                        ImplementationStatus.NOT_STARTED, ImplementationStatus.NOT_APPLICABLE)

# code, plan start, action line, body, leads, title, start, due, status, progress,
# national rows {code: (status, date)} or None, published
MILESTONES = [
    ("16-ASW-01", 2016, "A.1", "ASW", ["ID", "MY", "SG", "TH", "VN"],
     "ASW live: exchange of the ATIGA e-Form D", D(2016, 1, 1), D(2018, 1, 1), "completed",
     100, {c: (IMPL, D(2018, 1, 1)) for c in ["ID", "MY", "SG", "TH", "VN"]}, True),
    ("21-TSWGC-01", 2021, "A.1", "TSWGC", [], "AHTN 2022 implemented by all member states",
     D(2021, 1, 1), D(2022, 1, 1), "completed", 100,
     {c: (IMPL, D(2022, 1, 1)) for c in ALL_MEMBERS}, True),
    ("21-ACTS-01", 2021, "A.2", "SWG-ACTS", ["SG"], "ACTS live operation",
     D(2020, 1, 1), D(2020, 11, 2), "completed", 100,
     {**{c: (IMPL, D(2020, 11, 2)) for c in ["KH", "LA", "MY", "SG", "TH", "VN"]},
      "MM": (IMPL, D(2024, 3, 1))}, True),
    ("21-AAMRA-01", 2021, "A.3", "SWG-AAMRA", ["PH"],
     "ASEAN AEO MRA signed (nine member states by June 2023)", D(2021, 1, 1), D(2023, 6, 30),
     "completed", 100, None, True),
    ("26-TSWGC-01", 2026, "1.1", "TSWGC", ["VN"], "AHTN 2027 legal text and correlation tables",
     D(2026, 1, 1), D(2026, 9, 30), "at_risk", 70, None, True),
    ("26-TSWGC-02", 2026, "1.1", "TSWGC", ["VN", "MY"],
     "AHTN 2027 implemented by all member states", D(2026, 6, 1), D(2027, 1, 1), "on_track",
     35, {"VN": (PROG, None), "MY": (PROG, None), "SG": (PROG, None), "TH": (PROG, None),
          "ID": (NOTS, None), "PH": (NOTS, None)}, True),
    ("26-TSWGC-03", 2026, "1.1", "TSWGC", ["TH"], "AHTN 2027 explanatory notes",
     D(2026, 6, 1), D(2027, 6, 30), "not_started", 0, None, False),
    ("26-ACTS-01", 2026, "1.2", "SWG-ACTS", ["SG"],
     "ACTS extended to Brunei Darussalam, Indonesia and the Philippines", D(2026, 1, 1),
     D(2028, 12, 31), "on_track", 20,
     {"BN": (PROG, None), "ID": (NOTS, None), "PH": (PROG, None), "TL": (NA, None)}, True),
    ("26-ACTS-02", 2026, "1.2", "SWG-ACTS", ["MY"], "ACTS guarantee management review",
     D(2026, 1, 1), D(2026, 9, 30), "delayed", 45, None, False),
    ("26-AAMRA-01", 2026, "1.3", "SWG-AAMRA", ["PH", "SG"],
     "AEO MRA benefits granted at every signatory's border", D(2026, 1, 1), D(2027, 12, 31),
     "on_track", 40, {"SG": (IMPL, D(2026, 3, 1)), "MY": (IMPL, D(2026, 5, 1)),
                      "TH": (PROG, None), "VN": (PROG, None), "MM": (NA, None)}, True),
    ("26-AAMRA-02", 2026, "1.3", "SWG-AAMRA", ["PH"], "Timor-Leste AEO programme roadmap",
     D(2026, 6, 1), D(2029, 6, 30), "not_started", 0, None, False),
    ("26-CPTF-01", 2026, "1.4", "CPTFWG", ["MY"],
     "ASEAN Customs Declaration Document data set version 2", D(2026, 1, 1), D(2026, 12, 31),
     "at_risk", 50, None, True),
    ("26-CPTF-02", 2026, "1.4", "CPTFWG", ["TH", "ID"], "Regional time release study 2026",
     D(2026, 1, 1), D(2026, 10, 31), "on_track", 80, None, True),
    ("26-CPTF-03", 2026, "1.4", "CPTFWG", ["SG"], "Advance ruling guidelines for e-commerce",
     D(2026, 3, 1), D(2027, 6, 30), "on_track", 30, None, False),
    ("26-CPTF-04", 2026, "1.4", "CPTFWG", ["KH"], "Post-clearance audit manual update",
     D(2026, 1, 1), D(2026, 6, 30), "completed", 100, None, True),
    ("26-CEC-01", 2026, "2.1", "CECWG", ["VN", "TH"], "Mekong Dragon joint operation 2026",
     D(2026, 3, 1), D(2026, 11, 30), "on_track", 85, None, False),
    ("26-CEC-02", 2026, "2.2", "CECWG", ["VN"],
     "Information exchange on drug trafficking by air (after the Noi Bai airport seizures)",
     D(2026, 1, 1), D(2026, 8, 31), "delayed", 55, None, False),
    ("26-CEC-03", 2026, "2.2", "CECWG", ["MY"],
     "Enforcement guidelines on plastic waste and circular-economy goods", D(2026, 1, 1),
     D(2027, 3, 31), "on_track", 25, None, True),
    ("26-CEC-04", 2026, "2.1", "CECWG", ["SG"],
     "Joint protocol against illicit trade in cross-border e-commerce", D(2026, 6, 1),
     D(2027, 12, 31), "not_started", 0, None, False),
    ("26-CEC-05", 2026, "2.2", "CECWG", ["ID"], "Regional risk profiles for green customs",
     D(2026, 1, 1), D(2026, 12, 31), "cancelled", 10, None, False),
    ("26-CCB-01", 2026, "3.1", "CCBWG", ["ID"], "Integrity framework review",
     D(2026, 1, 1), D(2026, 10, 15), "at_risk", 60, None, True),
    ("26-CCB-02", 2026, "3.1", "CCBWG", ["KH", "LA"], "Modernisation gap matrix update",
     D(2026, 1, 1), D(2027, 6, 30), "on_track", 30,
     {c: (PROG if c in {"KH", "LA", "MM"} else IMPL, D(2026, 6, 30)) for c in ALL_MEMBERS},
     True),
    ("26-CCB-03", 2026, "3.2", "CCBWG", ["BN"],
     "Human resources development plan with dialogue partners", D(2026, 1, 1),
     D(2027, 12, 31), "on_track", 15, None, False),
    ("26-CCB-04", 2026, "3.2", "CCBWG", ["TH"], "Training needs survey (32nd CCBWG follow-up)",
     D(2025, 7, 1), D(2026, 3, 31), "completed", 100, None, True),
    ("26-ASW-01", 2026, "4.1", "ASW", ["ID"],
     "ASEAN Customs Declaration Document exchanged by all member states", D(2026, 1, 1),
     D(2027, 12, 31), "on_track", 40,
     {"ID": (IMPL, D(2026, 4, 1)), "MY": (IMPL, D(2026, 4, 1)), "SG": (IMPL, D(2026, 2, 1)),
      "TH": (PROG, None), "VN": (PROG, None), "KH": (NOTS, None), "LA": (NOTS, None),
      "MM": (NOTS, None), "BN": (PROG, None), "PH": (PROG, None)}, True),
    ("26-ASW-02", 2026, "4.1", "ASW", ["TH"], "e-Phyto and e-Animal health certificates via ASW",
     D(2026, 1, 1), D(2026, 9, 30), "delayed", 35, None, False),
    ("26-ASW-03", 2026, "4.2", "ASW", ["SG"], "ASW data exchange platform upgrade",
     D(2026, 1, 1), D(2027, 6, 30), "on_track", 50, None, True),
    ("26-ASW-04", 2026, "4.2", "ASW", ["PH"], "ASW sustainability and financing arrangement",
     D(2026, 1, 1), D(2026, 12, 15), "at_risk", 20, None, False),
    ("26-VN-01", 2026, "5.1", "CCBWG", ["VN"], "Viet Nam: digital customs completed",
     D(2021, 1, 1), D(2025, 12, 31), "completed", 100, None, True),
    ("26-VN-02", 2026, "5.1", "CCBWG", ["VN"],
     "Viet Nam: 100% of the documents of a customs file for the basic procedures electronic",
     D(2026, 1, 1), D(2030, 12, 31), "on_track", 55, None, True),
    ("26-VN-03", 2026, "5.2", "CCBWG", ["VN"],
     "Viet Nam: 100% of key ports and international border gates with automated cargo "
     "supervision, scanners and cameras", D(2026, 1, 1), D(2030, 12, 31), "on_track", 40,
     None, True),
    ("26-VN-04", 2026, "5.2", "CCBWG", ["VN"],
     "Viet Nam: 100% of high-risk containers monitored by modern technical means, data to the "
     "central processing centre", D(2026, 1, 1), D(2030, 12, 31), "on_track", 35, None, True),
    ("26-VN-05", 2026, "5.2", "CCBWG", ["VN"],
     "Viet Nam: 100% of road border gates receiving advance cargo information",
     D(2026, 1, 1), D(2030, 12, 31), "at_risk", 25, None, True),
    ("26-VN-06", 2026, "5.1", "CCBWG", ["VN"], "Viet Nam: smart customs by 2030",
     D(2026, 1, 1), D(2030, 12, 31), "not_started", 5, None, True),
    ("26-CCC-01", 2026, "3.1", "CCC", ["BN"], "Mid-term review of the SPCD 2026-2030",
     D(2028, 1, 1), D(2028, 6, 30), "not_started", 0, None, True),
]

# code, name, body, date label, detail label, {admin: (status, since, detail)}
PS = ParticipationStatus
INITIATIVES = [
    ("ahtn", "AHTN", "TSWGC", "Implemented since", "Version",
     {**{c: (PS.PARTICIPATING, D(2022, 1, 1), "AHTN 2022") for c in ALL_MEMBERS},
      "TL": (PS.PREPARING, None, "")}),
    ("asw", "ASEAN Single Window", "ASW", "Live since", "Documents exchanged",
     {**{c: (PS.PARTICIPATING, D(2018, 1, 1), "ATIGA e-Form D")
         for c in ["ID", "MY", "SG", "TH", "VN"]},
      **dict.fromkeys(["BN", "KH", "LA", "MM", "PH"],
                      (PS.PARTICIPATING, None, "ATIGA e-Form D (date to confirm)")),
      "TL": (PS.NOT_STARTED, None, "")}),
    ("acts", "ACTS", "SWG-ACTS", "Participating since", "",
     {**{c: (PS.PARTICIPATING, D(2020, 11, 2), "") for c in ["KH", "LA", "MY", "SG", "TH", "VN"]},
      "MM": (PS.PARTICIPATING, D(2024, 3, 1), ""),
      **dict.fromkeys(["BN", "ID", "PH"], (PS.PREPARING, None, "")),
      "TL": (PS.NOT_STARTED, None, "")}),
    # Nine signatories by June 2023 (DOMAIN.md); which member is the tenth is to be confirmed
    # by the secretariat, as are the exact dates.
    ("aeo-mra", "AEO MRA", "SWG-AAMRA", "Signed on", "",
     {**dict.fromkeys(["BN", "KH", "ID", "LA", "MY", "PH", "SG", "TH", "VN"],
                      (PS.PARTICIPATING, None, "Signed by June 2023")),
      "MM": (PS.PREPARING, None, "To confirm"), "TL": (PS.NOT_STARTED, None, "")}),
]

# (milestone code, username, changes, comment): a little history to look at.
DEMO_CHANGES = [
    ("26-TSWGC-01", "chair.vn", {"progress": 60, "status": "on_track"},
     "Draft legal text circulated to TSWGC"),
    ("26-TSWGC-01", "secretariat", {"progress": 70, "status": "at_risk"},
     "Two correlation tables still missing after the deadline"),
    # Malaysia chairs the CPTFWG (illustrative, open-ended), so its staff edit its milestones.
    ("26-CPTF-01", "delegate.my", {"progress": 45},
     "Data element mapping slower than planned"),
]


def load(out) -> None:
    with transaction.atomic():
        _load_bodies(out)
        _load_plans(out)
        _load_initiatives(out)
        _load_history(out)


def _load_bodies(out) -> None:
    for code, name, kind, parent, established_on, established_at in BODIES:
        Body.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind,
                "reports_to": Body.objects.get(code=parent) if parent else None,
                "established_on": established_on, "established_at": established_at,
                "mandate": MANDATES.get(code, ""),
            },
        )
    out(f"  {Body.objects.count()} bodies")
    adms = {a.code: a for a in Administration.objects.all()}
    # Terms of an older demo (other start days) would overlap these: keep only the listed ones.
    for code in {row[0] for row in CHAIR_TERMS}:
        keep = [(role, start) for body, _, role, start, _, _ in CHAIR_TERMS if body == code]
        for term in BodyChairTerm.objects.filter(body__code=code):
            if (term.role, term.start_on) not in keep:
                term.delete()
    for body, adm, role, start, end, note in CHAIR_TERMS:
        if adm in adms:
            BodyChairTerm.objects.update_or_create(
                body=Body.objects.get(code=body), role=role, start_on=start,
                defaults={"administration": adms[adm], "end_on": end, "note": note,
                          "is_inferred": note.startswith("Inferred")},
            )
    out(f"  {BodyChairTerm.objects.count()} chair terms")


def _load_plans(out) -> None:
    plans = {}
    for title, start, end, endorsed, closing in PLANS:
        plans[start], _ = Plan.objects.update_or_create(
            title=title, defaults={"start_year": start, "end_year": end, "endorsed_at": endorsed,
                                   "closing_note": closing, "published": True},
        )
    lines = {}
    for start, code, title, action_lines in GOALS:
        goal, _ = StrategicGoal.objects.update_or_create(
            plan=plans[start], code=code, defaults={"title": title})
        for line_code, line_title in action_lines:
            lines[(start, line_code)], _ = ActionLine.objects.update_or_create(
                goal=goal, code=line_code, defaults={"title": line_title})
    bodies = {b.code: b for b in Body.objects.all()}
    adms = {a.code: a for a in Administration.objects.all()}
    for (code, start, line, body, leads, title, start_date, due, status, progress, national,
         published) in MILESTONES:
        # Status and progress are set only when the milestone is created: a second load
        # must not undo what people changed in the portal since.
        milestone, created = Milestone.objects.get_or_create(
            code=code,
            defaults={"action_line": lines[(start, line)], "body": bodies[body], "title": title,
                      "start_date": start_date, "due_date": due, "status": status,
                      "progress": progress, "implemented_nationally": national is not None,
                      "published": published},
        )
        if created:
            milestone.lead_administrations.set([adms[c] for c in leads if c in adms])
            for adm_code, (impl_status, on) in (national or {}).items():
                if adm_code in adms:
                    NationalImplementation.objects.get_or_create(
                        milestone=milestone, administration=adms[adm_code],
                        defaults={"status": impl_status, "status_on": on},
                    )
    out(f"  {Plan.objects.count()} plans, {Milestone.objects.count()} milestones")


def _load_initiatives(out) -> None:
    adms = {a.code: a for a in Administration.objects.all()}
    for position, (code, name, body, date_label, detail_label, cells) in enumerate(INITIATIVES):
        initiative, _ = Initiative.objects.update_or_create(
            code=code, defaults={"name": name, "body": Body.objects.get(code=body),
                                 "date_label": date_label, "detail_label": detail_label,
                                 "position": position},
        )
        for adm_code, (status, since, detail) in cells.items():
            if adm_code in adms:
                InitiativeParticipation.objects.get_or_create(
                    initiative=initiative, administration=adms[adm_code],
                    defaults={"status": status, "since": since, "detail": detail},
                )
    out(f"  {Initiative.objects.count()} initiative boards")


def _load_history(out) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["chair.vn", "delegate.my", "secretariat"])}
    if len(users) < 3:
        return
    for code, username, changes, comment in DEMO_CHANGES:
        milestone = Milestone.objects.filter(code=code).first()
        if milestone is None or milestone.history.filter(history_change_reason=comment).exists():
            continue
        milestone_update(actor=users[username], milestone_id=milestone.pk,
                         expected_version=milestone.version, changes=changes, comment=comment)
    tswgc = Body.objects.filter(code="TSWGC").first()
    if tswgc:
        Watch.objects.get_or_create(user=users["chair.vn"], body=tswgc)
    out("  demo history and watches")
