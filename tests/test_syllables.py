"""chidao.lang.syllables: the onset + rhyme + tone validator, and where OCR words land in the text."""

from __future__ import annotations

import re
import unicodedata

import pytest

from chidao.lang.syllables import is_syllable, split_tone, syllable_share
from chidao.records import OcrPage, OcrWord
from ingest.ocr.align import locate_words, words_in
from tests.conftest import SAMPLE


@pytest.mark.parametrize(
    "word",
    [
        "Nghị", "quyết", "khuya", "gì", "giữ", "giếng", "gìn", "huyện", "Nguyễn", "thuở", "xoè", "khoẻ",
        "quỳnh", "toạ", "hoà", "hòa", "ủy", "uỷ", "ương", "yêu", "uyên", "ngoặt", "ĐIỆN", "Đồng",
        "chu", "tri", "dien", "phoi", "hop",  # typed without accents
    ],
)  # fmt: skip
def test_well_formed_syllables(word):
    assert is_syllable(word)
    assert is_syllable(unicodedata.normalize("NFD", word))  # decomposed marks read the same


@pytest.mark.parametrize(
    "word",
    [
        "Tinh`äy",  # OCR noise
        "ngĩị",  # two tone marks
        "àt", "hoàc", "mìp",  # a rhyme closed by t/c/p takes only sắc or nặng
        "kan", "ci", "ghe" + "a", "ngha",  # k/gh/ngh only before i, e, ê; c/ng never before them
        "xyz", "hbc", "bcd", "ư" + "ê",  # no nucleus or no such rhyme
        "quyy", "ăm" + "a",
    ],
)  # fmt: skip
def test_malformed_words(word):
    assert not is_syllable(word)


def test_split_tone():
    assert split_tone("Nghị") == ("nghi", "nặng")
    assert split_tone("quyết") == ("quyêt", "sắc")
    assert split_tone("ương") == ("ương", "")


def test_real_directive_text_is_almost_all_syllables():
    words = re.findall(r"\S+", SAMPLE.read_text(encoding="utf-8"))
    share, judged = syllable_share(words)
    assert judged > 3000 and share > 0.98  # names and terms it never saw pass by their form
    misread = str.maketrans("ươêôâđ", "üöëöäð")  # letters OCR confuses with ones Vietnamese never uses
    assert syllable_share([w.translate(misread) for w in words])[0] < 0.8


def test_share_skips_numbers_symbols_and_abbreviations():
    # judged: TTg (not all capitals, and no syllable), Sở, Y, tế; skipped: CĐ, UBND, 570, 2021, —
    assert syllable_share(["570/CĐ-TTg", "UBND", "2021", "—", "Sở", "Y", "tế"]) == (0.75, 4)
    assert syllable_share([]) == (1.0, 0)


def test_locate_words_follows_normalisation():
    text = "Trang một.\n\nSở Y tế chủ trì, phối hợp với Công an tỉnh thực hiện Công điện số 570/CĐ-TTg."
    page_starts = [0, text.index("Sở")]

    def word(t: str, x: int) -> OcrWord:
        return OcrWord(text=t, left=x, top=10, width=20, height=10, conf=90)

    raw = "Sở Y tế chủ trì, phối- hợp với Công an tỉnh TRANG 2 thực hiện Công điện số 570/CĐ-TTg."
    words = [word(unicodedata.normalize("NFD", t), i * 30) for i, t in enumerate(raw.split())]
    words[5] = word("phối-", 150)  # hyphenated at a line end: normalisation removed the hyphen
    page = OcrPage(page=2, width=1000, height=1000, words=words)
    [located] = locate_words(text, page_starts, [page], lambda t: unicodedata.normalize("NFC", t))
    found = {w.text: (w.start, w.end) for w in located.words if w.start >= 0}
    assert text[slice(*found["570/CĐ-TTg."])] == "570/CĐ-TTg."
    assert text[slice(*found["phối-"])] == "phối"
    assert "TRANG" not in found  # a running header normalisation dropped
    start = text.index("Công điện")
    picked = [located.words[i].text for i in words_in(located, start, len(text))]
    assert [unicodedata.normalize("NFC", t) for t in picked] == ["Công", "điện", "số", "570/CĐ-TTg."]
    assert page.words[0].start == -1  # the input is not changed
