"""More grammatical forms of Vietnamese administrative writing that assign tasks (issue #9, second round).

Every sentence here was written for its test in the form it stands for (none is copied from a
labelled document); each test asserts the agency, the role and the task span, with accents and,
where the form allows, without accents or hard-wrapped as PDF text layers leave it.
"""

from __future__ import annotations

from extraction import extract

from chidao.lang.agencies import AgencyCanon
from chidao.records import Assignment
from ingest.normalize import normalize_text
from ingest.structure import parse_blocks


def flat(text: str) -> str:
    return " ".join(text.split())


def rows(found: list[Assignment]) -> set[tuple[str, str]]:
    return {(a.agency, a.role) for a in found}


def only(found: list[Assignment], agency: str) -> Assignment:
    hits = [a for a in found if a.agency == agency]
    assert len(hits) == 1, (agency, [(a.agency, a.role, a.task) for a in found])
    return hits[0]


# ---------------------------------------------------------------- a letter's plural addresses its recipients


LETTER = (
    "Kính gửi:\n"
    "- Các Bộ: Y tế, Tài chính;\n"
    "- Ủy ban nhân dân tỉnh Hà Giang.\n\n"
    "Văn phòng Chính phủ nhận được văn bản của Hội Nông dân về giá phân bón vụ đông xuân.\n\n"
    "Theo quy định, đề nghị các Bộ, cơ quan gửi ý kiến bằng văn bản về Văn phòng Chính phủ trước ngày "
    "20 tháng 11 năm 2024 để tổng hợp.\n"
)
# the same letter as a PDF text layer leaves it: lines cut at the page width
LETTER_WRAPPED = (
    "Kính gửi:\n"
    "- Bộ Y tế;\n"
    "- Bộ Tài chính.\n\n"
    "Văn phòng Chính phủ nhận được văn bản của Hội Nông dân về giá phân bón vụ\n"
    "đông xuân. Theo quy định, đề nghị các Bộ, cơ quan gửi ý kiến bằng\n"
    "văn bản về Văn phòng Chính phủ trước ngày 20/11/2024 để tổng hợp.\n"
)


def test_plural_addressee_of_a_letter_is_its_recipients(canon):
    _, found = extract(LETTER, canon)
    assert rows(found) == {("Bộ Y tế", "giao"), ("Bộ Tài chính", "giao"), ("Ủy ban nhân dân tỉnh Hà Giang", "giao")}
    a = only(found, "Bộ Tài chính")
    assert "gửi ý kiến bằng văn bản về Văn phòng Chính phủ trước ngày 20 tháng 11 năm 2024" in flat(a.task)
    assert a.deadline == "trước ngày 20 tháng 11 năm 2024"


def test_plural_addressee_of_a_hard_wrapped_letter(canon):
    _, found = extract(LETTER_WRAPPED, canon)
    assert rows(found) == {("Bộ Y tế", "giao"), ("Bộ Tài chính", "giao")}
    assert all(
        flat(a.task).endswith("gửi ý kiến bằng văn bản về Văn phòng Chính phủ trước ngày 20/11/2024 để tổng hợp")
        for a in found
    )


def test_recipient_line_read_whole_when_a_word_looks_like_a_verb(canon):
    raw = (
        "Kính gửi: | - Các Chi cục quản lý thị trường các tỉnh |\n"
        "Bộ Công Thương yêu cầu các cơ quan, đơn vị kiểm tra ngay các cửa hàng kinh doanh phân bón trên địa bàn.\n"
    )
    _, found = extract(raw, canon)
    a = only(found, "Các Chi cục quản lý thị trường các tỉnh")
    assert a.role == "giao"
    assert flat(a.task).endswith("kiểm tra ngay các cửa hàng kinh doanh phân bón trên địa bàn")


def test_named_plurals_are_not_the_recipients(canon):
    # "các cơ quan liên quan" names others than the letter's recipients
    raw = LETTER.replace("đề nghị các Bộ, cơ quan gửi", "đề nghị các cơ quan liên quan gửi")
    _, found = extract(raw, canon)
    assert "Bộ Y tế" not in {a.agency for a in found}


def test_closing_exhortation_to_carry_out_the_above_is_no_task(canon):
    raw = (
        "1. Sở Y tế chủ trì kiểm tra an toàn thực phẩm tại các bếp ăn tập thể.\n"
        "Đề nghị các cơ quan, đơn vị khẩn trương, nghiêm túc triển khai thực hiện các nội dung nêu trên.\n"
    )
    _, found = extract(raw, canon)
    assert rows(found) == {("Sở Y tế", "chủ trì")}
    raw2 = raw.replace("Đề nghị các cơ quan, đơn vị khẩn trương, nghiêm túc", "Yêu cầu các đơn vị\nkịp thời")
    assert rows(extract(raw2, canon)[1]) == {("Sở Y tế", "chủ trì")}  # hard-wrapped


# ---------------------------------------------------------------- "X phối hợp với Y, Z <làm gì>"


