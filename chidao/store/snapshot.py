"""A read-only view of one published generation; every read of the manifest is a method here."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from chidao.store.layout import LEXICAL, MANIFEST, META, VECTORS, IndexMeta, current_generation


class Snapshot:
    """A read-only view of one published generation: manifest, dense and lexical indexes."""

    def __init__(self, root: Path, gen: Path) -> None:
        from chidao.store.dense import DenseIndex
        from chidao.store.lexical import LexicalIndex

        self.root = root
        self.path = gen
        self.meta = IndexMeta.model_validate_json((gen / META).read_text(encoding="utf-8"))
        self.dense = DenseIndex.load(gen / VECTORS)
        self.lexical = LexicalIndex.load(gen / LEXICAL)
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path / MANIFEST}?mode=ro", uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def rows(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, tuple(params)).fetchall()


def open_snapshot(root: Path) -> Snapshot | None:
    gen = current_generation(Path(root))
    return None if gen is None else Snapshot(Path(root), gen)
