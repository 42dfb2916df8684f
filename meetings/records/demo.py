"""Demo record of the 33rd DG meeting (Phu Quoc, 4-6 June 2024), built from the seeds.

Facts from ``shared/DOMAIN.md`` and the seed articles: the chair (Mr Nguyễn Văn Cẩn), the
consultations held and their subjects (green customs, cross-border e-commerce, AEO MRA,
illicit trade, plastic waste), the CCC and working-group reports, the Mekong Dragon
campaign, the 34th meeting in Brunei Darussalam. The wording of each decision, the action
items, their owners, due dates and statuses, and the attendance marks are illustrative
(the sources give no summary record): the record page says so in the meeting's summary
line of each decision set. Idempotent: keyed on natural keys.
"""

import datetime as dt

from django.contrib.auth import get_user_model

from meetings.models import AgendaItem, DelegationMember, Document, Meeting, Visibility
from meetings.records import services
from meetings.records.models import ActionItem, ActionStatus, Decision, OwnerKind
from secretariat.models import Administration
from workgroups.models import Body, Milestone

D = dt.date
PUB, MEM, SEC = Visibility.PUBLIC, Visibility.MEMBERS, Visibility.SECRETARIAT
ILLUSTRATIVE = " (Illustrative wording.)"

# (agenda number, kind, visibility, text, follow-up body, papers, actions)
# action: (text, owner kind, owner code, due, status, milestone code)
DECISIONS_33 = [
    ("1", "noted", PUB, "The Meeting noted the opening remarks of the Chair, Mr Nguyễn Văn Cẩn, "
     "Director General of Viet Nam Customs, who chairs ASEAN customs for 2024-2025.", None, [],
     []),
    ("2", "agreed", PUB, "The Meeting agreed to adopt the agenda as circulated.", None,
     ["Provisional agenda of the 33rd ASEAN DG of Customs Meeting"], []),
    ("3", "noted", MEM, "The Meeting noted the report of the Coordinating Committee on Customs "
     "on the implementation of the Strategic Plan of Customs Development by its working "
     "groups.", None, ["Report of the CCC to the 33rd DG Meeting"], []),
    ("3.1", "endorsed", MEM, "The Meeting endorsed the CPTFWG's progress on the ASEAN Customs "
     "Transit System and the ASEAN AEO Mutual Recognition Arrangement.", "SWG-AAMRA",
     ["CPTFWG progress report: ACTS and AEO MRA"], [
         ("SWG-AAMRA to report on the operation of the AEO MRA among the signatories",
          OwnerKind.BODY, "SWG-AAMRA", D(2025, 3, 31), ActionStatus.DONE, "26-AAMRA-01"),
     ]),
    ("3.1", "tasked", MEM, "The Meeting tasked the CPTFWG to propose common approaches to the "
     "facilitation and control of cross-border e-commerce.", "CPTFWG", [], [
         ("CPTFWG to circulate draft guidelines on advance rulings for e-commerce",
          OwnerKind.BODY, "CPTFWG", D(2025, 4, 30), ActionStatus.OPEN, "26-CPTF-03"),
     ]),
    ("3.2", "tasked", MEM, "The Meeting tasked the CECWG to share risk indicators on illicit "
     "trade and on the transboundary movement of plastic waste.", "CECWG", [], [
         ("CECWG to compile regional risk profiles for green customs, including plastic waste",
          OwnerKind.BODY, "CECWG", D(2025, 5, 15), ActionStatus.OPEN, "26-CEC-05"),
     ]),
    ("3.3", "noted", MEM, "The Meeting noted the CCBWG's report on human resource development "
     "and on narrowing the development gaps among member administrations.", None, [], []),
    ("4", "noted", MEM, "The Meeting noted the report of the ASEAN Single Window Steering "
     "Committee.", None, [], []),
    ("5", "noted", MEM, "The Meeting noted the implementation status of the SPCD 2021-2025.",
     None, ["SPCD 2021-2025 implementation matrix"], [
         ("Member administrations to update their national implementation of the SPCD "
          "2021-2025", OwnerKind.ADMINISTRATION, "MY", D(2025, 2, 28), ActionStatus.OPEN, None),
     ]),
    ("7", "noted", PUB, "The Meeting noted the exchange with the Secretary General of the WCO "
     "on sustainability, green customs and cross-border e-commerce.", None,
     ["WCO presentation: green customs and cross-border e-commerce"], []),
    ("8", "noted", PUB, "The Meeting noted the consultations with China Customs, Japan "
     "Customs, the Korea Customs Service and the Australian Border Force on the AEO MRA and "
     "on fighting illicit trade.", None, [], []),
    ("9", "noted", PUB, "The Meeting noted the views of the US-ASEAN Business Council, the "
     "EU-ASEAN Business Council and ASEAN-BAC on trade facilitation.", None, [], []),
    ("10", "endorsed", MEM, "The Meeting endorsed the results of the Mekong Dragon campaign "
     "against smuggling and trade fraud.", "CECWG", [], [
         ("Viet Nam Customs to circulate the plan of the next Mekong Dragon operation",
          OwnerKind.ADMINISTRATION, "VN", D(2024, 12, 31), ActionStatus.DONE, "26-CEC-01"),
     ]),
    ("10.1", "agreed", SEC, "The Meeting agreed that the operational details of the joint "
     "operations stay with the participating administrations.", None,
     ["Mekong Dragon campaign: operational results"], [
         ("Secretariat to consolidate the seizure figures of the joint operations",
          OwnerKind.SECRETARIAT, None, D(2025, 1, 31), ActionStatus.OPEN, None),
     ]),
    ("11", "agreed", MEM, "The Meeting agreed that the 34th ASEAN DG of Customs Meeting will "
     "be held in Bandar Seri Begawan, Brunei Darussalam, in June 2025.", None, [], []),
    ("12", "agreed", PUB, "The Meeting agreed to adopt the Joint Media Statement.", None,
     ["Joint Media Statement of the 33rd ASEAN DG of Customs Meeting"], [
         ("Secretariat to publish the Joint Media Statement on the ASEAN website",
          OwnerKind.SECRETARIAT, None, D(2024, 6, 14), ActionStatus.DONE, None),
     ]),
]