def test_subject_that_cooperates_with_named_agencies_leads_them(canon):
    raw = (
        "Sở Giao thông vận tải phối hợp với Công an tỉnh, Sở Xây dựng kiểm tra tải trọng xe trên các tuyến "
        "đường tỉnh trong tháng 6/2025.\n"
    )
    wrapped = raw.replace("Công an tỉnh, ", "Công an tỉnh,\n")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        assert rows(found) == {
            ("Sở Giao thông vận tải", "chủ trì"),
            ("Công an tỉnh", "phối hợp"),
            ("Sở Xây dựng", "phối hợp"),
        }
        assert all(
            flat(a.task).endswith("kiểm tra tải trọng xe trên các tuyến đường tỉnh trong tháng 6/2025") for a in found
        )
        assert {a.start for a in found} == {0}


def test_an_item_that_cooperates_names_no_new_assignee(canon):
    # under an agency's heading, "Phối hợp với Y …" is that agency's part, not a task of Y
    raw = "2. Sở Y tế:\n- Phối hợp với Sở Tài chính bố trí kinh phí mua sắm vắc xin cho trẻ em dưới 5 tuổi.\n"
    _, found = extract(raw, canon)
    assert rows(found) == {("Sở Y tế", "phối hợp")}
    assert flat(found[0].task) == "Phối hợp với Sở Tài chính bố trí kinh phí mua sắm vắc xin cho trẻ em dưới 5 tuổi"


# ---------------------------------------------------------------- addressees written in lower case or as a place


def test_lower_case_head_after_de_nghi(canon):
    raw = (
        "Bộ Giáo dục và Đào tạo đề nghị sở GDĐT các tỉnh, thành phố trực thuộc Trung ương báo cáo số giáo viên "
        "mầm non còn thiếu trước ngày 30/6/2024.\n"
    )
    wrapped = raw.replace("trực thuộc Trung ương báo cáo", "trực thuộc Trung ương\nbáo cáo")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        a = only(found, "Sở Giáo dục và Đào tạo các tỉnh, thành phố trực thuộc Trung ương")
        assert a.role == "giao" and a.agency_text == "Sở GDĐT các tỉnh, thành phố trực thuộc Trung ương"
        assert flat(a.task).endswith("báo cáo số giáo viên mầm non còn thiếu trước ngày 30/6/2024")
        assert a.deadline == "trước ngày 30/6/2024"


def test_a_place_after_dong_y_is_its_peoples_committee(canon):
    raw = (
        "Xét đề nghị của Ủy ban nhân dân tỉnh Quảng Trị tại văn bản số 12/UBND-KT, Thủ tướng Chính phủ có ý kiến "
        'như sau:\n\nĐồng ý tỉnh Quảng Trị lập Đề án "Phát triển du lịch biển đảo Cồn Cỏ".\n'
    )
    wrapped = raw.replace("Đồng ý tỉnh Quảng Trị lập Đề án", "Đồng ý tỉnh Quảng Trị lập\nĐề án")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        a = only(found, "Ủy ban nhân dân tỉnh Quảng Trị")
        assert a.role == "giao" and a.agency_text == "tỉnh Quảng Trị"
        assert flat(a.task) == 'Đồng ý tỉnh Quảng Trị lập Đề án "Phát triển du lịch biển đảo Cồn Cỏ'


def test_thong_bao_cho_is_a_task_of_the_addressee_and_alternatives_are_both_agencies(canon):
    raw = (
        "Bộ Công Thương đề nghị sở Công Thương (hoặc Sở Công Thương và Du lịch) thông báo cho các doanh nghiệp "
        "xuất khẩu trên địa bàn gửi hồ sơ về Bộ trước ngày 15/4/2024.\n"
    )
    _, found = extract(raw, canon)
    assert rows(found) == {("Sở Công Thương", "giao"), ("Sở Công Thương và Du lịch", "giao")}
    assert all("thông báo cho các doanh nghiệp xuất khẩu trên địa bàn gửi hồ sơ" in a.task for a in found)
    # the issuer's own formula is still no task
    assert extract("Văn phòng Chính phủ xin thông báo để các cơ quan biết, thực hiện./.\n", canon)[1] == []


def test_old_style_tones_keep_hoac():
    from chidao.lang.agencies import modern_tones

    assert modern_tones("hoặc Uỷ ban") == "hoặc Ủy ban"


# ---------------------------------------------------------------- what is not a task


def test_a_cited_earlier_request_is_no_task(canon):
    raw = (
        "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương\n\n"
        "Ngày 12/3/2024, Bộ Xây dựng có công văn số 88/BXD-QLN đề nghị UBND các tỉnh rà soát số hộ nghèo "
        "cần hỗ trợ nhà ở.\n\n"
        "Đề nghị UBND các tỉnh, thành phố gửi báo cáo về Bộ Xây dựng trước ngày 30/4/2024.\n"
    )
    wrapped = raw.replace("có công văn số 88/BXD-QLN đề nghị", "có công văn số 88/BXD-QLN\nđề nghị")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        assert [flat(a.task) for a in found] == [
            "Đề nghị UBND các tỉnh, thành phố gửi báo cáo về Bộ Xây dựng trước ngày 30/4/2024"
        ]
        assert found[0].agency == "Ủy ban nhân dân các tỉnh, thành phố" and found[0].role == "giao"


