"""Reads of meetings, already scoped to the viewer. Views and the API fetch through these."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from meetings.agenda import numbered_tree
from meetings.models import (
    AgendaItem,
    Document,
    DocumentVersion,
    Meeting,
    MilestoneEvidenceDocument,
    Session,
)
from secretariat.access import profile_of
from secretariat.models import Administration
from workgroups.access import EditRights
from workgroups.selectors import milestones_visible_to


def viewer_time_zone(user) -> zoneinfo.ZoneInfo:
    profile = profile_of(user)
    name = profile.effective_time_zone if profile else settings.PORTAL_DEFAULT_TIME_ZONE
    return zoneinfo.ZoneInfo(name)


def meeting_list(*, body_code: str | None = None, year: int | None = None):
    meetings = Meeting.objects.with_related()
    if body_code:
        meetings = meetings.filter(body__code=body_code)
    if year:
        meetings = meetings.filter(start_date__year=year)
    return meetings


def meeting_get(pk: int) -> Meeting:
    """Meetings themselves are public (their papers are not)."""
    return get_object_or_404(Meeting.objects.with_related(), pk=pk)


def meeting_get_for_authoring(pk: int) -> Meeting:
    """The meeting with its body and host, without the host's names over time: the
    authoring pages show neither (one query instead of two)."""
    return get_object_or_404(Meeting.objects.select_related("body", "host"), pk=pk)


def documents_visible_to(user, *, meeting: Meeting | None = None):
    documents = Document.objects.visible_to(user).with_related()
    if meeting is not None:
        documents = documents.filter(meeting=meeting)
    return documents


def document_get(user, pk: int) -> Document:
    """The document if ``user`` may read it now, else 404 — existence is not revealed."""
    return get_object_or_404(documents_visible_to(user), pk=pk)


def agenda_for(user, meeting: Meeting, *, documents: list[Document] | None = None):
    """The agenda items ``user`` may see, in agenda order, numbered for ``user`` (no gap where
    a hidden item is), each with its visible papers.

    ``documents``: the meeting's papers ``user`` may read, already fetched (``kind, title``
    order, as ``documents_visible_to``): the page's list, given out to its items instead of
    a second query.
    """
    items = AgendaItem.objects.visible_to(user).filter(meeting=meeting).select_related("parent")
    if documents is None:
        papers = documents_visible_to(user, meeting=meeting).order_by("kind", "title")
        return numbered_tree(items.prefetch_related(
            Prefetch("documents", queryset=papers, to_attr="visible_documents")))
    by_item: dict[int, list[Document]] = {}
    for document in documents:
        by_item.setdefault(document.agenda_item_id, []).append(document)
    tree = numbered_tree(items)
    for item in tree:
        item.visible_documents = by_item.get(item.pk, [])
    return tree


def agenda_number_for(user, document: Document) -> str | None:
    """The number of the paper's agenda item as ``user`` sees the agenda (one query)."""
    if document.agenda_item_id is None:
        return None
    items = numbered_tree(
        AgendaItem.objects.visible_to(user).filter(meeting_id=document.meeting_id)
        .only("pk", "parent_id", "position"))
    return next((i.display_number for i in items if i.pk == document.agenda_item_id), None)


def document_versions(document: Document):
    return document.versions.select_related("uploaded_by").order_by("-number")


def version_get(document: Document, number: int) -> DocumentVersion:
    return get_object_or_404(document.versions, number=number)


# --- Timetable --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimetableRow:
    session: Session
    viewer_start: dt.datetime
    viewer_end: dt.datetime
    venue_start: dt.datetime
    venue_end: dt.datetime

    @property
    def ends_next_day_for_viewer(self) -> bool:
        return self.viewer_end.date() != self.viewer_start.date()

    @property
    def ends_next_day_at_venue(self) -> bool:
        return self.venue_end.date() != self.venue_start.date()


