"""The per-process page tier serves the public from memory and never serves a user's page."""

import pytest

from secretariat.models import Administration
from tests.factories import AdministrationFactory


@pytest.mark.django_db
def test_public_home_is_served_from_memory(client, django_assert_num_queries):
    AdministrationFactory(code="BN", country="Brunei Darussalam")
    first = client.get("/")
    with django_assert_num_queries(0):  # no session, no query, no template
        second = client.get("/")
    assert second.content == first.content
    assert "Content-Security-Policy" in second  # headers are still set per response


@pytest.mark.django_db
def test_logged_in_users_get_a_fresh_page(client, delegate):
    client.get("/")  # fills the public cache
    client.force_login(delegate)
    content = client.get("/").content.decode()
    assert delegate.username in content or "Delegate" in content
    Administration.objects.filter(code="MY").update(country="Malaysia (renamed)")
    assert "Malaysia (renamed)" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_public_copy_carries_no_personal_data(client, delegate):
    client.force_login(delegate)
    client.get("/")
    client.logout()
    assert b"Log out" not in client.get("/").content


@pytest.mark.django_db
def test_a_flash_message_is_never_cached_for_others(client, settings):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(20, "Only for you")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[settings.MESSAGE_COOKIE_NAME] = carrier.cookies[
        settings.MESSAGE_COOKIE_NAME].value
    assert b"Only for you" in client.get("/").content
    client.cookies.clear()
    assert b"Only for you" not in client.get("/").content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/meetings/", "/consultations/", "/plan/", "/bodies/"])
def test_public_lists_come_from_memory_for_anonymous_visitors(client, path,
                                                             django_assert_num_queries):
    assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200
