"""Demo data of meetings: DG meetings 32-35, the 32nd CCBWG meeting, agendas, delegations and
small generated papers of every access level.

Facts from ``shared/DOMAIN.md`` and the seed articles: hosts, cities, dates, the 33rd's twelve
agenda items, 118 delegates and chair, the consultations at the 33rd. What the sources do not give
(agenda wording, session times, the CCBWG's exact days, the 35th) is marked in the summaries as
illustrative or to be confirmed. Idempotent: every write is keyed on a natural key, and a paper
that already exists keeps its versions.
"""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from meetings import samples, selectors, services
from meetings.models import (
    AccessLevel,
    AgendaItem,
    Delegation,
    DelegationMember,
    Document,
    DocumentVersion,
    Meeting,
    MeetingStatus,
    NominationState,
    Session,
    Visibility,
)
from secretariat.models import Administration
from workgroups.models import Body, Milestone

D = dt.date
PUBLIC, PARTNERS, MEMBERS, RESTRICTED = (
    AccessLevel.PUBLIC, AccessLevel.PARTNERS, AccessLevel.MEMBERS, AccessLevel.RESTRICTED
)
K = Document.Kind

# body, ordinal, host code, city, venue, start, end, tz, chair name, chair title, inferred, summary
MEETINGS = [
    ("DG", 32, "TH", "Pattaya", "", D(2023, 6, 6), D(2023, 6, 8), "Asia/Bangkok",
     "Deputy Director-General of Thai Customs", "name to be confirmed", False,
     "Chaired by Thai Customs' Deputy Director-General. Bilateral meetings on the margins with "
     "Australia, Korea, China, Japan, the United States and the EU (security, environmental "
     "crime, drugs). Viet Nam to chair the 33rd meeting in 2024."),
    ("DG", 33, "VN", "Phu Quoc", "", D(2024, 6, 4), D(2024, 6, 6),
     "Asia/Ho_Chi_Minh", "Mr Nguyễn Văn Cẩn",
     "Director General, General Department of Viet Nam Customs", False,
     "12 agenda items, 118 delegates and 25 bilateral side meetings. Viet Nam holds the chair of "
     "ASEAN customs for 2024-2025. Consultations: the 13th with the WCO Secretary General, the "
     "22nd with China Customs, the 26th with Japan Customs, the 20th with the Korea Customs "
     "Service, the 8th with the Australian Border Force, and the US-ASEAN Business Council, the "
     "EU-ASEAN Business Council and ASEAN-BAC. Timor-Leste attended as an observer."),
    ("DG", 34, "BN", "Bandar Seri Begawan", "", D(2025, 6, 3), D(2025, 6, 5), "Asia/Brunei",
     "", "", False,
     "Reported to have approved the Strategic Plan of Customs Development 2026-2030. "
     "Timor-Leste attended as an observer."),
    ("DG", 35, "KH", "", "", D(2026, 6, 2), D(2026, 6, 4), "Asia/Phnom_Penh", "", "", True,
     "Host inferred from the alphabetical rotation (after Brunei Darussalam comes Cambodia), "
     "not from a source; the dates (early June, as usual) and the city are to be confirmed by "
     "the secretariat. Cambodia's chair term follows from it (also inferred)."),
    ("DG", 36, "ID", "Jakarta", "", D(2027, 6, 1), D(2027, 6, 3), "Asia/Jakarta", "", "",
     True,
     "Host inferred from the alphabetical rotation (after Cambodia comes Indonesia); the dates "
     "are a placeholder in early June. Convened in the portal; nominations are open."),
    ("CCBWG", 32, None, "", "", D(2023, 3, 14), D(2023, 3, 16), "Asia/Jakarta", "", "", False,
     "Met Australia, Japan, Korea and China on training and technical assistance. Exact days "
     "in March 2023 to be confirmed by the secretariat."),
]

