"""The needs-list query (需求清单): filters, two sort orders and keyset pagination.

Used by the HTTP API and the benchmark. Every filter is a bound parameter; the
community is always one (the view's indexes start with it). "Overdue" and
"working days left" depend on the moment of the query: they come from the time
limit running now — the handling deadline while the need is in handling or
extended, the objection's answer due while it is objected to — compared with
``now`` by the policy's working calendar, exactly as :class:`Need` does.

Pages are cut by key, not by offset: the cursor carries the last row's sort key,
so no row is repeated or lost between pages while others are added. A cursor is
opaque text; it is checked (digest, sort order and the filters it was made for)
and anything else raises :class:`InvalidCursorError`, a ``ValueError``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.platform.domain.calendar import CHINA_TIME, local_date
from wushe.platform.domain.errors import ValidationError
from wushe.platform.domain.need import NeedSource, NeedStatus
from wushe.platform.domain.values import Urgency, VulnerableGroup
from wushe.projections.schema import DbValue, utc_text
from wushe.projections.views.needs import NEEDS, NO_DUE, NeedsList

if TYPE_CHECKING:
    from wushe.platform.domain.calendar import WorkingCalendar
    from wushe.platform.domain.policy import Policy
    from wushe.projections.read._base import ReadModel, ResultRow

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "InvalidCursorError",
    "NeedItem",
    "NeedsPage",
    "NeedsQuery",
    "NeedsQueryError",
    "NeedsSort",
    "fetch_needs",
    "working_days_between",
]

# Page sizes: a phone screen to a printable list.
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
_CURSOR_VERSION = 1
# The digest only catches damaged or hand-edited cursors: a cursor grants nothing,
# since the community and filters always come from the query itself.
_DIGEST_BYTES = 10
_ONE_DAY = timedelta(days=1)
_SATURDAY, _WORKDAYS_PER_WEEK = 5, 5
# The time limit running now (NULL when none runs), as stored text; needs without
# one sort after every need with one.
_NO_DUE = NO_DUE
_DUE = '"due_key"'  # stored by the view (views/needs.py), indexed with the community


class NeedsSort(StrEnum):
    """The orders of the needs list."""

    RECEIVED_DESC = "received_desc"  # newest first
    DEADLINE_ASC = "deadline_asc"  # the running time limit, soonest first; none last


# Per order: the key expressions (the last makes the key unique) and the direction.
_ORDERS: dict[NeedsSort, tuple[tuple[str, ...], str]] = {
    NeedsSort.RECEIVED_DESC: (('"received_at"', '"need_id"'), "DESC"),
    NeedsSort.DEADLINE_ASC: ((_DUE, '"received_at"', '"need_id"'), "ASC"),
}
_KEY_COLUMNS: dict[NeedsSort, tuple[str, ...]] = {
    NeedsSort.RECEIVED_DESC: ("received_at", "need_id"),
    NeedsSort.DEADLINE_ASC: ("due_key", "received_at", "need_id"),
}


class NeedsQuery(msgspec.Struct, frozen=True, kw_only=True):
    """What the coordinator asks of one community's needs list (empty filter: any)."""

    community_id: UUID
    statuses: frozenset[NeedStatus] = frozenset()
    category: str | None = None
    grid: str | None = None
    urgency: Urgency | None = None
    priority_only: bool = False  # urgent or for a vulnerable resident
    vulnerable_group: VulnerableGroup | None = None
    source: NeedSource | None = None
    handler: str | None = None  # a staff member's id, or the post a need was referred to
    overdue: bool | None = None
    received_from: date | None = None  # China dates, both inclusive
    received_to: date | None = None
    sort: NeedsSort = NeedsSort.RECEIVED_DESC
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None


