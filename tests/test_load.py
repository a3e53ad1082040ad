"""ingest.load: walking folders and reading every format, on real files built by tests/builders.py."""

from __future__ import annotations

import hashlib
import os
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from builders import (
    HEADER_TABLE,
    MERGE_UP,
    make_doc,
    make_docx,
    make_empty,
    make_garbage,
    make_high_byte_garbage,
    make_html,
    make_image_only_pdf,
    make_ole2_word_stub,
    make_pdf,
    make_text,
    truncate,
)

from ingest.load import LoadError, LoadOptions, iter_files, load_file
from ingest.normalize import normalize

NOTICE = (
    "THÔNG BÁO\n"
    "Kết luận của Chủ tịch UBND tỉnh tại phiên họp tháng 4/2021\n"
    "1. Sở Y tế chủ trì, phối hợp với Sở Nội vụ xây dựng hướng dẫn phòng, chống dịch COVID-19 "
    "theo Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ."
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def load_error(path: Path, **kwargs) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_file(path, path.name, **kwargs)
    return info.value


def assert_clerk_message(err: LoadError) -> None:
    # One Vietnamese sentence that says what to do.
    assert err.message and err.message[0].isupper() and err.message.endswith(".")
    assert "hãy" in err.message or "cần" in err.message
    assert any(c in err.message for c in "ệịạảấđ")


# ---------------------------------------------------------------- PDF


def test_pdf_pages_text_hash_and_size(tmp_path):
    pdf = make_pdf(tmp_path / "tb.pdf", [NOTICE, "2. Sở Tài chính bố trí kinh phí.", "3. Tổ chức thực hiện"])
    loaded = load_file(pdf, "thu-muc/tb.pdf")
    assert loaded.format == "pdf"
    assert loaded.source == "thu-muc/tb.pdf"
    assert loaded.path == str(pdf.resolve())
    assert len(loaded.pages) == 3
    assert "Sở Y tế chủ trì" in unicodedata.normalize("NFC", loaded.pages[0])
    assert "Sở Tài chính bố trí kinh phí" in unicodedata.normalize("NFC", loaded.pages[1])
    assert "Tổ chức thực hiện" in loaded.pages[2]
    data = pdf.read_bytes()
    assert loaded.file_hash == hashlib.sha256(data).hexdigest()
    assert loaded.size == len(data)


def test_pdf_nfd_text_comes_out_nfc_after_normalize(tmp_path):
    pdf = make_pdf(tmp_path / "nfd.pdf", [nfd("Ủy ban nhân dân tỉnh Đắk Lắk giao Sở Y tế chủ trì.")])
    text = normalize(load_file(pdf, "nfd.pdf")).text
    assert unicodedata.is_normalized("NFC", text)
    assert "Ủy ban nhân dân tỉnh Đắk Lắk giao Sở Y tế chủ trì." in text


def test_pdf_with_user_password_is_refused(tmp_path):
    pdf = make_pdf(tmp_path / "mat-khau.pdf", [NOTICE], encrypt_password="bimat123")
    err = load_error(pdf)
    assert err.code == "encrypted_pdf"
    assert "mật khẩu" in err.message
    assert_clerk_message(err)


def test_pdf_with_owner_password_only_opens_with_empty_password(tmp_path):
    pdf = make_pdf(tmp_path / "chi-chu.pdf", [NOTICE], owner_password="chu-so-huu")
    assert b"/Encrypt" in pdf.read_bytes()
    loaded = load_file(pdf, "chi-chu.pdf")
    assert "Sở Y tế chủ trì" in unicodedata.normalize("NFC", loaded.pages[0])


def test_scanned_pdf_needs_ocr(tmp_path, monkeypatch):
    pdf = make_image_only_pdf(tmp_path / "scan.pdf", pages=2)
    err = load_error(pdf, options=LoadOptions(ocr="off"))  # OCR switched off
    assert err.code == "no_text_layer"
    assert "không có lớp chữ — cần OCR" in err.message
    import ingest.ocr

    monkeypatch.setattr(ingest.ocr, "available", lambda: False)  # Tesseract not installed
    err = load_error(pdf)
    assert err.code == "no_text_layer"
    assert "không có lớp chữ — cần OCR" in err.message


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_corrupt(tmp_path, fraction):
    pdf = make_pdf(tmp_path / "cut.pdf", [NOTICE, "Trang hai của văn bản.", "Trang ba."])
    truncate(pdf, fraction)
    err = load_error(pdf)
    assert err.code == "corrupt_pdf"
    assert_clerk_message(err)


def test_garbage_named_pdf_is_corrupt(tmp_path):
    path = tmp_path / "rac.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    assert load_error(path).code == "corrupt_pdf"
    assert load_error(make_garbage(tmp_path / "rac2.pdf")).code == "corrupt_pdf"


def test_pdf_with_one_scanned_page_warns(tmp_path):
    from pypdf import PdfReader, PdfWriter

    text_pdf = make_pdf(tmp_path / "text.pdf", [NOTICE])
    scan_pdf = make_image_only_pdf(tmp_path / "scan.pdf")
    writer = PdfWriter()
    for src in (text_pdf, scan_pdf):
        for page in PdfReader(src).pages:
            writer.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as f:
        writer.write(f)
    loaded = load_file(mixed, "mixed.pdf", options=LoadOptions(ocr="off"))
    assert len(loaded.pages) == 2 and loaded.pages[1].strip() == ""
    assert any("Trang 2" in w and "OCR" in w for w in loaded.warnings)


# ---------------------------------------------------------------- DOCX


def test_docx_header_table_paragraphs_and_tables_in_order(tmp_path):
    docx = make_docx(
        tmp_path / "kh.docx",
        [
            "KẾ HOẠCH",
            "Triển khai công tác phòng, chống dịch bệnh",
            [["STT", "Cơ quan", "Nhiệm vụ"], ["1", "Sở Y tế", "Chủ trì"], ["2", "Sở Nội vụ", "Phối hợp"]],
            "Nơi nhận:",
        ],
        header_table=HEADER_TABLE,
    )
    loaded = load_file(docx, "kh.docx")
    assert loaded.format == "docx" and len(loaded.pages) == 1
    lines = loaded.pages[0].split("\n")
    # The two-column header comes out as separate lines, cell by cell.
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH CAO BẰNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/KH-UBND",
        "Cao Bằng, ngày 04 tháng 5 năm 2021",
    ]
    order = ["KẾ HOẠCH", "Triển khai", "STT", "Sở Y tế", "Chủ trì", "Sở Nội vụ", "Phối hợp", "Nơi nhận:"]
    positions = [loaded.pages[0].index(s) for s in order]
    assert positions == sorted(positions)


