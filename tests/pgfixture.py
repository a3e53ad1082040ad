"""A real PostgreSQL 16 with pgvector for the store tests, started by the ``pgserver`` package (offline,
in a temporary folder, once per test session); each test gets its own database."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    """The server's URL (unix socket); skips the tests when pgserver is not installed or cannot start."""
    try:
        import pgserver
        import psycopg  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"pgserver/psycopg not installed (pip install 'chidao[pg]'): {exc}")
    folder = Path(tempfile.mkdtemp(prefix="chidao-pg-"))
    try:
        server = pgserver.get_server(folder, cleanup_mode="delete")
    except Exception as exc:  # no binaries for this platform, no shared memory …
        pytest.skip(f"pgserver could not start PostgreSQL here: {exc}")
    yield server.get_uri()
    server.cleanup()


def new_database(server_url: str, prefix: str = "chidao_test") -> str:
    """Create an empty database on the server; returns its URL."""
    import psycopg

    name = f"{prefix}_{next(_counter)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    base, _, query = server_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}?{query}"


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty database on the session's server."""
    return new_database(pg_server)
