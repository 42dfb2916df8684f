"""Roles and affiliations, as the profile page and ``/api/v1/me/`` show them; token auth."""

import pytest
from django.core.management import call_command

from secretariat.access import Clearance, clearance_of, role_of
from secretariat.models import Administration, Partner, Profile, Role
from workgroups.access import ChairRights

ME = "/api/v1/me/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "role", "affiliation_code"),
    [("secretariat", "secretariat", None), ("chair", "chair", "VN"),
     ("delegate", "delegate", "MY"), ("partner", "partner", "wco")],
)
def test_me_reports_role_and_affiliation(client, personas, persona, role, affiliation_code):
    client.force_login(personas[persona])
    body = client.get(ME).json()
    assert body["username"] == personas[persona].username
    assert body["role"] == role
    if affiliation_code is None:
        assert body["affiliation"] is None
    else:
        assert body["affiliation"]["code"] == affiliation_code
    assert "calendar_url" in body


@pytest.mark.django_db
def test_me_needs_authentication(client):
    assert client.get(ME).status_code in {401, 403}


@pytest.mark.django_db
def test_me_costs_a_fixed_number_of_queries(client, delegate, django_assert_max_num_queries):
    client.force_login(delegate)
    # session read, user joined with profile/administration/partner, the administration's
    # names; the idle-timeout refresh writes the session (UPDATE inside a savepoint pair);
    # consultations' calendar_url: the feed token, created on this first call (+4 in all).
    with django_assert_max_num_queries(10):
        assert client.get(ME).status_code == 200


@pytest.mark.django_db
def test_token_auth_round_trip(client, delegate, password):
    response = client.post("/api/v1/auth/token/",
                           {"username": delegate.username, "password": password})
    assert response.status_code == 200
    token = response.json()["token"]
    client.logout()
    body = client.get(ME, headers={"Authorization": f"Token {token}"}).json()
    assert body["username"] == delegate.username
    assert client.get(ME, headers={"Authorization": "Token not-a-token"}).status_code == 401


@pytest.mark.django_db
def test_profile_page_shows_role_and_affiliation(client, delegate):
    client.force_login(delegate)
    content = client.get("/accounts/profile/").content.decode()
    assert "Delegate" in content
    assert "Malaysia" in content


@pytest.mark.django_db
def test_role_rules(personas, outsider):
    from django.contrib.auth.models import AnonymousUser

    expected = {
        "secretariat": (Role.SECRETARIAT, True, Clearance.RESTRICTED),
        # The ``chair`` persona's administration holds the DG chair (tests/conftest.py).
        "chair": (Role.CHAIR, True, Clearance.MEMBERS),
        "delegate": (Role.DELEGATE, False, Clearance.MEMBERS),
        "partner": (Role.PARTNER, False, Clearance.PARTNERS),
    }
    for name, (role, edits, clearance) in expected.items():
        user = personas[name]
        assert (role_of(user), ChairRights(user).runs_conference(), clearance_of(user)) == (
            role, edits, clearance
        ), name
    for nobody in (AnonymousUser(), outsider):
        assert (role_of(nobody), ChairRights(nobody).runs_conference(), clearance_of(nobody)) == (
            None, False, Clearance.PUBLIC
        )
    personas["delegate"].is_active = False
    assert role_of(personas["delegate"]) is None


@pytest.mark.django_db
def test_a_profile_must_match_its_role(malaysia, wco):
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory

    user = UserFactory()
    for role, administration, partner in [
        (Role.DELEGATE, None, None), (Role.PARTNER, malaysia, None),
        (Role.SECRETARIAT, malaysia, None), (Role.CHAIR, malaysia, wco),
    ]:
        with pytest.raises(ValidationError):
            Profile(user=user, role=role, administration=administration,
                    partner=partner).full_clean()


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_has_the_real_facts(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = {model: model.objects.count() for model in (Administration, Partner, Profile)}
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {model: model.objects.count() for model in counts} == counts
    assert counts[Administration] == 11

    import datetime as dt

    vietnam = Administration.objects.with_names().get(code="VN")
    assert vietnam.name_on(dt.date(2024, 6, 4)).name == "General Department of Viet Nam Customs"
    assert vietnam.name_on(dt.date(2025, 6, 3)).name == "Viet Nam Customs"
    timor = Administration.objects.get(code="TL")
    assert timor.membership_on(dt.date(2024, 6, 4)) == "observer"
    assert timor.membership_on(dt.date(2025, 10, 26)) == "member"
    assert Administration.objects.get(code="MM").time_zone == "Asia/Yangon"
    assert vietnam.contacts.get(is_head=True).full_name == "Nguyễn Văn Cẩn"
    roles = dict(Profile.objects.values_list("user__username", "role"))
    assert roles.items() >= {"secretariat": "secretariat", "chair.vn": "chair",
                             "delegate.my": "delegate", "partner.wco": "partner"}.items()


@pytest.mark.django_db
def test_load_demo_refuses_without_debug_unless_forced(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert Profile.objects.count() == 0


@pytest.mark.django_db
def test_secretariat_staff_run_the_admin_without_being_superusers(client, malaysia):
    from secretariat.services import person_create

    staff = person_create(actor=None, username="sec.new", email="sec.new@asean.example",
                          role=Role.SECRETARIAT, password="a long passphrase for staff")
    assert staff.is_staff and not staff.is_superuser
    client.force_login(staff)
    assert client.get("/admin/secretariat/administration/").status_code == 200
    assert client.get("/admin/workgroups/body/").status_code == 200
    delegate = person_create(actor=staff, username="del.new", email="del@example.org",
                             role=Role.DELEGATE, administration=malaysia)
    assert not delegate.is_staff and not delegate.has_usable_password()
    client.force_login(delegate)
    assert client.get("/admin/secretariat/administration/").status_code == 302


@pytest.mark.django_db
def test_a_person_chooses_the_time_zone_their_pages_use(client, delegate):
    client.force_login(delegate)
    assert client.get(ME).json()["time_zone"] == "Asia/Kuala_Lumpur"  # the administration's
    response = client.post("/accounts/profile/", {"time_zone": "Asia/Yangon"})
    assert response.status_code == 302
    assert client.get(ME).json()["time_zone"] == "Asia/Yangon"
    response = client.post("/accounts/profile/", {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    delegate.profile.refresh_from_db()
    assert delegate.profile.time_zone == "Asia/Yangon"  # the bad value changed nothing
