"""Bulk update of a body's milestones: XLSX download, upload with preview, apply."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from workgroups import selectors
from workgroups.access import EditRights
from workgroups.bulk import apply_preview, body_workbook, preview_upload
from workgroups.forms import BulkUploadForm
from workgroups.models import Milestone
from workgroups.services import Conflict

SESSION_KEY = "workgroups:bulk:{code}"


class BulkForm(BulkUploadForm):
    comment = django_forms.CharField(
        max_length=300, label="Comment for the changes",
        help_text="Recorded in the history of every changed milestone whose row has no "
                  "comment of its own.",
    )


def _editable_body(request, code: str):
    body = selectors.body_for(code)
    if not EditRights(request.user).body(body.pk):
        raise PermissionDenied("You cannot edit this body's milestones.")
    return body


@login_required
@require_safe
def bulk_download(request, code: str):
    body = _editable_body(request, code)
    milestones = Milestone.objects.filter(body=body).order_by("code")
    response = HttpResponse(
        body_workbook(body, milestones),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{body.code}-milestones-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def bulk_upload(request, code: str):
    body = _editable_body(request, code)
    preview = None
    form = BulkForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        preview = preview_upload(actor=request.user, body=body, upload=form.cleaned_data["file"],
                                 default_comment=form.cleaned_data["comment"])
        key = SESSION_KEY.format(code=body.code)
        if preview.ok and preview.change_rows:
            request.session[key] = preview.as_session()
        else:
            request.session.pop(key, None)
    return render(request, "workgroups/bulk_upload.html",
                  {"body": body, "form": form, "preview": preview},
                  status=400 if request.method == "POST" and (
                      not form.is_valid() or (preview and not preview.ok)) else 200)


@login_required
@require_POST
def bulk_apply(request, code: str):
    body = _editable_body(request, code)
    rows = request.session.pop(SESSION_KEY.format(code=body.code), None)
    if not rows:
        messages.error(request, "Nothing to apply: upload the file again.")
        return redirect("workgroups:bulk_upload", code=body.code)
    try:
        count = apply_preview(actor=request.user, rows=rows)
    except Conflict as conflict:
        messages.error(request, f"{conflict.current.code} was changed by someone else after "
                                "your preview. Nothing was saved; upload again to see it.")
        return redirect("workgroups:bulk_upload", code=body.code)
    except (ValidationError, PermissionDenied, Milestone.DoesNotExist) as error:
        messages.error(request, f"Nothing was saved: {error}")
        return redirect("workgroups:bulk_upload", code=body.code)
    messages.success(request, f"{count} milestone{'s' if count != 1 else ''} updated; each "
                              "change is in its history.")
    return redirect("workgroups:body", code=body.code)
