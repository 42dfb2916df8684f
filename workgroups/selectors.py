"""Reads of the Strategic Plan, already scoped to what the user may see.

Roll-up formula (the only one; shown in the UI as ``ROLLUP_FORMULA``): the progress of a set of
milestones (a goal, a body, a plan) is the plain mean of their ``progress`` over the milestones
that are not cancelled; each milestone weighs the same. Figures are per plan generation. A
body's figure counts its own milestones and those of every body reporting to it, at any depth
(``body_figures``: the CPTFWG's figure includes its sub-working groups'); its own milestones
alone are shown beside it. Every page, the API and the exports read body figures from
``body_figures`` and nowhere else. National implementation rate: rows ``implemented`` divided
by the rows that are not ``not_applicable``. Both are computed by the database on each read
(``Count``/``Sum``/``Avg`` aggregates) and never stored.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Avg, Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone

from secretariat.models import Administration
from workgroups.access import sees_unpublished
from workgroups.models import (
    Body,
    BodyChairTerm,
    FocalPoint,
    ImplementationStatus,
    Milestone,
    MilestoneStatus,
    NationalImplementation,
    Plan,
)

ROLLUP_FORMULA = (
    "Progress = mean of the milestones' progress (0-100 %) in one plan, each milestone "
    "counting once, cancelled milestones excluded; a body's figure includes the bodies "
    "reporting to it (its own milestones alone are shown beside it). A completed milestone "
    "is at 100 %. National implementation rate = states 'implemented' ÷ states not marked "
    "'not applicable'."
)

# Why the public and member administrations see different counts, said where the figures are.
AUDIENCE_NOTE = {
    True: "Member view: these figures include milestones not yet published; the public "
          "figures count published milestones only, so they can be lower or higher.",
    False: "Public view: these figures count the published milestones only; member "
           "administrations also see milestones not yet published.",
}

NOT_CANCELLED = ~Q(status=MilestoneStatus.CANCELLED)

DUE_WINDOWS = {
    "overdue": "Overdue",
    "30": "Due within 30 days",
    "90": "Due within 90 days",
    "365": "Due within a year",
}


def plans_visible_to(user):
    plans = Plan.objects.all()
    return plans if sees_unpublished(user) else plans.filter(published=True)


def current_plan(user, plan_id: int | None = None) -> Plan | None:
    """The plan asked for, else the one running today, else the latest visible one."""
    plans = plans_visible_to(user)
    if plan_id is not None:
        plan = plans.filter(pk=plan_id).first()
        if plan is None:
            raise Http404("No such plan.")
        return plan
    year = timezone.localdate().year
    return plans.filter(start_year__lte=year, end_year__gte=year).first() or plans.first()


def milestones_visible_to(user):
    milestones = Milestone.objects.all()
    return milestones if sees_unpublished(user) else milestones.published()


def milestone_for(user, pk: int) -> Milestone:
    """The milestone if the user may see it; 404 otherwise (no existence leak)."""
    milestone = (
        milestones_visible_to(user)
        .select_related("body", "action_line__goal__plan", "updated_by")
        .prefetch_related("lead_administrations")
        .filter(pk=pk)
        .first()
    )
    if milestone is None:
        raise Http404("No such milestone.")
    return milestone


def body_for(code: str) -> Body:
    """Bodies, their mandate and chairs are public information."""
    body = Body.objects.select_related("reports_to").filter(code=code).first()
    if body is None:
        raise Http404("No such body.")
    return body


class Figure(NamedTuple):
    """Counted milestones and their mean progress (None when there is none)."""

    count: int
    progress: float | None

    @classmethod
    def of(cls, count: int, total: int) -> "Figure":
        return cls(count, total / count if count else None)


class BodyFigure(NamedTuple):
    """A body's roll-up in one plan: with everything reporting to it, and alone."""

    code: str
    name: str
    overall: Figure
    alone: Figure
    sub_bodies: int  # bodies reporting to it, at any depth, with counted milestones

    @property
    def differs(self) -> bool:
        return self.overall != self.alone


