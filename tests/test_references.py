"""Cited document numbers: forms, near-misses, dates/years, compound lists and number look-ups."""

import json
import os
import unicodedata
from pathlib import Path

import pytest

from chidao.lang.references import (
    extract_references,
    number_matches,
    parse_date,
    parse_number_query,
    reference_year,
    resolve_reference,
    type_from_number,
)
from chidao.lang.text import DOCNUM_RE, docnum_display, docnum_key
from chidao.records import Reference


def numbers(text: str, own: str | None = None) -> list[str]:
    return [r.number for r in extract_references(text, own_number=own)]


def only(text: str) -> Reference:
    refs = extract_references(text)
    assert len(refs) == 1, [r.number for r in refs]
    return refs[0]


# ---------------------------------------------------------------- forms, type word, date, year


@pytest.mark.parametrize(
    ("text", "number", "kind", "date", "year"),
    [
        (
            "Thực hiện Công điện số 541/CĐ-TTg ngày 23/4/2021 của Thủ tướng.",
            "541/CĐ-TTg",
            "Công điện",
            "2021-04-23",
            2021,
        ),
        ("Căn cứ Nghị định 100/2019/NĐ-CP của Chính phủ;", "100/2019/NĐ-CP", "Nghị định", None, 2019),
        (
            "Thực hiện Kết luận số 12-KL/TW ngày 23 tháng 4 năm 2021 của Bộ Chính trị.",
            "12-KL/TW",
            "Kết luận",
            "2021-04-23",
            2021,
        ),
        ("Căn cứ Luật số 45/2019/QH14;", "45/2019/QH14", "Luật", None, 2019),
        ("theo Chỉ thị số 16/CT-TTg ngày 23-4-2021;", "16/CT-TTg", "Chỉ thị", "2021-04-23", 2021),
        ("Xét Tờ trình số 8798/TTr-BCT ngày 07 tháng 11 năm 2025", "8798/TTr-BCT", "Tờ trình", "2025-11-07", 2025),
        (
            "ban hành Nghị quyết số 66.7/2025/NQ-CP ngày\n15 tháng 11 năm 2025",
            "66.7/2025/NQ-CP",
            "Nghị quyết",
            "2025-11-15",
            2025,
        ),
        ("Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025 của Ban Chỉ đạo", "02-KH/BCĐTW", "Kế hoạch", "2025-06-19", 2025),
        ("Căn cứ Luật Đầu tư số 61/2020/QH14 ngày 17 tháng 6 năm 2020;", "61/2020/QH14", "Luật", "2020-06-17", 2020),
        # no type word: the symbol tells the type
        ("tại văn bản 10894/VPCP-CN ngày 10/11/2025", "10894/VPCP-CN", "Công văn", "2025-11-10", 2025),
        ("theo 57-NQ/TW của Bộ Chính trị", "57-NQ/TW", "Nghị quyết", None, None),
    ],
)
def test_reference_forms(text, number, kind, date, year):
    ref = only(text)
    assert ref.number == number
    assert ref.key == docnum_key(number)
    assert ref.type == kind
    assert ref.date == date
    assert ref.year == year
    assert text[ref.start : ref.end].replace(" ", "").replace("\n", "") == number.replace(" ", "")


def test_spaced_numbers_lose_their_spaces():
    refs = extract_references("tại Công điện 1632 / CĐ - TTg và Chỉ thị số 13/CT- TTg ngày 4/5/2021.")
    assert [r.number for r in refs] == ["1632/CĐ-TTg", "13/CT-TTg"]
    assert [r.key for r in refs] == ["1632/CD-TTG", "13/CT-TTG"]
    assert refs[1].date == "2021-05-04" and refs[0].date is None


def test_lower_case_and_mixed_case_symbols():
    assert only("theo công văn số 570/cđ-ttg ngày 2/5/2021").key == "570/CD-TTG"
    assert only("Quyết định số 1899/QĐ-TTG ngày 04/9/2025").key == "1899/QD-TTG"
    assert only("Chỉ thị số 27/CT-TTg").key == only("CHỈ THỊ SỐ 27/CT-TTG").key


def test_cyrillic_look_alikes_are_mapped_to_latin():
    ref = only("công văn số 16495/BТС-PTHT ngày 22/10/2025")  # the Т and С are Cyrillic
    assert ref.number == "16495/BTC-PTHT"
    assert ref.key == "16495/BTC-PTHT"


