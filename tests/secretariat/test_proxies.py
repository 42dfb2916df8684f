"""secretariat.proxies.client_ip without a proxy: the rule itself (issue 10, item 3)."""

import pytest
from django.test import RequestFactory, override_settings

from secretariat.proxies import client_ip


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_by_default_the_header_is_ignored():
    assert client_ip(_request("198.51.100.7", "10.0.0.1")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_an_untrusted_peer_cannot_speak_for_someone_else():
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(("forwarded", "expected"), [
    ("203.0.113.9", "203.0.113.9"),
    # What the client forged sits left of what our proxy appended.
    ("1.2.3.4, 203.0.113.9", "203.0.113.9"),
    # Two trusted hops: the right-most untrusted address is the client.
    ("1.2.3.4, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
    ("", "10.0.0.2"),
    ("garbage", "10.0.0.2"),
    ("[2001:db8::5]:443", "2001:db8::5"),
])
def test_from_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(forwarded, expected):
    assert client_ip(_request("10.0.0.2", forwarded)) == expected


def test_no_request_is_a_dash():
    assert client_ip(None) == "-"
