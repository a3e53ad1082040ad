"""Deadline phrases resolved against the document's date (chidao/lang/deadlines.py): a table of phrasings."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from chidao.lang.deadlines import resolve_deadline, task_deadline

A = "2024-12-10"  # a Tuesday in December: year-less dates of the first half roll to the next year
B = "2021-05-10"
C = "2025-03-20"  # a Thursday


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# (phrase, document date, due, recurrence, flags that must be set)
TABLE = [
    # full dates, every separator, with and without accents, glued, with a time before
    ("trước ngày 15/5/2021", B, "2021-05-15", None, ()),
    ("truoc ngay 15/5/2021", B, "2021-05-15", None, ()),
    ("TRƯỚC NGÀY 15/5/2021", B, "2021-05-15", None, ()),
    ("trước ngày 15-5-2021", B, "2021-05-15", None, ()),
    ("trước ngày 15.5.2021", B, "2021-05-15", None, ()),
    ("trước ngày 15 / 05 / 2021", B, "2021-05-15", None, ()),
    ("trước ngày 15/5/21", B, "2021-05-15", None, ()),
    ("chậm nhất ngày 20 tháng 12 năm 2016", "2016-11-01", "2016-12-20", None, ()),
    ("cham nhat ngay 20 thang 12 nam 2016", "2016-11-01", "2016-12-20", None, ()),
    ("chậm nhất là ngày 30/6/2021", B, "2021-06-30", None, ()),
    ("muộn nhất vào ngày 01/7/2021", B, "2021-07-01", None, ()),
    ("không quá ngày 31/5/2021", B, "2021-05-31", None, ()),
    ("trước 16 giờ ngày 20/5/2021", B, "2021-05-20", None, ()),
    ("trước 16h00 ngày 20/5/2021", B, "2021-05-20", None, ()),
    ("trước 9 giờ 30 sáng ngày 12/5/2021", B, "2021-05-12", None, ()),
    ("trướcngày15/5/2021", B, "2021-05-15", None, ()),
    ("hoàn thành trước ngày 15/6/2021", B, "2021-06-15", None, ()),
    ("xong trước ngày 15/6/2021", B, "2021-06-15", None, ()),
    ("hạn chót 25/6/2021", B, "2021-06-25", None, ()),
    ("30/6/2025", A, "2025-06-30", None, ()),
    ("Trước ngày 30/9/2025", A, "2025-09-30", None, ()),
    ("trước ngày 15/5/2021", "2021-06-01", "2021-05-15", None, ("before_document",)),
    # year-less dates: the document's year, or the next one when already past
    ("trước 30/6", A, "2025-06-30", None, ("year_inferred", "next_year")),
    ("truoc 30/6", A, "2025-06-30", None, ("year_inferred", "next_year")),
    ("trước ngày 20/12", A, "2024-12-20", None, ("year_inferred",)),
    ("trước ngày 15 tháng 01", A, "2025-01-15", None, ("next_year",)),
    ("trước ngày 15/6", B, "2021-06-15", None, ("year_inferred",)),
    ("trước 31/12", A, "2024-12-31", None, ()),
    ("ngày 10/12", A, "2024-12-10", None, ()),
    # impossible dates are clamped to the month's last day; a month above 12 is rejected
    ("trước ngày 31/6/2025", A, "2025-06-30", None, ("impossible_date",)),
    ("truoc ngay 31/6", A, "2025-06-30", None, ("impossible_date", "next_year")),
    ("trước ngày 30/2/2025", A, "2025-02-28", None, ("impossible_date",)),
    ("trước ngày 29/2/2024", "2024-01-05", "2024-02-29", None, ()),
    ("trước ngày 31 tháng 4 năm 2025", A, "2025-04-30", None, ("impossible_date",)),
    ("trước ngày 12/13/2025", A, None, None, ("invalid_date",)),
    ("trước ngày 32/5/2025", A, None, None, ("invalid_date",)),
    # months
    ("trong tháng 6/2021", B, "2021-06-30", None, ()),
    ("trong thang 6 nam 2021", B, "2021-06-30", None, ()),
    ("trong tháng 02/2024", "2024-01-05", "2024-02-29", None, ()),
    ("cuối tháng 6/2021", B, "2021-06-30", None, ()),
    ("trước tháng 6/2021", B, "2021-05-31", None, ("before_period",)),
    ("đầu tháng 7/2021", B, "2021-07-10", None, ("approximate",)),
    ("giữa tháng 7/2021", B, "2021-07-15", None, ("approximate",)),
    ("trong tháng 3", A, "2025-03-31", None, ("next_year",)),
    ("Tháng 6/2025", A, "2025-06-30", None, ()),
    ("ngay trong tháng 5/2021", B, "2021-05-31", None, ()),
    ("trongtháng6/2021", B, "2021-06-30", None, ()),
    ("trong tháng 13/2021", B, None, None, ("invalid_date",)),
    # quarters, Roman and Arabic
    ("trong quý III/2025", A, "2025-09-30", None, ()),
    ("trong quy III/2025", A, "2025-09-30", None, ()),
    ("trong quý 3/2025", A, "2025-09-30", None, ()),
    ("trong quý 3 năm 2025", A, "2025-09-30", None, ()),
    ("Quý IV/2025", A, "2025-12-31", None, ()),
    ("quý I năm 2025", A, "2025-03-31", None, ()),
    ("trong quý II", A, "2025-06-30", None, ("year_inferred", "next_year")),
    ("trong quý IV", A, "2024-12-31", None, ("year_inferred",)),
    ("trước quý III/2025", A, "2025-06-30", None, ("before_period",)),
    ("cuối quý II/2025", A, "2025-06-30", None, ()),
    ("hoàn thành trongquýIII/2025", A, "2025-09-30", None, ()),
    ("trong Quí III/2025", A, "2025-09-30", None, ()),  # the old spelling
    ("định kỳ hằng quí", C, "2025-03-31", "quarterly", ()),
    # halves of the year
    ("6 tháng đầu năm", C, "2025-06-30", None, ("year_inferred",)),
    ("6 tháng đầu năm", A, "2025-06-30", None, ("next_year",)),
    ("sáu tháng đầu năm 2025", A, "2025-06-30", None, ()),
    ("6 tháng cuối năm 2025", A, "2025-12-31", None, ()),
    ("sau thang cuoi nam", C, "2025-12-31", None, ()),
    ("trong 6 tháng đầu năm 2025", A, "2025-06-30", None, ()),
    ("nửa đầu năm 2026", A, "2026-06-30", None, ()),
    # years and the document's own period
    ("trong năm 2025", A, "2025-12-31", None, ()),
    ("trước năm 2026", A, "2025-12-31", None, ("before_period",)),
    ("Năm 2025", A, "2025-12-31", None, ()),
    ("2025", A, "2025-12-31", None, ()),
    ("giai đoạn 2021 - 2025", B, "2025-12-31", None, ()),
    ("đến năm 2030", C, "2030-12-31", None, ()),
    ("cuối năm 2025", C, "2025-12-31", None, ()),
    ("trong năm", C, "2025-12-31", None, ()),
    ("cuối năm", C, "2025-12-31", None, ()),
    ("trong tháng", C, "2025-03-31", None, ()),
    ("trong quý này", C, "2025-03-31", None, ()),
    ("trong tuần", C, "2025-03-23", None, ()),
    # spans counted from the document's date (or from a written date)
    ("trong thời hạn 10 ngày kể từ ngày ký", C, "2025-03-30", None, ("relative",)),
    ("trong thời hạn 10 ngày kể từ ngày ban hành", C, "2025-03-30", None, ("relative",)),
    ("trong thoi han 10 ngay ke tu ngay ky", C, "2025-03-30", None, ("relative",)),
    ("trong vòng 15 ngày", C, "2025-04-04", None, ("relative",)),
    ("trong 07 ngày làm việc kể từ ngày nhận được văn bản", C, "2025-03-31", None, ("working_days", "from_receipt")),
    ("trong 02 tháng", C, "2025-05-20", None, ("relative",)),
    ("trong 3 tuần", C, "2025-04-10", None, ("relative",)),
    ("trong 01 năm", C, "2026-03-20", None, ("relative",)),
    ("trong thời hạn 30 ngày kể từ ngày 01/4/2025", C, "2025-05-01", None, ("relative",)),
    ("trong mười ngày", C, "2025-03-30", None, ("relative",)),
    ("sau 05 ngày kể từ ngày ký", C, "2025-03-25", None, ("relative",)),
    # recurring deadlines: the next occurrence on or after the document's date
    ("trước ngày 15 hằng tháng", A, "2024-12-15", "monthly", ()),
    ("truoc ngay 15 hang thang", A, "2024-12-15", "monthly", ()),
    ("trước ngày 05 hằng tháng", A, "2025-01-05", "monthly", ()),
    ("trước ngày 15 hàng tháng", A, "2024-12-15", "monthly", ()),
    ("trước ngày 31 hằng tháng", "2025-02-10", "2025-02-28", "monthly", ()),
    ("định kỳ hằng quý", A, "2024-12-31", "quarterly", ("period_end",)),
    ("dinh ky hang quy", C, "2025-03-31", "quarterly", ()),
    ("báo cáo định kỳ hằng tháng", C, "2025-03-31", "monthly", ()),
    ("trước ngày 20 của tháng cuối quý", C, "2025-03-20", "quarterly", ()),
    ("định kỳ 6 tháng", C, "2025-06-30", "half-yearly", ()),
    ("6 tháng một lần", C, "2025-06-30", "half-yearly", ()),
    ("hằng năm", C, "2025-12-31", "yearly", ()),
    ("trước ngày 15/12 hằng năm", C, "2025-12-15", "yearly", ()),
    ("trước ngày 15/6 và 15/12 hằng năm", C, "2025-06-15", "half-yearly", ()),
    ("thứ Sáu hằng tuần", C, "2025-03-21", "weekly", ()),
    ("truoc 16 gio thu nam hang tuan", C, "2025-03-20", "weekly", ()),
    ("hằng tuần", C, "2025-03-27", "weekly", ("approximate",)),
    ("trước 15 giờ hằng ngày", C, None, "daily", ("ongoing",)),
    ("định kỳ hằng quý, 6 tháng, hằng năm", C, "2025-03-31", "quarterly", ()),
    ("năm 2025 và các năm tiếp theo", C, "2025-12-31", "yearly", ()),
    ("trong quý III/2025, định kỳ hằng quý", C, "2025-09-30", "quarterly", ()),
    # a start is not a deadline; a range ends at its end
    ("Từ 01/7/2025", C, None, None, ("start_date",)),
    ("kể từ ngày 01/7/2025", C, None, None, ("start_date",)),
    ("từ ngày 01/4/2025 đến ngày 30/9/2025", C, "2025-09-30", None, ()),
    ("từ tháng 4 đến hết tháng 9/2025", C, "2025-09-30", None, ()),
    ("năm 2026 - 2027", C, "2027-12-31", None, ()),
    # no date
    ("ngay", C, None, None, ("immediate",)),
    ("thực hiện ngay", C, None, None, ("immediate",)),
    ("ngay lập tức", C, None, None, ("immediate",)),
    ("khẩn trương", C, None, None, ("immediate",)),
    ("khan truong", C, None, None, ("immediate",)),
    ("kịp thời", C, None, None, ("immediate",)),
    ("thường xuyên", C, None, None, ("ongoing",)),
    ("thuong xuyen", C, None, None, ("ongoing",)),
    ("liên tục", C, None, None, ("ongoing",)),
    ("trước Tết Nguyên đán", C, None, None, ("unresolved",)),
    ("", C, None, None, ()),
    # no document date: what needs it has no date
    ("trước 30/6", None, None, None, ("no_document_date",)),
    ("trước ngày 15/5/2021", None, "2021-05-15", None, ()),
    ("trong thời hạn 10 ngày kể từ ngày ký", None, None, None, ("no_document_date",)),
    # decomposed (NFD) input
    (nfd("trước ngày 15/5/2021"), B, "2021-05-15", None, ()),
    (nfd("trong quý III/2025"), A, "2025-09-30", None, ()),
    (nfd("Trước ngày 15 hằng tháng"), A, "2024-12-15", "monthly", ()),
]


@pytest.mark.parametrize(("phrase", "doc_date", "due", "recurrence", "flags"), TABLE)
def test_phrase_table(phrase: str, doc_date: str | None, due: str | None, recurrence: str | None, flags) -> None:
    got = resolve_deadline(phrase, doc_date)
    assert (got.due, got.recurrence) == (due, recurrence), got
    assert set(flags) <= set(got.flags), got


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 80
    assert sum(1 for row in TABLE if row[0] and row[0] == row[0].encode("ascii", "ignore").decode()) >= 15


# Reading a whole task: only dates after a deadline word count.
TASKS = [
    (
        "Sở Y tế thực hiện theo Công điện số 570/CĐ-TTg ngày 02/5/2021, báo cáo UBND tỉnh trước ngày 15/6/2021.",
        B,
        "2021-06-15",
        None,
    ),
    ("Sở Y tế thực hiện nghiêm Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ.", B, None, None),
    ("Các sở, ngành báo cáo định kỳ hằng tháng về Ủy ban nhân dân tỉnh.", B, "2021-05-31", "monthly"),
    ("Bảo đảm cung ứng hàng hóa thiết yếu phục vụ nhu cầu hằng ngày của nhân dân.", B, None, None),
    ("Sở Tài chính tham mưu bố trí kinh phí, hoàn thành trong quý III/2025.", A, "2025-09-30", None),
    ("so y te bao cao ubnd tinh truoc ngay 20/6/2021", B, "2021-06-20", None),
    ("Triển khai Kế hoạch năm 2021 theo Quyết định ngày 15/01/2021.", B, None, None),
    ("Sở Nội vụ tổng hợp, báo cáo kết quả trước ngày 15 hằng tháng.", B, "2021-05-15", "monthly"),
    ("Công an tỉnh xây dựng kế hoạch giai đoạn 2021-2025.", B, None, None),
]


@pytest.mark.parametrize(("task", "doc_date", "due", "recurrence"), TASKS)
def test_task_text(task: str, doc_date: str, due: str | None, recurrence: str | None) -> None:
    got = resolve_deadline(task, doc_date, bare=False)
    assert (got.due, got.recurrence) == (due, recurrence), got


def test_immediate_in_task_and_phrase_kept() -> None:
    got = resolve_deadline("Sở Y tế khẩn trương triển khai tiêm vắc xin cho người dân", B, bare=False)
    assert got.due is None and "immediate" in got.flags and got.phrase == "khẩn trương"
    assert resolve_deadline("trước ngày 15/5/2021 để tổng hợp", B).phrase == "trước ngày 15/5/2021"
    # "ngày" typed with accents is a day, not "ngay" (at once)
    assert "immediate" not in resolve_deadline("trong ngày", B).flags


def test_task_deadline_prefers_the_phrase_then_the_task() -> None:
    task = "Sở Y tế báo cáo UBND tỉnh trước ngày 30/6/2021 và thường xuyên cập nhật tình hình."
    assert task_deadline("trước ngày 15/6/2021", task, B).due == "2021-06-15"
    assert task_deadline(None, task, B).due == "2021-06-30"
    assert task_deadline("Thường xuyên", task, B).due == "2021-06-30"
    kept = task_deadline("Thường xuyên", "Sở Y tế theo dõi dịch bệnh.", B)
    assert kept.due is None and "ongoing" in kept.flags


def test_next_due_rolls_recurring_deadlines() -> None:
    monthly = resolve_deadline("trước ngày 15 hằng tháng", A)
    assert monthly.next_due(dt.date(2025, 1, 20)) == dt.date(2025, 2, 15)
    assert monthly.next_due(dt.date(2024, 1, 1)) == dt.date(2024, 12, 15)  # never before the first
    weekly = resolve_deadline("thứ Sáu hằng tuần", C)
    assert weekly.next_due(dt.date(2025, 4, 1)) == dt.date(2025, 4, 4)
    once = resolve_deadline("trước ngày 15/5/2021", B)
    assert once.next_due(dt.date(2022, 1, 1)) == dt.date(2021, 5, 15)
    half = resolve_deadline("trước ngày 15/6 và 15/12 hằng năm", C)
    assert half.next_due(dt.date(2025, 7, 1)) == dt.date(2025, 12, 15)
    assert "start_date" not in resolve_deadline("trong thời hạn 30 ngày kể từ ngày 01/4/2025", C).flags
    quarter = resolve_deadline("trong quý III/2025, định kỳ hằng quý", C)
    assert quarter.next_due(dt.date(2025, 10, 1)) == dt.date(2025, 12, 31)
    yearly = resolve_deadline("năm 2025 và các năm tiếp theo", C)
    assert yearly.next_due(dt.date(2026, 2, 1)) == dt.date(2026, 12, 31)
