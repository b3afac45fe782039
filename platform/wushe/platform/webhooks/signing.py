"""Signing deliveries, and checking a signature (what a receiver does).

``X-Wushe-Signature: t=<unix seconds>,v1=<hex>`` where ``hex`` is the HMAC-SHA256,
keyed with the subscription's secret (the whole ``whsec_…`` text, as UTF-8), of
``"<t>.<raw body>"`` (as Stripe signs). Each attempt is signed anew with its own
time, so a receiver can refuse old messages (a replay) by ``t``; several ``v1=``
values may appear (reserved for rotating secrets), any one matching is enough.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["SIGNATURE_HEADER", "TOLERANCE_SECONDS", "sign", "signature", "verify"]

SIGNATURE_HEADER = "X-Wushe-Signature"
TOLERANCE_SECONDS = 300  # what a receiver should accept between ``t`` and its clock


def signature(secret: str, body: bytes, at: int) -> str:
    """The hex HMAC-SHA256 of ``"<at>.<body>"`` keyed with ``secret``."""
    return hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, at: int) -> str:
    """The ``X-Wushe-Signature`` value for ``body`` sent at unix time ``at``."""
    return f"t={at},v1={signature(secret, body, at)}"


def verify(secret: str, body: bytes, header: str, now: float,
           tolerance: float = TOLERANCE_SECONDS) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at a time within ``tolerance`` of now."""
    parts = [item.partition("=") for item in header.split(",")]
    stamps = [value for key, _, value in parts if key.strip() == "t"]
    signatures = [value.strip() for key, _, value in parts if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not signatures:
        return False
    at = int(stamps[0])
    if abs(now - at) > tolerance:
        return False
    expected = signature(secret, body, at)
    return any(hmac.compare_digest(expected, given) for given in signatures)
