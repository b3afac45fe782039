"""Errors as RFC 9457 problem details, in the caller's language.

One place maps every error to HTTP: a :class:`WusheError` by its class (an
:class:`HttpError` carries its own status), and Litestar's own exceptions — a
body or query parameter msgspec could not decode, an unknown route — into the
same shape, with ``errors: [{field, code, message}]`` where a field is to blame.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from wushe.platform.domain.errors import (
    ConflictError,
    DomainRuleError,
    NotFoundError,
    StaleVersionError,
    WusheError,
)
from wushe.platform.http.api.field_errors import FieldError, field_errors

if TYPE_CHECKING:
    from collections.abc import Mapping

    from litestar import Router

__all__ = [
    "FieldError",
    "HttpError",
    "IdempotencyMismatchError",
    "NotAuthenticatedError",
    "PermissionDeniedError",
    "PreconditionRequiredError",
    "Problem",
    "RateLimitedError",
    "declare_problems",
    "http_problem",
    "language_of",
    "problem_response",
    "problem_responses",
]

PROBLEM_JSON = "application/problem+json"
_TYPE = "https://wushe.dev/problems/"


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    """An RFC 9457 problem detail; ``code`` is the stable machine code."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: tuple[FieldError, ...] = ()


class HttpError(WusheError):
    """An error only the HTTP layer raises, with its own status and headers."""

    status: ClassVar[int] = HTTPStatus.BAD_REQUEST

    def __init__(self, code: str, zh: str, en: str, *, field: str | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(code, zh, en, field=field)
        self.headers = dict(headers or {})


class NotAuthenticatedError(HttpError):
    """No valid session cookie or bearer token."""

    status = HTTPStatus.UNAUTHORIZED


class PermissionDeniedError(HttpError):
    """The principal's own kind of thing, but not an action of theirs."""

    status = HTTPStatus.FORBIDDEN


class PreconditionRequiredError(HttpError):
    """An update came without ``If-Match``."""

    status = HTTPStatus.PRECONDITION_REQUIRED


class IdempotencyMismatchError(HttpError):
    """An ``Idempotency-Key`` reused with another request body."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


class RateLimitedError(HttpError):
    """Too many failed attempts; ``Retry-After`` says when to try again."""

    status = HTTPStatus.TOO_MANY_REQUESTS


def language_of(request: Request[Any, Any, Any]) -> str:
    """``zh`` or ``en``: the caller's first language preference (default Chinese)."""
    preferred = request.headers.get("accept-language", "zh").split(",")[0].strip().lower()
    return "en" if preferred.startswith("en") else "zh"


def _status_of(error: WusheError) -> int:
    if isinstance(error, HttpError):
        return error.status
    if isinstance(error, StaleVersionError):
        return HTTPStatus.PRECONDITION_FAILED
    if isinstance(error, ConflictError | DomainRuleError):
        return HTTPStatus.CONFLICT
    if isinstance(error, NotFoundError):
        return HTTPStatus.NOT_FOUND
    return HTTPStatus.UNPROCESSABLE_ENTITY if error.field is not None else HTTPStatus.BAD_REQUEST


def _respond(problem: Problem, headers: Mapping[str, str] | None = None) -> Response[Problem]:
    return Response(problem, status_code=problem.status, media_type=PROBLEM_JSON,
                    headers=dict(headers or {}))


def problem_response(request: Request[Any, Any, Any], error: WusheError) -> Response[Problem]:
    """Any wushe error as problem details, in the caller's language."""
    language, status = language_of(request), _status_of(error)
    message = error.message(language)
    errors = () if error.field is None else (FieldError(error.field, error.code, message),)
    problem = Problem(type=_TYPE + error.code, title=HTTPStatus(status).phrase, status=status,
                      detail=message, code=error.code, errors=errors)
    return _respond(problem, error.headers if isinstance(error, HttpError) else None)


def http_problem(request: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    """Litestar's exceptions (decoding, routing) as problem details."""
    language = language_of(request)
    if isinstance(error, ValidationException):
        errors = field_errors(error.extra, language)
        if errors:
            detail = "请检查标出的字段" if language == "zh" else "check the fields listed"
            return _respond(Problem(type=_TYPE + "input.invalid", title="Unprocessable Content",
                                    status=HTTPStatus.UNPROCESSABLE_ENTITY, detail=detail,
                                    code="input.invalid", errors=errors))
    status = error.status_code
    if status == HTTPStatus.BAD_REQUEST:
        detail = ("请求无法解析（JSON 格式错误或缺少请求体）" if language == "zh"
                  else "the request could not be read (malformed JSON or no body)")
        return _respond(Problem(type=_TYPE + "input.malformed", title="Bad Request",
                                status=status, detail=detail, code="input.malformed"))
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    code = f"http.{status}"
    return _respond(Problem(type=_TYPE + code, title=phrase, status=status, detail=phrase,
                            code=code), error.headers)


# What the OpenAPI document says a handler may answer besides its success: every
# handler behind the guard may be unauthenticated, see a malformed or invalid request,
# and be refused or not find its target; writes also meet domain rules and versions.
_READ_PROBLEMS = (400, 401, 403, 404, 422)
_WRITE_PROBLEMS = (*_READ_PROBLEMS, 409, 412, 428)


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI declarations of problem-details answers (a handler's ``responses=``)."""
    return {status: ResponseSpec(Problem, description=HTTPStatus(status).phrase,
                                 media_type=PROBLEM_JSON, generate_examples=False)
            for status in statuses}


def declare_problems(router: Router) -> None:
    """Declare in the OpenAPI document the problems each handler of ``router`` may answer.

    Reads: 400, 401, 403, 404, 422; writes also 409, 412, 428. What a handler declares
    itself (``responses=problem_responses(429)``) is kept. A 204 is declared without a
    body (Litestar would document a ``Response[None]`` as JSON ``null``).
    """
    for route in router.routes:
        for handler in route.route_handlers if isinstance(route, HTTPRoute) else ():
            reads = handler.http_methods <= {"GET", "HEAD"}
            statuses = _READ_PROBLEMS if reads else _WRITE_PROBLEMS
            empty: dict[int, ResponseSpec] = (
                {HTTPStatus.NO_CONTENT: ResponseSpec(None, description="No Content")}
                if handler.status_code == HTTPStatus.NO_CONTENT else {})
            handler.responses = {**problem_responses(*statuses), **empty,
                                 **(handler.responses or {})}
