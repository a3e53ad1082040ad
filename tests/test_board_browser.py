"""The "Theo dõi nhiệm vụ" tab in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

``python app.py`` serves an index of the board corpus (tests/board_corpus.py) with login on; the index is
built with the hashing encoder, since nothing here is about retrieval. The browser filters the board,
opens a task's passage, marks a task done (the login name is recorded), downloads the Excel tracker and
the .ics file and opens both, then reopens the task. The board's screenshot goes to docs/ for the README.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from board_corpus import NOTICE_NUMBER, REPORT_NUMBER, write_board_corpus
from test_app_browser import CHROMIUM, CHROMIUM_ARGS, SHOTS, Server, Visit, _env, _free_port, squash, textbox

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "chuyen-vien", "Theo dõi 2025"
HASHING = {"CHIDAO_ENCODER": "hashing", "CHIDAO_MODEL": "hashing-test"}
DOCS_SHOT = ROOT / "docs" / "theo-doi-nhiem-vu.png"


@pytest.fixture(scope="module")
def board_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    pytest.importorskip("playwright")
    work = tmp_path_factory.mktemp("board-ui")
    corpus = write_board_corpus(work / "corpus")
    index = work / "index"
    built = subprocess.run(
        [sys.executable, "-m", "chidao.cli", "ingest", str(corpus), "--index", str(index), "--json"],
        cwd=ROOT,
        env=_env(index, _free_port(), **HASHING),
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0 and '"added": 3' in built.stdout, built.stderr[-3000:]
    server = Server(index, work / "board.log", CHIDAO_AUTH=f"{USER}:{PASSWORD}", **HASHING)
    try:
        server.wait()
        yield server, index
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium(pw):
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


def _row(page, agency: str, number: str = NOTICE_NUMBER):
    return page.locator("#cd-board-table tbody tr", has_text=agency).filter(has_text=number).first


def _show(page, until: str = "true") -> None:
    """Click "Xem" and wait until every row (``r``, its text ``t``) satisfies the JS condition ``until``."""
    page.click("#cd-b-show")
    page.wait_for_selector("#cd-board-table, #cd-board .cd-note")
    page.wait_for_function(
        "[...document.querySelectorAll('#cd-board-table tbody tr')].every(r => { const t = r.innerText; "
        f"return {until}; }})"
    )


def _pick(page, elem_id: str, text: str) -> None:
    field = page.locator(f"#{elem_id} input")
    field.click()
    field.fill(text)
    field.press("Enter")


def test_board_tab_filters_marks_and_exports(board_server, chromium, tmp_path):
    from icalendar import Calendar
    from openpyxl import load_workbook

    from chidao.store.followup import FollowupStore

    server, index = board_server
    v = Visit(chromium, server.base)
    try:
        page = v.page
        page.goto(server.base + "/")
        page.fill("#u", USER)
        page.fill("#p", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(".cd-status")
        page.get_by_role("tab", name="Theo dõi nhiệm vụ").click()
        textbox(page, "cd-b-asof").fill("25/03/2025")
        _show(page)

        # counts in the Quy chế's terms, per agency and in total
        total = page.locator("#cd-board-counts tbody tr").last.locator("td").all_inner_texts()
        assert total[0] == "Tổng cộng" and int(total[1]) >= 5
        head = page.locator("#cd-board-counts thead").inner_text()
        for label in ("Tổng số", "Đến hạn", "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Chưa hoàn thành, quá hạn"):
            assert label in head
        assert "Sắp đến hạn" in _row(page, "Sở Y tế").inner_text()
        assert "Quá hạn" in _row(page, "Sở Xây dựng").inner_text()
        assert "Không có thời hạn" in _row(page, "Công an tỉnh").inner_text()
        assert REPORT_NUMBER in _row(page, "Sở Y tế").inner_text()  # the report shows as evidence

        # filter by agency typed without accents, then by status
        _pick(page, "cd-b-agency", "so xay dung")
        _show(page, "r.cells[0].innerText.startsWith('Sở Xây dựng')")
        assert page.locator("#cd-board-table tbody tr").count() == 1
        _pick(page, "cd-b-agency", "")
        page.locator("#cd-b-status input").click()
        page.get_by_role("option", name="Quá hạn", exact=True).click()
        _show(page, "t.includes('Quá hạn')")
        badges = {squash(b) for b in page.locator("#cd-board-table .cd-badge").all_inner_texts()}
        assert badges == {"Quá hạn"} and page.locator("#cd-board-table tbody tr").count() >= 1
        page.locator("#cd-b-status input").click()
        page.get_by_role("option", name="Tất cả", exact=True).click()
        _show(page, "document.querySelectorAll('#cd-board-table tbody tr').length > 5")

        # one click from a task to its passage
        with v.context.expect_page() as opened:
            _row(page, "Sở Y tế").locator(".cd-task-link").click()
        viewer = opened.value
        viewer.wait_for_load_state()
        assert "trang thiết bị y tế" in squash(viewer.locator("mark#doan").inner_text())
        viewer.close()

        # mark done, with a note and the reporting document; the login name is recorded
        _row(page, "Sở Y tế").get_by_role("button", name="Hoàn thành").click()
        page.wait_for_selector("#cd-b-confirm", state="visible")
        textbox(page, "cd-b-note").fill("Đã nhận báo cáo rà soát")
        textbox(page, "cd-b-doc").fill(REPORT_NUMBER)
        textbox(page, "cd-b-day").fill("28/03/2025")
        page.click("#cd-b-yes")
        page.wait_for_function(
            "[...document.querySelectorAll('#cd-board-table tbody tr')].some(r => r.innerText.includes('Sở Y tế')"
            " && r.innerText.includes('Hoàn thành đúng hạn'))"
        )
        assert "Đã đánh dấu hoàn thành" in page.inner_text("#cd-b-message")
        row = _row(page, "Sở Y tế").inner_text()
        assert USER in row and "Đã nhận báo cáo rà soát" in row
        marks = FollowupStore(index).current()
        done = [m for m in marks.values() if m.done]
        assert len(done) == 1 and done[0].by == USER and done[0].doc_number == REPORT_NUMBER
        page.screenshot(path=str(SHOTS / "09-theo-doi-nhiem-vu.png") if SHOTS.exists() else str(tmp_path / "b.png"))
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        page.locator("#tab-theo-doi").screenshot(path=str(DOCS_SHOT))

        # the Excel tracker
        with page.expect_download() as got:
            page.click("#cd-b-xlsx")
        assert got.value.suggested_filename == "theo-doi-nhiem-vu.xlsx"
        wb = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
        rows = list(wb["Theo dõi nhiệm vụ"].iter_rows(values_only=True))
        assert rows[0] == (
            "STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Nội dung nhiệm vụ", "Văn bản giao", "Ngày giao",
            "Thời hạn", "Tình trạng", "Ghi chú",
        )  # fmt: skip
        health = next(r for r in rows[1:] if r[1] == "Sở Y tế")
        assert health[2] == "Sở Tài chính" and health[4] == NOTICE_NUMBER
        assert health[5].date() == dt.date(2025, 3, 10) and health[6].date() == dt.date(2025, 3, 31)
        assert health[7] == "Hoàn thành đúng hạn" and "Đã nhận báo cáo rà soát" in health[8] and USER in health[8]
        overdue = next(r for r in rows[1:] if r[1] == "Sở Xây dựng")
        assert overdue[7] == "Quá hạn"
        summary = list(wb["Tổng hợp"].iter_rows(values_only=True))
        assert summary[-1][0] == "Tổng cộng" and summary[-1][3] == 1  # hoàn thành đúng hạn

        # the calendar file
        with page.expect_download() as got:
            page.click("#cd-b-ics")
        assert got.value.suggested_filename.endswith(".ics")
        cal = Calendar.from_ical(Path(got.value.path()).read_bytes())
        events = list(cal.walk("VEVENT"))
        summaries = [str(e["SUMMARY"]) for e in events]
        assert any("Sở Xây dựng" in s for s in summaries)
        assert not any(s.startswith("Hạn: Sở Y tế") for s in summaries)  # done tasks leave the calendar
        monthly = next(e for e in events if "Sở Tài chính" in str(e["SUMMARY"]) and "RRULE" in e)
        assert monthly["RRULE"]["FREQ"] == ["MONTHLY"] and monthly.decoded("DTSTART") == dt.date(2025, 4, 15)

        # reopen
        _row(page, "Sở Y tế").get_by_role("button", name="Mở lại").click()
        page.wait_for_function(
            "[...document.querySelectorAll('#cd-board-table tbody tr')].some(r => r.innerText.includes('Sở Y tế')"
            " && r.innerText.includes('Sắp đến hạn'))"
        )
        assert [e.action for e in FollowupStore(index).history()] == ["done", "reopen"]
        assert FollowupStore(index).history()[-1].by == USER
        assert v.foreign() == []
    finally:
        if SHOTS.exists():
            shutil.copy(DOCS_SHOT, SHOTS / "09-theo-doi-nhiem-vu-tab.png") if DOCS_SHOT.exists() else None
        v.close()
