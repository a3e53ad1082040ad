"""The forms of assignment real directives use, one test each (issue #9).

Every sentence here was written for its test in the form it stands for (none is copied from a
labelled document); each test asserts the agency, the role and the task span.
"""

from __future__ import annotations

from extraction import extract

from chidao.lang.agencies import is_generic
from chidao.lang.glued import deglue, split_glued
from chidao.records import Assignment


def task_of(found: list[Assignment], agency: str) -> list[Assignment]:
    return [a for a in found if a.agency == agency]


def only(found: list[Assignment], agency: str) -> Assignment:
    hits = task_of(found, agency)
    assert len(hits) == 1, (agency, [(a.agency, a.role, a.task) for a in found])
    return hits[0]


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- glued syllables


def test_glued_syllables_are_split_by_syllable_shape():
    assert split_glued("đềnghị") == ["đề", "nghị"]
    assert split_glued("Kếhoạch") == ["Kế", "hoạch"]
    assert split_glued("sựcần") == ["sự", "cần"]
    assert split_glued("dântỉnh") == ["dân", "tỉnh"]
    assert split_glued("vàĐào") == ["và", "Đào"]
    assert split_glued("thựchiện") == ["thực", "hiện"]  # not "thự chiện"
    for word in ("nghiêng", "Nguyễn", "UBND", "online", "Covid", "viii"):
        assert split_glued(word) == [word]


def test_abbreviation_or_one_letter_syllable_glued_to_the_next_word():
    assert split_glued("UBNDtỉnh") == ["UBND", "tỉnh"]
    assert split_glued("HĐNDcác") == ["HĐND", "các"]
    assert split_glued("SởY") == ["Sở", "Y"]
    for word in ("TTg", "BYT", "UBNDs", "VNPTnet", "iPhone", "HàN"):
        assert split_glued(word) == [word]
    # the number glued to a glued word: "trướcngày30/6"
    assert deglue("hoàn thành trướcngày30/6/2019").text == "hoàn thành trước ngày 30/6/2019"


def test_agencies_glued_to_the_words_around_them(canon):
    raw = (
        "III. TỔ CHỨC THỰC HIỆN\n\n"
        "1. UBNDcác huyện, thành phố phốihợp với SởY tế kiểm tra an toàn thực phẩm tại các bếp ăn tập thể, "
        "hoàn thành trướcngày30/6/2019.\n"
    )
    text, found = extract(raw, canon)
    lead = only(found, "Ủy ban nhân dân các huyện, thành phố")
    assert lead.role == "chủ trì" and lead.agency_text == "UBND các huyện, thành phố"
    assert only(found, "Sở Y tế").role == "phối hợp"
    assert lead.deadline is not None and "30/6/2019" in lead.deadline
    assert text[lead.start : lead.end] == lead.task


def test_deglue_maps_every_offset_back():
    raw = "ngày25 tháng 4 năm2007, Uỷ ban nhân dântỉnh đềnghị"
    view = deglue(raw)
    assert view.text == "ngày 25 tháng 4 năm 2007, Uỷ ban nhân dân tỉnh đề nghị"
    s = view.text.index("tỉnh")
    assert raw[view.to_original(s) : view.to_original(s + 4)] == "tỉnh"
    assert raw[view.to_original(view.text.index("nghị")) :] == "nghị"


def test_glued_letter_agencies_and_trigger(canon):
    raw = (
        "Văn phòng Chính phủ xin thông báo để Bộ Tài chính biết.\n\n"
        "Phó Thủ tướng đềnghị Bộ Giáo dục vàĐào tạo chủ trì, phối hợp với Uỷ ban nhân dântỉnh Hà Giang "
        "rà soát nhu cầu kinh phí xây dựng trường bán trú, báo cáo Thủtướng Chính phủ trong tháng 5/2012.\n"
    )
    _, found = extract(raw, canon)
    lead = only(found, "Bộ Giáo dục và Đào tạo")
    assert lead.role == "chủ trì"
    assert "rà soát nhu cầu kinh phí" in lead.task and lead.task.endswith("trong tháng 5/2012")
    assert "đềnghị" in lead.task  # the task is the text as printed
    coop = only(found, "Ủy ban nhân dân tỉnh Hà Giang")
    assert coop.role == "phối hợp" and coop.start == lead.start


