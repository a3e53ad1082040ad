"""Document metadata: number, type, issuer, place, date, title and signer from headers and signatures."""

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from ingest.extract import extract_metadata, normal_case

SAMPLE = Path(__file__).parent.parent / "corpus" / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"


def test_sample_notice():
    meta = extract_metadata(SAMPLE.read_text(encoding="utf-8").replace("**", ""))
    assert meta.number is None  # the notice prints no "Số:" line: nothing is guessed
    assert meta.type == "Thông báo"
    assert meta.date == "2021-05-04"  # "Ngày 04/5/2021, …" opening the body
    assert meta.title == "Kết luận của Chủ tịch UBND tỉnh Hoàng Xuân Ánh tại phiên họp UBND tỉnh tháng 4/2021"
    assert meta.signer == "Trịnh Sỹ Tài"  # printed twice under "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG"
    assert meta.issuer is None and meta.place is None


def test_sample_notice_with_raw_markdown():
    meta = extract_metadata(SAMPLE.read_text(encoding="utf-8"))
    assert (meta.type, meta.date, meta.signer) == ("Thông báo", "2021-05-04", "Trịnh Sỹ Tài")


# Each column on its own line, as normalisation leaves a two-column header table.
UBND_KH = """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
Cao Bằng, ngày 04 tháng 5 năm 2021

KẾ HOẠCH
TRIỂN KHAI THỰC HIỆN CHỈ THỊ SỐ 16/CT-TTG NGÀY 31/3/2020 CỦA THỦ TƯỚNG CHÍNH PHỦ
VỀ PHÒNG, CHỐNG DỊCH COVID-19

Căn cứ Luật Phòng, chống bệnh truyền nhiễm ngày 21 tháng 11 năm 2007;
I. MỤC ĐÍCH, YÊU CẦU
1. Sở Y tế chủ trì tổ chức thực hiện.

Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Trung Thảo
"""


def test_ubnd_plan():
    meta = extract_metadata(UBND_KH)
    assert meta.number == "12/KH-UBND"
    assert meta.type == "Kế hoạch"
    assert meta.issuer == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert meta.place == "Cao Bằng"
    assert meta.date == "2021-05-04"
    assert meta.title == (
        "TRIỂN KHAI THỰC HIỆN CHỈ THỊ SỐ 16/CT-TTG NGÀY 31/3/2020 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ PHÒNG, CHỐNG DỊCH COVID-19"
    )
    assert meta.signer == "Nguyễn Trung Thảo"


def test_nfd_and_unaccented_symbols():
    meta = extract_metadata(unicodedata.normalize("NFD", UBND_KH))
    assert (meta.number, meta.type, meta.issuer, meta.date) == (
        "12/KH-UBND",
        "Kế hoạch",
        "Ủy ban nhân dân tỉnh Cao Bằng",
        "2021-05-04",
    )
    assert unicodedata.is_normalized("NFC", meta.issuer)


# A PDF text layer that reads the two columns row by row.
PDF_ROWS = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CAO BẰNG Độc lập - Tự do - Hạnh phúc
Số: 1001/UBND-VX Cao Bằng, ngày 04 tháng 5 năm 2021
V/v tăng cường công tác phòng, chống dịch COVID-19

