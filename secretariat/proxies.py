"""The client's address: one function for axes, the throttles, download and security logs.

Behind a front proxy ``REMOTE_ADDR`` is the proxy's for every client, so the client must be
read from ``X-Forwarded-For`` — but only a trusted proxy may say who the client is: anyone can
send that header. The rule (``TRUSTED_PROXIES``, default none):

- a request whose peer is not a trusted proxy is from that peer; the header is ignored;
- from a trusted proxy, the header is read from the right, skipping trusted proxies, and the
  first address that is not one is the client. Each proxy appends the peer it saw, so the
  right-hand part is written by proxies we trust and whatever the client forged sits to the
  left of the address our own proxy appended.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def trusted_networks() -> tuple[IPNetwork, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that made ``request``; "-" when unknown (for log lines)."""
    return client_address(request) or "-"


def client_address(request) -> str | None:
    """The address of the client that made ``request``, or None (axes stores it as NULL)."""
    if request is None:
        return None
    meta = request.META
    remote = meta.get("REMOTE_ADDR") or ""
    networks = trusted_networks()
    peer = _parse(remote)
    if not networks or peer is None or not _is_trusted(peer, networks):
        return remote or None
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Garbage to the right of any untrusted hop can only come from a proxy we trust
            # that misbehaves: attribute the request to the last proxy we could read.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