def test_courtesy_and_lists_announced_below_name_nobody(canon):
    raw = (
        "Điều 2. Các cơ quan, đơn vị sau đây chịu trách nhiệm tổ chức thực hiện Kế hoạch:\n"
        "1. Sở Lao động - Thương binh và Xã hội tổng hợp kết quả thực hiện Kế hoạch, báo cáo UBND tỉnh.\n\n"
        "Rất mong sự phối hợp của các Sở.\n"
    )
    _, found = extract(raw, canon)
    assert rows(found) == {("Sở Lao động - Thương binh và Xã hội", "giao")}
    assert flat(found[0].task).endswith("tổng hợp kết quả thực hiện Kế hoạch, báo cáo UBND tỉnh")


def test_a_request_without_a_verb_is_no_task_and_the_speaker_is_not_its_assignee(canon):
    # "đề nghị các Bộ: A, B về …" lacks its verb (the source dropped "có ý kiến"): neither the Bộ nor the speaker
    raw = (
        "Kính gửi: Bộ Tài chính; Bộ Tư pháp.\n\n"
        "Văn phòng Chính phủ đề nghị các Bộ: Tài chính, Tư pháp về kiến nghị của Ủy ban nhân dân tỉnh Lào Cai "
        "tại văn bản nêu trên.\n"
    )
    assert extract(raw, canon)[1] == []


def test_lower_case_plural_after_de_nghi_is_the_letters_recipients(canon):
    raw = (
        "Kính gửi:\n"
        "- Các bộ, cơ quan ngang bộ, cơ quan thuộc\n"
        "Chính phủ;\n"
        "- Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.\n\n"
        "Để việc rà soát được thống nhất theo yêu cầu của Bộ Chính trị, Ban Bí thư và Ban Tổ chức Trung ương, "
        "trên cơ sở hướng dẫn nêu trên, đề nghị bộ, ngành, địa phương khẩn trương báo cáo số biên chế còn thiếu "
        "trước ngày 15/12/2025.\n"
    )
    _, found = extract(raw, canon)
    assert rows(found) == {
        ("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "giao"),
        ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "giao"),
    }
    assert all(flat(a.task).endswith("khẩn trương báo cáo số biên chế còn thiếu trước ngày 15/12/2025") for a in found)


# ---------------------------------------------------------------- "… do X chủ trì, phối hợp với Y" / "… do X cấp"


def test_agent_after_do_of_a_leading_verb(canon):
    raw = (
        "Xét đề nghị của Bộ Công Thương, Phó Thủ tướng có ý kiến như sau:\n\n"
        "1. Thành lập Tổ công tác liên ngành về xăng dầu do Bộ Công Thương chủ trì, phối hợp với Bộ Tài chính "
        "và Ngân hàng Nhà nước Việt Nam để theo dõi giá xăng dầu trong nước.\n"
        "2. Kinh phí hoạt động của Tổ do Bộ Tài chính cấp hằng năm trong dự toán của Bộ Công Thương.\n"
    )
    wrapped = raw.replace(
        "do Bộ Công Thương chủ trì, phối hợp với Bộ Tài chính", "do Bộ Công Thương chủ trì,\nphối hợp với Bộ Tài chính"
    )
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        first = [a for a in found if "Tổ công tác liên ngành" in a.task]
        assert {(a.agency, a.role) for a in first} == {
            ("Bộ Công Thương", "chủ trì"),
            ("Bộ Tài chính", "phối hợp"),
            ("Ngân hàng Nhà nước Việt Nam", "phối hợp"),
        }
        assert all(flat(a.task).startswith("Thành lập Tổ công tác liên ngành về xăng dầu") for a in first)
        money = [a for a in found if a.task.startswith("Kinh phí")]
        assert [(a.agency, a.role) for a in money] == [("Bộ Tài chính", "giao")]
        assert (
            flat(money[0].task)
            == "Kinh phí hoạt động của Tổ do Bộ Tài chính cấp hằng năm trong dự toán của Bộ Công Thương"
        )


def test_agent_after_do_of_a_past_fact_is_no_task(canon):
    raw = (
        "Xét đề nghị của Bộ Công Thương, Phó Thủ tướng có ý kiến như sau:\n\n"
        "Đề án đã được xây dựng do Bộ Công Thương chủ trì trong năm 2020, nay không còn phù hợp.\n"
    )
    assert extract(raw, canon)[1] == []


# ---------------------------------------------------------------- co-operators named as groups