Kính gửi: Các sở, ban, ngành tỉnh.
Thực hiện Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ, Chủ tịch UBND tỉnh yêu cầu:
Nơi nhận:
- Như trên;
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Trung Thảo
"""


def test_official_letter_with_vv():
    meta = extract_metadata(PDF_ROWS)
    assert meta.number == "1001/UBND-VX"
    assert meta.type == "Công văn"  # an agency code only, and a "V/v" line
    assert meta.issuer == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert meta.place == "Cao Bằng" and meta.date == "2021-05-04"
    assert meta.title == "tăng cường công tác phòng, chống dịch COVID-19"
    assert meta.signer == "Nguyễn Trung Thảo"


def test_prime_minister_dispatch_with_rules_and_spaced_number():
    text = """THỦ TƯỚNG CHÍNH PHỦ
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 1632 / CĐ - TTg
Hà Nội, ngày 4/5/2021
CÔNG ĐIỆN
Về việc tăng cường phòng, chống dịch COVID-19
THỦ TƯỚNG CHÍNH PHỦ điện:
- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.
Thời gian qua, công tác phòng, chống dịch đạt kết quả.
THỦ TƯỚNG
Phạm Minh Chính
"""
    meta = extract_metadata(text)
    assert meta.number == "1632/CĐ-TTg"
    assert meta.type == "Công điện"
    assert meta.issuer == "Thủ tướng Chính phủ"
    assert (meta.place, meta.date) == ("Hà Nội", "2021-05-04")
    assert meta.title == "Về việc tăng cường phòng, chống dịch COVID-19"
    assert meta.signer == "Phạm Minh Chính"


def test_two_level_ministry_header():
    text = """BỘ NỘI VỤ
VỤ TỔ CHỨC - BIÊN CHẾ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số 81/TB-VTCBC
Hà Nội, ngày 04-5-2021
THÔNG BÁO
Kết luận của Vụ trưởng tại cuộc họp giao ban tháng 4 năm 2021
Ngày 30/4/2021, Vụ Tổ chức - Biên chế tổ chức họp giao ban.
VỤ TRƯỞNG
Lê Văn Thanh
"""
    meta = extract_metadata(text)
    assert meta.number == "81/TB-VTCBC"  # "Số" without colon
    assert meta.issuer == "Vụ Tổ chức - Biên chế, Bộ Nội vụ"
    assert meta.type == "Thông báo"
    assert meta.date == "2021-05-04"  # the header date, not the body's 30/4
    assert meta.title == "Kết luận của Vụ trưởng tại cuộc họp giao ban tháng 4 năm 2021"
    assert meta.signer == "Lê Văn Thanh"


@pytest.mark.parametrize(
    ("upper", "lower", "issuer"),
    [
        ("UBND TỈNH CAO BẰNG", "SỞ Y TẾ", "Sở Y tế tỉnh Cao Bằng"),
        ("UBND TỈNH CAO BẰNG", "VĂN PHÒNG", "Văn phòng UBND tỉnh Cao Bằng"),
        ("ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG", "Ủy ban nhân dân tỉnh Cao Bằng"),  # one name, wrapped
        ("VĂN PHÒNG", "CHÍNH PHỦ", "Văn phòng Chính phủ"),
    ],
)
def test_header_lines(upper, lower, issuer):
    text = f"""{upper}
{lower}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 226/KH-SYT
Cao Bằng, ngày 12 tháng 5 năm 2021
KẾ HOẠCH
TIÊM VẮC XIN PHÒNG COVID-19
Căn cứ Quyết định số 3355/QĐ-BYT ngày 08/7/2021 của Bộ Y tế;
GIÁM ĐỐC
(Đã ký)
Hoàng Văn Minh
"""
    meta = extract_metadata(text)
    assert meta.issuer == issuer
    assert meta.title == "TIÊM VẮC XIN PHÒNG COVID-19"
    assert meta.signer == "Hoàng Văn Minh"


def test_party_directive():
    text = """TỈNH ỦY CAO BẰNG
*
Số 12-CT/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Cao Bằng, ngày 20 tháng 4 năm 2021
CHỈ THỊ
về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống dịch COVID-19
Thời gian qua, các cấp ủy đã lãnh đạo quyết liệt.
T/M BAN THƯỜNG VỤ
BÍ THƯ
Trần Hồng Minh
"""
    meta = extract_metadata(text)
    assert meta.number == "12-CT/TU"
    assert meta.type == "Chỉ thị"
    assert meta.issuer == "Tỉnh ủy Cao Bằng"
    assert (meta.place, meta.date) == ("Cao Bằng", "2021-04-20")
    assert meta.title == "về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống dịch COVID-19"
    assert meta.signer == "Trần Hồng Minh"


def test_header_on_joined_lines_and_signature_on_one_line():
    text = """BỘ Y TẾ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc
