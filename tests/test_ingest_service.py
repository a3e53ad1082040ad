"""The ingest service: stored files in, one typed result per file out, errors told apart by type and
code (hashing encoder, real index, no model)."""

from __future__ import annotations

import errno
import shutil

import pytest
from conftest import SAMPLE
from filelock import FileLock

import ingest.service
from chidao.records import FileResult
from chidao.store import open_snapshot, write_failure
from ingest.service import StoredFile, batch_error_code, ingest_files


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def stored(folder, name: str, text: str | bytes) -> StoredFile:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return StoredFile(name=f"gốc {name}", path=path)


def test_each_file_gets_its_status_code_and_document(hashing_settings, inbox):
    note = stored(inbox, "ghi-chu.txt", "Sở Tài chính chủ trì rà soát kinh phí phòng chống thiên tai năm 2022.")
    blank = stored(inbox, "trong.txt", " \n\t\n ")
    copy = StoredFile(name="bản sao.md", path=inbox / "ban-sao.md")
    shutil.copy(SAMPLE, copy.path)
    first = ingest_files([note, blank, copy], hashing_settings)
    assert all(isinstance(r, FileResult) for r in first)
    assert [(r.name, r.status, r.code) for r in first] == [
        ("gốc ghi-chu.txt", "added", None),
        ("gốc trong.txt", "failed", "no_text"),
        ("bản sao.md", "added", None),
    ]
    assert "không có nội dung chữ" in first[1].message and first[1].doc_id is None
    assert not blank.path.exists()  # a new file that failed is not kept
    snap = open_snapshot(hashing_settings.index)
    assert {d.doc_id for d in snap.documents()} == {first[0].doc_id, first[2].doc_id}

    again = stored(inbox, "ban-sao-2.md", SAMPLE.read_text(encoding="utf-8"))
    note.path.write_text("Sở Tài chính chủ trì bố trí kinh phí khắc phục hậu quả bão lũ năm 2022.", encoding="utf-8")
    second = ingest_files([note, copy, again], hashing_settings)
    assert [r.status for r in second] == ["replaced", "unchanged", "duplicate"]
    assert second[1].doc_id == first[2].doc_id and second[2].doc_id == first[2].doc_id
    assert "ban-sao.md" in second[2].message
    assert second[0].doc_id != first[0].doc_id


def test_errors_of_the_whole_batch_are_classified_by_type(hashing_settings, inbox, monkeypatch):
    note = stored(inbox, "a.txt", "Sở Y tế chủ trì tiêm chủng.")
    ingest_files([note], hashing_settings)
    newer = stored(inbox, "b.txt", "Sở Y tế chủ trì bảo quản vắc xin.")
    with FileLock(str(hashing_settings.index / ".lock")):
        busy = ingest_files([newer], hashing_settings)
    assert [(r.status, r.code) for r in busy] == [("failed", "index_busy")]
    assert "tiến trình khác" in busy[0].message and newer.path.exists()

    def disk_full(*args, **kwargs):
        raise write_failure(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(ingest.service, "ingest_paths", disk_full)
    full = ingest_files([newer], hashing_settings)
    assert full[0].code == "index_write" and "ổ đĩa đã đầy" in full[0].message
    assert "The index" not in full[0].message
    assert batch_error_code(ZeroDivisionError()) == "internal_error"
    monkeypatch.setattr(ingest.service, "ingest_paths", lambda *a, **k: 1 / 0)
    assert ingest_files([newer], hashing_settings)[0].code == "internal_error"


def test_no_files_is_no_work(hashing_settings):
    assert ingest_files([], hashing_settings) == []
