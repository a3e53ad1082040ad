"""ingest.normalize: characters, markdown, unwrapping, running headers/footers, page offsets."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from builders import make_pdf

from chidao.records import LoadedFile
from ingest.load import load_file
from ingest.normalize import normalize, normalize_text

DEV_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "github" / "corpus"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def loaded(pages: list[str], fmt: str = "pdf") -> LoadedFile:
    return LoadedFile(source="x", path="/x", format=fmt, pages=pages, file_hash="0", size=1)


# ---------------------------------------------------------------- characters and whitespace


def test_nfd_becomes_nfc():
    out = normalize_text(nfd("Ủy ban nhân dân tỉnh Đắk Lắk; Sở Y tế chủ trì."))
    assert out == "Ủy ban nhân dân tỉnh Đắk Lắk; Sở Y tế chủ trì."
    assert unicodedata.is_normalized("NFC", out)


def test_invisible_characters_and_spaces():
    text = "Sở\u00a0Y\u00a0tế\u200b chủ\u00adtrì,\tphối  hợp   \r\nvới\u202fSở Nội vụ.\ufeff  \n\n\n\n\nĐiều 2.\x0c"
    assert normalize_text(text) == "Sở Y tế chủtrì, phối hợp với Sở Nội vụ.\n\nĐiều 2."


def test_blank_line_runs_collapse_and_edges_are_trimmed():
    assert normalize_text("\n\n  Điều 1.  \n \n\t\n\n Điều 2. \n\n") == "Điều 1.\n\nĐiều 2."


# ---------------------------------------------------------------- hyphenation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quyết định số 270/QĐ-\nUBND ngày 5/3", "Quyết định số 270/QĐ-UBND ngày 5/3"),
        ("giai đoạn 2021-\n2025 của tỉnh", "giai đoạn 2021-2025 của tỉnh"),
        ("công tác ngh-\niên cứu khoa học", "công tác nghiên cứu khoa học"),
        ("hệ thống infor-\nmation system", "hệ thống information system"),
        ("phát triển kinh tế -\nxã hội của tỉnh", "phát triển kinh tế - xã hội của tỉnh"),
        ("phát triển kinh tế-\nxã hội của tỉnh", "phát triển kinh tế-xã hội của tỉnh"),
        ("Bộ Lao động -\nThương binh và Xã hội", "Bộ Lao động - Thương binh và Xã hội"),
    ],
)
def test_hyphenation_across_line_ends(text, expected):
    assert normalize_text(text) == expected


# ---------------------------------------------------------------- markdown


def test_markdown_emphasis_headings_escapes_links_removed():
    text = (
        "## **2. Nhiệm vụ trọng tâm**\n\n"
        "**Quan điểm chỉ đạo** của UBND tỉnh là *thực hiện nghiêm* Công điện số 570/CĐ\\-TTg;\n\n"
        "Xem [Cổng thông tin](https://caobang.gov.vn/a?b=1) và \\*ghi chú\\* (*) tại `Phụ lục`."
    )
    assert normalize_text(text) == (
        "2. Nhiệm vụ trọng tâm\n\n"
        "Quan điểm chỉ đạo của UBND tỉnh là thực hiện nghiêm Công điện số 570/CĐ-TTg;\n\n"
        "Xem Cổng thông tin và *ghi chú* (*) tại Phụ lục."
    )


def test_markdown_is_kept_literal_for_docx():
    assert normalize(loaded(["**Sở Y tế** chủ trì (*)"], fmt="docx")).text == "**Sở Y tế** chủ trì (*)"


def test_bold_spanning_lines_is_one_line():
    text = "**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\nĐộc lập - Tự do - Hạnh phúc"
    assert normalize_text(text).split("\n") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def test_label_alone_on_its_line_takes_its_title():
    text = (
        "**I.\nTrách nhiệm phối hợp trong công tác thẩm định**\n\n**1.\nCác cơ quan đăng ký đầu tư:**\n\na) Là đầu mối"
    )
    assert normalize_text(text).split("\n\n") == [
        "I. Trách nhiệm phối hợp trong công tác thẩm định",
        "1. Các cơ quan đăng ký đầu tư:",
        "a) Là đầu mối",
    ]


def test_trafilatura_table_cells_become_lines():
    text = (
        "|\n**ỦY BAN NHÂN DÂN**\nTỈNH ĐẮK LẮK\n-------\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\n"
        "Độc lập - Tự do - Hạnh phúc\n---------------\n|\n|\nSố: 010/CT-UBND\n|\n*Đắk Lắk, ngày 17\n"
        "tháng 11 năm 2025*\n|\n\n**CHỈ THỊ**"
    )
    assert normalize_text(text) == (
        "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Số: 010/CT-UBND\n\nĐắk Lắk, ngày 17 tháng 11 năm 2025\n\nCHỈ THỊ"
    )


def test_pipe_table_rows_become_one_cell_per_line():
    text = (
        "| ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "|---|---|\n"
        "| Số: 518/QĐ-UBND | Bình Định, ngày 23 tháng 02 năm 2023 |\n\nQUYẾT ĐỊNH"
    )
    assert normalize_text(text).split("\n") == [
        "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 518/QĐ-UBND",
        "Bình Định, ngày 23 tháng 02 năm 2023",
        "",
        "QUYẾT ĐỊNH",
    ]


def test_empty_emphasis_and_star_marker():
    text = "** **\n* *\n* Lưu ý: báo cáo ngay về UBND tỉnh.\n*1.1. *Quán triệt và triển khai"
    assert normalize_text(text).split("\n") == ["* Lưu ý: báo cáo ngay về UBND tỉnh.", "1.1. Quán triệt và triển khai"]


# ---------------------------------------------------------------- unwrapping

WRAPPED = """Thời gian qua, công tác
thu hút đầu tư ngoài ngân sách trên địa bàn tỉnh đã có nhiều chuyển biến tích cực,
góp phần thúc đẩy tăng trưởng kinh tế - xã hội, giải quyết việc làm, nâng cao
năng lực sản xuất. Công tác phối hợp thẩm định giữa các cơ quan, đơn vị bước đầu
đạt nhiều hiệu quả. Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các sở, ban, ngành, Chủ tịch
UBND các xã, phường tập trung thực hiện các nội dung sau:
1. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ
tham mưu UBND tỉnh ban hành quy chế phối hợp trong thẩm định chủ trương đầu tư dự án.
2.1. Sở Y tế
a) Chịu trách nhiệm tiếp nhận hồ sơ, kiểm tra tính đầy đủ và hợp lệ của hồ sơ, giải
quyết và trả kết quả thủ tục hành chính liên quan.
- Ủy ban nhân dân các xã, phường;
+ Công an tỉnh;
Điều 5. Chánh Văn phòng UBND tỉnh, Giám đốc các sở và Chủ tịch UBND các xã chịu
trách nhiệm thi hành Quyết định này."""


def test_hard_wrapped_lines_join_but_items_never_do():
    assert normalize_text(WRAPPED).split("\n") == [
        "Thời gian qua, công tác thu hút đầu tư ngoài ngân sách trên địa bàn tỉnh đã có nhiều chuyển biến tích "
        "cực, góp phần thúc đẩy tăng trưởng kinh tế - xã hội, giải quyết việc làm, nâng cao năng lực sản xuất. "
        "Công tác phối hợp thẩm định giữa các cơ quan, đơn vị bước đầu đạt nhiều hiệu quả. Chủ tịch UBND tỉnh "
        "yêu cầu Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các xã, phường tập trung thực hiện các nội dung sau:",
        "1. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ tham mưu UBND tỉnh ban hành quy chế phối hợp trong "
        "thẩm định chủ trương đầu tư dự án.",
        "2.1. Sở Y tế",
        "a) Chịu trách nhiệm tiếp nhận hồ sơ, kiểm tra tính đầy đủ và hợp lệ của hồ sơ, giải quyết và trả kết "
        "quả thủ tục hành chính liên quan.",
        "- Ủy ban nhân dân các xã, phường;",
        "+ Công an tỉnh;",
        "Điều 5. Chánh Văn phòng UBND tỉnh, Giám đốc các sở và Chủ tịch UBND các xã chịu trách nhiệm thi hành "
        "Quyết định này.",
    ]


def test_wrapping_is_undone_in_nfd_and_without_accents():
    text = "Chu tich UBND tinh yeu cau Thu truong cac so,\nban, nganh tap trung thuc hien:\n- So Y te chu tri;"
    assert normalize_text(text).split("\n") == [
        "Chu tich UBND tinh yeu cau Thu truong cac so, ban, nganh tap trung thuc hien:",
        "- So Y te chu tri;",
    ]
    assert normalize_text(nfd("Sở Y tế chủ trì\nphối hợp với Sở Nội vụ.")) == "Sở Y tế chủ trì phối hợp với Sở Nội vụ."


def test_short_heading_is_not_joined_with_the_paragraph_after_it():
    text = "1. Mục đích\nQuán triệt và triển khai nghiêm túc Nghị quyết số 163/2024/QH15.\nII. YÊU CẦU\nBám sát."
    assert normalize_text(text).split("\n") == [
        "1. Mục đích",
        "Quán triệt và triển khai nghiêm túc Nghị quyết số 163/2024/QH15.",
        "II. YÊU CẦU",
        "Bám sát.",
    ]


def test_header_lines_in_capitals_stay_apart():
    text = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An"
    assert normalize_text(text).split("\n") == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


def test_function_word_at_line_end_continues():
    assert normalize_text("VỀ\nVIỆC BỔ SUNG DANH SÁCH CỬA KHẨU") == "VỀ VIỆC BỔ SUNG DANH SÁCH CỬA KHẨU"


def test_first_line_cut_mid_phrase_continues():
    text = "Ủy ban nhân dân thành phố Cần\nThơ ban hành Kế hoạch giám sát như sau:"
    assert normalize_text(text) == "Ủy ban nhân dân thành phố Cần Thơ ban hành Kế hoạch giám sát như sau:"


def test_semicolon_then_lower_case_continues():
    assert normalize_text("cơ bản ổn định;\ntăng trưởng đạt 10,22%.") == "cơ bản ổn định; tăng trưởng đạt 10,22%."


def test_sentence_cut_by_a_blank_line_is_mended():
    assert (
        normalize_text("tôn giáo cơ bản ổn\n\nđịnh, tình hình trật tự") == "tôn giáo cơ bản ổn định, tình hình trật tự"
    )
    assert normalize_text("kết thúc.\n\nđịnh hướng") == "kết thúc.\n\nđịnh hướng"


def test_no_unwrapping_for_docx_lines():
    assert normalize(loaded(["Sở Y tế chủ trì\nphối hợp"], fmt="docx")).text == "Sở Y tế chủ trì\nphối hợp"


# ---------------------------------------------------------------- PDF pages, headers, footers


def test_running_headers_and_page_numbers_dropped_and_pages_indexed():
    pages = [
        "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\nKế hoạch số 12/KH-UBND\n1. Sở Y tế chủ trì.\nTrang 1/3",
        "Kế hoạch số 12/KH-UBND\n2. Sở Nội vụ phối hợp.\nTrang 2/3",
        "Kế hoạch số 12/KH-UBND\n3. Tổ chức thực hiện.\nTrang 3/3",
    ]
    norm = normalize(loaded(pages))
    assert "Kế hoạch số 12/KH-UBND" not in norm.text and "Trang" not in norm.text
    assert (
        norm.text
        == "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\n1. Sở Y tế chủ trì.\n\n2. Sở Nội vụ phối hợp.\n\n3. Tổ chức thực hiện."
    )
    assert norm.page_starts == [0, norm.text.index("2. Sở"), norm.text.index("3. Tổ")]
    assert norm.page_at(norm.text.index("Sở Y tế")) == 1
    assert norm.page_at(norm.text.index("Sở Nội vụ")) == 2
    assert norm.page_at(len(norm.text) - 1) == 3


@pytest.mark.parametrize("fmt", ["- {n} -", "{n}/{total}", "Trang {n}", "{n}"])
def test_page_number_forms(fmt):
    bodies = ["Sở Y tế chủ trì.", "Sở Nội vụ phối hợp.", "Sở Tài chính bố trí kinh phí.", "Điều 4. Hiệu lực."]
    pages = [f"{body}\n" + fmt.format(n=i, total=4) for i, body in enumerate(bodies, start=1)]
    assert normalize(loaded(pages)).text == "\n\n".join(bodies)


def test_page_numbers_at_top_from_page_two():
    pages = ["CÔNG ĐIỆN\nThủ tướng yêu cầu:"] + [
        f"{i}\nNội dung phần {c}." for i, c in zip(range(2, 5), "ABC", strict=True)
    ]
    text = normalize(loaded(pages)).text
    assert text == "CÔNG ĐIỆN\nThủ tướng yêu cầu:\n\nNội dung phần A.\n\nNội dung phần B.\n\nNội dung phần C."


def test_lines_not_repeated_on_most_pages_stay():
    pages = ["Điều 1. Sở Y tế chủ trì.", "Điều 2. Sở Nội vụ.", "Điều 3. Hiệu lực.", "Nơi nhận:\n- Như Điều 3;"]
    text = normalize(loaded(pages)).text
    for p in pages:
        assert p in text
    # A single page keeps a number that might be content.
    assert normalize(loaded(["Tổng số xã:\n12"])).text == "Tổng số xã:\n12"


def test_empty_pages_keep_their_offsets():
    norm = normalize(loaded(["Trang một.", "", "Trang ba."]))
    assert norm.text == "Trang một.\n\nTrang ba."
    assert norm.page_starts == [0, 10, 12]
    assert norm.page_at(norm.text.index("ba")) == 3


def test_real_pdf_header_footer_removed_and_lines_unwrapped(tmp_path):
    agencies = ["Sở Y tế", "Sở Nội vụ", "Sở Tài chính"]
    bodies = [
        f"{agency} chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố "
        f"tập trung triển khai thực hiện nghiêm các nhiệm vụ trọng tâm về phòng, chống dịch bệnh "
        f"COVID-19 và phát triển kinh tế - xã hội, báo cáo kết quả trước ngày {day} tháng 5 năm 2021."
        for agency, day in zip(agencies, (10, 20, 30), strict=True)
    ]
    pages = [
        f"{i}. Nhiệm vụ của {a}\n{body}" for i, (a, body) in enumerate(zip(agencies, bodies, strict=True), start=1)
    ]
    pdf = make_pdf(tmp_path / "kh.pdf", pages, header="KẾ HOẠCH SỐ 12/KH-UBND", footer_page_numbers="- {n} -")
    raw = load_file(pdf, "kh.pdf")
    assert all(len(page.split("\n")) >= 5 for page in raw.pages)  # header, title, 2+ wrapped lines, footer
    norm = normalize(raw)
    assert "KẾ HOẠCH SỐ 12/KH-UBND" not in norm.text and "- 2 -" not in norm.text
    for body in bodies:
        assert body in norm.text.split("\n")  # the wrapped paragraph is one line again
    assert norm.text.split("\n\n")[1].startswith("2. Nhiệm vụ của Sở Nội vụ\n")
    assert norm.page_at(norm.text.index("3. Nhiệm vụ")) == 3


# ---------------------------------------------------------------- speed and the dev corpus


def test_large_and_pathological_input():
    base = (
        "**Sở Y tế** chủ trì, phối hợp với các sở, ngành liên quan triển khai\nthực hiện Kế hoạch số 12/KH-UBND;\n"
    ) * 20000
    cases = [base, "[a](" * 200_000, "ab-\ncd " * 100_000, "-" * 1_000_000, "| a " * 100_000, "(*)" * 200_000]
    for text in cases:  # finishes (speed itself is a benchmark's business) and keeps the words
        out = normalize_text(text)
        assert len(out) <= len(text), text[:20]  # clean-up only removes or joins, never adds


@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="shared dev corpus not present")
def test_dev_corpus_has_no_markdown_left():
    for path in sorted(DEV_CORPUS.glob("*.txt")):
        text = normalize(load_file(path, path.name)).text
        assert "**" not in text and "\n|\n" not in text, path.name
        assert unicodedata.is_normalized("NFC", text)
        assert "\n\n\n" not in text and text == text.strip()


def test_fold_by_table_equals_fold_by_words():
    """``fold``'s one-pass table gives what the word-by-word definition gives: every character of the
    blocks it covers (alone, inside a word, NFD), the dev documents, and text outside the blocks."""
    import unicodedata

    from chidao.lang.text import _FOLD_BLOCKS, _fold_by_words, fold

    chars = [chr(c) for a, b in _FOLD_BLOCKS for c in range(a, b)] + [chr(c) for c in range(0x80)]
    for c in chars:
        for text in (c, f"Sở{c}Y tế", f" {c} x", c + "\u0301"):
            assert fold(text) == _fold_by_words(text), hex(ord(c))
    corpus = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "github" / "corpus"
    for f in sorted(corpus.glob("*.txt"))[:20]:
        text = f.read_text(encoding="utf-8")
        assert fold(text) == _fold_by_words(text)
        nfd = unicodedata.normalize("NFD", text)
        assert fold(nfd) == _fold_by_words(nfd)
    assert fold("Ủy ban nhân dân TỈNH Đắk Lắk") == "uy ban nhan dan tinh dak lak"
    assert fold("Sở Y tế\u2003và Ωmega ΣΟΦΙΑ") == _fold_by_words("Sở Y tế\u2003và Ωmega ΣΟΦΙΑ")  # Greek: by words
    assert fold("so y te") == "so y te"
