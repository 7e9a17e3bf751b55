"""The address classifier and URL checks, without any traffic: IPv6 forms that carry an IPv4 address,
numeric and international hosts, credentials."""

from __future__ import annotations

import ipaddress

import pytest

from capfilt.ingest.netsafety import (
    AddressPolicy,
    BadURL,
    CredentialsInURL,
    UnsupportedScheme,
    address_class,
    check_url,
    embedded_ipv4,
)


@pytest.mark.parametrize(
    ("ip", "form", "kind"),
    [
        ("2002:a00:1::", "6to4", "private"),  # 10.0.0.1
        ("2002:7f00:1::", "6to4", "loopback"),
        ("2002:a9fe:a9fe::1", "6to4", "metadata"),  # 169.254.169.254
        ("2002:808:808::1", "6to4", None),  # 8.8.8.8
        # Teredo: server 65.54.227.120, client obfuscated (bits flipped) in the last 32 bits.
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo", "private"),  # client 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo", "loopback"),  # client 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "Teredo", None),  # client 8.8.8.8
        ("64:ff9b::10.0.0.1", "NAT64", "private"),
        ("64:ff9b::169.254.169.254", "NAT64", "metadata"),
        ("64:ff9b::8.8.8.8", "NAT64", None),  # DNS64 answers on IPv6-only networks stay usable
        ("64:ff9b:1::127.0.0.1", "NAT64", "loopback"),  # RFC 8215 local-use prefix
        ("64:ff9b:1::8.8.8.8", "NAT64", None),
        ("::10.0.0.1", "IPv4-compatible", "private"),
        ("::127.0.0.1", "IPv4-compatible", "loopback"),
        ("::8.8.8.8", "IPv4-compatible", "reserved"),  # deprecated form: never a real server
        ("::ffff:10.0.0.1", "IPv4-mapped", "private"),
        ("::ffff:169.254.169.254", "IPv4-mapped", "metadata"),
        ("::ffff:8.8.8.8", "IPv4-mapped", None),
        ("::ffff:0:192.168.0.1", "IPv4-translated", "private"),
        ("::1", None, "loopback"),
        ("::", None, "unspecified"),
        ("2606:4700::1111", None, None),
    ],
)
def test_ipv6_forms_are_judged_by_the_ipv4_address_they_carry(ip, form, kind):
    address = ipaddress.ip_address(ip)
    carried = embedded_ipv4(address)
    assert (carried[0] if carried else None) == form
    assert address_class(address) == kind


def test_refusals_name_the_carried_address():
    refusal = AddressPolicy().refusal(ipaddress.ip_address("2002:a00:1::"))
    assert refusal == "2002:a00:1:: is a private address (6to4 form of 10.0.0.1)"
    # An allow-list names ranges of the address actually contacted, not of the one it carries.
    allowed = AddressPolicy(allowed_networks=("2002::/16",))
    assert allowed.refusal(ipaddress.ip_address("2002:a00:1::")) is None


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("http://h.test/a b.jpg", "http://h.test/a%20b.jpg"),
        ("http://h.test/café.jpg?q=ü x#frag", "http://h.test/caf%C3%A9.jpg?q=%C3%BC%20x#frag"),
        ("HTTP://Bücher.Test:80/x", "http://xn--bcher-kva.test/x"),
        ("  http://h.test/a\t\nb  ", "http://h.test/ab"),  # as browsers: trimmed, tabs and newlines dropped
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://0/", "http://0.0.0.0/"),
        ("https://h.test:443/./a/../b", "https://h.test/b"),
        ("http://[::ffff:127.0.0.1]:8080/", "http://[::ffff:7f00:1]:8080/"),
    ],
)
def test_urls_are_read_as_browsers_read_them(url, canonical):
    assert check_url(url).url == canonical


def test_checked_url_parts_and_redirect_bases():
    checked = check_url("http://[::1]:8080/x")
    assert (checked.scheme, checked.host, checked.port) == ("http", "::1", 8080)
    assert check_url("../b c.jpg", base="https://h.test/a/d/e").url == "https://h.test/a/b%20c.jpg"
    assert check_url("//other.test/x", base="https://h.test/").url == "https://other.test/x"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://user:pass@h.test/a.jpg", CredentialsInURL),
        ("http://user@h.test/a.jpg", CredentialsInURL),
        ("http://:pass@h.test/a.jpg", CredentialsInURL),
        ("http://exa mple.test/", BadURL),  # forbidden code point in the host
        ("http://[::1/", BadURL),
        ("http://h.test:99999/", BadURL),
        ("http://999.1.1.1/", BadURL),  # looks numeric, is not an IPv4 address
        ("http:///a.jpg", BadURL),  # empty host: not guessed from the path
        ("ftp://h.test/a.jpg", UnsupportedScheme),
        ("www.h.test/a.jpg", UnsupportedScheme),
        ("javascript:alert(1)", UnsupportedScheme),
        (12345, BadURL),  # a numeric url field that slipped through a reader
        ("http://h.test/\ud800", BadURL),  # a lone surrogate cannot be encoded
    ],
)
def test_urls_ingest_must_not_fetch(url, error):
    with pytest.raises(error):
        check_url(url)


def test_credential_refusals_leave_the_secret_out():
    with pytest.raises(CredentialsInURL) as caught:
        check_url("http://admin:s3cret@h.test/")
    assert "s3cret" not in str(caught.value) and "h.test" in str(caught.value)
