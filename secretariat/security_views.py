"""Pages of the account's security: the second factor, API tokens, logging out everywhere."""

import base64
import logging

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from secretariat import mfa, tokens
from secretariat.access import must_use_second_factor
from secretariat.security_log import log_event


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


def _qr_data_uri(url: str) -> str:
    # An SVG as a data: URI: no inline script or style, so the strict CSP holds.
    return segno.make(url, error="m").svg_data_uri(scale=5, dark="#10243e", light="#ffffff")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrolment: scan the QR code (or type the key), then confirm with a first code."""
    if mfa.confirmed_totp(request.user) and not mfa.is_verified(request):
        return redirect("two_factor_verify")
    device = mfa.enrolment_start(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.enrolment_confirm(request=request, device=device,
                                      code=form.cleaned_data["code"])
        if codes is not None:
            return render(request, "secretariat/recovery_codes.html",
                          {"codes": codes, "next": _next_url(request), "first_time": True})
        form.add_error("code", "That code is not valid. Check the time on your phone and "
                               "type the code the app shows now.")
    key = base64.b32encode(device.bin_key).decode()
    return render(request, "secretariat/two_factor_setup.html", {
        "form": form, "qr": _qr_data_uri(device.config_url),
        "key": " ".join(key[i:i + 4] for i in range(0, len(key), 4)),
        "required": must_use_second_factor(request.user),
        "next": _next_url(request),
    }, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of logging in: a code from the app, or one of the recovery codes."""
    if not mfa.has_second_factor(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", "That code is not valid or was already used. Codes from the "
                               "app change every 30 seconds; each recovery code works once.")
    return render(request, "secretariat/two_factor_verify.html",
                  {"form": form, "next": _next_url(request)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def recovery_codes_new(request):
    if not mfa.confirmed_totp(request.user):
        raise Http404
    codes = mfa.recovery_codes_issue(user=request.user)
    log_event("mfa_recovery_codes_issued", request)
    return render(request, "secretariat/recovery_codes.html",
                  {"codes": codes, "next": "/accounts/profile/", "first_time": False})


@login_required
@require_POST
def two_factor_remove(request):
    """Someone who chose a second factor may drop it; those who must have one cannot."""
    if must_use_second_factor(request.user):
        messages.error(request, "Your role requires a second factor; the ASEAN Secretariat "
                                "can reset it if you lose your phone.")
        return redirect("profile")
    user = request.user
    # This browser's session first: the reset deletes every session row of the person, and a
    # request must not end with its own session deleted under it.
    logout(request)
    mfa.second_factor_reset(actor=user, user=user, request=request)
    return redirect("login")


@login_required
@require_POST
def token_revoke(request):
    if not tokens.token_revoke(actor=request.user, digest=request.POST.get("digest", ""),
                               request=request):
        raise Http404
    messages.success(request, "The token is revoked; programs using it get 401 from now on.")
    return redirect("profile")


@login_required
@require_POST
def logout_everywhere(request):
    """End every session and API token of the person, this browser's included."""
    user = request.user
    log_event("logout_everywhere", request, level=logging.INFO)
    logout(request)  # this browser's session first (see two_factor_remove)
    tokens.tokens_revoke_all(user=user, reason="logout_everywhere", request=request)
    mfa.sessions_end_all(user=user)
    return redirect("login")


# --- Password reset, throttled (issue 10) ------------------------------------------------


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with two limits: per client address (a 429), and per account
    (further requests show the same "check your inbox" page but send nothing, so the limit
    neither floods the person's inbox nor tells a stranger whether the address exists)."""

    def form_valid(self, form):
        # Counted when an email would be sent: an empty or invalid form costs nothing.
        from secretariat import throttles

        if limited := throttles.limit(self.request, "password_reset"):
            return limited
        email = form.cleaned_data["email"].strip().lower()
        if throttles.limit(self.request, "password_reset_account", ident=f"email:{email}"):
            return redirect(self.get_success_url())
        return super().form_valid(form)
