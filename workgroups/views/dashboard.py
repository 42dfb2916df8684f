"""The Strategic Plan dashboard and its CSV / XLSX exports."""

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from secretariat.access import administration_id_of
from secretariat.exports import csv_row, xlsx_text_row
from secretariat.fragments import render_around
from workgroups import caching, selectors
from workgroups.access import EditRights, sees_unpublished
from workgroups.caching import PLAN
from workgroups.models import Body, ImplementationStatus, MilestoneStatus

PAGE_SIZE = 50
EXPORT_COLUMNS = [
    "Code", "Title", "Body", "Goal", "Action line", "Lead administrations", "Start date",
    "Due date", "Status", "Progress (%)", "Overdue",
]


def _plan_id(request) -> int | None:
    value = request.GET.get("plan", "")
    return int(value) if value.isdigit() else None


def _board(request):
    today = timezone.localdate()
    plan = selectors.current_plan(request.user, _plan_id(request))
    filters = selectors.DashboardFilters.from_query(request.GET)
    return selectors.dashboard(request.user, plan, filters, today), today


def _dashboard_context(request, today, filters, rights, members) -> dict:
    plan = selectors.current_plan(request.user, _plan_id(request))
    board = selectors.dashboard(request.user, plan, filters, today)
    paginator = Paginator(board.milestones, PAGE_SIZE)
    # The overall aggregate already counted the same filtered rows: spare the COUNT(*).
    paginator.count = board.overall["total"]
    page = paginator.get_page(request.GET.get("page"))
    matrix = []
    administrations = []
    if members and board.plan is not None:
        administrations = list(selectors.member_administrations(today))
        # The viewer's own administration first (issue 13): the column a delegate looks for.
        own = administration_id_of(request.user)
        administrations.sort(key=lambda a: a.pk != own)
        matrix = selectors.implementation_matrix(
            board.filters.apply(selectors.plan_milestones(request.user, board.plan), today)
            .order_by("code"),
            administrations,
        )
    status_max = max([c["count"] for c in board.status_counts] or [0]) or 1
    for count in board.status_counts:
        count["pct_class"] = selectors.percent_class(100 * count["count"] / status_max)
    return {
        "board": board,
        "page": page,
        "plans": selectors.plans_visible_to(request.user),
        "bodies": Body.objects.order_by("code"),
        "administrations": administrations or selectors.member_administrations(today),
        "statuses": MilestoneStatus.choices,
        "due_windows": selectors.DUE_WINDOWS.items(),
        "rights": rights,
        "members": members,
        "matrix": matrix,
        "matrix_administrations": administrations,
        "implementation_statuses": ImplementationStatus.choices,
        "formula": selectors.ROLLUP_FORMULA,
        "audience_note": selectors.AUDIENCE_NOTE[members],
        "today": today,
        "query": board.filters.as_query(),
    }


@require_safe
@caching.public_page
def dashboard(request):
    """The plan's figures and milestones. The content is cached as rendered text for the
    current plan data version (``workgroups.caching.PLAN``), keyed by everything else it depends
    on: what the viewer may see and edit, the day, the plan, filters and page asked for.
    On a miss, ``board`` and ``page`` are in the template context too (tests read them)."""
    today = timezone.localdate()
    rights = EditRights(request.user, today)
    members = sees_unpublished(request.user)
    filters = selectors.DashboardFilters.from_query(request.GET)
    key_parts = (
        members, rights.all_milestones, sorted(rights.body_ids), today.isoformat(),
        _plan_id(request), filters.as_query(), request.GET.get("page", ""),
        administration_id_of(request.user),  # the matrix puts the viewer's own column first
    )
    context: dict = {}

    def render_content() -> bytes:
        context.update(_dashboard_context(request, today, filters, rights, members))
        return render_to_string("workgroups/_dashboard_content.html", context).encode()

    # UTF-8 bytes, spliced into the page (``secretariat.fragments``): at 2,000 milestones
    # the content is ~460 KB, and decoding it on every hit cost more than the page.
    content = PLAN.cached(("dashboard-bytes", *key_parts), render_content)
    return render_around(request, "workgroups/dashboard.html", context, content)


def _export_rows(board, today):
    for m in board.milestones:
        yield [
            m.code, m.title, m.body.code, m.action_line.goal.code, m.action_line.code,
            " ".join(a.code for a in m.lead_administrations.all()),
            m.start_date, m.due_date, m.get_status_display(), m.progress,
            "yes" if m.is_overdue(today) else "",
        ]


def _export_name(board, ext: str) -> str:
    period = board.plan.period if board.plan else "none"
    return f"spcd-{period}-milestones-{board.today:%Y%m%d}.{ext}"


@require_safe
def export_csv(request):
    board, today = _board(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in _export_rows(board, today):
        # Spreadsheet formula injection: user text must not be read as a formula.
        writer.writerow(csv_row(row))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(board, "csv")}"'
    return response


def _rounded(figure) -> float | None:
    return round(figure.progress, 1) if figure.progress is not None else None


@require_safe
def export_xlsx(request):
    board, today = _board(request)
    # Write-only mode streams rows: 2,000 milestones in a fraction of the normal mode's time.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Milestones")
    header = []
    for title in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in _export_rows(board, today):
        sheet.append(xlsx_text_row(sheet, row))
    summary = workbook.create_sheet("Roll-up")
    summary.append([board.plan.title if board.plan else "No plan"])
    summary.append(["Body", "Milestones counted", "Progress (%)", "Own milestones",
                    "Own progress (%)"])
    for row in board.by_body:
        figure = row["figure"]
        summary.append([row["body__code"], figure.overall.count, _rounded(figure.overall),
                        figure.alone.count, _rounded(figure.alone)])
    summary.append([])
    summary.append([selectors.ROLLUP_FORMULA])
    summary.append([selectors.AUDIENCE_NOTE[sees_unpublished(request.user)]])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(board, "xlsx")}"'
    return response
