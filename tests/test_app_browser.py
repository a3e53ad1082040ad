"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

One index is built once with the real model from a small corpus (the sample notice, a DOCX and a
two-page PDF built by tests/builders.py); ``python app.py`` serves it. A second server runs on an
empty index and a third, with a login, on the same index. Every page the browser opens may only
talk to the app's own host. Screenshots of each tab go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from builders import make_docx, make_pdf
from conftest import DOCX_BLOCKS, DOCX_HEADER, PDF_PAGES, SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.model]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
DEBUG = ROOT / "tests" / "artifacts" / "browser-last"  # each page's last state, to debug a failure
USER, PASSWORD = "can-bo", "Mật khẩu 2024"
#: Gradio's own English texts that must not reach a clerk.
ENGLISH = (
    "Submit",
    "Clear",
    "Loading",
    "Use via API",
    "Built with Gradio",
    "Settings",
    "Drop File Here",
    "Click to Upload",
    "processing",
    "Error",
    "Examples",
    "Upload a File",
    "Download",
)
UPLOAD_BLOCKS = [
    "CÔNG VĂN",
    "V/v tăng cường phòng cháy, chữa cháy rừng mùa khô",
    "Ủy ban nhân dân tỉnh yêu cầu các cơ quan thực hiện các nội dung sau:",
    "1. Chi cục Kiểm lâm chủ trì tổ chức tuần tra, canh gác tại các chòi canh lửa ở vùng rừng trọng điểm, "
    "báo cáo Ủy ban nhân dân tỉnh trước ngày 30/4/2022.",
    "2. Sở Nông nghiệp và Phát triển nông thôn phối hợp kiểm tra công tác phòng cháy rừng tại các huyện.",
]
#: Twelve provinces' letters on digital transformation: more than a page of search results, an agency
#: with more tasks than an answer lists, one issuer per province, and footnote markers as PDFs print them.
PROVINCES = ["Lạng Sơn", "Hà Giang", "Tuyên Quang", "Bắc Kạn", "Thái Nguyên", "Lào Cai", "Yên Bái", "Sơn La",
             "Điện Biên", "Lai Châu", "Hòa Bình", "Phú Thọ"]  # fmt: skip
PLATFORMS = ["chính quyền số", "kinh tế số", "xã hội số", "kho dữ liệu dùng chung", "trung tâm điều hành thông minh",
             "hạ tầng cáp quang", "chữ ký số", "dịch vụ công trực tuyến", "thanh toán không dùng tiền mặt",
             "an toàn thông tin mạng", "đào tạo kỹ năng số", "bản đồ số"]  # fmt: skip


def provincial_letter(i: int, province: str, platform: str) -> str:
    return (
        f"ỦY BAN NHÂN DÂN\nTỈNH {province.upper()}\nSố: {100 + i}/UBND-CĐS\n"
        f"{province}, ngày {i + 1:02d} tháng 3 năm 2022\nCÔNG VĂN\nV/v đẩy mạnh chuyển đổi số năm 2022\n"
        f"Thực hiện Nghị quyết về chuyển đổi số của Chính phủ[1] và hướng dẫn của Bộ Thông tin và Truyền thông[2], "
        f"Ủy ban nhân dân tỉnh {province} yêu cầu các cơ quan thực hiện các nội dung sau:\n"
        f"1. Sở Thông tin và Truyền thông chủ trì xây dựng {platform} của tỉnh, báo cáo Ủy ban nhân dân tỉnh "
        f"trước ngày 30/6/2022.\n"
        "2. Các sở, ban, ngành phối hợp triển khai các nhiệm vụ chuyển đổi số được giao.\n"
    )