# ---------------------------------------------------------------- hard-wrapped text and tables


def test_hard_wrapped_sentence_names_agencies_on_one_line_and_the_task_on_the_next(canon):
    raw = (
        "II. NHIỆM VỤ\n"
        "1. Giao Sở Nông nghiệp và Phát triển nông thôn, Sở Tài nguyên và\n"
        "Môi trường khẩn trương kiểm tra hiện trạng các hồ chứa nước xung yếu, có phương án\n"
        "bảo đảm an toàn hạ du trước mùa mưa bão năm 2019.\n"
    )
    _, found = extract(raw, canon)
    for agency in ("Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường"):
        a = only(found, agency)
        assert a.role == "giao"
        assert flat(a.task).endswith("bảo đảm an toàn hạ du trước mùa mưa bão năm 2019")
        assert "kiểm tra hiện trạng các hồ chứa" in flat(a.task)


def test_table_flattened_with_pipes(canon):
    raw = (
        "KẾ HOẠCH\n\nIII. PHÂN CÔNG NHIỆM VỤ\n\n"
        "| TT | Nội dung công việc | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Xây dựng kế hoạch tuyên truyền về an toàn giao thông | Sở Giao thông vận tải | | Quý I/2020 |\n"
        "| 2 | Kiểm tra tải trọng xe trên các tuyến quốc lộ | Công an tỉnh | Sở Giao thông vận tải | Hằng tháng |\n"
    )
    _text, found = extract(raw, canon)
    plan = [a for a in found if a.task == "Xây dựng kế hoạch tuyên truyền về an toàn giao thông"]
    assert [(a.agency, a.role, a.deadline) for a in plan] == [("Sở Giao thông vận tải", "chủ trì", "Quý I/2020")]
    check = sorted((a.agency, a.role) for a in found if a.task == "Kiểm tra tải trọng xe trên các tuyến quốc lộ")
    assert check == [("Công an tỉnh", "chủ trì"), ("Sở Giao thông vận tải", "phối hợp")]
    assert not any(a.task in ("Nội dung công việc", "Cơ quan chủ trì") for a in found)  # the header assigns nothing


# ---------------------------------------------------------------- several agencies, co-operators


def test_several_agencies_as_the_subject(canon):
    raw = (
        "Chủ tịch UBND tỉnh yêu cầu Sở Y tế, Sở Giáo dục và Đào tạo và UBND các huyện, thành phố "
        "khẩn trương triển khai các biện pháp phòng, chống dịch sốt xuất huyết trong trường học.\n"
    )
    _, found = extract(raw, canon)
    agencies = {a.agency for a in found}
    assert {"Sở Y tế", "Sở Giáo dục và Đào tạo", "Ủy ban nhân dân các huyện, thành phố"} <= agencies
    assert "Ủy ban nhân dân tỉnh" not in agencies  # the speaker hands the task on
    for a in found:
        assert a.role == "giao" and "phòng, chống dịch sốt xuất huyết" in a.task


def test_cooperators_after_phoi_hop_voi_and_cung(canon):
    raw = (
        "3. Sở Công Thương chủ trì, phối hợp với Sở Tài chính cùng Ủy ban nhân dân các huyện kiểm tra "
        "việc niêm yết giá các mặt hàng thiết yếu dịp Tết Nguyên đán.\n"
    )
    _, found = extract(raw, canon)
    lead = only(found, "Sở Công Thương")
    assert lead.role == "chủ trì" and "kiểm tra việc niêm yết giá" in lead.task
    for agency in ("Sở Tài chính", "Ủy ban nhân dân các huyện"):
        coop = only(found, agency)
        assert coop.role == "phối hợp" and (coop.start, coop.end) == (lead.start, lead.end)


