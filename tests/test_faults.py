"""Fault injection on the ingest and the index: killed ingests, two writers, readers during an
ingest, a disk that fills up while saving.

Everything runs real ``chidao ingest`` processes (``python -m chidao.cli``) with the
deterministic hashing encoder, each on its own index folder. Kills come from the test-only
failpoints in ``chidao.failpoints`` / ``ingest.pipeline`` (``CHIDAO_FAILPOINT=NAME[:N]`` makes the
process SIGKILL itself there; with ``CHIDAO_FAILPOINT_RELEASE=FILE`` it parks there until FILE
exists) and from SIGKILLs sent at timed moments. After every fault the previous index must
answer exactly as before, the lock must be free, and the next run must complete the work
(re-using the embeddings already cached).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from chidao.config import Settings
from chidao.store import IndexWriteError, current_generation, read_meta
from ingest.pipeline import ingest_paths
from search.searcher import Searcher

MODEL = "hashing-test"
EMBED_BATCH = 64  # ingest.pipeline.EMBED_BATCH, restated so a change there is noticed here

# ---------------------------------------------------------------- a corpus made on the fly

AGENCIES = [
    "Sở Y tế",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Công an tỉnh",
    "Sở Giáo dục và Đào tạo",
    "Sở Giao thông vận tải",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Tài nguyên và Môi trường",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Sở Thông tin và Truyền thông",
    "Sở Kế hoạch và Đầu tư",
    "Sở Công Thương",
]
TOPICS = [
    "phòng, chống dịch COVID-19",
    "phòng chống sạt lở đất mùa mưa bão",
    "tiêm chủng vắc xin",
    "cải cách hành chính",
    "chuyển đổi số",
    "bảo đảm trật tự an toàn giao thông",
    "quản lý đất đai",
    "xây dựng nông thôn mới",
    "giải ngân vốn đầu tư công",
]
PLACES = [
    "xã Quang Trung",
    "huyện Bảo Lạc",
    "thành phố Cao Bằng",
    "huyện Hà Quảng",
    "huyện Trùng Khánh",
    "huyện Nguyên Bình",
    "huyện Thạch An",
    "huyện Hòa An",
]
VERBS = ["rà soát", "kiểm tra", "tổng hợp", "hướng dẫn", "đôn đốc", "tuyên truyền", "triển khai", "đánh giá"]
#: The topic of the documents added by the faulty runs; the first index has none of it.
NEW_TOPIC = "phòng chống rét đậm, rét hại cho đàn gia súc"


def directive(i: int, topic: str | None = None) -> str:
    """A plan ("Kế hoạch") of about 3,000 characters, six chunks, every passage unique to ``i``."""
    rng = random.Random(i)
    topic = topic or rng.choice(TOPICS)
    lines = [
        "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG",
        f"Số: {i}/KH-UBND",
        f"Cao Bằng, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm 2021",
        "KẾ HOẠCH",
        f"Triển khai công tác {topic}",
        "I. MỤC ĐÍCH, YÊU CẦU",
        f"Thực hiện có hiệu quả công tác {topic} trên địa bàn tỉnh theo Công điện số {100 + i}/CĐ-TTg.",
    ]
    for part, title in enumerate(["II. NHIỆM VỤ CỤ THỂ", "III. TỔ CHỨC THỰC HIỆN"]):
        lines.append(title)
        for j in range(1, 7):
            lead, partner = rng.sample(AGENCIES, 2)
            lines.append(
                f"{j}. {lead} chủ trì, phối hợp với {partner} {rng.choice(VERBS)} công tác {topic} tại "
                f"{rng.choice(PLACES)} và {rng.choice(PLACES)}; hoàn thành trước ngày {rng.randint(1, 28)}/"
                f"{rng.randint(1, 12)}/2021, báo cáo kết quả đợt {i}.{part}.{j} về Ủy ban nhân dân tỉnh."
            )
    return "\n".join(lines) + "\n"


def make_corpus(folder: Path, numbers: range, topic: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        (folder / f"ke-hoach-{i:03d}.txt").write_text(directive(i, topic), encoding="utf-8")
    return folder


QUERIES = [
    "Sở Y tế chủ trì phối hợp phòng, chống dịch COVID-19",
    "so tai chinh bo tri kinh phi xay dung nong thon moi",  # without accents
    "Công điện số 105/CĐ-TTg",
    unicodedata.normalize("NFD", "Sở Giao thông vận tải kiểm tra an toàn giao thông tại huyện Bảo Lạc"),
    NEW_TOPIC,
]


# ---------------------------------------------------------------- helpers


def settings_for(index: Path, cache: Path) -> Settings:
    return Settings(index=index, cache_dir=cache, encoder="hashing", model=MODEL)


def answers(settings: Settings) -> dict[str, list[tuple[str, float]]]:
    """What a fresh reader answers: the top passages (chunk id, score) of every query."""
    searcher = Searcher.open(settings)
    return {q: [(h.chunk_id, h.score) for h in searcher.search(q, k=5)] for q in QUERIES}


def new_topic_found(result: list[tuple[str, float]], new_doc_ids: set[str]) -> bool:
    return bool(result) and result[0][0].split("_")[0] in new_doc_ids


def cli_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    empty_config = tmp / "chidao-empty.toml"
    empty_config.touch()
    env.update(
        CHIDAO_CONFIG=str(empty_config),  # no chidao.toml of the developer's
        CHIDAO_ENCODER="hashing",
        CHIDAO_MODEL=MODEL,
        CHIDAO_CACHE_DIR=str(tmp / "cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def ingest_cmd(index: Path, *paths: Path, wait: float | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "chidao.cli", "ingest", "--json", "--index", str(index)]
    if wait is not None:
        cmd += ["--wait", str(wait)]
    return cmd + [str(p) for p in paths]


def run_ingest(index: Path, *paths: Path, env: dict[str, str], timeout: float = 120, **kw) -> tuple[int, dict, str]:
    proc = subprocess.run(
        ingest_cmd(index, *paths, wait=kw.pop("wait", None)),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=index.parent,
        **kw,
    )
    report = json.loads(proc.stdout) if proc.returncode == 0 else {}
    return proc.returncode, report, proc.stderr


def lock_is_free(index: Path) -> bool:
    from filelock import FileLock, Timeout

    lock = FileLock(str(index / ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    lock.release()
    return True


def tmp_generations(index: Path) -> list[Path]:
    return sorted(index.glob("gen-*.tmp"))


def generations(index: Path) -> set[str]:
    return {p.name for p in index.glob("gen-*") if p.is_dir() and not p.name.endswith(".tmp")}


def wait_for(predicate, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


# ---------------------------------------------------------------- shared material (built once)

N_OLD, N_NEW = 10, 20  # documents in the first index / added by the faulty run
CHUNKS_PER_DOC = 6
# Passages embedded per document: its chunks and its 24 assignments (12 items, a lead and a partner
# each), which ingest embeds for the agency answers (chidao.records.assignment_passage).
PASSAGES_PER_DOC = CHUNKS_PER_DOC + 24


class World:
    """The documents, the first index (copied for every test) and a clean reference index."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.old = make_corpus(root / "docs" / "cu", range(1, 1 + N_OLD))
        self.new = make_corpus(root / "docs" / "moi", range(100, 100 + N_NEW), topic=NEW_TOPIC)
        self.extra = make_corpus(root / "docs" / "them", range(200, 205))
        self.baseline = root / "baseline" / "index"
        base = settings_for(self.baseline, root / "baseline" / "cache")
        first = ingest_paths([self.old], base)
        assert first.added == N_OLD and not first.failed
        self.baseline_meta = read_meta(self.baseline)
        self.baseline_answers = answers(base)
        # The reference: the same two runs, never interrupted.
        ref = settings_for(root / "reference" / "index", root / "reference" / "cache")
        first_ref = ingest_paths([self.old], ref)
        second = ingest_paths([self.old, self.new], ref)
        assert second.added == N_NEW and second.unchanged == N_OLD
        self.new_passages = second.embedded
        self.total_passages = first_ref.embedded + second.embedded
        self.total_chunks = read_meta(ref.index).chunks
        self.reference_answers = answers(ref)
        self.new_doc_ids = {
            d["doc_id"] for d in Searcher.open(ref).documents() if d["source"].startswith(str(self.new))
        }
        assert len(self.new_doc_ids) == N_NEW

    def fresh_index(self, tmp: Path) -> tuple[Path, Settings]:
        """A copy of the first index (with its embedding cache) in ``tmp``."""
        index = tmp / "index"
        shutil.copytree(self.baseline, index)
        return index, settings_for(index, tmp / "cache")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    w = World(tmp_path_factory.mktemp("faults"))
    # The material must make the checks meaningful.
    assert w.new_passages == N_NEW * PASSAGES_PER_DOC and w.new_passages > EMBED_BATCH
    assert w.total_chunks == (N_OLD + N_NEW) * CHUNKS_PER_DOC
    assert w.baseline_answers != w.reference_answers
    assert not new_topic_found(w.baseline_answers[NEW_TOPIC], w.new_doc_ids)
    assert new_topic_found(w.reference_answers[NEW_TOPIC], w.new_doc_ids)
    return w