UPLOAD_HEADER = [
    ["ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
    ["Số: 2024/UBND-KT", "Cao Bằng, ngày 20 tháng 3 năm 2022"],
]


# ---------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(index: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    env.update({"CHIDAO_INDEX": str(index), "CHIDAO_PORT": str(port), "PYTHONUNBUFFERED": "1", **extra})
    for key in ("CHIDAO_CACHE_DIR", "XDG_CACHE_HOME"):  # share the converted model
        if key in os.environ:
            env[key] = os.environ[key]
    return env


class Server:
    """``python app.py`` in a subprocess on a free local port."""

    def __init__(self, index: Path, log: Path, **env: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")],
            cwd=ROOT,
            env=_env(index, self.port, **env),
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float = 240.0) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                urllib.request.urlopen(self.base + "/dang-nhap", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # it answers (404 without a login page, or a redirect)
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"app.py did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._out.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """The three servers, started together (model loading overlaps the index build)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    pytest.importorskip("playwright")
    work = tmp_path_factory.mktemp("ui")
    started: list[Server] = []
    try:
        empty = Server(work / "empty-index", work / "empty.log")
        started.append(empty)
        corpus = work / "corpus"
        corpus.mkdir()
        shutil.copy(SAMPLE, corpus / SAMPLE.name)
        make_docx(corpus / "cong-van-sat-lo.docx", DOCX_BLOCKS, header_table=DOCX_HEADER)
        make_pdf(corpus / "ke-hoach-tiem-chung.pdf", PDF_PAGES, footer_page_numbers=True)
        for i, (province, platform) in enumerate(zip(PROVINCES, PLATFORMS, strict=True)):
            letter = provincial_letter(i, province, platform)
            (corpus / f"cong-van-chuyen-doi-so-{i + 1:02d}.txt").write_text(letter, encoding="utf-8")
        index = work / "index"
        built = subprocess.run(
            [sys.executable, "-m", "chidao.cli", "ingest", str(corpus), "--index", str(index), "--json"],
            cwd=ROOT,
            env=_env(index, _free_port()),
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0, built.stderr[-3000:]
        assert '"added": 15' in built.stdout, built.stdout
        main = Server(index, work / "main.log")
        started.append(main)
        secured = Server(index, work / "auth.log", CHIDAO_AUTH=f"{USER}:{PASSWORD},khach:khach")
        started.append(secured)
        for s in started:
            s.wait()
        yield {"main": main, "empty": empty, "auth": secured, "index": index, "work": work}
    finally:
        for s in started:
            s.stop()


@pytest.fixture(scope="session")
def browser(pw):
    shutil.rmtree(DEBUG, ignore_errors=True)
    DEBUG.mkdir(parents=True)
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


class Visit:
    """A browser context on one server that records every request it makes."""

    def __init__(self, browser, base: str, width: int = 1366, height: int = 900) -> None:
        self.base = base
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True, locale="vi-VN"
        )
        self.context.set_default_timeout(60_000)
        self.requests: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text))

    def open(self, path: str = "/"):
        self.page.goto(self.base + path)
        self.page.wait_for_selector(".cd-status")
        return self.page

    def foreign(self) -> list[str]:
        own = urlsplit(self.base).netloc
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != own
        ]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, servers, request):
    opened: list[Visit] = []

    def make(name: str = "main", **options) -> Visit:
        v = Visit(browser, servers[name].base, **options)
        opened.append(v)
        return v

    yield make
    for i, v in enumerate(opened):
        foreign = v.foreign()
        with contextlib.suppress(Exception):
            v.page.screenshot(path=str(DEBUG / f"{request.node.name}-{i}.png"))
        v.close()
        assert foreign == [], f"requests left the app's host: {foreign[:5]}"
        blocked = [m for m in v.console if "Content Security Policy" in m]
        assert blocked == [], f"the page's own policy blocked something: {blocked[:3]}"


