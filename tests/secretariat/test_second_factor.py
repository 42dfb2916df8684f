"""T11: the second factor. These tests log in through the real pages (no harness shortcut)."""

import datetime as dt
import logging
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.access import must_use_second_factor
from secretariat.models import Role
from tests.factories import TEST_PASSWORD, AdministrationFactory, make_person
from tests.mfa import code_from_key, key_from_setup_page

pytestmark = pytest.mark.real_second_factor

# Pages a half-logged-in person might try; none may answer before the second factor.
PAGES = ["/", "/accounts/profile/", "/meetings/", "/plan/", "/bodies/", "/consultations/",
         "/admin/", "/api/v1/me/", "/api/v1/meetings/"]


def _password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username,
                                              "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def _enrol(client) -> tuple[bytes, list[str]]:
    """Enrol through the setup page; returns the key and the recovery codes shown."""
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    key = key_from_setup_page(page.content.decode())
    response = client.post(reverse("two_factor_setup"), {"code": code_from_key(key)})
    assert response.status_code == 200
    assert b"Second factor set up" in response.content
    return key, response.context["codes"]


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_the_secretariat_and_chair_staff_must_enrol_and_reach_nothing_before(who, personas,
                                                                              client):
    user = personas[who]
    assert must_use_second_factor(user)
    _password_login(client, user)
    for path in PAGES:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, path
            assert "second factor" in response.json()["detail"]
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith("/accounts/two-factor/setup/?next="), path
    _enrol(client)
    assert client.get("/accounts/profile/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed


# --- Chair-country staff: decided by the chair terms at the moment of the login and request ----
# A term of the CPTFWG from 1 June 2027 to 31 May 2028 (both days inclusive, judged in Jakarta).
TERM_START, TERM_END = dt.date(2027, 6, 1), dt.date(2028, 5, 31)
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=JAKARTA)


@pytest.fixture
def cambodia_term(db):
    from tests.workgroups.factories import BodyFactory, ChairTermFactory
    from workgroups.models import ChairRole

    cambodia = AdministrationFactory(code="KH", country="Cambodia", time_zone="Asia/Phnom_Penh")
    ChairTermFactory(body=BodyFactory(code="CPTFWG"), administration=cambodia,
                     role=ChairRole.CHAIR, start_on=TERM_START, end_on=TERM_END)
    return cambodia


@pytest.mark.parametrize("role", [Role.CHAIR, Role.DELEGATE])
def test_chair_country_staff_must_enrol_only_while_the_term_runs(role, cambodia_term, client):
    """Staff of the administration holding a chair term, whatever their role label; the
    last minute before the term and the first after it they log in like any delegate."""
    user = make_person(f"staff.{role}", role, administration=cambodia_term)
    outside = [_at(TERM_START - dt.timedelta(days=1), 23) + dt.timedelta(minutes=59),
               _at(TERM_END + dt.timedelta(days=1), 0)]
    inside = [_at(TERM_START, 0), _at(TERM_END, 23) + dt.timedelta(minutes=59)]
    for instant in outside:
        with time_machine.travel(instant, tick=False):
            assert not must_use_second_factor(user), instant
            _password_login(client, user)
            assert client.get("/accounts/profile/").status_code == 200, instant
            client.post(reverse("logout"))
    for instant in inside:
        with time_machine.travel(instant, tick=False):
            assert must_use_second_factor(user), instant
            _password_login(client, user)
            response = client.get("/accounts/profile/")
            assert response["Location"].startswith("/accounts/two-factor/setup/"), instant
            client.post(reverse("logout"))


def test_a_session_opened_before_the_term_must_enrol_once_the_term_starts(cambodia_term, client):
    """Computed at each request, not only at login: the session of the day before is sent
    to enrolment as the term begins."""
    user = make_person("staff.kh", Role.CHAIR, administration=cambodia_term)
    with time_machine.travel(_at(TERM_START - dt.timedelta(days=1), 23)
                             + dt.timedelta(minutes=50), tick=False):
        _password_login(client, user)
        assert client.get("/meetings/").status_code == 200
    with time_machine.travel(_at(TERM_START, 0) + dt.timedelta(minutes=5), tick=False):
        assert client.get("/meetings/")["Location"].startswith("/accounts/two-factor/setup/")


def test_the_chair_label_without_a_current_term_requires_nothing(vietnam):
    """A former chair's staff (the label stays on the account) read and log in like
    delegates: no term, no requirement."""
    from tests.workgroups.factories import BodyFactory, ChairTermFactory

    ChairTermFactory(body=BodyFactory(code="DG"), administration=vietnam,
                     start_on=dt.date(2024, 6, 1), end_on=dt.date(2025, 5, 31))
    former = make_person("former.vn", Role.CHAIR, administration=vietnam)
    with time_machine.travel(_at(dt.date(2025, 5, 31)), tick=False):
        assert must_use_second_factor(former)
    with time_machine.travel(_at(dt.date(2025, 6, 1)), tick=False):
        assert not must_use_second_factor(former)


def test_anyone_who_can_reach_the_admin_must_enrol(delegate, client):
    delegate.is_staff = True
    delegate.save()
    assert must_use_second_factor(delegate)
    _password_login(client, delegate)
    response = client.get("/admin/")
    assert response["Location"].startswith("/accounts/two-factor/setup/")


