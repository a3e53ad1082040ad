"""A hard-wrapped PDF through the real ingest pipeline (load → normalise → structure → extract → index):
the shared tasks of a group heading come back from the index with their co-assignees, in the JSON
of `tasks`, the answer text and the export rows.

The encoder is the deterministic hashing one (no model): what is tested is the PDF text layer, the
assignment grammar and the store, not the embeddings.
"""

from __future__ import annotations

import pytest

from ingest.pipeline import ingest_paths
from search.export import HEADERS, task_rows
from search.searcher import Searcher

# Lines broken where a PDF's text layer breaks them, at irregular widths; one glued word ("đềnghị").
PAGE = """ỦY BAN NHÂN DÂN TỈNH NINH BÌNH
KẾ HOẠCH
Thực hiện công tác y tế trường học và du lịch sức khỏe năm 2024
III. TỔ CHỨC THỰC HIỆN
1. Sở Y tế, Sở Giáo dục và Đào tạo, Sở Văn hóa, Thể thao và Du lịch
thực hiện các nhiệm vụ sau:
- Tuyên truyền về phòng, chống tác hại của thuốc lá trong
trường học và các cơ sở y tế trên địa bàn tỉnh.
- Phát triển sản phẩm du lịch chăm sóc sức khỏe gắn với
các điểm du lịch của tỉnh.
2. Ủy ban nhân dân tỉnh đềnghị Sở Tài chính chủ trì, phối hợp với Sở Kế
hoạch và Đầu tư bố trí kinh phí thực hiện Kế hoạch, hoàn thành trước ngày
30/6/2024.
"""


@pytest.fixture()
def indexed(tmp_path, hashing_settings):
    from builders import make_pdf

    folder = tmp_path / "van-ban"
    folder.mkdir()
    make_pdf(folder / "ke-hoach-y-te-truong-hoc.pdf", [PAGE])
    report = ingest_paths([folder], hashing_settings)
    assert report.added == 1 and not report.failed
    return Searcher.open(hashing_settings)


def test_shared_tasks_of_a_group_heading_come_back_with_their_co_assignees(indexed):
    result = indexed.tasks("Sở Y tế")
    tasks = {" ".join(a["task"].split()): a for a in result["assignments"]}
    tourism = tasks["Phát triển sản phẩm du lịch chăm sóc sức khỏe gắn với các điểm du lịch của tỉnh"]
    assert tourism["agency"] == "Sở Y tế" and tourism["role"] == "giao"
    assert tourism["co_assignees"] == ["Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch"]
    assert tourism["source"].endswith("ke-hoach-y-te-truong-hoc.pdf")
    assert (
        "Tuyên truyền về phòng, chống tác hại của thuốc lá trong trường học và các cơ sở y tế trên địa bàn tỉnh"
        in tasks
    )

    everything = indexed.tasks(None)["assignments"]
    finance = [a for a in everything if a["agency"] == "Sở Tài chính"]
    assert len(finance) == 1 and finance[0]["role"] == "chủ trì"
    assert "đềnghị" in finance[0]["task"] and finance[0]["deadline"] == "hoàn thành trước ngày 30/6/2024"
    assert finance[0]["co_assignees"] == ["Sở Kế hoạch và Đầu tư"]
    assert not any(a["agency"] == "Ủy ban nhân dân tỉnh" for a in everything)  # the speaker hands it on

    column = HEADERS.index("Giao chung với")
    row = task_rows([tourism])[0]
    assert row[column] == "Sở Giáo dục và Đào tạo; Sở Văn hóa, Thể thao và Du lịch"


def test_answer_says_which_tasks_are_shared(indexed):
    answer = indexed.ask("Sở Y tế được giao nhiệm vụ gì về du lịch chăm sóc sức khỏe?")
    assert answer.found
    line = next(x for x in answer.answer.splitlines() if "du lịch chăm sóc sức khỏe" in x)
    assert "giao chung với Sở Giáo dục và Đào tạo, Sở Văn hóa, Thể thao và Du lịch" in line
