"""Passage vectors computed ahead of questions (search/answer/prefill.py, webui.lanes.PassageFiller): once
filled, topic and number answers give the encoder nothing but the question, and answer exactly as before."""

from __future__ import annotations

import json
import threading
import time

from click.testing import CliRunner

from chidao.cli import main
from chidao.models.embed import HashingEncoder
from ingest.pipeline import ingest_paths
from search.answer.passages import chunk_passages, unit_passage
from search.answer.prefill import fill_passage_vectors, index_passages
from search.searcher import Searcher
from webui.lanes import PassageFiller

QUESTIONS = [
    "Công tác bầu cử trong bối cảnh dịch bệnh",
    "cong tac bau cu trong boi canh dich benh",
    "Phải làm gì để phòng chống sạt lở đất mùa mưa bão?",
    "Công điện 570/CĐ-TTg nói gì?",
]


class RecordingEncoder(HashingEncoder):
    """The hashing encoder, remembering every passage it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def encode_passages(self, texts, show_progress=False):
        self.passages.extend(texts)
        return super().encode_passages(texts, show_progress)


def _answers(searcher: Searcher) -> list[tuple]:
    out = []
    for q in QUESTIONS:
        a = searcher.ask(q)
        out.append((a.found, a.answer, [(c.source, c.start, c.end) for c in a.citations]))
    return out


def test_chunk_passages_split_a_chunk_into_its_citable_lines():
    text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSở Y tế chủ trì phối hợp với Sở Nội vụ hướng dẫn phòng chống dịch.\nx"
    passages = chunk_passages(text, 0, len(text), "II. NHIỆM VỤ")
    # the letterhead (a short line all in capitals) and the one-letter line are not citable
    assert passages == [
        unit_passage("II. NHIỆM VỤ", "Sở Y tế chủ trì phối hợp với Sở Nội vụ hướng dẫn phòng chống dịch.")
    ]
    assert passages[0].startswith("II. NHIỆM VỤ\nSở Y tế")
    assert unit_passage("", "  Sở Y tế  ") == "Sở Y tế"


def test_filled_index_answers_the_same_without_encoding_passages(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    before_encoder = RecordingEncoder()
    before = Searcher.open(hashing_settings, encoder=before_encoder)
    expected = _answers(before)
    asked = set(before_encoder.passages)
    assert asked, "topic and number answers re-score passages with the encoder"
    every = set(index_passages(before.snapshot))
    assert asked <= every  # the fill covers every passage an answer gives the encoder

    report = fill_passage_vectors(Searcher.open(hashing_settings))
    assert report.passages == len(every) and 0 < report.embedded <= report.passages and not report.stopped

    after_encoder = RecordingEncoder()
    after = Searcher.open(hashing_settings, encoder=after_encoder)
    assert _answers(after) == expected
    assert after_encoder.passages == []
    # A second run finds everything there.
    assert fill_passage_vectors(Searcher.open(hashing_settings)).embedded == 0


def test_fill_stops_when_asked_and_resumes_later(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    stop = threading.Event()
    stop.set()
    report = fill_passage_vectors(Searcher.open(hashing_settings), stop=stop)
    assert report.stopped and report.embedded == 0 and report.passages > 0
    seen: list[tuple[int, int]] = []
    report = fill_passage_vectors(Searcher.open(hashing_settings), progress=lambda d, t: seen.append((d, t)), batch=2)
    assert report.embedded > 2 and seen[0] == (0, report.embedded) and seen[-1] == (report.embedded, report.embedded)


def test_cli_passages_reports_in_json_and_in_vietnamese(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    env = {
        "CHIDAO_ENCODER": "hashing",
        "CHIDAO_MODEL": "hashing-test",
        "CHIDAO_CACHE_DIR": str(hashing_settings.cache_dir),
    }
    index = str(hashing_settings.index)
    result = CliRunner().invoke(main, ["passages", "--index", index, "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert 0 < report["embedded"] <= report["passages"] and report["stopped"] is False
    result = CliRunner().invoke(main, ["passages", "--index", index], env=env, catch_exceptions=False)
    assert result.exit_code == 0 and "đã tính véc-tơ cho 0 đoạn" in result.stdout


def test_web_server_filler_fills_in_the_background_and_again_after_a_change(hashing_settings, small_corpus, tmp_path):
    ingest_paths([small_corpus], hashing_settings)
    searcher = Searcher.open(hashing_settings)
    filler = PassageFiller(searcher, HashingEncoder(), interval=0.05, nice=0).start()
    try:
        assert filler.idle.wait(30)
        first = filler.last
        assert first is not None and first.embedded > 0
        # A new document: the filler notices the index changed and fills its passages.
        extra = tmp_path / "more"
        extra.mkdir()
        (extra / "cong-van-lu-quet.txt").write_text(
            "ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 77/UBND-NC\n"
            "Yêu cầu Ủy ban nhân dân các huyện sơ tán ngay các hộ dân ở vùng có nguy cơ lũ quét, sạt lở đất.\n"
            "Sở Tài chính bố trí kinh phí hỗ trợ các hộ dân phải di dời khẩn cấp trong mùa mưa lũ năm nay.\n",
            encoding="utf-8",
        )
        ingest_paths([small_corpus, extra], hashing_settings)
        new = {p for p in index_passages(Searcher.open(hashing_settings).snapshot) if "lũ quét" in p}
        assert new
        from chidao.store.layout import text_hash

        fresh = Searcher.open(hashing_settings)
        hashes = [text_hash(p) for p in new]
        deadline = time.monotonic() + 30
        while len(fresh.store.cached_vectors(fresh.settings.model_id, hashes)) < len(new):
            assert time.monotonic() < deadline, "the filler never filled the new document's passages"
            time.sleep(0.05)
        recording = RecordingEncoder()
        Searcher.open(hashing_settings, encoder=recording).encode_passages(sorted(new))
        assert recording.passages == []
    finally:
        filler.stop(10)
