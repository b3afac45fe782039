"""What every read shares: read-your-writes (``?wait_for=``) and keyset cursors.

``?wait_for=<log position>`` (the ``X-Log-Position`` of a write) waits, at most
``WAIT_SECONDS``, until the views a read uses have applied that position; the
answer is 200 either way and ``X-Views-Position`` says how far they got.

Cursors are opaque text made by :func:`encode_cursor`: the last row's sort key
plus a fingerprint of the list and filters it was made for, with a digest that
catches a damaged or edited cursor. A cursor grants nothing (the principal's
scope and the filters always come from the request itself).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import msgspec
from litestar import Response
from litestar.params import QueryParameter

from wushe.platform.domain.errors import ValidationError
from wushe.platform.http.context import read_model

if TYPE_CHECKING:
    from collections.abc import Sequence

    from litestar import Request

__all__ = ["WAIT_SECONDS", "PageLimit", "WaitFor", "decode_cursor", "encode_cursor",
           "read_response", "views_reached"]

WAIT_SECONDS = 5.0
MAX_PAGE = 200
# The query parameters every list shares.
PageLimit: TypeAlias = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)]
WaitFor: TypeAlias = Annotated[int | None, QueryParameter(ge=0)]
_DIGEST_BYTES = 10


async def views_reached(request: Request[Any, Any, Any], views: Sequence[str],
                        wait_for: int | None) -> int:
    """Wait (bounded) for ``views`` to reach ``wait_for``; how far they are now."""
    reads = read_model(request)
    if wait_for is not None:
        await reads.wait_for(wait_for, views, timeout=WAIT_SECONDS)
    return min((await reads.positions(views)).values(), default=0)


def read_response(body: Any, views_position: int, etag: int | None = None) -> Response[Any]:  # noqa: ANN401
    """A read's response with ``X-Views-Position`` (and the ETag of a single object)."""
    headers = {"X-Views-Position": str(views_position)}
    if etag is not None:
        headers["ETag"] = f'"{etag}"'
    return Response(body, headers=headers)


class _Cursor(msgspec.Struct, array_like=True, frozen=True):
    scope: str
    key: tuple[str, ...]


def _fingerprint(scope: object) -> str:
    return hashlib.blake2b(msgspec.json.encode(scope, order="deterministic"),
                           digest_size=_DIGEST_BYTES).hexdigest()


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST_BYTES, person=b"wushe.page").digest()


def encode_cursor(scope: object, key: Sequence[str]) -> str:
    """The cursor after the row with sort ``key``, in the list and filters ``scope``."""
    payload = msgspec.json.encode(_Cursor(_fingerprint(scope), tuple(key)))
    return f"{_b64(payload)}.{_b64(_digest(payload))}"


def decode_cursor(scope: object, cursor: str, size: int) -> tuple[str, ...]:
    """The sort key in a cursor made for ``scope`` (``size`` parts).

    Raises:
        ValidationError: ``query.bad_cursor`` for anything else (422, field ``cursor``).
    """
    body, _, digest = cursor.partition(".")
    try:
        payload, check = _unb64(body), _unb64(digest)
        decoded = msgspec.json.decode(payload, type=_Cursor)
    except (ValueError, binascii.Error, msgspec.DecodeError):
        raise _bad_cursor() from None
    if (not hmac.compare_digest(check, _digest(payload)) or decoded.scope != _fingerprint(scope)
            or len(decoded.key) != size):
        raise _bad_cursor()
    return decoded.key


def _bad_cursor() -> ValidationError:
    return ValidationError("query.bad_cursor", "分页游标无效，请从第一页重新查询",
                           "invalid cursor; start again from the first page", field="cursor")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
