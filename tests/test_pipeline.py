"""Ingest → index → search with the deterministic hashing encoder: the index's own behaviour.

(The same flow with the real model is in test_e2e.py.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from chidao.config import Settings
from chidao.store import IndexBusy, ModelMismatch, current_generation, read_meta
from ingest.pipeline import ingest_paths
from search.searcher import Searcher


def _docs_by_name(searcher: Searcher) -> dict[str, dict]:
    return {Path(d["source"]).name: d for d in searcher.documents()}


def test_ingest_reports_and_indexes_every_readable_file(hashing_settings, small_corpus):
    report = ingest_paths([small_corpus], hashing_settings)
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    assert [f.code for f in report.failed] == ["corrupt_pdf"]
    assert "hong.pdf" in report.failed[0].source
    assert report.chunks > 10 and report.embedded > 0

    meta = read_meta(hashing_settings.index)
    assert meta.model == "hashing:hashing-test" and meta.dim > 0 and meta.chunks == report.chunks

    docs = _docs_by_name(Searcher.open(hashing_settings))
    pdf = docs["ke-hoach-tiem-chung.pdf"]
    assert pdf["number"] == "45/KH-SYT" and pdf["date"] == "2021-06-10" and pdf["pages"] == 2
    assert "570/CĐ-TTg" in pdf["cites"]
    docx = docs["cong-van-sat-lo.docx"]
    assert docx["number"] == "1500/UBND-NC" and docx["type"] == "Công văn" and docx["date"] == "2021-07-15"
    notice = docs["thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"]
    assert notice["number"] is None and notice["type"] == "Thông báo" and notice["date"] == "2021-05-04"


def test_hits_point_back_at_their_text_with_pages_and_sections(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    searcher = Searcher.open(hashing_settings)
    hits = searcher.search("Trung tâm Kiểm soát bệnh tật bảo quản vắc xin kho lạnh", k=3)
    top = hits[0]
    assert top.source.endswith("ke-hoach-tiem-chung.pdf")
    doc = searcher.document(top.doc_id)
    assert doc["text"][top.start : top.end] == top.text
    assert len(doc["page_starts"]) == 2
    assert top.page == 1 + (top.start >= doc["page_starts"][1])
    # the passage itself lies on page 2, after the page break, with its own page footer removed
    where = doc["text"].index("Trung tâm Kiểm soát bệnh tật tỉnh chủ trì")
    assert where >= doc["page_starts"][1]
    assert "Trang 1/2" not in doc["text"]
    # The notice's Sở Y tế passage sits under its heading path.
    hit = searcher.search("Sở Y tế chủ trì phối hợp với Sở Nội vụ xây dựng hướng dẫn phòng chống dịch bầu cử", k=1)[0]
    assert hit.source.endswith(".md")
    assert "2.1.2. Về công tác chuẩn bị bầu cử" in hit.section
    # Accent-free typing finds the same passage.
    plain = searcher.search("so y te chu tri phoi hop voi so noi vu xay dung huong dan phong chong dich bau cu", k=1)[0]
    assert plain.chunk_id == hit.chunk_id


def test_reingest_is_incremental_and_prune_removes_vanished_files(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    gen = current_generation(hashing_settings.index)

    again = ingest_paths([small_corpus], hashing_settings)
    assert (again.added, again.updated, again.unchanged, again.embedded) == (0, 0, 3, 0)
    assert current_generation(hashing_settings.index) == gen  # nothing changed: nothing rewritten

    # Touching a file without changing it is still unchanged (hash compared).
    docx = small_corpus / "cong-van-sat-lo.docx"
    docx.touch()
    assert ingest_paths([small_corpus], hashing_settings).unchanged == 3

    from builders import make_docx

    from tests.conftest import DOCX_BLOCKS, DOCX_HEADER

    make_docx(docx, [*DOCX_BLOCKS, "3. Sở Tài chính bố trí kinh phí khắc phục hậu quả sạt lở."], DOCX_HEADER)
    changed = ingest_paths([small_corpus], hashing_settings)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 2)
    total = read_meta(hashing_settings.index).chunks
    assert 0 < changed.embedded < total  # only the changed passages were embedded

    (small_corpus / "ke-hoach-tiem-chung.pdf").unlink()
    kept = ingest_paths([small_corpus], hashing_settings)
    assert kept.removed == 0  # without --prune nothing is dropped
    pruned = ingest_paths([small_corpus], hashing_settings, prune=True)
    assert pruned.removed == 1
    names = set(_docs_by_name(Searcher.open(hashing_settings)))
    assert "ke-hoach-tiem-chung.pdf" not in names and len(names) == 2


def test_same_content_under_two_names_is_indexed_once(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    copy = small_corpus / "ban-sao.md"
    shutil.copy(small_corpus / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md", copy)
    report = ingest_paths([small_corpus], hashing_settings)
    assert report.added == 1 and report.embedded == 0
    assert report.duplicates and report.duplicates[0]["source"].endswith("ban-sao.md")
    docs = Searcher.open(hashing_settings).documents()
    assert len(docs) == 3
    notice = next(d for d in docs if d["type"] == "Thông báo")
    assert {Path(s).name for s in notice["sources"]} == {
        "ban-sao.md",
        "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md",
    }


def test_index_refuses_another_model(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    other = hashing_settings.model_copy(update={"model": "another-model"})
    with pytest.raises(ModelMismatch, match="hashing-test"):
        Searcher.open(other)
    with pytest.raises(ModelMismatch):
        ingest_paths([small_corpus], other)
    rebuilt = ingest_paths([small_corpus], other, rebuild=True)
    assert rebuilt.added == 3
    assert read_meta(hashing_settings.index).model == "hashing:another-model"


def test_failed_run_leaves_previous_index_searchable(hashing_settings, small_corpus, monkeypatch):
    ingest_paths([small_corpus], hashing_settings)
    before = read_meta(hashing_settings.index)
    searcher = Searcher.open(hashing_settings)
    query = "Sở Giao thông vận tải chuẩn bị phương tiện khắc phục sạt lở"
    expected = searcher.search(query, k=1)[0].chunk_id

    (small_corpus / "moi.txt").write_text(
        "KẾ HOẠCH\nPhòng chống thiên tai năm 2021\n1. Sở Tài nguyên và Môi trường quan trắc mưa lũ.", encoding="utf-8"
    )

    class Exploding:
        dim = 8

        def encode_passages(self, texts, show_progress=False):
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        ingest_paths([small_corpus], hashing_settings, encoder=Exploding())
    assert read_meta(hashing_settings.index) == before
    assert not list(hashing_settings.index.glob("gen-*.tmp"))
    assert Searcher.open(hashing_settings).search(query, k=1)[0].chunk_id == expected

    report = ingest_paths([small_corpus], hashing_settings)
    assert report.added == 1
    assert read_meta(hashing_settings.index).documents == before.documents + 1


def test_second_writer_is_refused_while_one_writes(hashing_settings, small_corpus):
    from filelock import FileLock

    hashing_settings.index.mkdir(parents=True)
    with FileLock(str(hashing_settings.index / ".lock")), pytest.raises(IndexBusy, match="another ingest"):
        ingest_paths([small_corpus], hashing_settings)


def test_missing_path_is_reported_not_fatal(hashing_settings, small_corpus):
    report = ingest_paths([small_corpus / "khong-co.pdf", small_corpus], hashing_settings)
    assert report.added == 3
    assert any(f.code == "not_found" for f in report.failed)


def test_empty_index_answers_politely(hashing_settings):
    searcher = Searcher.open(hashing_settings)
    assert searcher.search("Sở Y tế") == []
    answer = searcher.ask("Sở Y tế được giao nhiệm vụ gì?")
    assert answer.found is False and "chưa có văn bản" in answer.answer


def test_settings_index_default_is_beside_the_project():
    assert Settings().index.name == "index"


def test_filters_by_type_issuer_dates_and_agency(hashing_settings, small_corpus):
    from chidao.records import Filters

    ingest_paths([small_corpus], hashing_settings)
    searcher = Searcher.open(hashing_settings)
    query = "phòng chống sạt lở đất và dịch bệnh"

    def names(**kw):
        return {Path(h.source).name for h in searcher.search(query, k=20, filters=Filters(**kw))}

    assert names(type="cong van") == {"cong-van-sat-lo.docx"}  # folded type
    assert names(issuer="UBND tỉnh Cao Bằng") >= {"cong-van-sat-lo.docx"}  # UBND = Ủy ban nhân dân
    assert names(since="2021-07-01") == {"cong-van-sat-lo.docx"}
    assert names(until="2021-05-31") == {"thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"}
    assert names(agency="so giao thong van tai") == {"cong-van-sat-lo.docx"}
    assert names(type="Nghị định") == set()


def test_agency_answers_use_the_task_vectors_computed_at_ingest(hashing_settings, small_corpus):
    """Ingest embeds every assignment as the agency answers score it (``assignment_passage``); scoring
    "Sở Y tế"'s tasks against a question then needs the encoder for the question only (a busy server
    answers agency questions at once)."""
    from chidao.models.embed import HashingEncoder
    from chidao.records import assignment_passage

    report = ingest_paths([small_corpus], hashing_settings)
    assert report.embedded > report.chunks  # chunks and assignments

    class CountingEncoder(HashingEncoder):
        passages_encoded = 0

        def encode_passages(self, texts, show_progress=False):
            CountingEncoder.passages_encoded += len(texts)
            return super().encode_passages(texts, show_progress)

    searcher = Searcher.open(hashing_settings, encoder=CountingEncoder())
    rows = searcher.snapshot.assignments(["Sở Y tế"])
    assert rows, "the sample corpus assigns tasks to Sở Y tế"
    tasks = [assignment_passage(r.section, r.agency, r.task) for r in rows]
    vectors = searcher.encode_passages(tasks)
    assert CountingEncoder.passages_encoded == 0
    np.testing.assert_allclose(vectors, HashingEncoder().encode_passages(tasks), atol=1e-6)
    # A passage the ingest never saw is encoded, alone; the known ones still come from the index.
    mixed = [tasks[0], "Sở Y tế: một nhiệm vụ không có trong văn bản nào", tasks[-1]]
    np.testing.assert_allclose(searcher.encode_passages(mixed), HashingEncoder().encode_passages(mixed), atol=1e-6)
    assert CountingEncoder.passages_encoded == 1
    # Re-ingesting nothing new embeds nothing again.
    assert ingest_paths([small_corpus], hashing_settings).embedded == 0
