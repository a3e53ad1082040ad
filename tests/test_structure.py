"""ingest/structure.py: the heading tree of Vietnamese directives and law texts."""

from __future__ import annotations

import unicodedata

import pytest
from structure_devcorpus import SAMPLE, approx_normalize, dev_files, law_files

from chidao.lang.text import fold
from chidao.records import Block
from ingest.structure import MAX_DEPTH, block_zones, parse_blocks, short_form


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def find(text: str, prefix: str) -> Block:
    for b in parse_blocks(text):
        if text[b.start : b.end].startswith(prefix):
            return b
    raise AssertionError(f"no block starts with {prefix!r}")


HEADER = """ỦY BAN NHÂN DÂN TỈNH CAO BẰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
Cao Bằng, ngày 04 tháng 5 năm 2021
KẾ HOẠCH
Triển khai công tác phòng, chống dịch bệnh trên địa bàn tỉnh
"""

PLAN = (
    HEADER
    + """Căn cứ Luật Phòng, chống bệnh truyền nhiễm năm 2007; Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Chủ động phòng, chống dịch bệnh, không để dịch lây lan trong cộng đồng, bảo đảm sức khỏe của Nhân dân.
2. Yêu cầu
a) Các cơ quan, đơn vị bố trí đủ nhân lực, kinh phí thực hiện.
b) Bảo đảm tiến độ.
II. NHIỆM VỤ, GIẢI PHÁP
1. Nhiệm vụ chung
1.1. Tăng cường công tác tuyên truyền
- Tuyên truyền trên báo, đài.
- Tuyên truyền tại cơ sở.
1.2. Giao Sở Y tế chủ trì: tiếp tục theo dõi tình hình dịch bệnh. Tổ chức giám sát chặt chẽ tại các cửa khẩu.
1.2.1. Về công tác xét nghiệm
Sở Y tế chủ trì phối hợp với Sở Tài chính bố trí kinh phí mua sinh phẩm xét nghiệm.
2. Nhiệm vụ cụ thể
Các sở, ngành tập trung thực hiện một số nhiệm vụ sau đây:
- Sở Y tế:
+ Chủ trì tổ chức tiêm chủng;
+ Hướng dẫn cách ly y tế.
- Sở Tài chính bố trí kinh phí.
Các đơn vị báo cáo kết quả về Sở Y tế trước ngày 15 hằng tháng.
đ) Nội dung khác.
III. TỔ CHỨC THỰC HIỆN
Sở Y tế chủ trì theo dõi, đôn đốc thực hiện Kế hoạch này.
Yêu cầu các sở, ban, ngành nghiêm túc triển khai thực hiện./.
Nơi nhận:
- Bộ Y tế;
- Sở Tài chính;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""
)


def test_numbering_forms_levels_and_labels() -> None:
    b = find(PLAN, "I. MỤC ĐÍCH")
    assert (b.kind, b.label, b.level) == ("heading", "I.", 1)
    assert b.path == ["I. MỤC ĐÍCH, YÊU CẦU"]
    b = find(PLAN, "2. Yêu cầu")
    assert (b.label, b.level, b.path) == ("2.", 2, ["I. MỤC ĐÍCH, YÊU CẦU", "2. Yêu cầu"])
    b = find(PLAN, "b) Bảo đảm")
    assert (b.kind, b.label, b.level) == ("item", "b)", 3)
    assert b.path[:2] == ["I. MỤC ĐÍCH, YÊU CẦU", "2. Yêu cầu"]
    b = find(PLAN, "1.2.1.")
    assert b.label == "1.2.1." and b.level == 4
    assert b.path[1] == "1. Nhiệm vụ chung"
    assert b.path[2].startswith("1.2. Giao Sở Y tế chủ trì: tiếp tục") and b.path[2].endswith("…")
    b = find(PLAN, "đ) Nội dung")
    assert b.label == "đ)"
    b = find(PLAN, "- Tuyên truyền tại")
    assert (b.kind, b.label) == ("item", "-")
    assert b.path[-1] == "1.1. Tăng cường công tác tuyên truyền"


def test_roman_section_closes_nested_sections() -> None:
    b = find(PLAN, "II. NHIỆM VỤ")
    assert b.path == ["II. NHIỆM VỤ, GIẢI PHÁP"] and b.level == 1
    b = find(PLAN, "III. TỔ CHỨC")
    assert b.path == ["III. TỔ CHỨC THỰC HIỆN"]


def test_heading_versus_numbered_content_paragraph() -> None:
    heading = find(PLAN, "1.1. Tăng cường")
    assert heading.kind == "heading"
    para = find(PLAN, "1.2. Giao Sở Y tế")
    # Content with a full stop: a paragraph, yet it opens a section named by its first words.
    assert para.kind == "paragraph" and para.label == "1.2."
    assert para.path[-1].startswith("1.2. Giao Sở Y tế chủ trì")
    child = find(PLAN, "Sở Y tế chủ trì phối hợp với Sở Tài chính")
    assert child.path[-2].startswith("1.2. Giao Sở Y tế") and child.path[-1] == "1.2.1. Về công tác xét nghiệm"


def test_intro_paragraph_and_bullet_intro_scope() -> None:
    intro = find(PLAN, "Các sở, ngành tập trung")
    assert intro.intro and intro.kind == "paragraph"
    assert intro.path == ["II. NHIỆM VỤ, GIẢI PHÁP", "2. Nhiệm vụ cụ thể"]  # not itself
    item = find(PLAN, "- Sở Y tế:")
    assert item.intro and item.path[-1] == "Các sở, ngành tập trung thực hiện một số nhiệm vụ sau đây"
    sub = find(PLAN, "+ Hướng dẫn cách ly")
    assert sub.path[-2:] == ["Các sở, ngành tập trung thực hiện một số nhiệm vụ sau đây", "- Sở Y tế"]
    sibling = find(PLAN, "- Sở Tài chính bố trí")
    assert sibling.path[-1] == "Các sở, ngành tập trung thực hiện một số nhiệm vụ sau đây"
    after = find(PLAN, "Các đơn vị báo cáo")  # a plain paragraph closes the list
    assert after.path == ["II. NHIỆM VỤ, GIẢI PHÁP", "2. Nhiệm vụ cụ thể"]


def test_intro_heading_flag() -> None:
    text = "1. Các nhiệm vụ trọng tâm sau đây:\n- Rà soát văn bản.\n- Báo cáo kết quả.\n"
    head = find(text, "1. Các nhiệm vụ")
    assert head.kind == "heading" and head.intro
    assert find(text, "- Báo cáo").path == ["1. Các nhiệm vụ trọng tâm sau đây"]


def test_header_and_footer_do_not_swallow_the_body() -> None:
    blocks = parse_blocks(PLAN)
    zones = block_zones(PLAN, blocks)
    texts = [PLAN[b.start : b.end] for b in blocks]
    assert zones[texts.index("KẾ HOẠCH")] == "header"
    assert zones[texts.index("Số: 12/KH-UBND")] == "header"
    for b, z in zip(blocks, zones, strict=True):
        if z != "body":
            assert b.path == [] and b.level == 0
        assert "KẾ HOẠCH" not in b.path and not any("CỘNG HÒA" in p for p in b.path)
    assert zones[texts.index("Nơi nhận:")] == "recipients"
    assert zones[texts.index("- Lưu: VT.")] == "recipients"
    assert zones[texts.index("Nguyễn Văn An")] == "footer"
    assert zones[texts.index("KT. CHỦ TỊCH")] == "footer"
    closing = find(PLAN, "Yêu cầu các sở, ban, ngành nghiêm túc")
    assert closing.path == []  # "… thực hiện./." speaks for the whole document


def test_law_text_chapters_sections_articles() -> None:
    law = """LUẬT
AN NINH MẠNG
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về hoạt động bảo vệ an ninh quốc gia trên không gian mạng.
Điều 2. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. An ninh mạng là sự bảo đảm hoạt động trên không gian mạng.
2. Bảo vệ an ninh mạng là phòng ngừa, phát hiện, ngăn chặn:
a) Hành vi xâm phạm;
b) Hành vi khác.
Mục 1
PHÒNG NGỪA
Điều 3. Chính sách của Nhà nước
1. Ưu tiên bảo vệ an ninh mạng.
Chương II
BẢO VỆ AN NINH MẠNG
Điều 4. Nguyên tắc
Tuân thủ Hiến pháp và pháp luật.
"""
    chapter = find(law, "Chương I\n")
    assert chapter.kind == "heading" and chapter.label == "Chương I"
    assert law[chapter.start : chapter.end] == "Chương I\nNHỮNG QUY ĐỊNH CHUNG"  # the bare label takes its title
    assert chapter.path == ["Chương I NHỮNG QUY ĐỊNH CHUNG"]
    point = find(law, "b) Hành vi khác")
    assert point.path[1] == "Điều 2. Giải thích từ ngữ"
    assert point.path[2] == "2. Bảo vệ an ninh mạng là phòng ngừa, phát hiện, ngăn chặn"
    assert point.level == 4
    section = find(law, "Mục 1")
    assert section.path == ["Chương I NHỮNG QUY ĐỊNH CHUNG", "Mục 1 PHÒNG NGỪA"]  # not under điểm b)
    article = find(law, "Điều 3.")
    assert article.path == ["Chương I NHỮNG QUY ĐỊNH CHUNG", "Mục 1 PHÒNG NGỪA", "Điều 3. Chính sách của Nhà nước"]
    assert find(law, "Điều 4.").path == ["Chương II BẢO VỆ AN NINH MẠNG", "Điều 4. Nguyên tắc"]
    assert find(law, "Tuân thủ").level == 2


def strip_accents(s: str) -> str:
    """Vietnamese typed without accents, case kept ("Điều" → "Dieu")."""
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


@pytest.mark.parametrize("variant", ["nfd", "unaccented"])
def test_nfd_and_unaccented_text_give_the_same_tree(variant: str) -> None:
    text = nfd(PLAN) if variant == "nfd" else strip_accents(PLAN)
    ref = parse_blocks(PLAN)
    got = parse_blocks(text)
    assert len(got) == len(ref)
    assert [(b.kind, fold(b.label), b.level, b.intro) for b in got] == [
        (b.kind, fold(b.label), b.level, b.intro) for b in ref
    ]
    assert block_zones(text, got) == block_zones(PLAN, ref)
    for b in got:
        assert text[b.start : b.end] and text[b.start : b.end] == text[b.start : b.end].strip()
    if variant == "nfd":
        assert [b.path for b in got] == [b.path for b in ref]  # paths are NFC
    else:
        assert [[fold(p) for p in b.path] for b in got] == [[fold(p) for p in b.path] for b in ref]


def test_unaccented_law_labels() -> None:
    text = "Chuong I\nQUY DINH CHUNG\nDieu 1. Pham vi dieu chinh\nLuat nay quy dinh ve an ninh mang.\n"
    assert find(text, "Dieu 1.").path == ["Chuong I QUY DINH CHUNG", "Dieu 1. Pham vi dieu chinh"]


def test_offsets_are_exact_and_ordered() -> None:
    text = "\n\n  I. MỞ ĐẦU  \n\nNội dung mở đầu có dấu chấm.\r\n1.\nNhãn đứng riêng một dòng.\n\n"
    blocks = parse_blocks(text)
    assert [text[b.start : b.end] for b in blocks] == [
        "I. MỞ ĐẦU",
        "Nội dung mở đầu có dấu chấm.",
        "1.\nNhãn đứng riêng một dòng.",
    ]
    assert blocks[2].label == "1." and blocks[2].path[-1] == "1. Nhãn đứng riêng một dòng."


def test_not_labels() -> None:
    text = (
        "Mục tiêu chung của kế hoạch là bảo đảm an toàn cho người dân trên địa bàn tỉnh.\n"
        "Điều chỉnh kế hoạch khi cần thiết theo chỉ đạo của Ủy ban nhân dân tỉnh.\n"
        "1.479,3 tỷ đồng được bố trí cho các dự án trọng điểm trong năm 2021.\n"
        "2021 là năm đầu tiên thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIX.\n"
    )
    assert all(b.label == "" for b in parse_blocks(text))


def test_upper_letters_and_roman_ambiguity() -> None:
    text = "A. KẾT QUẢ\nNội dung phần A có dấu chấm.\nB. NHIỆM VỤ\nI. Nhiệm vụ chung\nNội dung.\nC. KIẾN NGHỊ\n"
    assert find(text, "B. NHIỆM VỤ").path == ["B. NHIỆM VỤ"]
    assert find(text, "I. Nhiệm vụ").path == ["B. NHIỆM VỤ", "I. Nhiệm vụ chung"]
    assert find(text, "C. KIẾN NGHỊ").path == ["C. KIẾN NGHỊ"]
    text2 = "H. Mục H\nNội dung.\nI. Mục I\n"
    assert find(text2, "I. Mục I").path == ["I. Mục I"] and find(text2, "I. Mục I").level == 1


def test_document_without_numbering() -> None:
    text = (
        "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.\n"
        "Thực hiện chỉ đạo của Thủ tướng Chính phủ về việc tăng cường công tác phòng, chống thiên tai, "
        "Bộ Nông nghiệp và Môi trường đề nghị các địa phương khẩn trương rà soát phương án ứng phó.\n"
        "Đề nghị các địa phương báo cáo kết quả trước ngày 30 tháng 11 năm 2025.\n"
    )
    blocks = parse_blocks(text)
    assert len(blocks) == 3
    assert all(b.path == [] and b.level == 0 for b in blocks)
    assert block_zones(text, blocks) == ["header", "body", "body"]


def test_short_heading_and_caps_heading() -> None:
    text = (
        "Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị triển khai thực hiện nghiêm các nội dung "
        "của Kế hoạch này, bảo đảm đúng tiến độ và chất lượng.\n"
        "QUY ĐỊNH CHUNG\n"
        "Nội dung quy định chung áp dụng cho mọi cơ quan, đơn vị trên địa bàn tỉnh, "
        "bảo đảm thống nhất trong quá trình triển khai thực hiện các nhiệm vụ được giao.\n"
        "Trách nhiệm của Sở Y tế\n"
        "Chủ trì tổ chức tiêm chủng cho người dân trên địa bàn.\n"
        "Trách nhiệm của Sở Tài chính\n"
        "Bố trí kinh phí thực hiện.\n"
    )
    b = find(text, "Chủ trì tổ chức")
    assert b.path == ["QUY ĐỊNH CHUNG", "Trách nhiệm của Sở Y tế"]
    assert find(text, "Bố trí").path == ["QUY ĐỊNH CHUNG", "Trách nhiệm của Sở Tài chính"]
    assert find(text, "Trách nhiệm của Sở Tài chính").kind == "heading"


def test_odd_inputs() -> None:
    assert parse_blocks("") == []
    assert parse_blocks(" \n\n\t\n") == []
    (one,) = parse_blocks("Một dòng duy nhất, không có xuống dòng.")
    assert one.kind == "paragraph" and one.start == 0 and one.path == []
    (bare,) = parse_blocks("1.")
    assert bare.label == "1."


def test_ten_thousand_lines() -> None:
    lines = []
    for i in range(10_000):
        lines.append(
            [
                f"{i % 40 + 1}. Nhiệm vụ số {i} giao Sở Y tế chủ trì thực hiện.",
                f"{i % 9 + 1}.{i % 7 + 1}. Mục con",
                "- Nội dung gạch đầu dòng;",
                "a) Điểm a;",
                "1. a",
                "2. Danh sách sau:",
            ][i % 6]
        )
    text = "\n".join(lines)
    # Speed is measured by benchmarks, not asserted here; this checks the result on a large input.
    blocks = parse_blocks(text)
    assert len(blocks) == 10_000
    assert max(b.level for b in blocks) <= MAX_DEPTH
    assert [b.start for b in blocks] == sorted(b.start for b in blocks)


def test_short_form() -> None:
    long = "3.5. Sở Y tế, Thương binh và Xã hội, Sở Giáo dục và Đào tạo, Sở Văn hóa, Thể thao và Du lịch thực hiện"
    s = short_form(long)
    assert s.endswith("…") and len(s) <= 81 and long.startswith(s[:-1])
    assert short_form("2.1. Các nội dung sau đây:") == "2.1. Các nội dung sau đây"
    assert short_form("Một  dòng\nngắn") == "Một dòng ngắn"


# ---------------------------------------------------------------- the client's sample notice


@pytest.fixture(scope="module")
def sample() -> str:
    return approx_normalize(SAMPLE.read_text(encoding="utf-8"))


def test_sample_notice_known_paths(sample: str) -> None:
    b = find(sample, "- Khẩn trương hoàn thành các nội dung chuẩn bị")
    assert "Sở Y tế chủ trì phối hợp với Sở Nội vụ" in sample[b.start : b.end]
    assert len(b.path) == 3
    assert b.path[0].startswith("2. Một số nhiệm vụ trọng tâm")
    assert b.path[1].startswith("2.1. Các sở, ban ngành")
    assert b.path[2] == "2.1.2. Về công tác chuẩn bị bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân…"
    b = find(sample, "- Tiếp tục chỉ đạo thực hiện tốt công tác quản lý Nhà nước về văn hóa")
    assert b.path[0].startswith("3. Về một số nhiệm vụ") and b.path[1].startswith("3.5. Sở Y Tế")
    assert find(sample, "3.1. Giao Sở Nông nghiệp").kind == "paragraph"
    assert find(sample, "1. Đánh giá tình hình").kind == "heading"
    assert find(sample, "2.1. Các sở").intro
    assert find(sample, "4.2. Quyết định").path[0] == "4. Công tác xây dựng pháp luật"
    blocks = parse_blocks(sample)
    zones = block_zones(sample, blocks)
    assert zones[0] == "header" and zones[-1] == "footer"
    assert not any(p.startswith(("THÔNG BÁO", "Kết luận của Chủ tịch")) for b in blocks for p in b.path)


# ---------------------------------------------------------------- the dev corpus, as a property


@pytest.mark.skipif(not dev_files(), reason="dev corpus not available")
def test_dev_corpus_blocks_are_exact_and_sane() -> None:
    for path in dev_files() + law_files()[:5]:
        text = approx_normalize(path.read_text(encoding="utf-8"))
        blocks = parse_blocks(text)
        zones = block_zones(text, blocks)
        assert blocks, path.name
        assert zones.count("body") > 0, path.name
        prev_end = 0
        for b in blocks:
            piece = text[b.start : b.end]
            assert piece and piece == piece.strip(), path.name
            assert b.start >= prev_end, path.name
            prev_end = b.end
            assert b.level == len(b.path) <= MAX_DEPTH
            assert all(len(p) <= 81 for p in b.path)
        # The header is short: it never takes the body in.
        assert zones[: zones.index("body")].count("header") < 40, path.name