def test_others_are_offered_it_and_once_enrolled_are_asked_for_it(delegate, client):
    assert not must_use_second_factor(delegate)
    _password_login(client, delegate)
    assert client.get("/accounts/profile/").status_code == 200  # not forced
    key, _ = _enrol(client)
    client.post(reverse("logout"))
    _password_login(client, delegate)
    response = client.get("/meetings/")
    assert response["Location"].startswith("/accounts/two-factor/verify/?next=")
    with time_machine.travel(TOTP(key).time + 31, tick=False):
        response = client.post(reverse("two_factor_verify") + "?next=/meetings/",
                               {"code": code_from_key(key)})
        assert response.status_code == 302
        assert response["Location"] == "/meetings/"
        assert client.get("/meetings/").status_code == 200


def test_a_totp_code_reused_within_its_window_is_refused(secretariat, client, caplog):
    _password_login(client, secretariat)
    key, _ = _enrol(client)
    used = code_from_key(key)  # accepted at enrolment, a moment ago
    client.post(reverse("logout"))
    _password_login(client, secretariat)
    caplog.set_level(logging.WARNING, logger="secretariat.security")
    response = client.post(reverse("two_factor_verify"), {"code": used})
    assert response.status_code == 400
    assert "not valid or was already used" in response.content.decode()
    assert client.get("/meetings/").status_code == 302
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
            and r.name == "secretariat.security"] == ["mfa_failed"]


def test_each_recovery_code_works_once(chair, client):
    _password_login(client, chair)
    _, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    client.post(reverse("logout"))
    _password_login(client, chair)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get("/meetings/").status_code == 200
    client.post(reverse("logout"))
    _password_login(client, chair)
    # The used code is gone from the table, so it cannot match again.
    assert not StaticToken.objects.filter(device__user=chair, token=codes[0]).exists()
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 400
    assert client.get("/meetings/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(delegate, client):
    _password_login(client, delegate)
    _, old = _enrol(client)
    response = client.post(reverse("two_factor_recovery"))
    new = response.context["codes"]
    assert not set(old) & set(new)
    assert set(StaticToken.objects.filter(device__user=delegate)
               .values_list("token", flat=True)) == set(new)


def test_a_half_logged_in_person_cannot_drop_or_reissue_the_second_factor(delegate, client):
    _password_login(client, delegate)
    _enrol(client)
    client.post(reverse("logout"))
    _password_login(client, delegate)
    for name in ("two_factor_remove", "two_factor_recovery"):
        response = client.post(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=delegate, confirmed=True).exists()


def test_the_secretariat_resets_a_lost_device_with_a_security_log_line(
    secretariat, chair, client, caplog
):
    from django.contrib.admin.sites import site
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from secretariat.admin import reset_second_factor

    _password_login(client, chair)
    _enrol(client)
    assert client.get("/meetings/").status_code == 200
    caplog.set_level(logging.INFO, logger="secretariat.security")
    request = RequestFactory().post("/admin/auth/user/")
    request.user = secretariat
    request.session = {}
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    model_admin = site._registry[get_user_model()]
    reset_second_factor(model_admin, request, get_user_model().objects.filter(pk=chair.pk))
    assert not TOTPDevice.objects.filter(user=chair).exists()
    lines = [r for r in caplog.records if r.getMessage() == "mfa_reset"]
    assert len(lines) == 1
    assert (lines[0].user, lines[0].target) == ("sec.staff", "chair.staff")
    # The chair's session ended; at the next login they enrol again.
    assert client.get("/meetings/").status_code == 200  # anonymous now: the public list
    assert "_auth_user_id" not in client.session
    _password_login(client, chair)
    assert client.get("/meetings/")["Location"].startswith("/accounts/two-factor/setup/")


def test_only_the_secretariat_may_reset(chair, delegate):
    from django.contrib.admin.sites import site
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from secretariat.admin import reset_second_factor

    TOTPDevice.objects.create(user=delegate, name="app", confirmed=True)
    request = RequestFactory().post("/admin/auth/user/")
    request.user = chair
    sent = []
    model_admin = site._registry[get_user_model()]
    model_admin.message_user = lambda request, message, level: sent.append(message)
    reset_second_factor(model_admin, request, get_user_model().objects.filter(pk=delegate.pk))
    assert TOTPDevice.objects.filter(user=delegate).exists()
    assert "Only the ASEAN Secretariat" in sent[0]


def test_in_debug_enrolment_is_not_forced_and_every_page_says_so(settings, client, chair):
    settings.DEBUG = True
    user = chair
    _password_login(client, user)
    response = client.get("/meetings/")
    assert response.status_code == 200
    assert "enrolment is not forced because the portal runs with DEBUG on" in (
        response.content.decode())
    settings.DEBUG = False
    assert client.get("/meetings/")["Location"].startswith("/accounts/two-factor/setup/")


def test_the_token_endpoint_asks_for_the_second_factor(delegate, client):
    url = "/api/v1/auth/token/"
    device = TOTPDevice.objects.create(user=delegate, name="app", confirmed=True)
    body = {"username": delegate.username, "password": TEST_PASSWORD}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "otp" in response.json()
    assert client.post(url, {**body, "otp": "000000"},
                       content_type="application/json").status_code == 400
    # A failure makes django-otp wait a moment before it checks the next code.
    with time_machine.travel(TOTP(device.bin_key).time + 5, tick=False):
        code = str(TOTP(device.bin_key).token()).zfill(6)
        response = client.post(url, {**body, "otp": code}, content_type="application/json")
        assert response.status_code == 200, response.json()
        assert set(response.json()) == {"token", "expiry"}
        # The same code cannot be used for a second token.
        assert client.post(url, {**body, "otp": code},
                           content_type="application/json").status_code == 400


def test_a_required_person_without_a_second_factor_gets_no_token(secretariat, client):
    response = client.post("/api/v1/auth/token/", {"username": secretariat.username,
                                                   "password": TEST_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 400
    assert "set up a second factor" in response.json()["otp"][0]
