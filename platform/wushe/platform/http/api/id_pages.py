"""One page of a view's table in id order, with filters and a keyset cursor.

The volunteers, teams and organisations lists share it: each builds its filter
conditions (bound parameters only) and a scope (the list, the community and the
filters), and gets the rows after the cursor's id plus the next cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wushe.platform.http.api.reads import decode_cursor, encode_cursor
from wushe.platform.http.context import read_model
from wushe.projections.read import ViewNotBuiltError

if TYPE_CHECKING:
    from litestar import Request

    from wushe.projections.read import ResultRow
    from wushe.projections.schema import DbValue

__all__ = ["IdPage", "IdQuery", "contains_code", "fetch_id_page"]

_LIKE_ESCAPE = "!"


@dataclass(slots=True)
class IdQuery:
    """What to read: ``SELECT columns FROM {table} WHERE conditions ORDER BY id_column``."""

    view: str
    table: str
    id_column: str
    columns: tuple[str, ...]
    scope: tuple[object, ...]  # what the cursor is bound to: list, community, filters
    conditions: list[str] = field(default_factory=list)
    params: list[DbValue] = field(default_factory=list)

    def where(self, condition: str, *params: DbValue) -> None:
        """Add a condition with its bound parameters."""
        self.conditions.append(condition)
        self.params.extend(params)


@dataclass(frozen=True, slots=True)
class IdPage:
    """The rows of one page and the cursor of the next (None: last page)."""

    rows: list[ResultRow]
    next_cursor: str | None


def contains_code(column: str, code: str) -> tuple[str, str]:
    """A condition that a JSON list of codes in ``column`` holds ``code`` (LIKE, escaped)."""
    escaped = "".join(f"{_LIKE_ESCAPE}{c}" if c in "%_!" else c for c in code)
    return f"\"{column}\" LIKE ? ESCAPE '{_LIKE_ESCAPE}'", f'%"{escaped}"%'


async def fetch_id_page(request: Request[Any, Any, Any], query: IdQuery, limit: int,
                        cursor: str | None) -> IdPage:
    """One page of ``query`` after ``cursor`` (an empty page if the view is not built).

    Raises:
        ValidationError: ``query.bad_cursor`` for a cursor made for another list or filters.
    """
    if cursor is not None:
        query.where(f'"{query.id_column}" > ?', *decode_cursor(query.scope, cursor, 1))
    where = f"WHERE {' AND '.join(query.conditions)} " if query.conditions else ""
    columns = ", ".join(f'"{c}"' for c in query.columns)
    sql = (f'SELECT {columns} FROM {{{query.table}}} {where}'  # noqa: S608  (names from code, values bound)
           f'ORDER BY "{query.id_column}" LIMIT ?')
    try:
        rows = await read_model(request).query(query.view, sql, (*query.params, limit + 1))
    except ViewNotBuiltError:
        rows = []
    page = rows[:limit]
    more = len(rows) > limit
    next_cursor = encode_cursor(query.scope, (str(page[-1][query.id_column]),)) if more else None
    return IdPage(page, next_cursor)
