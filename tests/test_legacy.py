"""chidao.lang.legacy: TCVN3 / VNI / Windows-1258 / UTF-16 decoding and text-layer repair.

The legacy byte strings are made here from Unicode sentences with the inverse of the module's
tables, so every round trip checks the tables letter by letter; the tables themselves are
checked against the published charts (and against glibc's TCVN5712-1 where iconv exists).
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from chidao.lang.legacy import TCVN3_TABLE, VNI_TABLE, decode_bytes, is_syllable, repair_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"
DEV_CORPUS = ROOT.parent / "shared" / "eval" / "github" / "corpus"

TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


#: The 67 lower-case non-ASCII letters of Vietnamese (12 vowels x 6 tones, less a e i o u y, plus đ).
LOWER_LETTERS = sorted(
    {nfc(v + t) for v in VOWELS for t in TONES if not nfc(v + t).isascii()} | {"đ"},
)
#: All 134: lower and upper case.
ALL_LETTERS = sorted(set(LOWER_LETTERS) | {c.upper() for c in LOWER_LETTERS})

# Sentences written for these tests; together they hold every toned vowel and đ.
SENTENCES = [
    "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành khẩn trương triển khai thực hiện nghiêm túc"
    " Công điện số 570/CĐ-TTg.",
    "Giám đốc Sở Y tế chủ trì, phối hợp với Công an tỉnh kiểm tra việc cách ly y tế tại nhà;"
    " báo cáo kết quả trước ngày 15/5/2021.",
    "Quỹ hỗ trợ nông dân được trích lập để khuyến khích người nghèo vay vốn, mở rộng sản xuất,"
    " giảm tỷ lệ hộ nghèo và ổn định đời sống.",
    "Kỹ thuật viên phải giữ gìn thiết bị, tránh để hư hỏng, mất mát; mọi sai phạm sẽ bị xử lý nghiêm theo quy định.",
    "Ông Nguyễn Văn Hải, Phó Chủ tịch, đề nghị các xã ven biển chủ động ứng phó với bão lũ, sạt lở đất và lốc xoáy.",
    "Hãy ghi nhận ý kiến đóng góp của cử tri; những vướng mắc, khó khăn cần được tháo gỡ kịp thời, dứt điểm.",
    "Chị ấy ẵm em bé, ngồi nghỉ dưới gốc cây ổi; lũ trẻ nô đùa, cười khúc khích bên bờ suối.",
    "Bộ trưởng nhấn mạnh: thủ tục hành chính phải gọn nhẹ, minh bạch, tránh nhũng nhiễu;"
    " ưu tiên hỗ trợ doanh nghiệp nhỏ.",
    "Ỷ lại, trông chờ là thói quen xấu; cán bộ không được ỉm đi những việc đã hứa, phải sửa"
    " chữa ngay, tuyệt đối không ậm ừ.",
    "Ngọn đèn leo lét trong đêm, chiếc thuyền nhỏ lướt trên mặt hồ phẳng lặng, gió thổi nhè nhẹ qua rặng tre.",
    "Đoàn kiểm tra đã thống nhất: kỹ lưỡng rà soát từng hộ, không để sót, không bỏ ngỏ; lẫn lộn"
    " giữa chủ trì và phối hợp là sai.",
    "Mùa màng bội thu, ai nấy hằng mong sớm được bù đắp; lòng dân yên ổn, tỉ mỉ giữ gìn từng tấc đất, hỏi han nhau.",
    "Cả làng mở hội, trên bến dưới thuyền; ông trưởng thôn đọc diễn văn, giọng trầm ấm, kỳ vọng"
    " năm mới bình yên, tỵ nạn không còn.",
    "Cây lúa ngả màu vàng óng, bông lúa trĩu nặng; bà con phấn khởi, mỗi nhà đều có lúa gạo đầy"
    " bồ, chẳng lo thiếu đói, nõn nà.",
]
BODY = "\n".join(SENTENCES)
# A ".VnTimeH" style heading block: every line in capitals.
HEADINGS = "\n".join(s.upper() for s in SENTENCES)
DOCUMENT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐỘC LẬP - TỰ DO - HẠNH PHÚC\n\n" + BODY + "\n\n" + HEADINGS + "\n"


# ---------------------------------------------------------------- inverse tables (test encoders)

_TO_TCVN3 = {letter: chr(byte) for byte, letter in TCVN3_TABLE.items()}
_TO_VNI: dict[str, str] = {}
for _seq, _letter in sorted(VNI_TABLE.items(), key=lambda kv: kv[0]):
    # The canonical VNI form: a mark in the case of its base.
    if len(_seq) == 2 and _seq[0].isupper() != _seq[1].isupper():
        continue
    _TO_VNI.setdefault(_letter, _seq)


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 as a Windows-1252 reader shows it. Upper-case toned letters, which VN3
    lacks, are written with the lower-case byte as a ".VnTimeH" font did."""
    out = []
    for c in nfc(text):
        if c in _TO_TCVN3:
            out.append(_TO_TCVN3[c])
        elif not c.isascii() and c.lower() in _TO_TCVN3:
            out.append(_TO_TCVN3[c.lower()])
        else:
            out.append(c)
    return "".join(out)


