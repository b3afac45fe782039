"""What every write shares: ``If-Match``, the written response and ``Idempotency-Key``.

* An update needs ``If-Match: "<version>"``: missing is 428, a version that is
  not the current one is 412 (the command's ``expected_version``).
* Every write answers with the resource, ``ETag: "<version>"`` and
  ``X-Log-Position`` (pass it as ``?wait_for=`` to read your own write).
* A POST with ``Idempotency-Key`` (scoped to the principal) keeps its first
  successful answer; a retry gets that answer again and appends nothing; the key
  with another body is 422 ``idempotency.mismatch``. The key also becomes the
  command's ``request_key``, so two concurrent first attempts create one thing.
  A failed attempt keeps nothing: its retry runs again (and appends nothing if it
  fails again).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Response

from wushe.platform.domain.errors import StaleVersionError, ValidationError
from wushe.platform.http.api.problems import (
    IdempotencyMismatchError,
    PreconditionRequiredError,
)
from wushe.platform.http.context import api_store, blocking
from wushe.platform.http.store import StoredResponse

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar import Request

    from wushe.platform.application import Recorded
    from wushe.platform.http.auth.principal import Principal

__all__ = ["Written", "expected_version", "idempotent", "written"]

_ETAG = re.compile(r'^\s*"(\d{1,18})"\s*$')
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, as the draft standard suggests
_KEPT_HEADERS = ("etag", "x-log-position", "location")


@dataclass(frozen=True, slots=True)
class Written:
    """A command's outcome on the wire: status, body and the recorded version."""

    status: int
    body: Any
    recorded: Recorded


def expected_version(request: Request[Any, Any, Any]) -> int:
    """The version ``If-Match`` names.

    Raises:
        PreconditionRequiredError: no ``If-Match`` (428).
        StaleVersionError: an ``If-Match`` that names no version (412).
    """
    given = request.headers.get("if-match")
    if given is None:
        raise PreconditionRequiredError(
            "version.if_match_required", "修改须带 If-Match（读取时得到的 ETag）",
            'updates need If-Match: "<version>" (the ETag you read)')
    match = _ETAG.match(given)
    if match is None:
        raise StaleVersionError("version.bad_if_match", "If-Match 应为读取时得到的 ETag",
                                'If-Match must be the ETag you read, like "3"')
    return int(match.group(1))


def written(outcome: Written) -> Response[Any]:
    """The response to a write: the body, its ETag and the log position."""
    return Response(msgspec.json.encode(outcome.body), status_code=outcome.status,
                    media_type="application/json",
                    headers={"ETag": f'"{outcome.recorded.version}"',
                             "X-Log-Position": str(outcome.recorded.position)})


def _body_hash(request: Request[Any, Any, Any], body: bytes) -> str:
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _replay(stored: StoredResponse) -> Response[Any]:
    return Response(stored.body.encode(), status_code=stored.status,
                    media_type="application/json",
                    headers={**stored.headers, "Idempotent-Replayed": "true"})


def _idempotency_key(request: Request[Any, Any, Any]) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not _KEY.match(key):
        raise ValidationError("idempotency.bad_key", "Idempotency-Key 须为 1–200 个可见 ASCII 字符",
                              "Idempotency-Key must be 1–200 visible ASCII characters",
                              field="Idempotency-Key")
    return key


async def idempotent(request: Request[Any, Any, Any], principal: Principal,
                     run: Callable[[str | None], Awaitable[Written]], *,
                     fingerprint: bytes | None = None) -> Response[Any]:
    """Run a POST once per ``Idempotency-Key``; ``run`` gets the command's request key.

    A retry is compared with the first request by a hash of its body, kept with the
    answer; a body holding a secret (a password) passes a ``fingerprint`` without it
    instead, so that no unsalted hash of the secret is kept.
    """
    key = _idempotency_key(request)
    if key is None:
        return written(await run(None))
    store, scope = api_store(request), str(principal.account_id)
    body = await request.body() if fingerprint is None else fingerprint
    body_hash = _body_hash(request, body)
    kept = await blocking(store.answer, scope, key)
    if kept is not None:
        if kept[0] != body_hash:
            raise IdempotencyMismatchError(
                "idempotency.mismatch", "该 Idempotency-Key 已用于另一个请求",
                "this Idempotency-Key was used for another request", field="Idempotency-Key")
        return _replay(kept[1])
    outcome = await run(hashlib.sha256(f"{scope}:{key}".encode()).hexdigest())
    response = written(outcome)
    if outcome.status < HTTPStatus.MULTIPLE_CHOICES:
        headers = {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
        stored = StoredResponse(outcome.status, bytes(response.content).decode(), headers)
        await blocking(store.keep_answer, scope, key, body_hash, stored, time.time())
    return response