Số: 3355/QĐ-BYT Hà Nội, ngày 08 tháng 7 năm 2021
QUYẾT ĐỊNH Về việc ban hành Kế hoạch tiêm vắc xin phòng COVID-19 năm 2021-2022
BỘ TRƯỞNG BỘ Y TẾ
Căn cứ Nghị định số 75/2017/NĐ-CP ngày 20 tháng 6 năm 2017 của Chính phủ;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.
Nơi nhận: - Như Điều 3; - Lưu: VT.
KT. BỘ TRƯỞNG THỨ TRƯỞNG Trương Quốc Cường
"""
    meta = extract_metadata(text)
    assert meta.number == "3355/QĐ-BYT"
    assert meta.type == "Quyết định"
    assert meta.issuer == "Bộ Y tế"
    assert (meta.place, meta.date) == ("Hà Nội", "2021-07-08")
    assert meta.title == "Về việc ban hành Kế hoạch tiêm vắc xin phòng COVID-19 năm 2021-2022"
    assert meta.signer == "Trương Quốc Cường"


def test_markdown_table_header():
    text = (
        "| ỦY BAN NHÂN DÂN TỈNH SƠN LA ------- "
        "| CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc --------------- |\n"
    )
    text += """|---|---|
| Số: 254/QĐ-UBND | Sơn La, ngày 17 tháng 02 năm 2023 |

QUYẾT ĐỊNH

BAN HÀNH KẾ HOẠCH THỰC HIỆN CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC NĂM 2023

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH

Căn cứ Luật Bảo vệ bí mật nhà nước ngày 15 tháng 11 năm 2018;

| Nơi nhận: - Như Điều 3; - Lưu: VT. | CHỦ TỊCH Hoàng Quốc Khánh |
|---|---|
"""
    meta = extract_metadata(text)
    assert meta.number == "254/QĐ-UBND"
    assert meta.issuer == "Ủy ban nhân dân tỉnh Sơn La"
    assert (meta.place, meta.date) == ("Sơn La", "2023-02-17")
    assert meta.title == "BAN HÀNH KẾ HOẠCH THỰC HIỆN CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC NĂM 2023"
    assert meta.signer == "Hoàng Quốc Khánh"


def test_wrapped_place_and_date():
    text = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH
|
CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
|
Số: 4240/UBND-VX
V/v khẩn trương hoàn thành cập nhật, đồng bộ
cơ sở dữ liệu cán bộ, công chức, viên chức
|
Thành phố Hồ Chí
Minh, ngày 28 tháng 11 năm 2025
|
Kính gửi: Các cơ quan chuyên môn thuộc Ủy ban nhân dân Thành phố.
Ngày 28 tháng 10 năm 2025, Chủ tịch Ủy ban nhân dân Thành phố đã ban hành Công văn số 3280/UBND-VX.
"""
    meta = extract_metadata(text)
    assert meta.issuer == "Ủy ban nhân dân thành phố Hồ Chí Minh"
    assert meta.place == "Thành phố Hồ Chí Minh"
    assert meta.date == "2025-11-28"  # not the body's 28/10
    assert meta.title == "khẩn trương hoàn thành cập nhật, đồng bộ cơ sở dữ liệu cán bộ, công chức, viên chức"
    assert meta.type == "Công văn"


def test_absent_fields_stay_none():
    meta = extract_metadata("Các sở, ban, ngành tập trung thực hiện các nhiệm vụ được giao.")
    assert meta.model_dump() == {
        "number": None,
        "type": None,
        "issuer": None,
        "place": None,
        "date": None,
        "title": None,
        "signer": None,
    }


def test_dispositive_quyet_dinh_is_not_the_title():
    text = "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành."
    meta = extract_metadata(text)
    assert meta.type is None and meta.title is None