def test_elliptic_list_of_ministries(canon):
    raw = (
        "Về đề nghị hỗ trợ kinh phí khắc phục hậu quả lũ: giao các Bộ: Kế hoạch và Đầu tư, Tài chính "
        "xem xét, xử lý theo thẩm quyền, báo cáo Thủ tướng Chính phủ những vấn đề vượt thẩm quyền.\n"
    )
    _, found = extract(raw, canon)
    for agency in ("Bộ Kế hoạch và Đầu tư", "Bộ Tài chính"):
        a = only(found, agency)
        assert a.role == "giao" and "xem xét, xử lý theo thẩm quyền" in a.task


# ---------------------------------------------------------------- the Government Office's letters


def test_government_office_asks_ministries_for_opinions(canon):
    raw = (
        "Văn phòng Chính phủ đề nghị Bộ Tài chính, Bộ Tư pháp có ý kiến bằng văn bản về dự thảo "
        "Nghị định, gửi Văn phòng Chính phủ trước ngày 20 tháng 10 năm 2015.\n"
    )
    _, found = extract(raw, canon)
    for agency in ("Bộ Tài chính", "Bộ Tư pháp"):
        a = only(found, agency)
        assert a.role == "giao" and "có ý kiến bằng văn bản về dự thảo" in a.task
        assert a.deadline == "trước ngày 20 tháng 10 năm 2015"
    assert not task_of(found, "Văn phòng Chính phủ")


def test_deputy_prime_minister_opinion_then_giao(canon):
    raw = (
        "Xét đề nghị của Ủy ban nhân dân tỉnh Quảng Trị tại văn bản số 1234/UBND-KT, "
        "Phó Thủ tướng Hoàng Trung Hải có ý kiến như sau:\n\n"
        "Giao Bộ Giao thông vận tải chủ trì, phối hợp với Bộ Kế hoạch và Đầu tư nghiên cứu "
        "đề xuất của tỉnh về việc nâng cấp Quốc lộ 9, báo cáo Thủ tướng Chính phủ.\n"
    )
    _, found = extract(raw, canon)
    lead = only(found, "Bộ Giao thông vận tải")
    assert lead.role == "chủ trì" and lead.task.startswith("Giao Bộ Giao thông vận tải chủ trì")
    assert only(found, "Bộ Kế hoạch và Đầu tư").role == "phối hợp"
    assert not task_of(found, "Ủy ban nhân dân tỉnh Quảng Trị")  # "Xét đề nghị của …" is the preamble


def test_dong_y_de_province_does_something(canon):
    raw = (
        "Thủ tướng Chính phủ có ý kiến như sau:\n\n"
        "Đồng ý để Ủy ban nhân dân tỉnh Lào Cai lập quy hoạch chung khu du lịch Sa Pa theo đề nghị "
        "của tỉnh, bảo đảm đúng quy định của pháp luật.\n"
    )
    _, found = extract(raw, canon)
    a = only(found, "Ủy ban nhân dân tỉnh Lào Cai")
    assert a.role == "giao" and "lập quy hoạch chung khu du lịch Sa Pa" in a.task


# ---------------------------------------------------------------- directives: opening, sections, closing


def test_directive_opening_hands_its_sections_to_the_heads_it_addresses(canon):
    raw = (
        "CHỈ THỊ\n"
        "Về việc tăng cường công tác phòng cháy, chữa cháy mùa khô\n"
        "Để chủ động phòng ngừa cháy rừng trong mùa khô năm 2010, Chủ tịch UBND tỉnh yêu cầu "
        "Giám đốc Sở Nông nghiệp và Phát triển nông thôn, Chủ tịch UBND các huyện, thành phố "
        "triển khai thực hiện tốt các nội dung sau:\n"
        "I. YÊU CẦU\n"
        "1. Tổ chức rà soát, bổ sung phương án phòng cháy, chữa cháy rừng tại từng xã.\n"
        "2. Tăng cường tuần tra, canh gác tại các khu rừng có nguy cơ cháy cao.\n"
    )
    _, found = extract(raw, canon)
    for agency in ("Sở Nông nghiệp và Phát triển nông thôn", "Ủy ban nhân dân các huyện, thành phố"):
        tasks = [flat(a.task) for a in task_of(found, agency)]
        assert any(t.startswith("Tổ chức rà soát, bổ sung phương án") for t in tasks), tasks
        assert any(t.startswith("Tăng cường tuần tra, canh gác") for t in tasks), tasks
    assert not task_of(found, "Ủy ban nhân dân tỉnh")


