"""Pure helpers of the web UI: highlighting, dates, safe uploads, exports, viewer and answer HTML."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from chidao.records import Answer, Citation, Hit
from ingest.load import LoadError, sniff_kind
from search.export import HEADERS, task_rows, write_tasks_csv, write_tasks_xlsx
from webui.auth import check_password, parse_auth, safe_next
from webui.backend import parse_user_date
from webui.render import (
    document_matches,
    group_hits,
    highlight_html,
    render_answer,
    render_documents,
    render_hits,
    render_refs,
)
from webui.uploads import UploadRejected, check_upload, safe_upload_name, store_upload, within
from webui.viewer import render_viewer

ROOT = Path(__file__).resolve().parent.parent


def marks(html_text: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html_text)


# ---------------------------------------------------------------- highlighting


def test_highlight_without_accents_marks_accented_words():
    text = "3.5. Sở Y Tế, Thương binh và Xã hội; Sở Y tế chủ trì phối hợp với Sở Nội vụ."
    assert marks(highlight_html(text, "so y te")) == ["Sở Y Tế", "Sở Y tế"]


def test_highlight_accepts_nfd_and_upper_case_queries():
    text = "Giao Sở Y tế chủ trì."
    nfd = unicodedata.normalize("NFD", "Sở Y tế")
    assert marks(highlight_html(text, nfd)) == ["Sở Y tế"]
    assert marks(highlight_html(text, "SỞ Y TẾ")) == ["Sở Y tế"]


def test_highlight_with_accents_keeps_each_words_accents():
    text = "Các cơ sở giáo dục được giao nhiệm vụ tổng kết năm học."
    out = marks(highlight_html(text, "Sở Y tế được giao nhiệm vụ gì?"))
    assert "giáo" not in out
    assert "được giao nhiệm vụ" in out
    # without accents the same word matches any accents
    assert marks(highlight_html("cơ sở giáo dục", "giao duc")) == ["giáo dục"]


def test_highlight_ignores_where_the_tone_mark_sits():
    assert marks(highlight_html("Giữ vững hòa bình, ổn định", "hoà bình")) == ["hòa bình"]


def test_highlight_skips_lone_short_or_function_syllables():
    text = "Phát triển kinh tế và y học cổ truyền của tỉnh"
    assert marks(highlight_html(text, "so y te")) == []
    assert marks(highlight_html(text, "tỉnh và kinh tế")) == ["kinh tế", "tỉnh"]  # "và" alone: no


def test_highlight_document_numbers_with_or_without_d_stroke():
    text = "tại Công điện số 570/CD-TTg ngày 02/5/2021"
    assert marks(highlight_html(text, "570/CĐ-TTg")) == ["570/CD-TTg"]
    assert marks(highlight_html(text, "570 / cd - ttg")) == ["570/CD-TTg"]


def test_highlight_escapes_html():
    out = highlight_html("<b>Sở Y tế</b> & <script>", "so y te")
    assert "<script>" not in out and "&lt;b&gt;<mark>Sở Y tế</mark>&lt;/b&gt; &amp;" in out


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("typed", "end", "iso"),
    [
        ("2/5/2021", False, "2021-05-02"),
        ("02-05-2021", False, "2021-05-02"),
        ("2021-05-02", False, "2021-05-02"),
        ("5/2021", False, "2021-05-01"),
        ("2/2024", True, "2024-02-29"),
        ("12/2021", True, "2021-12-31"),
        ("2021", True, "2021-12-31"),
        ("", False, None),
    ],
)
def test_parse_user_date(typed, end, iso):
    assert parse_user_date(typed, end=end) == iso


def test_parse_user_date_refuses_in_vietnamese():
    with pytest.raises(ValueError, match="không hợp lệ"):
        parse_user_date("31/02/2021")
    with pytest.raises(ValueError, match="ngày/tháng/năm"):
        parse_user_date("hôm qua")


# ---------------------------------------------------------------- uploads


@pytest.mark.parametrize(
    ("client", "kind", "stored"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("..\\..\\Windows\\boot.ini", "text", "boot.txt"),
        ("Công văn 1500 (bản sửa).docx", "docx", "Công-văn-1500-bản-sửa.docx"),
        ("ke-hoach.pdf", "docx", "ke-hoach.docx"),  # the content decides the suffix
        (".bashrc", "text", "van-ban.txt"),
        ("..", "pdf", "van-ban.pdf"),
        ("ghi chú.MD", "text", "ghi-chú.md"),
        ("a\x00b\nc.html", "html", "a-b-c.html"),
    ],
)
def test_safe_upload_name(client, kind, stored):
    assert safe_upload_name(client, kind) == stored


def test_safe_upload_name_is_short_and_plain():
    name = safe_upload_name("x" * 500 + ".pdf", "pdf")
    assert len(name) <= 84 and name.endswith(".pdf")
    for weird in ("/", "\\", "..", "\x00", " "):
        assert weird not in safe_upload_name(f"a{weird}b{weird}.pdf", "pdf")[:-4]


def test_store_upload_never_writes_through_a_link(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("giữ nguyên", encoding="utf-8")
    (uploads / "van-ban.txt").symlink_to(outside)
    stored = store_upload("Nội dung mới".encode(), "van-ban.txt", uploads)
    assert stored == (uploads / "van-ban.txt").resolve()
    assert not stored.is_symlink() and stored.read_text(encoding="utf-8") == "Nội dung mới"
    assert outside.read_text(encoding="utf-8") == "giữ nguyên"
    assert [p.name for p in uploads.iterdir()] == ["van-ban.txt"]  # no temporary file left


def test_store_upload_refuses_bad_names_and_linked_folder(tmp_path):
    uploads = tmp_path / "uploads"
    for bad in ("../x.txt", "a/b.txt", ".hidden", ""):
        with pytest.raises(UploadRejected):
            store_upload(b"abc", bad, uploads)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    linked = tmp_path / "linked-uploads"
    linked.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UploadRejected, match="không hợp lệ"):
        store_upload(b"abc", "a.txt", linked)
    assert list(elsewhere.iterdir()) == []


def test_store_upload_keeps_an_identical_file(tmp_path):
    first = store_upload(b"same bytes", "a.txt", tmp_path)
    before = first.stat().st_mtime_ns
    os.utime(first, ns=(before - 10**9, before - 10**9))
    again = store_upload(b"same bytes", "a.txt", tmp_path)
    assert again.stat().st_mtime_ns == before - 10**9  # untouched: ingest will see "không đổi"
    store_upload(b"other bytes", "a.txt", tmp_path)
    assert first.read_bytes() == b"other bytes"


def test_check_upload_sniffs_content_not_names():
    mb = 2**20
    assert check_upload(b"%PDF-1.4\n...", "cong-van.txt", mb) == "pdf"
    assert check_upload("Công văn số 12/UBND".encode(), "a.md", mb) == "text"
    assert check_upload(b"<html><body><p>Xin chao</p></body></html>", "a.htm", mb) == "html"
    assert check_upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.pdf", mb) == "png"  # read by OCR
    with pytest.raises(UploadRejected, match="ảnh GIF"):
        check_upload(b"GIF89a" + b"\x00" * 100, "scan.pdf", mb)
    with pytest.raises(UploadRejected, match="nhị phân"):
        check_upload(bytes(range(256)) * 10, "ghi-chu.txt", mb)
    with pytest.raises(UploadRejected, match="Loại tệp không được nhận"):
        check_upload(b"MZ\x90\x00", "setup.exe", mb)
    with pytest.raises(UploadRejected, match="quá lớn"):
        check_upload(b"a" * (mb + 1), "to.txt", mb)
    with pytest.raises(UploadRejected, match="rỗng"):
        check_upload(b"", "rong.txt", mb)


def test_sniff_kind_is_the_loaders_choice():
    assert sniff_kind(b"%PDF-1.4\n...", ".TXT") == "pdf"
    assert sniff_kind("Chỉ thị số 05/CT-UBND về phòng chống dịch".encode(), ".md") == "text"
    assert sniff_kind(unicodedata.normalize("NFD", "Sở Y tế chủ trì").encode(), ".txt") == "text"
    assert sniff_kind("<p>Sở Y tế chủ trì</p>".encode(), ".htm") == "html"
    with pytest.raises(LoadError) as binary:
        sniff_kind(bytes(range(256)) * 10, ".txt")
    assert binary.value.code == "not_text" and "nhị phân" in binary.value.message
    with pytest.raises(LoadError) as odd:
        sniff_kind("Công văn số 12/UBND".encode(), ".xyz")
    assert odd.value.code == "unsupported_format" and ".xyz" in odd.value.message
    assert sniff_kind(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, ".pdf") == "png"  # a page image, read by OCR
    with pytest.raises(LoadError, match="ảnh GIF"):
        sniff_kind(b"GIF89a" + b"\x00" * 100, ".pdf")


def test_within(tmp_path):
    (tmp_path / "uploads").mkdir()
    assert within(tmp_path / "uploads" / "a.pdf", tmp_path / "uploads")
    assert not within(tmp_path / "uploads" / ".." / "a.pdf", tmp_path / "uploads")


# ---------------------------------------------------------------- export

ASSIGNMENTS = [
    {
        "date": "2021-05-04",
        "number": "81/TB-VPCP",
        "type": "Thông báo",
        "title": "Kết luận phiên họp",
        "issuer": "Văn phòng Chính phủ",
        "agency": "Sở Y tế",
        "role": "chủ trì",
        "task": "Xây dựng hướng dẫn phòng, chống dịch COVID-19",
        "deadline": "trước ngày 15/5/2021",
        "section": "2.1.2. Về công tác bầu cử",
        "source": "corpus/tb.md",
    },
    {
        "date": None,
        "number": None,
        "type": None,
        "title": None,
        "agency": "Sở Y tế",
        "role": "giao",
        "task": '=HYPERLINK("http://x")',
        "deadline": None,
        "section": "",
        "source": "corpus/x.md",
    },
]


def test_task_rows_in_column_order():
    rows = task_rows(ASSIGNMENTS)
    assert rows[0][:8] == [
        1,
        dt.date(2021, 5, 4),
        "81/TB-VPCP",
        "Thông báo",
        "Văn phòng Chính phủ",
        "Sở Y tế",
        "Chủ trì",
        ASSIGNMENTS[0]["task"],
    ]
    assert rows[1][0] == 2 and rows[1][1] == "" and rows[1][6] == "Được giao" and rows[1][8] == ""
    assert len(rows[0]) == len(HEADERS)


def test_xlsx_is_a_real_workbook(tmp_path):
    import openpyxl

    path = write_tasks_xlsx(ASSIGNMENTS, tmp_path / "nv.xlsx", info=[("Cơ quan", "Sở Y tế")])
    wb = openpyxl.load_workbook(path)
    ws = wb["Nhiệm vụ"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert rows[1][1] == dt.datetime(2021, 5, 4) and ws["B2"].number_format == "DD/MM/YYYY"
    assert rows[1][7] == "Xây dựng hướng dẫn phòng, chống dịch COVID-19"
    assert rows[1][4] == "Văn phòng Chính phủ"  # the issuer: which province's Sở Y tế
    assert ws["H3"].data_type == "s" and rows[2][7].startswith("=HYPERLINK")  # text, not a formula
    assert ws.freeze_panes == "A2" and ws.column_dimensions["H"].width == 80
    assert ws["A1"].font.bold
    assert wb["Thông tin"]["B1"].value == "Sở Y tế"


def test_csv_has_bom_and_neutralised_formulas(tmp_path):
    path = write_tasks_csv(ASSIGNMENTS, tmp_path / "nv.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(HEADERS)
    assert rows[1][1] == "04/05/2021" and rows[1][4] == "Văn phòng Chính phủ" and rows[1][5] == "Sở Y tế"
    assert rows[2][7] == '\'=HYPERLINK("http://x")'


# ---------------------------------------------------------------- HTML pieces


def test_viewer_marks_the_passage_across_a_page_break_and_escapes():
    text = "Trang một <script>alert(1)</script>\nSở Y tế chủ trì\ntrang hai tiếp tục."
    page2 = text.index("trang hai")
    start, end = text.index("Sở Y tế"), page2 + len("trang hai")
    doc = {"doc_id": "abcdef0123456789", "text": text, "page_starts": [0, page2], "type": "Kế hoạch"}
    page = render_viewer(doc, start, end, download=True)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<mark") == 2 and page.count('id="doan"') == 1
    joined = re.sub(r"<[^>]+>", "", "".join(re.findall(r"<mark[^>]*>.*?</mark>", page, re.S)))
    assert joined == text[start:end].replace("\n", "\n")
    assert 'id="trang-1"' in page and 'id="trang-2"' in page
    assert 'href="abcdef0123456789/tep-goc"' in page
    # offsets out of range: no mark at all
    assert "<mark" not in render_viewer(doc, 5, 10_000)


def test_answer_links_marks_to_the_viewer():
    cite = Citation(
        n=1,
        source="corpus/tb.md",
        type="Thông báo",
        date="2021-05-04",
        text="Sở Y tế chủ trì",
        doc_id="abc123abc123abc1",
        start=10,
        end=25,
    )
    answer = Answer(
        question="q", intent="assignment", found=True, answer="Các nhiệm vụ:\n- Sở Y tế chủ trì [1]", citations=[cite]
    )
    out = render_answer(answer, "Sở Y tế được giao nhiệm vụ gì?")
    assert 'href="van-ban/abc123abc123abc1?start=10&amp;end=25#doan"' in out
    assert ">[1]</a>" in out and "<li>" in out and "Thông báo ngày 04/05/2021" in out
    assert "<mark>Sở Y tế</mark>" in out


def test_footnote_markers_of_a_document_are_not_citation_links():
    cites = [Citation(n=n, source="a.md", text="x", doc_id=f"{n:016x}", start=0, end=1) for n in (1, 2, 3)]
    text = "- Văn phòng Chính phủ[2], Bộ Y tế[3] và các bộ, ngành [1]\nTheo Nghị quyết số 01/NQ-CP[3] [2]"
    answer = Answer(question="q", intent="topic", found=True, answer=text, citations=cites)
    out = render_answer(answer)
    links = re.findall(r'title="Mở nguồn \[(\d)\]">', out)
    assert links == ["1", "2"]  # only the answer's own mark at the end of each line
    assert "Chính phủ[2], Bộ Y tế[3]" in out and "01/NQ-CP[3] <a" in out
    # an LLM may place its marks anywhere: all of them are links then
    generated = answer.model_copy(update={"generated": True, "answer": "Sở Y tế [1] phối hợp với Bộ [2]."})
    assert re.findall(r'title="Mở nguồn \[(\d)\]">', render_answer(generated)) == ["1", "2"]


def test_an_answer_citing_some_of_an_agencys_tasks_links_to_all_of_them():
    answer = Answer(
        question="Sở Y tế được giao nhiệm vụ gì?",
        intent="assignment",
        found=True,
        answer="8 của 45 nhiệm vụ giao Sở Y tế sát với câu hỏi nhất:\n- Sở Y tế (chủ trì): tiêm chủng [1]",
        citations=[Citation(n=1, source="a.md", text="tiêm chủng", doc_id="0123456789abcdef", start=0, end=9)],
        agency="Sở Y tế",
        tasks_total=45,
    )
    out = render_answer(answer)
    assert 'data-cd="tasks" data-arg="Sở Y tế"' in out and "Xem cả 45 nhiệm vụ của Sở Y tế" in out
    assert 'data-cd="tasks"' not in render_answer(answer.model_copy(update={"agency": None}))


def _hit(doc: str, n: int, score: float) -> Hit:
    return Hit(source=f"{doc}.md", chunk_id=f"{doc}_{n}", score=score, text=f"Sở Y tế đoạn {n}", doc_id=doc * 16)


def test_search_results_are_grouped_by_document_and_paged():
    hits = [_hit("a", 0, 0.9), _hit("b", 0, 0.8), _hit("a", 1, 0.7), _hit("c", 0, 0.2)]
    groups = group_hits(hits)
    assert [[h.chunk_id for h in g] for g in groups] == [["a_0", "a_1"], ["b_0"]]  # c is below half the best
    many = [_hit(f"{i:x}", 0, 1.0 - i / 100) for i in range(25)]
    page1 = render_hits(many, "so y te", page=1)
    assert "25 văn bản phù hợp (25 đoạn) · trang 1/3" in page1
    assert page1.count('class="cd-card cd-hit"') == 10
    assert 'data-cd="page" data-arg="2"' in page1 and "Trang trước" not in page1
    page3 = render_hits(many, "so y te", page=3)
    assert page3.count('class="cd-card cd-hit"') == 5 and 'start="21"' in page3 and "Trang sau" not in page3
    assert "Các đoạn khác trong văn bản này (1)" in render_hits(hits, "so y te")


def test_documents_filter_without_accents_and_pages():
    docs = [
        {"doc_id": f"{i:016x}", "number": f"{i}/UBND-VX", "type": "Công văn", "issuer": "UBND tỉnh Cao Bằng",
         "date": "2021-05-04", "title": "Phòng chống dịch" if i % 2 else "Sạt lở đất", "source": f"/x/cv-{i}.pdf",
         "chunks": 2}
        for i in range(60)
    ]  # fmt: skip
    assert document_matches(docs[1], "phong chong") and not document_matches(docs[0], "phong chong")
    assert document_matches(docs[0], "SẠT LỞ cao bang") and document_matches(docs[3], "3/ubnd-vx")
    assert document_matches(docs[0], "04/05/2021")
    page = render_documents(docs, "sat lo")
    assert "60 văn bản, 120 đoạn trong chỉ mục; 30 văn bản khớp bộ lọc; hiển thị 1–25" in page
    assert page.count("<tr>") == 1 + 25 and 'data-cd="page" data-arg="2"' in page
    last = render_documents(docs, "sat lo", page=2)
    assert last.count("<tr>") == 1 + 5 and "hiển thị 26–30" in last
    assert "Không có văn bản nào khớp" in render_documents(docs, "khong co dau")


def test_refs_page_makes_numbers_clickable():
    result = {
        "number": "570/cd-ttg",
        "documents": [],
        "cited_by": [
            {"doc_id": "d1", "number": "45/KH-SYT", "type": "Kế hoạch", "date": "2021-06-10", "title": "Tiêm chủng",
             "cited_as": "570/CĐ-TTg", "context": "theo Công điện số 570/CĐ-TTg ngày 02/5/2021", "start": 1, "end": 9},
        ],
    }  # fmt: skip
    out = render_refs(result)
    assert "Số hiệu 570/CĐ-TTg" in out  # shown as the documents print it
    assert 'data-cd="lookup" data-arg="45/KH-SYT"' in out and "<svg" in out
    assert "<mark>570/CĐ-TTg</mark>" in out


def test_auth_helpers():
    assert parse_auth("an:mật:khẩu, binh:123") == {"an": "mật:khẩu", "binh": "123"}
    with pytest.raises(ValueError):
        parse_auth("chi-ten")
    users = {"an": "mật khẩu"}
    assert check_password(users, "an", "mật khẩu")
    assert not check_password(users, "an", "sai") and not check_password(users, "binh", "mật khẩu")
    assert safe_next("/van-ban/abc?start=1") == "/van-ban/abc?start=1"
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil", "javascript:alert(1)"):
        assert safe_next(bad) == "/"


def test_import_loads_no_heavy_module():
    heavy = "('fastapi', 'gradio', 'torch', 'faiss', 'sentence_transformers')"
    modules = (
        "app, webui.auth, webui.backend, webui.blocks, webui.render, webui.uploads, webui.viewer, webui.lanes, "
        "webui.tabs.hoidap, webui.tabs.timkiem, webui.tabs.sohieu, webui.tabs.nhiemvu, webui.tabs.vanban, "
        "ingest.service"
    )
    code = f"import sys, {modules}; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