# Session number (1-based) -> {administration code: status}; everyone else present.
ATTENDANCE_EXCEPTIONS = {
    3: {"MM": "online", "LA": "online"},
    4: {"TL": "absent"},
}


def _item(meeting: Meeting, number: str) -> AgendaItem | None:
    parts = [int(p) for p in number.split(".")]
    item = AgendaItem.objects.filter(meeting=meeting, parent=None, position=parts[0]).first()
    for position in parts[1:]:
        if item is None:
            return None
        item = AgendaItem.objects.filter(parent=item, position=position).first()
    return item


def _owner(kind: str, code: str | None) -> dict:
    if kind == OwnerKind.BODY:
        return {"owner_body": Body.objects.get(code=code)}
    if kind == OwnerKind.ADMINISTRATION:
        return {"owner_administration": Administration.objects.get(code=code)}
    return {}


def _decisions(meeting: Meeting, actor) -> int:
    made = 0
    for number, kind, visibility, text, body, papers, actions in DECISIONS_33:
        item = _item(meeting, number)
        if item is None:
            continue
        text = text + ILLUSTRATIVE
        decision = Decision.objects.filter(agenda_item=item, text=text).first()
        if decision is None:
            decision = services.decision_create(
                actor=actor, agenda_item=item, kind=kind, text=text, visibility=visibility,
                follow_up_body=Body.objects.filter(code=body).first() if body else None,
                documents=list(Document.objects.filter(meeting=meeting, title__in=papers)),
            )
            made += 1
        for a_text, owner_kind, code, due, status, milestone in actions:
            if ActionItem.objects.filter(decision=decision, text=a_text).exists():
                continue
            action = services.action_item_create(
                actor=actor, decision=decision, text=a_text, owner_kind=owner_kind,
                due_date=due, milestone=Milestone.objects.filter(code=milestone).first()
                if milestone else None, **_owner(owner_kind, code),
            )
            if status != ActionStatus.OPEN:
                services.action_item_update(actor=actor, item_id=action.pk,
                                            expected_version=action.version,
                                            changes={"status": status})
    return made


def _attendance(meeting: Meeting, actor) -> int:
    changed = 0
    for number, session in enumerate(meeting.sessions.order_by("starts_at"), start=1):
        exceptions = ATTENDANCE_EXCEPTIONS.get(number, {})
        marks = {
            member.pk: exceptions.get(member.delegation.administration.code, "present")
            for member in services.session_participants(session)
        }
        if marks:
            changed += services.attendance_mark(actor=actor, session=session, marks=marks)
    return changed


def load(out) -> None:
    meeting = Meeting.objects.filter(body__code="DG", ordinal=33).first()
    actor = get_user_model().objects.filter(username="secretariat").first()
    if meeting is None or actor is None:
        out("  no 33rd DG meeting or no 'secretariat' account: record skipped")
        return
    made = _decisions(meeting, actor)
    marks = _attendance(meeting, actor)
    participants = DelegationMember.objects.filter(delegation__meeting=meeting).count()
    out(f"  33rd DG meeting: {made} new decision(s), "
        f"{ActionItem.objects.filter(meeting=meeting).count()} action items, "
        f"{marks} attendance mark(s) changed for {participants} participants")
