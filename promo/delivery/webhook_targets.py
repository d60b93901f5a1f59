"""Where webhooks may go: public addresses only, checked when an endpoint is saved and again
for every connection, after DNS resolution.

A webhook URL is chosen by whoever holds a write key or a console login, and the worker sits
inside the merchant's network: without these checks an endpoint at ``http://169.254.169.254/``
or ``http://10.0.0.1/admin`` makes the worker an SSRF proxy into it. So:

* saving an endpoint refuses a host that is, or resolves to, a loopback, private (RFC 1918,
  unique-local), link-local (cloud metadata at 169.254.169.254), multicast, reserved,
  shared (100.64/10) or unspecified (0.0.0.0, ::) address, however it is spelled: decimal
  ``2130706433``, octal or hexadecimal IPv4, ``127.1``, ``[::1]``, IPv4-mapped
  ``[::ffff:127.0.0.1]``, NAT64 and 6to4 forms of such addresses, and ``localhost`` names;
* delivering resolves the host again and connects to the address it checked (`PinnedBackend`),
  so a name that answered with a public address at saving time and a private one now (DNS
  rebinding) is refused at delivery. Redirects are never followed (a 3xx is a failed attempt).

An operator lets named hosts through with ``PROMOSHOP_WEBHOOK_ALLOWED_HOSTS`` (comma separated,
e.g. ``127.0.0.1,localhost,crm.internal``): local receivers in demos and tests, or an
internal service the merchant means to call. A listed host skips the address checks; nothing
else does.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import httpcore

from promo.core.errors import InvalidRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

_SHARED = ipaddress.ip_network("100.64.0.0/10")              # carrier-grade NAT: someone's inside
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class ForbiddenTarget(httpcore.ConnectError):
    """A delivery refused before connecting: the host is, or resolves to, an internal address.
    An httpcore.ConnectError so httpx reports it like any connection that could not be made."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and routes to: ::ffff:a.b.c.d, 64:ff9b::a.b.c.d
    (NAT64), 2002:a.b.c.d:: (6to4), and the deprecated IPv4-compatible ::a.b.c.d."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:             # ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def why_internal(address: Address) -> str | None:
    """What kind of non-public address this is ("loopback", "private" ...), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return why_internal(embedded)
    checks = (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
              ("link-local", address.is_link_local), ("multicast", address.is_multicast),
              ("shared (carrier-grade NAT)", isinstance(address, ipaddress.IPv4Address) and address in _SHARED),
              ("private", address.is_private), ("reserved", address.is_reserved),
              ("not globally routable", not address.is_global))
    return next((kind for kind, hit in checks if hit), None)


def literal_address(host: str) -> Address | None:
    """The address a host written as an address stands for, in every spelling the C resolver
    accepts (inet_aton: "2130706433", "0x7f.1", "0177.0.0.1", "127.1"), or None for a name."""
    text = host.strip("[]").rstrip(".")                 # "127.0.0.1." is 127.0.0.1 to the resolver
    if "%" in text:                                       # fe80::1%eth0: a zone id, link-local anyway
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except (OSError, ValueError):
        return None


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class TargetPolicy:
    """Which webhook hosts may be reached: public addresses, plus `allowed_hosts` by name."""

    allowed_hosts: frozenset[str] = frozenset()
    resolver: Resolver = field(default=system_resolver, compare=False, repr=False)

    @classmethod
    def from_setting(cls, raw: str | Iterable[str] | None) -> TargetPolicy:
        """``"127.0.0.1, localhost"`` (PROMOSHOP_WEBHOOK_ALLOWED_HOSTS) or a list of hosts."""
        items = raw.split(",") if isinstance(raw, str) else list(raw or ())
        return cls(frozenset(_host_key(item) for item in items if str(item).strip()))

    def allows_by_name(self, host: str) -> bool:
        return _host_key(host) in self.allowed_hosts

    def check_url(self, url: str) -> None:
        """When an endpoint is saved: refuse a URL whose host is, or now resolves to, an internal
        address (InvalidRequest, code ``invalid_webhook``). A name that does not resolve
        is accepted; delivery checks it again anyway."""
        host = urlsplit(url).hostname or ""
        if self.allows_by_name(host):
            return
        try:
            self.addresses(host, urlsplit(url).port or 443)
        except ForbiddenTarget as refusal:
            raise InvalidRequest(f"url: {refusal} Webhooks go to public addresses only; an operator can "
                                 "allow a host with PROMOSHOP_WEBHOOK_ALLOWED_HOSTS.",
                                 code="invalid_webhook") from None
        except OSError:
            pass

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`, every one of them checked. Raises
        ForbiddenTarget when the host is, or resolves to, an internal address (then none is
        used: a name answering one public and one private address is refused outright), and
        OSError when it does not resolve."""
        if self.allows_by_name(host):
            return self.resolver(host, port)
        key = _host_key(host)
        if key in _LOCAL_NAMES or key.endswith(".localhost"):
            raise ForbiddenTarget(f"{host} is a loopback name.")
        literal = literal_address(host)
        resolved = [str(literal)] if literal is not None else self.resolver(host, port)
        for raw in resolved:
            kind = why_internal(ipaddress.ip_address(raw.split("%", 1)[0]))
            if kind is not None:
                shown = host if literal is not None and str(literal) == host.strip("[]") else f"{host} ({raw})"
                article = "an" if kind[0] in "aeiou" else "a"
                raise ForbiddenTarget(f"{shown} is {article} {kind} address.")
        if not resolved:
            raise OSError(f"{host} has no address")
        return resolved


