"""The secretariat's page of chair terms: every body's terms, add one (the rotation proposes
the next chair, overridable), end one."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from secretariat.access import is_secretariat
from secretariat.models import Administration
from secretariat.selectors import rotation_after
from workgroups import services
from workgroups.access import term_day
from workgroups.models import Body, BodyChairTerm, ChairRole


class ChairTermForm(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.order_by("code"), to_field_name="code")
    administration = forms.ModelChoiceField(
        queryset=Administration.objects.order_by("country"), to_field_name="code",
        label="Chair administration")
    role = forms.ChoiceField(choices=ChairRole.choices, initial=ChairRole.CHAIR)
    start_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                               label="First day")
    end_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False,
                             label="Last day", help_text="Empty: until the next term is added.")
    is_inferred = forms.BooleanField(required=False, label="Inferred from the rotation")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label_from_instance = lambda b: f"{b.code} — {b.name}"
        self.fields["administration"].label_from_instance = lambda a: a.country


def proposal_for(body: Body, today: dt.date) -> dict:
    """The next chair by the rotation after the body's latest chair, from the day after
    that term's end (or today). A proposal: the form lets the secretariat change it."""
    latest = BodyChairTerm.objects.filter(body=body, role=ChairRole.CHAIR).select_related(
        "administration").order_by("-start_on").first()
    if latest is None:
        return {"body": body.code, "start_on": today}
    start = (latest.end_on + dt.timedelta(days=1)) if latest.end_on else today
    nxt = rotation_after(latest.administration, start)
    return {"body": body.code, "administration": nxt.code if nxt else None,
            "start_on": start, "is_inferred": True,
            "note": "Proposed by the alphabetical rotation"}


@login_required
@require_http_methods(["GET", "POST"])
def chair_terms_page(request):
    if not is_secretariat(request.user):
        raise PermissionDenied("Chair terms are managed by the secretariat.")
    today = term_day()
    bodies = list(Body.objects.order_by("code"))
    chosen = next((b for b in bodies if b.code == request.GET.get("body")), None) or next(
        (b for b in bodies if b.kind == Body.Kind.DG_MEETING), bodies[0] if bodies else None)
    form = ChairTermForm(request.POST or None,
                         initial=proposal_for(chosen, today) if chosen else {})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.chair_term_create(actor=request.user, **data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{data['administration'].country} added as "
                                          f"{dict(ChairRole.choices)[data['role']].lower()} "
                                          f"of the {data['body'].code}.")
                return redirect(f"{request.path}?body={data['body'].code}")
    terms = list(BodyChairTerm.objects.select_related("body", "administration")
                 .order_by("body__code", "-start_on", "role"))
    by_body = [(b, [t for t in terms if t.body_id == b.pk]) for b in bodies]
    return render(request, "workgroups/chair_terms.html", {
        "form": form, "by_body": by_body, "today": today, "chosen": chosen,
    }, status=status)


@login_required
@require_POST
def chair_term_end(request, pk: int):
    if not is_secretariat(request.user):
        raise PermissionDenied("Chair terms are managed by the secretariat.")
    term = get_object_or_404(BodyChairTerm.objects.select_related("body", "administration"),
                             pk=pk)
    ended = services.chair_term_end(actor=request.user, term=term)
    messages.success(request, f"{term.administration.country}'s term as chair of the "
                              f"{term.body.code} " + ("ended." if ended else "removed: it had "
                                                      "not started."))
    return redirect(f"/chair-terms/?body={term.body.code}")