def test_group_of_cooperators_ends_before_to_chuc_the_verb(canon):
    raw = (
        "Giao Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với các sở, ngành có liên quan và các địa phương "
        "tổ chức triển khai Đề án phát triển du lịch cộng đồng.\n"
    )
    wrapped = raw.replace("và các địa phương ", "và các địa phương\n")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        assert rows(found) == {
            ("Sở Văn hóa, Thể thao và Du lịch", "chủ trì"),
            ("Các sở, ngành có liên quan", "phối hợp"),
            ("Các địa phương", "phối hợp"),
        }
        assert all(flat(a.task).endswith("tổ chức triển khai Đề án phát triển du lịch cộng đồng") for a in found)
    # a group noun is still a group: "các cơ quan, tổ chức có liên quan"
    lead = canon.parse_leading(
        "các cơ quan, tổ chức có liên quan tham mưu cho Ủy ban nhân dân tỉnh", 0, keep_vague=True
    )
    assert lead is not None and [c for _, c in lead.names] == ["Các cơ quan, tổ chức có liên quan"]


def test_related_agencies_without_cac_after_phoi_hop_voi(canon):
    raw = "1. Sở Công Thương chủ trì, phối hợp với cơ quan liên quan kiểm tra giá phân bón trên địa bàn tỉnh.\n"
    _, found = extract(raw, canon)
    assert rows(found) == {("Sở Công Thương", "chủ trì"), ("Cơ quan liên quan", "phối hợp")}
    task = "Sở Công Thương chủ trì, phối hợp với cơ quan liên quan kiểm tra giá phân bón trên địa bàn tỉnh"
    assert all(flat(a.task) == task for a in found)


def test_cooperating_groups_beside_named_agencies_and_embedded_subjects(canon):
    raw = (
        "2. Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các huyện "
        "tham mưu Ủy ban nhân dân tỉnh phối hợp với Bộ Nội vụ sắp xếp đơn vị hành chính cấp xã.\n"
    )
    wrapped = raw.replace("đoàn thể tỉnh và ", "đoàn thể tỉnh và\n")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        # Bộ Nội vụ co-operates with the People's Committee the Sở advises, not with the Sở
        assert rows(found) == {
            ("Sở Nội vụ", "chủ trì"),
            ("Các sở, ban, ngành, đoàn thể tỉnh", "phối hợp"),
            ("Ủy ban nhân dân các huyện", "phối hợp"),
        }
        assert all(flat(a.task).endswith("sắp xếp đơn vị hành chính cấp xã") for a in found)


def test_closing_article_that_says_can_cu_quyet_dinh_thi_hanh(canon):
    raw = "Điều 3. Văn phòng Ủy ban nhân dân tỉnh; Sở Tài chính; các đơn vị liên quan căn cứ Quyết định thi hành./.\n"
    wrapped = raw.replace("Sở Tài chính; ", "Sở Tài chính;\n")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        assert rows(found) == {
            ("Văn phòng Ủy ban nhân dân tỉnh", "giao"),
            ("Sở Tài chính", "giao"),
            ("Các đơn vị liên quan", "giao"),
        }
        assert all(flat(a.task).endswith("căn cứ Quyết định thi hành") for a in found)


# ---------------------------------------------------------------- closing articles as PDFs and old portals give them


def test_closing_article_cut_after_a_title(canon):
    raw = (
        "QUYẾT ĐỊNH:\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp quản lý cụm công nghiệp.\n\n"
        "Điều 2. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc\n"
        "Sở Công Thương, Cục trưởng Cục Thuế tỉnh; Thủ trưởng các đơn vị thuộc và trực thuộc Sở Công Thương "
        "chịu trách nhiệm thi hành Quyết định này./.\n"
    )
    _, found = extract(raw, canon)
    assert rows(found) == {
        ("Văn phòng Ủy ban nhân dân tỉnh", "giao"),
        ("Sở Công Thương", "giao"),
        ("Cục Thuế tỉnh", "giao"),
        ("Các đơn vị thuộc và trực thuộc Sở Công Thương", "giao"),
    }
    assert all(flat(a.task).endswith("chịu trách nhiệm thi hành Quyết định này") for a in found)
    assert all(flat(a.task).startswith("Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Công Thương") for a in found)


def test_title_named_like_its_agency_is_dropped_once():
    canon = AgencyCanon()
    assert canon.canonical("Cục trưởng Cục Quản lý thị trường") == "Cục Quản lý thị trường"
    assert canon.canonical("Chi cục trưởng Chi cục Thuế khu vực") == "Chi cục Thuế khu vực"
    assert canon.canonical("Chánh Văn phòng UBND tỉnh") == "Văn phòng Ủy ban nhân dân tỉnh"


# ---------------------------------------------------------------- tables flattened with "|"


def test_task_table_whose_rows_lost_their_outer_pipes(canon):
    raw = (
        "KẾ HOẠCH\n\nIII. NHIỆM VỤ CỤ THỂ\n\n"
        "TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian\n"
        "1 | Tập huấn phòng, chống sốt xuất huyết cho y tế cơ sở | Sở Y tế | Ủy ban nhân dân các huyện | Quý II/2024\n"
        "2 | Bảo đảm kinh phí cho công tác phun hóa chất | Sở Tài chính | Sở Y tế | Năm 2024\n"
    )
    _, found = extract(raw, canon)
    assert {(a.agency, a.role, a.task, a.deadline) for a in found} == {
        ("Sở Y tế", "chủ trì", "Tập huấn phòng, chống sốt xuất huyết cho y tế cơ sở", "Quý II/2024"),
        ("Ủy ban nhân dân các huyện", "phối hợp", "Tập huấn phòng, chống sốt xuất huyết cho y tế cơ sở", "Quý II/2024"),
        ("Sở Tài chính", "chủ trì", "Bảo đảm kinh phí cho công tác phun hóa chất", "Năm 2024"),
        ("Sở Y tế", "phối hợp", "Bảo đảm kinh phí cho công tác phun hóa chất", "Năm 2024"),
    }


