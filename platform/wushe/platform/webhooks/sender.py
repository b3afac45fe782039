"""One attempt at a delivery: the signed POST, and what came of it.

The body is the same at every attempt (it is made from the delivery's row); the
signature is made anew with the attempt's time. Only a 2xx answer counts as
delivered: redirects are not followed, and the answer's body is never read.

The body holds no personal data: the event's kind, the aggregate's id and version,
the log position, when it happened and whose it is (a thin notice: a receiver reads
what it needs through the API, with its own credentials and role).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx
import msgspec

from wushe.platform.webhooks.addresses import AddressError, resolve
from wushe.platform.webhooks.signing import SIGNATURE_HEADER, sign

if TYPE_CHECKING:
    from wushe.platform.webhooks.rows import DeliveryRow

__all__ = ["DELIVERY_HEADER", "KIND_HEADER", "Outcome", "Payload", "attempt", "payload"]

DELIVERY_HEADER = "X-Wushe-Delivery"
KIND_HEADER = "X-Wushe-Event"
USER_AGENT = "wushe-webhooks/0.1"
_OK = range(200, 300)


class Payload(msgspec.Struct, frozen=True, kw_only=True):
    """What a delivery's body says (JSON)."""

    id: str  # the delivery: the same at every attempt (receivers dedupe on it)
    subscription_id: str
    kind: str  # need.received
    aggregate_id: str
    version: int  # the aggregate's version after the event
    position: int  # the event's position in the log (orders events; gaps are normal)
    occurred_at: str  # UTC, ISO 8601
    community_id: str | None
    organisation_id: str | None


class Outcome(msgspec.Struct, frozen=True):
    """What one attempt got: an HTTP status, or an error without one."""

    at: float  # when it started (unix seconds)
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        """Whether the receiver acknowledged the delivery (2xx)."""
        return self.status_code in _OK


def payload(delivery: DeliveryRow) -> bytes:
    """The body of a delivery."""
    return msgspec.json.encode(Payload(
        id=delivery.id, subscription_id=delivery.subscription_id, kind=delivery.kind,
        aggregate_id=delivery.aggregate_id, version=delivery.version,
        position=delivery.position, occurred_at=delivery.occurred_at,
        community_id=delivery.community_id, organisation_id=delivery.organisation_id))


def _pinned(url: str, *, allow_private: bool) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """The URL with its host replaced by the checked address, the ``Host`` header and
    the TLS name to use (so the connection goes to the address that was checked)."""
    parsed = httpx.URL(url)
    host = parsed.raw_host.decode()  # ASCII (an international name in punycode)
    address = resolve(host, parsed.port or (443 if parsed.scheme == "https" else 80),
                      allow_private=allow_private)
    extensions = {"sni_hostname": host} if parsed.scheme == "https" else {}
    return parsed.copy_with(host=address), {"Host": parsed.netloc.decode()}, extensions


def attempt(client: httpx.Client, url: str, delivery: DeliveryRow, secret: str, *,
            allow_private: bool) -> Outcome:
    """POST the delivery to ``url``, signed with ``secret`` (never raises)."""
    body, at, started = payload(delivery), time.time(), time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        target, host, extensions = _pinned(url, allow_private=allow_private)
        headers = {**host, "Content-Type": "application/json", "User-Agent": USER_AGENT,
                   DELIVERY_HEADER: delivery.id, KIND_HEADER: delivery.kind,
                   SIGNATURE_HEADER: sign(secret, body, int(at))}
        with client.stream("POST", target, content=body, headers=headers,
                           extensions=extensions) as response:
            status = response.status_code
    except AddressError as refused:
        error = str(refused)
    except httpx.TimeoutException:
        error = "timed out"
    except (httpx.HTTPError, httpx.InvalidURL, ValueError, OSError) as failed:
        error = f"{type(failed).__name__}: {failed}"[:500]
    if status is not None and status not in _OK:
        error = f"HTTP {status}"
    return Outcome(at, status, error, round((time.monotonic() - started) * 1000))
