"""Builds concrete URLs for every route from the demo data, and requests them as each role.

Used by ``tests/test_route_matrix.py`` (T4); run ``python -m pytest tests/test_route_matrix.py
--print-matrix`` style helpers by hand to regenerate the expected table after adding routes.
"""

import re

from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["anonymous", "delegate", "delegate_b", "partner", "partner_b", "chair", "secretariat"]
USERNAMES = {
    "delegate": "delegate.my", "delegate_b": "delegate.th", "partner": "partner.wco",
    "partner_b": "partner.japan-customs", "chair": "chair.vn", "secretariat": "secretariat",
}
# Routes that belong to Django or libraries and are tested elsewhere or not ours to judge.
EXCLUDED_PREFIXES = ("admin/", "accounts/reset/<uidb64>/<token>/")


def _plain(pattern: str) -> str:
    """A router's regex (``^bodies/(?P<code>[^/.]+)/$``) as a route with <name> holes."""
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern)
    return pattern.removeprefix("^").removesuffix("$")


def walk(patterns=None, prefix="", namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + _plain(str(pattern.pattern))
            if not route.startswith(EXCLUDED_PREFIXES):
                yield f"{namespace}{pattern.name}", route


def demo_objects() -> dict:
    """The objects each route parameter points at: the ones a permission slip would expose."""
    from consultations.models import CalendarFeedToken, Consultation
    from meetings.models import AccessLevel, AgendaItem, Document, Meeting, Session, Visibility
    from workgroups.models import BodyChairTerm, InitiativeParticipation, Milestone
    from workgroups.reporting.models import ProgressReport, ReportingCycle

    users = get_user_model().objects
    milestone = Milestone.objects.filter(published=False).order_by("code").first() or \
        Milestone.objects.order_by("code").first()
    document = Document.objects.filter(access_level=AccessLevel.RESTRICTED).order_by("pk").first()
    consultation = Consultation.objects.filter(published=False).order_by("pk").first()
    report = ProgressReport.objects.filter(administration__code="MY").order_by("pk").first()
    CalendarFeedToken.objects.get_or_create(user=users.get(username="partner.wco"))
    return {
        "code": "CPTFWG",
        "milestone": milestone.pk,
        "history_id": milestone.history.order_by("history_id").first().history_id,
        "national_code": "MY",
        "participation": InitiativeParticipation.objects.filter(
            administration__code="MY").order_by("pk").first().pk,
        "cycle": ReportingCycle.objects.order_by("pk").first().pk,
        "report": report.pk,
        "meeting": Meeting.objects.get(body__code="DG", ordinal=33).pk,
        # Issue 11: a session and a secretariat-only agenda item of the 33rd, a chair term.
        "session": Session.objects.filter(meeting__body__code="DG", meeting__ordinal=33)
        .order_by("pk").first().pk,
        "agenda_item": AgendaItem.objects.filter(
            meeting__body__code="DG", meeting__ordinal=33, visibility=Visibility.SECRETARIAT,
        ).order_by("pk").first().pk,
        "chair_term": BodyChairTerm.objects.filter(body__code="DG").order_by("pk").first().pk,
        "withdrawable": Document.objects.filter(access_level=AccessLevel.RESTRICTED)
        .order_by("-pk").first().pk,
        "document": document.pk,
        "version": 1,
        "consultation": consultation.pk,
        # Read at request time: a POST to the rotate route earlier in the walk changes it.
        "feed_token": lambda: CalendarFeedToken.objects.get(user__username="partner.wco").token,
        "partner_slug": "wco",
        **_record_objects(),
        # --- issue 16: enforcement and bilaterals ---
        **_enforcement_and_bilateral_objects(),
    }


def _enforcement_and_bilateral_objects() -> dict:
    """A Malaysian (illustrative) seizure report: Viet Nam's cleared chair staff may read it
    but not amend it; the bilateral still waiting for Korea Customs' answer (Thailand asked);
    Viet Nam's delegation feed token."""
    from meetings.bilaterals.models import Bilateral
    from meetings.bilaterals.services import feed_token_for
    from meetings.models import Delegation
    from workgroups.enforcement.models import SeizureReport

    vn_at_33 = Delegation.objects.get(meeting__body__code="DG", meeting__ordinal=33,
                                      administration__code="VN")
    return {
        "seizure_report": SeizureReport.objects.filter(administration__code="MY").get().pk,
        "bilateral": Bilateral.objects.filter(status=Bilateral.Status.REQUESTED).get().pk,
        "operation_slug": "mekong-dragon",
        "bilateral_token": feed_token_for(vn_at_33),
    }


def _record_objects() -> dict:
    """Issue 12: a session of the 33rd DG meeting, and its secretariat-only decision and
    action item (the Mekong Dragon closed briefing), so a leak shows as a 200."""
    from meetings.models import Session, Visibility
    from meetings.records.models import ActionItem, Decision

    decision = Decision.objects.filter(visibility=Visibility.SECRETARIAT).order_by("pk").first()
    action = ActionItem.objects.filter(decision=decision).order_by("pk").first()
    session = Session.objects.filter(meeting__body__code="DG", meeting__ordinal=33).order_by(
        "starts_at").first()
    return {"decision": decision.pk, "action": action.pk, "record_session": session.pk}


def concrete(name: str, route: str, objects: dict) -> str:
    """Fill a route's parameters from the demo objects, by what the route is about."""
    nested = "<int:meeting_pk>" in route
    route = route.replace("<int:meeting_pk>", str(objects["meeting"]))
    route = route.replace("<int:session_id>", str(objects["session"]))
    route = route.replace("<int:item_id>", str(objects["agenda_item"]))
    if "<int:pk>" in route or "<pk>" in route:
        kind = ("decision" if "decisions/<" in route else  # issue 12
                "action" if "action-items/<" in route else  # issue 12
                "session" if nested and "sessions/" in route else
                "agenda_item" if nested and "agenda-items/" in route else
                "chair_term" if "chair-terms/" in route else
                # Withdrawing in the walk must not hide the paper the later routes use.
                "withdrawable" if "withdraw" in route else
                "seizure_report" if route.startswith("enforcement/reports") or
                "seizure-reports" in route else
                "bilateral" if route.startswith("bilaterals/") else
                "consultation" if "consultation" in route else
                "document" if "document" in route else
                "meeting" if "meeting" in route else
                "cycle" if "cycles/" in route else
                "report" if "reports/" in route else
                "participation" if "cells" in route else "milestone")
        route = route.replace("<int:pk>", str(objects[kind]))
        route = route.replace("<pk>", str(objects[kind]))
    replacements = {
        "<str:code>": objects["national_code"]
        if any(part in route for part in ("national", "nominations", "delegations"))
        else objects["code"],
        "<code>": objects["code"],
        "<int:history_id>": str(objects["history_id"]),
        "<int:number>": str(objects["version"]),
        "<str:token>": (objects["bilateral_token"] if route.startswith("bilaterals/feeds")
                        else objects["feed_token"]() if "<str:token>" in route else ""),
        "<slug:slug>": objects["operation_slug"],
        "<slug>": objects["operation_slug"] if "operations/" in route else objects["partner_slug"],
        # issue 12: the meeting record
        "<int:meeting>": str(objects["meeting"]),
        "<meeting>": str(objects["meeting"]),
        "<int:sid>": str(objects["record_session"]),
    }
    for placeholder, value in replacements.items():
        route = route.replace(placeholder, value)
    return "/" + route
