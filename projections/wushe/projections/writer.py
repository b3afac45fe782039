"""The unit of work a projection writes through: cached rows, flushed in bulk.

A projection reads a row (``get``), changes it and puts it back (``put``). Rows
are cached and changes buffered, so a batch of events costs a few bulk
statements instead of a round trip per event; the runner flushes the buffer and
the tracking position in one transaction. The runner is the only writer of its
tables, so the cache stays true across batches; after a failed batch it is
dropped.

A writer that starts on empty tables (a new generation: a rebuild, or a view's
first build) knows its cache holds *every* row, until the cache is dropped or
trimmed. While that holds, a missing key needs no SELECT and ``where`` is
answered from an in-memory index, so a rebuild runs without a read round trip.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.projections.schema import DbValue, Table, to_db, utc_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wushe.projections.store import ViewStore

__all__ = ["Row", "ViewWriter"]

Row = dict[str, DbValue]
Key = tuple[DbValue, ...]
_DELETED = None
_CONVERTED_LIMIT = 100_000  # remembered conversions of ids and times (bounds memory)
_converted: dict[object, str] = {}


def _db(value: Any) -> DbValue:
    """:func:`to_db`, with the common cases first (same results).

    Ids and times are converted once and remembered: the views of one batch
    convert the same event's ids and times many times over.
    """
    kind = type(value)
    if kind is str or kind is int or value is None or kind is float:
        return value  # type: ignore[no-any-return]
    if kind is UUID or kind is datetime:
        text = _converted.get(value)
        if text is None:
            if len(_converted) >= _CONVERTED_LIMIT:
                _converted.clear()
            text = _converted[value] = str(value) if kind is UUID else utc_text(value)
        return text
    return to_db(value)


def _order(key: Key) -> tuple[tuple[bool, Any], ...]:
    """A sort key for primary keys that tolerates NULLs."""
    return tuple((v is None, v) for v in key)


class _TableState:
    def __init__(self, physical: str, table: Table, *, complete: bool) -> None:
        self.physical = physical
        self.table = table
        self.names = table.column_names
        self.single_key = table.key[0] if len(table.key) == 1 else None
        self.rows: dict[Key, Row | None] = {}
        self.dirty: set[Key] = set()
        # While True, ``rows`` holds every row of the table (absent = not there).
        self.complete = complete
        # column -> value -> keys of the rows with that value (only while complete).
        self.indexes: dict[str, dict[DbValue, set[Key]]] = {}

    def key_of(self, row: Row) -> Key:
        if self.single_key is not None:
            return (row[self.single_key],)
        return tuple([row[k] for k in self.table.key])

    def store(self, key: Key, row: Row | None) -> None:
        """Put a row (or a deletion) in the cache, keeping the in-memory indexes."""
        if self.indexes:
            old = self.rows.get(key)
            for column, index in self.indexes.items():
                before = None if old is None else old[column]
                after = None if row is None else row[column]
                if old is not None and (row is None or before != after):
                    _discard(index, before, key)
                if row is not None and (old is None or before != after):
                    index.setdefault(after, set()).add(key)
        self.rows[key] = row

    def index(self, column: str) -> dict[DbValue, set[Key]]:
        found = self.indexes.get(column)
        if found is None:
            found = {}
            for key, row in self.rows.items():
                if row is not None:
                    found.setdefault(row[column], set()).add(key)
            self.indexes[column] = found
        return found

    def clear(self) -> None:
        self.rows.clear()
        self.dirty.clear()
        self.indexes.clear()
        self.complete = False


def _discard(index: dict[DbValue, set[Key]], value: DbValue, key: Key) -> None:
    keys = index.get(value)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del index[value]


class ViewWriter:
    """Reads and writes the rows of one projection's tables."""

    def __init__(self, store: ViewStore, tables: dict[str, tuple[str, Table]],
                 cache_limit: int | None = 200_000, *, empty: bool = False) -> None:
        """``empty``: the tables are known to hold no rows yet (a new generation)."""
        self._store = store
        self._tables = {name: _TableState(p, t, complete=empty)
                        for name, (p, t) in tables.items()}
        self._cache_limit = cache_limit
        self._statements: dict[tuple[str, str], str] = {}

    def tables(self) -> list[tuple[str, Table]]:
        """The physical name and definition of each table written."""
        return [(state.physical, state.table) for state in self._tables.values()]

    def get(self, table: str, *key: Any) -> Row | None:
        """The row with this primary key, or None."""
        state = self._tables[table]
        db_key = tuple(_db(k) for k in key)
        try:
            row = state.rows[db_key]
        except KeyError:
            row = None if state.complete else self._select_one(state, db_key)
            state.rows[db_key] = row
        return None if row is None else dict(row)

    def require(self, table: str, *key: Any) -> Row:
        """The row with this primary key.

        Raises:
            LookupError: there is none (the log always creates before it changes,
                so this is a bug, never bad input).
        """
        row = self.get(table, *key)
        if row is None:
            msg = f"{table} {key} has no row"
            raise LookupError(msg)
        return row

    def put(self, table: str, row: dict[str, Any]) -> None:
        """Insert or replace a whole row."""
        state = self._tables[table]
        get = row.get
        stored: Row = {}
        for column in state.names:
            value = get(column)
            kind = type(value)
            stored[column] = (value if kind is str or value is None or kind is int
                              else _db(value))
        key = state.key_of(stored)
        state.store(key, stored)
        state.dirty.add(key)

    def delete(self, table: str, *key: Any) -> None:
        """Delete the row with this primary key (if any)."""
        state = self._tables[table]
        db_key = tuple(_db(k) for k in key)
        state.store(db_key, _DELETED)
        state.dirty.add(db_key)

    def where(self, table: str, column: str, value: Any) -> list[Row]:
        """Every row whose ``column`` equals ``value``, in primary-key order."""
        state = self._tables[table]
        wanted = _db(value)
        if state.complete:
            keys = state.index(column).get(wanted, ())
            cached = [state.rows[k] for k in sorted(keys, key=_order)]
            return [dict(r) for r in cached if r is not None]
        self.flush()
        names = state.names
        found = self._store.fetchall(
            f"SELECT {_columns(names)} FROM {self._store.name(state.physical)} "
            f'WHERE "{column}" = ?', (wanted,))
        rows = [dict(zip(names, r, strict=True)) for r in found]
        rows.sort(key=lambda r: _order(state.key_of(r)))
        for row in rows:
            state.rows[state.key_of(row)] = row
        return [dict(r) for r in rows]

    def flush(self) -> None:
        """Write every buffered change (inside the caller's transaction)."""
        for state in self._tables.values():
            if state.dirty:
                self._flush_table(state)

    def forget_cache(self) -> None:
        """Drop cached rows and pending changes (after a rolled-back batch)."""
        for state in self._tables.values():
            state.clear()

    def trim_cache(self) -> None:
        """Bound memory between batches: drop the cache when it grows too large."""
        if self._cache_limit is None:
            return
        for state in self._tables.values():
            if len(state.rows) > self._cache_limit and not state.dirty:
                state.clear()

    def _flush_table(self, state: _TableState) -> None:
        rows = state.rows
        deletes: list[Key] = []
        upserts: list[tuple[DbValue, ...]] = []
        for key in state.dirty:
            row = rows.get(key)
            if row is None:
                deletes.append(key)
            else:
                upserts.append(tuple(row.values()))  # put() builds rows in column order
        if deletes:
            self._store.executemany(self._statement(state, "delete"), deletes)
        if upserts:
            self._store.executemany(self._statement(state, "upsert"), upserts)
        state.dirty.clear()

    def _statement(self, state: _TableState, kind: str) -> str:
        statement = self._statements.get((state.physical, kind))
        if statement is None:
            if kind == "delete":
                condition = " AND ".join(f'"{k}" = ?' for k in state.table.key)
                statement = f"DELETE FROM {self._store.name(state.physical)} WHERE {condition}"
            else:
                statement = _upsert(self._store, state)
            self._statements[state.physical, kind] = statement
        return statement

    def _select_one(self, state: _TableState, key: Key) -> Row | None:
        names = state.names
        condition = " AND ".join(f'"{k}" = ?' for k in state.table.key)
        found = self._store.fetchall(
            f"SELECT {_columns(names)} FROM {self._store.name(state.physical)} "
            f"WHERE {condition}", key)
        return dict(zip(names, found[0], strict=True)) if found else None


def _columns(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _upsert(store: ViewStore, state: _TableState) -> str:
    names = state.names
    key = state.table.key
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n not in key)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (f"INSERT INTO {store.name(state.physical)} ({_columns(names)}) "
            f"VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({_columns(key)}) {conflict}")
