"""The meeting page's parts, cached per audience under the meetings' data version (issue 14).

A meeting page is read far more often than anything on it changes, and what it shows depends
on a handful of facts about the viewer, not on who they are. So the page is built from:

* ``facts(pk)``: plain values about the meeting (title, body, dates, status, nomination
  deadline, convening, the instants its papers' embargoes lift, who heads its
  delegations): one cached dict, no query on a hit;
* ``fragments(...)``: the overview, timetable, agenda with papers, document list and
  delegations, rendered once per ``Audience`` and kept as strings;
* what is decided for this request alone, outside any cache: may the viewer prepare the
  meeting (the chair term at this instant), may they nominate now, the CSRF token.

The audience names exactly what decides what a fragment shows: the clearance (which papers
and agenda items), whether the viewer heads a delegation at this meeting (its restricted
papers), whether they are logged in (the wording of the empty list), how many of the
meeting's embargo instants have passed (a paper appears at the instant its embargo lifts,
with no write), the time zones and the day. Every write to the data goes through
``meetings.caching.MEETINGS``, so a copy is never older than the last write.
"""

import bisect
import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from meetings import selectors
from meetings.caching import MEETINGS
from meetings.models import Delegation, DelegationMember, Document, Meeting
from secretariat.access import Clearance, clearance_of, is_member_staff, is_secretariat

_MISSING = {"missing": True}


def facts(pk: int) -> dict:
    """Plain values about meeting ``pk`` for the page and its audience key; 404 if none."""
    return load(pk)[0]


def load(pk: int) -> tuple[dict, "LazyMeeting"]:
    """The facts and the meeting (lazy: loaded only if something must be built, and not
    loaded twice when the facts were just built from it)."""
    loaded = []

    def build() -> dict:
        meeting = Meeting.objects.with_related().filter(pk=pk).first()
        if meeting is None:
            return _MISSING  # cached too: creating a meeting bumps the version
        loaded.append(meeting)
        embargoes = sorted(
            Document.objects.filter(meeting_id=pk, embargo_until__isnull=False)
            .values_list("embargo_until", flat=True))
        heads = DelegationMember.objects.filter(
            delegation__meeting_id=pk, role=DelegationMember.Role.HEAD, user__isnull=False
        ).values_list("user_id", flat=True)
        return {
            "pk": meeting.pk,
            "body_id": meeting.body_id,
            "title": meeting.display_title,
            "status": meeting.status,
            "start_date": meeting.start_date,
            "time_zone": meeting.time_zone,
            "nomination_deadline": meeting.nomination_deadline,
            "convened_at": meeting.convened_at,
            "sequence": meeting.sequence,
            "embargoes": embargoes,
            "heads": frozenset(heads),
        }

    found = MEETINGS.cached(("meeting-facts", pk), build)
    if found.get("missing"):
        raise Http404("No Meeting matches the given query.")
    return found, LazyMeeting(found, loaded[0] if loaded else None)


def nominations_open(found: dict, now: dt.datetime | None = None) -> bool:
    """``Meeting.nominations_open`` (the rule stays there) from the cached facts."""
    return Meeting(status=found["status"], nomination_deadline=found["nomination_deadline"],
                   start_date=found["start_date"], time_zone=found["time_zone"],
                   ).nominations_open(now)


def administration_code(administration_id: int) -> str | None:
    """An administration's ISO code (for the nomination link) without a query per page."""

    def build() -> dict:
        from secretariat.models import Administration

        return dict(Administration.objects.values_list("pk", "code"))

    return MEETINGS.cached(("administration-codes",), build).get(administration_id)


class LazyMeeting(SimpleLazyObject):
    """The meeting, loaded (one query) only when something reads more than ``pk`` and
    ``body_id``: the sections of other apps key their caches on these and load the meeting
    only to build. In templates, use the facts instead (a lookup there loads it)."""

    def __init__(self, found: dict, loaded: Meeting | None = None):
        pk = found["pk"]
        super().__init__(lambda: loaded or selectors.meeting_get(pk))
        self.__dict__.update(pk=pk, id=pk, body_id=found["body_id"])