def test_docx_merged_cells_appear_once(tmp_path):
    docx = make_docx(
        tmp_path / "merge.docx",
        [[["Cơ quan chủ trì", None, "Thời hạn"], ["Sở Y tế", "Sở Nội vụ", "Quý II/2021"], ["Sở Tài chính", "^", "^"]]],
    )
    assert MERGE_UP == "^"
    text = load_file(docx, "merge.docx").pages[0]
    assert text.count("Cơ quan chủ trì") == 1
    assert text.count("Sở Nội vụ") == 1
    assert text.count("Quý II/2021") == 1
    assert "Sở Tài chính" in text


def test_docx_line_breaks_inside_a_paragraph_are_lines(tmp_path):
    docx = make_docx(tmp_path / "br.docx", ["ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG"])
    assert load_file(docx, "br.docx").pages[0].split("\n") == ["ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG"]


def test_docx_named_pdf_is_read_as_docx(tmp_path):
    path = make_docx(tmp_path / "that-ra-la-word.pdf", ["Công văn số 1001/UBND-VX về phòng chống dịch"])
    loaded = load_file(path, path.name)
    assert loaded.format == "docx"
    assert "1001/UBND-VX" in loaded.pages[0]
    assert any(".pdf" in w for w in loaded.warnings)


def test_pdf_named_txt_is_read_as_pdf(tmp_path):
    path = make_pdf(tmp_path / "van-ban.txt", [NOTICE])
    loaded = load_file(path, path.name)
    assert loaded.format == "pdf"
    assert "570/CĐ-TTg" in unicodedata.normalize("NFC", loaded.pages[0])


def test_corrupt_docx(tmp_path):
    path = make_docx(tmp_path / "hong.docx", ["Nội dung"])
    truncate(path, 0.5)
    err = load_error(path)
    assert err.code == "corrupt_docx"
    assert_clerk_message(err)


def test_other_office_zip_files_are_unsupported(tmp_path):
    path = tmp_path / "bang.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    err = load_error(path)
    assert err.code == "unsupported_format"
    assert "Excel" in err.message


# ---------------------------------------------------------------- old .doc