def assert_previous_index_intact(world: World, index: Path, settings: Settings) -> None:
    assert read_meta(index) == world.baseline_meta
    assert answers(settings) == world.baseline_answers
    assert lock_is_free(index)


def assert_resume_completes(world: World, index: Path, settings: Settings, env, expect_embedded: int) -> dict:
    code, report, stderr = run_ingest(index, world.old, world.new, env=env)
    assert code == 0, stderr
    assert report["failed"] == []
    assert report["chunks"] == world.total_chunks
    assert report["embedded"] == expect_embedded
    assert not tmp_generations(index)
    meta = read_meta(index)
    assert (meta.documents, meta.chunks) == (N_OLD + N_NEW, world.total_chunks)
    assert answers(settings) == world.reference_answers
    assert lock_is_free(index)
    return report


# ---------------------------------------------------------------- killed ingests (failpoints)

# (failpoint, what must be left behind, passages the resumed run still embeds)
KILL_POINTS = [
    ("tmp_created", "tmp", "all"),  # temporary generation made, manifest copied
    ("parse:7", "tmp", "all"),  # mid-parse, after 7 of the 20 new files
    ("embed_batch:1", "tmp", "rest"),  # mid-embedding: one batch of 64 cached
    ("files_written", "tmp", "none"),  # FAISS and BM25 written, not yet renamed
    ("before_switch", "orphan", "none"),  # generation renamed into place, CURRENT not switched
]


