"""The follow-up board end to end: a notice with dated tasks ingested by the real pipeline (hashing encoder:
this is not about retrieval), statuses on three days, marks that survive --rebuild and pruning, evidence.
Plus the pure parts: status rules, the marks store, the stable task id."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from board_corpus import FOLLOW_NUMBER, NOTICE_NUMBER, REPORT_NUMBER, write_board_corpus
from click.testing import CliRunner

from chidao.cli import main
from chidao.config import Settings
from chidao.lang.deadlines import resolve_deadline
from chidao.store.followup import FOLLOWUP, FollowupStore, task_id
from search.board import counts, task_status

ENV = {"CHIDAO_ENCODER": "hashing", "CHIDAO_MODEL": "hashing-test"}


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=ENV, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def board(index: Path, as_of: str, *extra: str) -> dict:
    return json.loads(run("tasks", *extra, "--as-of", as_of, "--index", str(index), "--json"))


def by_agency(result: dict, number: str = NOTICE_NUMBER) -> dict[str, dict]:
    return {a["agency"]: a for a in result["assignments"] if a["number"] == number and a["role"] != "phối hợp"}


# ---------------------------------------------------------------- pure parts


def test_status_rules() -> None:
    due = resolve_deadline("trước ngày 31/3/2025", "2025-03-10")
    day = dt.date
    assert task_status(due, day(2025, 3, 12))[0] == "trong_han"
    assert task_status(due, day(2025, 3, 24))[0] == "sap_den_han"  # 7 days before
    assert task_status(due, day(2025, 3, 23))[0] == "trong_han"
    assert task_status(due, day(2025, 3, 23), due_soon_days=10)[0] == "sap_den_han"
    assert task_status(due, day(2025, 3, 31))[0] == "sap_den_han"
    assert task_status(due, day(2025, 4, 1))[0] == "qua_han"
    assert task_status(due, day(2025, 4, 1), done_on=day(2025, 3, 30)) == ("hoan_thanh", day(2025, 3, 31), True)
    assert task_status(due, day(2025, 4, 9), done_on=day(2025, 4, 8))[2] is False
    assert task_status(resolve_deadline("thường xuyên", "2025-03-10"), day(2030, 1, 1))[0] == "khong_thoi_han"
    monthly = resolve_deadline("trước ngày 15 hằng tháng", "2025-03-10")
    assert task_status(monthly, day(2025, 7, 1)) == ("trong_han", day(2025, 7, 15), None)


def test_counts_in_the_quy_che_terms() -> None:
    def item(status: str, due: str | None, on_time: bool | None = None, role: str = "chủ trì") -> dict:
        return {
            "status": status,
            "due": due,
            "role": role,
            "done": {"on_time": on_time} if on_time is not None else None,
        }

    items = [
        item("hoan_thanh", "2025-03-31", True),
        item("hoan_thanh", "2025-03-20", False),
        item("qua_han", "2025-03-01"),
        item("trong_han", "2025-06-30"),
        item("sap_den_han", "2025-04-03"),
        item("khong_thoi_han", None),
        item("qua_han", "2025-03-01", role="phối hợp"),  # counted for its lead agency only
    ]
    assert counts(items, dt.date(2025, 4, 1)) == {
        "tong_so": 6,
        "den_han": 3,
        "hoan_thanh_dung_han": 1,
        "hoan_thanh_qua_han": 1,
        "chua_hoan_thanh_trong_han": 2,
        "chua_hoan_thanh_qua_han": 1,
        "khong_thoi_han": 1,
    }


def test_task_id_is_stable_and_ignores_spacing_and_accent_case_of_the_agency() -> None:
    a = task_id("13bfacfe06685616", "Sở Y tế", "Sở Y tế rà soát  nhu cầu")
    assert a == task_id("13bfacfe06685616", "SỞ Y TẾ", "Sở Y tế rà soát nhu cầu")
    assert a != task_id("13bfacfe06685617", "Sở Y tế", "Sở Y tế rà soát nhu cầu")
    assert a != task_id("13bfacfe06685616", "Sở Tài chính", "Sở Y tế rà soát nhu cầu")


def test_marks_store_is_append_only(tmp_path: Path) -> None:
    store = FollowupStore(tmp_path)
    assert store.current() == {} and not (tmp_path / FOLLOWUP).exists()  # reading creates nothing
    store.mark_done("t1", by="Nguyễn Văn A", note="Đã xong", doc_number="120/BC-SYT", done_on=dt.date(2025, 3, 28))
    store.reopen("t1", by="Trần Thị B")
    store.mark_done("t2", by="Lê C")
    current = store.current()
    assert not current["t1"].done and current["t1"].by == "Trần Thị B" and current["t2"].done
    assert [e.action for e in store.history("t1")] == ["done", "reopen"]
    assert store.history("t1")[0].doc_number == "120/BC-SYT" and store.history("t1")[0].done_on == "2025-03-28"
    conn = sqlite3.connect(tmp_path / FOLLOWUP)
    for sql in ("UPDATE history SET by='x'", "DELETE FROM history"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()
    assert len(store.history()) == 3


# ---------------------------------------------------------------- end to end


@pytest.fixture
def board_index(tmp_path: Path) -> tuple[Path, Path]:
    docs = write_board_corpus(tmp_path / "docs")
    index = tmp_path / "index"
    out = json.loads(run("ingest", str(docs), "--index", str(index), "--json"))
    assert out["added"] == 3 and out["failed"] == []
    return docs, index


def test_statuses_on_three_days(board_index) -> None:
    _, index = board_index
    expected = {
        # agency: (due, recurrence, status on 12/3, on 25/3, on 1/7)
        "Sở Y tế": ("2025-03-31", None, "trong_han", "sap_den_han", "qua_han"),
        "Sở Giáo dục và Đào tạo": ("2025-06-30", None, "trong_han", "trong_han", "qua_han"),
        "Sở Tài chính": (None, "monthly", "sap_den_han", "trong_han", "trong_han"),
        "Công an tỉnh": (None, None, "khong_thoi_han", "khong_thoi_han", "khong_thoi_han"),
        "Sở Xây dựng": ("2025-03-20", None, "trong_han", "qua_han", "qua_han"),
    }
    results = [by_agency(board(index, day)) for day in ("2025-03-12", "2025-03-25", "2025-07-01")]
    for agency, (due, recurrence, *statuses) in expected.items():
        got = [r[agency]["status"] for r in results]
        assert got == statuses, (agency, got)
        assert results[0][agency]["recurrence"] == recurrence
        if due:
            assert results[0][agency]["due"] == due
    # the monthly report rolls to the next 15th
    assert [r["Sở Tài chính"]["due"] for r in results] == ["2025-03-15", "2025-04-15", "2025-07-15"]
    assert "relative" in results[0]["Sở Xây dựng"]["deadline_flags"]
    assert results[0]["Sở Y tế"]["cooperators"] == ["Sở Tài chính"]
    # status filter and accent-free agency
    overdue = board(index, "2025-07-01", "--status", "qua_han")["assignments"]
    assert {a["agency"] for a in overdue} >= {"Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng"}
    assert all(a["status"] == "qua_han" for a in overdue)
    only = board(index, "2025-07-01", "so giao duc va dao tao")
    assert {a["agency"] for a in only["assignments"]} == {"Sở Giáo dục và Đào tạo"}
    assert only["counts"]["tong_so"] == 2 and only["counts"]["chua_hoan_thanh_qua_han"] == 1


def test_evidence_is_shown_and_never_marks_done(board_index) -> None:
    _, index = board_index
    result = board(index, "2025-07-01")
    tasks = by_agency(result)
    health = tasks["Sở Y tế"]
    reports = [e for e in health["evidence"] if e["kind"] == "report"]
    assert [e["number"] for e in reports] == [REPORT_NUMBER]
    assert "15/TB-UBND" in reports[0]["text"] and health["status"] == "qua_han" and health["done"] is None
    assert not any(e["kind"] == "report" for e in tasks["Sở Xây dựng"]["evidence"])  # not its report
    school = tasks["Sở Giáo dục và Đào tạo"]
    follow = [e for e in school["evidence"] if e["kind"] == "follow_up"]
    assert [e["number"] for e in follow] == [FOLLOW_NUMBER]
    later = by_agency(result, FOLLOW_NUMBER)["Sở Giáo dục và Đào tạo"]
    assert school["thread"] == later["thread"] == [school["task_id"], later["task_id"]]  # oldest first
    assert not any(e["kind"] == "follow_up" for e in tasks["Sở Tài chính"]["evidence"])
    assert by_agency(result, FOLLOW_NUMBER)["Sở Văn hóa, Thể thao và Du lịch"]["thread"] == []


def test_marks_survive_rebuild_and_pruning(board_index, tmp_path: Path) -> None:
    docs, index = board_index
    tid = by_agency(board(index, "2025-03-25"))["Sở Y tế"]["task_id"]
    event = json.loads(
        run("done", tid, "--by", "Nguyễn Thị Hoa", "--note", "Đã báo cáo", "--doc", REPORT_NUMBER, "--on",
            "2025-03-28", "--index", str(index), "--json")
    )  # fmt: skip
    assert event["action"] == "done" and event["agency"] == "Sở Y tế" and event["by"] == "Nguyễn Thị Hoa"
    late = by_agency(board(index, "2025-03-25"))["Sở Xây dựng"]["task_id"]
    run("done", late, "--on", "2025-04-02", "--index", str(index))

    def check(day: str = "2025-07-01") -> dict:
        tasks = by_agency(board(index, day))
        assert tasks["Sở Y tế"]["task_id"] == tid
        assert tasks["Sở Y tế"]["status"] == "hoan_thanh"
        assert tasks["Sở Y tế"]["done"]["on_time"] is True and tasks["Sở Y tế"]["done"]["note"] == "Đã báo cáo"
        assert tasks["Sở Xây dựng"]["done"]["on_time"] is False
        return tasks

    tasks = check()
    coop = next(
        a for a in board(index, "2025-07-01", "--role", "phối hợp")["assignments"] if a["agency"] == "Sở Tài chính"
    )
    assert coop["status"] == "hoan_thanh"  # the cooperating agency's row follows its lead's mark
    assert coop["done"]["task_id"] == tid != coop["task_id"]  # …and "Mở lại" there reopens the lead's
    totals = board(index, "2025-07-01")["counts"]
    assert totals["hoan_thanh_dung_han"] == 1 and totals["hoan_thanh_qua_han"] == 1

    out = json.loads(run("ingest", str(docs), "--rebuild", "--index", str(index), "--json"))
    assert out["added"] == 3
    check()
    (docs / "tb-40-ubnd-2025.md").unlink()  # an unrelated document goes away
    out = json.loads(run("ingest", str(docs), "--prune", "--index", str(index), "--json"))
    assert out["removed"] == 1
    tasks = check()
    assert tasks["Sở Giáo dục và Đào tạo"]["thread"] == []

    run("reopen", tid, "--by", "Nguyễn Thị Hoa", "--index", str(index))
    assert by_agency(board(index, "2025-07-01"))["Sở Y tế"]["status"] == "qua_han"
    history = FollowupStore(index).history(tid)
    assert [e.action for e in history] == ["done", "reopen"]


def test_cli_errors_in_vietnamese(board_index) -> None:
    _, index = board_index
    res = CliRunner().invoke(main, ["done", "t000", "--index", str(index)], env=ENV)
    assert res.exit_code == 1 and "Không tìm thấy nhiệm vụ" in res.output
    tid = by_agency(board(index, "2025-03-25"))["Công an tỉnh"]["task_id"]
    res = CliRunner().invoke(main, ["reopen", tid, "--index", str(index)], env=ENV)
    assert res.exit_code == 1 and "chưa được đánh dấu hoàn thành" in res.output
    res = CliRunner().invoke(main, ["tasks", "--as-of", "31/3/2025", "--index", str(index)], env=ENV)
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output


def test_ics_and_xlsx_files(board_index, tmp_path: Path) -> None:
    from icalendar import Calendar
    from openpyxl import load_workbook

    _, index = board_index
    ics, xlsx = tmp_path / "han.ics", tmp_path / "theo-doi.xlsx"
    result = json.loads(
        run("tasks", "--as-of", "2025-03-25", "--ics", str(ics), "--xlsx", str(xlsx), "--index", str(index), "--json")
    )
    cal = Calendar.from_ical(ics.read_bytes())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    dated = [a for a in result["assignments"] if a["due"] and a["status"] != "hoan_thanh"]
    assert set(events) == {f"{a['task_id']}@chidao" for a in dated}
    finance = next(a for a in dated if a["agency"] == "Sở Tài chính" and a["recurrence"] == "monthly")
    ev = events[f"{finance['task_id']}@chidao"]
    assert ev.decoded("DTSTART") == dt.date(2025, 4, 15)
    assert ev["RRULE"]["FREQ"] == ["MONTHLY"] and ev["RRULE"]["BYMONTHDAY"] == [15]
    assert "Sở Tài chính" in str(ev["SUMMARY"]) and NOTICE_NUMBER in str(ev["DESCRIPTION"])

    wb = load_workbook(xlsx)
    ws = wb["Theo dõi nhiệm vụ"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Nội dung nhiệm vụ", "Văn bản giao", "Ngày giao", "Thời hạn",
        "Tình trạng", "Ghi chú",
    )  # fmt: skip
    health = next(r for r in rows[1:] if r[1] == "Sở Y tế")
    assert health[2] == "Sở Tài chính" and health[4] == NOTICE_NUMBER
    assert health[5].date() == dt.date(2025, 3, 10) and health[6].date() == dt.date(2025, 3, 31)
    assert health[7] == "Sắp đến hạn" and REPORT_NUMBER in health[8]
    assert not any(r[1] == "Sở Y tế" and r[2] is None for r in rows[1:])  # the cooperator's row is folded in
    summary = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert summary[-1][0] == "Tổng cộng" and summary[-1][1] == result["counts"]["tong_so"]


def test_ics_rules_keep_a_month_end() -> None:
    from icalendar import Calendar

    from search.board_export import board_ics

    base = {"agency": "Sở Tài chính", "task": "Báo cáo quý", "status": "trong_han", "number": "1/TB-UBND"}
    items = [
        {**base, "task_id": "tq", "due": "2025-06-30", "recurrence": "quarterly"},
        {**base, "task_id": "tm", "due": "2025-04-15", "recurrence": "monthly"},
        {**base, "task_id": "ty", "due": "2025-12-31", "recurrence": "yearly"},
        {**base, "task_id": "tn", "due": None, "recurrence": None},
        {**base, "task_id": "td", "due": "2025-05-01", "recurrence": None, "status": "hoan_thanh"},
    ]
    events = {str(e["UID"]): e for e in Calendar.from_ical(board_ics(items)).walk("VEVENT")}
    assert set(events) == {"tq@chidao", "tm@chidao", "ty@chidao"}  # no date, or done: no event
    assert events["tq@chidao"]["RRULE"]["BYMONTHDAY"] == [-1] and events["tq@chidao"]["RRULE"]["INTERVAL"] == [3]
    assert events["tm@chidao"]["RRULE"]["BYMONTHDAY"] == [15]
    assert events["ty@chidao"]["RRULE"]["FREQ"] == ["YEARLY"]
    assert events["tq@chidao"].walk("VALARM")[0]["TRIGGER"].dt == dt.timedelta(days=-1)


def test_board_tab_handlers(board_index) -> None:
    """The tab's handlers without a browser: the page, its files, Vietnamese errors, marks with a user."""
    from search.searcher import Searcher
    from webui.backend import Backend
    from webui.board import BoardBackend

    _, index = board_index
    settings = Settings(index=index, encoder="hashing", model="hashing-test")
    tab = BoardBackend(Backend(settings, Searcher.open(settings)))
    agencies, issuers = tab.choices()
    assert ("Tất cả", "") in agencies and any(v == "Sở Y tế" for _, v in agencies)
    assert any(v == "Ủy ban nhân dân tỉnh Cao Bằng" for _, v in issuers)
    page, xlsx, ics = tab.view("so y te", "", "", "", "", "25/03/2025")
    assert "cd-board-table" in page and "Sắp đến hạn" in page and xlsx.suffix == ".xlsx" and ics.suffix == ".ics"
    assert xlsx.name == "theo-doi-nhiem-vu-so-y-te.xlsx"
    page, xlsx, ics = tab.view("", "qua_han", "UBND tỉnh Cao Bằng", "01/03/2025", "31/03/2025", "25/03/2025")
    assert "Sở Xây dựng" in page and page.count("data-task=") == 1  # the one overdue task
    page, xlsx, _ = tab.view("", "", "", "", "", "31/02/2025")
    assert "không hợp lệ" in page and xlsx is None
    page, xlsx, _ = tab.view("Sở Ngoại vụ", "", "", "", "", "")
    assert "Không có nhiệm vụ nào" in page and xlsx is None
    tid = by_agency(board(index, "2025-03-25"))["Sở Y tế"]["task_id"]
    assert "không hợp lệ" in tab.mark_done(tid, "", "", "32/13/2025", "chuyen-vien")
    assert "Đã đánh dấu hoàn thành" in tab.mark_done(tid, "Xong", "120/BC-SYT", "28/03/2025", "chuyen-vien")
    assert "không còn trong chỉ mục" in tab.mark_done("t000", "", "", "", None)
    mark = FollowupStore(index).current()[tid]
    assert (mark.by, mark.done_on, mark.doc_number) == ("chuyen-vien", "2025-03-28", "120/BC-SYT")
    assert "Đã mở lại" in tab.reopen(tid, "chuyen-vien")
    assert "chưa được đánh dấu" in tab.reopen(tid, "chuyen-vien")