def test_doc_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    doc = make_ole2_word_stub(tmp_path / "cu.doc")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    err = load_error(doc)
    assert err.code == "doc_needs_libreoffice"
    assert "apt-get install libreoffice-writer" in err.message
    assert ".docx" in err.message


def test_ole2_word_named_docx_is_still_an_old_doc(tmp_path, monkeypatch):
    doc = make_ole2_word_stub(tmp_path / "cu.docx")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert load_error(doc).code == "doc_needs_libreoffice"


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_doc_is_converted_with_libreoffice(tmp_path):
    doc = make_doc(tmp_path / "cu.doc", ["CÔNG VĂN", "Sở Y tế chủ trì phối hợp với Sở Nội vụ."])
    loaded = load_file(doc, "cu.doc")
    assert loaded.format == "doc"
    assert "Sở Y tế chủ trì phối hợp với Sở Nội vụ." in loaded.pages[0]


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_broken_doc_conversion_is_reported(tmp_path):
    err = load_error(make_ole2_word_stub(tmp_path / "hong.doc"))
    assert err.code == "doc_conversion_failed"


# ---------------------------------------------------------------- HTML


def test_html_drops_script_style_nav_and_keeps_blocks_as_lines(tmp_path):
    page = make_html(
        tmp_path / "cd.html",
        "<h1>CÔNG ĐIỆN</h1><p>Thủ tướng Chính phủ <b>yêu cầu</b>:</p>"
        "<ul><li>Sở Y tế chủ trì;</li><li>Sở Nội vụ phối hợp.</li></ul>"
        "<table><tr><td>Số: 570/CĐ-TTg</td><td>Hà Nội, ngày 02/5/2021</td></tr></table>"
        "<div>Dòng một<br>dòng hai</div>",
    )
    loaded = load_file(page, "cd.html")
    assert loaded.format == "html"
    text = normalize(loaded).text
    assert "NOISE" not in text and "console" not in text
    lines = text.split("\n")
    assert "CÔNG ĐIỆN" in lines
    assert "Thủ tướng Chính phủ yêu cầu:" in lines
    assert "- Sở Y tế chủ trì;" in lines and "- Sở Nội vụ phối hợp." in lines
    assert "Số: 570/CĐ-TTg" in lines and "Hà Nội, ngày 02/5/2021" in lines
    assert "Dòng một" in lines and "dòng hai" in lines


def test_html_saved_as_doc_is_read_as_html(tmp_path):
    page = make_html(tmp_path / "tu-web.doc", "<p>Kế hoạch số 12/KH-UBND của Ủy ban nhân dân tỉnh</p>")
    loaded = load_file(page, page.name)
    assert loaded.format == "html"
    assert "Kế hoạch số 12/KH-UBND" in loaded.pages[0]


def test_html_in_windows_1258(tmp_path):
    page = tmp_path / "cp.htm"
    from builders import to_cp1258

    page.write_bytes(b"<html><body><p>" + to_cp1258("Sở Y tế chủ trì, phối hợp") + b"</p></body></html>")
    assert "Sở Y tế chủ trì, phối hợp" in normalize(load_file(page, "cp.htm")).text


# ---------------------------------------------------------------- TXT / MD


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("utf-16", False), ("utf-16-le", False), ("cp1258", False)]
)
def test_text_encodings_round_trip(tmp_path, encoding, bom):
    text = "Ủy ban nhân dân tỉnh Đắk Lắk giao Sở Y tế chủ trì, phối hợp với Công an tỉnh.\n" * 3
    path = make_text(tmp_path / "tb.txt", text, encoding=encoding, bom=bom)
    loaded = load_file(path, "tb.txt")
    assert loaded.format == "txt"
    out = normalize(loaded).text
    assert out.count("Ủy ban nhân dân tỉnh Đắk Lắk giao Sở Y tế chủ trì, phối hợp với Công an tỉnh.") == 3
    assert "\ufeff" not in out


def test_nfd_text_file_comes_out_nfc(tmp_path):
    path = make_text(tmp_path / "nfd.md", nfd("**Sở Y tế** chủ trì thực hiện Điều 5."))
    loaded = load_file(path, "nfd.md")
    assert loaded.format == "md"
    assert normalize(loaded).text == "Sở Y tế chủ trì thực hiện Điều 5."


def test_text_without_accents_is_kept(tmp_path):
    path = make_text(tmp_path / "khong-dau.txt", "So Y te chu tri, phoi hop voi So Noi vu.")
    assert normalize(load_file(path, "k.txt")).text == "So Y te chu tri, phoi hop voi So Noi vu."