def test_party_forms():
    assert numbers("Nghị quyết số 57-NQ/TW, Kế hoạch số 02-KH/BCĐTW và Chỉ thị 12-CT/TU, Thông tri 02-TT/TU") == [
        "57-NQ/TW",
        "02-KH/BCĐTW",
        "12-CT/TU",
        "02-TT/TU",
    ]
    assert type_from_number("02-TT/TU") == "Thông tri"
    assert type_from_number("01/2021/TT-BYT") == "Thông tư"


def test_symbols_joined_with_ampersand_and_dotted_suffix():
    assert numbers("Kế hoạch số 515/KH-BCA-BNN&MT và Công văn số 15972/SXD-QLN& TTBĐS") == [
        "515/KH-BCA-BNN&MT",
        "15972/SXD-QLN&TTBĐS",
    ]
    assert numbers("tại Văn bản số 6721/VPCP-V.I.") == ["6721/VPCP-V.I"]
    assert numbers("Phiếu lấy ý kiến số 1025/PLYK/2025 ngày 23/11/2025") == ["1025/PLYK/2025"]


# ---------------------------------------------------------------- compound forms


def test_compound_comma_list():
    refs = extract_references("tập trung triển khai Nghị quyết 01,02/NQ-CP của Chính phủ")
    assert [r.number for r in refs] == ["01/NQ-CP", "02/NQ-CP"]
    assert all(r.type == "Nghị quyết" for r in refs)
    assert refs[0].end <= refs[1].start


def test_compound_party_list_shares_date():
    refs = extract_references("các Công văn số 614, 615, 616-CV/VPTW ngày 5/5/2021 của Văn phòng Trung ương")
    assert [r.number for r in refs] == ["614-CV/VPTW", "615-CV/VPTW", "616-CV/VPTW"]
    assert {r.date for r in refs} == {"2021-05-05"}


def test_compound_with_va():
    assert numbers("Nghị quyết số 01 và 02/NQ-CP") == ["01/NQ-CP", "02/NQ-CP"]


def test_a_year_before_a_number_is_no_list():
    # "2020, 15/QĐ-UBND": the year ends a date, it is not a number sharing the symbol
    assert numbers("Quyết định số 10/QĐ-UBND ngày 5/1/2020, 15/QĐ-UBND ngày 6/1/2020") == [
        "10/QĐ-UBND",
        "15/QĐ-UBND",
    ]


def test_type_carries_over_to_a_following_so():
    refs = extract_references(
        "tại Văn bản số 6721/VPCP-V.I ngày 19 tháng 7 năm 2025 và số 7514/VPCP-V.I ngày 12 tháng 8 năm 2025."
    )
    assert [(r.number, r.date) for r in refs] == [("6721/VPCP-V.I", "2025-07-19"), ("7514/VPCP-V.I", "2025-08-12")]
    refs = extract_references("Các Công điện: số 007/CĐ-UBND ngày 17/11/2025, số 008/CĐ-UBND ngày 19/11/2025;")
    assert [r.type for r in refs] == ["Công điện", "Công điện"]


# ---------------------------------------------------------------- near-misses


@pytest.mark.parametrize(
    "text",
    [
        "V/v tăng cường công tác phòng chống dịch",
        "ngày 23/4/2021 và tháng 4/2021, Quý II/2021",
        "đạt tỷ lệ 1/3 số hộ; trực 24/24 giờ; 2/3 đại biểu",
        "dịch bệnh COVID-19 và Covid-19",
        "các trường hợp F0/F1, F1/F2",
        "giai đoạn 2021-2025, nhiệm kỳ 2021- 2026, năm 2026 – 2030",
        "tuyến QL1A, QL 4A, cao tốc CT.08",
        "lượng mưa 100-150mm, cục bộ 200-400 mm, 35/22kV",
        "theo quy định tại Điều 5, khoản 2 Điều 3",
        "Điện thoại: 0206.3852.345; Fax: 028-3829-1234",
        "hạ tầng 3D/VR360 và 5G/IoT",
        "đạt QCVN 01-1:2018/BYT và QCVN 08-MT:2015/BTNMT",
        "thuộc Phụ lục số 01 - Danh mục phí",
        "Lô 12-A, tổ 5-B",
        "ngày nghỉ lễ 30/4 và 01/5",
    ],
)
def test_near_misses_are_not_references(text):
    assert extract_references(text) == []


def test_own_number_is_excluded():
    text = "Số: 81/TB-VPCP\nThực hiện Thông báo số 82/TB-VPCP ngày 29/4/2021."
    assert numbers(text, own="81/TB-VPCP") == ["82/TB-VPCP"]
    assert numbers(text, own="81 / TB - VPCP") == ["82/TB-VPCP"]
    assert numbers(text) == ["81/TB-VPCP", "82/TB-VPCP"]