def test_closing_article_names_every_addressee(canon):
    raw = (
        "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Tài chính, Thủ trưởng các đơn vị có liên quan "
        "và Chủ tịch UBND các huyện, thị xã chịu trách nhiệm thi hành Quyết định này./.\n"
    )
    _, found = extract(raw, canon)
    agencies = {a.agency for a in found}
    assert {
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Sở Tài chính",
        "Các đơn vị có liên quan",
        "Ủy ban nhân dân các huyện, thị xã",
    } <= agencies
    for a in found:
        assert a.role == "giao" and a.task.endswith("chịu trách nhiệm thi hành Quyết định này")


def test_group_heading_shares_its_bullets(canon):
    raw = (
        "III. TỔ CHỨC THỰC HIỆN\n"
        "3.5. Sở Y tế, Sở Giáo dục và Đào tạo, Sở Văn hóa, Thể thao và Du lịch thực hiện các nhiệm vụ sau:\n"
        "- Tuyên truyền về phòng, chống tác hại của thuốc lá trong trường học và cơ sở y tế.\n"
        "- Phát triển sản phẩm du lịch chăm sóc sức khỏe gắn với các điểm du lịch của tỉnh.\n"
    )
    _, found = extract(raw, canon)
    group = ("Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch")
    for agency in group:
        tasks = sorted(flat(a.task) for a in task_of(found, agency))
        assert tasks == [
            "Phát triển sản phẩm du lịch chăm sóc sức khỏe gắn với các điểm du lịch của tỉnh",
            "Tuyên truyền về phòng, chống tác hại của thuốc lá trong trường học và cơ sở y tế",
        ]
    tourism = [a for a in found if "du lịch chăm sóc" in a.task]
    assert len({(a.start, a.end) for a in tourism}) == 1  # one task, shared by the three
    assert {a.agency for a in tourism} == set(group)


def test_bare_generic_words_are_never_an_agency(canon):
    assert is_generic("Sở") and is_generic("Bộ") and is_generic("cơ quan") and is_generic("các Bộ trưởng")
    assert not is_generic("Sở Y tế") and not is_generic("Các Bộ")
    raw = "1. Sở chủ trì tổng hợp kết quả thực hiện, báo cáo Ủy ban nhân dân tỉnh trước ngày 30/11/2020.\n"
    _, found = extract(raw, canon)
    assert all(not is_generic(a.agency) for a in found)


def test_report_intro_keeps_its_items_as_content(canon):
    raw = (
        "Phó Thủ tướng yêu cầu Bộ Xây dựng chủ trì, phối hợp với Bộ Tài chính báo cáo làm rõ "
        "một số nội dung sau:\n"
        "- Tổng mức đầu tư của dự án sau khi điều chỉnh quy mô.\n"
        "- Nguồn vốn bố trí cho giai đoạn 2016 - 2020.\n"
    )
    _, found = extract(raw, canon)
    lead = only(found, "Bộ Xây dựng")
    assert lead.role == "chủ trì" and flat(lead.task).endswith("báo cáo làm rõ một số nội dung sau")
    assert only(found, "Bộ Tài chính").role == "phối hợp"


def test_closing_article_addressed_to_cac_ong_ba(canon):
    raw = (
        "Điều 3. Các ông (bà): Chánh Văn phòng UBND tỉnh, Giám đốc Sở Xây dựng và Chủ tịch UBND các huyện "
        "chịu trách nhiệm thi hành quyết định này./.\n"
    )
    _, found = extract(raw, canon)
    agencies = {a.agency for a in found}
    assert {"Văn phòng Ủy ban nhân dân tỉnh", "Sở Xây dựng", "Ủy ban nhân dân các huyện"} <= agencies
    assert all(a.role == "giao" and a.task.endswith("chịu trách nhiệm thi hành quyết định này") for a in found)


