"""Vietnamese letters, tones and syllable structure: is a word a possible Vietnamese syllable?

``is_syllable(word)`` checks onset + rhyme + tone rules (stop-final rhymes take only the acute or
dot-below tone; "gi", "qu" and "k/gh/ngh" onsets take the rhymes they can). Used as evidence by the
legacy-encoding detector, the split-syllable joiner and the OCR quality check.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["is_syllable"]

# ---------------------------------------------------------------- letters and tones

# Combining tone marks and their order in the tables below.
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)
_TONE_SET = frozenset(_TONES)
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_SHAPE_MARKS = frozenset((_CIRCUMFLEX, _BREVE, _HORN))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _tone(base: str, tone: str) -> str:
    return _nfc(base + tone)


# ---------------------------------------------------------------- syllable validator

_ONSETS = tuple(
    sorted(
        "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split(),
        key=len,
        reverse=True,
    )
)
_RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot oong ooc
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u uc ui um un ung up ut ua uân uâng uât uây uê uêch uênh uơ
    uôc uôi uôm uôn uông uôt uy uya uych uyên uyêt uynh uyt uyu
    ư ưc ưi ưm ưng ưt ưu ưa ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu
    """.split()
)
# After "qu" the medial u is part of the onset: quý, quỳnh, quýt; after "gi" the i: giếng.
_QU_RHYMES = frozenset(r for r in _RHYMES if r[0] not in "uưo") | {"ynh", "ych", "yt", "yu"}
_GI_RHYMES = frozenset(r for r in _RHYMES if r[0] != "i") | {"êng", "êc"}
_FRONT = frozenset("ieêy")
_VN_LETTERS = frozenset("abcdeghiklmnopqrstuvxyăâêôơưđ")


def _split_tone(word: str) -> tuple[str, str] | None:
    """(toneless lower-case NFC letters, tone mark or "") of a word, None if two tones."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_SET]
    if len(tones) > 1:
        return None
    base = _nfc("".join(c for c in decomposed if c not in _TONE_SET))
    return base, (tones[0] if tones else "")


def _rhyme_ok(onset: str, rhyme: str, tone: str) -> bool:
    if onset == "qu":
        if rhyme not in _QU_RHYMES:
            return False
    elif onset == "gi":
        if rhyme not in _GI_RHYMES:
            return False
    elif rhyme not in _RHYMES:
        return False
    first = rhyme[0]
    if onset in ("k", "gh", "ngh") and first not in _FRONT:
        return False
    if onset in ("c", "ng") and first in _FRONT:
        return False
    if onset == "g" and first in "eê":
        return False
    if rhyme[-1] in "cpt" or rhyme.endswith("ch"):
        return tone in (_ACUTE, _DOT)  # stop endings take only sắc or nặng
    return True


@lru_cache(maxsize=200_000)
def is_syllable(word: str) -> bool:
    """True if ``word`` (any case, NFC or NFD) is a well-formed Vietnamese syllable.

    Onset + rhyme + tone: the onset from the 27 written onsets (or none), the rhyme from the
    inventory of written rhymes (with the spelling rules c/k, g/gh, ng/ngh, qu, gi), at most one
    tone, and stop endings (-c, -ch, -p, -t) only with the acute or dot-below tone. Generous
    enough for loan syllables (pin, boong), strict enough that mojibake ("Th«ng", "hieän")
    and NFD fragments fail.
    """
    parts = _split_tone(word)
    if parts is None:
        return False
    base, tone = parts
    if not base or any(c not in _VN_LETTERS for c in base):
        return False
    if base in _RHYMES and not base.startswith("iê"):
        return True
    for onset in _ONSETS:
        if base.startswith(onset) and len(base) > len(onset) and _rhyme_ok(onset, base[len(onset) :], tone):
            return True
    return False
