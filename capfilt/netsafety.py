"""Which URLs and addresses ingest may contact: http(s) only, and no private, loopback or metadata hosts.

A crawler that follows links from the open web must not become a proxy into the network it runs in
(cloud metadata endpoints, internal services). Every address is checked before the connection is made,
for the first URL and for every redirect; `AddressPolicy` says which non-public ranges are allowed anyway.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")

# Cloud metadata services: blocked whatever the allow-lists say, unless private networks are allowed outright.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS IPv6
    )
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(OSError):
    """The host resolves to an address the policy refuses. Raised before any byte is sent to it."""


class UnsupportedScheme(ValueError):
    """The URL is not http or https."""


def address_class(ip: IPAddress) -> str | None:
    """Name why `ip` is not a public internet address ("loopback", "private", ...), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_class(ip.ipv4_mapped)
    if ip in METADATA_ADDRESSES:
        return "metadata"
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{name}"):
            return name
    if not ip.is_global:  # shared address space (100.64/10), documentation ranges, ...
        return "non_global"
    return None


def parse_networks(text: str | None) -> tuple[str, ...]:
    """Parse `--allow_networks 127.0.0.1/32,10.0.0.0/8`; a bad range is one clear error naming it."""
    networks = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError as error:
            raise ValueError(f"--allow_networks: {part!r} is not an IP network ({error})") from error
    return tuple(networks)


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be contacted. The default allows only public internet addresses."""

    allow_private_networks: bool = False
    # CIDR ranges allowed even though they are not public, e.g. ("127.0.0.1/32",) for a local test server.
    allowed_networks: tuple[str, ...] = ()

    def refusal(self, ip: IPAddress) -> str | None:
        """Why `ip` may not be contacted, or None when it may."""
        kind = address_class(ip)
        if kind is None or self.allow_private_networks:
            return None
        if any(ip in ipaddress.ip_network(net) for net in self.allowed_networks):
            return None
        return f"{ip} is a {kind} address"

    def check_ip(self, ip_text: str) -> None:
        refusal = self.refusal(ipaddress.ip_address(ip_text.split("%", 1)[0]))
        if refusal:
            raise BlockedAddress(refusal)

    def resolve(self, host: str, port: int) -> list[tuple]:
        """Resolve `host` and check every address; returns getaddrinfo entries safe to connect to.

        All addresses must pass, not just one: a name that mixes public and private answers is refused.
        """
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise OSError(f"cannot resolve {host!r}: {error}") from error
        for info in infos:
            self.check_ip(info[4][0])
        return infos


def check_url(url: str) -> tuple[str, str, int]:
    """Check the scheme and shape of `url`; return (scheme, host, port). Does not resolve."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsupportedScheme(f"scheme {scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise UnsupportedScheme(f"{url!r} has no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise UnsupportedScheme(f"{url!r} has a bad port: {error}") from error
    return scheme, parts.hostname, port