def test_letter_orders_without_subject_are_for_its_recipients(canon):
    raw = (
        "CÔNG ĐIỆN\n\n"
        "Kính gửi: Bộ Công Thương\n\n"
        "Mưa lớn kéo dài đã gây ngập úng nhiều khu dân cư ở các tỉnh miền Trung.\n\n"
        "1. Chỉ đạo các đơn vị điện lực khôi phục ngay việc cấp điện cho các khu vực bị mất điện.\n\n"
        "2. Bảo đảm an toàn hồ đập thủy điện, vận hành đúng quy trình liên hồ chứa.\n"
    )
    _, found = extract(raw, canon)
    tasks = sorted(flat(a.task) for a in task_of(found, "Bộ Công Thương"))
    assert tasks == [
        "Bảo đảm an toàn hồ đập thủy điện, vận hành đúng quy trình liên hồ chứa",
        "Chỉ đạo các đơn vị điện lực khôi phục ngay việc cấp điện cho các khu vực bị mất điện",
    ]
    assert all(a.role == "giao" for a in found)


def test_a_reports_own_formula_is_no_task(canon):
    raw = (
        "Thực hiện Thông báo số 15/TB-UBND ngày 10/3/2025 của Ủy ban nhân dân tỉnh, Sở Y tế báo cáo kết quả "
        "rà soát trang thiết bị y tế tuyến huyện như sau:\n"
        "1. Đã rà soát 12 trung tâm y tế, nhu cầu bổ sung 45 thiết bị.\n"
    )
    assert extract(raw, canon)[1] == []


# ---------------------------------------------------------------- headings that name whose duties follow


_PLAN_HEAD = (
    "ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ\nSố: 27/KH-UBND\n\nKẾ HOẠCH\nPhòng, chống bệnh dại trên đàn chó năm 2016\n\n"
    "II. TỔ CHỨC THỰC HIỆN\n\n"
)


def test_heading_trach_nhiem_cua_agency_hands_its_items_down(canon):
    raw = _PLAN_HEAD + (
        "1. Trách nhiệm của Sở Nông nghiệp và Phát triển nông thôn\n\n"
        "- Chủ trì tổ chức tiêm phòng vắc xin dại cho đàn chó nuôi tại các hộ gia đình.\n\n"
        "- Hướng dẫn các xã thống kê số chó nuôi, lập sổ theo dõi.\n\n"
        "2. Nhiệm vụ của UBND các huyện, thành phố: chỉ đạo UBND các xã xử lý chó thả rông trên đường.\n"
    )
    _, found = extract(raw, canon)
    sno = task_of(found, "Sở Nông nghiệp và Phát triển nông thôn")
    assert sorted((a.role, flat(a.task)) for a in sno) == [
        ("chủ trì", "Chủ trì tổ chức tiêm phòng vắc xin dại cho đàn chó nuôi tại các hộ gia đình"),
        ("giao", "Hướng dẫn các xã thống kê số chó nuôi, lập sổ theo dõi"),
    ]
    districts = only(found, "Ủy ban nhân dân các huyện, thành phố")
    assert districts.role == "giao" and flat(districts.task) == "chỉ đạo UBND các xã xử lý chó thả rông trên đường"


def test_heading_trach_nhiem_cua_without_accents(canon):
    raw = (
        "KE HOACH\nPhong chong benh dai nam 2016\n\nII. TO CHUC THUC HIEN\n\n"
        "1. Trach nhiem cua So Tai chinh\n\n- Bo tri kinh phi mua vac xin theo du toan duoc duyet.\n"
    )
    _, found = extract(raw, canon)
    a = only(found, "Sở Tài chính")
    assert a.role == "giao" and flat(a.task) == "Bo tri kinh phi mua vac xin theo du toan duoc duyet"


def test_a_duty_heading_of_a_review_names_no_one(canon):
    # "Nhiệm vụ của năm 2016 …" names no agency: nothing is handed down
    raw = _PLAN_HEAD + "1. Nhiệm vụ của năm 2016\n\n- Tiêm phòng cho ít nhất 80% tổng đàn chó nuôi.\n"
    assert extract(raw, canon)[1] == []


# ---------------------------------------------------------------- letters: "Quý Sở"


