"""Which URLs and addresses ingest may contact: http(s) only, and no private, loopback or metadata hosts.

A crawler that follows links from the open web must not become a proxy into the network it runs in
(cloud metadata endpoints, internal services). Every address is checked before the connection is made,
for the first URL and for every redirect; `AddressPolicy` says which non-public ranges are allowed anyway.

URLs are read as browsers read them (the WHATWG URL standard, through ada-url, the parser Node.js uses):
spaces and non-ASCII characters are percent-encoded, hosts go through IDNA, numeric hosts such as
`http://2130706433/` or `http://0x7f.1/` become the dotted address they mean. So the URL that is checked,
cached for robots.txt and requested is one canonical string, whatever spelling the page used.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

import ada_url

ALLOWED_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
DEFAULT_PORTS = {"http": 80, "https": 443}

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

# IPv6 ranges whose addresses carry an IPv4 address in their last 32 bits.
_IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT, RFC 2765
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix
# RFC 8215 local-use NAT64, read with the /96 layout (IPv4 address last) that DNS64 deployments use.
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated by RFC 4291; :: and ::1 are not of this form


class BlockedAddress(OSError):
    """The host resolves to an address the policy refuses. Raised before any byte is sent to it."""


class UnknownHost(OSError):
    """DNS says the name does not exist: a permanent failure, not worth a retry."""


class UnsupportedScheme(ValueError):
    """The URL is not http or https."""


class BadURL(ValueError):
    """The URL cannot be parsed the way a browser parses it (a space in the host, a bad IPv6 literal, ...)."""


class CredentialsInURL(BadURL):
    """The URL carries a user name or password (`user:pass@host`)."""


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, tuple[ipaddress.IPv4Address, ...]] | None:
    """The IPv4 address(es) an IPv6 address stands for, with the name of the form, or None.

    Traffic to these forms reaches the embedded IPv4 host (dual-stack sockets, 6to4 relays, Teredo,
    NAT64 gateways), so that is the address to judge: `2002:a00:1::` is 10.0.0.1 in 6to4 form.
    """
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_MAPPED:
        return "IPv4-mapped", (low32,)
    if ip in _IPV4_TRANSLATED:
        return "IPv4-translated", (low32,)
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return "NAT64", (low32,)
    if ip.sixtofour is not None:
        return "6to4", (ip.sixtofour,)
    if ip.teredo is not None:
        return "Teredo", ip.teredo  # (server, client)
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return "IPv4-compatible", (low32,)
    return None


def _table_class(ip: IPAddress) -> str | None:
    """Class of `ip` by the special-purpose address tables (Python's ipaddress, IANA's registries)."""
    if ip in METADATA_ADDRESSES:
        return "metadata"
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{name}"):
            return name
    if not ip.is_global:  # shared address space (100.64/10), documentation ranges, "this network" 0/8, ...
        return "non_global"
    return None


def address_class(ip: IPAddress) -> str | None:
    """Name why `ip` is not a public internet address ("loopback", "private", ...), or None when it is."""
    carried = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    if carried is None:
        return _table_class(ip)
    form, addresses = carried
    for inner in addresses:
        kind = _table_class(inner)
        if kind is not None:
            return kind
    # A public IPv4 address inside: the IPv6 form is as public as the host it reaches, except the
    # deprecated IPv4-compatible form, which no real server has.
    return "reserved" if form == "IPv4-compatible" else None


def describe_refusal(ip: IPAddress, kind: str) -> str:
    """`2002:a00:1:: is a private address (6to4 form of 10.0.0.1)`: deterministic, names the address."""
    article = "an" if kind[0] in "aeiou" else "a"
    text = f"{ip} is {article} {kind} address"
    carried = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    if carried is not None:
        form, addresses = carried
        text += f" ({form} form of {' and '.join(str(a) for a in addresses)})"
    return text


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


# getaddrinfo's answers for "this name does not exist" (NXDOMAIN, no address records).
_NO_SUCH_NAME = {socket.EAI_NONAME} | ({socket.EAI_NODATA} if hasattr(socket, "EAI_NODATA") else set())


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
        return describe_refusal(ip, kind)

    def check_ip(self, ip_text: str) -> None:
        refusal = self.refusal(ipaddress.ip_address(ip_text.split("%", 1)[0]))
        if refusal:
            raise BlockedAddress(refusal)

    def resolve(self, host: str, port: int) -> list[tuple]:
        """Resolve `host` and check every address; returns getaddrinfo entries safe to connect to.

        All addresses must pass, not just one: a name that mixes public and private answers is refused.
        The caller connects to exactly these entries, so no second lookup can swap the address.
        """
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            if error.errno in _NO_SUCH_NAME:
                raise UnknownHost(f"cannot resolve {host!r}: {error.strerror}") from error
            raise OSError(f"cannot resolve {host!r}: {error.strerror}") from error
        for info in infos:
            self.check_ip(info[4][0])
        return infos


@dataclass(frozen=True)
class CheckedURL:
    """A URL in its canonical WHATWG form, with the parts the fetcher needs."""

    url: str  # ASCII only: percent-encoded path and query, IDNA host, no default port
    scheme: str
    host: str  # host name or IP address, without the brackets of an IPv6 literal
    port: int


def _scheme_of(url) -> str:
    """The scheme as RFC 3986 spells it (letter, then letters, digits, `+-.`), lower-cased; "" when none."""
    match = _SCHEME.match(url.strip()) if isinstance(url, str) else None
    return match.group(1).lower() if match else ""


def _empty_authority(url) -> bool:
    scheme = _scheme_of(url)
    return bool(scheme) and url.strip()[len(scheme) + 1 :].startswith("///")


def check_url(url: str, base: str | None = None) -> CheckedURL:
    """Parse `url` (relative to `base`, for a redirect) as a browser would; refuse what ingest must not fetch.

    Raises UnsupportedScheme (not http/https), CredentialsInURL (`user:pass@`) or BadURL. Does not resolve.
    Credentials are refused rather than stripped: ingest never sends secrets found in a crawl, and
    the URL without them may name another resource (or be a phishing disguise, `http://bank.com@evil/`).
    """
    if not isinstance(url, str) or (base is not None and not isinstance(base, str)):
        raise BadURL(f"a URL must be text, got {type(url).__name__}")
    if _empty_authority(url):
        # WHATWG would take the first path segment as the host (`http:///x` is `http://x/`): too lenient.
        raise BadURL("the URL has an empty host (`scheme:///...`)")
    try:
        parsed = ada_url.URL(url, base)
    except (ValueError, UnicodeError):
        scheme = _scheme_of(url)
        if scheme not in ALLOWED_SCHEMES:
            raise UnsupportedScheme(f"scheme {scheme or '(none)'!r} is not http or https") from None
        raise BadURL("not a valid URL by WHATWG rules (bad host, port or IPv6 literal, or no host)") from None
    scheme = parsed.protocol.rstrip(":")
    if scheme not in ALLOWED_SCHEMES:
        raise UnsupportedScheme(f"scheme {scheme or '(none)'!r} is not http or https")
    if parsed.username or parsed.password:
        # The detail leaves the secret out: rejects are shared more widely than crawl files.
        raise CredentialsInURL(f"URL to {parsed.host} carries credentials (user info before '@'); never sent")
    host = parsed.hostname.strip("[]")
    if not host:
        raise BadURL("the URL has no host")
    port = int(parsed.port) if parsed.port else DEFAULT_PORTS[scheme]
    return CheckedURL(parsed.href, scheme, host, port)