# ---------------------------------------------------------------- order, repeats, context, Unicode forms


def test_first_appearance_order_and_repeats_merged():
    text = (
        "Thực hiện Công điện số 570/CĐ-TTg; Thông báo số 81/TB-VPCP. "
        "Theo Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ."
    )
    refs = extract_references(text)
    assert [r.number for r in refs] == ["570/CĐ-TTg", "81/TB-VPCP"]
    assert refs[0].date == "2021-05-02" and refs[0].year == 2021  # completed by the later citation
    assert refs[0].start == text.index("570")


def test_same_number_in_two_years_is_two_documents():
    refs = extract_references(
        "Quyết định số 12/QĐ-UBND ngày 1/2/2020 và Quyết định số 12/QĐ-UBND ngày 3/4/2021 của UBND tỉnh."
    )
    assert [(r.key, r.year) for r in refs] == [("12/QD-UBND", 2020), ("12/QD-UBND", 2021)]


def test_context_is_the_citing_sentence():
    text = (
        "Tình hình dịch bệnh diễn biến phức tạp. Các sở thực hiện Công điện số 541/CĐ-TTg ngày 23/4/2021 "
        "của Thủ tướng Chính phủ. Sở Y tế báo cáo kết quả."
    )
    ref = only(text)
    assert ref.context == "Các sở thực hiện Công điện số 541/CĐ-TTg ngày 23/4/2021 của Thủ tướng Chính phủ."


def test_list_items_are_separate_contexts():
    text = "- Nghị định số 98/2021/NĐ-CP của Chính phủ;\n- Quyết định số 02110/QĐ-UBND của UBND tỉnh."
    refs = extract_references(text)
    assert refs[0].context == "- Nghị định số 98/2021/NĐ-CP của Chính phủ;"
    assert refs[1].context.startswith("- Quyết định số 02110/QĐ-UBND")


def test_unaccented_and_nfd_text():
    ref = only("Cong dien so 570/CD-TTg ngay 02/5/2021 cua Thu tuong")
    assert (ref.key, ref.type, ref.date) == ("570/CD-TTG", "Công điện", "2021-05-02")
    nfd = unicodedata.normalize("NFD", "Thực hiện Công điện số 570/CĐ-TTg ngày 02 tháng 5 năm 2021.")
    ref = only(nfd)
    assert (ref.key, ref.type, ref.date) == ("570/CD-TTG", "Công điện", "2021-05-02")
    assert unicodedata.is_normalized("NFC", ref.number)


def test_sample_notice_references():
    text = (Path(__file__).parent.parent / "corpus" / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md").read_text(
        encoding="utf-8"
    )
    refs = {r.key: r for r in extract_references(text.replace("**", ""))}
    for key in ("01/NQ-CP", "02/NQ-CP", "570/CD-TTG", "541/CD-TTG", "81/TB-VPCP", "82/TB-VPCP", "1001/UBND-VX"):
        assert key in refs, key
    assert refs["541/CD-TTG"].date == "2021-04-23"
    assert refs["1001/UBND-VX"].type == "Công văn"
    assert refs["570/CD-TTG"].year is None  # printed without a date: no year is guessed
    assert not any(k.startswith(("2021", "4/2021", "19")) for k in refs)


# ---------------------------------------------------------------- shared grammar (chidao.lang.text)


def test_docnum_regex_keeps_numbers_whole():
    found = [docnum_key(m.group()) for m in DOCNUM_RE.finditer("Công điện 1632 / CĐ - TTg, 57–NQ/TW và 01 - Danh mục")]
    assert found == ["1632/CD-TTG", "57-NQ/TW"]
    assert docnum_display("16495/BТС - PTHT") == "16495/BTC-PTHT"
    # the Icelandic eth some documents print for Đ ("QÐ") is read as Đ
    assert docnum_key("84/2007/QÐ-UBND") == docnum_key("84/2007/QĐ-UBND") == "84/2007/QD-UBND"
    assert [m.group() for m in DOCNUM_RE.finditer("Số: 84/2007/QÐ-UBND")] == ["84/2007/QÐ-UBND"]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ngày 23/4/2021", "2021-04-23"),
        ("ngày 23 tháng 4 năm 2021", "2021-04-23"),
        ("ngày 23-4-2021", "2021-04-23"),
        ("ngay 04 thang 5 nam 2021", "2021-05-04"),
        ("31/2/2021", None),
        ("tháng 4/2021", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


# ---------------------------------------------------------------- look-ups


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("570/CĐ-TTg", ("570/CD-TTG", None)),
        ("570/CD-TTG", ("570/CD-TTG", None)),
        ("570 / cd - ttg", ("570/CD-TTG", None)),
        ("57-NQ/TW", ("57-NQ/TW", None)),
        ("Công điện số 570/CĐ-TTg ngày 02/5/2021", ("570/CD-TTG", 2021)),
        ("công điện 570/CĐ-TTg năm 2021 giao Sở Y tế việc gì?", ("570/CD-TTG", 2021)),
        ("Nghị định 100/2019/NĐ-CP", ("100/2019/ND-CP", 2019)),
        ("công điện 570 năm 2021", ("570/CD", 2021)),
        ("cong dien so 570", ("570/CD", None)),
        ("nghị định 100/2019", ("100/2019/ND", 2019)),
    ],
)
def test_parse_number_query(query, expected):
    assert parse_number_query(query) == expected