def test_quy_so_in_a_letter_is_its_recipient(canon):
    raw = (
        "SỞ TÀI CHÍNH\nSố: 88/STC-HCSN\nV/v bổ sung kinh phí mua sắm\n\n"
        "Kính gửi: Sở Văn hóa, Thể thao và Du lịch\n\n"
        "Sở Tài chính nhận được văn bản số 31/SVHTTDL-KHTC của Sở Văn hóa, Thể thao và Du lịch về việc bổ sung kinh "
        "phí mua sắm trang phục biểu diễn. Sau khi xem xét, Sở Tài chính đề nghị Quý Sở lập lại dự toán chi tiết, "
        "gửi Sở Tài chính trước ngày 15/9/2017 để tổng hợp.\n"
    )
    _, found = extract(raw, canon)
    assert [a.agency for a in found] == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert found[0].role == "giao" and "lập lại dự toán chi tiết" in found[0].task
    assert found[0].deadline == "trước ngày 15/9/2017"


def test_quy_co_quan_without_recipients_names_no_one(canon):
    raw = (
        "Để có cơ sở tổng hợp báo cáo Ủy ban nhân dân tỉnh, Sở Nội vụ đề nghị Quý cơ quan cung cấp danh sách "
        "cán bộ đi học tập trung năm 2018 theo mẫu gửi kèm.\n"
    )
    found = extract(raw, canon)[1]
    assert all(not a.agency.lower().startswith("quý") for a in found)


# ---------------------------------------------------------------- the competence a subject acts within


def test_subject_with_competence_phrase_after_a_long_opener(canon):
    raw = (
        "4. Để nâng cao chất lượng quản lý nhà nước về khoáng sản, tăng cường kiểm tra hoạt động khai thác, "
        "các sở, ngành, UBND các huyện theo chức năng, nhiệm vụ, thẩm quyền quy định triển khai những nội dung "
        "sau:\n\na) Rà soát giấy phép khai thác khoáng sản đã cấp trên địa bàn.\n"
    )
    _, found = extract(raw, canon)
    for agency in ("Các sở, ngành", "Ủy ban nhân dân các huyện"):
        tasks = [flat(a.task) for a in task_of(found, agency)]
        assert "Rà soát giấy phép khai thác khoáng sản đã cấp trên địa bàn" in tasks, (agency, tasks)


def test_competence_phrase_in_pham_vi_before_phoi_hop(canon):
    raw = (
        "3. Sở Tư pháp, trong phạm vi chức năng, nhiệm vụ, quyền hạn của mình, chủ động phối hợp với Sở Nội vụ "
        "rà soát văn bản quy phạm pháp luật về tổ chức bộ máy.\n"
    )
    _, found = extract(raw, canon)
    lead = only(found, "Sở Tư pháp")
    assert lead.role == "chủ trì" and "rà soát văn bản quy phạm pháp luật" in lead.task
    assert only(found, "Sở Nội vụ").role == "phối hợp"


# ---------------------------------------------------------------- lines of a PDF text layer


def test_issuing_authority_line_hands_nothing_down(canon):
    raw = (
        "ỦY BAN NHÂN DÂN TỈNH KON TUM\nQUYẾT ĐỊNH\n"
        "Về việc ban hành Quy chế phối hợp quản lý nhà nước đối với cụm công nghiệp\n"
        "trên địa bàn tỉnh Kon Tum giai đoạn 2012 - 2015.\n"
        "_______________\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n"
        "Căn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân ngày 26 tháng 11 năm 2003;\n"
        "Xét đề nghị của Giám đốc Sở Công Thương,\n"
        "QUYẾT ĐỊNH:\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp quản lý cụm công nghiệp.\n"
        "Điều 2. Giám đốc Sở Công Thương chịu trách nhiệm thi hành Quyết định này./.\n"
    )
    _, found = extract(raw, canon)
    assert not task_of(found, "Ủy ban nhân dân tỉnh")
    assert all(not a.task.startswith(("Căn cứ", "Xét")) for a in found)
    assert only(found, "Sở Công Thương").task.endswith("chịu trách nhiệm thi hành Quyết định này")