@pytest.mark.parametrize(("point", "leftover", "embeds"), KILL_POINTS, ids=[p[0] for p in KILL_POINTS])
def test_ingest_killed_at_a_failpoint_keeps_the_previous_index(world, tmp_path, point, leftover, embeds):
    index, settings = world.fresh_index(tmp_path)
    env = cli_env(tmp_path)
    code, _, stderr = run_ingest(index, world.old, world.new, env={**env, "CHIDAO_FAILPOINT": point})
    assert code == -signal.SIGKILL, f"the failpoint {point} did not fire: {stderr}"

    # What the killed run left on disk proves where it died.
    if leftover == "tmp":
        assert len(tmp_generations(index)) == 1
        assert generations(index) == {"gen-000001"}
    else:
        assert not tmp_generations(index)
        assert generations(index) == {"gen-000001", "gen-000002"}
    assert current_generation(index).name == "gen-000001"
    assert_previous_index_intact(world, index, settings)

    expected = {"all": world.new_passages, "rest": world.new_passages - EMBED_BATCH, "none": 0}[embeds]
    report = assert_resume_completes(world, index, settings, env, expected)
    assert (report["added"], report["unchanged"]) == (N_NEW, N_OLD)
    # The old generation stays for readers still on it; the dead run's leftovers are gone.
    live = current_generation(index).name
    assert generations(index) == {"gen-000001", live}


def test_ingest_killed_right_after_the_switch_is_already_complete(world, tmp_path):
    index, settings = world.fresh_index(tmp_path)
    env = cli_env(tmp_path)
    code, _, _ = run_ingest(index, world.old, world.new, env={**env, "CHIDAO_FAILPOINT": "after_switch"})
    assert code == -signal.SIGKILL
    # Published before old generations were pruned: the new index is live and whole.
    assert current_generation(index).name == "gen-000002"
    assert generations(index) == {"gen-000001", "gen-000002"}
    assert read_meta(index).documents == N_OLD + N_NEW
    assert answers(settings) == world.reference_answers
    assert lock_is_free(index)
    code, report, stderr = run_ingest(index, world.old, world.new, env=env)
    assert code == 0, stderr
    assert (report["added"], report["unchanged"], report["embedded"]) == (0, N_OLD + N_NEW, 0)