def _descendants(parent_of: dict[int, int | None]) -> dict[int, list[int]]:
    children: dict[int | None, list[int]] = {}
    for body_id, parent_id in parent_of.items():
        children.setdefault(parent_id, []).append(body_id)
    out: dict[int, list[int]] = {}
    for body_id in parent_of:
        found, stack = [], list(children.get(body_id, []))
        while stack:  # ``Body`` forbids reporting to itself; a longer cycle is not followed
            child = stack.pop()
            if child in found or child == body_id:
                continue
            found.append(child)
            stack.extend(children.get(child, []))
        out[body_id] = found
    return out


def body_figures(milestones) -> dict[int, BodyFigure]:
    """THE body roll-up: body id -> ``BodyFigure`` over ``milestones`` (already scoped to the
    viewer and the plan). Two queries whatever the size: the sums per owner body, and the
    hierarchy. Bodies without any counted milestone, alone or below, are left out."""
    sums = {row["body_id"]: (row["n"], row["total"] or 0)
            for row in milestones.rollup_sums_by_body()}
    tree = {pk: (parent, code, name) for pk, parent, code, name in
            Body.objects.values_list("id", "reports_to_id", "code", "name")}
    parent_of = {pk: parent for pk, (parent, _code, _name) in tree.items()}
    figures = {}
    for body_id, below in _descendants(parent_of).items():
        own_n, own_total = sums.get(body_id, (0, 0))
        n = own_n + sum(sums.get(b, (0, 0))[0] for b in below)
        if not n:
            continue
        total = own_total + sum(sums.get(b, (0, 0))[1] for b in below)
        figures[body_id] = BodyFigure(
            code=tree[body_id][1], name=tree[body_id][2], overall=Figure.of(n, total),
            alone=Figure.of(own_n, own_total),
            sub_bodies=sum(1 for b in below if b in sums))
    return figures


def plan_body_figures(user, plan: Plan | None) -> dict[int, BodyFigure]:
    return body_figures(plan_milestones(user, plan))


def bodies_with_counts(user, plan: Plan | None):
    """Every body with its ``figure`` (``BodyFigure`` or None) in ``plan``."""
    figures = plan_body_figures(user, plan)
    bodies = list(Body.objects.select_related("reports_to").order_by("code"))
    for body in bodies:
        body.figure = figures.get(body.pk)
    return bodies


def body_chairs(body: Body, day: dt.date | None = None):
    day = day or timezone.localdate()
    return BodyChairTerm.objects.filter(body=body).select_related("administration").order_by(
        "-start_on", "role"
    ), day


def body_focal_points(body: Body):
    return FocalPoint.objects.filter(body=body).select_related("contact__administration")