def textbox(page, elem_id: str):
    return page.locator(f"#{elem_id}").get_by_role("textbox")


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def assert_vietnamese_only(page) -> None:
    body = page.inner_text("body")
    found = [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", body)]
    assert not found, f"English UI text shown: {found}"


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


# ---------------------------------------------------------------- scenarios


def test_ask_shows_a_cited_answer_that_opens_the_passage(visit, shots):
    v = visit()
    page = v.open()
    examples = page.locator("#cd-examples .cd-chip")
    assert examples.count() >= 2
    textbox(page, "cd-question").fill("Sở Y tế được giao nhiệm vụ gì?")
    page.click("#cd-ask-btn")
    page.wait_for_selector("#cd-answer .cd-cite")
    answer = page.inner_text("#cd-answer .cd-answer-text")
    assert "Sở Y tế" in answer and "[1]" in answer
    # one date format everywhere: dd/mm/yyyy in the answer as on the cards
    assert "04/05/2021" in answer and not re.search(r"(?<![\d/])4/5/2021", answer)
    first = page.locator("#cd-answer .cd-cite").first
    head = first.locator(".cd-card-head").inner_text()
    assert "[1]" in head and "Thông báo" in head and "04/05/2021" in head
    assert "Mục:" in first.inner_text()
    passage = squash(first.locator(".cd-passage").inner_text())
    assert "Sở Y tế" in passage
    assert page.locator("#cd-recent .cd-chip", has_text="Sở Y tế được giao nhiệm vụ gì?").count() == 1
    assert_vietnamese_only(page)
    page.screenshot(path=str(shots / "01-hoi-dap.png"), full_page=True)

    with v.context.expect_page() as opened:
        first.locator(".cd-open").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert urlsplit(viewer.url).path.startswith("/van-ban/")
    mark = viewer.locator("mark#doan")
    assert squash(mark.inner_text()) == passage
    assert mark.is_visible() and viewer.evaluate("document.getElementById('doan').getBoundingClientRect().top") < 900
    assert viewer.get_by_role("link", name="Tải tệp gốc").count() == 1
    viewer.screenshot(path=str(shots / "06-xem-van-ban.png"))

    # a recent question is clickable and asks again
    textbox(page, "cd-question").fill("")
    page.locator("#cd-examples .cd-chip").first.click()
    page.wait_for_function("document.querySelector('#cd-recent').innerText.split('?').length > 2")
    assert page.locator("#cd-recent .cd-chip").count() == 2


def test_pdf_citation_opens_at_its_page(visit, servers):
    v = visit()
    page = v.open()
    textbox(page, "cd-question").fill("Trung tâm Kiểm soát bệnh tật bảo quản vắc xin ở đâu?")
    page.click("#cd-ask-btn")
    page.wait_for_selector("#cd-answer .cd-cite")
    pdf_cite = page.locator("#cd-answer .cd-cite", has_text="45/KH-SYT").first
    assert "Trang: 2" in pdf_cite.inner_text()
    with v.context.expect_page() as opened:
        pdf_cite.locator(".cd-open").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert viewer.locator(".page").count() == 2  # page markers of the two-page PDF
    marker2 = viewer.locator("#trang-2").bounding_box()
    mark = viewer.locator("mark#doan").bounding_box()
    assert marker2["y"] < mark["y"]  # the passage is after "Trang 2"
    original = viewer.get_by_role("link", name="Mở PDF gốc (trang 2)")
    assert original.get_attribute("href").endswith("/tep-goc?xem=1#page=2")


def test_search_highlights_words_typed_without_accents(visit, shots):
    v = visit()
    page = v.open()
    tab(page, "Tìm kiếm")
    textbox(page, "cd-query").fill("so y te")
    page.click("#cd-search-btn")
    page.wait_for_selector("#cd-results .cd-hit")
    marked = {squash(m).lower() for m in page.locator("#cd-results mark").all_inner_texts()}
    assert "sở y tế" in marked
    link = page.locator("#cd-results .cd-hit .cd-open").first.get_attribute("href")
    assert re.match(r"van-ban/[0-9a-f]+\?start=\d+&end=\d+(&page=\d+)?#doan", link)
    assert_vietnamese_only(page)
    page.screenshot(path=str(shots / "02-tim-kiem.png"), full_page=True)
    # a filter narrows the results to one type of document
    page.locator("#cd-f-type input").click()
    page.get_by_role("option", name="Công văn").click()
    textbox(page, "cd-query").fill("sat lo dat")
    page.click("#cd-search-btn")
    page.wait_for_function(
        "[...document.querySelectorAll('#cd-results .cd-hit .cd-doc')].length > 0 && "
        "[...document.querySelectorAll('#cd-results .cd-hit .cd-doc')].every(e => e.innerText.startsWith('Công văn'))"
    )
    assert "1500/UBND-NC" in page.inner_text("#cd-results")


def test_number_lookup_shows_citing_documents_both_ways(visit, shots):
    v = visit()
    page = v.open()
    tab(page, "Tra cứu số hiệu")
    textbox(page, "cd-number").fill("570 / cd - ttg")
    page.click("#cd-refs-btn")
    page.wait_for_selector("#cd-refs .cd-card")
    refs = page.inner_text("#cd-refs")
    assert "Được dẫn chiếu bởi (2 lần)" in refs
    assert "Kế hoạch số 45/KH-SYT" in refs and "Thông báo ngày 04/05/2021" in refs
    assert "Công điện số 570/CĐ-TTg" in refs or "Công điện số 570/CD-TTg" in refs  # the citing sentences
    assert page.locator("#cd-refs svg.cd-graph").count() == 1
    assert_vietnamese_only(page)
    page.screenshot(path=str(shots / "03-tra-cuu-so-hieu.png"), full_page=True)
    # the citing plan (a node of the graph) → its own number, then what it cites → back to 570
    page.locator("#cd-refs svg [data-cd='lookup'][data-arg='45/KH-SYT']").click()
    page.wait_for_selector("#cd-refs h3:has-text('45/KH-SYT')")
    assert textbox(page, "cd-number").input_value() == "45/KH-SYT"
    assert "Văn bản này dẫn chiếu (1)" in page.inner_text("#cd-refs")
    page.locator("#cd-refs .cd-list .cd-chip").first.click()
    page.wait_for_selector("#cd-refs h4:has-text('Được dẫn chiếu bởi (2 lần)')")


def test_agency_tasks_export_to_excel_and_csv(visit, shots):
    import openpyxl

    v = visit()
    page = v.open()
    tab(page, "Nhiệm vụ theo cơ quan")
    field = textbox(page, "cd-t-agency")
    field.click()
    field.fill("so y te")  # typed without accents: the matching agencies are offered
    field.press("Enter")
    page.wait_for_selector("#cd-tasks table")
    page.locator("#cd-t-suggest .cd-chip", has_text="Sở Y tế").first.wait_for()
    assert "Sở Thông tin" not in page.inner_text("#cd-t-suggest")  # filtered
    field.fill("")
    page.locator("#cd-t-suggest .cd-chip", has_text="Sở Y tế").first.click()
    # the list for "so y te" already names Sở Y tế: wait for the chip's own answer, the box filled in
    page.wait_for_function(
        "[...document.querySelectorAll('#cd-t-agency input, #cd-t-agency textarea')].some(e => e.value === 'Sở Y tế')"
    )
    page.wait_for_function("document.querySelector('#cd-tasks .cd-count')?.innerText.includes('Sở Y tế')")
    rows = page.locator("#cd-tasks tbody tr")
    n = rows.count()
    assert n >= 1 and "giao cho Sở Y tế" in page.inner_text("#cd-tasks .cd-count")
    assert textbox(page, "cd-t-agency").input_value() == "Sở Y tế"
    issuers = {squash(t) for t in page.locator("#cd-tasks tbody td.cd-issuer").all_inner_texts()}
    assert issuers and "Cơ quan ban hành" in page.inner_text("#cd-tasks thead")  # (the sample notice has none)
    dates = [squash(d) for d in page.locator("#cd-tasks tbody td:first-child").all_inner_texts()]
    keyed = [dt.datetime.strptime(d, "%d/%m/%Y") for d in dates if d]
    assert keyed == sorted(keyed, reverse=True)  # newest first
    assert_vietnamese_only(page)
    page.screenshot(path=str(shots / "04-nhiem-vu.png"), full_page=True)

    with page.expect_download() as got:
        page.click("#cd-xlsx")
    xlsx = got.value
    assert xlsx.suggested_filename == "nhiem-vu-so-y-te.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(Path(xlsx.path()).read_bytes()))
    sheet = list(wb["Nhiệm vụ"].iter_rows(values_only=True))
    assert sheet[0][:8] == (
        "STT", "Ngày văn bản", "Số hiệu", "Loại văn bản", "Cơ quan ban hành", "Cơ quan", "Vai trò", "Nhiệm vụ"
    )  # fmt: skip
    assert len(sheet) - 1 == n
    assert {r[5] for r in sheet[1:]} == {"Sở Y tế"}
    assert {r[4] or "" for r in sheet[1:]} == issuers
    assert all(isinstance(r[1], dt.datetime) for r in sheet[1:])
    assert {r[6] for r in sheet[1:]} <= {"Chủ trì", "Phối hợp", "Được giao"}

    with page.expect_download() as got:
        page.click("#cd-csv")
    raw = Path(got.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) - 1 == n and table[0][4] == "Cơ quan ban hành" and table[1][5] == "Sở Y tế"
    assert {r[4] for r in table[1:]} == issuers


def test_upload_docx_then_find_it_and_delete_it(visit, servers, shots, tmp_path):
    v = visit()
    page = v.open()
    tab(page, "Văn bản")
    page.wait_for_selector("#cd-docs table")
    before = page.locator("#cd-docs tbody tr").count()
    docx = make_docx(tmp_path / "Công văn phòng cháy rừng.docx", UPLOAD_BLOCKS, header_table=UPLOAD_HEADER)
    fake = tmp_path / "anh-quet.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    program = tmp_path / "bao-cao.pdf"  # a Windows program renamed .pdf
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400)
    with page.expect_file_chooser() as chooser:
        page.click("#cd-upload")
    chooser.value.set_files([str(docx), str(fake), str(program)])
    page.wait_for_selector("#cd-upload-result table", timeout=180_000)
    result = page.inner_text("#cd-upload-result")
    row_docx = page.locator("#cd-upload-result tr", has_text="Công văn phòng cháy rừng.docx")
    assert "đã thêm" in row_docx.inner_text() and "2024/UBND-KT" in row_docx.inner_text()
    row_fake = page.locator("#cd-upload-result tr", has_text="anh-quet.pdf")
    assert "lỗi" in row_fake.inner_text() and "ảnh PNG" in row_fake.inner_text()
    row_program = page.locator("#cd-upload-result tr", has_text="bao-cao.pdf").inner_text()
    assert "không phải tệp PDF" in row_program and "hỏng" not in row_program
    assert "1 đã thêm" in result and "2 lỗi" in result
    page.wait_for_function(f"document.querySelectorAll('#cd-docs tbody tr').length === {before + 1}")
    stored = list((servers["index"] / "uploads").iterdir())
    assert [p.name for p in stored] == ["Công-văn-phòng-cháy-rừng.docx"]
    assert_vietnamese_only(page)
    page.screenshot(path=str(shots / "05-van-ban.png"), full_page=True)

    # a file over the size limit is refused before it is sent, in Vietnamese
    big = tmp_path / "qua-lon.txt"
    with big.open("wb") as f:
        f.truncate(51 * 2**20)
    with page.expect_file_chooser() as chooser:
        page.click("#cd-upload")
    chooser.value.set_files([str(big)])
    page.wait_for_selector("text=vượt quá dung lượng cho phép")
    # the previous upload's table is gone: it must not pass for this refused file's result
    assert page.locator("#cd-upload-result table").count() == 0
    assert "Công văn phòng cháy rừng.docx" not in page.inner_text("#cd-upload-result")

    tab(page, "Tìm kiếm")
    textbox(page, "cd-query").fill("choi canh lua")
    page.click("#cd-search-btn")
    page.wait_for_selector("#cd-results .cd-hit")
    top = page.locator("#cd-results .cd-hit").first
    assert "2024/UBND-KT" in top.inner_text()
    assert "chòi canh lửa" in [squash(m) for m in top.locator("mark").all_inner_texts()]

    tab(page, "Văn bản")
    row = page.locator("#cd-docs tbody tr", has_text="2024/UBND-KT")
    row.locator(".cd-chip", has_text="Xoá").click()
    page.wait_for_selector("#cd-confirm", state="visible")
    assert "2024/UBND-KT" in page.inner_text("#cd-confirm")
    page.click("#cd-confirm-yes")
    page.wait_for_selector("#cd-upload-result .cd-note-ok")
    page.wait_for_function(f"document.querySelectorAll('#cd-docs tbody tr').length === {before}")
    assert not (servers["index"] / "uploads" / "Công-văn-phòng-cháy-rừng.docx").exists()