# The 33rd's twelve items (wording illustrative; the number is from the seed article).
AGENDA_33 = [
    (1, "Opening of the meeting and remarks by the Chair", Visibility.PUBLIC, []),
    (2, "Adoption of the agenda", Visibility.PUBLIC, []),
    (3, "Report of the Coordinating Committee on Customs (CCC)", Visibility.MEMBERS, [
        (1, "Customs Procedures and Trade Facilitation Working Group (CPTFWG)"),
        (2, "Customs Enforcement and Compliance Working Group (CECWG)"),
        (3, "Customs Capacity Building Working Group (CCBWG)"),
    ]),
    (4, "Report of the ASEAN Single Window Steering Committee", Visibility.MEMBERS, []),
    (5, "Implementation of the Strategic Plan of Customs Development 2021-2025",
     Visibility.MEMBERS, []),
    (6, "Preparation of the Strategic Plan of Customs Development 2026-2030",
     Visibility.MEMBERS, []),
    (7, "13th Consultation with the Secretary General of the World Customs Organization",
     Visibility.PUBLIC, []),
    (8, "Consultations with China Customs, Japan Customs, the Korea Customs Service and the "
        "Australian Border Force", Visibility.PUBLIC, []),
    (9, "Consultations with the private sector (US-ABC, EU-ABC, ASEAN-BAC)",
     Visibility.PUBLIC, []),
    (10, "Enforcement cooperation: the Mekong Dragon campaign", Visibility.MEMBERS, [
        (1, "Closed briefing on joint operations"),
    ]),
    (11, "Venue and date of the 34th ASEAN DG of Customs Meeting", Visibility.MEMBERS, []),
    (12, "Adoption of the Joint Media Statement and closing", Visibility.PUBLIC, []),
]

# (ordinal, agenda item number or None, title, kind, access, file kind, embargo level or None)
PAPERS = [
    (33, "2", "Provisional agenda of the 33rd ASEAN DG of Customs Meeting", K.AGENDA, PUBLIC,
     "pdf", None),
    (33, "2", "Annotated agenda", K.ANNOTATED_AGENDA, MEMBERS, "docx", None),
    (33, "3", "Report of the CCC to the 33rd DG Meeting", K.REPORT, MEMBERS, "pdf", None),
    (33, "3.1", "CPTFWG progress report: ACTS and AEO MRA", K.WORKING_PAPER, MEMBERS, "pdf",
     None),
    (33, "5", "SPCD 2021-2025 implementation matrix", K.WORKING_PAPER, RESTRICTED, "xlsx",
     None),
    (33, "7", "WCO presentation: green customs and cross-border e-commerce", K.PRESENTATION,
     PARTNERS, "pdf", None),
    (33, "10.1", "Mekong Dragon campaign: operational results", K.REPORT, RESTRICTED, "pdf",
     None),
    (33, "12", "Summary record of the 33rd ASEAN DG of Customs Meeting", K.MINUTES, MEMBERS,
     "docx", None),
    (33, "12", "Joint Media Statement of the 33rd ASEAN DG of Customs Meeting",
     K.JOINT_MEDIA_STATEMENT, PUBLIC, "pdf", MEMBERS),
    (32, None, "Joint Media Statement of the 32nd ASEAN DG of Customs Meeting",
     K.JOINT_MEDIA_STATEMENT, PUBLIC, "pdf", MEMBERS),
    (34, None, "Provisional agenda of the 34th ASEAN DG of Customs Meeting", K.AGENDA, PUBLIC,
     "pdf", None),
    (34, None, "Strategic Plan of Customs Development 2026-2030 (draft for approval)",
     K.WORKING_PAPER, RESTRICTED, "pdf", None),
    (34, None, "Joint Media Statement of the 34th ASEAN DG of Customs Meeting",
     K.JOINT_MEDIA_STATEMENT, PUBLIC, "pdf", MEMBERS),
    (35, None, "Joint Media Statement of the 35th ASEAN DG of Customs Meeting (draft)",
     K.JOINT_MEDIA_STATEMENT, PUBLIC, "docx", MEMBERS),
    (36, "2", "Provisional agenda of the 36th ASEAN DG of Customs Meeting", K.AGENDA, PUBLIC,
     "pdf", None),
    (36, "2", "Annotated agenda of the 36th ASEAN DG of Customs Meeting (members)",
     K.ANNOTATED_AGENDA, MEMBERS, "pdf", None),
]

SESSIONS_33 = [  # day offset, start, end, title, mode, location
    (0, "09:00", "12:00", "Opening and plenary", Session.Mode.IN_PERSON, "Plenary hall"),
    (0, "14:00", "17:30", "Reports of the CCC and the ASW Steering Committee",
     Session.Mode.IN_PERSON, "Plenary hall"),
    # Clock times are illustrative: they frame the consultations of consultations/demo.py
    # (5 June 09:00-16:30, 6 June 09:00-14:15), so the timetable never overlaps them.
    (1, "09:00", "10:00", "13th Consultation with the WCO Secretary General",
     Session.Mode.HYBRID, "Plenary hall; the Secretary General joins online"),
    (1, "10:30", "16:30", "Consultations with dialogue partners and the private sector",
     Session.Mode.IN_PERSON, "Plenary hall"),
    (2, "14:30", "16:30", "Adoption of the Joint Media Statement and closing",
     Session.Mode.IN_PERSON, "Plenary hall"),
]