def test_letterhead_row_with_a_trailing_pipe_is_split_into_cells():
    text = normalize_text("Số: 12/UBND-VX | Hà Nội, ngày 05 tháng 4 năm 2018 |\n\nKính gửi: | - Sở Y tế |\n")
    assert "Số: 12/UBND-VX\n" in text and "|" not in text
    assert "- Sở Y tế" in text
    # one pipe in a sentence is no table
    assert (
        normalize_text("Thời gian | địa điểm được thông báo sau.\n").strip()
        == "Thời gian | địa điểm được thông báo sau."
    )


# ---------------------------------------------------------------- an opening with its own task before "trong đó … sau:"


def test_opening_task_before_trong_do_and_its_list(canon):
    raw = (
        "Để nâng cao hiệu quả quản lý ngân sách, Chủ tịch UBND tỉnh yêu cầu Giám đốc Sở Tài chính và Chủ tịch "
        "UBND các huyện chỉ đạo, kiểm tra các đơn vị trực thuộc chấp hành nghiêm kỷ luật tài chính, trong đó "
        "tập trung thực hiện các nhiệm vụ sau:\n"
        "1. Rà soát các khoản chi thường xuyên không cấp thiết.\n"
        "2. Công khai dự toán ngân sách theo quy định.\n"
    )
    wrapped = raw.replace("Chủ tịch UBND tỉnh yêu cầu Giám đốc", "Chủ tịch UBND tỉnh yêu cầu\nGiám đốc")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        own = [a for a in found if "chấp hành nghiêm kỷ luật tài chính" in a.task]
        assert {(a.agency, a.role) for a in own} == {("Sở Tài chính", "giao"), ("Ủy ban nhân dân các huyện", "giao")}
        assert all(flat(a.task).endswith("chấp hành nghiêm kỷ luật tài chính") for a in own)
        items = {flat(a.task) for a in found if a not in own}
        assert items == {
            "Rà soát các khoản chi thường xuyên không cấp thiết",
            "Công khai dự toán ngân sách theo quy định",
        }


def test_a_newspaper_reporting_on_a_date_is_no_assignee(canon):
    raw = (
        "Kính gửi: Bộ Công Thương.\n\n"
        "Báo Lao động số ra ngày 12 tháng 5 năm 2011 đăng bài “Giá điện tăng bất thường”. Về việc này, Phó Thủ "
        "tướng có ý kiến như sau:\n\n"
        "Bộ Công Thương kiểm tra thông tin bài báo nêu, báo cáo Thủ tướng Chính phủ trước ngày 30 tháng 5 năm 2011.\n"
    )
    wrapped = raw.replace("Báo Lao động số ra ngày 12 tháng 5", "Báo Lao động số ra\nngày 12 tháng 5")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        assert rows(found) == {("Bộ Công Thương", "giao")}
        assert flat(found[0].task).startswith("Bộ Công Thương kiểm tra thông tin bài báo nêu")
    assert [c for _, c in canon.parse_leading("Báo Nhân dân ngày 24 tháng 3 năm 2004 có bài", 0).names] == [
        "Báo Nhân dân"
    ]


def test_national_committee_written_in_lower_case(canon):
    raw = (
        "Xét đề nghị của Bộ Y tế, Thủ tướng Chính phủ có ý kiến như sau:\n\n"
        "Giao Ủy ban quốc gia về người cao tuổi Việt Nam chủ trì, phối hợp với Bộ Y tế xây dựng chương trình "
        "chăm sóc sức khỏe người cao tuổi, trình Thủ tướng Chính phủ trong quý III năm 2024.\n"
    )
    wrapped = raw.replace("phối hợp với Bộ Y tế xây dựng chương trình", "phối hợp với Bộ Y tế xây dựng\nchương trình")
    for text in (raw, wrapped):
        _, found = extract(text, canon)
        assert rows(found) == {("Ủy ban quốc gia về người cao tuổi Việt Nam", "chủ trì"), ("Bộ Y tế", "phối hợp")}
        assert all("xây dựng chương trình chăm sóc sức khỏe người cao tuổi" in flat(a.task) for a in found)


