"""Who was assigned what: the assignment grammar over blocks of a directive."""

from __future__ import annotations

import pytest

from chidao.lang.agencies import AgencyCanon
from chidao.lang.text import nfc
from chidao.records import Assignment, Block
from ingest.assignments import extract_assignments
from ingest.structure import parse_blocks


def extract(text: str, canon: AgencyCanon, **kw: bool) -> tuple[str, list[Assignment]]:
    text = nfc(text)
    found = extract_assignments(text, parse_blocks(text), canon, **kw)
    for a in found:  # offsets always index the text
        assert text[a.start : a.end] == a.task
    return text, found


def by_agency(found: list[Assignment], agency: str) -> list[Assignment]:
    return [a for a in found if a.agency == agency]


def one(found: list[Assignment], agency: str, words: str) -> Assignment:
    hits = [a for a in by_agency(found, agency) if words in a.task]
    assert len(hits) == 1, (agency, words, [(a.agency, a.task) for a in found])
    return hits[0]


NOTICE = """ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN

THÔNG BÁO

Kết luận của Chủ tịch UBND tỉnh tại phiên họp thường kỳ tháng 3

I. ĐÁNH GIÁ TÌNH HÌNH

Sở Y tế đã tổ chức tốt công tác tiêm chủng mở rộng trong quý I.

Sở Nội vụ đã hoàn thành việc sắp xếp tổ chức bộ máy các cơ quan chuyên môn.

II. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI

1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng, Sở Nông nghiệp và Môi trường rà soát nguồn vốn \
đầu tư công còn dư, báo cáo UBND tỉnh trước ngày 15/12/2016.

2. Sở Y tế chủ trì phối hợp với Sở Nội vụ xây dựng phương án phòng, chống dịch bệnh mùa đông, hoàn thành \
trong quý III/2025.

3. Sở Nội vụ, Sở Tài chính có trách nhiệm bảo đảm kinh phí tổ chức hội nghị tổng kết trong tháng 6/2021.

4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh vận động Nhân dân tham gia giữ gìn vệ sinh môi trường.

5. Yêu cầu Công an tỉnh tăng cường tuần tra, kiểm soát trên các tuyến quốc lộ qua địa bàn.

6. Sở Tư pháp: Thẩm định dự thảo quy chế phối hợp liên ngành trong quản lý cụm công nghiệp.

7. Sở Y tế, Sở Giáo dục và Đào tạo và các cơ quan, đơn vị liên quan tập trung thực hiện một số nhiệm vụ sau đây:

- Triển khai chương trình sức khỏe học đường tại các trường phổ thông.

- Kiểm tra an toàn thực phẩm tại các bếp ăn tập thể.

8. Bộ Công an:

a) Chỉ đạo lực lượng cảnh sát giao thông bảo đảm trật tự an toàn giao thông dịp Tết.

b) Hướng dẫn địa phương cấp căn cước cho người dân vùng sâu, vùng xa.

9. Các Bộ: Công an, Quốc phòng chủ động xây dựng phương án hỗ trợ địa phương ứng phó thiên tai.

10. Bộ, ngành, địa phương theo chức năng, nhiệm vụ được giao khẩn trương rà soát thủ tục hành chính.

11. Bộ Tài chính tổng hợp ý kiến của các địa phương, báo cáo Thủ tướng Chính phủ trước ngày 20/11/2025.

Nơi nhận:
- Như trên;
- Sở Y tế;
- Lưu: VT.
"""


@pytest.fixture(scope="module")
def notice(canon: AgencyCanon) -> tuple[str, list[Assignment]]:
    return extract(NOTICE, canon)


