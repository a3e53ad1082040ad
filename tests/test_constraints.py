"""The question's constraints (year, date, month, period, province, type, topic beside an agency) are read
from its grammar, honoured by every answer strategy, and a refusal names the one nothing satisfies."""

from __future__ import annotations

from pathlib import Path

import pytest

from chidao.lang.lexicon import expansions
from chidao.lang.places import find_provinces, province_of
from search.constraints import parse, unmet

DOCS = {
    "ct-15-longan-2020.txt": """ỦY BAN NHÂN DÂN
TỈNH LONG AN
Số: 15/CT-UBND
Long An, ngày 10 tháng 3 năm 2020
CHỈ THỊ
Về tăng cường phòng, chống hạn hán, xâm nhập mặn mùa khô
Để chủ động ứng phó với hạn hán, xâm nhập mặn, Chủ tịch Ủy ban nhân dân tỉnh chỉ thị:
1. Sở Nông nghiệp và Phát triển nông thôn chủ trì theo dõi độ mặn trên các tuyến sông, vận hành cống ngăn mặn.
2. Công ty cấp nước bảo đảm nước sinh hoạt cho nhân dân vùng bị xâm nhập mặn.
""",
    "kh-20-bentre-2022.txt": """ỦY BAN NHÂN DÂN
TỈNH BẾN TRE
Số: 20/KH-UBND
Bến Tre, ngày 05 tháng 1 năm 2022
KẾ HOẠCH
Phòng, chống hạn hán, xâm nhập mặn mùa khô 2022
1. Sở Nông nghiệp và Phát triển nông thôn chủ trì trữ nước ngọt, theo dõi độ mặn trên sông Hàm Luông.
2. Ủy ban nhân dân các huyện vận động nhân dân trữ nước ngọt phòng hạn hán, xâm nhập mặn.
""",
    "kh-30-longan-2021.txt": """ỦY BAN NHÂN DÂN
TỈNH LONG AN
Số: 30/KH-UBND
Long An, ngày 02 tháng 8 năm 2021
KẾ HOẠCH
Phòng, chống dịch COVID-19 trong đợt cao điểm
1. Sở Y tế chủ trì tổ chức xét nghiệm diện rộng, thiết lập bệnh viện dã chiến điều trị người mắc COVID-19.
2. Công an tỉnh bảo đảm an ninh trật tự tại các khu cách ly tập trung.
""",
    "cv-45-longan-2021.txt": """ỦY BAN NHÂN DÂN
TỈNH LONG AN
Số: 45/UBND-VX
Long An, ngày 20 tháng 9 năm 2021
V/v bảo đảm an toàn thực phẩm dịp Tết Trung thu
1. Sở Y tế chủ trì kiểm tra an toàn thực phẩm tại các cơ sở sản xuất bánh trung thu.
2. Sở Công Thương phối hợp kiểm soát hàng hóa không rõ nguồn gốc trên thị trường.
""",
}


# ---------------------------------------------------------------- the grammar (pure)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Nghị quyết của Chính phủ năm 2021 về phục hồi kinh tế", {"years": [2021], "doc_type": "Nghị quyết"}),
        ("nghi quyet cua chinh phu nam 2021 ve phuc hoi kinh te", {"years": [2021], "doc_type": None}),
        ("Thông báo của tỉnh Cao Bằng tháng 5/2021", {"month": (2021, 5), "provinces": ["cao bang"]}),
        ("thông báo tháng 5 năm 2021 của UBND TP.HCM", {"month": (2021, 5), "provinces": ["ho chi minh"]}),
        ("Kế hoạch xóa mù chữ đến năm 2030 của Vĩnh Long", {"content_years": [2030], "years": []}),
        ("nhiệm vụ năm học 2031-2032", {"content_years": [2031, 2032], "years": []}),
        ("văn bản ban hành ngày 01/01/2021", {"date": "2021-01-01", "years": []}),
        ("Bộ Kế hoạch và Đầu tư được giao gì?", {"doc_type": None}),
        # the number's own date and type describe the cited document, not the answer
        ("Văn bản nào căn cứ Chỉ thị 20/CT-TTg năm 2021?", {"years": [], "doc_type": None}),
        ("Chỉ thị 100/2019/CT-TTg", {"years": []}),
    ],
)
def test_constraints_read_from_the_question(question, expected):
    c = parse(question)
    for key, value in expected.items():
        assert getattr(c, key) == value, (question, key, getattr(c, key))