def to_vni(text: str) -> str:
    return "".join(_TO_VNI.get(c, c) for c in nfc(text))


def to_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258: precomposed where the code page has the letter, else base + tone."""
    out = bytearray()
    for c in nfc(text):
        try:
            out += c.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = nfd(c)
        tones = "".join(m for m in decomposed if m in TONES[1:])
        base = nfc("".join(m for m in decomposed if m not in TONES[1:]))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def cp1252_bytes(text: str) -> bytes:
    return text.encode("cp1252")


# ---------------------------------------------------------------- the test material itself


def test_sentences_cover_every_letter() -> None:
    used = {c for c in nfc(DOCUMENT) if not c.isascii() and c.isalpha()}
    assert set(ALL_LETTERS) <= used
    assert len(LOWER_LETTERS) == 67 and len(ALL_LETTERS) == 134


# ---------------------------------------------------------------- tables


def test_tcvn3_table_follows_the_chart() -> None:
    chart = {
        0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
        0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
        0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
        0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
        0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
        0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
        0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
        0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
        0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
        0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
        0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
        0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
        0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
        0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    }  # fmt: skip
    assert {b: nfc(c) for b, c in chart.items()} == TCVN3_TABLE
    lower_values = sorted(v for v in TCVN3_TABLE.values() if v.islower())
    assert lower_values == LOWER_LETTERS  # each lower-case letter exactly once


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv not installed")
def test_tcvn3_table_agrees_with_glibc() -> None:
    for byte, letter in TCVN3_TABLE.items():
        done = subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True, check=False
        )
        if done.returncode != 0:
            pytest.skip("this iconv has no TCVN5712-1")
        assert done.stdout.decode("utf-8") == letter, hex(byte)


def test_vni_table_follows_the_chart() -> None:
    # ì í Ì Í are the bytes they look like; every other letter has its sequence.
    assert set(VNI_TABLE.values()) | {"ì", "í", "Ì", "Í"} == set(ALL_LETTERS)
    chart = {
        "aù": "á", "aø": "à", "aû": "ả", "aõ": "ã", "aï": "ạ",
        "aâ": "â", "aá": "ấ", "aà": "ầ", "aå": "ẩ", "aã": "ẫ", "aä": "ậ",
        "aê": "ă", "aé": "ắ", "aè": "ằ", "aú": "ẳ", "aü": "ẵ", "aë": "ặ",
        "eâ": "ê", "oâ": "ô", "ô": "ơ", "ôù": "ớ", "ö": "ư", "öï": "ự", "ñ": "đ",
        "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "yù": "ý",
        "AÙ": "Á", "AÚ": "Ẳ", "OÄ": "Ộ", "Ô": "Ơ", "ÖØ": "Ừ", "Ñ": "Đ", "Ò": "Ị", "Î": "Ỵ",
    }  # fmt: skip
    for seq, letter in chart.items():
        assert VNI_TABLE[seq] == nfc(letter), seq
    # ì í are the letters they look like and are not in the table.
    assert "ì" not in VNI_TABLE and "í" not in VNI_TABLE


# ---------------------------------------------------------------- syllable validator


@pytest.mark.parametrize(
    "word",
    ["Thông", "báo", "người", "nghiêng", "quốc", "giếng", "gì", "Ủy", "Uỷ", "khuỷu", "hoà", "hòa", "ăn",
     "rượu", "xoong", "thuở", "quýt", "Nguyễn", "ĐIỀU", nfd("Việt"), "y", "ở"],
)  # fmt: skip
def test_is_syllable_accepts(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize(
    "word",
    ["Th«ng", "hieän", "ng", "UBND", "TTg", "càp", "gế", "ce", "kan", "ngi", "iêu", "thuong2", "hóá", "Krông"],
)
def test_is_syllable_rejects(word: str) -> None:
    assert not is_syllable(word)


# ---------------------------------------------------------------- TCVN3


def test_tcvn3_str_is_repaired() -> None:
    legacy = to_tcvn3(DOCUMENT)
    assert "thùc hiÖn" in legacy  # the mojibake a Windows-1252 reader shows
    text, notes = repair_text(legacy)
    assert text == DOCUMENT
    assert any("TCVN3" in note for note in notes)


def test_tcvn3_bytes_are_decoded() -> None:
    text, label = decode_bytes(cp1252_bytes(to_tcvn3(DOCUMENT)))
    assert (text, label) == (DOCUMENT, "tcvn3")


def test_tcvn3_from_nfd_source_round_trips() -> None:
    # The same document typed in NFD before it was converted to TCVN3.
    text, _ = repair_text(to_tcvn3(nfd(DOCUMENT)))
    assert text == DOCUMENT


def test_tcvn3_heading_capitals_and_sentence_starts() -> None:
    legacy = "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM\n§éc lËp - Tù do - H¹nh phóc\n\nñy ban nh©n d©n tØnh. ¸nh s¸ng."
    text, _ = repair_text(legacy)
    assert text == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nỦy ban nhân dân tỉnh. Ánh sáng."
    )


def test_tcvn3_pdf_glyph_substitutes() -> None:
    # PDF text layers of .VnTime give U+2212 for ư and U+2219 for ã.
    legacy = to_tcvn3("Thủ tướng Chính phủ giao Bộ trưởng chủ trì; nhà nước đã ban hành.")
    legacy = legacy.replace("\xad", "\u2212").replace("\xb7", "\u2219")
    assert "t\u2212íng" in legacy
    text, _ = repair_text(legacy)
    assert text == "Thủ tướng Chính phủ giao Bộ trưởng chủ trì; nhà nước đã ban hành."


def test_tcvn3_body_under_unicode_header() -> None:
    header = "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\nSố: 123/UBND-TH\nV/v tăng cường phòng, chống dịch\n\n"
    text, notes = repair_text(header + to_tcvn3(BODY))
    assert text == header + BODY
    assert notes


def test_tcvn3_words_inside_a_unicode_line() -> None:
    # A DOCX paragraph in Unicode with one run left in .VnTime.
    legacy = "Căn cứ Luật Tổ chức chính quyền " + to_tcvn3("địa phương") + " ngày 19 tháng 6 năm 2015;"
    text, _ = repair_text(legacy)
    assert text == "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"


# ---------------------------------------------------------------- VNI


def test_vni_str_is_repaired() -> None:
    legacy = to_vni(DOCUMENT)
    assert "thöïc hieän" in legacy
    text, notes = repair_text(legacy)
    assert text == DOCUMENT
    assert any("VNI" in note for note in notes)


def test_vni_bytes_are_decoded() -> None:
    text, label = decode_bytes(cp1252_bytes(to_vni(DOCUMENT)))
    assert (text, label) == (DOCUMENT, "vni")


def test_vni_from_nfd_source_round_trips() -> None:
    assert repair_text(to_vni(nfd(BODY)))[0] == BODY


@pytest.mark.parametrize("phrase", ["Hà Nội", "Sở Y tế", "Quyết định số 12/QĐ-UBND", "ỦY BAN NHÂN DÂN"])
def test_short_texts_pick_the_right_encoding(phrase: str) -> None:
    assert decode_bytes(cp1252_bytes(to_vni(phrase))) == (phrase, "vni")
    assert repair_text(to_vni(phrase))[0] == phrase
    tcvn3 = to_tcvn3(phrase)
    if tcvn3 != phrase:
        assert decode_bytes(cp1252_bytes(tcvn3)) == (phrase, "tcvn3")
        assert repair_text(tcvn3)[0] == phrase


# ---------------------------------------------------------------- Windows-1258


def test_windows_1258_bytes_round_trip() -> None:
    data = to_cp1258(DOCUMENT)
    assert b"\xec" in data or b"\xcc" in data  # combining tone marks are in use
    text, label = decode_bytes(data)
    assert (text, label) == (DOCUMENT, "windows-1258")


def test_windows_1258_mojibake_in_str() -> None:
    legacy = to_cp1258(BODY).decode("cp1252", errors="strict")
    text, notes = repair_text(legacy)
    assert text == BODY
    assert any("1258" in note for note in notes)


def test_windows_1258_style_combining_tones_in_str() -> None:
    # Decoded correctly, but base letter + combining tone as Windows-1258 stores it.
    text = to_cp1258(BODY).decode("cp1258")
    assert text != BODY
    repaired, notes = repair_text(text)
    assert repaired == BODY and notes


# ---------------------------------------------------------------- UTF-8 / UTF-16 / UTF-32


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (DOCUMENT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + DOCUMENT.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + DOCUMENT.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + DOCUMENT.encode("utf-16-be"), "utf-16-be"),
        (DOCUMENT.encode("utf-16-le"), "utf-16-le"),
        (DOCUMENT.encode("utf-16-be"), "utf-16-be"),
        (DOCUMENT.encode("utf-32"), "utf-32-le"),
    ],
)
def test_unicode_encodings(data: bytes, label: str) -> None:
    assert decode_bytes(data) == (DOCUMENT, label)


def test_utf16_without_bom_short_and_ascii_heavy() -> None:
    text = "Số 12/QĐ-UBND\r\n"
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_bytes(b"Report 2021\r\n".decode().encode("utf-16-be"))[1] == "utf-16-be"


def test_ascii_and_nfd_utf8() -> None:
    assert decode_bytes(b"Chi thi so 12") == ("Chi thi so 12", "ascii")
    text, label = decode_bytes(nfd(BODY).encode("utf-8"))
    assert label == "utf-8"
    repaired, notes = repair_text(text)
    assert repaired == BODY
    assert any("NFC" in note for note in notes)


def test_utf8_with_a_broken_byte_stays_utf8() -> None:
    data = BODY.encode("utf-8")
    cut = data.index(b" ", 100)
    text, label = decode_bytes(data[:cut] + b"\xff" + data[cut:])
    assert label == "utf-8-replace"
    assert "\ufffd" in text and text.replace("\ufffd", "") == BODY


def test_utf8_read_as_windows_1252_is_undone() -> None:
    raw = BODY.encode("utf-8")
    # What a Windows-1252 reader shows (its five undefined bytes as C1 controls).
    legacy = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)
    assert "hiá»‡n" in legacy
    text, notes = repair_text(legacy)
    assert text == BODY
    assert notes


# ---------------------------------------------------------------- combining marks


def test_nfd_and_separated_marks() -> None:
    assert repair_text(nfd("Việt Nam"))[0] == "Việt Nam"
    # A mark set off from its letter by a space (PDF text layers).
    assert repair_text("Vie\u0302 \u0323t Nam, Ha\u0300 No \u0323\u0302i")[0] == "Việt Nam, Hà Nội"
    # Tone typed before the circumflex.
    assert repair_text("Vie\u0323\u0302t, ke\u0301\u0302t lua\u0323\u0302n")[0] == "Việt, kết luận"


# ---------------------------------------------------------------- syllables split by spaces


def test_split_syllables_with_a_non_syllable_fragment() -> None:
    assert repair_text("Thô ng báo số 81/TB-VPCP")[0] == "Thông báo số 81/TB-VPCP"
    assert repair_text("Tr ường hợp")[0] == "Trường hợp"
    assert repair_text("nh iệ m vụ")[0] == "nhiệm vụ"
    text, notes = repair_text("giữ bí m ật nhà nước")
    assert text == "giữ bí mật nhà nước"
    assert notes == ["đã nối 1 âm tiết bị tách bởi khoảng trắng"]


def test_split_page_joins_syllables_that_occur_whole() -> None:
    # A broken PDF page: many splits, among them "bá o" and "U ỷ" whose halves are syllables.
    page = (
        "THÔ NG BÁO\n"
        "Kết luậ n của Chủ tịch U ỷ ban nhân dân tỉnh tạ i phiê n họp thườ ng kỳ.\n"
        "Ủy ban nhân dân tỉnh gửi báo cáo tại phiên họp; Văn phòng thông bá o để các cơ quan biết, th ực hiện.\n"
    )
    text, _ = repair_text(page)
    assert text == (
        "THÔNG BÁO\n"
        "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại phiên họp thường kỳ.\n"
        "Ủy ban nhân dân tỉnh gửi báo cáo tại phiên họp; Văn phòng thông báo để các cơ quan biết, thực hiện.\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Thuốc thú y có chứa chất ma túy; dịch vụ y tế, giáo dục và y tế.",
        "Tại điểm a, b và i khoản 1; điểm m, n và o khoản 2 Điều 5.",
        "T/M ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        "Cao 10 m ở độ sâu 5 m; lúc 9 h ông đến.",
        "Huyện Ea H'leo, Krông Pắc, Đắk Lắk; H'Mông, Ê Đê.",
        "Cà phê, ô tô, a-xít, Covid-19, e-mail, UBND, HĐND, TP. Hồ Chí Minh.",
    ],
)
def test_sound_text_is_not_joined(text: str) -> None:
    assert repair_text(text) == (text, [])


# ---------------------------------------------------------------- correct text stays unchanged


@pytest.mark.parametrize("text", [DOCUMENT, nfc(BODY.lower()), "Café, naïve, Müller, «Thông báo», 30°C, 5×3, ½"])
def test_correct_unicode_is_unchanged(text: str) -> None:
    assert repair_text(text) == (text, [])


def test_sample_notice_is_unchanged() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert repair_text(text) == (text, [])
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="development corpus not present")
def test_dev_corpus_is_unchanged_except_broken_spacing() -> None:
    changed = []
    for path in sorted(DEV_CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        repaired, notes = repair_text(text)
        if repaired != text:
            # The only edits allowed are removed spaces inside split syllables ("di đ ộng").
            assert re.sub(r"\s", "", repaired) == re.sub(r"\s", "", text), path.name
            assert all(note.startswith("đã nối") for note in notes), path.name
            changed.append(path.name)
    assert len(changed) <= 2, changed


def test_repair_is_idempotent() -> None:
    for text in (to_tcvn3(DOCUMENT), to_vni(DOCUMENT), nfd(BODY), "Thô ng bá o, U ỷ ban, giữ bí m ật"):
        once, _ = repair_text(text)
        assert repair_text(once) == (once, [])


# ---------------------------------------------------------------- garbage never raises


@pytest.mark.parametrize("seed", range(5))
def test_garbage_bytes_do_not_raise(seed: int) -> None:
    data = random.Random(seed).randbytes(3000)
    text, label = decode_bytes(data)
    assert label == "fallback-utf-8-replace"
    assert "\ufffd" in text
    repair_text(text)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00",
        b"\xff",
        b"\xfe\xff\xd8",
        b"\xff\xfe\x00\xd8\x00",
        b"\x81\x8d\x8f\x90\x9d",
        b"\xc3",
        bytes(range(256)),
    ],
)
def test_odd_bytes_do_not_raise(data: bytes) -> None:
    text, label = decode_bytes(data)
    assert isinstance(text, str) and label
    assert isinstance(repair_text(text)[0], str)


def test_odd_strings_do_not_raise() -> None:
    for text in ["", " ", "\u0301", " \u0301\u0302", "«»", "\ud800", "a" * 10, "Ñ" * 5, "\u2212\u2219", "µ"]:
        repaired, notes = repair_text(text)
        assert isinstance(repaired, str) and isinstance(notes, list)


# ---------------------------------------------------------------- large inputs


def test_repair_on_large_sound_and_legacy_text() -> None:
    # Throughput is measured by benchmarks, not asserted here.
    sound = (SAMPLE.read_text(encoding="utf-8") + "\n") * 20  # about 1 MB
    legacy = to_tcvn3(BODY + "\n") * 200  # about 0.5 MB
    assert repair_text(sound)[0] == sound
    assert repair_text(legacy)[0] == (BODY + "\n") * 200