# (milestone code, paper title): papers cited as evidence. Two are cited on published
# milestones although partners cannot read them, so the page shows each reader a different list.
EVIDENCE = [
    ("26-CEC-01", "Mekong Dragon campaign: operational results"),
    ("26-AAMRA-01", "CPTFWG progress report: ACTS and AEO MRA"),
    ("26-CCC-01", "Strategic Plan of Customs Development 2026-2030 (draft for approval)"),
    ("26-CCC-01", "Joint Media Statement of the 34th ASEAN DG of Customs Meeting"),
]

DELEGATIONS_33 = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]


# The 36th DG meeting, convened: a nested agenda (wording illustrative) with one item kept to
# the secretariat, so a delegate's numbering shows no gap where it is.
AGENDA_36 = [
    ("Opening of the meeting and remarks by the Chair", Visibility.PUBLIC, []),
    ("Adoption of the agenda", Visibility.PUBLIC, []),
    ("Handover of the chair of ASEAN customs from Cambodia", Visibility.PUBLIC, []),
    ("Report of the Coordinating Committee on Customs", Visibility.MEMBERS, [
        ("Customs Procedures and Trade Facilitation Working Group", Visibility.MEMBERS),
        ("Customs Enforcement and Compliance Working Group", Visibility.MEMBERS),
        ("Customs Capacity Building Working Group", Visibility.MEMBERS),
    ]),
    ("Budget and staffing of the ASEAN Secretariat's customs unit", Visibility.SECRETARIAT,
     [("Draft budget for 2028", Visibility.SECRETARIAT)]),
    ("Strategic Plan of Customs Development 2026-2030: first-year review",
     Visibility.MEMBERS, []),
    ("Consultations with dialogue partners and the private sector", Visibility.PUBLIC, []),
    ("Venue and date of the 37th ASEAN DG of Customs Meeting", Visibility.MEMBERS, []),
    ("Adoption of the Joint Media Statement and closing", Visibility.PUBLIC, []),
]
SESSIONS_36 = [
    (0, "09:00", "12:00", "Opening and plenary", Session.Mode.IN_PERSON, "Plenary hall"),
    (0, "14:00", "17:00", "Reports of the CCC and its working groups", Session.Mode.HYBRID,
     "Plenary hall; working-group chairs join online"),
    (1, "09:00", "12:30", "Consultations with dialogue partners", Session.Mode.IN_PERSON,
     "Plenary hall"),
    (2, "09:00", "11:30", "Joint Media Statement and closing", Session.Mode.IN_PERSON,
     "Plenary hall"),
]
# Nominations to the 36th: who has submitted, who has a draft; the others have not started.
NOMINATIONS_36 = {
    "MY": ("submitted", [("Head of the Royal Malaysian Customs Department", "Director General",
                          "head"), ("Aisyah Abdullah", "Delegate", "delegate")]),
    "VN": ("submitted", [("Nguyễn Văn Cẩn", "Director General", "head"),
                         ("Trần Minh", "Chair's office", "delegate")]),
    "SG": ("submitted", [("Director-General of Singapore Customs", "Director-General",
                          "head")]),
    "TH": ("draft", [("Thai Customs Department delegate", "Deputy Director-General",
                      "delegate")]),
}
NOMINATION_DEADLINE_36 = dt.datetime(2027, 4, 30, 17, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


def _meetings(out) -> dict[tuple[str, int], Meeting]:
    result = {}
    for (body, ordinal, host, city, venue, start, end, tz, chair, chair_title, inferred,
         summary) in MEETINGS:
        meeting, _ = Meeting.objects.update_or_create(
            body=Body.objects.get(code=body), ordinal=ordinal,
            defaults={
                "host": Administration.objects.filter(code=host).first() if host else None,
                "host_is_inferred": inferred, "city": city, "venue": venue,
                "start_date": start, "end_date": end, "time_zone": tz, "chair_name": chair,
                "chair_title": chair_title, "summary": summary,
                # Past meetings were held; the next one is convened by ``_convene_36``.
                **({"status": MeetingStatus.HELD} if end < D(2026, 12, 1) else {}),
            },
        )
        result[(body, ordinal)] = meeting
    out(f"  {Meeting.objects.count()} meetings")
    return result


def _agenda(meeting: Meeting) -> dict[str, AgendaItem]:
    items = {}
    for position, title, visibility, children in AGENDA_33:
        item, _ = AgendaItem.objects.update_or_create(
            meeting=meeting, parent=None, position=position,
            defaults={"title": title, "visibility": visibility},
        )
        items[str(position)] = item
        for child_position, child_title in children:
            child_visibility = (
                Visibility.SECRETARIAT if "Closed" in child_title else Visibility.MEMBERS
            )
            child, _ = AgendaItem.objects.update_or_create(
                meeting=meeting, parent=item, position=child_position,
                defaults={"title": child_title, "visibility": child_visibility},
            )
            items[f"{position}.{child_position}"] = child
    return items


def _agenda_36(meeting: Meeting) -> dict[str, AgendaItem]:
    items = {}
    for position, (title, visibility, children) in enumerate(AGENDA_36, start=1):
        item, _ = AgendaItem.objects.update_or_create(
            meeting=meeting, parent=None, position=position,
            defaults={"title": title, "visibility": visibility})
        items[str(position)] = item
        for child_position, (child_title, child_visibility) in enumerate(children, start=1):
            child, _ = AgendaItem.objects.update_or_create(
                meeting=meeting, parent=item, position=child_position,
                defaults={"title": child_title, "visibility": child_visibility})
            items[f"{position}.{child_position}"] = child
    return items


def _convene_36(out, meeting: Meeting, actor) -> None:
    """Convene the 36th through the service (notices go to the outbox, once per recipient)
    and record the nominations of some administrations; the others have not started."""
    from meetings import convening

    Meeting.objects.filter(pk=meeting.pk).update(nomination_deadline=NOMINATION_DEADLINE_36)
    meeting.refresh_from_db()
    convening.meeting_convene(actor=actor, meeting=meeting)
    for code, (state, people) in NOMINATIONS_36.items():
        administration = Administration.objects.filter(code=code).first()
        if administration is None or Delegation.objects.filter(
                meeting=meeting, administration=administration).exists():
            continue
        convening.nomination_save(
            actor=actor, meeting=meeting, administration=administration,
            members=[{"full_name": name, "position": position, "role": role}
                     for name, position, role in people],
            submit=state == "submitted")
    submitted = Delegation.objects.filter(meeting=meeting, state="submitted").count()
    out(f"  36th DG meeting convened; {submitted} nominations submitted")


def _sessions(meeting: Meeting, rows=SESSIONS_33) -> None:
    tz = zoneinfo.ZoneInfo(meeting.time_zone)
    for offset, start, end, title, mode, location in rows:
        day = meeting.start_date + dt.timedelta(days=offset)
        starts = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=tz)
        ends = dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=tz)
        Session.objects.update_or_create(
            meeting=meeting, title=title,
            defaults={"starts_at": starts, "ends_at": ends, "mode": mode, "location": location},
        )


