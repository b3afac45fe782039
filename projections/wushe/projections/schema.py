"""Portable table definitions for read models (SQLite and PostgreSQL alike).

Values are stored in three portable types: text, integer and real. Ids are text,
times are UTC ISO-8601 text of fixed width (so text order is time order), sets
and lists are JSON text. :func:`to_db` is the one place that converts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Column", "ColumnType", "DbValue", "Table", "count", "integer_columns", "text_columns",
           "to_db", "utc_text"]

ColumnType = Literal["text", "integer", "real"]
DbValue = str | int | float | None


class Column(msgspec.Struct, frozen=True):
    """A column of a view table."""

    name: str
    type: ColumnType = "text"


class Table(msgspec.Struct, frozen=True):
    """A view table: its columns, primary key and secondary indexes."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in declaration order."""
        return tuple(c.name for c in self.columns)


def text_columns(*names: str) -> tuple[Column, ...]:
    """Text columns with these names."""
    return tuple(Column(n, "text") for n in names)


def integer_columns(*names: str) -> tuple[Column, ...]:
    """Integer columns with these names."""
    return tuple(Column(n, "integer") for n in names)


def utc_text(moment: datetime) -> str:
    """Fixed-width UTC text, so that comparing texts compares times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_db(value: object) -> DbValue:
    """Convert a domain value to one of the three stored types."""
    if value is None or isinstance(value, str | float):
        return value
    if isinstance(value, Enum):
        return to_db(value.value)
    if isinstance(value, int):  # bool included: stored as 0/1
        return int(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, UUID | date):
        return str(value)
    if isinstance(value, tuple | list | frozenset | set):
        items = [to_db(v) for v in value]
        ordered = sorted(items, key=str) if isinstance(value, frozenset | set) else items
        return msgspec.json.encode(ordered).decode()
    raise TypeError(f"cannot store {type(value).__name__} in a view")


def count(row: Mapping[str, Any], column: str) -> int:
    """An integer column's value, 0 when it is NULL (counters start unset)."""
    return int(row[column] or 0)
