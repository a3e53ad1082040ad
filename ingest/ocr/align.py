"""Where each OCR word landed in the document text, so that a passage (a span of the text) can be
shown as boxes on the page image.

Normalisation joins wrapped lines, drops running headers and repairs hyphenation, so offsets are
not carried through it; instead each page's words are found again, in order, in that page's part
of the normalised text: each word is searched a short way ahead of the previous one (a word that
normalisation dropped is simply not found and the search goes on from where it was).
"""

from __future__ import annotations

from chidao.records import OcrPage

_AHEAD = 80  # characters searched past the previous word (dropped headers, joined hyphenation)


def locate_words(text: str, page_starts: list[int] | None, pages: list[OcrPage], clean=None) -> list[OcrPage]:
    """Copies of ``pages`` whose words carry ``start``/``end`` in ``text`` (-1 when not found).

    ``clean`` turns a word into the form the normalised text has (e.g. ``ingest.normalize.clean_chars``)."""
    out: list[OcrPage] = []
    starts = page_starts or [0]
    for page in pages:
        page = page.model_copy(deep=True)
        index = page.page - 1
        lo = starts[index] if index < len(starts) else len(text)
        hi = starts[index + 1] if index + 1 < len(starts) else len(text)
        cursor = lo
        for word in page.words:
            token = (clean(word.text) if clean else word.text).strip()
            if not token:
                continue
            limit = min(hi, cursor + _AHEAD + len(token))
            found = text.find(token, cursor, limit)
            if found < 0 and len(token) > 1 and token.endswith(("-", "‐")):  # "phát-" joined with "triển"
                token = token[:-1]
                found = text.find(token, cursor, limit)
            if found >= 0:
                word.start, word.end = found, found + len(token)
                cursor = word.end
        out.append(page)
    return out


def words_in(page: OcrPage, start: int, end: int) -> list[int]:
    """Indexes of the words of ``page`` that lie (partly) within the text span ``start``..``end``."""
    return [i for i, w in enumerate(page.words) if w.start >= 0 and w.start < end and w.end > start]
