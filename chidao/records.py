"""The typed records that flow through chidao, each defined once.

Ingest: ``LoadedFile`` (load) → ``NormalizedText`` (normalize) → ``Block`` list (structure) →
``DocumentMeta`` / ``Reference`` / ``Assignment`` (extract) → ``Chunk`` (chunk) → ``Document``
(everything the index stores about one document).
Search: ``Hit``, ``Citation``, ``Answer``.

Offsets (``start``/``end``) always index the document's normalised text (``Document.text``),
so ``document.text[chunk.start:chunk.end] == chunk.text``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["chủ trì", "phối hợp", "giao"]
ROLES: tuple[Role, ...] = ("chủ trì", "phối hợp", "giao")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- ingest


class OcrWord(Record):
    """One word Tesseract read, its box in the page image's pixels (``OcrPage.width`` × ``height``)
    and, once the document text is known, the span of the document text it became (-1: none)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # Tesseract's confidence, 0..100
    start: int = -1
    end: int = -1


class OcrPage(Record):
    """One page read by OCR: its words with boxes, the page image they refer to, and its quality."""

    page: int  # 1-based page of the file
    width: int  # pixels of the (deskewed) image the boxes refer to
    height: int
    words: list[OcrWord] = Field(default_factory=list)
    confidence: float = 0.0  # mean word confidence, 0..100
    valid_share: float = 0.0  # share of words that are valid Vietnamese syllables (or numbers, symbols)
    low_quality: bool = False
    angle: float = 0.0  # degrees the scan was turned to read it (rotation + deskew)
    image: bytes | None = None  # the page image (JPEG, maybe scaled down) the viewer draws the boxes on


class LoadedFile(Record):
    """What a loader read from one file, before normalisation."""

    source: str  # the path as the user gave it (display, contract "source")
    path: str  # resolved absolute path (identity, existence checks)
    format: Literal["pdf", "docx", "doc", "txt", "md", "html", "png", "jpeg", "tiff"]
    pages: list[str]  # one entry per PDF page or image frame; a single entry for other formats
    file_hash: str  # sha256 of the file's bytes
    size: int
    warnings: list[str] = Field(default_factory=list)
    ocr_pages: list[OcrPage] = Field(default_factory=list)  # the pages read by OCR (others had a text layer)


class NormalizedText(Record):
    text: str
    page_starts: list[int] | None = None  # offset where each page begins (PDF only)
    warnings: list[str] = Field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """1-based page number holding ``offset``, or None for unpaged text."""
        if not self.page_starts:
            return None
        import bisect

        return max(1, bisect.bisect_right(self.page_starts, offset))


class Block(Record):
    """A heading, paragraph or list item of the document, with its place in the heading tree."""

    kind: Literal["heading", "paragraph", "item"]
    start: int
    end: int
    level: int = 0  # heading depth (1 = top); for items/paragraphs the depth of their section
    label: str = ""  # "3.5.", "a)", "Điều 5.", "-" …
    path: list[str] = Field(default_factory=list)  # ancestor headings (and itself, for a heading)
    intro: bool = False  # a heading or paragraph that introduces the list that follows (ends with ":")


class DocumentMeta(Record):
    number: str | None = None  # "81/TB-VPCP" as printed (internal spaces removed)
    type: str | None = None  # "Thông báo", "Công điện", …
    issuer: str | None = None
    place: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    title: str | None = None  # trích yếu
    signer: str | None = None


class Reference(Record):
    """A document number cited in a text."""

    number: str  # as printed, internal spaces removed: "570/CĐ-TTg"
    key: str  # folded comparison key: "570/CD-TTG"
    year: int | None = None  # from the date after it or the year inside the number
    type: str | None = None  # the type word before it ("Công điện")
    date: str | None = None  # ISO date after it ("ngày 23/4/2021")
    context: str = ""  # the citing sentence
    start: int = 0
    end: int = 0


class Assignment(Record):
    agency: str  # canonical name
    agency_text: str  # as printed
    role: Role
    task: str
    deadline: str | None = None  # as printed: "trước ngày 15/12/2016"
    section: str = ""
    start: int = 0
    end: int = 0

    @property
    def embed_text(self) -> str:
        """What the encoder sees when an answer scores this assignment against a question."""
        return assignment_passage(self.section, self.agency, self.task)


