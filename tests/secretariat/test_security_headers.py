"""Security headers, cookies (T2) and the Content-Security-Policy (T3)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
HTML_PAGES = ["/", "/accounts/login/", "/accounts/password_reset/", "/admin/login/",
              "/this-page-does-not-exist/"]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me/", "/healthz"])
def test_security_headers_on_pages_and_api(client, path):
    response = client.get(path, secure=True)
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert "includeSubDomains" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_host_only_secure_and_samesite(client, delegate, password):
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/", {"username": delegate.username, "password": password}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_NAME.startswith("__Host-")
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert settings.CSRF_COOKIE_NAME.startswith("__Host-")
    assert csrf["secure"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_page_carries_a_strict_csp(client, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("text/html")
    policy = csp_directives(response["Content-Security-Policy"])
    scripts = policy["script-src"]
    assert "'self'" in scripts or any(v.startswith("'nonce-") for v in scripts)
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_api_docs_may_use_inline_styles_but_never_inline_scripts(client):
    policy = csp_directives(client.get("/api/docs/")["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]


def template_files():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(p for folder in folders for p in folder.rglob("*.html"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style(?=[\s>])(?![^>]*\bnonce=)", re.IGNORECASE)


def test_templates_hold_no_inline_script_handler_or_style():
    """T3 (b): the policy forbids them, so a template that has one is a broken page."""
    files = template_files()
    assert len(files) >= 10
    offences = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for rule in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL, STYLE_ATTR, STYLE_BLOCK):
            offences += [f"{path.relative_to(ROOT)}: {m.group(0)[:60]}"
                         for m in rule.finditer(text)]
    assert offences == []


def test_the_scan_would_catch_each_kind_of_offence():
    samples = ['<script>alert(1)</script>', '<a href="#" onclick="go()">',
               '<a href="javascript:go()">', '<div style="width: 5%">', "<style>p{}</style>"]
    rules = (INLINE_SCRIPT, EVENT_HANDLER, JS_URL, STYLE_ATTR, STYLE_BLOCK)
    for sample, rule in zip(samples, rules, strict=True):
        assert rule.search(sample), sample
    assert not INLINE_SCRIPT.search('<script src="/static/js/portal.js" defer></script>')