def test_empty_index_explains_how_to_add_documents(visit, shots):
    v = visit("empty")
    page = v.open()
    assert "Chỉ mục chưa có văn bản nào" in page.inner_text("#cd-status-bar")
    assert "chidao ingest" in page.inner_text("#cd-status-bar")
    textbox(page, "cd-question").fill("Sở Y tế được giao nhiệm vụ gì?")
    page.click("#cd-ask-btn")
    page.wait_for_selector("#cd-answer .cd-note-empty")
    assert "thẻ Văn bản" in page.inner_text("#cd-answer")
    assert_vietnamese_only(page)
    page.screenshot(path=str(shots / "07-chi-muc-trong.png"), full_page=True)


def test_with_auth_every_route_needs_a_login(visit, servers, shots, browser):
    base = servers["auth"].base
    doc_id = None
    v = visit("auth")
    api = v.context.request
    for method, path in [
        ("GET", "/config"),
        ("GET", "/gradio_api/info"),
        ("GET", "/gradio_api/openapi.json"),
        ("GET", "/gradio_api/file=/etc/passwd"),
        ("POST", "/gradio_api/upload"),
        ("POST", "/gradio_api/queue/join"),
        ("GET", "/gradio_api/queue/data?session_hash=x"),
        ("GET", "/gradio_api/heartbeat/x"),
        ("GET", "/theme.css"),
        ("GET", "/van-ban/0123456789abcdef"),
        ("GET", "/van-ban/0123456789abcdef/tep-goc"),
    ]:
        response = api.fetch(base + path, method=method, max_redirects=0)
        assert response.status in (401, 303), (path, response.status)
    page = v.page
    page.goto(base + "/")
    assert urlsplit(page.url).path == "/dang-nhap"
    page.screenshot(path=str(shots / "08-dang-nhap.png"))
    page.fill("#u", USER)
    page.fill("#p", "sai mật khẩu")
    page.click("button[type=submit]")
    assert "không đúng" in page.inner_text("body")
    page.fill("#u", USER)
    page.fill("#p", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".cd-status")
    assert f"Người dùng: {USER}" in page.inner_text("#cd-status-bar")
    tab(page, "Văn bản")
    page.wait_for_selector("#cd-docs table")
    href = page.locator("#cd-docs .cd-open").first.get_attribute("href")
    doc_id = href.split("/")[-1]
    assert api.get(base + "/config").status == 200
    assert api.get(f"{base}/van-ban/{doc_id}").status == 200
    assert api.get(f"{base}/van-ban/{doc_id}/tep-goc").status == 200
    # the session ends while the page is open (expired, or dropped): the next question goes back to
    # the login page instead of showing "Lỗi" over the last answer
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    tab(page, "Hỏi đáp")
    textbox(page, "cd-question").wait_for(state="visible")
    v.context.clear_cookies()
    try:
        textbox(page, "cd-question").fill("Sở Y tế được giao nhiệm vụ gì?", timeout=10_000)
        page.click("#cd-ask-btn", timeout=10_000)
    except PlaywrightTimeoutError:
        # the page's own next request (Gradio's heartbeat) met the ended session first and already
        # went to the login page: the same behaviour, noticed before the question was sent
        assert "/dang-nhap" in page.url
    page.wait_for_url(re.compile(r"/dang-nhap"))
    assert "Lỗi" not in page.inner_text("body")
    page.fill("#u", USER)
    page.fill("#p", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".cd-status")
    # logging out ends the session
    page.get_by_role("link", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/dang-nhap"))
    assert api.get(base + "/config", max_redirects=0).status == 401
    # another browser without the session cookie is still refused
    other = browser.new_context()
    try:
        assert other.request.get(f"{base}/van-ban/{doc_id}", max_redirects=0).status in (401, 303)
    finally:
        other.close()


def test_footnote_markers_printed_in_a_document_are_not_citation_links(visit):
    v = visit()
    page = v.open()
    textbox(page, "cd-question").fill(
        "Thực hiện nghị quyết về chuyển đổi số của Chính phủ, Ủy ban nhân dân tỉnh Lạng Sơn yêu cầu "
        "các cơ quan thực hiện những nội dung gì?"
    )
    page.click("#cd-ask-btn")
    page.wait_for_selector("#cd-answer .cd-cite")
    text = squash(page.inner_text("#cd-answer .cd-answer-text"))
    assert "Chính phủ[1]" in text and "Truyền thông[2]" in text  # the document's own footnote markers
    # every link in the answer is the answer's own mark after a quoted passage, never "phủ[1]"
    glued = page.evaluate(
        """() => [...document.querySelectorAll('#cd-answer .cd-answer-text a.cd-mark')]
             .map(a => (a.previousSibling && a.previousSibling.textContent || '').slice(-1))
             .filter(ch => !/\\s/.test(ch))"""
    )
    assert glued == []
    links = page.locator("#cd-answer .cd-answer-text a.cd-mark").count()
    assert links == page.locator("#cd-answer .cd-answer-text :is(p, li):has(a.cd-mark)").count()


def test_an_agency_answer_says_x_of_n_and_opens_all_its_tasks(visit):
    v = visit()
    page = v.open()
    textbox(page, "cd-question").fill("Sở Thông tin và Truyền thông được giao nhiệm vụ gì?")
    page.click("#cd-ask-btn")
    page.wait_for_selector("#cd-answer .cd-cite")
    text = squash(page.inner_text("#cd-answer .cd-answer-text"))
    m = re.match(r"(\d+) của (\d+) nhiệm vụ giao Sở Thông tin và Truyền thông", text)
    assert m and int(m[1]) < int(m[2]), text[:200]
    total = int(m[2])
    page.locator("#cd-answer .cd-chip[data-cd='tasks']", has_text=f"Xem cả {total} nhiệm vụ").click()
    page.wait_for_selector("#cd-tasks table")
    assert page.get_by_role("tab", name="Nhiệm vụ theo cơ quan").get_attribute("aria-selected") == "true"
    assert textbox(page, "cd-t-agency").input_value() == "Sở Thông tin và Truyền thông"
    assert page.locator("#cd-tasks tbody tr").count() == total
    issuers = {squash(t) for t in page.locator("#cd-tasks tbody td.cd-issuer").all_inner_texts()}
    assert {"Ủy ban nhân dân tỉnh Lạng Sơn", "Ủy ban nhân dân tỉnh Phú Thọ"} <= issuers  # provinces told apart


def test_search_lists_each_document_once_with_the_real_total_and_pages(visit):
    v = visit()
    page = v.open()
    tab(page, "Tìm kiếm")
    textbox(page, "cd-query").fill("chuyen doi so")
    page.click("#cd-search-btn")
    page.wait_for_selector("#cd-results .cd-hit")
    count = page.inner_text("#cd-results .cd-count")
    m = re.match(r"(\d+) văn bản phù hợp \((\d+) đoạn\) · trang 1/(\d+)", count)
    assert m and int(m[1]) >= 12 and int(m[3]) == -(-int(m[1]) // 10), count
    first = [squash(t) for t in page.locator("#cd-results .cd-hit .cd-doc").all_inner_texts()]
    assert len(first) == 10 and len(set(first)) == 10  # one card per document
    page.locator("#cd-results .cd-pager .cd-chip", has_text="Trang sau").click()
    page.wait_for_function("document.querySelector('#cd-results .cd-count').innerText.includes('trang 2/')")
    second = [squash(t) for t in page.locator("#cd-results .cd-hit .cd-doc").all_inner_texts()]
    assert second and not set(second) & set(first)
    assert len(first) + len(second) == int(m[1]) or int(m[3]) > 2


def test_document_list_filters_without_accents(visit):
    v = visit()
    page = v.open()
    tab(page, "Văn bản")
    page.wait_for_selector("#cd-docs table")
    everything = page.locator("#cd-docs tbody tr").count()
    assert everything >= 15
    box = textbox(page, "cd-docs-filter")
    box.press_sequentially("lang son")  # filtered as it is typed
    page.wait_for_function("document.querySelectorAll('#cd-docs tbody tr').length === 1")
    assert "100/UBND-CĐS" in page.inner_text("#cd-docs tbody")
    assert "khớp bộ lọc" in page.inner_text("#cd-docs .cd-count")
    box.fill("UBND-CĐS")
    box.press("Enter")
    page.wait_for_function("document.querySelectorAll('#cd-docs tbody tr').length === 12")
    box.fill("")
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#cd-docs tbody tr').length === {everything}")


def test_a_phone_sees_the_ask_button_and_nothing_wider_than_the_screen(visit, shots):
    v = visit(width=390, height=844)
    page = v.open()
    button = page.locator("#cd-ask-btn").bounding_box()
    assert button["x"] >= 0 and button["x"] + button["width"] <= 390 and button["y"] + button["height"] <= 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    textbox(page, "cd-question").fill("Sở Y tế được giao nhiệm vụ gì?")
    page.click("#cd-ask-btn")
    page.wait_for_selector("#cd-answer .cd-cite")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "09-dien-thoai.png"))