def test_agency_heading_line_then_its_task_on_the_next_line(canon):
    raw = (
        "KẾ HOẠCH\nBảo đảm an ninh trật tự dịp Tết Nguyên đán Bính Thân năm 2016 trên địa bàn toàn tỉnh và các "
        "huyện biên giới\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Công an tỉnh\n"
        "Chỉ đạo lực lượng cảnh sát giao thông tăng cường tuần tra trên các tuyến quốc lộ.\n"
        "2. Bộ Chỉ huy Quân sự tỉnh\n"
        "Phối hợp với Công an tỉnh bảo vệ an toàn các mục tiêu trọng điểm.\n"
    )
    _, found = extract(raw, canon)
    police = [a for a in task_of(found, "Công an tỉnh") if a.role != "phối hợp"]
    assert [flat(a.task) for a in police] == [
        "Chỉ đạo lực lượng cảnh sát giao thông tăng cường tuần tra trên các tuyến quốc lộ"
    ]
    army = only(found, "Bộ Chỉ huy Quân sự tỉnh")
    assert flat(army.task) == "Phối hợp với Công an tỉnh bảo vệ an toàn các mục tiêu trọng điểm"
    assert not any("Chỉ đạo" in a.agency for a in found)


# ---------------------------------------------------------------- "giao trách nhiệm cho", approvals that hand on


def test_giao_trach_nhiem_cho_and_giao_nhiem_vu_cho(canon):
    raw = (
        "1. UBND tỉnh giao trách nhiệm cho Sở Giao thông vận tải kiểm tra, gia cố các cầu yếu trên đường tỉnh.\n\n"
        "2. Chủ tịch UBND tỉnh giao nhiệm vụ cho Sở Nội vụ xây dựng đề án vị trí việc làm trong quý IV/2019.\n\n"
        "3. Uy ban nhan dan tinh giao trach nhiem cho So Tai chinh bo tri kinh phi sua chua truong hoc.\n"
    )
    _, found = extract(raw, canon)
    assert sorted(a.agency for a in found) == ["Sở Giao thông vận tải", "Sở Nội vụ", "Sở Tài chính"]
    assert all(a.role == "giao" for a in found)
    assert "kiểm tra, gia cố các cầu yếu" in only(found, "Sở Giao thông vận tải").task
    assert only(found, "Sở Nội vụ").deadline == "trong quý IV/2019"
    assert "bo tri kinh phi sua chua truong hoc" in only(found, "Sở Tài chính").task


def test_speaker_approves_then_hands_on_with_giao(canon):
    raw = (
        "2. Về đề xuất mở rộng bãi đỗ xe khu du lịch, Chủ tịch UBND tỉnh thống nhất chủ trương, giao Sở Xây dựng "
        "hướng dẫn chủ đầu tư lập hồ sơ điều chỉnh quy hoạch.\n"
    )
    _, found = extract(raw, canon)
    assert [a.agency for a in found] == ["Sở Xây dựng"]  # the speaker who approves is no assignee
    assert found[0].role == "giao" and "hướng dẫn chủ đầu tư lập hồ sơ" in found[0].task


def test_subject_comma_competence_comma_verb(canon):
    raw = (
        "5. Chủ đầu tư, trong phạm vi, trách nhiệm của mình, nỗ lực đẩy nhanh tiến độ, hoàn thành gói thầu "
        "trước ngày 31/12/2021.\n\n"
        "6. Sở Y tế, theo chức năng, nhiệm vụ được giao, cân đối nguồn vắc xin cho các huyện miền núi.\n"
    )
    _, found = extract(raw, canon)
    builder = only(found, "Chủ đầu tư")
    assert builder.role == "giao" and "nỗ lực đẩy nhanh tiến độ" in builder.task
    assert builder.deadline == "trước ngày 31/12/2021"
    assert "cân đối nguồn vắc xin" in only(found, "Sở Y tế").task


# ---------------------------------------------------------------- an opening that promises tasks, then named items


