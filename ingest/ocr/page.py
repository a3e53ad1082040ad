"""One page image → its text and an ``OcrPage`` (words with boxes, quality, the image to show).

Steps: coloured ink dropped (``prepare.drop_colour``), skew measured and straightened, Tesseract
reads the words; when the result reads badly (few valid syllables) the page may be upside down or
on its side, so Tesseract's orientation detection is asked and, when it is sure, the page is turned
and read again (the better reading is kept). The quality of a page is the mean word confidence and
the share of its words that are valid Vietnamese syllables (``chidao.lang.syllables``); a page
below either bar is kept but marked low quality.
"""

from __future__ import annotations

import io
import logging

from chidao.lang.syllables import syllable_share
from chidao.records import OcrPage, OcrWord
from ingest.ocr import engine
from ingest.ocr.prepare import drop_colour, rotate, skew_angle

logger = logging.getLogger(__name__)

MIN_CONFIDENCE = 60.0  # mean Tesseract word confidence (0..100) below which a page is low quality
MIN_VALID_SHARE = 0.80  # share of valid Vietnamese syllables below which a page is low quality
_RETRY_SHARE = 0.6  # below this, try the orientation detection
_VIEW_WIDTH = 1000  # width of the page image kept for the viewer (pixels)


def assemble(words: list[engine.TsvWord]) -> str:
    """Page text from Tesseract's words, one line per printed line, as a PDF's text layer reads,
    and a blank line where the print leaves one (a gap taller than a line between two lines).

    Tesseract's own paragraphs are not used: it makes a paragraph of almost every line of a
    directive, and a blank line after "Bộ trưởng các Bộ:" would cut the sentence in two."""
    lines: list[list[engine.TsvWord]] = []
    prev: tuple[int, int, int] | None = None
    for w in words:
        key = (w.block, w.par, w.line)
        if key != prev:
            lines.append([])
            prev = key
        lines[-1].append(w)
    if not lines:
        return ""
    # A line's extent is the median of its words' (a seal or a scribble read as a word is tall).
    spans = [(_median([w.top for w in line]), _median([w.top + w.height for w in line])) for line in lines]
    tall = 1.2 * _median([bottom - top for top, bottom in spans])
    out: list[str] = []
    for i, line in enumerate(lines):
        if i:
            out.append("\n\n" if spans[i][0] - spans[i - 1][1] > tall else "\n")
        out.append(" ".join(w.text for w in line))
    return "".join(out)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _quality(words: list[engine.TsvWord]) -> tuple[float, float]:
    if not words:
        return 0.0, 0.0
    confidence = sum(w.conf for w in words) / len(words)
    share, _ = syllable_share([w.text for w in words])
    return round(confidence, 1), round(share, 3)


def _read(gray) -> tuple[list[engine.TsvWord], float, float]:
    words = engine.read_words(gray)
    confidence, share = _quality(words)
    return words, confidence, share


def ocr_image(image, page: int, dpi: int = 200) -> tuple[str, OcrPage]:
    """OCR one page image (a Pillow image of any mode); returns the page text and its ``OcrPage``."""
    gray = drop_colour(image)
    skew = skew_angle(gray)
    angle = -skew
    gray = rotate(gray, angle)
    words, confidence, share = _read(gray)
    turned = 0
    if share < _RETRY_SHARE or len(words) < 5:
        found = engine.orientation(gray)
        if found is not None and found[0] != 0 and found[1] >= 1.5:
            candidate = rotate(gray, -found[0], expand=True)
            c_words, c_conf, c_share = _read(candidate)
            logger.info(
                "page %d: turned %d° (OSD confidence %.1f): %.2f → %.2f", page, found[0], found[1], share, c_share
            )
            if c_share > share:
                gray, words, confidence, share, turned = candidate, c_words, c_conf, c_share, found[0]
    view = rotate(_scaled(image.convert("RGB")), angle)
    if turned:
        view = rotate(view, -turned, expand=True)
    result = OcrPage(
        page=page,
        width=gray.width,
        height=gray.height,
        words=[
            OcrWord(text=w.text, left=w.left, top=w.top, width=w.width, height=w.height, conf=w.conf) for w in words
        ],
        confidence=confidence,
        valid_share=share,
        low_quality=bool(words) and (confidence < MIN_CONFIDENCE or share < MIN_VALID_SHARE),
        angle=round(angle - turned, 2),
        image=_view_jpeg(view),
    )
    return assemble(words), result


def _scaled(image):
    """The page at most ``_VIEW_WIDTH`` pixels wide (same proportions: the word boxes still fit it)."""
    from PIL import Image

    if image.width <= _VIEW_WIDTH:
        return image
    return image.resize((_VIEW_WIDTH, round(image.height * _VIEW_WIDTH / image.width)), Image.LANCZOS)


def _view_jpeg(image) -> bytes:
    """The page as the viewer shows it, JPEG."""
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=60, optimize=True)
    return buf.getvalue()