@pytest.mark.parametrize(
    "query", ["Sở Y tế được giao nhiệm vụ gì", "kế hoạch 5 năm 2021-2025", "ngày 23/4/2021", "5g/iot", "F0/F1", ""]
)
def test_parse_number_query_rejects_non_numbers(query):
    assert parse_number_query(query) is None


def test_number_matches_partial_keys():
    assert number_matches("570/CD-TTG", "570/CD-TTG")
    assert number_matches("570/CD", "570/CD-TTG")
    assert number_matches("57/NQ", "57-NQ/TW")
    assert number_matches("100/2019/ND", "100/2019/ND-CP")
    assert not number_matches("100/2019/ND", "100/2020/ND-CP")
    assert not number_matches("570/CD", "570/QD-TTG")
    assert not number_matches("570/CD", "57/CD-TTG")
    assert not number_matches("570/CD-TTG", "570/CD-UBND")


# ---------------------------------------------------------------- resolving a reference to a document


def _ref(year=None, date=None) -> Reference:
    return Reference(number="12/QĐ-UBND", key="12/QD-UBND", year=year, date=date)


def test_reference_year_is_explicit_only():
    assert reference_year(_ref(year=2020), "2021-05-04") == 2020
    assert reference_year(_ref(), "2021-05-04") is None


def test_resolve_with_year_picks_that_year():
    cands = [("a", "2020-02-01"), ("b", "2021-04-03")]
    assert resolve_reference(_ref(year=2021), cands, "2021-06-01") == "b"
    assert resolve_reference(_ref(year=2019), cands, "2021-06-01") is None


def test_resolve_with_date_prefers_exact_date():
    cands = [("a", "2021-02-01"), ("b", "2021-04-03")]
    assert resolve_reference(_ref(year=2021, date="2021-04-03"), cands) == "b"
    assert resolve_reference(_ref(year=2021), cands) is None  # two documents that year: ambiguous


def test_resolve_without_year():
    # the only candidate not later than the citing document
    assert resolve_reference(_ref(), [("a", "2020-02-01"), ("b", "2022-04-03")], "2021-05-04") == "a"
    # several years possible: never a number-only match
    assert resolve_reference(_ref(), [("a", "2019-02-01"), ("b", "2020-04-03")], "2021-05-04") is None
    assert resolve_reference(_ref(), [("a", "2019-02-01"), ("b", "2020-04-03")], None) is None
    assert resolve_reference(_ref(), [("a", "2019-02-01")], None) == "a"
    assert resolve_reference(_ref(), [], "2021-05-04") is None


# ---------------------------------------------------------------- the development set (skipped when absent)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"  # ../shared from the repo root
DEVSET = Path(os.environ.get("CHIDAO_DEVSET", SHARED / "eval" / "github"))


def _fold(number: str) -> str:
    """The scorer's folding: upper case, no spaces, Đ→D, no accents."""
    text = unicodedata.normalize("NFD", number.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").replace(" ", "").upper()


@pytest.mark.skipif(not (DEVSET / "refs.jsonl").exists(), reason="development set not available")
def test_devset_citation_f1():
    from ingest.extract import extract_metadata
    from ingest.normalize import normalize_text

    tp = fp = fn = 0
    for line in (DEVSET / "refs.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = normalize_text((DEVSET / "corpus" / row["file"]).read_text(encoding="utf-8"))
        got = {_fold(r.number) for r in extract_references(text, own_number=extract_metadata(text).number)}
        gold = {_fold(n) for n in row["cited"]}
        tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.97