def test_opening_promising_tasks_hands_the_unnamed_items_before_a_named_one(canon):
    raw = (
        "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH\nSố: 09/2006/CT-UBND\n\nCHỈ THỊ\nVề tăng cường quản lý chợ nông thôn\n\n"
        "Để chấn chỉnh công tác quản lý chợ trên địa bàn tỉnh, UBND tỉnh yêu cầu các Sở, Ban, Ngành, UBND các "
        "huyện, thành phố thực hiện tốt một số việc sau đây:\n\n"
        "1. Rà soát mạng lưới chợ nông thôn, đề xuất các chợ cần cải tạo, nâng cấp.\n\n"
        "2. Tăng cường kiểm tra vệ sinh môi trường tại các chợ.\n\n"
        "3. Giao Sở Công Thương chủ trì hướng dẫn, đôn đốc việc thực hiện Chỉ thị này.\n"
    )
    _, found = extract(raw, canon)
    for agency in ("Các Sở, Ban, Ngành", "Ủy ban nhân dân các huyện, thành phố"):
        tasks = sorted(flat(a.task) for a in task_of(found, agency))
        assert tasks == [
            "Rà soát mạng lưới chợ nông thôn, đề xuất các chợ cần cải tạo, nâng cấp",
            "Tăng cường kiểm tra vệ sinh môi trường tại các chợ",
        ], (agency, tasks)
    own = only(found, "Sở Công Thương")
    assert own.role == "chủ trì" and "đôn đốc việc thực hiện Chỉ thị này" in own.task


def test_opening_without_a_promise_keeps_named_items_only(canon):
    # no "các việc sau": the numbered paragraphs are not handed to the agencies the opening names
    raw = (
        "CHỈ THỊ\nVề tăng cường quản lý chợ nông thôn\n\n"
        "Thời gian qua, UBND tỉnh đã yêu cầu các Sở, Ban, Ngành quan tâm quản lý chợ, song kết quả còn hạn chế:\n\n"
        "1. Nhiều chợ xuống cấp, mất vệ sinh.\n\n"
        "2. Giao Sở Công Thương chủ trì hướng dẫn, đôn đốc việc thực hiện Chỉ thị này.\n"
    )
    _, found = extract(raw, canon)
    assert [a.agency for a in found] == ["Sở Công Thương"]


# ---------------------------------------------------------------- a task table without a number column


def test_table_without_a_number_column(canon):
    raw = (
        "KẾ HOẠCH\n\nIII. PHÂN CÔNG NHIỆM VỤ\n\n"
        "| Nhiệm vụ | Chủ trì | Phối hợp | Thời gian |\n"
        "|---|---|---|---|\n"
        "| Lập danh mục di tích cần tu bổ khẩn cấp | Sở Văn hóa, Thể thao và Du lịch | UBND các huyện | Quý II/2018 |\n"
        "| Bố trí vốn tu bổ di tích từ ngân sách tỉnh | Sở Tài chính | | Hằng năm |\n\n"
        "Trên đây là Kế hoạch tu bổ di tích năm 2018 của tỉnh.\n"
    )
    _text, found = extract(raw, canon)
    listing = sorted((a.agency, a.role, a.deadline) for a in found if a.task.startswith("Lập danh mục di tích"))
    assert listing == [
        ("Sở Văn hóa, Thể thao và Du lịch", "chủ trì", "Quý II/2018"),
        ("Ủy ban nhân dân các huyện", "phối hợp", "Quý II/2018"),
    ]
    funds = [(a.agency, a.role) for a in found if a.task.startswith("Bố trí vốn tu bổ")]
    assert funds == [("Sở Tài chính", "chủ trì")]
    assert not any(a.task.startswith(("Nhiệm vụ", "Trên đây")) for a in found)


def test_table_without_a_number_column_unaccented(canon):
    raw = (
        "KE HOACH\n\n| Noi dung | Co quan chu tri | Thoi gian |\n|---|---|---|\n"
        "| Kiem tra an toan ve sinh thuc pham | So Y te | Thang 4/2018 |\n"
    )
    _text, found = extract(raw, canon)
    assert [(a.agency, a.role, a.deadline) for a in found] == [("Sở Y tế", "chủ trì", "Thang 4/2018")]
