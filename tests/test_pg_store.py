"""The PostgreSQL store against the file store, on a real PostgreSQL with pgvector (pgserver):
the same CLI JSON for ingest/search/ask/refs/tasks/docs, the same BM25 scores, the same follow-up marks
(done / reopen / the board, append-only, seen by every reader), and the store's errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from board_corpus import NOTICE_NUMBER, write_board_corpus
from conftest import build_small_corpus
from pgfixture import pg_server, pg_url  # noqa: F401 - fixtures

from chidao.config import ConfigError, Settings
from chidao.store import IndexStateError

ROOT = Path(__file__).resolve().parent.parent
MODEL = "hashing-test"
QUERIES = ["tiêm chủng vắc xin", "tiem chung vac xin", "sạt lở đất mùa mưa bão", "Sở Y tế được giao nhiệm vụ gì?"]


def cli_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    (tmp / "empty.toml").touch()
    env.update(
        CHIDAO_CONFIG=str(tmp / "empty.toml"),
        CHIDAO_ENCODER="hashing",
        CHIDAO_MODEL=MODEL,
        CHIDAO_CACHE_DIR=str(tmp / "cache"),
    )
    return env


def chidao_run(env: dict[str, str], index: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chidao.cli", *args, "--index", index, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def chidao(env: dict[str, str], index: str, *args: str) -> dict:
    proc = chidao_run(env, index, *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _scores_close(a, b) -> None:
    """Equal JSON, float fields within 1e-3 (the stores compute BM25 in float32 and float64)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _scores_close(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _scores_close(x, y)
    elif isinstance(a, float):
        assert b == pytest.approx(a, abs=1e-3)
    else:
        assert a == b


@pytest.fixture
def both_stores(tmp_path: Path, pg_url: str):  # noqa: F811
    corpus = build_small_corpus(tmp_path / "docs")
    env = cli_env(tmp_path)
    folder = str(tmp_path / "index")
    reports = {index: chidao(env, index, "ingest", str(corpus)) for index in (folder, pg_url)}
    return env, folder, pg_url, reports


@pytest.fixture
def board_stores(tmp_path: Path, pg_url: str):  # noqa: F811
    """The board's corpus (a notice with dated tasks, a report, a follow-up notice) ingested by the CLI into
    a folder and into a database: (env, folder, url)."""
    docs = write_board_corpus(tmp_path / "docs")
    env = cli_env(tmp_path)
    folder = str(tmp_path / "index")
    for index in (folder, pg_url):
        assert chidao(env, index, "ingest", str(docs))["added"] == 3
    return env, folder, pg_url


def test_cli_round_trip_matches_the_file_store(both_stores) -> None:
    env, folder, url, reports = both_stores
    file_report, pg_report = reports[folder], reports[url]
    for key in ("added", "updated", "unchanged", "removed", "chunks", "embedded", "failed", "duplicates"):
        assert pg_report[key] == file_report[key], key
    assert pg_report["added"] == 3 and pg_report["failed"][0]["code"] == "corrupt_pdf"
    assert set(pg_report["seconds"]) == {"parse", "embed", "publish"}

    for args in (
        *(("search", q) for q in QUERIES),
        *(("ask", q) for q in QUERIES),
        ("refs", "570/CĐ-TTg"),
        ("refs", "570/cd-ttg"),
        ("tasks", "Sở Y tế"),
        ("tasks", "so y te"),
        ("tasks",),
        ("docs",),
    ):
        file_out, pg_out = chidao(env, folder, *args), chidao(env, url, *args)
        _scores_close(file_out, pg_out)
        if args[0] == "search":
            assert pg_out["results"], args  # found something, with and without accents
    assert len(chidao(env, url, "docs")["documents"]) == 3

    # A second run: nothing new; --prune after a file is gone removes its document.
    again = chidao(env, url, "ingest", str(Path(reports[folder]["failed"][0]["source"]).parent))
    assert again["added"] == 0 and again["unchanged"] == 3
    pdf = Path(reports[folder]["failed"][0]["source"]).parent / "ke-hoach-tiem-chung.pdf"
    pdf.unlink()
    pruned = chidao(env, url, "ingest", "--prune", str(pdf.parent))
    assert pruned["removed"] == 1
    assert {d["format"] for d in chidao(env, url, "docs")["documents"]} == {"md", "docx"}


def test_bm25_from_term_statistics_equals_bm25s(both_stores) -> None:
    from chidao.store.factory import open_store
    from chidao.store.lexical import query_tokens

    _, folder, url, _ = both_stores
    file_snap, pg_snap = open_store(Path(folder)).open_snapshot(), open_store(url).open_snapshot()

    def by_chunk(snap, scores) -> dict[str, float]:
        rows = snap.passages([int(i) for i in snap.lexical.ids])
        return {rows[int(i)].chunk_id: float(s) for i, s in zip(snap.lexical.ids, scores, strict=True)}

    for q in [*QUERIES, "570/CĐ-TTg", "y tế y tế", "không có từ này"]:
        tokens = query_tokens(q)
        want = by_chunk(file_snap, file_snap.lexical.scores(tokens))
        got = by_chunk(pg_snap, pg_snap.lexical.scores(tokens))
        assert want.keys() == got.keys()
        np.testing.assert_allclose([got[k] for k in want], list(want.values()), rtol=1e-5, atol=1e-6)
        idf_file, idf_pg = file_snap.lexical.idf(tokens), pg_snap.lexical.idf(tokens)
        assert idf_pg == pytest.approx(idf_file)
        assert pg_snap.lexical.df(tokens) == file_snap.lexical.df(tokens)
    assert pg_snap.meta.chunks == file_snap.meta.chunks
    assert pg_snap.meta.dense == "hnsw" and pg_snap.meta.model == f"hashing:{MODEL}"


def test_unknown_scheme_is_refused_with_the_valid_forms() -> None:
    from chidao.store.factory import open_store

    settings = Settings(index="mysql://u@h/db")
    assert settings.index == "mysql://u@h/db"  # a URL is kept as text
    assert Settings(index="chỉ-mục").index == Path("chỉ-mục")
    with pytest.raises(ConfigError, match=r"unknown index scheme 'mysql'.*postgresql://"):
        open_store(settings.index)


def test_other_schema_version_and_other_model_are_refused(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    import psycopg

    from chidao.store.factory import open_store
    from chidao.store.layout import ModelMismatch
    from search.searcher import Searcher

    env = cli_env(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Số: 12/CT-UBND\nChỉ thị về phòng, chống thiên tai.", encoding="utf-8")
    chidao(env, pg_url, "ingest", str(tmp_path / "docs"))
    other = Settings(index=pg_url, encoder="hashing", model="another", cache_dir=tmp_path / "cache")
    with pytest.raises(ModelMismatch):
        Searcher.open(other)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, now())")
    with pytest.raises(IndexStateError, match="phiên bản lược đồ 99"):
        open_store(pg_url).meta()
    proc = subprocess.run(
        [sys.executable, "-m", "chidao.cli", "search", "thiên tai", "--index", pg_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "schema version 99" in proc.stderr


def test_database_without_pgvector_is_refused(pg_url: str, monkeypatch) -> None:  # noqa: F811
    from chidao.store.pg import schema

    class NoVector:  # the catalogue of a server without the extension
        def __init__(self, conn) -> None:
            self.conn = conn

        def execute(self, sql, *args):
            if "pg_available_extensions" in sql:
                sql = "SELECT 1 WHERE false"
            return self.conn.execute(sql, *args)

    conn = schema.connect(pg_url)
    with pytest.raises(IndexStateError, match="pgvector"):
        schema.migrate(NoVector(conn))
    conn.close()


def test_delete_and_rebuild_seen_by_a_long_lived_reader(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    from ingest.pipeline import ingest_paths, remove_documents
    from search.searcher import Searcher

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Số: 12/CT-UBND\nChỉ thị về phòng, chống thiên tai.\n", encoding="utf-8")
    (docs / "b.txt").write_text("Số: 13/CT-UBND\nChỉ thị về bảo vệ rừng mùa khô.\n", encoding="utf-8")
    settings = Settings(index=pg_url, encoder="hashing", model=MODEL, cache_dir=tmp_path / "cache")
    assert ingest_paths([docs], settings).added == 2
    reader = Searcher.open(settings)
    assert {d["number"] for d in reader.documents()} == {"12/CT-UBND", "13/CT-UBND"}
    gone = next(d["doc_id"] for d in reader.documents() if d["number"] == "12/CT-UBND")
    assert remove_documents([gone], settings) == [str(docs / "a.txt")]
    assert {d["number"] for d in reader.documents()} == {"13/CT-UBND"}  # the same reader sees the deletion
    assert reader.search("thien tai", k=5) == [] or all(h.doc_id != gone for h in reader.search("thien tai", k=5))
    report = ingest_paths([docs], settings, rebuild=True)
    assert report.added == 2 and report.embedded == 0  # the embedding cache survives a rebuild
    assert reader.search("thiên tai", k=1)[0].number == "12/CT-UBND"


# ---------------------------------------------------------------- follow-up marks


def _same_event(file_event: dict, pg_event: dict) -> None:
    """The same JSON event from both stores: same keys and types, same values but the time of the mark."""
    import datetime as dt

    assert list(pg_event) == list(file_event)
    for key, value in file_event.items():
        assert type(pg_event[key]) is type(value), key
        if key != "at":
            assert pg_event[key] == value, key
    for event in (file_event, pg_event):
        at = dt.datetime.fromisoformat(event["at"])
        assert at.utcoffset() == dt.timedelta(0) and at.microsecond == 0 and event["at"].endswith("+00:00")


def _same_board(file_board: dict, pg_board: dict) -> None:
    """The same `tasks --json` from both stores; a mark's time ("at") differs by when each was made."""

    def without_at(obj):
        if isinstance(obj, dict):
            return {k: without_at(v) for k, v in obj.items() if k != "at" or not isinstance(v, str)}
        if isinstance(obj, list):
            return [without_at(x) for x in obj]
        return obj

    _scores_close(without_at(file_board), without_at(pg_board))


def test_done_reopen_and_the_board_match_the_file_store(board_stores) -> None:
    from chidao.store.factory import open_marks

    env, folder, url = board_stores
    as_of = ("--as-of", "2025-03-25")
    board = {index: chidao(env, index, "tasks", *as_of) for index in (folder, url)}
    _scores_close(board[folder], board[url])
    lead = next(a for a in board[url]["assignments"] if a["agency"] == "Sở Y tế" and a["number"] == NOTICE_NUMBER)
    tid = lead["task_id"]
    assert lead["done"] is None and lead["status"] == "sap_den_han"

    reader = open_marks(url)  # a long-lived reader with its own connection, opened before any mark
    assert reader.current() == {} and reader.history() == []
    refused = chidao_run(env, url, "reopen", tid)  # not done yet: refused on a database as in a folder
    assert refused.returncode == 1 and "chưa được đánh dấu hoàn thành" in refused.stderr

    mark = ("--by", "Nguyễn Văn Á", "--note", "Đã báo cáo đủ", "--doc", "120/BC-SYT", "--on", "2025-03-28")
    done = {index: chidao(env, index, "done", tid, *mark) for index in (folder, url)}
    _same_event(done[folder], done[url])
    assert done[url]["action"] == "done" and done[url]["by"] == "Nguyễn Văn Á" and done[url]["done_on"] == "2025-03-28"
    assert done[url]["agency"] == "Sở Y tế" and done[url]["doc_number"] == "120/BC-SYT"

    # Another process (a new CLI run) and the long-lived reader both see the mark.
    finished = {index: chidao(env, index, "tasks", "--status", "hoan_thanh", *as_of) for index in (folder, url)}
    _same_board(finished[folder], finished[url])
    ids = {a["task_id"] for a in finished[url]["assignments"]}
    assert tid in ids and finished[url]["assignments"]
    item = next(a for a in finished[url]["assignments"] if a["task_id"] == tid)
    assert item["done"]["by"] == "Nguyễn Văn Á" and item["done"]["on_time"] is True
    assert item["done"]["at"] == done[url]["at"]
    assert reader.current()[tid].done and reader.current()[tid].note == "Đã báo cáo đủ"
    by_accentless = chidao(env, url, "tasks", "so y te", "--status", "hoan_thanh", *as_of)
    assert tid in {a["task_id"] for a in by_accentless["assignments"]}

    # The marks live outside what --rebuild truncates.
    assert chidao(env, url, "ingest", "--rebuild", str(Path(folder).parent / "docs"))["added"] == 3
    assert tid in {a["task_id"] for a in chidao(env, url, "tasks", "--status", "hoan_thanh", *as_of)["assignments"]}

    reopened = {
        index: chidao(env, index, "reopen", tid, "--by", "Trần Thị B", "--note", "Thiếu số liệu")
        for index in (folder, url)
    }
    _same_event(reopened[folder], reopened[url])
    assert reopened[url]["action"] == "reopen" and reopened[url]["id"] == 2 and reopened[url]["done_on"] is None
    after = {index: chidao(env, index, "tasks", *as_of) for index in (folder, url)}
    _same_board(after[folder], after[url])
    assert next(a for a in after[url]["assignments"] if a["task_id"] == tid)["done"] is None
    assert [e.action for e in reader.history(tid)] == ["done", "reopen"] and not reader.current()[tid].done
    again = chidao_run(env, url, "reopen", tid)
    assert again.returncode == 1 and "chưa được đánh dấu hoàn thành" in again.stderr
    unknown = chidao_run(env, url, "done", "t000000000000000")
    assert unknown.returncode == 1 and "Không tìm thấy nhiệm vụ" in unknown.stderr
    assert len(reader.history()) == 2  # the refused commands appended nothing


def test_marks_table_is_append_only(pg_url: str) -> None:  # noqa: F811
    import psycopg

    from chidao.store.factory import open_marks
    from chidao.store.pg.schema import connect, migrate

    marks = open_marks(pg_url)
    assert marks.current() == {}  # a database without an index has no marks (and reading creates nothing)
    with pytest.raises(IndexStateError, match="chidao ingest"):
        marks.mark_done("t1")
    with connect(pg_url) as conn:
        migrate(conn)
    marks.mark_done("t1", by="Nguyễn Văn A", note="Đã xong", doc_number="120/BC-SYT", agency="Sở Y tế")
    marks.reopen("t1", by="Trần Thị B")
    marks.mark_done("t2", by="Lê C")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for sql in (
            "UPDATE followup_history SET note = 'sửa'",
            "DELETE FROM followup_history WHERE task_id = 't1'",
            "TRUNCATE followup_history",
        ):
            with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
                conn.execute(sql)
    history = marks.history()
    assert [(e.task_id, e.action) for e in history] == [("t1", "done"), ("t1", "reopen"), ("t2", "done")]
    assert history[0].note == "Đã xong" and history[0].agency == "Sở Y tế"
    current = marks.current()
    assert not current["t1"].done and current["t1"].by == "Trần Thị B" and current["t2"].done


def test_board_tab_marks_on_a_database(board_stores, tmp_path: Path) -> None:
    """The web board's "done" and "reopen" buttons (their handlers) on a postgresql:// index."""
    from chidao.store.factory import open_marks
    from search.searcher import Searcher
    from webui.backend import Backend
    from webui.board import BoardBackend

    env, _, url = board_stores
    settings = Settings(index=url, encoder="hashing", model=MODEL, cache_dir=tmp_path / "cache")
    tab = BoardBackend(Backend(settings, Searcher.open(settings)))
    tid = next(
        a["task_id"]
        for a in chidao(env, url, "tasks", "Sở Y tế", "--as-of", "2025-03-25")["assignments"]
        if a["number"] == NOTICE_NUMBER and a["role"] != "phối hợp"
    )
    assert "Đã đánh dấu hoàn thành" in tab.mark_done(tid, "Xong", "120/BC-SYT", "28/03/2025", "chuyen-vien")
    mark = open_marks(url).current()[tid]
    assert (mark.by, mark.done_on, mark.doc_number) == ("chuyen-vien", "2025-03-28", "120/BC-SYT")
    page, _, _ = tab.view("", "hoan_thanh", "", "", "", "25/03/2025")
    assert f'data-task="{tid}"' in page
    assert "Đã mở lại" in tab.reopen(tid, "chuyen-vien")
    assert "chưa được đánh dấu" in tab.reopen(tid, "chuyen-vien")
    assert not (Path.cwd() / "postgresql:").exists()  # no folder named after the URL


def test_a_version_2_database_gets_the_marks_table_on_its_next_ingest(board_stores) -> None:
    """A database made before the marks existed (schema version 2): readers and `done` ask for an upgrade,
    the next ingest applies migration 003, and the documents and their task ids are kept."""
    import psycopg

    env, _, url = board_stores
    tid = chidao(env, url, "tasks", "Sở Y tế")["assignments"][0]["task_id"]
    with psycopg.connect(url, autocommit=True) as conn:  # back to what version 2 made
        conn.execute("DROP TABLE followup_history")
        conn.execute("DROP FUNCTION followup_history_append_only")
        conn.execute("DELETE FROM schema_version WHERE version = 3")
    refused = chidao_run(env, url, "done", tid)
    assert refused.returncode == 1 and "phiên bản lược đồ 2" in refused.stderr and "chidao ingest" in refused.stderr
    docs = Path(env["CHIDAO_CACHE_DIR"]).parent / "docs"
    assert chidao(env, url, "ingest", str(docs))["unchanged"] == 3
    assert chidao(env, url, "done", tid, "--on", "2025-03-28")["task_id"] == tid
    assert chidao(env, url, "tasks", "Sở Y tế", "--status", "hoan_thanh")["assignments"][0]["task_id"] == tid


def test_assignment_passages_are_embedded_at_ingest_in_both_stores(both_stores) -> None:
    """Agency answers score tasks against the question with vectors the ingest computed (no encoder
    pass at question time): both stores hold one for every assignment, and the same one."""
    from chidao.records import assignment_passage
    from chidao.store.factory import open_store
    from chidao.store.layout import text_hash

    _, folder, url, _ = both_stores
    model = f"hashing:{MODEL}"
    found = {}
    for index in (Path(folder), url):
        store = open_store(index)
        snap = store.open_snapshot()
        rows = snap.assignments(sorted(snap.assigned_agencies()))
        assert any(r.agency == "Sở Y tế" for r in rows)
        hashes = [text_hash(assignment_passage(r.section, r.agency, r.task)) for r in rows]
        found[str(index)] = store.cached_vectors(model, hashes)
        assert set(found[str(index)]) == set(hashes)
        # asked by hash alone, the store finds none missing but a passage it never saw
        unseen = text_hash("Sở Y tế: một nhiệm vụ không có trong văn bản nào")
        assert store.missing_vectors(model, [*hashes, unseen]) == {unseen}
    file_vecs, pg_vecs = found[folder], found[url]
    for h, v in file_vecs.items():
        np.testing.assert_allclose(pg_vecs[h], v, atol=1e-6)
