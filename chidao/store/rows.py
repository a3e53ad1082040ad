"""Typed rows the snapshot returns: one small frozen record per kind of read, defined once.

They mirror the manifest's tables (``chidao/store/layout.py: SCHEMA``); ``as_dict()`` gives the
JSON shape the CLI contract and the web UI use.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


class _Row:
    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    def __getitem__(self, key: str) -> Any:  # lets callers that read rows by column name keep working
        return getattr(self, key)


@dataclass(frozen=True, slots=True)
class DocumentRow(_Row):
    """A document's metadata; ``text`` and ``page_starts`` only when asked for."""

    doc_id: str
    source: str
    format: str
    number: str | None
    number_key: str | None
    year: int | None
    type: str | None
    issuer: str | None
    place: str | None
    date: str | None
    title: str | None
    signer: str | None
    warnings: list[str]
    pages: int | None  # number of PDF pages, None for unpaged formats
    page_starts: list[int] | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class PassageRow(_Row):
    """A chunk with its text and its document's metadata (what a search hit shows)."""

    id: int
    chunk_id: str
    doc_id: str
    section: str
    start: int
    end: int
    page: int | None
    text: str
    source: str
    number: str | None
    type: str | None
    issuer: str | None
    date: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class CitationRow(_Row):
    """A number cited by a document, and where."""

    doc_id: str
    number: str
    key: str
    year: int | None
    type: str | None
    date: str | None
    context: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CitingRow(_Row):
    """A citation joined with the citing document's metadata."""

    citation: CitationRow
    source: str
    number: str | None
    date: str | None
    type: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class AssignmentRow(_Row):
    """An extracted assignment with its document's metadata."""

    id: int
    doc_id: str
    agency: str
    agency_text: str
    role: str
    task: str
    deadline: str | None
    section: str
    start: int
    end: int
    source: str
    number: str | None
    type: str | None
    date: str | None
    issuer: str | None
    title: str | None
    # the other agencies given the same task of the same document (a shared assignment), in reading order
    co_assignees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceRow(_Row):
    """A file recorded in the index (``path`` is ``hex:…`` for an undecodable name)."""

    path: str
    source: str
    doc_id: str
    file_hash: str
    size: int


@dataclass(frozen=True, slots=True)
class AgencyCount(_Row):
    agency: str
    assignments: int
    documents: int