def test_first_ingest_killed_leaves_an_empty_searchable_index(world, tmp_path):
    index = tmp_path / "index"
    settings = settings_for(index, tmp_path / "cache")
    env = cli_env(tmp_path)
    code, _, _ = run_ingest(index, world.old, world.new, env={**env, "CHIDAO_FAILPOINT": "embed_batch:2"})
    assert code == -signal.SIGKILL
    assert read_meta(index) is None
    searcher = Searcher.open(settings)
    assert searcher.search("Sở Y tế chủ trì") == []
    assert lock_is_free(index)
    code, report, stderr = run_ingest(index, world.old, world.new, env=env)
    assert code == 0, stderr
    assert report["added"] == N_OLD + N_NEW
    assert report["embedded"] == world.total_passages - 2 * EMBED_BATCH  # two batches were cached
    assert read_meta(index).chunks == world.total_chunks
    assert answers(settings) == world.reference_answers
    assert searcher.search("Sở Y tế chủ trì")  # the reader opened on the empty index sees it too


def test_rebuild_killed_before_the_switch_keeps_the_old_index(world, tmp_path):
    index, settings = world.fresh_index(tmp_path)
    env = cli_env(tmp_path)
    cmd = [*ingest_cmd(index, world.new), "--rebuild"]
    proc = subprocess.run(cmd, env={**env, "CHIDAO_FAILPOINT": "files_written"}, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert_previous_index_intact(world, index, settings)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["embedded"] == 0  # every passage was cached by the killed run
    assert read_meta(index).documents == N_NEW


# ---------------------------------------------------------------- killed ingests (timed)

#: Kill moments as fractions of an uninterrupted run's time from its temporary generation's
#: birth to its exit: early parse, mid-parse, embedding/publishing, the very end.
KILL_FRACTIONS = (0.1, 0.45, 0.8, 0.97)


def _start_writer(world: World, index: Path, env: dict[str, str]) -> tuple[subprocess.Popen, float]:
    """Start an ingest; returns it and the moment its temporary generation appeared."""
    proc = subprocess.Popen(
        ingest_cmd(index, world.old, world.new), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for(lambda: tmp_generations(index) or proc.poll() is not None, what="the writer")
    return proc, time.monotonic()


def test_ingest_killed_at_timed_moments(world, tmp_path):
    """SIGKILL at moments nobody chose in the code, spread over a whole run."""
    index, _ = world.fresh_index(tmp_path / "timing")
    proc, born = _start_writer(world, index, cli_env(tmp_path / "timing"))
    assert proc.wait(timeout=120) == 0
    span = time.monotonic() - born

    outcomes = []
    for n, fraction in enumerate(KILL_FRACTIONS):
        case = tmp_path / f"k{n}"
        index, settings = world.fresh_index(case)
        env = cli_env(case)
        proc, born = _start_writer(world, index, env)
        try:
            time.sleep(max(0.0, born + fraction * span - time.monotonic()))
            proc.send_signal(signal.SIGKILL)
        finally:
            code = proc.wait(timeout=60)
        assert lock_is_free(index)
        if read_meta(index) == world.baseline_meta:
            outcomes.append("old" if code == -signal.SIGKILL else "old (not killed?)")
            assert answers(settings) == world.baseline_answers
        else:  # the run had published before the kill: the new index must be whole
            outcomes.append("new")
            assert read_meta(index).documents == N_OLD + N_NEW
            assert answers(settings) == world.reference_answers
        code, report, stderr = run_ingest(index, world.old, world.new, env=env)
        assert code == 0, stderr
        assert report["failed"] == [] and not tmp_generations(index)
        assert read_meta(index).chunks == world.total_chunks
        assert answers(settings) == world.reference_answers
        assert report["added"] + report["unchanged"] == N_OLD + N_NEW
        assert report["embedded"] <= world.new_passages
    assert "old" in outcomes, outcomes  # at least one kill landed mid-ingest
    print(f"\ntimed kills: run span {span:.2f}s, {len(outcomes)} kills, outcomes {outcomes}")


# ---------------------------------------------------------------- two ingests at once


def test_second_ingest_is_refused_or_waits_never_two_writers(world, tmp_path):
    index, settings = world.fresh_index(tmp_path)
    release = tmp_path / "release"
    env = cli_env(tmp_path)
    # Writer 1 parks with the lock held, its temporary generation made.
    first = subprocess.Popen(
        ingest_cmd(index, world.old, world.new),
        env={**env, "CHIDAO_FAILPOINT": "tmp_created", "CHIDAO_FAILPOINT_RELEASE": str(release)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    waiter = None
    try:
        wait_for(lambda: Path(f"{release}.waiting").exists() or first.poll() is not None, what="writer 1")
        assert first.poll() is None

        # Writer 2, no --wait: refused at once with a clear message, exit code non-zero.
        started = time.monotonic()
        code, _, stderr = run_ingest(index, world.extra, env=env)
        assert code != 0 and time.monotonic() - started < 30
        assert "Đang có một lần nạp khác ghi vào chỉ mục này" in stderr and "another ingest" in stderr
        assert "Traceback" not in stderr

        # Writer 3, --wait 1: waits about that long, then refuses saying it waited.
        started = time.monotonic()
        code, _, stderr = run_ingest(index, world.extra, env=env, wait=1)
        assert code != 0 and time.monotonic() - started >= 1.0
        assert "đã chờ 1 giây" in stderr

        # Writer 4, --wait 120: blocks while writer 1 holds the lock...
        waiter = subprocess.Popen(
            ingest_cmd(index, world.old, world.new, world.extra, wait=120),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            assert waiter.poll() is None
            assert len(tmp_generations(index)) == 1  # only writer 1 has a generation in progress
            time.sleep(0.05)
        assert_previous_index_intact_but_locked(world, index, settings)
    finally:
        release.touch()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert json.loads(out)["added"] == N_NEW
    out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    report = json.loads(out)
    # ...and then runs after writer 1, on top of what writer 1 published.
    assert (report["added"], report["unchanged"]) == (5, N_OLD + N_NEW)
    assert report["embedded"] == 5 * PASSAGES_PER_DOC
    assert read_meta(index).documents == N_OLD + N_NEW + 5
    assert read_meta(index).generation == 3
    assert lock_is_free(index)


def assert_previous_index_intact_but_locked(world: World, index: Path, settings: Settings) -> None:
    assert read_meta(index) == world.baseline_meta
    assert answers(settings) == world.baseline_answers
    assert not lock_is_free(index)


# ---------------------------------------------------------------- searches during an ingest


class Reader(threading.Thread):
    """Queries in a loop through one long-lived Searcher, as the web UI does."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.searcher = Searcher.open(settings)
        self.results: list[tuple[float, dict[str, list[tuple[str, float]]]]] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                got = {q: [(h.chunk_id, h.score) for h in self.searcher.search(q, k=5)] for q in QUERIES}
            except BaseException as exc:  # any failure is a test failure
                self.errors.append(exc)
                return
            self.results.append((time.monotonic(), got))
            self.stop.wait(0.01)  # leave the writer some CPU


def test_searches_keep_answering_during_an_ingest_and_see_it_once_published(world, tmp_path):
    index, settings = world.fresh_index(tmp_path)
    release = tmp_path / "release"
    env = {**cli_env(tmp_path), "CHIDAO_FAILPOINT": "embed_batch:1", "CHIDAO_FAILPOINT_RELEASE": str(release)}
    reader = Reader(settings)
    reader.start()
    writer = subprocess.Popen(
        ingest_cmd(index, world.old, world.new), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: Path(f"{release}.waiting").exists() or writer.poll() is not None, what="the writer")
        # The writer is mid-embedding, lock held, new documents parsed into its temporary generation.
        seen = len(reader.results)
        wait_for(lambda: len(reader.results) >= seen + 3, what="reader answers during the ingest")
        during = [r for _, r in reader.results[seen:]]
    finally:
        release.touch()
    _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    published = time.monotonic()
    wait_for(lambda: reader.results and reader.results[-1][0] > published + 0.2, what="reader after publish")
    reader.stop.set()
    reader.join(timeout=60)
    assert not reader.errors, reader.errors
    assert all(r == world.baseline_answers for r in during)  # the old index, unchanged, while writing
    assert reader.results[-1][1] == world.reference_answers  # the same reader now sees the new index
    assert new_topic_found(reader.results[-1][1][NEW_TOPIC], world.new_doc_ids)
    assert_each_search_from_one_generation(world, reader.results)
    print(f"\nreader: {len(reader.results)} query rounds, {len(during)} while the writer was parked")


def test_reader_thread_during_a_free_running_ingest(world, tmp_path):
    index, settings = world.fresh_index(tmp_path)
    reader = Reader(settings)
    reader.start()
    code, _, stderr = run_ingest(index, world.old, world.new, env=cli_env(tmp_path))
    assert code == 0, stderr
    wait_for(lambda: reader.results and reader.results[-1][1] == world.reference_answers, what="new index")
    reader.stop.set()
    reader.join(timeout=60)
    assert not reader.errors, reader.errors
    assert_each_search_from_one_generation(world, reader.results)


def assert_each_search_from_one_generation(world: World, results) -> None:
    """Every search answered exactly as the old or the new index does, and once a query got the
    new index's answer it never got the old one again."""
    for q in QUERIES:
        states = []
        for _, r in results:
            if r[q] == world.baseline_answers[q] and r[q] == world.reference_answers[q]:
                continue  # the same in both
            assert r[q] in (world.baseline_answers[q], world.reference_answers[q]), q
            states.append("old" if r[q] == world.baseline_answers[q] else "new")
        if "new" in states:
            assert "old" not in states[states.index("new") :], q
    assert results[0][1] == world.baseline_answers and results[-1][1] == world.reference_answers


def test_a_search_never_mixes_two_generations(tmp_path, monkeypatch):
    """A generation published in the middle of one search (between ranking the passages and
    reading their text) must not change that search's answer: the candidates' row ids of the
    old generation may name other passages in the new one (an updated document's rows reuse them)."""
    folder = make_corpus(tmp_path / "docs", range(1, 4))
    settings = settings_for(tmp_path / "index", tmp_path / "cache")
    ingest_paths([folder], settings)
    searcher = Searcher.open(settings)
    query = "báo cáo kết quả đợt 3.1.2"  # in the document inserted last, whose rows have the highest ids
    expected = searcher.search(query, k=3)
    assert "đợt 3.1.2" in expected[0].text
    # The document is rewritten; its new passages take the row ids its old ones had.
    target = folder / "ke-hoach-003.txt"
    target.write_text(directive(3).replace("báo cáo kết quả", "gửi báo cáo kết quả thực hiện"), encoding="utf-8")

    real_hits, published = Searcher._hits, []

    def hits_after_a_publish(self, ids, scores):
        if not published:
            published.append(ingest_paths([folder], settings))
        return real_hits(self, ids, scores)

    monkeypatch.setattr(Searcher, "_hits", hits_after_a_publish)
    during = searcher.search(query, k=3)
    assert published and published[0].updated == 1
    assert during == expected  # the whole search answered from the generation it started on
    after = searcher.search(query, k=3)  # the next search uses the new generation
    assert after[0].doc_id != expected[0].doc_id and "gửi báo cáo kết quả thực hiện đợt 3.1.2" in after[0].text


# ---------------------------------------------------------------- the disk fills up while saving

# RLIMIT_FSIZE makes every write past the limit fail with EFBIG (Python ignores SIGXFSZ): below
# the size of the copied manifest the copy fails; between it and the new manifest's size the
# inserts of the new documents fail.
FSIZE_LIMITS = {"copy of the manifest": 0.5, "inserts into the new manifest": 1.5}


@pytest.mark.parametrize("stage", list(FSIZE_LIMITS))
def test_file_size_limit_while_saving_keeps_the_previous_index(world, tmp_path, stage):
    index, settings = world.fresh_index(tmp_path)
    manifest = current_generation(index) / "manifest.sqlite"
    limit = int(manifest.stat().st_size * FSIZE_LIMITS[stage])

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = cli_env(tmp_path)
    code, _, stderr = run_ingest(index, world.old, world.new, env=env, preexec_fn=limit_file_size)
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert "Không ghi được chỉ mục: ổ đĩa đã đầy hoặc không ghi được" in stderr
    assert "Chỉ mục cũ vẫn còn nguyên và vẫn được dùng để tra cứu" in stderr
    assert "disk full or write failed" in stderr
    assert not tmp_generations(index)
    assert generations(index) == {"gen-000001"}
    assert_previous_index_intact(world, index, settings)
    # Space freed: the same command completes.
    assert_resume_completes(world, index, settings, env, world.new_passages)


def _plant_dev_full(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to("/dev/full")


def _inject_enospc(monkeypatch, where: str, index: Path) -> None:
    """Make one write of the publish step hit a full disk for real: the file it writes is a
    symbolic link to /dev/full, where every write fails with ENOSPC."""
    from chidao.store.dense import DenseIndex
    from chidao.store.lexical import LexicalIndex

    if where == "faiss":
        real_dense = DenseIndex.save

        def save_dense(self, path):
            _plant_dev_full(Path(path))
            return real_dense(self, path)

        monkeypatch.setattr(DenseIndex, "save", save_dense)
    elif where in ("bm25", "index.json"):
        real_lexical = LexicalIndex.save

        def save_lexical(self, folder):
            folder = Path(folder)
            _plant_dev_full(folder / "ids.npy" if where == "bm25" else folder.parent / "index.json")
            return real_lexical(self, folder)

        monkeypatch.setattr(LexicalIndex, "save", save_lexical)
    else:  # the new CURRENT pointer, written after the generation was renamed into place
        _plant_dev_full(index / "CURRENT.tmp")


ENOSPC_POINTS = ["faiss", "bm25", "index.json", "CURRENT"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("where", ENOSPC_POINTS)
def test_disk_full_while_publishing_keeps_the_previous_index(world, tmp_path, monkeypatch, where):
    index, settings = world.fresh_index(tmp_path)
    with monkeypatch.context() as patch:
        _inject_enospc(patch, where, index)
        with pytest.raises(IndexWriteError) as info:
            ingest_paths([world.old, world.new], settings)
    err = info.value
    assert isinstance(err, OSError)  # callers catching write errors still catch it
    assert "ổ đĩa đã đầy" in str(err) and "Chỉ mục cũ vẫn còn nguyên" in str(err)
    assert not tmp_generations(index)
    assert generations(index) == {"gen-000001"}  # no half-published generation left behind
    assert_previous_index_intact(world, index, settings)
    (index / "CURRENT.tmp").unlink(missing_ok=True)  # space freed
    report = ingest_paths([world.old, world.new], settings)
    assert report.added == N_NEW and report.embedded == 0  # the embeddings were cached before the failure
    assert answers(settings) == world.reference_answers


def test_embedding_cache_full_keeps_the_previous_index(world, tmp_path, monkeypatch):
    import sqlite3

    from chidao.store import EmbeddingCache

    index, settings = world.fresh_index(tmp_path)
    real_put, calls = EmbeddingCache.put, []

    def put(self, model, hashes, vectors):
        calls.append(len(hashes))
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real_put(self, model, hashes, vectors)

    with monkeypatch.context() as patch:
        patch.setattr(EmbeddingCache, "put", put)
        with pytest.raises(IndexWriteError, match="SQLite: database or disk is full"):
            ingest_paths([world.old, world.new], settings)
    assert_previous_index_intact(world, index, settings)
    report = ingest_paths([world.old, world.new], settings)
    assert report.embedded == world.new_passages - EMBED_BATCH


def test_other_errors_are_not_called_disk_full(world, tmp_path):
    index, settings = world.fresh_index(tmp_path)

    class Broken:
        dim = 8

        def encode_passages(self, texts, show_progress=False):
            raise ValueError("the model is broken")

    with pytest.raises(ValueError, match="the model is broken"):
        ingest_paths([world.old, world.new], settings, encoder=Broken())
    assert_previous_index_intact(world, index, settings)
