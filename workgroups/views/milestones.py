"""The milestone page: details, the edit form with conflict handling, history and revert,
national implementation and watching; plus the dashboard's inline (htmx) row editor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from secretariat.models import Administration
from workgroups import selectors
from workgroups.access import EditRights, can_revert, rights_for, sees_unpublished
from workgroups.forms import EvidenceForm, MilestoneEditForm, NationalImplementationForm
from workgroups.models import NationalImplementation, Watch
from workgroups.panels import milestone_panels_for
from workgroups.services import (
    Conflict,
    evidence_add,
    milestone_history,
    milestone_revert,
    milestone_update,
    national_implementation_update,
    watch_set,
)


def _save(request, milestone, form, rights):
    """Run the update; returns (milestone, conflict). Service errors land on the form."""
    try:
        updated = milestone_update(
            actor=request.user, milestone_id=milestone.pk,
            expected_version=form.cleaned_data["version"], changes=form.changes(),
            comment=form.cleaned_data["comment"], rights=rights,
        )
    except Conflict as conflict:
        form.add_error(None, "Someone else saved this milestone while you were editing it. "
                             "Your values are kept below; check the other change, then save "
                             "again to overwrite it.")
        # Saving again is now a conscious overwrite of the version the user has seen.
        data = form.data.copy()
        data[form.add_prefix("version")] = conflict.current.version
        form.data = data
        return None, conflict
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None, None
    return updated, None


@require_http_methods(["GET", "POST"])
def milestone_page(request, pk: int):
    milestone = selectors.milestone_for(request.user, pk)
    rights = rights_for(request)
    can_edit = rights.milestone(milestone)
    conflict = None
    status = 200
    form = MilestoneEditForm.for_milestone(milestone) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("You cannot edit this milestone.")
        form = MilestoneEditForm(request.POST)
        if form.is_valid():
            updated, conflict = _save(request, milestone, form, rights)
            if updated is not None:
                messages.success(request, f"{milestone.code} saved (version {updated.version}).")
                return redirect("workgroups:milestone", pk=milestone.pk)
        status = 409 if conflict else 400
        milestone = selectors.milestone_for(request.user, pk)
    members = sees_unpublished(request.user)
    national_rows = []
    if milestone.implemented_nationally and members:
        existing = {
            ni.administration_id: ni
            for ni in NationalImplementation.objects.filter(milestone=milestone)
        }
        for adm in selectors.member_administrations(timezone.localdate()):
            row = existing.get(adm.pk)
            national_rows.append({
                "administration": adm, "row": row,
                "form": NationalImplementationForm(
                    initial={"status": row.status if row else "not_started",
                             "status_on": row.status_on if row else None,
                             "note": row.note if row else "",
                             "version": row.version if row else None},
                    auto_id=f"ni-{adm.code}-%s",
                ) if rights.administration_row(adm.pk) else None,
            })
    context = {
        "milestone": milestone,
        "form": form,
        "conflict": conflict,
        "history": milestone_history(milestone.pk) if members else [],
        "members": members,
        "can_revert": can_revert(request.user),
        "evidence": milestone.evidence.all() if members else [],
        "evidence_form": EvidenceForm(auto_id="ev-%s") if can_edit else None,
        "national_rows": national_rows,
        "watching": request.user.is_authenticated
        and Watch.objects.filter(user=request.user, milestone=milestone).exists(),
        "today": timezone.localdate(),
        "formula": selectors.ROLLUP_FORMULA,
        "panels": milestone_panels_for(request, milestone),
    }
    return render(request, "workgroups/milestone.html", context, status=status)


@require_http_methods(["GET", "POST"])
def milestone_row(request, pk: int):
    """One dashboard row for htmx: shown, as an inline form (``?edit=1``), or saved."""
    milestone = selectors.milestone_for(request.user, pk)
    rights = EditRights(request.user)
    context = {"m": milestone, "rights": rights, "today": timezone.localdate()}
    if request.method == "GET" and request.GET.get("edit") != "1":
        return render(request, "workgroups/_milestone_row.html", context)
    if not rights.milestone(milestone):
        raise PermissionDenied("You cannot edit this milestone.")
    status = 200
    if request.method == "GET":
        form = MilestoneEditForm.for_milestone(milestone, prefix_id=f"row{milestone.pk}")
    else:
        form = MilestoneEditForm(request.POST, prefix_id=f"row{milestone.pk}")
        if form.is_valid():
            updated, conflict = _save(request, milestone, form, rights)
            if updated is not None:
                context["m"] = selectors.milestone_for(request.user, pk)
                context["saved"] = True
                return render(request, "workgroups/_milestone_row.html", context)
            context["conflict"] = conflict
            status = 409 if conflict else 400
        else:
            status = 400
    context["form"] = form
    return render(request, "workgroups/_milestone_row_form.html", context, status=status)


@login_required
@require_POST
def milestone_revert_view(request, pk: int, history_id: int):
    milestone = selectors.milestone_for(request.user, pk)
    if not can_revert(request.user):
        raise PermissionDenied("Only the secretariat reverts changes.")
    try:
        milestone_revert(actor=request.user, milestone_id=milestone.pk, history_id=history_id,
                         comment=request.POST.get("comment", "")[:200])
    except (ValidationError, Conflict) as error:
        messages.error(request, f"Not reverted: {getattr(error, 'messages', [error])[0]}")
    else:
        messages.success(request, "Change reverted; the revert is recorded in the history.")
    return redirect("workgroups:milestone", pk=milestone.pk)


@login_required
@require_POST
def milestone_watch(request, pk: int):
    milestone = selectors.milestone_for(request.user, pk)
    watching = watch_set(actor=request.user, milestone=milestone,
                         watching=request.POST.get("watch") == "1")
    messages.success(request, "You will get an email when its status or progress changes."
                     if watching else "You no longer watch this milestone.")
    return redirect("workgroups:milestone", pk=milestone.pk)


@login_required
@require_POST
def national_update(request, pk: int, code: str):
    milestone = selectors.milestone_for(request.user, pk)
    administration = Administration.objects.filter(code=code).first()
    if administration is None or not EditRights(request.user).administration_row(
            administration.pk):
        raise PermissionDenied("You can only update your own administration.")
    form = NationalImplementationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not saved: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("workgroups:milestone", pk=milestone.pk)
    try:
        national_implementation_update(
            actor=request.user, milestone=milestone, administration_id=administration.pk,
            expected_version=form.cleaned_data["version"], status=form.cleaned_data["status"],
            status_on=form.cleaned_data["status_on"], note=form.cleaned_data["note"],
        )
    except Conflict:
        messages.error(request, f"{administration.country}'s status was changed by someone "
                                "else meanwhile; here is the current one. Nothing was saved.")
    except ValidationError as error:
        messages.error(request, "Not saved: " + " ".join(error.messages))
    else:
        messages.success(request, f"Implementation status of {administration.country} saved.")
    return redirect("workgroups:milestone", pk=milestone.pk)


@login_required
@require_POST
def evidence_create(request, pk: int):
    milestone = selectors.milestone_for(request.user, pk)
    if not EditRights(request.user).milestone(milestone):
        raise PermissionDenied("You cannot add evidence to this milestone.")
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Evidence not added: " + "; ".join(
            f"{form.fields[k].label or k}: {' '.join(v)}" for k, v in form.errors.items()))
    else:
        try:
            evidence_add(actor=request.user, milestone=milestone, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "Evidence not added: " + " ".join(error.messages))
        else:
            messages.success(request, "Evidence added.")
    return redirect("workgroups:milestone", pk=milestone.pk)
