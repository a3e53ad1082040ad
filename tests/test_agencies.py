"""Agency names: canonical forms, aliases, enumerations, queries, and a deployment's own table."""

from __future__ import annotations

import unicodedata

import pytest

from chidao.config import Settings
from chidao.lang.agencies import AgencyCanon, load_table, modern_tones


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# ---------------------------------------------------------------- canonical names


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Sở Y Tế", "Sở Y tế"),
        ("SỞ Y TẾ", "Sở Y tế"),
        ("sở y tế", "Sở Y tế"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở Kế hoạch đầu tư", "Sở Kế hoạch và Đầu tư"),
        ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở Nông nghiệp và PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
        ("Sở TTTT", "Sở Thông tin và Truyền thông"),
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở GTVT", "Sở Giao thông vận tải"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Bộ KH&ĐT", "Bộ Kế hoạch và Đầu tư"),
        ("BCH Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
        ("Bộ CHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
        ("BĐBP tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("Thường trực HĐND tỉnh", "Thường trực Hội đồng nhân dân tỉnh"),
        ("TTXVN", "Thông tấn xã Việt Nam"),
    ],
)
def test_aliases_and_case(canon: AgencyCanon, printed: str, expected: str) -> None:
    assert canon.canonical(printed) == expected


def test_restructured_2025_bodies_are_real(canon: AgencyCanon) -> None:
    assert canon.canonical("Sở Nông nghiệp và Môi trường") == "Sở Nông nghiệp và Môi trường"
    assert canon.canonical("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG") == "Sở Nông nghiệp và Môi trường"
    assert canon.canonical("Sở NN&MT") == "Sở Nông nghiệp và Môi trường"
    assert canon.canonical("Bộ Dân tộc và Tôn giáo") == "Bộ Dân tộc và Tôn giáo"
    assert canon.canonical("Sở Khoa học và Công nghệ") == "Sở Khoa học và Công nghệ"
    known = canon.known()
    assert "Bộ Dân tộc và Tôn giáo" in known
    assert "Sở Nông nghiệp và Môi trường" in known


def test_scope_words_are_kept(canon: AgencyCanon) -> None:
    assert canon.canonical("UBND tỉnh") == "Ủy ban nhân dân tỉnh"
    assert canon.canonical("UBND các huyện, thành phố") == "Ủy ban nhân dân các huyện, thành phố"
    assert canon.canonical("UBND cấp xã") == "Ủy ban nhân dân cấp xã"
    assert canon.canonical("Công an tỉnh") == "Công an tỉnh"
    assert canon.canonical("UBND tỉnh") != canon.canonical("UBND các huyện, thành phố")
    # a place name is not a scope word: "Hà Tĩnh" keeps its capital
    assert canon.canonical("UBND tỉnh Hà Tĩnh") == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    assert canon.canonical("Ủy ban nhân dân Thành phố") == "Ủy ban nhân dân thành phố"


def test_leaders_titles_name_their_agency(canon: AgencyCanon) -> None:
    assert canon.canonical("Giám đốc Sở Tài chính") == "Sở Tài chính"
    assert canon.canonical("Bộ trưởng Bộ Công an") == "Bộ Công an"
    assert canon.canonical("Chủ tịch UBND các xã, phường") == "Ủy ban nhân dân các xã, phường"
    assert canon.canonical("Chánh Văn phòng UBND tỉnh") == "Văn phòng Ủy ban nhân dân tỉnh"
    assert canon.canonical("Thủ trưởng các sở, ban, ngành") == "Các sở, ban, ngành"


def test_nfd_and_old_tone_marks(canon: AgencyCanon) -> None:
    assert canon.canonical(nfd("Sở Giáo dục và Đào tạo")) == "Sở Giáo dục và Đào tạo"
    assert canon.canonical("Uỷ ban nhân dân tỉnh") == "Ủy ban nhân dân tỉnh"
    assert modern_tones("Khánh Hoà, Thuỷ lợi, quý") == "Khánh Hòa, Thủy lợi, quý"


# ---------------------------------------------------------------- enumerations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Nội vụ, Sở Tài chính", ["Sở Nội vụ", "Sở Tài chính"]),
        ("các Bộ: Công an, Quốc phòng", ["Bộ Công an", "Bộ Quốc phòng"]),
        (
            "Bộ Chỉ huy Quân sự tỉnh, Bộ Chỉ huy Bộ đội Biên phòng, Công an tỉnh",
            ["Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng", "Công an tỉnh"],
        ),
        (
            "Sở Y tế, Sở Giáo dục và Đào tạo và các cơ quan liên quan",
            ["Sở Y tế", "Sở Giáo dục và Đào tạo"],
        ),
        (
            "Các Bộ: Giáo dục và Đào tạo, Văn hóa, Thể thao và Du lịch, Y tế",
            ["Bộ Giáo dục và Đào tạo", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Y tế"],
        ),
        (
            "Giám đốc các Sở: Tư pháp, Xây dựng; Chủ tịch UBND các xã, phường",
            ["Sở Tư pháp", "Sở Xây dựng", "Ủy ban nhân dân các xã, phường"],
        ),
        ("UBND các huyện, thành phố", ["Ủy ban nhân dân các huyện, thành phố"]),
        ("Sở Y Tế, Thương binh và Xã hội", ["Sở Y tế", "Sở Lao động - Thương binh và Xã hội"]),
        (
            "Ủy ban nhân dân thành phố Cần Thơ, thành phố Huế và tỉnh An Giang",
            [
                "Ủy ban nhân dân thành phố Cần Thơ",
                "Ủy ban nhân dân thành phố Huế",
                "Ủy ban nhân dân tỉnh An Giang",
            ],
        ),
        (
            "Các cơ quan thường trực (Sở Nội vụ, Sở Tư pháp)",
            ["Sở Nội vụ", "Sở Tư pháp"],
        ),
    ],
)
def test_split(canon: AgencyCanon, text: str, expected: list[str]) -> None:
    assert canon.split(text) == expected


