"""Connecting to a chidao PostgreSQL database: pgvector present, migrations applied, schema version checked.

Migrations are the numbered files of ``migrations/`` (``001_init.sql`` …), applied in order under an
advisory lock, each in one transaction, and recorded in ``schema_version``. A database whose version is
newer than this chidao knows, or a server without the pgvector extension, is refused with a message that
says what to do.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from chidao.store.layout import IndexStateError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_MIGRATE_LOCK = 0x63686964  # advisory lock key ("chid") held while migrating


def migrations() -> list[tuple[int, Path]]:
    """(version, file) of every migration shipped, in order."""
    out = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if m:
            out.append((int(m.group(1)), path))
    return out


def schema_version() -> int:
    """The schema version this chidao reads and writes: the last migration shipped."""
    return migrations()[-1][0]


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:  # the optional extra
        raise IndexStateError("a postgresql:// index needs the psycopg driver: pip install 'chidao[pg]'") from exc
    return psycopg


def connect(url: str, *, autocommit: bool = True):
    """A new connection (autocommit by default; transactions are opened explicitly)."""
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(url, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise IndexStateError(
            f"Không kết nối được cơ sở dữ liệu PostgreSQL của chỉ mục ({exc}). "
            "(cannot connect to the PostgreSQL index; check the URL, the server and the password)"
        ) from None
    return conn


def _installed_version(conn) -> int | None:
    exists = conn.execute("SELECT to_regclass('schema_version')").fetchone()[0]
    if exists is None:
        return None
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] if row and row[0] is not None else None


def _require_pgvector(conn) -> None:
    available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
    if available is None:
        raise IndexStateError(
            'Máy chủ PostgreSQL này chưa cài phần mở rộng pgvector (extension "vector"); hãy cài pgvector '
            "(ví dụ gói postgresql-16-pgvector) rồi chạy lại. (this PostgreSQL server has no pgvector extension)"
        )
    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")


def installed_version(conn) -> int | None:
    """The schema version of the database, None when it holds no chidao index."""
    return _installed_version(conn)


def check_schema(conn) -> None:
    """Refuse a database of another schema version (raises IndexStateError)."""
    have, want = _installed_version(conn), schema_version()
    if have is None:
        raise IndexStateError("the PostgreSQL database holds no chidao index yet; run `chidao ingest` first")
    if have != want:
        raise IndexStateError(
            f"Cơ sở dữ liệu chỉ mục có phiên bản lược đồ {have}, bản chidao này dùng phiên bản {want}; "
            "hãy nâng cấp chidao (hoặc chạy `chidao ingest` bằng bản mới để nâng cấp lược đồ). "
            f"(the database has schema version {have}, this chidao reads {want})"
        )


def migrate(conn) -> int:
    """Bring the database to this chidao's schema version; returns the version. Refuses a newer one."""
    _require_pgvector(conn)
    want = schema_version()
    conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATE_LOCK,))
    try:
        have = _installed_version(conn)
        if have is not None and have > want:
            check_schema(conn)  # raises: newer than this chidao
        have = have or 0
        pending = [(v, path) for v, path in migrations() if v > have]
        # Every pending migration, the version table and the version rows in one transaction: a reader
        # connecting meanwhile sees the old version or the new one, never a version in between.
        with conn.transaction():
            if pending:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY,"
                    " applied TIMESTAMPTZ NOT NULL)"
                )
            for version, path in pending:
                conn.execute(path.read_text(encoding="utf-8"))
                conn.execute("INSERT INTO schema_version VALUES (%s, now())", (version,))
                logger.info("applied migration %s", path.name)
        return want
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATE_LOCK,))


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)
