"""Follow-up marks in a PostgreSQL index: the ``followup_history`` table (``migrations/003_followup.sql``),
with the interface and the events of the folder's ``followup.sqlite`` (chidao/store/followup.py).

The table is append-only (triggers refuse UPDATE, DELETE and TRUNCATE) and outside what ``ingest
--rebuild`` truncates, so marks survive it as they do in a folder. Every mark is one autocommitted INSERT:
once ``done`` returns, every reader of the database (other web servers, other CLI runs) sees it.
"""

from __future__ import annotations

import datetime as dt
import threading

from chidao.store.followup import MarkEvent, MarkStore, now_utc
from chidao.store.pg.schema import check_schema, connect, installed_version, redact

_SELECT = 'SELECT id, task_id, action, "by", at, done_on, note, doc_number, doc_id, agency, task FROM followup_history'


def _event(row: tuple) -> MarkEvent:
    """A row as the folder store gives it: ``at`` ISO in UTC to the second, ``done_on`` an ISO day."""
    values = list(row)
    values[4] = values[4].astimezone(dt.UTC).replace(microsecond=0).isoformat()
    values[5] = values[5].isoformat() if values[5] is not None else None
    return MarkEvent(*values)


class PgFollowupStore(MarkStore):
    """The marks of a ``postgresql://`` index; one autocommit connection per thread (its own, so a mark is
    never written inside a reader's read-only transaction)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"PgFollowupStore({redact(self.url)})"

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            conn = connect(self.url)
            self._local.conn = conn
        return conn

    def _readable(self) -> bool:
        """False for a database without a chidao index yet (no marks); raises for another schema version."""
        conn = self._conn()
        if installed_version(conn) is None:
            return False
        check_schema(conn)
        return True

    def _append(self, tid: str, action: str, **values: str | dt.date | None) -> MarkEvent:
        conn = self._conn()
        check_schema(conn)  # raises with what to do when there is no index or another version
        cols = ["task_id", "action", "at", *values]
        names = ", ".join(f'"{c}"' for c in cols)
        row = conn.execute(
            f"INSERT INTO followup_history({names}) VALUES ({', '.join(['%s'] * len(cols))})"
            ' RETURNING id, task_id, action, "by", at, done_on, note, doc_number, doc_id, agency, task',
            (tid, action, dt.datetime.fromisoformat(now_utc()), *values.values()),
        ).fetchone()
        return _event(row)

    def _day(self, day: dt.date) -> dt.date:
        return day  # a DATE column

    def current(self) -> dict[str, MarkEvent]:
        """task_id → its latest event, for every task that was ever marked."""
        if not self._readable():
            return {}
        latest = _SELECT.replace("SELECT", "SELECT DISTINCT ON (task_id)", 1) + " ORDER BY task_id, id DESC"
        rows = self._conn().execute(latest)
        return {r[1]: _event(r) for r in rows}

    def history(self, task: str | None = None) -> list[MarkEvent]:
        """Every event (of one task), oldest first."""
        if not self._readable():
            return []
        if task is None:
            rows = self._conn().execute(_SELECT + " ORDER BY id")
        else:
            rows = self._conn().execute(_SELECT + " WHERE task_id = %s ORDER BY id", (task,))
        return [_event(r) for r in rows]
