"""Bodies: the list and a page per body (mandate, chairs, members, milestones)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from workgroups import caching, selectors
from workgroups.access import EditRights, sees_unpublished
from workgroups.models import BodyChairTerm, ChairRole, Watch
from workgroups.panels import body_panels_for
from workgroups.services import watch_set


def _plan_id(request) -> int | None:
    value = request.GET.get("plan", "")
    return int(value) if value.isdigit() else None


def _body_rows(user, plan, today) -> list:
    bodies = selectors.bodies_with_counts(user, plan)
    chairs = {}
    for term in BodyChairTerm.objects.current_on(today).select_related("administration"):
        chairs.setdefault(term.body_id, {})[term.role] = term.administration
    for body in bodies:
        body.current_chair = chairs.get(body.pk, {}).get(ChairRole.CHAIR)
        body.current_vice_chair = chairs.get(body.pk, {}).get(ChairRole.VICE_CHAIR)
    # The hierarchy: DG meeting, then what reports to it, depth-first.
    children: dict = {}
    for body in bodies:
        children.setdefault(body.reports_to_id, []).append(body)
    ordered = []

    def walk(parent_id, depth):
        for body in children.get(parent_id, []):
            body.depth = depth
            ordered.append(body)
            walk(body.pk, depth + 1)

    walk(None, 0)
    return ordered


@require_safe
@caching.public_page
def body_list(request):
    """Bodies with their chairs and progress; the table is cached per plan data version
    (``workgroups.caching``) for each audience (members see unpublished milestones)."""
    today = timezone.localdate()
    members = sees_unpublished(request.user)
    plan = selectors.current_plan(request.user, _plan_id(request))

    def render_table() -> str:
        return render_to_string("workgroups/_body_table.html", {
            "bodies": _body_rows(request.user, plan, today), "plan": plan,
            "formula": selectors.ROLLUP_FORMULA,
            "audience_note": selectors.AUDIENCE_NOTE[members]})

    table, _hit = caching.cached(
        "bodies", (members, today.isoformat(), plan.pk if plan else None), render_table)
    return render(request, "workgroups/body_list.html", {
        "table": table, "plan": plan, "plans": selectors.plans_visible_to(request.user)})


@require_safe
def body_page(request, code: str):
    body = selectors.body_for(code)
    today = timezone.localdate()
    terms, _ = selectors.body_chairs(body, today)
    # Figures and milestones are those of one plan generation; the others are offered.
    plan = selectors.current_plan(request.user, _plan_id(request))
    plan_milestones = selectors.plan_milestones(request.user, plan)
    figures = selectors.body_figures(plan_milestones)
    milestones = selectors.ordered_for_attention(
        plan_milestones.filter(body=body).with_related(), today
    )
    members = sees_unpublished(request.user)
    sub_bodies = list(body.sub_bodies.order_by("code"))
    for sub in sub_bodies:
        sub.figure = figures.get(sub.pk)
    context = {
        "body": body,
        "plan": plan,
        "plans": selectors.plans_visible_to(request.user),
        "figure": figures.get(body.pk),
        "formula": selectors.ROLLUP_FORMULA,
        "audience_note": selectors.AUDIENCE_NOTE[members],
        "terms": terms,
        "today": today,
        "sub_bodies": sub_bodies,
        "focal_points": selectors.body_focal_points(body) if members else [],
        "panels": body_panels_for(request, body),
        "milestones": milestones,
        "members": members,
        "rights": EditRights(request.user, today),
        "can_bulk": EditRights(request.user, today).body(body.pk),
        "watching": request.user.is_authenticated
        and Watch.objects.filter(user=request.user, body=body).exists(),
    }
    return render(request, "workgroups/body.html", context)


@login_required
@require_POST
def body_watch(request, code: str):
    body = selectors.body_for(code)
    watching = watch_set(actor=request.user, body=body, watching=request.POST.get("watch") == "1")
    messages.success(request, f"You will get an email when a {body.code} milestone changes."
                     if watching else f"You no longer watch {body.code}.")
    return redirect("workgroups:body", code=body.code)