def assignment_passage(section: str, agency: str, task: str) -> str:
    """An assignment as one passage for the encoder: its section, then "agency: task". Ingest embeds it
    beside the chunks, so that answering an agency's question needs no encoder pass over its tasks."""
    return f"{section}\n{agency}: {task}"


class Chunk(Record):
    chunk_id: str  # f"{doc_id}_{ordinal}"
    doc_id: str
    ordinal: int
    text: str  # == document text[start:end]
    section: str  # heading path joined with " > "
    start: int
    end: int
    page: int | None = None
    page_end: int | None = None

    @property
    def embed_text(self) -> str:
        """What the encoder sees: the heading path carried into the passage."""
        return f"{self.section}\n{self.text}" if self.section else self.text


class Document(Record):
    doc_id: str  # content hash of the normalised text (first 16 hex digits)
    source: str  # first source it was ingested from
    sources: list[str] = Field(default_factory=list)  # every file with this content
    format: str
    text: str
    page_starts: list[int] | None = None
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    chunks: list[Chunk] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    ocr_pages: list[OcrPage] = Field(default_factory=list)  # word boxes ``start``/``end`` index ``text``


class Failure(Record):
    source: str
    error: str  # a sentence a clerk understands (Vietnamese)
    code: str = "error"  # machine-readable: encrypted_pdf, no_text_layer, unsupported_format …


class IngestReport(Record):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0  # chunks in the index after the run
    embedded: int = 0  # passages actually sent to the encoder during this run
    failed: list[Failure] = Field(default_factory=list)
    duplicates: list[dict[str, str]] = Field(default_factory=list)  # {"source", "same_as"}
    seconds: dict[str, float] = Field(default_factory=dict)  # read/parse, embed, publish


FileStatus = Literal["added", "unchanged", "replaced", "duplicate", "failed"]


class FileResult(Record):
    """What happened to one file handed to the ingest service (``ingest/service.py``), e.g. an upload."""

    name: str  # the file name the clerk knows (the uploaded name, not the stored one)
    status: FileStatus  # replaced: a file of that name was indexed before with other bytes;
    # duplicate: its content is already indexed under another file
    code: str | None = None  # when failed: a LoadError code, or too_large, index_busy, index_write …
    message: str = ""  # Vietnamese, for the clerk (why it failed, or which file it duplicates)
    doc_id: str | None = None  # the document it is indexed as (not for failed files)


# ---------------------------------------------------------------- search


class Filters(Record):
    type: str | None = None
    issuer: str | None = None
    agency: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None
    doc_id: str | None = None  # one document only


class Hit(Record):
    source: str
    chunk_id: str
    score: float
    number: str | None = None
    type: str | None = None
    issuer: str | None = None
    date: str | None = None
    title: str | None = None
    section: str = ""
    page: int | None = None
    text: str
    doc_id: str = ""
    start: int = 0
    end: int = 0
    warning: str | None = None  # "chất lượng nhận dạng thấp" for a passage on a badly read scanned page


#: The mark of a passage from a scanned page that OCR read badly (in results and document lists).
LOW_OCR_QUALITY = "chất lượng nhận dạng thấp"


class Citation(Record):
    n: int  # the [n] mark in the answer
    source: str
    number: str | None = None
    type: str | None = None
    date: str | None = None
    issuer: str | None = None
    section: str = ""
    page: int | None = None
    text: str  # the exact passage, a slice of the document text
    doc_id: str = ""
    start: int = 0
    end: int = 0


class Answer(Record):
    question: str
    intent: Literal["assignment", "reference", "topic"]
    found: bool
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    generated: bool = False  # True when an LLM endpoint phrased the answer
    agency: str | None = None  # assignment answers about one agency: its canonical name
    tasks_total: int | None = None  # assignment answers: the agency's tasks in all (the answer cites some)
    # What the answer was decided on (best cosine, coverage, …): for calibration, not printed.
    signals: dict[str, float] = Field(default_factory=dict, exclude=True)
