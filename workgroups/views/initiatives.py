"""The member-state x initiative board (ACTS, AEO MRA, AHTN, ASW...)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from workgroups import selectors
from workgroups.access import EditRights
from workgroups.forms import ParticipationForm
from workgroups.models import Initiative, InitiativeParticipation
from workgroups.services import Conflict, participation_update


@require_safe
def initiative_board(request):
    """Public facts (who joined what, when), so everyone may read the board."""
    today = timezone.localdate()
    initiatives = list(Initiative.objects.select_related("body"))
    administrations = list(selectors.member_administrations(today))
    cells = {
        (p.initiative_id, p.administration_id): p
        for p in InitiativeParticipation.objects.all()
    }
    rights = EditRights(request.user, today)
    rows = [
        (adm, rights.administration_row(adm.pk),
         [cells.get((initiative.pk, adm.pk)) for initiative in initiatives])
        for adm in administrations
    ]
    return render(request, "workgroups/initiatives.html",
                  {"initiatives": initiatives, "rows": rows})


def _cell_for(request, pk: int) -> InitiativeParticipation:
    cell = (
        InitiativeParticipation.objects.select_related("initiative", "administration")
        .filter(pk=pk).first()
    )
    if cell is None:
        raise Http404("No such cell.")
    if not EditRights(request.user).administration_row(cell.administration_id):
        # The board is public, so existence is no secret: refuse plainly.
        raise PermissionDenied("You can only edit your own administration's row.")
    return cell


@require_http_methods(["GET", "POST"])
def participation_edit(request, pk: int):
    cell = _cell_for(request, pk)
    status = 200
    conflict = None
    if request.method == "GET":
        form = ParticipationForm(initial={"status": cell.status, "since": cell.since,
                                          "detail": cell.detail, "version": cell.version},
                                 auto_id=f"cell{cell.pk}-%s")
    else:
        form = ParticipationForm(request.POST, auto_id=f"cell{cell.pk}-%s")
        if form.is_valid():
            try:
                cell = participation_update(
                    actor=request.user, participation_id=cell.pk,
                    expected_version=form.cleaned_data["version"],
                    status=form.cleaned_data["status"], since=form.cleaned_data["since"],
                    detail=form.cleaned_data["detail"],
                )
            except Conflict as error:
                conflict = error.current
                form.add_error(None, "Someone else changed this cell meanwhile. Your values "
                                     "are kept; save again to overwrite.")
                data = form.data.copy()
                data["version"] = conflict.version
                form.data = data
                status = 409
            else:
                if request.htmx:
                    return render(request, "workgroups/_participation_cell.html",
                                  {"cell": cell, "can_edit": True})
                return redirect("workgroups:initiatives")
        else:
            status = 400
    template = ("workgroups/_participation_cell_form.html" if request.htmx
                else "workgroups/participation_edit.html")
    return render(request, template, {"cell": cell, "form": form, "conflict": conflict},
                  status=status)
