"""No request text holds a NUL: refused before any handler, naming the field (422).

The domain's text check refuses a NUL in every command (``input.bad_text``), since
PostgreSQL's text cannot hold one. But some text reaches the stores without a
command: a list's filters, a login name counted by the rate limiter. On PostgreSQL a
NUL there was a 500 (found by the schemathesis contract test). This hook, the API
router's ``before_request`` (after the guard, before parameters and body are
decoded), refuses a NUL in any query or path parameter and in any string of a JSON
body, with the same code and message as the domain's check.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from wushe.platform.domain.errors import ValidationError

__all__ = ["refuse_nul"]

_NUL = "\x00"
_ESCAPED_NUL = b"\\u0000"  # how JSON writes a NUL inside a string
_WITHOUT_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


async def refuse_nul(request: Request[Any, Any, Any]) -> None:
    """Raise 422 ``input.bad_text`` for a NUL anywhere in the request's text."""
    for name, value in (*request.query_params.multi_items(), *request.path_params.items()):
        if isinstance(value, str) and _NUL in value:
            raise bad_text(name)
    if request.method in _WITHOUT_BODY:
        return
    body = await request.body()
    if _ESCAPED_NUL in body:  # cheap test first: a NUL is rare, decoding is not free
        field = _field_with_nul(_decoded(body), "")
        if field is not None:
            raise bad_text(field or "data")


def bad_text(field: str) -> ValidationError:
    """The domain's ``input.bad_text``, for ``field``."""
    return ValidationError("input.bad_text", f"{field} 含有不可见的空字符",
                           f"{field} contains a NUL character", field=field)


def _decoded(body: bytes) -> object:
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None  # not JSON: decoding the body will say so (400)


def _field_with_nul(value: object, path: str) -> str | None:
    """The path of the first string (or key) holding a NUL, like ``windows[0].start``."""
    if isinstance(value, str):
        return path if _NUL in value else None
    if isinstance(value, dict):
        items = [(f"{path}.{key}" if path else str(key), key, item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{index}]", "", item) for index, item in enumerate(value)]
    else:
        return None
    for child, key, item in items:
        found = child if _NUL in str(key) else _field_with_nul(item, child)
        if found is not None:
            return found
    return None