def test_provinces_found_with_and_without_accents_and_not_in_common_words():
    assert find_provinces("Sở Y tế Đắk Lắk") == ["dak lak"]
    assert find_provinces("so y te dak lak") == ["dak lak"]
    assert find_provinces("giữ gìn hòa bình và an ninh") == []
    assert find_provinces("tỉnh Hòa Bình") == ["hoa binh"]
    assert province_of("UBND tỉnh Bà Rịa - Vũng Tàu") == "ba ria vung tau"
    assert province_of("Văn phòng Chính phủ") is None


def test_a_document_meets_or_fails_each_constraint():
    doc = {"year": 2020, "date": "2020-03-10", "issuer": "UBND tỉnh Long An", "type": "Chỉ thị", "title": "Về hạn mặn"}
    text = DOCS["ct-15-longan-2020.txt"]
    assert unmet(parse("Chỉ thị năm 2020 của tỉnh Long An về hạn mặn"), doc, text) == []
    assert unmet(parse("Chỉ thị năm 2023 về hạn mặn"), doc, text) == ["year"]
    assert unmet(parse("Chỉ thị của tỉnh Bến Tre về hạn mặn"), doc, text) == ["province"]
    assert unmet(parse("Kế hoạch của tỉnh Long An về hạn mặn"), doc, text) == ["type"]
    assert unmet(parse("hạn mặn tháng 4/2020"), doc, text) == ["month"]
    assert unmet(parse("hạn mặn giai đoạn 2021-2025"), doc, text) == ["period"]
    # a central document answers for a province it speaks of
    central = {"year": 2020, "issuer": "Văn phòng Chính phủ", "type": "Công văn", "title": ""}
    assert unmet(parse("hỗ trợ tỉnh Long An chống hạn"), central, "đồng ý hỗ trợ tỉnh Long An") == []
    assert unmet(parse("hỗ trợ tỉnh Cà Mau chống hạn"), central, "đồng ý hỗ trợ tỉnh Long An") == ["province"]


def test_lexicon_expands_abbreviations_and_everyday_words_both_ways():
    assert "trung học cơ sở" in expansions("trường THCS")
    assert "THCS" in expansions("các trường trung học cơ sở")
    assert "ô xy" in expansions("thiếu oxy cho bệnh nhân")
    assert "ủy ban nhân dân" in expansions("UBND tỉnh")
    assert expansions("một câu không có từ nào trong từ điển") == []


# ---------------------------------------------------------------- honoured end to end (hashing encoder)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    from chidao.config import Settings
    from ingest.pipeline import ingest_paths
    from search.searcher import Searcher

    tmp: Path = tmp_path_factory.mktemp("constraints")
    folder = tmp / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = Settings(index=tmp / "index", cache_dir=tmp / "cache", encoder="hashing", model="hashing-test")
    ingest_paths([folder], settings)
    return Searcher.open(settings)


def _sources(answer) -> set[str]:
    return {Path(c.source).name for c in answer.citations}


def test_year_is_honoured_or_refused_by_name(searcher):
    a = searcher.ask("Chỉ thị về phòng, chống hạn hán, xâm nhập mặn năm 2020 yêu cầu gì?")
    assert a.found and _sources(a) == {"ct-15-longan-2020.txt"}
    a = searcher.ask("Chỉ thị về phòng, chống hạn hán, xâm nhập mặn năm 2023 yêu cầu gì?")
    assert not a.found and not a.citations
    assert "năm 2023" in a.answer and "Gần nhất" in a.answer


def test_province_is_honoured_or_refused_by_name(searcher):
    a = searcher.ask("Tỉnh Bến Tre làm gì để phòng, chống hạn hán, xâm nhập mặn?")
    assert a.found and _sources(a) == {"kh-20-bentre-2022.txt"}
    a = searcher.ask("tinh ben tre lam gi de phong chong han han xam nhap man")
    assert a.found and _sources(a) == {"kh-20-bentre-2022.txt"}
    a = searcher.ask("Tỉnh Cà Mau làm gì để phòng, chống hạn hán, xâm nhập mặn?")
    assert not a.found and "Cà Mau" in a.answer


def test_document_type_is_honoured(searcher):
    a = searcher.ask("Kế hoạch phòng, chống hạn hán, xâm nhập mặn có những nội dung gì?")
    assert a.found and _sources(a) == {"kh-20-bentre-2022.txt"}


def test_topic_beside_an_agency_is_honoured(searcher):
    a = searcher.ask("Sở Y tế được giao nhiệm vụ gì trong đợt cao điểm phòng, chống dịch COVID-19?")
    assert a.found and _sources(a) == {"kh-30-longan-2021.txt"}
    a = searcher.ask("Sở Y tế được giao nhiệm vụ gì về an toàn thực phẩm?")
    assert a.found and _sources(a) == {"cv-45-longan-2021.txt"}


