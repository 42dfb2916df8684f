import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from secretariat import health, home, services
from secretariat.access import is_secretariat, profile_of
from secretariat.caching import cache_public_page
from secretariat.forms import TimeZoneForm
from secretariat.security_log import log_event


@require_safe
@cache_public_page(seconds=60)
def home_page(request):
    return render(
        request,
        "secretariat/home.html",
        {
            "panels_html": home.panels_html(home.panels_for(request)),
            "administrations_html": home.administrations_html(),
            "today": timezone.localdate(),
        },
    )


@require_safe
def search_page(request):
    """One search over papers, milestones, meetings, decisions, consultations and bodies,
    grouped by kind, each kind scoped to what the viewer may see (``secretariat.search``)."""
    from secretariat import search, throttles

    query = request.GET.get("q", "")[:200].strip()
    # Full-text search is the most expensive read a visitor can ask for (issue 10): the same
    # throttle scope as the meetings search, so the two cannot be used to double the rate.
    if query and (
        limited := throttles.limit(request, "search", ident=throttles.user_ident(request))
    ):
        return limited
    groups = search.search(request.user, query)
    return render(request, "secretariat/search.html", {
        "query": query, "groups": groups, "total": sum(len(g.hits) for g in groups)})


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
        "profile": profile, "form": form, "rights_lines": home.profile_lines_for(request),
        **_security_context(request)})


def _security_context(request) -> dict:
    """The profile's security card: second factor and API tokens (issue 10)."""
    from secretariat import mfa, tokens
    from secretariat.access import must_use_second_factor

    return {
        "mfa_enrolled": mfa.confirmed_totp(request.user) is not None,
        "mfa_required": must_use_second_factor(request.user),
        "api_tokens": list(tokens.tokens_of(request.user)),
    }


@never_cache
@require_safe
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
    # For monitors: the reminder/notice backlog, a number that says nothing about the hosts.
    body["oldest_due_unsent_seconds"] = report["oldest_due_unsent_seconds"]
    if is_secretariat(request.user):
        body["details"] = report["checks"]
    return JsonResponse(body, status=200 if report["ok"] else 503)


@never_cache
@require_safe
def healthz_live(request):
    """Liveness: the process answers. Deliberately touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def metrics(request):
    """Prometheus exposition (issue 15), for the scraper only: a bearer token or an address in
    ``METRICS_NETWORKS``. Not configured at all: 404, as if the route did not exist."""
    if not settings.METRICS_TOKEN and not settings.METRICS_NETWORKS:
        raise Http404
    if not _metrics_caller_allowed(request):
        log_event("access_denied", request, level=logging.WARNING, path=request.path)
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from secretariat.metrics import registry

    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


def _metrics_caller_allowed(request) -> bool:
    import hmac
    import ipaddress

    from secretariat.proxies import client_address

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if settings.METRICS_TOKEN and scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    ):
        return True
    address = client_address(request)
    if not address or not settings.METRICS_NETWORKS:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_NETWORKS)


def permission_denied(request, exception=None):
    """403 page; every refusal is a security event worth a log line (T21)."""
    log_event("access_denied", request, level=logging.WARNING, path=request.path)
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return render(request, "403.html", status=403)


# --- Errors under /api/ are JSON (issue 10) -----------------------------------------------------


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error; the error is logged."}, status=500)
    return defaults.server_error(request)


def login_locked_out(request, original_response=None, credentials=None):
    """Axes' lockout answer: JSON for API clients, the explanatory page for people."""
    message = "Too many failed log-in attempts. Try again later or contact the ASEAN Secretariat."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", status=429)
