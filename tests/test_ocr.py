"""OCR of scanned directives with Tesseract's Vietnamese model, on scans the tests make themselves.

The scans (tests/scans.py) are real document text printed at 200 dpi, turned by up to 2°, with
noise, a red seal and a blue signature over the text; they are read through ``load_file`` exactly
as ``chidao ingest`` reads them. Character accuracy is 1 − Levenshtein distance / length (rapidfuzz)
on the text with whitespace runs made one space.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from builders import make_pdf
from scans import layout_pages, render_page, save_pdf

from chidao.config import Settings
from ingest import ocr
from ingest.load import LoadOptions, load_file

pytestmark = pytest.mark.skipif(
    not ocr.available(), reason="Tesseract with its Vietnamese model is missing (scripts/setup installs it)"
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MIN_ACCURACY = 0.97


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def accuracy(expected: str, got: str) -> float:
    from rapidfuzz.distance import Levenshtein

    a, b = squash(expected), squash(got)
    return 1.0 - Levenshtein.distance(a, b) / max(1, len(a))


def options(cache: Path, progress=None, mode: str = "auto") -> LoadOptions:
    return LoadOptions(ocr=mode, ocr_cache=cache, progress=progress)


# ---------------------------------------------------------------- reading scans


def test_image_pdf_pages_read_with_boxes_and_progress(scanned, ocr_cache):
    seen: list[tuple[int, int]] = []
    loaded = load_file(
        scanned["pdf"], "thong-bao-quet.pdf", options=options(ocr_cache, lambda d, t, m: seen.append((d, t)))
    )
    assert loaded.format == "pdf" and len(loaded.pages) == 2
    assert seen == [(1, 2), (2, 2)]  # one progress report per page
    assert [p.page for p in loaded.ocr_pages] == [1, 2]
    for lines, text, page in zip(scanned["lines"], loaded.pages, loaded.ocr_pages, strict=True):
        score = accuracy("\n".join(lines), text)
        assert score >= MIN_ACCURACY, (page.page, score)
        assert page.confidence >= 80 and page.valid_share >= 0.9 and not page.low_quality
        assert abs(page.angle) <= 2.0  # straightened by at most the 2° the scan was turned
        assert page.image and page.image[:3] == b"\xff\xd8\xff"  # the JPEG the viewer shows
        assert all(0 <= w.left < page.width and 0 <= w.top < page.height for w in page.words)
    assert not any("thấp" in w for w in loaded.warnings)


def test_jpeg_scan_is_read(scanned, ocr_cache):
    loaded = load_file(scanned["jpeg"], "trang-1.jpg", options=options(ocr_cache))
    assert loaded.format == "jpeg" and len(loaded.pages) == 1
    assert accuracy("\n".join(scanned["lines"][0]), loaded.pages[0]) >= MIN_ACCURACY


def test_multipage_tiff_gives_one_page_per_frame(scanned, ocr_cache):
    loaded = load_file(scanned["tiff"], "quet.tif", options=options(ocr_cache))
    assert loaded.format == "tiff" and [p.page for p in loaded.ocr_pages] == [1, 2]
    for lines, text in zip(scanned["lines"], loaded.pages, strict=True):
        assert accuracy("\n".join(lines), text) >= MIN_ACCURACY


def test_mixed_pdf_keeps_its_text_page_and_reads_its_scanned_page(scanned, ocr_cache, tmp_path):
    from pypdf import PdfReader, PdfWriter

    from ingest.pipeline import build_document

    typed = "KẾ HOẠCH\nSở Y tế chủ trì, phối hợp với Công an tỉnh bảo quản vắc xin trong kho lạnh."
    text_pdf = make_pdf(tmp_path / "chu.pdf", [typed])
    writer = PdfWriter()
    writer.add_page(PdfReader(text_pdf).pages[0])
    writer.add_page(PdfReader(scanned["pdf"]).pages[1])
    mixed = tmp_path / "hon-hop.pdf"
    with mixed.open("wb") as f:
        writer.write(f)
    loaded = load_file(mixed, "hon-hop.pdf", options=options(ocr_cache))
    assert [p.page for p in loaded.ocr_pages] == [2]  # only the scanned page was OCRed
    assert squash(loaded.pages[0]) == squash(typed)  # the text layer, untouched
    assert accuracy("\n".join(scanned["lines"][1]), loaded.pages[1]) >= MIN_ACCURACY
    doc = build_document(loaded, Settings(encoder="hashing", model="hashing-test"))
    assert len(doc.page_starts) == 2 and "Sở Y tế chủ trì" in doc.text
    assert "Công điện số 570" in doc.text[doc.page_starts[1] :]
    # every OCR word found again in the normalised text sits on page 2 and reads the same
    words = doc.ocr_pages[0].words
    located = [w for w in words if w.start >= 0]
    assert len(located) >= 0.97 * len(words)
    assert all(w.start >= doc.page_starts[1] and doc.text[w.start : w.end] in w.text for w in located)


def test_rotated_scan_is_turned_upright(tmp_path, ocr_cache):
    from scans import corpus_text

    lines = layout_pages(corpus_text())[3][:14]
    page = render_page(lines, seed=7, angle=1.0).rotate(90, expand=True)  # scanned on its side
    path = tmp_path / "xoay.png"
    page.save(path)
    loaded = load_file(path, "xoay.png", options=options(ocr_cache))
    assert accuracy("\n".join(lines), loaded.pages[0]) >= MIN_ACCURACY
    result = loaded.ocr_pages[0]
    assert result.width < result.height  # boxes refer to the upright page


def test_ocr_results_are_cached_by_content(scanned, ocr_cache, tmp_path, monkeypatch):
    import ingest.ocr.page

    first = load_file(scanned["pdf"], "a.pdf", options=options(ocr_cache))

    def no_ocr(*args, **kwargs):
        raise AssertionError("the page was OCRed again")

    monkeypatch.setattr(ingest.ocr.page, "ocr_image", no_ocr)
    copy = tmp_path / "ban-sao.pdf"  # the same scan under another name
    copy.write_bytes(scanned["pdf"].read_bytes())
    again = load_file(copy, "ban-sao.pdf", options=options(ocr_cache))
    assert again.pages == first.pages and again.ocr_pages == first.ocr_pages
    with pytest.raises(AssertionError, match="OCRed again"):
        load_file(copy, "ban-sao.pdf", options=options(tmp_path / "empty-cache"))


def test_force_reads_text_pages_too_and_off_reads_none(tmp_path, ocr_cache):
    pdf = make_pdf(tmp_path / "chu.pdf", ["THÔNG BÁO\nSở Tài chính chủ trì thẩm định dự toán năm 2022."])
    assert load_file(pdf, "chu.pdf", options=options(ocr_cache)).ocr_pages == []
    forced = load_file(pdf, "chu.pdf", options=options(ocr_cache, mode="force"))
    assert [p.page for p in forced.ocr_pages] == [1]
    assert accuracy("THÔNG BÁO Sở Tài chính chủ trì thẩm định dự toán năm 2022.", forced.pages[0]) >= MIN_ACCURACY
    settings = Settings(ocr="off")
    assert settings.ocr == "off"
    with pytest.raises(ValueError):
        Settings(ocr="sometimes")


# ---------------------------------------------------------------- quality, ingest, docs, search


def _gibberish_scan(path: Path) -> Path:
    """A page of consonant clusters that are no Vietnamese syllables."""
    import random

    rng = random.Random(3)
    letters = "bcdfghklmnpqrstvxzwj"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 6))) for _ in range(90)]
    lines = [" ".join(words[i : i + 9]) for i in range(0, 90, 9)]
    render_page(lines, seed=5, angle=0.5, stamp=False, signature=False).save(path)
    return path


def test_low_quality_page_is_indexed_and_marked(tmp_path, ocr_cache):
    from click.testing import CliRunner

    from chidao.cli import main
    from ingest.pipeline import ingest_paths
    from search.searcher import Searcher

    folder = tmp_path / "van-ban"
    folder.mkdir()
    _gibberish_scan(folder / "mo.png")
    settings = Settings(index=tmp_path / "index", cache_dir=tmp_path / "cache", encoder="hashing", model="hashing-test")
    progress: list[str] = []
    report = ingest_paths([folder], settings, progress=lambda f, m: progress.append(m))
    assert report.added == 1 and not report.failed
    assert any("OCR" in m and "trang 1" in m for m in progress)  # the upload bar hears of each page
    searcher = Searcher.open(settings)
    [doc] = searcher.documents()
    assert any("chất lượng nhận dạng thấp" in w for w in doc["warnings"])
    hits = searcher.search(searcher.document(doc["doc_id"])["text"].split()[0], k=3)
    assert hits and hits[0].warning == "chất lượng nhận dạng thấp"
    out = CliRunner().invoke(
        main,
        ["docs", "--index", str(settings.index)],
        env={"CHIDAO_ENCODER": "hashing", "CHIDAO_MODEL": "hashing-test"},
    )
    assert out.exit_code == 0, out.output
    assert "chất lượng nhận dạng thấp" in out.output
    assert "chất lượng nhận dạng thấp" in json.dumps(
        json.loads(
            CliRunner()
            .invoke(
                main,
                ["docs", "--json", "--index", str(settings.index)],
                env={"CHIDAO_ENCODER": "hashing", "CHIDAO_MODEL": "hashing-test"},
            )
            .output
        ),
        ensure_ascii=False,
    )


def test_scanned_directive_ingested_keeps_word_boxes(scanned, tmp_path, ocr_cache):
    from ingest.ocr.align import words_in
    from ingest.pipeline import ingest_paths
    from search.searcher import Searcher

    settings = Settings(index=tmp_path / "index", cache_dir=tmp_path / "cache", encoder="hashing", model="hashing-test")
    settings.cache_dir.mkdir()
    (settings.cache_dir / "ocr").symlink_to(ocr_cache, target_is_directory=True)  # the session's OCR cache
    report = ingest_paths([scanned["pdf"]], settings)
    assert report.added == 1, report.failed
    snap = Searcher.open(settings).snapshot
    [row] = snap.documents()
    assert snap.ocr_page_numbers(row.doc_id) == [1, 2]
    text = snap.document_text(row.doc_id)
    cited = [c for c in snap.citations(row.doc_id) if c.number.startswith("570/")]
    assert cited, [c.number for c in snap.citations(row.doc_id)]
    page = snap.ocr_page(row.doc_id, 2)
    boxed = [page.words[i].text for i in words_in(page, cited[0].start, cited[0].end)]
    assert len(boxed) == 1 and boxed[0].startswith(text[cited[0].start : cited[0].end])  # "570/CD-TTg;"
    assert snap.page_image(row.doc_id, 2)[:3] == b"\xff\xd8\xff"
    assert snap.ocr_page(row.doc_id, 3) is None
    assert snap.low_quality_pages() == {}


# ---------------------------------------------------------------- extraction from OCR text


def _gold(name: str) -> list[dict]:
    return [json.loads(line) for line in (SHARED / "eval" / "github" / name).read_text(encoding="utf-8").splitlines()]


EVAL_FILES = ["385-nq-cp-2025.txt", "5721-qd-ubnd-ha-noi-2025.txt", "232-cd-ttg-2025.txt"]


@pytest.mark.skipif(not (SHARED / "eval" / "github" / "corpus").is_dir(), reason="../shared/eval is missing")
def test_assignments_and_citations_from_ocr_text_score_like_the_text_version(tmp_path, ocr_cache):
    """Hand-labelled documents of the dev set, each laid out on A4 pages and saved twice: as a PDF
    with a text layer, and printed, stamped, signed and scanned. Scored with the dev set's own
    scorer (../shared/tools/evaluate.py); the scanned version must score within 0.05 (F1) of the
    text version with the same pages. (The plain .txt is scored too, for the record: a paged
    version of any kind loses some line structure to page breaks and hard wraps.)"""
    import importlib.util

    from ingest.normalize import normalize
    from ingest.pipeline import build_document

    spec = importlib.util.spec_from_file_location("chidao_test_evaluate", SHARED / "tools" / "evaluate.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    settings = Settings(encoder="hashing", model="hashing-test")
    gold_tasks = [g for g in _gold("assignments.jsonl") if g["file"] in EVAL_FILES]
    gold_refs = [g for g in _gold("refs.jsonl") if g["file"] in EVAL_FILES]
    scores: dict[str, dict[str, float]] = {}
    for version in ("txt", "text", "ocr"):
        items: list[dict] = []
        docs: list[dict] = []
        for name in EVAL_FILES:
            loaded = load_file(SHARED / "eval" / "github" / "corpus" / name, name)
            pages = layout_pages(normalize(loaded).text)
            if version == "text":  # the same pages with a text layer
                loaded = load_file(make_pdf(tmp_path / f"{name}.pdf", ["\n".join(p) for p in pages]), name)
                assert not loaded.ocr_pages
            elif version == "ocr":  # the same pages printed and scanned
                scans = [render_page(lines, seed=i + len(name)) for i, lines in enumerate(pages)]
                loaded = load_file(save_pdf(scans, tmp_path / f"{name}.scan.pdf"), name, options=options(ocr_cache))
                assert len(loaded.ocr_pages) == len(pages) and all(not p.low_quality for p in loaded.ocr_pages)
            doc = build_document(loaded, settings)
            items += [{"source": name, "agency": a.agency, "task": a.task, "role": a.role} for a in doc.assignments]
            docs.append({"source": name, "cites": [r.number for r in doc.references]})
        scores[version] = {
            "tasks": ev.tasks_metrics(gold_tasks, items)["f1"],
            "refs": ev.refs_metrics(gold_refs, docs)["f1"],
        }
    print("F1 (txt / text PDF / scanned PDF):", scores)
    for kind in ("tasks", "refs"):
        assert scores["ocr"][kind] >= scores["text"][kind] - 0.05, (kind, scores)
