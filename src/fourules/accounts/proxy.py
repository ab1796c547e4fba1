"""The city's single sign-on: a reverse proxy that signs people in and passes on who they
are in a header (e.g. `X-Remote-User`). The header is believed only from the proxy: when
the request's peer address (the TCP connection's, never a forwarded-for header, which
anyone can write) is in one of the operator's trusted networks. From anywhere else it is
ignored, so a client that reaches the server directly cannot name itself.

The name is then an account's: the caller looks it up in the accounts file for its role
(`Accounts.user`), so the operator adds each person who writes the call with `fourules
user add` as before (their password is unused while the proxy signs them in). The HTTP
wiring (which header, which networks, `--trusted-proxy`) comes with the pages.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from fourules.accounts.names import check_name
from fourules.errors import InputError
from fourules.texts import both

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(specs: Iterable[str], where: str) -> list[Network]:
    """The networks given as addresses or CIDR networks (`10.0.0.5`, `10.1.0.0/16`); a bad
    one is refused at `where`, the caller's name for the setting."""
    networks = []
    for spec in specs:
        try:
            networks.append(ipaddress.ip_network(spec.strip(), strict=False))
        except ValueError:
            raise InputError(both("accounts.bad_network", network=repr(spec)), where) from None
    return networks


def proxied_user(peer: str | None, trusted: Sequence[Network], header: str | None) -> str | None:
    """The user the header names, when the peer is a trusted proxy and the name may name an
    account; None otherwise (no header, an untrusted or unreadable peer, a bad name)."""
    if peer is None or header is None or not trusted:
        return None
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not any(address in network for network in trusted):
        return None
    try:
        return check_name(header.strip())
    except InputError:
        return None