def _delegations(meeting: Meeting, *, head_user_for: dict[str, object]) -> None:
    for code in [*DELEGATIONS_33, "TL"]:
        administration = Administration.objects.filter(code=code).first()
        if administration is None:
            continue
        capacity = Delegation.Capacity.OBSERVER if code == "TL" else Delegation.Capacity.MEMBER
        # Meetings already held: their nominations were submitted (attendance and the
        # participants list count only submitted nominations).
        delegation, _ = Delegation.objects.update_or_create(
            meeting=meeting, administration=administration,
            defaults={"capacity": capacity, "state": NominationState.SUBMITTED,
                      "submitted_at": dt.datetime.combine(
                          meeting.start_date - dt.timedelta(days=21), dt.time(9),
                          tzinfo=zoneinfo.ZoneInfo(meeting.time_zone))},
        )
        head = administration.contacts.filter(is_head=True).first()
        user = head_user_for.get(code)
        if head is not None or user is not None:
            full_name = head.full_name if head else user.get_full_name()
            position = head.position if head else "Head of delegation"
            DelegationMember.objects.update_or_create(
                delegation=delegation, role=DelegationMember.Role.HEAD,
                defaults={"full_name": full_name, "position": position, "user": user},
            )


def _agenda_lines(meeting: Meeting, visible: set[str]) -> list[str]:
    """The meeting's agenda as numbered lines, limited to the visibilities the paper's
    readers may see (a public agenda never lists a secretariat-only item)."""
    from meetings.agenda import numbered_tree

    items = numbered_tree(AgendaItem.objects.filter(meeting=meeting, visibility__in=visible))
    return [f"{'    ' * item.depth}{item.display_number}. {item.title}" for item in items]


