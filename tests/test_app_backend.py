"""The UI's backend on a real index built with the hashing encoder (no model, no browser): uploads
and their per-file results, a busy index, deletion, tasks with filters, empty index, quiet logs."""

from __future__ import annotations

import html
import logging
import re
import shutil

import pytest
from builders import make_docx
from conftest import SAMPLE
from filelock import FileLock

from ingest.pipeline import ingest_paths
from search.searcher import Searcher
from webui.backend import Backend

NEW_DOCX = [
    "CÔNG VĂN",
    "V/v tăng cường phòng cháy, chữa cháy rừng mùa khô",
    "1. Chi cục Kiểm lâm chủ trì tuần tra tại các chòi canh lửa, báo cáo trước ngày 30/4/2022.",
]
NEW_HEADER = [
    ["ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["Số: 2024/UBND-KT", "ngày 20/3/2022"],
]


def statuses(page: str) -> dict[str, str]:
    """{file name: status label} from the upload result table."""
    rows = re.findall(r"<td class='cd-file'>(.*?)</td><td class='cd-nowrap'><span[^>]*>(.*?)</span>", page)
    return {html.unescape(name): label for name, label in rows}


@pytest.fixture
def backend(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    return Backend(hashing_settings, Searcher.open(hashing_settings))


def test_upload_reports_each_file(backend, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    docx = make_docx(incoming / "Công văn phòng cháy.docx", NEW_DOCX, header_table=NEW_HEADER)
    note = incoming / "ghi chú.txt"
    note.write_text("Sở Tài chính chủ trì rà soát kinh phí phòng chống thiên tai năm 2022.", encoding="utf-8")
    png = incoming / "scan.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    copy = incoming / "ban-sao.md"
    shutil.copy(SAMPLE, copy)
    blank = incoming / "trong.txt"
    blank.write_text(" \n\t\n ", encoding="utf-8")  # accepted as text, refused by the loader
    before = len(backend.documents())

    page = backend.upload([docx, note, png, copy, blank])
    assert statuses(page) == {
        "Công văn phòng cháy.docx": "đã thêm",
        "ghi chú.txt": "đã thêm",
        "scan.pdf": "lỗi",
        "ban-sao.md": "đã có sẵn",
        "trong.txt": "lỗi",
    }
    assert "ảnh PNG" in page and "2024/UBND-KT" in page and "không có nội dung chữ" in page
    assert len(backend.documents()) == before + 2
    stored = sorted(p.name for p in backend.uploads.iterdir())
    assert stored == ["Công-văn-phòng-cháy.docx", "ban-sao.md", "ghi-chú.txt"]
    hits = backend.searcher.search("choi canh lua", k=3)
    assert hits and hits[0].number == "2024/UBND-KT"

    assert statuses(backend.upload([docx])) == {"Công văn phòng cháy.docx": "không đổi"}
    note.write_text("Sở Tài chính chủ trì bố trí kinh phí khắc phục hậu quả bão lũ năm 2022.", encoding="utf-8")
    assert statuses(backend.upload([note])) == {"ghi chú.txt": "đã cập nhật"}
    assert len(backend.documents()) == before + 2
    assert "bố trí kinh phí" in (backend.uploads / "ghi-chú.txt").read_text(encoding="utf-8")


def test_upload_refuses_a_file_above_the_limit_before_reading_it(hashing_settings, tmp_path):
    backend = Backend(hashing_settings.model_copy(update={"upload_max_mb": 1}), Searcher.open(hashing_settings))
    big = tmp_path / "Kế hoạch lớn.txt"
    big.write_bytes(("Sở Y tế chủ trì tiêm chủng. " * 50_000).encode())  # 1.8 MB
    page = backend.upload([big])
    assert statuses(page) == {"Kế hoạch lớn.txt": "lỗi"}
    assert "Tệp quá lớn (1.8 MB, giới hạn 1 MB)" in page and "tách tệp" in page
    assert not backend.uploads.exists() or not any(backend.uploads.iterdir())


def test_upload_waits_for_a_busy_index(backend, tmp_path):
    note = tmp_path / "a.txt"
    note.write_text("Sở Y tế chủ trì.", encoding="utf-8")
    with FileLock(str(backend.settings.index / ".lock")):
        page = backend.upload([note])
    assert "tiến trình khác" in page
    with backend.ingest_lock:
        assert "Đang có người khác nạp văn bản" in backend.upload([note])
    assert statuses(backend.upload([note])) == {"a.txt": "đã thêm"}


def test_delete_removes_uploaded_files_only(backend, small_corpus, tmp_path):
    note = tmp_path / "xoa-toi.txt"
    note.write_text("Công văn số 9/UBND-VP về việc dọn dẹp kho lưu trữ.", encoding="utf-8")
    backend.upload([note])
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in backend.documents()}
    confirm = backend.confirm_delete_html(docs["xoa-toi.txt"]["doc_id"])
    assert "Xoá" in confirm and "xoa-toi.txt" in confirm
    assert "Đã xoá" in backend.delete(docs["xoa-toi.txt"]["doc_id"])
    assert not (backend.uploads / "xoa-toi.txt").exists()
    assert "Đã xoá" in backend.delete(docs["cong-van-sat-lo.docx"]["doc_id"])
    assert (small_corpus / "cong-van-sat-lo.docx").exists()  # files outside uploads/ are kept
    names = {d["source"].rsplit("/", 1)[-1] for d in backend.documents()}
    assert "xoa-toi.txt" not in names and "cong-van-sat-lo.docx" not in names
    assert "không còn" in backend.delete(docs["xoa-toi.txt"]["doc_id"])


def test_tasks_filters_and_exports(backend):
    page, xlsx, csv_path = backend.tasks("so y te", "chủ trì", "", "")
    assert "giao cho <b>Sở Y tế</b>" in page
    roles = re.findall(r"<td class='cd-nowrap'>(Chủ trì|Phối hợp|Được giao)</td>", page)
    assert roles and set(roles) == {"Chủ trì"}
    assert xlsx.suffix == ".xlsx" and xlsx.exists() and csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    page, xlsx, _ = backend.tasks("Sở Y tế", "", "01/01/2022", "")
    assert "Không tìm thấy nhiệm vụ" in page and xlsx is None
    page, xlsx, _ = backend.tasks("Sở Y tế", "", "32/13/2021", "")
    assert "không hợp lệ" in page and xlsx is None
    page, _, _ = backend.tasks("Y tế", "", "", "")
    assert "Sở Y tế" in page


def test_empty_index_explains_and_accepts_uploads(hashing_settings, tmp_path):
    backend = Backend(hashing_settings, Searcher.open(hashing_settings))
    assert backend.is_empty()
    for page in (backend.ask("Sở Y tế được giao nhiệm vụ gì?"), backend.refs("570/CĐ-TTg"), backend.status_html()):
        assert "Chỉ mục chưa có văn bản nào" in page and "chidao ingest" in page
    assert "Chỉ mục chưa có văn bản nào" in backend.search("so y te", "", "", "", "", "")
    assert backend.example_questions() == []
    note = tmp_path / "dau-tien.md"
    note.write_text("# Kế hoạch\nSở Y tế chủ trì tiêm chủng vắc xin cho người dân.", encoding="utf-8")
    assert statuses(backend.upload([note])) == {"dau-tien.md": "đã thêm"}
    assert not backend.is_empty()
    assert backend.searcher.search("tiem chung", k=1)


def test_no_query_text_in_logs(backend, caplog):
    secret = "Bí mật Sở Y tế XYZQ được giao nhiệm vụ gì?"
    with caplog.at_level(logging.INFO):
        backend.ask(secret)
        backend.search("xyzq bí mật", "", "", "", "", "")
        backend.refs("999/XYZQ-BM")
        backend.tasks("Sở Y tế", "", "", "")
    logged = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "XYZQ" not in logged.upper() and "bí mật" not in logged.lower()


def test_a_failed_index_write_is_explained(backend, tmp_path, monkeypatch):
    import errno

    import ingest.service
    from chidao.store import write_failure

    def disk_full(*args, **kwargs):
        raise write_failure(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(ingest.service, "ingest_paths", disk_full)
    note = tmp_path / "day-o-dia.txt"
    note.write_text("Sở Y tế chủ trì.", encoding="utf-8")
    page = backend.upload([note])
    assert "ổ đĩa đã đầy" in page and "The index" not in page and "Chưa nạp được" in page
    monkeypatch.setattr(ingest.service, "ingest_paths", lambda *a, **k: 1 / 0)
    assert "Lỗi máy chủ khi nạp" in backend.upload([note])


def test_agency_and_number_questions_take_the_urgent_encoder_lane(backend, caplog):
    """On a busy server agency and number questions go before topic answers (webui/lanes.py); the
    lane comes from the question's intent, which must not fail silently (it once always did, and
    every question waited behind every topic answer)."""
    with caplog.at_level("WARNING", logger="webui.backend"):
        assert backend.lane_of("Sở Y tế được giao nhiệm vụ gì?") == "urgent"
        assert backend.lane_of("so y te duoc giao nhiem vu gi") == "urgent"
        assert backend.lane_of("Công điện số 570/CĐ-TTg nói gì?") == "urgent"
        assert backend.lane_of("công tác phòng chống sạt lở đất trong mùa mưa bão") == "normal"
    assert "could not classify" not in caplog.text


def test_the_export_folder_goes_with_its_backend(hashing_settings, small_corpus):
    """Each server start makes a folder for Excel/CSV exports; it is removed when the backend is (and at
    exit), so months of restarts leave no "chidao-xuat-…" folders behind."""
    import gc

    from search.searcher import Searcher
    from webui.backend import Backend

    ingest_paths([small_corpus], hashing_settings)
    b = Backend(hashing_settings, Searcher.open(hashing_settings))
    folder = b.export_dir
    result = b.searcher.tasks("Sở Y tế")
    xlsx, _ = b.export_tasks(result, "Sở Y tế", "", None, None)
    assert xlsx.is_file() and folder.is_dir()
    del b
    gc.collect()
    assert not folder.exists()
