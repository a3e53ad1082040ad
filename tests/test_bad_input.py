"""Bad input, end to end: one ``chidao ingest`` over a folder holding every kind of damaged,
odd or legacy file next to good ones, then searches on the result.

The good files must all go in (legacy encodings and broken text layers repaired so accented
search finds their words); every bad file must be in ``failed`` with the right ``code`` and a
Vietnamese sentence that tells the clerk what to do; nothing else may be lost. Unit-level
behaviour of the loaders is in test_load.py / test_legacy.py; this is the whole path.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from builders import (
    make_docx,
    make_empty,
    make_garbage,
    make_image_only_pdf,
    make_ole2_word_stub,
    make_pdf,
    truncate,
)

from chidao.config import Settings
from chidao.lang.legacy import TCVN3_TABLE, VNI_TABLE
from ingest.pipeline import ingest_paths
from search.searcher import Searcher

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"
MODEL = "hashing-test"
NEST_DEPTH = 100


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ---------------------------------------------------------------- legacy encoders (inverse of the module's tables)

_TO_TCVN3 = {letter: byte for byte, letter in TCVN3_TABLE.items()}
_TO_VNI: dict[str, str] = {}
for _seq, _letter in sorted(VNI_TABLE.items()):
    if len(_seq) == 2 and _seq[0].isupper() != _seq[1].isupper():
        continue  # the canonical VNI form has the mark in the case of its base
    _TO_VNI.setdefault(_letter, _seq)


def tcvn3_bytes(text: str) -> bytes:
    """Unicode → TCVN3 (ABC) bytes; capitals VN3 lacks get the lower-case byte, as .VnTimeH did."""
    out = bytearray()
    for c in nfc(text):
        if c.isascii():
            out.append(ord(c))
        else:
            out.append(_TO_TCVN3.get(c, _TO_TCVN3.get(c.lower(), ord("?"))))
    return bytes(out)


def tcvn3_mojibake(text: str) -> str:
    """What a document typed in a .VnTime font shows when its bytes are read as Windows-1252."""
    return tcvn3_bytes(text).decode("cp1252")


def vni_bytes(text: str) -> bytes:
    return "".join(_TO_VNI.get(c, c) for c in nfc(text)).encode("cp1252")


# ---------------------------------------------------------------- the documents


def directive(kind: str, number: str, task: str) -> str:
    """A short directive whose one task sentence is what the searches look for."""
    return (
        f"ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\nSố: {number}\nCao Bằng, ngày 12 tháng 5 năm 2021\n{kind}\n"
        f"Về việc triển khai nhiệm vụ trọng tâm tháng 5 năm 2021\n"
        f"1. {task}\n2. Các cơ quan, đơn vị báo cáo kết quả thực hiện về Văn phòng Ủy ban nhân dân tỉnh.\n"
    )


#: file → (the phrase a clerk searches for, accented). Every phrase is in exactly one document.
PHRASES = {
    "tcvn3.txt": "Sở Tài nguyên và Môi trường quan trắc chất lượng nước sông Bằng Giang",
    "vni.txt": "Sở Văn hóa, Thể thao và Du lịch tổ chức lễ hội thả đèn hoa đăng",
    "tcvn3.docx": "Sở Xây dựng kiểm định chất lượng cầu treo dân sinh",
    "tcvn3.pdf": "Sở Giáo dục và Đào tạo sửa chữa phòng học bán trú",
    "nfd.txt": "Sở Y tế giám sát dịch sốt xuất huyết ở khu dân cư",
    "lop-chu-hong.pdf": "phòng chống lũ quét",
    "pdf-ten-txt.txt": "Công an tỉnh tuần tra kiểm soát vũ khí vật liệu nổ",
    "docx-ten-pdf.pdf": "Sở Công Thương kiểm tra thị trường xăng dầu",
    "mat-khau-chu-so-huu.pdf": "Sở Tư pháp rà soát văn bản quy phạm pháp luật",
    "sau-tan-cung.txt": "Ban Dân tộc hỗ trợ giống cây trồng cho đồng bào vùng cao",
    "ten-khong-utf8": "Sở Ngoại vụ đón tiếp đoàn công tác tỉnh Quảng Tây",
}

# A PDF page whose text layer splits syllables with spaces (and is drawn from NFD text, so
# the marks come out as separate code points).
BROKEN_LAYER_PAGE = (
    "THÔ NG BÁO\n"
    "Kết luậ n của Chủ tịch U ỷ ban nhân dân tỉnh tại phiê n họp thườ ng kỳ về cô ng tá c phò ng chố ng lũ quét.\n"
    "Ủy ban nhân dân tỉnh giao Sở Nông nghiệp và Phát triển nông thôn chủ trì công tác phòng chống lũ quét; "
    "Văn phòng thông bá o để các cơ quan biết, th ực hiện.\n"
)

#: file → expected failure code. Every one of these must be in ``failed``.
EXPECTED_FAILURES = {
    "rong.pdf": "empty_file",  # zero bytes
    "rong.txt": "empty_file",
    "cat-ngang.pdf": "corrupt_pdf",  # a download that stopped half way
    "hong.pdf": "corrupt_pdf",  # a PDF header and then rubbish
    "trang-trang.pdf": "no_text_layer",  # a PDF with a blank page and no text at all
    "mat-khau.pdf": "encrypted_pdf",  # needs a user password to open
    "anh-quet.pdf": "no_text_layer",  # scanned pages only
    "anh-ten-pdf.pdf": "needs_ocr",  # a PNG named .pdf: a page image, and no Tesseract on this run's PATH
    "rac.txt": "not_text",  # binary garbage
    "rac.docx": "corrupt_docx",
    "rac.xyz": "unsupported_format",
    "qua-lon.pdf": "too_large",  # 200 MB (sparse)
    "cu.doc": "doc_needs_libreoffice",  # old Word, no LibreOffice on PATH
    "lien-ket-hong.txt": "unreadable",  # a symbolic link to nothing
    "tu-tro": "unreadable",  # a symbolic link to itself
}

#: Words a Vietnamese message that tells the clerk what to do contains.
ACTION_WORDS = ("hãy", "cần", "kiểm tra")


def build_folder(root: Path) -> dict[str, Path]:
    """Everything in one folder ``root``; returns the interesting paths by name."""
    from tests.conftest import DOCX_BLOCKS, DOCX_HEADER, PDF_PAGES

    root.mkdir(parents=True)
    paths: dict[str, Path] = {}

    # Good, ordinary files.
    paths["thong-bao.md"] = Path(shutil.copy(SAMPLE, root / "thong-bao.md"))
    paths["ke-hoach.pdf"] = make_pdf(root / "ke-hoach.pdf", PDF_PAGES)
    paths["cong-van.docx"] = make_docx(root / "cong-van.docx", DOCX_BLOCKS, header_table=DOCX_HEADER)
    # The same document under two more names: a copy and a symbolic link.
    paths["ban-sao.md"] = Path(shutil.copy(SAMPLE, root / "ban-sao.md"))
    (root / "lien-ket.md").symlink_to(root / "thong-bao.md")

    # Legacy encodings and broken text.
    text = directive("CÔNG VĂN", "101/UBND-TN", PHRASES["tcvn3.txt"] + " trong mùa khô.")
    (root / "tcvn3.txt").write_bytes(tcvn3_bytes(text))
    text = directive("CÔNG VĂN", "102/UBND-VX", PHRASES["vni.txt"] + " dịp Tết Nguyên tiêu.")
    (root / "vni.txt").write_bytes(vni_bytes(text))
    text = directive("CÔNG VĂN", "103/UBND-XD", PHRASES["tcvn3.docx"] + " trên địa bàn tỉnh.")
    make_docx(root / "tcvn3.docx", [tcvn3_mojibake(line) for line in text.splitlines()])
    text = directive("KẾ HOẠCH", "104/KH-UBND", PHRASES["tcvn3.pdf"] + " trước năm học mới.")
    make_pdf(root / "tcvn3.pdf", [tcvn3_mojibake(text)])
    text = directive("CÔNG VĂN", "105/UBND-VX", PHRASES["nfd.txt"] + " trong mùa mưa.")
    (root / "nfd.txt").write_text(nfd(text), encoding="utf-8")
    make_pdf(root / "lop-chu-hong.pdf", [nfd(BROKEN_LAYER_PAGE)])

    # Wrong extensions, readable by content.
    text = directive("CHỈ THỊ", "06/CT-UBND", PHRASES["pdf-ten-txt.txt"] + " dịp lễ.")
    make_pdf(root / "pdf-ten-txt.txt", [text])
    text = directive("CÔNG VĂN", "107/UBND-KT", PHRASES["docx-ten-pdf.pdf"] + " cuối năm.")
    make_docx(root / "docx-ten-pdf.pdf", text.splitlines())
    # Encrypted with an owner password only: opens with the empty user password.
    text = directive("CÔNG VĂN", "108/UBND-NC", PHRASES["mat-khau-chu-so-huu.pdf"] + " năm 2021.")
    make_pdf(root / "mat-khau-chu-so-huu.pdf", [text], owner_password="chu-so-huu")

    # A good file 100 folders down, and a link loop beside it.
    deep = root / "nhieu-cap"
    for level in range(1, NEST_DEPTH + 1):
        deep = deep / f"c{level:03d}"
    deep.mkdir(parents=True)
    text = directive("CÔNG VĂN", "109/UBND-DT", PHRASES["sau-tan-cung.txt"] + " vụ xuân.")
    paths["sau-tan-cung.txt"] = deep / "sau-tan-cung.txt"
    paths["sau-tan-cung.txt"].write_text(text, encoding="utf-8")
    (root / "nhieu-cap" / "c001" / "vong-lap").symlink_to(root)  # back to the top
    (root / "tu-tro").symlink_to(root / "tu-tro")  # a link to itself

    # A name that is not UTF-8 (Latin-1 / TCVN3 bytes from an old Windows share).
    raw = os.fsencode(root) + b"/c\xf4ng v\xe3n ng\xae\xb9i v\xf6.txt"
    with open(raw, "wb") as f:
        f.write(directive("CÔNG VĂN", "110/UBND-NgV", PHRASES["ten-khong-utf8"] + " tháng 6.").encode())
    paths["ten-khong-utf8"] = Path(os.fsdecode(raw))

    # Bad files.
    make_empty(root / "rong.pdf")
    make_empty(root / "rong.txt")
    truncate(make_pdf(root / "cat-ngang.pdf", PDF_PAGES), 0.5)
    rubbish = random.Random(7).randbytes(2000)
    (root / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + rubbish)
    make_pdf(root / "trang-trang.pdf", [""])
    make_pdf(root / "mat-khau.pdf", [directive("CÔNG VĂN", "111/UBND", "Mật.")], encrypt_password="bi-mat")
    make_image_only_pdf(root / "anh-quet.pdf", pages=2)
    from PIL import Image

    Image.new("L", (64, 64), 200).save(root / "anh-ten-pdf.pdf", format="PNG")
    make_garbage(root / "rac.txt", seed=1)
    make_garbage(root / "rac.docx", seed=2)
    (root / "rac.xyz").write_text("Nội dung trong một tệp có đuôi lạ.", encoding="utf-8")
    with open(root / "qua-lon.pdf", "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(200 * 2**20)  # sparse: made in no time, 200 MB to anything that reads it
    make_ole2_word_stub(root / "cu.doc")
    (root / "lien-ket-hong.txt").symlink_to(root / "khong-co.txt")
    return paths


# ---------------------------------------------------------------- the run


class Run:
    def __init__(self, root: Path) -> None:
        self.folder = root / "kho"
        self.paths = build_folder(self.folder)
        self.settings = Settings(index=root / "index", cache_dir=root / "cache", encoder="hashing", model=MODEL)
        no_soffice = root / "bin"  # PATH without LibreOffice
        no_soffice.mkdir()
        empty_config = root / "empty.toml"
        empty_config.touch()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
        env.update(
            PATH=str(no_soffice),
            CHIDAO_CONFIG=str(empty_config),
            CHIDAO_ENCODER="hashing",
            CHIDAO_MODEL=MODEL,
            CHIDAO_CACHE_DIR=str(self.settings.cache_dir),
        )
        started = time.monotonic()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "chidao.cli",
                "ingest",
                "--json",
                "--index",
                str(self.settings.index),
                str(self.folder),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.seconds = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr  # bad files never fail the run
        self.report = json.loads(proc.stdout)
        self.stderr = proc.stderr
        self.searcher = Searcher.open(self.settings)
        self.docs = self.searcher.documents()

    def failure(self, name: str) -> dict:
        found = [f for f in self.report["failed"] if Path(f["source"]).name == name]
        assert len(found) == 1, (name, self.report["failed"])
        return found[0]

    def doc_of(self, name: str) -> dict:
        found = [d for d in self.docs if any(Path(s).name == name for s in d["sources"])]
        assert len(found) == 1, (name, [d["sources"] for d in self.docs])
        return found[0]

    def top_source(self, query: str) -> str:
        hits = self.searcher.search(query, k=3)
        assert hits, query
        return hits[0].source


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return Run(tmp_path_factory.mktemp("bad-input"))


def test_every_good_file_goes_in(run):
    names = {Path(s).name for d in run.docs for s in d["sources"]}
    expected = {"thong-bao.md", "ban-sao.md", "lien-ket.md", "ke-hoach.pdf", "cong-van.docx"}
    expected |= {n for n in PHRASES if n != "ten-khong-utf8"}
    assert expected <= names
    assert any("\ufffd" in s for d in run.docs for s in d["sources"])  # the non-UTF-8 name
    assert not {Path(f["source"]).name for f in run.report["failed"]} & expected
    # 3 ordinary + 10 phrase files + the non-UTF-8 one; the notice's two extra names are duplicates
    assert len(run.docs) == 3 + len(PHRASES)
    assert run.report["added"] == len(run.docs) + 2
    assert len(run.report["duplicates"]) == 2


@pytest.mark.parametrize(("name", "code"), sorted(EXPECTED_FAILURES.items()))
def test_each_bad_file_fails_with_its_code_and_a_vietnamese_message(run, name, code):
    failure = run.failure(name)
    assert failure["code"] == code
    message = failure["error"]
    assert message[0].isupper() and message.rstrip().endswith(".")
    assert any(c in message for c in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    assert any(w in message for w in ACTION_WORDS), message


def test_nothing_else_failed(run):
    assert {Path(f["source"]).name for f in run.report["failed"]} == set(EXPECTED_FAILURES)


def test_specific_messages(run):
    assert "không có lớp chữ — cần OCR" in run.failure("anh-quet.pdf")["error"]
    assert "mật khẩu" in run.failure("mat-khau.pdf")["error"]
    doc = run.failure("cu.doc")["error"]
    assert "LibreOffice" in doc and "cài" in doc and ".docx" in doc
    assert "200 MB" in run.failure("qua-lon.pdf")["error"]


def test_large_file_is_refused_quickly(run):
    # 200 MB sparse file among ~30 others: the whole run stays well under a minute (it is not read).
    assert run.seconds < 60


@pytest.mark.parametrize("name", sorted(n for n in PHRASES if n not in ("lop-chu-hong.pdf", "ten-khong-utf8")))
def test_accented_search_finds_legacy_and_odd_files(run, name):
    phrase = PHRASES[name]
    assert Path(run.top_source(phrase)).name == name
    assert Path(run.top_source(nfd(phrase))).name == name  # an NFD query too
    doc = run.searcher.document(run.doc_of(name)["doc_id"])
    assert phrase in doc["text"]  # stored as NFC Unicode, whatever the file's encoding
    assert doc["text"] == nfc(doc["text"])


def test_broken_pdf_text_layer_is_repaired(run):
    doc = run.searcher.document(run.doc_of("lop-chu-hong.pdf")["doc_id"])
    text = doc["text"]
    for word in ("THÔNG BÁO", "Kết luận", "Ủy ban nhân dân", "phiên họp thường kỳ", "công tác phòng chống lũ quét"):
        assert word in text
    assert "luậ n" not in text and text == nfc(text)
    assert Path(run.top_source("kết luận phiên họp thường kỳ phòng chống lũ quét")).name == "lop-chu-hong.pdf"


def test_legacy_conversion_is_noted(run):
    for name in ("tcvn3.docx", "tcvn3.pdf"):
        assert any("TCVN3" in w for w in run.doc_of(name)["warnings"]), name


def test_wrong_extension_is_read_by_content_with_a_warning(run):
    assert run.doc_of("pdf-ten-txt.txt")["format"] == "pdf"
    assert run.doc_of("docx-ten-pdf.pdf")["format"] == "docx"
    assert any("đuôi .pdf" in w for w in run.doc_of("docx-ten-pdf.pdf")["warnings"])


def test_duplicates_are_indexed_once_with_every_name(run):
    notice = run.doc_of("thong-bao.md")
    assert {Path(s).name for s in notice["sources"]} == {"thong-bao.md", "ban-sao.md", "lien-ket.md"}
    hits = run.searcher.search("Sở Y tế chủ trì phối hợp với Sở Nội vụ xây dựng hướng dẫn phòng chống dịch", k=10)
    assert len({h.doc_id for h in hits if h.doc_id == notice["doc_id"]}) == 1
    assert len({h.chunk_id for h in hits}) == len(hits)  # no passage twice


def test_deep_folder_and_link_loops(run):
    doc = run.doc_of("sau-tan-cung.txt")
    assert doc["sources"][0].count("/c") >= NEST_DEPTH
    # The loop did not make the tree walk twice: each file is recorded once.
    sources = [s for d in run.docs for s in d["sources"]]
    assert len(sources) == len(set(sources))
    assert not any("vong-lap" in s or "tu-tro" in s for s in sources)
    assert "liên kết" in run.failure("tu-tro")["error"]


def test_non_utf8_name_is_ingested_searchable_and_prunable(run, tmp_path):
    # Work on a copy of the index so the other tests keep theirs.
    settings = run.settings.model_copy(update={"index": tmp_path / "index"})
    shutil.copytree(run.settings.index, settings.index)
    raw = os.fsencode(run.paths["ten-khong-utf8"])
    hits = Searcher.open(settings).search(PHRASES["ten-khong-utf8"], k=1)
    assert "\ufffd" in hits[0].source and hits[0].source.endswith(".txt")
    source_rows = Searcher.open(settings).sources(hits[0].doc_id)
    assert [r["path"][:4] for r in source_rows] == ["hex:"]  # recorded losslessly
    assert bytes.fromhex(source_rows[0]["path"][4:]) == os.path.abspath(raw)

    moved = os.fsencode(tmp_path / "moved.txt")
    os.rename(raw, moved)
    try:
        report = ingest_paths([run.folder], settings, prune=True)
        assert report.removed == 1 and report.added == 0
        assert not any("\ufffd" in s for d in Searcher.open(settings).documents() for s in d["sources"])
        assert Searcher.open(settings).search(PHRASES["ten-khong-utf8"], k=1)[0].doc_id != hits[0].doc_id
    finally:
        os.rename(moved, raw)


def test_failed_files_are_listed_on_stderr_in_text_mode(run):
    # --json output is one JSON document; the text mode prints every failure on stderr.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    env.update(
        PATH=str(run.folder.parent / "bin"),
        CHIDAO_CONFIG=str(run.folder.parent / "empty.toml"),
        CHIDAO_ENCODER="hashing",
        CHIDAO_MODEL=MODEL,
    )
    settings_index = run.folder.parent / "index-text"
    shutil.copytree(run.settings.index, settings_index)
    proc = subprocess.run(
        [sys.executable, "-m", "chidao.cli", "ingest", "--index", str(settings_index), str(run.folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    failed_lines = [line for line in proc.stderr.splitlines() if line.startswith("  FAILED ")]
    assert len(failed_lines) == len(EXPECTED_FAILURES)
    assert "unchanged" in proc.stdout and "Traceback" not in proc.stderr
