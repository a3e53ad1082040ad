"""DOCX: paragraphs, tables (each merged cell once), text boxes and content controls, in document order."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator

from ingest.loaders import register
from ingest.loaders.base import Read, Source, error

logger = logging.getLogger(__name__)


@register("docx")
def load_docx(src: Source) -> Read:
    return Read("docx", [read_docx(src.data)])


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_V_TEXTBOX = "{urn:schemas-microsoft-com:vml}textbox"
_SKIP_IN_PARAGRAPH = {_W + "del", _W + "txbxContent", _MC_FALLBACK, _W + "rPr", _W + "pPr", _W + "instrText"}


def read_docx(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise error("corrupt_docx") from exc
    except Exception as exc:  # malformed XML inside the package
        logger.debug("python-docx failed: %r", exc)
        raise error("corrupt_docx") from exc
    lines: list[str] = []
    _docx_blocks(document.element.body, lines)
    return "\n".join(lines)


def _docx_blocks(container, lines: list[str]) -> None:
    """Paragraphs and tables of a body / cell / text box, in document order."""
    # Iterative over nested content controls; tables recurse through _docx_table (bounded by XML).
    stack = [iter(container)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag == _W + "p":
            boxes: list = []
            lines.append(_docx_paragraph(child, boxes))
            for box in boxes:
                _docx_blocks(box, lines)
        elif tag == _W + "tbl":
            _docx_table(child, lines)
        elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "smartTag"):
            stack.append(iter(child))


def _docx_paragraph(p, boxes: list) -> str:
    """A paragraph's visible text (runs, hyperlinks, insertions, fields' results); text boxes
    found inside it are appended to ``boxes`` (their VML fallback copies skipped)."""
    out: list[str] = []
    stack = [iter(p)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == _W + "t":
            out.append(el.text or "")
        elif tag == _W + "tab" or tag == _W + "ptab":
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "txbxContent":
            boxes.append(el)
        elif tag in _SKIP_IN_PARAGRAPH:
            continue
        else:
            stack.append(iter(el))
    return "".join(out)


def _docx_table(tbl, lines: list[str]) -> None:
    """Cells one per line, each merged cell once (horizontal spans are one w:tc; vertical
    continuations carry w:vMerge without val="restart" and are skipped)."""
    for tr in tbl.iterchildren(_W + "tr"):
        for tc in _row_cells(tr):
            tcpr = tc.find(_W + "tcPr")
            vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
            if vmerge is not None and vmerge.get(_W + "val", "continue") != "restart":
                continue
            _docx_blocks(tc, lines)


def _row_cells(tr) -> Iterator:
    for child in tr:
        if child.tag == _W + "tc":
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            content = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            if content is not None:
                yield from (c for c in content if c.tag == _W + "tc")