@dataclass(frozen=True)
class Audience:
    """What decides what the fragments show (see the module's docstring)."""

    clearance: int
    secretariat: bool
    heads_delegation: bool
    logged_in: bool
    embargoes_passed: int
    viewer_zone: str
    active_zone: str
    day: str


def audience(user, found: dict, now: dt.datetime | None = None) -> Audience:
    now = now or timezone.now()
    viewer_zone = str(selectors.viewer_time_zone(user))
    return Audience(
        clearance=int(clearance_of(user)),
        secretariat=is_secretariat(user),
        # ``DocumentQuerySet.visible_to``: a head of delegation reads the meeting's restricted
        # papers; only active member staff can be one.
        heads_delegation=is_member_staff(user) and user.pk in found["heads"],
        logged_in=bool(getattr(user, "is_authenticated", False)),
        # ``visible_to`` lifts an embargo at ``embargo_until <= now``: the count changes at
        # that very instant, so the key does, and the lifted paper appears.
        embargoes_passed=bisect.bisect_right(found["embargoes"], now),
        viewer_zone=viewer_zone,
        active_zone=timezone.get_current_timezone_name(),
        day=timezone.localdate(now).isoformat(),
    )


def fragments(user, meeting, seen: Audience) -> dict:
    """The page's cached parts for ``seen``, built for ``user`` (one of that audience)."""

    def build() -> dict:
        viewer_tz = selectors.viewer_time_zone(user)
        documents = list(
            selectors.documents_visible_to(user, meeting=meeting).order_by("kind", "title"))
        agenda = selectors.agenda_for(user, meeting, documents=documents)
        delegations = []
        if seen.clearance >= Clearance.MEMBERS:
            delegations = list(
                Delegation.objects.filter(meeting=meeting)
                .select_related("administration")
                .prefetch_related("members")
            )
        context = {
            "meeting": meeting,
            "timetable": selectors.timetable(meeting, viewer_tz),
            "viewer_tz": viewer_tz,
            "agenda": agenda,
            "documents": documents,
            "unfiled": [d for d in documents if d.agenda_item_id is None],
            "logged_in": seen.logged_in,
            "next_host": selectors.next_host_proposal(meeting) if seen.secretariat else None,
        }
        return {
            "heading": render_to_string("meetings/_meeting_heading.html", context),
            "main": render_to_string("meetings/_meeting_main.html", context),
            "delegations": render_to_string("meetings/_meeting_delegations.html", {
                "meeting": meeting, "delegations": delegations}) if delegations else "",
            "has_agenda": bool(agenda),
            "has_documents": bool(documents),
        }

    parts = MEETINGS.cached(("meeting-page", meeting.pk, seen), build)
    # Rendered by Django from escaped values; kept as plain strings in the cache.
    return {name: mark_safe(value) if isinstance(value, str) else value  # noqa: S308
            for name, value in parts.items()}


def agenda_fragment(user, meeting, seen: Audience) -> str:
    """The printable agenda's list, for the same audiences as the page."""

    def build() -> str:
        return render_to_string("meetings/_agenda_print_list.html", {
            "meeting": meeting, "agenda": selectors.agenda_for(user, meeting)})

    return mark_safe(  # noqa: S308 (rendered by Django)
        MEETINGS.cached(("agenda-print", meeting.pk, seen), build))


def attendance_fragment(meeting) -> str:
    """The list of participants: the same for everyone allowed to read it (members and
    above, checked by the view), so one copy per version of the data."""

    def build() -> str:
        delegations = list(
            Delegation.objects.filter(meeting=meeting)
            .select_related("administration")
            .prefetch_related("members", "administration__names")
        )
        for delegation in delegations:
            name = delegation.administration.name_on(meeting.start_date)
            delegation.administration_name = name.name if name else ""
        members = [d for d in delegations if d.capacity == Delegation.Capacity.MEMBER]
        observers = [d for d in delegations if d.capacity == Delegation.Capacity.OBSERVER]
        return render_to_string("meetings/_attendance_list.html", {
            "meeting": meeting,
            "groups": [("Member delegations", members), ("Observers", observers)]})

    return mark_safe(  # noqa: S308 (rendered by Django)
        MEETINGS.cached(("attendance", meeting.pk), build))
