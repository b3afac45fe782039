"""Which addresses a webhook may call: public ones only, unless the settings allow others.

A subscription's URL is chosen by its subscriber, so without a check it would let them
make the server call its own network (server-side request forgery): loopback, private,
link-local (cloud metadata at 169.254.169.254), shared and reserved ranges. The check
runs twice: when subscribing (an address literal, ``localhost``), and at every attempt,
on every address the host name resolves to. The attempt then connects to the address
that was checked (the request keeps its ``Host`` and TLS name), so a name that resolves
differently a moment later (DNS rebinding) cannot slip past.
"""

from __future__ import annotations

import ipaddress
import socket

from wushe.platform.domain.errors import ValidationError

__all__ = ["AddressError", "is_public", "require_callable_host", "resolve"]

_LOCAL_NAMES = ("localhost", ".localhost", ".localdomain")


class AddressError(Exception):
    """The host cannot be called: it does not resolve, or to an address not allowed."""


def is_public(address: str) -> bool:
    """Whether an IP address is a public unicast address."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # no IPv6 zone
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def require_callable_host(host: str, *, allow_private: bool) -> None:
    """Refuse, when subscribing, a host that is plainly not public (a literal, ``localhost``).

    Raises:
        ValidationError: ``webhook.private_address`` (field ``url``).
    """
    if allow_private:
        return
    name = host.lower().rstrip(".")
    literal = _literal(name)
    local = name == "localhost" or name.endswith(_LOCAL_NAMES)
    if local or (literal is not None and not is_public(literal)):
        raise ValidationError(
            "webhook.private_address", "不能向本机或内网地址发送通知",
            "the url must not point at a loopback, private or otherwise non-public address",
            field="url")


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to for ``host``, every address it resolves to checked.

    Raises:
        AddressError: the host does not resolve, or resolves to a non-public address
            (unless ``allow_private``).
    """
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise AddressError(f"cannot resolve {host}: {error}") from None
    addresses = [str(info[4][0]) for info in infos]
    refused = [a for a in addresses if not is_public(a)]
    if refused and not allow_private:
        # The address itself is not said: it would tell the subscriber about our network.
        raise AddressError(f"{host} resolves to a non-public address; refused")
    if not addresses:
        raise AddressError(f"cannot resolve {host}")
    return addresses[0]