class NeedItem(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the needs list; personal data only masked."""

    need_id: UUID
    community_id: UUID
    grid: str
    source: NeedSource
    category: str
    title: str
    urgency: Urgency
    vulnerable_groups: tuple[VulnerableGroup, ...]
    priority: bool
    status: NeedStatus
    handler: str | None
    resident: str | None
    resident_phone: str | None
    received_at: datetime
    accepted_at: datetime | None
    deadline: datetime | None
    closed_at: datetime | None
    replied_at: datetime | None
    answer_due: datetime | None
    updated_at: datetime
    extensions: int
    closed_overdue: bool
    answer_late: bool
    score: int | None
    version: int
    due: datetime | None  # the time limit running now
    overdue: bool
    working_days_left: int | None  # after today up to the limit's last day; < 0: overdue


class NeedsPage(msgspec.Struct, frozen=True):
    """A page of the needs list and the cursor of the next page (None: last page)."""

    items: tuple[NeedItem, ...]
    next_cursor: str | None


class NeedsQueryError(ValidationError, ValueError):
    """The needs query is malformed (also a ``ValueError``)."""


class InvalidCursorError(NeedsQueryError):
    """The cursor was damaged, edited, or made for another query."""


async def fetch_needs(reads: ReadModel, query: NeedsQuery, *, now: datetime,
                      policy: Policy) -> NeedsPage:
    """One page of the needs list as it stands at ``now``.

    Raises:
        NeedsQueryError: a bad page size or a naive ``now``.
        InvalidCursorError: the cursor is not one this query produced.
        ViewNotBuiltError: the needs view has not been built yet.
    """
    _check(query, now)
    conditions, params = _filters(query, now)
    if query.cursor is not None:
        condition, values = _after(query, _decode_cursor(query, query.cursor))
        conditions.append(condition)
        params.extend(values)
    rows = await reads.query(NeedsList.name, _select(query, conditions), (*params, query.limit + 1))
    more = len(rows) > query.limit
    page = rows[:query.limit]
    cursor = _encode_cursor(query, page[-1]) if more else None
    return NeedsPage(tuple(_item(r, now, policy.calendar) for r in page), cursor)


# -- SQL ------------------------------------------------------------------------


def _check(query: NeedsQuery, now: datetime) -> None:
    if not 1 <= query.limit <= MAX_PAGE_SIZE:
        raise NeedsQueryError("query.bad_limit", f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间",
                              f"limit must be between 1 and {MAX_PAGE_SIZE}", field="limit")
    if now.tzinfo is None or now.utcoffset() is None:
        raise NeedsQueryError("query.naive_time", "查询时间须带时区", "now must be timezone-aware",
                              field="now")


def _filters(query: NeedsQuery, now: datetime) -> tuple[list[str], list[DbValue]]:
    conditions = ['"community_id" = ?']
    params: list[DbValue] = [str(query.community_id)]
    equal: dict[str, str | None] = {
        "category": query.category, "grid": query.grid, "urgency": query.urgency,
        "source": query.source, "handler": query.handler,
    }
    for column, value in equal.items():
        if value is not None:
            conditions.append(f'"{column}" = ?')
            params.append(str(value))
    if query.statuses:
        conditions.append(f'"status" IN ({", ".join("?" for _ in query.statuses)})')
        params.extend(sorted(str(s) for s in query.statuses))
    if query.priority_only:
        conditions.append('"priority" = 1')
    if query.vulnerable_group is not None:  # a JSON array of group names
        conditions.append("\"vulnerable_groups\" LIKE ? ESCAPE '\\'")
        params.append(f'%"{_like_escaped(query.vulnerable_group)}"%')
    if query.overdue is not None:
        conditions.append(f"{_DUE} {'<=' if query.overdue else '>'} ?")
        params.append(utc_text(now))
    _received_range(query, conditions, params)
    return conditions, params


def _received_range(query: NeedsQuery, conditions: list[str], params: list[DbValue]) -> None:
    if query.received_from is not None:
        conditions.append('"received_at" >= ?')
        params.append(_start_of(query.received_from))
    if query.received_to is not None:
        conditions.append('"received_at" < ?')
        params.append(_start_of(query.received_to + _ONE_DAY))


def _start_of(day: date) -> str:
    return utc_text(datetime.combine(day, time(), CHINA_TIME).astimezone(UTC))


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _select(query: NeedsQuery, conditions: list[str]) -> str:
    keys, direction = _ORDERS[query.sort]
    columns = ", ".join(f'"{c}"' for c in NEEDS.column_names)
    order = ", ".join(f"{k} {direction}" for k in keys)
    return (f"SELECT {columns} FROM {{{NEEDS.name}}} "
            f"WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT ?")


def _after(query: NeedsQuery, key: tuple[str, ...]) -> tuple[str, list[DbValue]]:
    keys, direction = _ORDERS[query.sort]
    marks = ", ".join("?" for _ in keys)
    return f"({', '.join(keys)}) {'<' if direction == 'DESC' else '>'} ({marks})", list(key)


# -- rows -----------------------------------------------------------------------


def _item(row: ResultRow, now: datetime, calendar: WorkingCalendar) -> NeedItem:
    fields: dict[str, Any] = dict(row)
    due_key = fields.pop("due_key")
    due = None if due_key == _NO_DUE else datetime.fromisoformat(due_key)
    fields["vulnerable_groups"] = msgspec.json.decode(fields["vulnerable_groups"] or "[]")
    fields["due"] = due
    fields["overdue"] = due is not None and now >= due
    fields["working_days_left"] = None if due is None else working_days_between(
        calendar, local_date(now), local_date(due - _ONE_DAY))
    return msgspec.convert(fields, NeedItem, strict=False)


def working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """``calendar.working_days_between`` in constant time, not a loop over every day.

    A need overdue for months would otherwise cost a loop of that many days per
    row; the result is the same (a test checks them against each other).
    """
    if end < start:
        return -working_days_between(calendar, end, start)
    weeks, extra = divmod((end - start).days, 7)
    weekdays = _WORKDAYS_PER_WEEK * weeks + sum(
        (start + timedelta(days=n)).weekday() < _SATURDAY for n in range(1, extra + 1))
    holidays = sum(start < d <= end and d.weekday() < _SATURDAY
                   and d not in calendar.makeup_workdays for d in calendar.holidays)
    weekend_workdays = sum(start < d <= end and d.weekday() >= _SATURDAY
                           for d in calendar.makeup_workdays)
    return weekdays - holidays + weekend_workdays


# -- cursors ----------------------------------------------------------------------


class _Cursor(msgspec.Struct, array_like=True, frozen=True):
    version: int
    sort: str
    query: str
    key: tuple[str, ...]


def _fingerprint(query: NeedsQuery) -> str:
    """What a cursor is tied to: the community, the filters and the order."""
    scope = msgspec.structs.replace(query, limit=0, cursor=None)
    return hashlib.blake2b(msgspec.json.encode(scope, order="deterministic"),
                           digest_size=_DIGEST_BYTES).hexdigest()


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST_BYTES, person=b"wushe.cursor").digest()


def _encode_cursor(query: NeedsQuery, last: ResultRow) -> str:
    key = tuple(str(last[c]) for c in _KEY_COLUMNS[query.sort])
    payload = msgspec.json.encode(_Cursor(_CURSOR_VERSION, query.sort, _fingerprint(query), key))
    return f"{_b64(payload)}.{_b64(_digest(payload))}"


def _decode_cursor(query: NeedsQuery, cursor: str) -> tuple[str, ...]:
    body, _, digest = cursor.partition(".")
    try:
        payload, check = _unb64(body), _unb64(digest)
    except (ValueError, binascii.Error):
        raise _bad_cursor("not a cursor of the needs list") from None
    if not hmac.compare_digest(check, _digest(payload)):
        raise _bad_cursor("damaged or edited")
    try:
        decoded = msgspec.json.decode(payload, type=_Cursor)
    except msgspec.DecodeError:
        raise _bad_cursor("not a cursor of the needs list") from None
    if (decoded.version, decoded.sort) != (_CURSOR_VERSION, query.sort):
        raise _bad_cursor("made for another sort order")
    if decoded.query != _fingerprint(query) or len(decoded.key) != len(_ORDERS[query.sort][0]):
        raise _bad_cursor("made for other filters")
    return decoded.key


def _bad_cursor(why: str) -> InvalidCursorError:
    return InvalidCursorError("query.bad_cursor", "分页游标无效，请从第一页重新查询",
                              f"invalid cursor ({why}); start again from the first page",
                              field="cursor")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