def test_every_page_forbids_framing(visit, servers):
    v = visit()
    api = v.context.request
    main, secured = servers["main"].base, servers["auth"].base
    for url in (f"{main}/?__theme=light", f"{main}/config", f"{main}/van-ban/0123456789abcdef", f"{secured}/dang-nhap"):
        response = api.get(url, max_redirects=0)
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy, url
        assert response.headers.get("x-frame-options") == "DENY", url
    page = v.open()
    assert page.evaluate("window.top === window")  # and the page itself runs under its policy (see visit)


def test_a_number_answer_cites_the_title_not_the_letterhead(visit):
    v = visit()
    page = v.open()
    textbox(page, "cd-question").fill("Kế hoạch 45/KH-SYT về việc gì?")
    page.click("#cd-ask-btn")
    page.wait_for_selector("#cd-answer .cd-cite")
    first = page.locator("#cd-answer .cd-cite").first
    passage = squash(first.locator(".cd-passage").inner_text())
    assert "Tiêm chủng vắc xin phòng COVID-19 đợt 3" in passage and "45/KH-SYT" in passage
    assert "UBND TỈNH CAO BẰNG" not in passage  # the letterhead above the number
    for text in page.locator("#cd-answer .cd-cite .cd-passage").all_inner_texts():
        assert any(c.islower() for c in text), text  # no citation is a line of capitals alone
    with v.context.expect_page() as opened:
        first.locator(".cd-open").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    marked = squash(viewer.locator("mark#doan").inner_text())
    assert marked.startswith("Số: 45/KH-SYT") and "UBND TỈNH" not in marked
