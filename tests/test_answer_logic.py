"""Pure pieces of answering: citable passages, accent restoration, intents, statutes, generic agencies."""

from __future__ import annotations

import pytest

from chidao.records import DocumentMeta
from ingest.pipeline import ingest_paths, is_statute
from search.accents import restore_accents
from search.answer import citable, coverage, split_units
from search.intent import classify
from search.searcher import Searcher
from search.tasks import is_generic_agency


def test_split_units_gives_lines_and_sentences_of_long_lines():
    text = "1. Sở Y tế chủ trì.\n" + "Câu thứ nhất khá dài về phòng chống dịch bệnh trong mùa mưa bão năm nay. " * 8
    units = split_units(text, 0, len(text))
    assert text[units[0][0] : units[0][1]] == "1. Sở Y tế chủ trì."
    assert len(units) > 2  # the long line is cut into sentences
    assert all(text[s:e] == text[s:e].strip() and e - s <= 450 for s, e in units)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Sở Y tế chủ trì kiểm tra chất lượng nước sạch", True),
        ("Đồng Nai", False),
        ("Quảng Ngãi, ngày 21 tháng 11 năm 2025", False),
        ("Cao Bang, ngay 04 thang 5 nam 2021", False),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", False),
        ("Số: 81/TB-VPCP", False),
        ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", False),  # a letterhead names, it does not answer
        ("II. TỔ CHỨC THỰC HIỆN CÁC NHIỆM VỤ", False),
        ("UBND các huyện, thành phố bố trí điểm tiêm chủng lưu động", True),
    ],
)
def test_citable_passages(text, ok):
    assert citable(text) is ok


def test_coverage_weights_rare_terms():
    weights = {"karaoke": 5.0, "quy": 0.5, "dinh": 0.5}
    assert coverage(["karaoke", "quy", "dinh"], weights, {"quy", "dinh"}) == pytest.approx(1 / 6)
    assert coverage([], weights, {"quy"}) == 0.0


def test_restore_accents_from_passages():
    passages = [
        "Sở Y tế chủ trì kiểm tra chất lượng nước sạch",
        "Số liệu thống kê được gửi về Sở Tài chính",
        "UBND các xã, phường quản lý nước dưới đất",
    ]
    assert restore_accents("so y te kiem tra nuoc sach", passages) == "sở y tế kiểm tra nước sạch"
    assert restore_accents("So lieu thong ke", passages) == "Số liệu thống kê"  # the neighbour decides
    assert restore_accents("quan ly nuoc duoi dat o xa", passages).startswith("quản lý nước dưới đất")
    assert restore_accents("Sở Y tế", passages) == "Sở Y tế"  # accented words are left alone
    assert restore_accents("karaoke", passages) == "karaoke"  # unknown words too


def test_statutes_and_generic_agencies():
    assert is_statute(DocumentMeta(type="Luật"))
    assert is_statute(DocumentMeta(number="45/2019/QH14"))
    assert not is_statute(DocumentMeta(type="Chỉ thị", number="09/CT-UBND"))
    assert is_generic_agency("Cơ quan") and is_generic_agency("Tổ chức, cá nhân")
    assert is_generic_agency("Các sở, ban, ngành")
    assert not is_generic_agency("Sở Y tế") and not is_generic_agency("Bộ Công an")


@pytest.fixture
def small_searcher(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    return Searcher.open(hashing_settings)


@pytest.mark.parametrize(
    ("question", "kind", "cited_by", "who", "agency"),
    [
        ("Sở Y tế được giao nhiệm vụ gì?", "assignment", False, False, "Sở Y tế"),
        ("so y te duoc giao nhiem vu gi", "assignment", False, False, "Sở Y tế"),
        ("Sở Nội vụ phải làm gì trong công tác bầu cử?", "assignment", False, False, "Sở Nội vụ"),
        ("Văn bản nào dẫn chiếu Công điện 570/CĐ-TTg?", "reference", True, False, None),
        ("van ban nao dan chieu cong dien 570/CD-TTg", "reference", True, False, None),
        ("Công điện 570/CĐ-TTg ban hành ngày nào?", "reference", False, False, None),
        ("Ai chủ trì xây dựng hướng dẫn phòng chống dịch trong bầu cử?", "assignment", False, True, None),
        ("Công tác bầu cử trong bối cảnh dịch bệnh", "topic", False, False, None),
        ("Cơ quan chức năng phải làm gì với thuốc giả?", "topic", False, False, None),
    ],
)
def test_intents(small_searcher, question, kind, cited_by, who, agency):
    intent = classify(question, small_searcher.snapshot, small_searcher.canon)
    assert intent.kind == kind
    assert intent.cited_by is cited_by
    assert intent.who is who
    if agency:
        assert agency in intent.agencies
