"""Demo data of the bilateral scheduler: rooms at Phu Quoc and the 33rd DG meeting's
bilaterals with the six partners the seed articles name (Australia, Korea, China, Japan, the
United States and the European Union; security and safety, environmental crime, drugs),
scheduled through the scheduler's own services so they cannot clash, plus one request
still waiting for an answer.

The articles name the partners, not who sat on the ASEAN side, the times or the rooms: Viet
Nam (the host and chair) is shown as the ASEAN side, and times and rooms are illustrative; the
United States' and the EU's counterpart agencies are inferred. Idempotent: a bilateral is
keyed on (meeting, requesting delegation, partner).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from meetings.bilaterals import services
from meetings.bilaterals.models import Bilateral, Room
from meetings.models import Delegation, Meeting
from secretariat.models import Partner

ROOMS = [("Bilateral room 1 (Lotus)", 10), ("Bilateral room 2 (Orchid)", 8),
         ("Bilateral room 3 (Pearl)", 16)]
NEW_PARTNERS = [
    ("us-cbp", "U.S. Customs and Border Protection", "US CBP", "United States"),
    ("eu-taxud", "European Commission, DG Taxation and Customs Union", "EU DG TAXUD",
     "European Union"),
]
INFERRED = "Counterpart agency inferred: the articles name only the country. "
ILLUSTRATIVE = "Time and room illustrative."
# requester, partner slug, day (0 = 4 June 2024), start, minutes, party size, topic, note
BILATERALS = [
    ("VN", "abf", 0, "12:15", 45, 8, "Security and safety at the border", ""),
    ("VN", "kcs", 0, "13:00", 45, 8, "Drugs: information exchange on air routes", ""),
    ("VN", "gacc", 0, "17:45", 45, 10, "Environmental crime and plastic waste", ""),
    ("VN", "japan-customs", 1, "17:15", 45, 8, "Drugs and security of supply chains", ""),
    ("VN", "us-cbp", 1, "18:00", 45, 8, "Security and safety; drug trafficking by air", INFERRED),
    ("VN", "eu-taxud", 2, "11:45", 45, 12, "Environmental crime and waste shipments", INFERRED),
]
PENDING = ("TH", "kcs", 1, "17:15", 45, 6, "Capacity building on risk management", "")


def _slot(meeting: Meeting, day: int, start: str, minutes: int):
    starts = dt.datetime.combine(meeting.start_date + dt.timedelta(days=day),
                                 dt.time.fromisoformat(start), tzinfo=meeting.zoneinfo)
    return starts, starts + dt.timedelta(minutes=minutes)


@transaction.atomic
def load(out) -> None:
    meeting = Meeting.objects.filter(body__code="DG", ordinal=33).first()
    actor = get_user_model().objects.filter(username="secretariat").first()
    if meeting is None or actor is None:
        out("  no 33rd DG meeting or 'secretariat' account: bilaterals skipped")
        return
    for name, seats in ROOMS:
        Room.objects.update_or_create(meeting=meeting, name=name, defaults={"seats": seats})
    for slug, name, short, country in NEW_PARTNERS:
        Partner.objects.update_or_create(slug=slug, defaults={
            "name": name, "short_name": short, "kind": Partner.Kind.CUSTOMS_ADMINISTRATION,
            "country": country})
    for code, slug, day, start, minutes, size, topic, note in [*BILATERALS, PENDING]:
        requester = Delegation.objects.filter(meeting=meeting, administration__code=code).first()
        partner = Partner.objects.filter(slug=slug).first()
        if requester is None or partner is None or Bilateral.objects.filter(
            meeting=meeting, requester=requester, invitee_partner=partner
        ).exists():
            continue
        bilateral = services.bilateral_request(
            actor=actor, meeting=meeting, requester=requester, invitee_partner=partner,
            topic=topic, party_size=size, note=(note + ILLUSTRATIVE).strip(),
            slots=[_slot(meeting, day, start, minutes)],
        )
        if (code, slug) != PENDING[:2]:
            services.bilateral_accept(
                actor=actor, bilateral_id=bilateral.pk,
                proposal_id=bilateral.proposals.get().pk,
            )
    scheduled = Bilateral.objects.filter(meeting=meeting, status=Bilateral.Status.ACCEPTED)
    out(f"  {scheduled.count()} bilaterals scheduled beside the 33rd DG meeting, "
        f"{Room.objects.filter(meeting=meeting).count()} rooms")
