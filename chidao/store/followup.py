"""Follow-up marks: which extracted tasks a user reported done, kept beside the index, never inside a generation.

``<index>/followup.sqlite`` holds one append-only table, ``history``: every "done" and "reopen" with who,
when, the day the task was completed, a note and the number of the document that reported it, plus a copy
of the task's agency and text so that the history stays readable after its document is gone. Triggers refuse
UPDATE and DELETE. A task's current state is its latest event.

Tasks are named by ``task_id(doc_id, agency, task)``: a hash of the assigning document's content id (itself a
hash of the normalised text), the agency's folded key and the task text. It does not depend on row ids or
generations, so a mark survives re-ingest, ``ingest --rebuild`` and the deletion of other documents; it goes
away from the board (but not from the history) only when the document's text itself changes.

``MarkStore`` is what the CLI, the board and the web UI use; ``FollowupStore`` is the folder's, and
``chidao/store/pg/followup.py`` keeps the same history in a PostgreSQL index (``open_store(index).marks()``
picks the one of the index).
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from chidao.lang.text import collapse_spaces, fold, nfc

FOLLOWUP = "followup.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS history(
    id INTEGER PRIMARY KEY,
    task_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('done', 'reopen')),
    by TEXT,
    at TEXT NOT NULL,
    done_on TEXT,
    note TEXT,
    doc_number TEXT,
    doc_id TEXT,
    agency TEXT,
    task TEXT
);
CREATE INDEX IF NOT EXISTS history_task ON history(task_id, id);
CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
"""
_COLUMNS = "id, task_id, action, by, at, done_on, note, doc_number, doc_id, agency, task"


def task_id(doc_id: str, agency: str, task: str) -> str:
    """The stable name of a task: its document's content id, the agency and the task text, hashed."""
    key = "\x1f".join((doc_id, " ".join(fold(nfc(agency)).split()), collapse_spaces(nfc(task))))
    return "t" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


@dataclass(frozen=True, slots=True)
class MarkEvent:
    """One line of the history."""

    id: int
    task_id: str
    action: str  # "done" | "reopen"
    by: str | None
    at: str  # ISO date-time (UTC) of the mark
    done_on: str | None  # ISO date the task was completed ("done" only)
    note: str | None
    doc_number: str | None
    doc_id: str | None
    agency: str | None
    task: str | None

    @property
    def done(self) -> bool:
        return self.action == "done"

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in _COLUMNS.split(", ")}


class MarkStore(abc.ABC):
    """The follow-up marks of one index, whatever holds them (append-only; a task's state is its latest event).

    ``mark_done`` and ``reopen`` are written here once; a store provides ``_append`` (one event, returned as
    stored), ``current`` and ``history``, and says with ``_day`` how it stores a day."""

    @abc.abstractmethod
    def _append(self, tid: str, action: str, **values: str | dt.date | None) -> MarkEvent: ...

    def _day(self, day: dt.date) -> str | dt.date:
        """A ``done_on`` day as the store keeps it (ISO text here)."""
        return day.isoformat()

    def mark_done(
        self,
        task: str,
        *,
        by: str | None = None,
        note: str | None = None,
        doc_number: str | None = None,
        done_on: dt.date | None = None,
        doc_id: str | None = None,
        agency: str | None = None,
        text: str | None = None,
    ) -> MarkEvent:
        """Record that a task was completed (``done_on``, default today)."""
        return self._append(
            task,
            "done",
            by=by or None,
            done_on=self._day(done_on or dt.date.today()),
            note=note or None,
            doc_number=doc_number or None,
            doc_id=doc_id,
            agency=agency,
            task=text,
        )

    def reopen(self, task: str, *, by: str | None = None, note: str | None = None) -> MarkEvent:
        """Record that a task is open again (a "done" mark was wrong or the work resumed)."""
        return self._append(task, "reopen", by=by or None, note=note or None)

    @abc.abstractmethod
    def current(self) -> dict[str, MarkEvent]:
        """task_id → its latest event, for every task that was ever marked."""

    @abc.abstractmethod
    def history(self, task: str | None = None) -> list[MarkEvent]:
        """Every event (of one task), oldest first."""


def now_utc() -> str:
    """The time of a mark: ISO date-time in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class FollowupStore(MarkStore):
    """The marks of one index folder. Every call opens its own short connection (safe across threads)."""

    def __init__(self, index: Path) -> None:
        self.path = Path(index) / FOLLOWUP

    @contextlib.contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if not write and not self.path.exists():
            conn = sqlite3.connect(":memory:")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10.0)
        try:
            conn.executescript(_SCHEMA)
            yield conn
            conn.commit()
        finally:
            conn.close()

    def _append(self, tid: str, action: str, **values: str | None) -> MarkEvent:
        at = now_utc()
        cols = ["task_id", "action", "at", *values]
        with self._connect(write=True) as conn:
            cur = conn.execute(
                f"INSERT INTO history({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                (tid, action, at, *values.values()),
            )
            row = conn.execute(f"SELECT {_COLUMNS} FROM history WHERE id=?", (cur.lastrowid,)).fetchone()
        return MarkEvent(*row)

    def current(self) -> dict[str, MarkEvent]:
        """task_id → its latest event, for every task that was ever marked."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM history WHERE id IN (SELECT MAX(id) FROM history GROUP BY task_id)"
            ).fetchall()
        return {r[1]: MarkEvent(*r) for r in rows}

    def history(self, task: str | None = None) -> list[MarkEvent]:
        """Every event (of one task), oldest first."""
        with self._connect() as conn:
            if task is None:
                rows = conn.execute(f"SELECT {_COLUMNS} FROM history ORDER BY id").fetchall()
            else:
                rows = conn.execute(f"SELECT {_COLUMNS} FROM history WHERE task_id=? ORDER BY id", (task,)).fetchall()
        return [MarkEvent(*r) for r in rows]