def ordered_for_attention(milestones, today: dt.date):
    """Overdue first, then at risk and delayed, then the rest; by due date within each."""
    return milestones.annotate(
        attention=Case(
            When(Q(due_date__lt=today) & ~Q(status__in=[MilestoneStatus.COMPLETED,
                                                        MilestoneStatus.CANCELLED]),
                 then=Value(0)),
            When(status__in=[MilestoneStatus.AT_RISK, MilestoneStatus.DELAYED], then=Value(1)),
            When(status__in=[MilestoneStatus.COMPLETED, MilestoneStatus.CANCELLED],
                 then=Value(3)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("attention", "due_date", "code")


@dataclass
class DashboardFilters:
    body: str = ""
    status: str = ""
    lead: str = ""
    due: str = ""

    @classmethod
    def from_query(cls, params) -> "DashboardFilters":
        status = params.get("status", "")
        due = params.get("due", "")
        return cls(
            body=params.get("body", "")[:20],
            status=status if status in MilestoneStatus.values else "",
            lead=params.get("lead", "")[:2].upper(),
            due=due if due in DUE_WINDOWS else "",
        )

    def apply(self, milestones, today: dt.date):
        if self.body:
            milestones = milestones.filter(body__code=self.body)
        if self.status:
            milestones = milestones.filter(status=self.status)
        if self.lead:
            milestones = milestones.filter(lead_administrations__code=self.lead)
        if self.due == "overdue":
            milestones = milestones.overdue(today)
        elif self.due:
            milestones = milestones.open().filter(
                due_date__gte=today, due_date__lte=today + dt.timedelta(days=int(self.due))
            )
        return milestones

    def as_query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in vars(self).items() if v})


@dataclass
class Dashboard:
    plan: Plan | None
    filters: DashboardFilters
    today: dt.date
    milestones: object = None
    overall: dict = field(default_factory=dict)
    by_body: list = field(default_factory=list)
    by_goal: list = field(default_factory=list)
    status_counts: list = field(default_factory=list)
    national: dict = field(default_factory=dict)


def plan_milestones(user, plan: Plan | None):
    milestones = milestones_visible_to(user)
    if plan is None:
        return milestones.none()
    return milestones.filter(action_line__goal__plan=plan)


def dashboard(user, plan: Plan | None, filters: DashboardFilters, today: dt.date) -> Dashboard:
    """Every figure of the dashboard, each a single grouped query whatever the row count."""
    milestones = filters.apply(plan_milestones(user, plan), today)
    board = Dashboard(plan=plan, filters=filters, today=today)
    board.overall = milestones.aggregate(
        total=Count("id"),
        counted=Count("id", filter=NOT_CANCELLED),
        progress=Avg("progress", filter=NOT_CANCELLED),
        overdue=Count("id", filter=Q(due_date__lt=today) & ~Q(
            status__in=[MilestoneStatus.COMPLETED, MilestoneStatus.CANCELLED])),
        # The counts by status ride along in the same query.
        **{f"status_{value}": Count("id", filter=Q(status=value))
           for value in MilestoneStatus.values},
    )
    counts = {value: board.overall.pop(f"status_{value}") for value in MilestoneStatus.values}
    figures = body_figures(milestones)
    board.by_body = [
        {"body__code": f.code, "body__name": f.name, "count": f.overall.count,
         "progress": f.overall.progress, "figure": f}
        for f in sorted(figures.values(), key=lambda f: f.code)
    ]
    board.by_goal = list(
        milestones.values("action_line__goal__code", "action_line__goal__title")
        .annotate(count=Count("id", filter=NOT_CANCELLED), progress=Avg(
            "progress", filter=NOT_CANCELLED))
        .order_by("action_line__goal__code")
    )
    board.status_counts = [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in MilestoneStatus.choices
    ]
    board.national = NationalImplementation.objects.filter(
        milestone__in=milestones
    ).aggregate(
        implemented=Count("id", filter=Q(status=ImplementationStatus.IMPLEMENTED)),
        applicable=Count("id", filter=~Q(status=ImplementationStatus.NOT_APPLICABLE)),
    )
    board.milestones = ordered_for_attention(milestones.with_related(), today)
    return board


def member_administrations(today: dt.date):
    return Administration.objects.members_on(today).order_by("country")


class MatrixMilestone(NamedTuple):
    pk: int
    code: str


class MatrixCell(NamedTuple):
    """One member state's status of one milestone, as the matrix shows it."""

    status: str
    label: str
    status_on: dt.date | None


_IMPLEMENTATION_LABELS = dict(ImplementationStatus.choices)


def implementation_matrix(milestones, administrations):
    """Rows of (milestone, [(administration, cell or None)]) for nationally implemented
    milestones, ordered like ``milestones``.

    Two queries whatever the size: the milestones, then all their national rows, both as
    plain values (at 2,000 milestones the matrix has a thousand cells).
    """
    heads = [
        MatrixMilestone(pk, code)
        for pk, code in milestones.filter(implemented_nationally=True).values_list("id", "code")
    ]
    cells: dict[int, dict[int, MatrixCell]] = {head.pk: {} for head in heads}
    for milestone_id, administration_id, status, status_on in (
        NationalImplementation.objects.filter(milestone_id__in=cells)
        .values_list("milestone_id", "administration_id", "status", "status_on")
    ):
        cells[milestone_id][administration_id] = MatrixCell(
            status, _IMPLEMENTATION_LABELS.get(status, status), status_on)
    administrations = list(administrations)
    return [
        (head, [(adm, cells[head.pk].get(adm.pk)) for adm in administrations]) for head in heads
    ]


def percent_class(value) -> str:
    """The ``w-pct-N`` class (5 % steps) for a progress value; CSP forbids inline widths."""
    if value is None:
        return "w-pct-0"
    return f"w-pct-{min(100, max(0, round(float(value) / 5) * 5))}"