def test_closing_formula_with_its_report_of_difficulties_is_no_task(canon):
    raw = (
        "1. Sở Y tế chủ trì kiểm tra an toàn thực phẩm tại các bếp ăn tập thể.\n"
        "Đề nghị các sở, ban, ngành và địa phương khẩn trương thực hiện đúng chức năng được giao; kịp thời báo cáo "
        "UBND tỉnh những khó khăn, vướng mắc để xem xét, chỉ đạo./.\n"
    )
    wrapped = raw.replace("địa phương khẩn trương", "địa phương khẩn\ntrương")
    for text in (raw, wrapped):
        assert rows(extract(text, canon)[1]) == {("Sở Y tế", "chủ trì")}
    # a closing that names what to carry out is a task
    named = raw.replace("thực hiện đúng chức năng được giao", "thực hiện Chỉ thị này")
    assert ("Các sở, ban, ngành và địa phương", "giao") in rows(extract(named, canon)[1])


# ---------------------------------------------------------------- sentences cut by the page width (third round)

# A directive as a PDF text layer leaves it: its numbered sentences are cut where the line was full, and a cut
# line without final punctuation reads like a heading; the letterhead and the first paragraph are kept so that
# the body starts where it does in a real document.
_DIRECTIVE_HEAD = (
    "ỦY BAN NHÂN DÂN\nTỈNH THÁI BÌNH\n\nCHỈ THỊ\nVề tăng cường quản lý đất đai và phòng chống thiên tai\n\n"
    "Thời gian qua, công tác quản lý đất đai, phòng chống thiên tai trên địa bàn tỉnh đã có chuyển biến, song "
    "vẫn còn tình trạng lấn chiếm đất công, công trình đê điều xuống cấp chưa được xử lý kịp thời.\n\n"
)


def test_numbered_sentence_cut_after_an_open_word_goes_on_with_an_agency(canon):
    clean = (
        _DIRECTIVE_HEAD + "1. Sở Nông nghiệp và Phát triển nông thôn phối hợp với Sở Tài nguyên và Môi trường cùng "
        "UBND các huyện kiểm tra toàn bộ tuyến đê xung yếu trước mùa mưa bão.\n"
    )
    cut = clean.replace("Môi trường cùng UBND", "Môi trường cùng\nUBND")
    for raw in (clean, cut):
        _, found = extract(raw, canon)
        assert rows(found) == {
            ("Sở Nông nghiệp và Phát triển nông thôn", "chủ trì"),
            ("Sở Tài nguyên và Môi trường", "phối hợp"),
            ("Ủy ban nhân dân các huyện", "phối hợp"),
        }, raw
        for a in found:
            assert "kiểm tra toàn bộ tuyến đê xung yếu trước mùa mưa bão" in flat(a.task)


def test_numbered_sentence_cut_before_the_object_of_bao_cao(canon):
    clean = (
        _DIRECTIVE_HEAD + "2. Sở Tài nguyên và Môi trường và Ủy ban nhân dân các huyện khẩn trương rà soát diện "
        "tích đất công bị lấn chiếm, báo cáo UBND tỉnh trước ngày 15/10/2021.\n"
    )
    cut = clean.replace("báo cáo UBND tỉnh", "báo cáo\nUBND tỉnh")
    for raw in (clean, cut):
        _, found = extract(raw, canon)
        # the province's committee the report goes to is no assignee of its own
        assert rows(found) == {("Sở Tài nguyên và Môi trường", "giao"), ("Ủy ban nhân dân các huyện", "giao")}, raw
        for a in found:
            assert "báo cáo UBND tỉnh trước ngày 15/10/2021" in flat(a.task)
            assert a.deadline == "trước ngày 15/10/2021"


def test_agency_name_cut_by_the_line_break_is_read_whole(canon):
    clean = (
        _DIRECTIVE_HEAD + "3. Công an tỉnh chủ trì, phối hợp với Bộ Chỉ huy Quân sự tỉnh xây dựng phương án "
        "bảo đảm an ninh trật tự tại các khu vực sơ tán dân.\n"
    )
    cut = clean.replace("Bộ Chỉ huy Quân sự", "Bộ Chỉ huy\nQuân sự")
    for raw in (clean, cut):
        _, found = extract(raw, canon)
        assert rows(found) == {("Công an tỉnh", "chủ trì"), ("Bộ Chỉ huy Quân sự tỉnh", "phối hợp")}, raw
        for a in found:
            assert "xây dựng phương án bảo đảm an ninh trật tự tại các khu vực sơ tán dân" in flat(a.task)


def test_place_name_cut_after_tinh_keeps_the_sentence_whole(canon):
    clean = (
        _DIRECTIVE_HEAD + "4. Giao Sở Xây dựng chủ trì thẩm định thiết kế các trường học xây mới của tỉnh "
        "Thái Bình, bảo đảm khả năng chống chịu bão cấp 12.\n"
    )
    cut = clean.replace("của tỉnh Thái Bình", "của tỉnh\nThái Bình")
    for raw in (clean, cut):
        _, found = extract(raw, canon)
        assert rows(found) == {("Sở Xây dựng", "chủ trì")}, raw
        assert "bảo đảm khả năng chống chịu bão cấp 12" in flat(found[0].task)


