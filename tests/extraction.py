"""Extracting assignments from a sentence written for a test, as ingest does (normalised, then structured)."""

from __future__ import annotations

from chidao.lang.agencies import AgencyCanon
from chidao.lang.text import nfc
from chidao.records import Assignment
from ingest.assignments import extract_assignments
from ingest.normalize import normalize_text
from ingest.structure import parse_blocks


def extract(raw: str, canon: AgencyCanon) -> tuple[str, list[Assignment]]:
    """(the normalised text, its assignments); every task span indexes the text as it is."""
    text = normalize_text(nfc(raw))
    found = extract_assignments(text, parse_blocks(text), canon)
    for a in found:
        assert text[a.start : a.end] == a.task  # spans index the text as it is, glued syllables and all
    return text, found