@pytest.mark.parametrize(
    ("upper", "normal"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH CAO BẰNG", "Ủy ban nhân dân tỉnh Cao Bằng"),
        ("VĂN PHÒNG CHÍNH PHỦ", "Văn phòng Chính phủ"),
        ("THỦ TƯỚNG CHÍNH PHỦ", "Thủ tướng Chính phủ"),
        ("BỘ Y TẾ", "Bộ Y tế"),
        ("BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "Bộ Kế hoạch và Đầu tư"),
        ("BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Bộ Văn hóa, Thể thao và Du lịch"),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),
        ("UBND TỈNH CAO BẰNG", "UBND tỉnh Cao Bằng"),
        ("HĐND HUYỆN HÀ QUẢNG", "HĐND huyện Hà Quảng"),
        ("BỘ CHỈ HUY QUÂN SỰ TỈNH CAO BẰNG", "Bộ chỉ huy Quân sự tỉnh Cao Bằng"),
        ("TỈNH ỦY CAO BẰNG", "Tỉnh ủy Cao Bằng"),
        ("Sở Y tế", "Sở Y tế"),
    ],
)
def test_normal_case(upper, normal):
    assert normal_case(upper) == normal


def test_body_heading_is_no_issuer():
    meta = extract_metadata("I. MỤC ĐÍCH, YÊU CẦU\nCác sở thực hiện.\nII. NỘI DUNG\nSở Y tế chủ trì.")
    assert meta.issuer is None and meta.type is None


def test_header_without_number_or_date():
    meta = extract_metadata(
        "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCHỈ THỊ\nVề việc X\nCác sở thực hiện."
    )
    assert (meta.issuer, meta.type, meta.title) == ("Ủy ban nhân dân tỉnh Cao Bằng", "Chỉ thị", "Về việc X")
    assert meta.number is None and meta.date is None  # nothing guessed


def test_law_opening_with_its_number():
    meta = extract_metadata("QUỐC HỘI\nLuật số: 45/2019/QH14\nBỘ LUẬT\nLAO ĐỘNG\nCăn cứ Hiến pháp nước Cộng hòa")
    assert (meta.number, meta.type, meta.issuer, meta.title) == ("45/2019/QH14", "Bộ luật", "Quốc hội", "LAO ĐỘNG")
    assert extract_metadata("45/2019/QH14\n\nĐiều 1. Phạm vi điều chỉnh").number == "45/2019/QH14"


# ---------------------------------------------------------------- the development set (skipped when absent)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"  # ../shared from the repo root
DEVSET = Path(os.environ.get("CHIDAO_DEVSET", SHARED / "eval" / "github"))


def _words(text: str | None) -> str:
    text = unicodedata.normalize("NFD", (text or "").replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join(re.findall(r"\w+", text)).replace("uy ban nhan dan", "ubnd")


@pytest.mark.skipif(not (DEVSET / "docs.jsonl").exists(), reason="development set not available")
def test_devset_metadata_accuracy():
    from ingest.normalize import normalize_text

    rows = [json.loads(line) for line in (DEVSET / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    ok = {"number": 0, "type": 0, "issuer": 0, "date": 0, "title": 0}
    for row in rows:
        meta = extract_metadata(normalize_text((DEVSET / "corpus" / row["file"]).read_text(encoding="utf-8")))
        ok["number"] += _words(meta.number) == _words(row["number"])
        ok["type"] += meta.type == row["type"]
        ok["issuer"] += _words(meta.issuer) == _words(row["issuer"])
        ok["date"] += meta.date == row["date"]
        mine = re.sub(r"^v v ", "", _words(meta.title))
        gold = re.sub(r"^v v ", "", _words(row["title"]))
        ok["title"] += bool(mine) and (mine in gold or gold in mine)  # gold titles carry extra lines
    for field, good in ok.items():
        assert good / len(rows) >= 0.95, (field, good)


def test_place_names_with_non_vietnamese_syllables_are_normal_cased() -> None:
    from ingest.extract import normal_case

    assert normal_case("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK") == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert normal_case("UBND TỈNH KON TUM") == "UBND tỉnh Kon Tum"