def test_short_heading_before_its_paragraph_is_not_joined(canon):
    # "2. Sở Tài chính" / "Bố trí kinh phí …": a real heading stays a heading after the joins above
    raw = (
        _DIRECTIVE_HEAD + "1. Sở Tài chính\n\nBố trí kinh phí sửa chữa các công trình đê điều xuống cấp.\n\n"
        "2. Trách nhiệm của các huyện\n\nUBND các huyện tổ chức di dời các hộ dân ở vùng nguy hiểm.\n"
    )
    _, found = extract(raw, canon)
    assert rows(found) == {("Sở Tài chính", "giao"), ("Ủy ban nhân dân các huyện", "giao")}
    assert flat(only(found, "Sở Tài chính").task) == "Bố trí kinh phí sửa chữa các công trình đê điều xuống cấp"


def test_short_hard_wrapped_letter_has_a_body(canon):
    # a one-sentence letter from a PDF text layer: too few lines for the normaliser to measure the page width, so
    # its lines stay cut and none is a long line of prose; the sentence after "Kính gửi" still starts the body
    clean = (
        "BỘ TÀI CHÍNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Số: 4512/BTC-NSNN\nV/v bổ sung kinh phí phòng chống hạn hán\n\nHà Nội, ngày 12 tháng 4 năm 2016\n\n"
        "Kính gửi: Ủy ban nhân dân tỉnh Ninh Thuận.\n\n"
        "Bộ Tài chính đề nghị Ủy ban nhân dân tỉnh Ninh Thuận chỉ đạo Sở Tài chính rà soát, tổng hợp nhu cầu "
        "kinh phí hỗ trợ của tỉnh Ninh Thuận, gửi Bộ Tài chính trước ngày 25 tháng 4 năm 2016.\n"
    )
    cut = clean.replace(
        "tổng hợp nhu cầu kinh phí hỗ trợ của tỉnh Ninh", "tổng hợp nhu cầu\nkinh phí hỗ trợ của tỉnh Ninh"
    )
    cut = cut.replace("của tỉnh Ninh Thuận, gửi", "của tỉnh\nNinh Thuận, gửi")
    assert cut.count("\n") == clean.count("\n") + 2
    for raw in (clean, cut):
        _, found = extract(raw, canon)
        assert rows(found) == {("Ủy ban nhân dân tỉnh Ninh Thuận", "giao")}, raw
        a = found[0]
        assert "rà soát, tổng hợp nhu cầu kinh phí hỗ trợ của tỉnh Ninh Thuận, gửi Bộ Tài chính" in flat(a.task)
        assert a.deadline == "trước ngày 25 tháng 4 năm 2016"


def test_line_cut_before_the_dash_of_a_compound_is_no_bullet(canon):
    # "chính trị - xã hội", "kinh tế - xã hội": a PDF line may end before the dash, which then opens the next line
    clean = (
        _DIRECTIVE_HEAD + "5. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội vận "
        "động nhân dân tham gia bảo vệ đê điều, phát triển kinh tế - xã hội ở vùng ven biển.\n"
    )
    cut = clean.replace("chính trị - xã hội", "chính trị\n- xã hội").replace("kinh tế - xã hội", "kinh tế\n- xã hội")
    assert cut.count("\n- ") == 2
    for raw in (clean, cut):
        _, found = extract(raw, canon)
        assert rows(found) == {
            ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "giao"),
            ("Các tổ chức chính trị - xã hội", "giao"),
        }, raw
        for a in found:
            assert "vận động nhân dân tham gia bảo vệ đê điều, phát triển kinh tế - xã hội ở vùng ven biển" in flat(
                a.task
            )
    # a list announced without its colon keeps its items
    listed = _DIRECTIVE_HEAD + "6. Sở Y tế thực hiện các nội dung sau\n- tổ chức tập huấn;\n- kiểm tra các cơ sở.\n"
    assert "sau\n- tổ chức tập huấn;\n- kiểm tra" in normalize_text(listed)


def test_committees_of_several_levels_are_one_assignee_each(canon):
    clean = (
        _DIRECTIVE_HEAD + "7. Chủ tịch UBND cấp huyện, cấp xã chịu trách nhiệm trước Chủ tịch UBND tỉnh nếu để xảy "
        "ra lấn chiếm đất công trên địa bàn quản lý.\n\n"
        "8. Ủy ban nhân dân cấp tỉnh và cấp huyện bố trí kinh phí duy tu đê điều hằng năm.\n"
    )
    cut = clean.replace("cấp huyện, cấp xã chịu", "cấp huyện, cấp\nxã chịu")
    for raw in (clean, cut):
        _, found = extract(raw, canon)
        assert rows(found) == {
            ("Ủy ban nhân dân cấp huyện", "giao"),
            ("Ủy ban nhân dân cấp xã", "giao"),
            ("Ủy ban nhân dân cấp tỉnh", "giao"),
        }, raw
        by_task = {(a.agency, "lấn chiếm đất công" in flat(a.task), "duy tu đê điều" in flat(a.task)) for a in found}
        assert by_task == {
            ("Ủy ban nhân dân cấp huyện", True, False),
            ("Ủy ban nhân dân cấp xã", True, False),
            ("Ủy ban nhân dân cấp tỉnh", False, True),
            ("Ủy ban nhân dân cấp huyện", False, True),
        }
    # the head title goes, the level stays in what was printed
    assert [p for p, _ in canon.parse_leading("Chủ tịch UBND cấp huyện và cấp xã có trách nhiệm", 0).names] == [
        "Chủ tịch UBND cấp huyện",
        "Chủ tịch UBND cấp xã",
    ]
    # one level, or "các cấp", stays one body
    assert [c for _, c in canon.parse_leading("Ủy ban nhân dân các cấp thực hiện", 0).names] == [
        "Ủy ban nhân dân các cấp"
    ]