def timetable(meeting: Meeting, viewer_tz: zoneinfo.ZoneInfo) -> list[TimetableRow]:
    """Sessions in the viewer's zone, with the venue's beside them.

    Dates are converted with the times, so a session that crosses midnight in one zone only
    (ASEAN spans +06:30 to +09:00) shows the right day on both sides.
    """
    venue_tz = meeting.zoneinfo
    return [
        TimetableRow(
            session=s,
            viewer_start=s.starts_at.astimezone(viewer_tz),
            viewer_end=s.ends_at.astimezone(viewer_tz),
            venue_start=s.starts_at.astimezone(venue_tz),
            venue_end=s.ends_at.astimezone(venue_tz),
        )
        for s in meeting.sessions.order_by("starts_at")
    ]


# --- Rotation ---------------------------------------------------------------------------------


def next_host_proposal(after: Meeting, on: dt.date | None = None) -> Administration | None:
    """The member that would host the meeting after ``after`` in the observed rotation
    (``secretariat.selectors.rotation_after``): a proposal the secretariat confirms or
    overrides (``Meeting.host_is_inferred``)."""
    from secretariat.selectors import rotation_after

    return rotation_after(after.host, on or after.end_date)


# --- Search -----------------------------------------------------------------------------------


@dataclass
class SearchResults:
    meetings: list
    agenda_items: list
    documents: list


def search(user, query: str, *, limit: int = 50) -> SearchResults:
    """Meetings, agenda items and documents matching ``query`` that ``user`` may see.

    Documents: PostgreSQL full-text search over the title and the extracted text (GIN index);
    on SQLite a plain ``icontains``. Results are filtered by the same rules as every page.
    """
    query = query.strip()
    if not query:
        return SearchResults([], [], [])
    meetings = list(
        Meeting.objects.with_related()
        .filter(
            Q(title__icontains=query) | Q(city__icontains=query) | Q(venue__icontains=query)
            | Q(body__code__iexact=query) | Q(summary__icontains=query)
        )[:limit]
    )
    agenda_items = list(
        AgendaItem.objects.visible_to(user)
        .filter(Q(title__icontains=query) | Q(description__icontains=query))
        .select_related("meeting__body", "parent")[:limit]
    )
    documents = documents_visible_to(user)
    if connection.vendor == "postgresql":
        documents = documents.filter(
            Q(search_vector__websearch=query) | Q(title__icontains=query)
        )
    else:
        documents = documents.filter(
            Q(title__icontains=query) | Q(search_text__icontains=query)
        )
    return SearchResults(
        meetings=meetings,
        agenda_items=agenda_items,
        documents=list(documents.order_by("-created_at")[:limit]),
    )


def upcoming_meetings(limit: int = 5):
    return list(Meeting.objects.with_related().upcoming(timezone.localdate())[:limit])


# --- Evidence for the Strategic Plan ----------------------------------------------------------


def evidence_of_milestone(user, milestone) -> list[MilestoneEvidenceDocument]:
    """The documents cited as evidence of ``milestone`` that ``user`` may read, newest first.

    One query: the visibility rule is a subquery, so a members-only paper's title never
    reaches a partner's page (nor does the count of hidden papers).
    """
    return list(
        MilestoneEvidenceDocument.objects.filter(
            milestone=milestone, document__in=Document.objects.visible_to(user)
        )
        .select_related("document__meeting__body", "document__current_version")
        .order_by("-added_at", "pk")
    )


def evidence_links_of_document(user, document: Document) -> list[MilestoneEvidenceDocument]:
    """The milestones citing ``document`` that ``user`` may see (partners: published only)."""
    return list(
        MilestoneEvidenceDocument.objects.filter(
            document=document, milestone__in=milestones_visible_to(user)
        )
        .select_related("milestone__body")
        .order_by("milestone__code")
    )


def milestones_for_evidence(user, rights: EditRights, *, exclude_ids=()) -> list:
    """Milestones ``user`` may attach evidence to, by code; the rule is ``EditRights``' own,
    applied row by row so it is not restated here as a filter."""
    if not rights.any_milestone():
        return []
    candidates = (
        milestones_visible_to(user)
        .exclude(pk__in=list(exclude_ids))
        .select_related("body")
        .only("pk", "code", "title", "body_id", "body__code")
        .order_by("body__code", "code")
    )
    return [m for m in candidates if rights.milestone(m)]