def test_giao_x_chu_tri_phoi_hop_voi_y_z(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    chair = one(found, "Sở Tài chính", "rà soát nguồn vốn")
    assert chair.role == "chủ trì"
    assert chair.deadline == "trước ngày 15/12/2016"
    for helper in ("Sở Xây dựng", "Sở Nông nghiệp và Môi trường"):
        a = one(found, helper, "rà soát nguồn vốn")
        assert a.role == "phối hợp"
        assert (a.start, a.end, a.task) == (chair.start, chair.end, chair.task)


def test_x_chu_tri_phoi_hop_voi_y_without_comma(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    chair = one(found, "Sở Y tế", "phương án phòng, chống dịch bệnh")
    assert chair.role == "chủ trì"
    assert chair.deadline == "hoàn thành trong quý III/2025"
    assert one(found, "Sở Nội vụ", "phương án phòng, chống dịch bệnh").role == "phối hợp"
    assert not chair.task.startswith("2.")


def test_x_y_co_trach_nhiem(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    for agency in ("Sở Nội vụ", "Sở Tài chính"):
        a = one(found, agency, "kinh phí tổ chức hội nghị")
        assert a.role == "giao"
        assert a.deadline == "trong tháng 6/2021"


def test_de_nghi_and_yeu_cau(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    assert one(found, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "vận động Nhân dân").role == "giao"
    assert one(found, "Công an tỉnh", "tuần tra, kiểm soát").role == "giao"


def test_x_colon_task_loses_its_prefix(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    a = one(found, "Sở Tư pháp", "Thẩm định dự thảo")
    assert a.task == "Thẩm định dự thảo quy chế phối hợp liên ngành trong quản lý cụm công nghiệp"


def test_heading_naming_agencies_hands_them_its_items(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    for agency in ("Sở Y tế", "Sở Giáo dục và Đào tạo"):
        one(found, agency, "sức khỏe học đường")
        one(found, agency, "an toàn thực phẩm")
    # the introducing clause itself is no task, and "các cơ quan, đơn vị liên quan" names nobody
    assert not [a for a in found if "một số nhiệm vụ sau đây" in a.task]
    assert not [a for a in found if "liên quan" in a.agency]


def test_numbered_section_with_lettered_items(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    a = one(found, "Bộ Công an", "cảnh sát giao thông")
    b = one(found, "Bộ Công an", "cấp căn cước")
    assert a.task.startswith("Chỉ đạo lực lượng")  # no "a)" label
    assert b.task.startswith("Hướng dẫn địa phương")
    assert "8. Bộ Công an" in a.section
    assert "II. NHIỆM VỤ TRỌNG TÂM" in a.section


def test_list_of_ministries(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    one(found, "Bộ Công an", "ứng phó thiên tai")
    one(found, "Bộ Quốc phòng", "ứng phó thiên tai")


def test_ministries_sectors_localities(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    hits = [a for a in found if "thủ tục hành chính" in a.task]
    assert [a.agency for a in hits] == ["Bộ, ngành, địa phương"]


def test_deadline_of_a_report(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    a = one(found, "Bộ Tài chính", "tổng hợp ý kiến")
    assert a.deadline == "trước ngày 20/11/2025"


def test_reviews_and_recipients_assign_nothing(notice: tuple[str, list[Assignment]]) -> None:
    _, found = notice
    assert not [a for a in found if "tiêm chủng" in a.task or "sắp xếp tổ chức bộ máy" in a.task]
    assert not [a for a in found if a.task.strip(" ;-") in ("Sở Y tế", "Như trên")]
    assert len(by_agency(found, "Sở Y tế")) == 3


def test_subject_can_be_cut_from_the_task(canon: AgencyCanon) -> None:
    _, found = extract(NOTICE, canon, subject_in_task=False)
    a = one(found, "Sở Tài chính", "rà soát nguồn vốn")
    assert a.task.startswith("chủ trì, phối hợp với Sở Xây dựng")
    _, kept = extract(NOTICE, canon)
    assert one(kept, "Sở Tài chính", "rà soát nguồn vốn").task.startswith("Giao Sở Tài chính chủ trì")


DECISION = """ỦY BAN NHÂN DÂN TỈNH HÀ GIANG

QUYẾT ĐỊNH

Về việc ban hành Kế hoạch cải cách hành chính năm 2026

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;

Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV ngày 02 tháng 01 năm 2026.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2026.

Điều 2. Sở Tài chính chỉ đạo Kho bạc Nhà nước khu vực IX thực hiện các nội dung sau:

1. Bố trí kinh phí thực hiện các nhiệm vụ cải cách hành chính của tỉnh.

2. Thanh toán kịp thời các khoản chi theo tiến độ thực hiện.

Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các Sở: Nội vụ, Tư pháp; Chủ tịch UBND các xã, phường chịu \
trách nhiệm thi hành Quyết định này.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.
"""


def test_decision_articles(canon: AgencyCanon) -> None:
    _, found = extract(DECISION, canon)
    # the preamble's "Theo đề nghị của Giám đốc Sở Nội vụ" assigns nothing
    assert not [a for a in found if "Tờ trình" in a.task]
    # "X chỉ đạo Y thực hiện các nội dung sau:" hands the items to both
    for agency in ("Sở Tài chính", "Kho bạc Nhà nước khu vực IX"):
        one(found, agency, "Bố trí kinh phí")
        one(found, agency, "Thanh toán kịp thời")
    # the execution clause: its short predicate is shown with the agencies
    execute = [a for a in found if "thi hành Quyết định này" in a.task]
    assert {a.agency for a in execute} == {
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Sở Nội vụ",
        "Sở Tư pháp",
        "Ủy ban nhân dân các xã, phường",
    }
    assert {a.agency_text for a in execute} >= {"Chánh Văn phòng UBND tỉnh", "Chủ tịch UBND các xã, phường"}


PLAN = """ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG

KẾ HOẠCH

Triển khai công tác văn thư, lưu trữ năm 2026

I. MỤC ĐÍCH, YÊU CẦU

Các sở, ban, ngành nâng cao nhận thức về công tác lưu trữ.

II. NHIỆM VỤ

1. Tập huấn nghiệp vụ văn thư, lưu trữ cho công chức cấp xã

- Cơ quan chủ trì: Sở Nội vụ.

- Cơ quan phối hợp: Sở Tài chính, Ủy ban nhân dân các xã, phường.

- Thời gian thực hiện: Quý II/2026.

2. Số hóa tài liệu lưu trữ lịch sử của tỉnh (Giao Sở Nội vụ chủ trì, phối hợp với Sở Khoa học và Công nghệ \
tham mưu).

III. TỔ CHỨC THỰC HIỆN

Trên cơ sở kết quả kiểm tra, Sở Nội vụ tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 25/12/2026.

Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các xã, phường nghiêm túc triển khai \
thực hiện Kế hoạch này./.
"""


def test_plan_fields_parentheses_and_openers(canon: AgencyCanon) -> None:
    _, found = extract(PLAN, canon)
    chair = one(found, "Sở Nội vụ", "Tập huấn nghiệp vụ")
    assert chair.role == "chủ trì"
    assert chair.deadline == "Quý II/2026"
    assert one(found, "Sở Tài chính", "Tập huấn nghiệp vụ").role == "phối hợp"
    assert one(found, "Ủy ban nhân dân các xã, phường", "Tập huấn nghiệp vụ").role == "phối hợp"
    # "(Giao Công an tỉnh chủ trì, phối hợp với …)" at the end of an item
    assert one(found, "Sở Nội vụ", "Số hóa tài liệu").role == "chủ trì"
    assert one(found, "Sở Khoa học và Công nghệ", "Số hóa tài liệu").role == "phối hợp"
    # a subject after an opening phrase
    report = one(found, "Sở Nội vụ", "tổng hợp, báo cáo")
    assert report.deadline == "trước ngày 25/12/2026"
    # the issuer hands the task on: the agencies after "yêu cầu" get it, not the Chairman's UBND tỉnh
    closing = [a for a in found if "nghiêm túc triển khai" in a.task]
    assert {a.agency for a in closing} == {"Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường"}
    # "Mục đích, yêu cầu" states aims, not tasks
    assert not [a for a in found if "nâng cao nhận thức" in a.task]


def test_hand_built_blocks(canon: AgencyCanon) -> None:
    text = nfc(
        "1. Sở Xây dựng:\n"
        "- Rà soát quy hoạch chung đô thị trên địa bàn.\n"
        "- Hướng dẫn cấp giấy phép xây dựng nhà ở riêng lẻ.\n"
        "2. Sở Văn hóa, Thể thao và Du lịch đã tổ chức thành công lễ hội.\n"
    )
    lines = text.splitlines(keepends=True)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines))]
    blocks = [
        Block(kind="heading", start=starts[0], end=starts[0] + len(lines[0]) - 1, level=1, label="1.",
              path=["1. Sở Xây dựng"], intro=True),
        Block(kind="item", start=starts[1], end=starts[1] + len(lines[1]) - 1, level=1, label="-",
              path=["1. Sở Xây dựng"]),
        Block(kind="item", start=starts[2], end=starts[2] + len(lines[2]) - 1, level=1, label="-",
              path=["1. Sở Xây dựng"]),
        Block(kind="paragraph", start=starts[3], end=starts[3] + len(lines[3]) - 1, level=1, label="2.",
              path=["2. Sở Văn hóa, Thể thao và Du lịch đã tổ chức thành công lễ hội."]),
    ]  # fmt: skip
    found = extract_assignments(text, blocks, canon)
    assert [(a.agency, a.task) for a in found] == [
        ("Sở Xây dựng", "Rà soát quy hoạch chung đô thị trên địa bàn"),
        ("Sở Xây dựng", "Hướng dẫn cấp giấy phép xây dựng nhà ở riêng lẻ"),
    ]
    assert all(a.section == "1. Sở Xây dựng" for a in found)


def test_empty_input(canon: AgencyCanon) -> None:
    assert extract_assignments("", [], canon) == []
    assert extract("Văn bản không giao việc cho ai.", canon)[1] == []


def test_lines_the_normaliser_left_broken(canon: AgencyCanon) -> None:
    text = (
        "NGHỊ QUYẾT\n\n"
        "Điều 4. Bộ trưởng các Bộ:\n"
        "Nội vụ, Tư pháp và Thủ trưởng các cơ quan liên quan chịu trách nhiệm thi hành Nghị quyết này.\n\n"
        "Điều 5. Ủy ban nhân dân thành phố Hà\n"
        "Nội khẩn trương bố trí quỹ đất xây dựng nhà ở xã hội cho công nhân.\n"
    )
    _, found = extract(text, canon)
    # a closing article names every addressee, the heads of "các cơ quan liên quan" too
    assert {a.agency for a in found if "thi hành" in a.task} == {"Bộ Nội vụ", "Bộ Tư pháp", "Các cơ quan liên quan"}
    hanoi = one(found, "Ủy ban nhân dân thành phố Hà Nội", "quỹ đất")
    assert hanoi.agency_text.split() == ["Ủy", "ban", "nhân", "dân", "thành", "phố", "Hà", "Nội"]


def test_the_province_of_a_notice(canon: AgencyCanon) -> None:
    text = (
        "THÔNG BÁO\n\n"
        "Kết luận của Phó Thủ tướng tại buổi làm việc với lãnh đạo tỉnh Kon Tum\n\n"
        "Ngày 10 tháng 10, Phó Thủ tướng làm việc với lãnh đạo tỉnh Kon Tum về tình hình kinh tế.\n\n"
        "I. KIẾN NGHỊ CỦA TỈNH\n\n"
        "1. Về đầu tư tuyến đường tránh: Tỉnh chủ động bố trí vốn ngân sách địa phương để thực hiện.\n\n"
        "2. Giao Bộ Xây dựng hướng dẫn tỉnh Kon Tum hoàn thiện hồ sơ dự án.\n"
    )
    _, found = extract(text, canon)
    a = one(found, "Ủy ban nhân dân tỉnh Kon Tum", "bố trí vốn")
    assert a.agency_text == "Tỉnh"
    assert a.task.startswith("Về đầu tư tuyến đường tránh")  # the topic stays with its task
    one(found, "Bộ Xây dựng", "hoàn thiện hồ sơ")
