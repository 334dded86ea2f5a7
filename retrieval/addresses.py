"""Which network addresses a fetched link may reach.

A link from a stranger must not make newsbot read its own host, its cloud's metadata
service or the office network. `ipaddress.is_global` is not enough on Python 3.11 (it lets
some special ranges through and knows nothing of 6to4 or NAT64 wrappers of private IPv4),
so the denied ranges are spelled out here, and IPv6 forms that embed an IPv4 address are
judged by that address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DENIED_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        # IPv4
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private (RFC 1918)
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, incl. 169.254.169.254 cloud metadata
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. 255.255.255.255 broadcast
        # IPv6
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated), judged again by its IPv4 below
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo, ORCHID, …)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Denied even where private addresses are allowed (NEWSBOT_ALLOW_PRIVATE_URLS): no intranet
# news site lives on a link-local address, and 169.254.169.254 is where clouds hand out
# their credentials.
ALWAYS_DENIED_NETWORKS = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is a wrapper of one."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo:
        return address.teredo[1]
    return None


def is_denied(address: IPAddress, always_only: bool = False, allowed: tuple[IPNetwork, ...] = ()) -> bool:
    """Whether a connection to `address` is refused; with `always_only`, only the ranges
    refused even when private addresses are allowed; `allowed` networks (an intranet news
    site's) are let through unless always refused."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None and is_denied(inner, always_only, allowed):
            return True
        if address.ipv4_mapped:  # a mapped public IPv4 is that public address
            return False
    if any(address in network for network in ALWAYS_DENIED_NETWORKS if network.version == address.version):
        return True
    if always_only or any(address in network for network in allowed if network.version == address.version):
        return False
    return any(address in network for network in DENIED_NETWORKS if network.version == address.version)


def numeric_host(host: str) -> IPAddress | None:
    """The address a host name spells as a number, however it is written.

    Resolvers accept `2130706433`, `0x7f000001`, `0177.0.0.1` and `127.1` as 127.0.0.1;
    `socket.inet_aton` reads them the same way, so a name it accepts is a number, not a name.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def first_denied(
    addresses: Iterable[IPAddress], always_only: bool = False, allowed: tuple[IPNetwork, ...] = ()
) -> IPAddress | None:
    """The first denied address among a host's addresses: one is enough to refuse the host,
    since which of them a connection would use is up to the resolver's order."""
    return next((a for a in addresses if is_denied(a, always_only, allowed)), None)
