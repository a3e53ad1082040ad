"""Many writers and readers on one PostgreSQL index (real server from pgserver, real `chidao` processes,
hashing encoder): two ingest workers share the queue, one is SIGKILLed in the middle of a document (its
rows written, its transaction open), two long-lived readers poll all along. Every file ends up indexed
exactly once and no reader ever sees a partial document or loses one it had seen."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pgfixture import new_database, pg_server, pg_url  # noqa: F401 - fixtures

psycopg = pytest.importorskip("psycopg", reason="the pg extra is not installed: pip install 'chidao[pg]'")

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
N_FILES = 12
TOPICS = [
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "tiêm chủng vắc xin phòng COVID-19",
    "bảo đảm trật tự an toàn giao thông dịp Tết",
    "phòng cháy, chữa cháy rừng mùa khô",
    "quản lý, sử dụng đất đai",
    "phát triển du lịch cộng đồng",
    "chuyển đổi số trong cơ quan nhà nước",
    "giải ngân vốn đầu tư công",
    "phòng, chống dịch tả lợn châu Phi",
    "bảo vệ môi trường lưu vực sông",
    "cải cách thủ tục hành chính",
    "bảo đảm cung ứng điện mùa nắng nóng",
]
AGENCIES = ["Sở Y tế", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường", "Công an tỉnh"]


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for i, topic in enumerate(TOPICS[:N_FILES]):
        agency = AGENCIES[i % len(AGENCIES)]
        body = [
            "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG",
            f"Số: {i + 10}/CT-UBND",
            f"Cao Bằng, ngày {i + 1} tháng 3 năm 2024",
            "CHỈ THỊ",
            f"Về tăng cường {topic}",
            "I. TÌNH HÌNH",
            " ".join(f"Trong thời gian qua, công tác {topic} đã đạt kết quả bước đầu, đoạn {k}." for k in range(12)),
            "II. NHIỆM VỤ, GIẢI PHÁP",
            f"1. {agency} chủ trì, phối hợp với các sở, ngành triển khai công tác {topic}, báo cáo trước ngày "
            f"30/6/2024.",
            " ".join(f"Các địa phương rà soát, kiểm tra việc thực hiện {topic}, mục {k}." for k in range(12)),
        ]
        (folder / f"chi-thi-{i:02d}.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    return folder


def cli_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    (tmp / "empty.toml").touch()
    env.update(
        CHIDAO_CONFIG=str(tmp / "empty.toml"),
        CHIDAO_ENCODER="hashing",
        CHIDAO_MODEL="hashing-test",
        CHIDAO_CACHE_DIR=str(tmp / "cache"),
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    env.update(extra)
    return env


def wait_for(path: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_two_workers_one_killed_mid_document_two_readers(tmp_path: Path, pg_server: str, pg_url: str) -> None:  # noqa: F811
    corpus = write_corpus(tmp_path / "docs")
    ingest = [sys.executable, "-m", "chidao.cli", "ingest", "--json", "--index", pg_url, str(corpus)]
    release = tmp_path / "release"  # never created: worker A parks at its 2nd document until killed
    env = cli_env(tmp_path)

    # Reference: the same files ingested by one worker into another database.
    ref_url = new_database(pg_server, "chidao_ref")
    ref = subprocess.run([*ingest[:-2], ref_url, str(corpus)], env=env, cwd=ROOT, capture_output=True, timeout=300)
    assert ref.returncode == 0, ref.stderr
    with psycopg.connect(ref_url) as conn:
        want_chunks = dict(conn.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id").fetchall())
    assert len(want_chunks) == N_FILES

    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, str(TESTS / "pg_reader.py"), pg_url, str(stop), str(tmp_path / "cache")],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    worker_a = subprocess.Popen(
        ingest,
        env=cli_env(tmp_path, CHIDAO_FAILPOINT="document_stored:2", CHIDAO_FAILPOINT_RELEASE=str(release)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(Path(str(release) + ".waiting"))  # A: 1 document committed, the 2nd written, not committed
    with psycopg.connect(pg_url) as conn:
        parked = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        locked = conn.execute("SELECT count(*) FROM ingest_queue").fetchone()[0]
    assert parked == 1  # the parked document is invisible to others
    assert locked == N_FILES - 1

    worker_b = subprocess.Popen(ingest, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # B works through the queue around A's locked file, then waits for it.
    deadline = time.monotonic() + 240
    while True:
        with psycopg.connect(pg_url) as conn:
            left = conn.execute("SELECT count(*) FROM ingest_queue").fetchone()[0]
        if left == 1:
            break
        assert time.monotonic() < deadline and worker_b.poll() is None, "worker B stopped before A's file"
        time.sleep(0.1)
    os.kill(worker_a.pid, signal.SIGKILL)
    assert worker_a.wait(timeout=30) == -signal.SIGKILL
    out_b, err_b = worker_b.communicate(timeout=300)
    assert worker_b.returncode == 0, err_b
    report_b = json.loads(out_b)
    assert report_b["added"] == N_FILES - 1  # everything but A's first document, including A's killed one
    assert not report_b["failed"]

    stop.touch()
    rounds = []
    for r in readers:
        out, err = r.communicate(timeout=120)
        assert r.returncode == 0, err
        rounds.append([json.loads(line) for line in out.splitlines()])

    with psycopg.connect(pg_url) as conn:
        got_chunks = dict(conn.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id").fetchall())
        sources = conn.execute("SELECT path, count(*) FROM sources GROUP BY path").fetchall()
        queue = conn.execute("SELECT count(*) FROM ingest_queue").fetchone()[0]
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        assignments = conn.execute("SELECT count(*) FROM assignments").fetchone()[0]
        ref_assignments = psycopg.connect(ref_url).execute("SELECT count(*) FROM assignments").fetchone()[0]
    # Every file indexed exactly once, with all of its chunks and assignments.
    assert docs == N_FILES and len(sources) == N_FILES and all(n == 1 for _, n in sources)
    assert got_chunks == want_chunks
    assert assignments == ref_assignments
    assert queue == 0

    for reader in rounds:
        assert len(reader) >= 2
        seen: set[str] = set()
        for row in reader:
            # never a partial document, never one lost once seen
            assert all(want_chunks[d] == n for d, n in row["docs"].items()), row["docs"]
            assert seen <= set(row["docs"])
            seen = set(row["docs"])
            assert set(row["hits"]) <= set(want_chunks)
        assert set(reader[-1]["docs"]) == set(want_chunks)  # the last round sees every document
        assert reader[-1]["tasks"] == ref_assignments
    # the readers saw the index grow while the workers ran
    assert any(len(row["docs"]) < N_FILES for reader in rounds for row in reader)


def test_a_worker_resumes_a_killed_workers_file_later(tmp_path: Path, pg_url: str) -> None:  # noqa: F811
    """A lone worker killed mid-document: the next run (any machine) claims the file again."""
    corpus = write_corpus(tmp_path / "docs")
    ingest = [sys.executable, "-m", "chidao.cli", "ingest", "--json", "--index", pg_url, str(corpus)]
    killed = subprocess.run(
        ingest, env=cli_env(tmp_path, CHIDAO_FAILPOINT="document_stored:3"), cwd=ROOT, capture_output=True, timeout=300
    )
    assert killed.returncode == -signal.SIGKILL
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM ingest_queue").fetchone()[0] == N_FILES - 2
        committed = conn.execute("SELECT count(DISTINCT embed_hash) FROM chunks").fetchone()[0]
        cached = conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    assert cached > committed  # the killed document's embeddings were kept
    again = subprocess.run(ingest, env=cli_env(tmp_path), cwd=ROOT, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["added"] == N_FILES - 2 and report["unchanged"] == 2
    with psycopg.connect(pg_url) as conn:
        chunk_hashes = conn.execute("SELECT count(DISTINCT embed_hash) FROM chunks").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == N_FILES
    assert total > chunk_hashes  # the chunks' and the assignments' passages
    assert report["embedded"] == total - cached  # nothing embedded twice
