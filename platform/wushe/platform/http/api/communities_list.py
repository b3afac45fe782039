"""The communities list: the compliance view's ``communities`` table, by id.

An administrator sees every community, a coordinator theirs, an organisation
member their organisation's; a volunteer none (an empty list, not an error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.http.api.reads import decode_cursor, encode_cursor
from wushe.platform.http.api.schemas.communities import CommunitiesPage, CommunitySummary
from wushe.platform.http.context import read_model
from wushe.projections.read import ViewNotBuiltError

if TYPE_CHECKING:
    from litestar import Request

    from wushe.platform.http.auth.principal import Principal
    from wushe.projections.read import ResultRow
    from wushe.projections.schema import DbValue

__all__ = ["list_page", "visible_communities"]

_COLUMNS = '"community_id", "code", "name", "district", "permanent_population", "households"'


def visible_communities(principal: Principal) -> frozenset[UUID] | None:
    """The communities the principal may list (None: every one)."""
    if principal.roles.administrator:
        return None
    mine = set(principal.roles.coordinator_of)
    if principal.organisation_community is not None:
        mine.add(principal.organisation_community)
    return frozenset(mine)


def _summary(row: ResultRow) -> CommunitySummary:
    return CommunitySummary(UUID(row["community_id"]), row["code"], row["name"],
                            row["district"], int(row["permanent_population"]),
                            int(row["households"]))


async def list_page(request: Request[Any, Any, Any], principal: Principal, limit: int,
                    cursor: str | None) -> CommunitiesPage:
    """One page of the communities the principal may see, ordered by id."""
    visible = visible_communities(principal)
    scope = ("communities", None if visible is None else sorted(map(str, visible)))
    conditions: list[str] = []
    params: list[DbValue] = []
    if cursor is not None:
        conditions.append('"community_id" > ?')
        params.extend(decode_cursor(scope, cursor, 1))
    if visible is not None:
        if not visible:
            return CommunitiesPage((), None)
        conditions.append(f'"community_id" IN ({", ".join("?" for _ in visible)})')
        params.extend(sorted(map(str, visible)))
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    sql = f'SELECT {_COLUMNS} FROM {{communities}} {where}ORDER BY "community_id" LIMIT ?'  # noqa: S608  (names from code, values bound)
    try:
        rows = await read_model(request).query("compliance", sql, (*params, limit + 1))
    except ViewNotBuiltError:
        rows = []
    page = rows[:limit]
    more = len(rows) > limit
    next_cursor = encode_cursor(scope, (page[-1]["community_id"],)) if more else None
    return CommunitiesPage(tuple(_summary(r) for r in page), next_cursor)