def test_a_number_asked_for_another_year_is_refused_naming_what_there_is(searcher):
    a = searcher.ask("Chỉ thị 15/CT-UBND năm 2019 yêu cầu những gì?")
    assert not a.found and not a.citations
    assert "15/CT-UBND năm 2019" in a.answer and "10/03/2020" in a.answer
    a = searcher.ask("Chỉ thị 15/CT-UBND năm 2020 yêu cầu những gì?")
    assert a.found and _sources(a) == {"ct-15-longan-2020.txt"}


def test_a_number_of_another_province_is_refused_naming_the_province(searcher):
    a = searcher.ask("Kế hoạch 20/KH-UBND của tỉnh Long An giao nhiệm vụ gì?")
    assert not a.found and "Long An" in a.answer


def test_an_agency_is_recognised_in_its_abbreviated_spellings():
    from search.answer.gate import _spellings

    assert " bo gd dt " in _spellings("Bộ Giáo dục và Đào tạo")
    assert " so nn ptnt " in _spellings("Sở Nông nghiệp và Phát triển nông thôn")


# ---------------------------------------------------------------- the issuer form and refusals naming what is missing


@pytest.mark.parametrize(
    ("question", "issued"),
    [
        ("Nghị quyết của UBND tỉnh Vĩnh Long về trách nhiệm người đứng đầu?", True),
        ("nghi quyet cua ubnd tinh vinh long ve trach nhiem nguoi dung dau", True),
        ("Chỉ thị do Chủ tịch UBND TP. Hồ Chí Minh ban hành về phòng cháy", True),
        ("Kế hoạch 130/KH-UBND của tỉnh Thanh Hóa", True),
        ("Thủ tướng có ý kiến gì về đề nghị của UBND tỉnh Quảng Trị?", False),  # the province's request
        ("Thủ tướng đồng ý cho huyện nào của tỉnh Lâm Đồng?", False),  # a part of the province
        ("Nhiệm vụ của UBND tỉnh Quảng Trị là gì?", False),  # the province is the assignee
        ("UBND tỉnh Quảng Trị được giao những gì?", False),
    ],
)
def test_a_province_named_as_the_issuer(question, issued):
    c = parse(question)
    assert c.provinces and c.issued_by_province is issued


def test_a_central_document_does_not_answer_for_a_province_named_as_its_issuer():
    central = {"year": 2020, "issuer": "Văn phòng Chính phủ", "type": "Công văn", "title": ""}
    text = "Thủ tướng đồng ý hỗ trợ tỉnh Long An kinh phí chống hạn"
    assert unmet(parse("Công văn của UBND tỉnh Long An về chống hạn"), central, text) == ["province"]
    assert unmet(parse("cong van cua tinh long an ve chong han"), central, text) == ["province"]
    assert unmet(parse("hỗ trợ tỉnh Long An chống hạn"), central, text) == []  # it speaks of the province
    # a local issuer stored without its province is judged by what its text says
    local = {"year": 2020, "issuer": "Ủy ban nhân dân", "type": "Kế hoạch", "title": ""}
    assert unmet(parse("Kế hoạch của tỉnh Long An về chống hạn"), local, "UBND TỈNH LONG AN\n" + text) == []


def test_a_number_asked_for_another_date_is_refused_naming_the_date(searcher):
    a = searcher.ask("Chỉ thị 15/CT-UBND ngày 01/02/2019 yêu cầu những gì?")
    assert not a.found and not a.citations
    assert "ngày 1/2/2019" in a.answer and "10/03/2020" in a.answer
    a = searcher.ask("chi thi 15/CT-UBND nam 2019 yeu cau gi")
    assert not a.found and "năm 2019" in a.answer


def test_refusals_name_the_missing_province_and_type_with_and_without_accents(searcher):
    a = searcher.ask("tinh ca mau lam gi de phong chong han han xam nhap man")
    assert not a.found and not a.citations and "Cà Mau" in a.answer
    a = searcher.ask("Quyết định của tỉnh Long An về phòng, chống hạn hán, xâm nhập mặn quy định gì?")
    assert not a.found and not a.citations and "loại Quyết định" in a.answer


def test_a_satisfied_constraint_is_not_refused(searcher):
    for q in (
        "Chỉ thị của UBND tỉnh Long An về phòng, chống hạn hán, xâm nhập mặn yêu cầu gì?",
        "chi thi cua ubnd tinh long an ve phong chong han han xam nhap man yeu cau gi",
    ):
        a = searcher.ask(q)
        assert a.found and _sources(a) == {"ct-15-longan-2020.txt"}
