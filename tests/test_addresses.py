"""The address rule: every denied range, the spellings that hide them, and public addresses
that must stay reachable."""

import ipaddress

import pytest

from retrieval.addresses import is_denied, numeric_host
from retrieval.fetch import FetchError, FetchRules, check_url

DENIED = [
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "172.16.0.1",
    "172.31.255.255", "192.168.1.1", "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.0.8", "192.0.2.1",
    "198.18.0.1", "198.51.100.7", "203.0.113.9", "192.88.99.1",
    "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "100::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::1",  # local-use NAT64
    "2001::1",  # Teredo
]  # fmt: skip
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize("address", DENIED)
def test_denied_ranges(address: str) -> None:
    assert is_denied(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_denied(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "host",
    ["2130706433", "0x7f000001", "127.1", "017700000001", "0177.0.0.1", "0x7f.0.0.1", "127.0.1", "[::1]"],
)
def test_numeric_spellings_of_loopback_are_caught(host: str) -> None:
    address = numeric_host(host)
    assert address is not None
    assert is_denied(address)
    with pytest.raises(FetchError, match="the computer I run on"):
        check_url(f"http://{host}/news", FetchRules())


def test_names_are_not_mistaken_for_numbers() -> None:
    assert numeric_host("example.com") is None
    assert numeric_host("123.example") is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a", "only read http"),
        ("file:///etc/passwd", "only read http"),
        ("javascript:alert(1)", "only read http"),
        ("http://user:pw@example.com/", "user name or password"),
        ("http://user@example.com/", "user name or password"),
        ("http://example.com:22/", "usual ports"),
        ("http://example.com:99999/", "malformed"),
        ("http:///nohost", "no site name"),
        ("http://10.1.2.3/", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "private network"),
        ("http://[fd00::1]/", "private network"),
    ],
)
def test_links_refused_before_any_connection(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        check_url(url, FetchRules())


def test_allowing_private_addresses_still_refuses_link_local() -> None:
    rules = FetchRules(allow_private=True, extra_ports=frozenset({8080}))
    assert check_url("http://127.0.0.1:8080/a", rules) == "http://127.0.0.1:8080/a"
    assert check_url("http://10.0.0.5/a", rules) == "http://10.0.0.5/a"
    with pytest.raises(FetchError, match="private network"):
        check_url("http://169.254.169.254/", rules)


def test_allowed_networks_open_only_themselves() -> None:
    allowed = (ipaddress.ip_network("10.20.0.0/16"),)
    assert not is_denied(ipaddress.ip_address("10.20.3.4"), allowed=allowed)
    assert is_denied(ipaddress.ip_address("10.21.0.1"), allowed=allowed)
    assert is_denied(ipaddress.ip_address("127.0.0.1"), allowed=allowed)
    # Link-local stays refused even when listed.
    assert is_denied(
        ipaddress.ip_address("169.254.169.254"), allowed=(ipaddress.ip_network("169.254.0.0/16"),)
    )
