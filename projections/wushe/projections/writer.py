"""The unit of work a projection writes through: cached rows, flushed in bulk.

A projection reads a row (``get``), changes it and puts it back (``put``). Rows
are cached and changes buffered, so a batch of events costs a few bulk
statements instead of a round trip per event; the runner flushes the buffer and
the tracking position in one transaction. The runner is the only writer of its
tables, so the cache stays true across batches; after a failed batch it is
dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.projections.schema import DbValue, Table, to_db

if TYPE_CHECKING:
    from wushe.projections.store import ViewStore

__all__ = ["Row", "ViewWriter"]

Row = dict[str, DbValue]
Key = tuple[DbValue, ...]
_DELETED = None


class _TableState:
    def __init__(self, physical: str, table: Table) -> None:
        self.physical = physical
        self.table = table
        self.rows: dict[Key, Row | None] = {}
        self.dirty: set[Key] = set()

    def key_of(self, row: Row) -> Key:
        return tuple(row[k] for k in self.table.key)


class ViewWriter:
    """Reads and writes the rows of one projection's tables."""

    def __init__(self, store: ViewStore, tables: dict[str, tuple[str, Table]],
                 cache_limit: int | None = 200_000) -> None:
        self._store = store
        self._tables = {name: _TableState(p, t) for name, (p, t) in tables.items()}
        self._cache_limit = cache_limit

    def get(self, table: str, *key: Any) -> Row | None:
        """The row with this primary key, or None."""
        state = self._tables[table]
        db_key = tuple(to_db(k) for k in key)
        if db_key not in state.rows:
            state.rows[db_key] = self._select_one(state, db_key)
        row = state.rows[db_key]
        return None if row is None else dict(row)

    def put(self, table: str, row: dict[str, Any]) -> None:
        """Insert or replace a whole row."""
        state = self._tables[table]
        stored = {c: to_db(row.get(c)) for c in state.table.column_names}
        key = state.key_of(stored)
        state.rows[key] = stored
        state.dirty.add(key)

    def delete(self, table: str, *key: Any) -> None:
        """Delete the row with this primary key (if any)."""
        state = self._tables[table]
        db_key = tuple(to_db(k) for k in key)
        state.rows[db_key] = _DELETED
        state.dirty.add(db_key)

    def where(self, table: str, column: str, value: Any) -> list[Row]:
        """Every row whose ``column`` equals ``value`` (flushes pending changes first)."""
        self.flush()
        state = self._tables[table]
        names = state.table.column_names
        found = self._store.fetchall(
            f"SELECT {_columns(names)} FROM {self._store.name(state.physical)} "
            f'WHERE "{column}" = ?', (to_db(value),))
        rows = [dict(zip(names, r, strict=True)) for r in found]
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
            state.rows.clear()
            state.dirty.clear()

    def trim_cache(self) -> None:
        """Bound memory between batches: drop the cache when it grows too large."""
        if self._cache_limit is None:
            return
        for state in self._tables.values():
            if len(state.rows) > self._cache_limit and not state.dirty:
                state.rows.clear()

    def _flush_table(self, state: _TableState) -> None:
        names = state.table.column_names
        deletes = [k for k in state.dirty if state.rows.get(k) is None]
        upserts = [state.rows[k] for k in state.dirty if state.rows.get(k) is not None]
        if deletes:
            condition = " AND ".join(f'"{k}" = ?' for k in state.table.key)
            self._store.executemany(
                f"DELETE FROM {self._store.name(state.physical)} WHERE {condition}", deletes)
        if upserts:
            self._store.executemany(_upsert(self._store, state),
                                    [tuple(r[n] for n in names) for r in upserts if r])
        state.dirty.clear()

    def _select_one(self, state: _TableState, key: Key) -> Row | None:
        names = state.table.column_names
        condition = " AND ".join(f'"{k}" = ?' for k in state.table.key)
        found = self._store.fetchall(
            f"SELECT {_columns(names)} FROM {self._store.name(state.physical)} "
            f"WHERE {condition}", key)
        return dict(zip(names, found[0], strict=True)) if found else None


def _columns(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _upsert(store: ViewStore, state: _TableState) -> str:
    names = state.table.column_names
    key = state.table.key
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n not in key)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (f"INSERT INTO {store.name(state.physical)} ({_columns(names)}) "
            f"VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({_columns(key)}) {conflict}")