def test_split_keeps_a_lone_generic_group(canon: AgencyCanon) -> None:
    assert canon.split("các cơ quan, đơn vị liên quan") == ["Các cơ quan, đơn vị liên quan"]


def test_parse_leading_stops_before_the_predicate(canon: AgencyCanon) -> None:
    text = "Sở Tài chính, Kho bạc Nhà nước khu vực X chủ trì rà soát số liệu."
    lead = canon.parse_leading(text)
    assert lead is not None
    assert text[lead.end :].startswith(" chủ trì")
    assert [c for _, c in lead.names] == ["Sở Tài chính", "Kho bạc Nhà nước khu vực X"]


def test_parse_leading_rejects_words_that_only_look_like_heads(canon: AgencyCanon) -> None:
    assert canon.parse_leading("Ban hành kèm theo Quyết định này Quy chế làm việc.") is None
    assert canon.parse_leading("Các trường hợp được miễn giảm gồm:") is None
    assert canon.parse_leading("Các quy định khác có liên quan.") is None
    assert canon.parse_leading("Phòng, chống dịch bệnh cho đàn gia súc.") is None


# ---------------------------------------------------------------- queries


NAMES = [
    "Sở Y tế",
    "Bộ Y tế",
    "Sở Y tế tỉnh Lạng Sơn",
    "Ủy ban nhân dân tỉnh",
    "Ủy ban nhân dân các huyện, thành phố",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Kế hoạch và Đầu tư",
]


@pytest.mark.parametrize("query", ["so y te", "SỞ Y TẾ", "Sở YT", "Sở Y Tế", "Giám đốc Sở Y tế", nfd("Sở Y tế")])
def test_match_typed_agency(canon: AgencyCanon, query: str) -> None:
    found = canon.match(query, NAMES)
    assert found[0] == "Sở Y tế"
    assert "Sở Y tế tỉnh Lạng Sơn" in found
    assert "Bộ Y tế" not in found


def test_match_keeps_scopes_apart(canon: AgencyCanon) -> None:
    assert canon.match("UBND tỉnh", NAMES) == ["Ủy ban nhân dân tỉnh"]
    assert canon.match("ubnd cac huyen, thanh pho", NAMES) == ["Ủy ban nhân dân các huyện, thành phố"]


def test_match_a_field_alone(canon: AgencyCanon) -> None:
    assert set(canon.match("y tế", NAMES)) == {"Sở Y tế", "Bộ Y tế", "Sở Y tế tỉnh Lạng Sơn"}
    assert canon.match("KH&ĐT", NAMES) == ["Sở Kế hoạch và Đầu tư"]
    assert canon.match("Sở Ngoại vụ", NAMES) == []


def test_match_defaults_to_known_names(canon: AgencyCanon) -> None:
    assert "Sở Kế hoạch và Đầu tư" in canon.match("so ke hoach dau tu")


# ---------------------------------------------------------------- a deployment's table


def test_deployment_file_extends_the_table(tmp_path) -> None:
    extra = tmp_path / "co-quan.toml"
    extra.write_text(
        '[[agency]]\nname = "Trung tâm Phục vụ hành chính công tỉnh"\naliases = ["TTPVHCC", "Trung tâm HCC tỉnh"]\n'
        '[abbreviations]\n"BQLDA" = "Ban Quản lý dự án"\n',
        encoding="utf-8",
    )
    base = AgencyCanon()
    assert base.canonical("TTPVHCC") == "TTPVHCC"
    canon = AgencyCanon.from_settings(Settings(agencies_file=extra))
    assert canon.canonical("TTPVHCC") == "Trung tâm Phục vụ hành chính công tỉnh"
    assert canon.canonical("trung tam hcc tinh") == "Trung tâm Phục vụ hành chính công tỉnh"
    assert canon.canonical("BQLDA giao thông") == "Ban Quản lý dự án giao thông"
    # the shipped aliases still work
    assert canon.canonical("Sở KHĐT") == "Sở Kế hoạch và Đầu tư"


def test_deployment_file_with_unknown_section_is_an_error(tmp_path) -> None:
    bad = tmp_path / "sai.toml"
    bad.write_text('[bi_danh]\n"X" = "Y"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bi_danh"):
        load_table(bad)


def test_capitalised_group_nouns_of_older_texts_stay_one_group(canon):
    # "các Sở, Ban, Ngành" (capitals, as texts of the 2000s write it) is one group, and the list goes on after it
    lead = canon.parse_leading("các Sở, Ban, Ngành, UBND các huyện, thị xã thực hiện tốt các việc sau", 0)
    assert lead is not None
    assert [c for _, c in lead.names] == ["Các Sở, Ban, Ngành", "Ủy ban nhân dân các huyện, thị xã"]
    lead = canon.parse_leading("Các Sở, Ban, Ngành tỉnh và UBND các huyện thực hiện", 0)
    assert lead is not None
    assert [c for _, c in lead.names] == ["Các Sở, Ban, Ngành tỉnh", "Ủy ban nhân dân các huyện"]
    # a capitalised "Ban" followed by its name is an agency of its own
    lead = canon.parse_leading("các Sở, Ban Quản lý Khu kinh tế tỉnh thực hiện", 0)
    assert lead is not None and [c for _, c in lead.names][-1] == "Ban Quản lý Khu kinh tế tỉnh"
