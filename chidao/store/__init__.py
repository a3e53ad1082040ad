"""The store: the one owner of the index on disk (layout and schema, writer, snapshot reader, embedding
cache, dense and lexical backends). ``ingest`` writes through it, ``search`` reads through it."""

from chidao.store.cache import EmbeddingCache
from chidao.store.layout import (
    CURRENT,
    SCHEMA_VERSION,
    UPLOADS,
    IndexBusy,
    IndexMeta,
    IndexStateError,
    IndexWriteError,
    ModelMismatch,
    check_model,
    current_generation,
    doc_id_for,
    iter_generations,
    read_meta,
    text_hash,
    write_failure,
)
from chidao.store.snapshot import Snapshot, open_snapshot
from chidao.store.writer import IndexWriter

__all__ = [
    "CURRENT",
    "SCHEMA_VERSION",
    "UPLOADS",
    "EmbeddingCache",
    "IndexBusy",
    "IndexMeta",
    "IndexStateError",
    "IndexWriteError",
    "IndexWriter",
    "ModelMismatch",
    "Snapshot",
    "check_model",
    "current_generation",
    "doc_id_for",
    "iter_generations",
    "open_snapshot",
    "read_meta",
    "text_hash",
    "write_failure",
]