def _file_for(title: str, doc_kind: str, file_kind: str, meeting: Meeting,
              access: str) -> tuple[str, bytes]:
    lines = [
        meeting.display_title,
        f"{meeting.start_date:%d %B %Y} - {meeting.end_date:%d %B %Y}, {meeting.place}",
    ]
    if doc_kind in (K.AGENDA, K.ANNOTATED_AGENDA) and meeting.agenda_items.exists():
        visible = {Visibility.PUBLIC} if access == PUBLIC else {Visibility.PUBLIC,
                                                                 Visibility.MEMBERS}
        lines += ["", "Provisional agenda", "", *_agenda_lines(meeting, visible), "",
                  "Item wording is illustrative; the number of items is from the sources."]
    else:
        lines += [
            "Demo document generated by the portal's demo loader.",
            "Topics: trade facilitation, AEO MRA, ASEAN Single Window, ACTS transit, "
            "green customs.",
        ]
    stem = title.replace(":", "").replace("/", "-")[:80]
    if file_kind == "docx":
        return f"{stem}.docx", samples.make_docx(title, lines)
    if file_kind == "xlsx":
        rows = [("Member State", "Action line", "Status")] + [
            (country, "ACTS / ASW / AEO MRA", "On track")
            for country in ("Brunei Darussalam", "Cambodia", "Indonesia", "Lao PDR",
                            "Malaysia", "Myanmar", "Philippines", "Singapore", "Thailand",
                            "Viet Nam")
        ]
        return f"{stem}.xlsx", samples.make_xlsx(rows)
    return f"{stem}.pdf", samples.make_pdf(title, lines)


def _papers(out, meetings, agendas, actor) -> None:
    for ordinal, item_number, title, kind, access, file_kind, embargo_level in PAPERS:
        meeting = meetings[("DG", ordinal)]
        agenda_item = agendas.get(ordinal, {}).get(item_number) if item_number else None
        # The Joint Media Statement is members-only until the closing session ends.
        embargo_until = (
            dt.datetime.combine(meeting.end_date, dt.time(17, 0), tzinfo=meeting.zoneinfo)
            if embargo_level else None
        )
        existing = Document.objects.filter(meeting=meeting, title=title).first()
        if existing is not None:
            continue
        filename, content = _file_for(title, kind, file_kind, meeting, access)
        document = services.document_create(
            actor=actor, meeting=meeting, title=title, kind=kind, access_level=access,
            file=ContentFile(content, name=filename), filename=filename,
            agenda_item=agenda_item, embargo_until=embargo_until,
            embargo_level=embargo_level or AccessLevel.MEMBERS,
        )
        # Papers circulate before the meeting; the demo dates them so, not at load time.
        circulated = dt.datetime.combine(
            meeting.start_date - dt.timedelta(days=14), dt.time(9, 0), tzinfo=meeting.zoneinfo
        )
        DocumentVersion.objects.filter(document=document).update(uploaded_at=circulated)
        if kind == K.MINUTES and meeting.end_date < dt.date(2025, 1, 1):
            services.minutes_adopt(actor=actor, document=document)
    out(f"  {Document.objects.count()} documents")


def _evidence(out, actor) -> None:
    cited = 0
    for code, title in EVIDENCE:
        milestone = Milestone.objects.filter(code=code).first()
        document = Document.objects.filter(title=title).first()
        if milestone is None or document is None:
            continue
        # The service is idempotent: a second load finds the link and keeps its first date.
        services.evidence_document_attach(
            actor=actor, milestone_id=milestone.pk, document_id=document.pk
        )
        cited += 1
    out(f"  {cited} papers cited as milestone evidence")


@transaction.atomic
def load(out) -> None:
    meetings = _meetings(out)
    dg33 = meetings[("DG", 33)]
    agendas = {33: _agenda(dg33)}
    _sessions(dg33)
    users = get_user_model().objects
    # The demo delegate of Malaysia heads its delegation to the 34th: restricted papers of
    # that meeting open to them, and only of that one.
    _delegations(dg33, head_user_for={})
    _delegations(meetings[("DG", 34)], head_user_for={
        code: user for code, user in [("MY", users.filter(username="delegate.my").first())]
        if user is not None
    })
    out(f"  {Delegation.objects.count()} delegations")
    actor = users.filter(username="secretariat").first()
    if actor is None:
        out("  no 'secretariat' demo account: papers skipped")
        return
    dg36 = meetings[("DG", 36)]
    agendas[36] = _agenda_36(dg36)
    _sessions(dg36, SESSIONS_36)
    _papers(out, meetings, agendas, actor)
    _evidence(out, actor)
    _convene_36(out, dg36, actor)
    proposal = selectors.next_host_proposal(meetings[("DG", 34)])
    out(f"  rotation proposes {proposal} to host the 35th DG meeting (an inference)")