def test_binary_garbage_named_txt_is_refused(tmp_path):
    err = load_error(make_garbage(tmp_path / "rac.txt"))
    assert err.code == "not_text"
    assert_clerk_message(err)


def test_high_byte_noise_named_txt_is_refused(tmp_path):
    assert load_error(make_high_byte_garbage(tmp_path / "rac.txt")).code == "not_text"


def test_zero_byte_file(tmp_path):
    err = load_error(make_empty(tmp_path / "rong.pdf"))
    assert err.code == "empty_file"
    assert_clerk_message(err)


def test_whitespace_only_file_has_no_text(tmp_path):
    path = make_text(tmp_path / "trang.txt", " \n\t\n  \u00a0\n")
    assert load_error(path).code == "no_text"


def test_too_large(tmp_path):
    path = make_text(tmp_path / "lon.txt", "Sở Y tế chủ trì. " * 200)
    err = load_error(path, max_bytes=1000)
    assert err.code == "too_large"
    assert "MB" in err.message
    assert_clerk_message(err)


def test_unknown_extension_and_broken_images(tmp_path, monkeypatch):
    assert load_error(make_text(tmp_path / "data.json", '{"a": "Sở Y tế"}')).code == "unsupported_format"
    gif = tmp_path / "anh.gif"
    gif.write_bytes(b"GIF89a" + bytes(100))
    assert load_error(gif).code == "unsupported_format"
    png = tmp_path / "anh.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))  # a PNG signature and nothing readable after it
    err = load_error(png)
    assert err.code == "corrupt_image" and "ảnh PNG" in err.message
    import ingest.ocr

    monkeypatch.setattr(ingest.ocr, "available", lambda: False)  # Tesseract not installed
    err = load_error(png)
    assert err.code == "needs_ocr" and "cần OCR" in err.message and "tesseract-ocr-vie" in err.message
    assert load_error(png, options=LoadOptions(ocr="off")).code == "needs_ocr"


def test_missing_file_is_unreadable(tmp_path):
    err = load_error(tmp_path / "khong-co.pdf")
    assert err.code == "unreadable"
    assert_clerk_message(err)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_file_without_read_permission(tmp_path):
    path = make_text(tmp_path / "khoa.txt", "Sở Y tế")
    path.chmod(0)
    try:
        assert load_error(path).code == "unreadable"
    finally:
        path.chmod(0o644)


# ---------------------------------------------------------------- iter_files


def _tree(root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / "a" / "c").mkdir(parents=True)
    (root / ".an").mkdir()
    for rel in ["z.txt", "b/2.pdf", "b/1.docx", "a/c/sâu.md", "a/x.html", ".an/bi-mat.txt", ".ẩn.txt", "b/~$khoa.docx"]:
        (root / rel).write_text("Sở Y tế", encoding="utf-8")


def test_iter_files_sorted_recursive_skips_hidden(tmp_path):
    root = tmp_path / "kho"
    _tree(root)
    got = list(iter_files([root]))
    assert [s for _, s in got] == [
        f"{root}/a/c/sâu.md",
        f"{root}/a/x.html",
        f"{root}/b/1.docx",
        f"{root}/b/2.pdf",
        f"{root}/z.txt",
    ]
    assert all(p.is_file() for p, _ in got)
    assert list(iter_files([root])) == got  # stable


def test_iter_files_source_keeps_the_path_as_given(tmp_path, monkeypatch):
    _tree(tmp_path / "kho")
    monkeypatch.chdir(tmp_path)
    sources = [s for _, s in iter_files([Path("kho/b"), Path("kho/z.txt")])]
    assert sources == ["kho/b/1.docx", "kho/b/2.pdf", "kho/z.txt"]


def test_iter_files_excludes_the_index_folder(tmp_path):
    root = tmp_path / "kho"
    _tree(root)
    (root / "index").mkdir()
    (root / "index" / "manifest.txt").write_text("x")
    got = [s for _, s in iter_files([root], exclude=root / "index")]
    assert not any("manifest" in s for s in got) and len(got) == 5
    assert list(iter_files([root / "index"], exclude=root / "index")) == []


def test_iter_files_survives_symlink_loops(tmp_path):
    root = tmp_path / "kho"
    (root / "a").mkdir(parents=True)
    (root / "a" / "tb.txt").write_text("Sở Y tế")
    (root / "a" / "vong").symlink_to(root)  # loop back to the top
    (root / "a" / "tu-than").symlink_to(root / "a" / "tu-than")  # a link to itself
    (root / "lien-ket.txt").symlink_to(root / "a" / "tb.txt")
    got = list(iter_files([root]))
    names = [p.name for p, _ in got]
    assert names.count("tb.txt") == 1 and "lien-ket.txt" in names
    assert len(got) <= 4


