import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from secretariat import health, home, services
from secretariat.access import is_secretariat, profile_of
from secretariat.caching import cache_public_page
from secretariat.forms import TimeZoneForm
from secretariat.security_log import log_event
from secretariat.selectors import administrations_with_names


@require_GET
@cache_public_page(seconds=60)
def home_page(request):
    return render(
        request,
        "secretariat/home.html",
        {
            "panels": home.panels_for(request),
            "administrations": administrations_with_names(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_page(request):
    profile = profile_of(request.user)
    form = None
    if profile is not None:
        form = TimeZoneForm(
            request.POST or None,
            initial={"time_zone": profile.time_zone},
            administration=profile.administration,
        )
        if request.method == "POST" and form.is_valid():
            services.profile_set_time_zone(
                actor=request.user, time_zone=form.cleaned_data["time_zone"]
            )
            messages.success(request, "Your time zone is saved.")
            return redirect("profile")
    elif request.method == "POST":
        return HttpResponseBadRequest("This account has no profile yet.")
    return render(request, "secretariat/profile.html", {
        "profile": profile, "form": form, "rights_lines": home.profile_lines_for(request)})


@never_cache
@require_GET
def healthz(request):
    """Readiness: 200 when the database (and Redis, where configured) answer, else 503.

    Anonymous callers learn only ok/down per part; the secretariat also sees the error class
    and timings, which say something about the infrastructure.
    """
    report = health.readiness()
    body = {
        "status": "ok" if report["ok"] else "down",
        "checks": {name: "ok" if r["ok"] else "down" for name, r in report["checks"].items()},
    }
    if is_secretariat(request.user):
        body["details"] = report["checks"]
    return JsonResponse(body, status=200 if report["ok"] else 503)


@never_cache
@require_GET
def healthz_live(request):
    """Liveness: the process answers. Deliberately touches nothing else."""
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    """403 page; every refusal is a security event worth a log line (T21)."""
    log_event("access_denied", request, level=logging.WARNING, path=request.path)
    return render(request, "403.html", status=403)


def login_locked_out(request, original_response=None, credentials=None):
    """Axes' lockout answer: JSON for API clients, the explanatory page for people."""
    message = "Too many failed log-in attempts. Try again later or contact the ASEAN Secretariat."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", status=429)