def test_a_verb_outside_the_lexicon_after_a_whole_name_is_the_predicate(canon):
    # "cân đối", "cưỡng chế", "sơ tán", "lập" …: the name ends where the table's name ends, unless a scope goes on
    raw = (
        _DIRECTIVE_HEAD
        + "9. Sở Tài chính cân đối nguồn vốn sửa chữa đê điều, báo cáo UBND tỉnh trong quý III/2021.\n\n"
        "10. Công an tỉnh cưỡng chế các trường hợp lấn chiếm hành lang bảo vệ đê điều.\n\n"
        "11. Bộ Chỉ huy Quân sự tỉnh sơ tán dân khỏi vùng nguy hiểm khi có bão.\n"
    )
    for text in (raw, raw.replace("cân đối nguồn", "cân\nđối nguồn")):
        _, found = extract(text, canon)
        assert rows(found) == {("Sở Tài chính", "giao"), ("Công an tỉnh", "giao"), ("Bộ Chỉ huy Quân sự tỉnh", "giao")}
        assert "cân đối nguồn vốn sửa chữa đê điều" in flat(only(found, "Sở Tài chính").task)
        assert only(found, "Sở Tài chính").deadline == "trong quý III/2021"
    # a scope after the whole name is still part of it
    names = canon.parse_leading("Sở Giáo dục và Đào tạo các tỉnh, thành phố trực thuộc Trung ương lập kế hoạch", 0)
    assert [c for _, c in names.names] == ["Sở Giáo dục và Đào tạo các tỉnh, thành phố trực thuộc Trung ương"]
    # receiving a letter is no task of the receiver
    letter = _DIRECTIVE_HEAD + "Văn phòng Chính phủ nhận được văn bản số 12/UBND-KT của tỉnh về việc sửa chữa đê.\n"
    assert extract(letter, canon)[1] == []


_DECISION_HEAD = (
    "ỦY BAN NHÂN DÂN\nTỈNH PHÚ YÊN\n\nQUYẾT ĐỊNH\nVề việc ủy quyền cấp giấy chứng nhận an toàn thực phẩm\n\n"
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n\nCăn cứ Luật An toàn thực phẩm ngày 17 tháng 6 năm 2010;\n\nQUYẾT ĐỊNH:\n\n"
)


def test_citation_cut_around_its_article_stays_in_the_task(canon):
    clean = (
        _DECISION_HEAD + "Điều 1. Ủy quyền cho Giám đốc Sở Công Thương cấp giấy chứng nhận cơ sở đủ điều kiện an toàn "
        "thực phẩm theo quy định tại khoản 3 Điều 12 Nghị định số 77/2016/NĐ-CP của Chính phủ.\n\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    )
    cuts = [
        clean.replace("khoản 3 Điều 12", "khoản 3\nĐiều 12"),  # "Điều 12" opens a line: no article of this decision
        clean.replace("Điều 12 Nghị định", "Điều 12\nNghị định"),  # the cited document opens a line
    ]
    for raw in (clean, *cuts):
        text, found = extract(raw, canon)
        assert rows(found) == {("Sở Công Thương", "giao")}, raw
        assert "theo quy định tại khoản 3 Điều 12 Nghị định số 77/2016/NĐ-CP" in flat(found[0].task)
        assert sum(1 for b in parse_blocks(text) if b.label.startswith("Điều")) == 2
        # the normaliser puts the citation back on one line, as the chunks and answers quote it
        assert "khoản 3 Điều 12 Nghị định số 77/2016/NĐ-CP" in text


def test_closing_article_list_goes_on_after_its_shared_head_and_a_semicolon(canon):
    raw = (
        _DECISION_HEAD + "Điều 1. Ủy quyền cho Giám đốc Sở Công Thương cấp giấy chứng nhận an toàn thực phẩm.\n\n"
        "Điều 2. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các Sở:\n"
        "Công Thương, Y tế; Chủ tịch Ủy ban nhân dân các huyện, thị xã;\n"
        "Thủ trưởng các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành Quyết định này.\n"
    )
    _, found = extract(raw, canon)
    closing = {a.agency for a in found if "thi hành Quyết định này" in flat(a.task)}
    assert closing == {
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Sở Công Thương",
        "Sở Y tế",
        "Ủy ban nhân dân các huyện, thị xã",
        "Các cơ quan, đơn vị liên quan",
    }