def _host_key(host: Any) -> str:
    return str(host).strip().strip("[]").rstrip(".").lower()


class PinnedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the policy checked, resolved here, once per connection: the
    address checked is the address connected to (no second lookup an attacker's DNS could
    answer differently). TLS still verifies the certificate for the URL's host name, which
    httpcore passes to start_tls separately."""

    def __init__(self, inner: httpcore.NetworkBackend, policy: TargetPolicy) -> None:
        self._inner = inner
        self._policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        try:
            addresses = self._policy.addresses(host, port)
        except ForbiddenTarget:
            raise
        except OSError as error:
            raise httpcore.ConnectError(f"{host} does not resolve ({error.strerror or error})") from None
        last_error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:
                last_error = error
        raise last_error or httpcore.ConnectError(f"could not connect to {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise ForbiddenTarget("webhooks are not delivered to Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# ---- what the delivery log keeps ------------------------------------------------------------------
#
# The log is readable with any read-scope API key and in the console. Whatever the receiver
# sent (a body, a protocol banner quoted in a parser error) could be an internal service's
# reply, so the log keeps the status and an error in our own words only.

_MAX_ERROR = 200


def status_text(status: int) -> str:
    """"HTTP 503 Service Unavailable": the status and its standard phrase, never the body."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def refused_target(url: str, policy: TargetPolicy) -> str | None:
    """Why a delivery to `url` is refused before any connection, or None. Checked for every
    attempt whatever client sends it; the worker's own client checks each connection again."""
    parts = urlsplit(url)
    try:
        policy.addresses(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    except ForbiddenTarget as refusal:
        return f"Refused: {refusal}"[:_MAX_ERROR]
    except OSError:
        return None           # the client reports a name that does not resolve as it sees it
    return None


def failure_text(error: BaseException) -> str:
    """A short account of a failed attempt that quotes nothing the receiver sent."""
    import httpx  # promo.webhooks' client; kept out of import time here

    name = type(error).__name__
    if isinstance(error.__cause__, ForbiddenTarget) or isinstance(error, ForbiddenTarget):
        return f"Refused: {error}"[:_MAX_ERROR]
    if isinstance(error, (httpx.ConnectError, OSError)):
        # Written by the operating system or by us (refused, unreachable, no such name, TLS).
        return f"{name}: {error}"[:_MAX_ERROR]
    if isinstance(error, httpx.ProtocolError):
        return f"{name}: the answer was not valid HTTP"
    if isinstance(error, httpx.NetworkError):
        return f"{name}: the connection broke during the attempt"
    return f"{name}: the attempt failed"