def test_iter_files_deep_nesting(tmp_path):
    # 600 nested folders: deeper than PATH_MAX (4096 bytes) can name, so they are made and removed
    # through directory file descriptors (pytest's own recursive cleanup must not meet them).
    root = tmp_path / "sau"
    root.mkdir()
    (root / "dau.txt").write_text("Sở Y tế")
    fds = [os.open(root, os.O_RDONLY)]
    try:
        for depth in range(600):
            os.mkdir("thu-muc", dir_fd=fds[-1])
            fds.append(os.open("thu-muc", os.O_RDONLY, dir_fd=fds[-1]))
            if depth in (50, 599):
                fd = os.open("tep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fds[-1])
                os.write(fd, "Sở Nội vụ".encode())
                os.close(fd)
        got = [(p, s) for p, s in iter_files([root])]
        names = [p.name for p, _ in got]
        assert "dau.txt" in names and "tep.txt" in names  # the reachable ones; no crash, no hang
        assert all(len(os.fsencode(p)) < 4096 for p, _ in got)
    finally:
        for level in range(len(fds) - 1, 0, -1):  # bottom up
            for name in os.listdir(fds[level]):
                if name != "thu-muc":
                    os.unlink(name, dir_fd=fds[level])
            os.close(fds[level])
            os.rmdir("thu-muc", dir_fd=fds[level - 1])
        os.close(fds[0])


def test_iter_files_non_utf8_file_name(tmp_path):
    raw_dir = os.fsencode(tmp_path)
    bad = raw_dir + b"/k\xe9 ho\xb9ch.txt"  # Latin-1 / TCVN3 bytes, not UTF-8
    with open(bad, "wb") as f:
        f.write("Kế hoạch số 12/KH-UBND".encode())
    [(path, source)] = list(iter_files([tmp_path]))
    assert path.exists()
    source.encode("utf-8")  # printable, no surrogates
    assert "\ufffd" in source
    loaded = load_file(path, source)
    assert "12/KH-UBND" in loaded.pages[0]
    assert loaded.source == source


def test_iter_files_yields_missing_paths_for_the_caller_to_report(tmp_path):
    missing = tmp_path / "khong-co.pdf"
    assert list(iter_files([missing])) == [(missing, str(missing))]


# ---------------------------------------------------------------- legacy hooks


def test_fallback_decoder_reads_unicode_and_windows_1258():
    from builders import to_cp1258

    from ingest.load import _fallback_decode

    text = "Sở Y tế chủ trì, phối hợp với Công an tỉnh Đắk Lắk."
    assert _fallback_decode(text.encode("utf-8")) == (text, "utf-8")
    assert _fallback_decode(text.encode("utf-16-le"))[0] == text
    assert _fallback_decode(b"\xef\xbb\xbf" + text.encode())[0] == text
    decoded, encoding = _fallback_decode(to_cp1258(text))
    assert encoding == "cp1258" and unicodedata.normalize("NFC", decoded) == text


def test_pages_go_through_legacy_repair(tmp_path):
    pytest.importorskip("chidao.lang.legacy")
    pdf = make_pdf(tmp_path / "nfd.pdf", [nfd("Sở Y tế chủ trì"), nfd("Ủy ban nhân dân tỉnh")])
    pages = load_file(pdf, "nfd.pdf").pages
    assert all(unicodedata.is_normalized("NFC", page) for page in pages)
    assert "Sở Y tế chủ trì" in pages[0] and "Ủy ban nhân dân tỉnh" in pages[1]


def test_html_ordered_lists_are_numbered(tmp_path):
    page = make_html(tmp_path / "ol.html", "<ol><li>Sở Y tế</li><li>Sở Nội vụ</li></ol><ol><li>a) Đã có nhãn</li></ol>")
    lines = normalize(load_file(page, "ol.html")).text.split("\n")
    assert "1. Sở Y tế" in lines and "2. Sở Nội vụ" in lines and "a) Đã có nhãn" in lines


def test_iter_files_overlapping_paths_yield_each_file_once(tmp_path):
    root = tmp_path / "kho"
    _tree(root)
    got = [s for _, s in iter_files([root, root / "b", root / "z.txt", root])]
    assert len(got) == len(set(got)) == 5
