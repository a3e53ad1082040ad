"""The document viewer: ``/van-ban/{doc_id}?start=…&end=…`` renders a document's normalised
text with the cited passage in ``<mark>`` (page markers for PDFs), and ``/van-ban/{doc_id}/tep-goc``
returns the original file, only a file the index records (``Backend.original_file``).

For a passage on a page read by OCR the viewer first shows that page's scanned image with the
passage's words boxed over it (``render_scans``: absolutely positioned boxes in percent of the
page, from the word boxes the index keeps); ``/van-ban/{doc_id}/trang/{page}`` serves the image."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from typing import Any

from chidao.records import OcrPage
from webui import SECURITY_HEADERS
from webui.render import doc_label, esc

VIEWER_PREFIX = "/van-ban/"
_DOC_ID_RE = re.compile(r"^[0-9a-f]{8,64}$")

VIEWER_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
       font-size: 19px; line-height: 1.6; color: #111; background: #fff; margin: 0; }
header { position: sticky; top: 0; z-index: 10; background: #f1f5f9; border-bottom: 2px solid #1e3a8a;
         padding: .6em 1.2em; }
header h1 { font-size: 1.25em; margin: 0 0 .2em; color: #0f172a; }
header .meta { font-size: .9em; color: #334155; }
header a { color: #1e3a8a; font-weight: 600; margin-right: 1.2em; }
main { max-width: 60em; margin: 0 auto; padding: 1em 1.2em 40vh; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #fde047; color: #000; padding: .1em 0; scroll-margin-top: 35vh; outline: 2px solid #ca8a04; }
.page { display: block; margin: 1.2em 0 .6em; padding: .2em .6em; background: #e2e8f0; color: #1e293b;
        font-size: .85em; font-weight: 600; border-left: 4px solid #1e3a8a; scroll-margin-top: 6em; }
.missing { padding: 2em; }
.scans h2 { font-size: 1em; margin: 1em 0 .4em; color: #1e293b; }
.scan { position: relative; width: 100%; max-width: 52em; border: 1px solid #94a3b8; line-height: 0; }
.scan img { display: block; width: 100%; height: auto; }
.scan .hl { position: absolute; background: rgba(250, 204, 21, .35); outline: 2px solid #ca8a04;
            scroll-margin-top: 40vh; }
.scan-note { font-size: .9em; color: #92400e; }
"""
#: The viewer shows page images served by itself.
VIEWER_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": SECURITY_HEADERS["Content-Security-Policy"] + "; img-src 'self'",
}
_PAGE_IMAGE = "trang"


def _pct(value: float, whole: int) -> str:
    return f"{100.0 * value / max(1, whole):.3f}%"


def render_scans(doc_id: str, pages: list[OcrPage], start: int, end: int) -> str:
    """The scanned images of ``pages`` with a box over each word of the passage ``start``..``end``
    (words whose text span overlaps it). Boxes are placed in percent of the page so they follow
    the image at any width; each carries the word's index on its page (``data-word``)."""
    parts: list[str] = []
    for page in pages:
        boxes = []
        for i, w in enumerate(page.words):
            if w.start < 0 or not (w.start < end and w.end > start):
                continue
            boxes.append(
                f'<div class="hl" data-word="{i}" title="{esc(w.text)}" style="left:{_pct(w.left, page.width)};'
                f"top:{_pct(w.top, page.height)};width:{_pct(w.width, page.width)};"
                f'height:{_pct(w.height, page.height)}"></div>'
            )
        if not boxes:
            continue
        note = (
            f'<p class="scan-note">Trang này có chất lượng nhận dạng thấp (độ tin cậy {page.confidence:.0f}%, '
            f"{page.valid_share:.0%} âm tiết hợp lệ): hãy đối chiếu chữ với ảnh.</p>"
            if page.low_quality
            else ""
        )
        src = f"{esc(doc_id)}/{_PAGE_IMAGE}/{page.page}"
        parts.append(
            f"<h2>Ảnh quét trang {page.page} — đoạn được trích đánh dấu trên ảnh</h2>{note}"
            f'<div class="scan" id="anh-trang-{page.page}" data-page="{page.page}">'
            f'<img src="{src}" alt="Ảnh quét trang {page.page}">{"".join(boxes)}</div>'
        )
    return f'<section class="scans">{"".join(parts)}</section>' if parts else ""


def render_viewer(
    doc: Mapping[str, Any],
    start: int | None = None,
    end: int | None = None,
    *,
    download: bool = False,
    scans: str = "",
) -> str:
    """A standalone HTML page with the document's normalised text, the passage
    ``text[start:end]`` in ``<mark id="doan">`` and, for PDFs, a marker where each page begins;
    ``scans`` (from ``render_scans``) goes above the text."""
    text: str = doc.get("text") or ""
    n = len(text)
    if start is None or end is None or not (0 <= start < end <= n):
        start = end = None
    page_starts = [p for p in (doc.get("page_starts") or []) if 0 <= p <= n]
    page_of = {p: i + 1 for i, p in enumerate(page_starts)}
    cuts = {0, n, *page_starts}
    if start is not None:
        cuts |= {start, end}
    bounds = sorted(cuts)
    body: list[str] = []
    first_mark = True
    for a, b in zip(bounds, [*bounds[1:], None], strict=True):
        if a in page_of:
            body.append(f'<span class="page" id="trang-{page_of[a]}">Trang {page_of[a]}</span>')
        if b is None or a == b:
            continue
        piece = esc(text[a:b])
        if start is not None and start <= a and b <= end:
            ident = ' id="doan"' if first_mark else ""
            first_mark = False
            body.append(f"<mark{ident}>{piece}</mark>")
        else:
            body.append(piece)
    label = doc_label(doc)
    meta = " · ".join(
        esc(x)
        for x in (
            doc.get("issuer"),
            doc.get("title") if doc.get("title") != label else None,
            f"{len(page_starts)} trang" if page_starts else None,
        )
        if x
    )
    links = []
    if start is not None:
        links.append('<a href="#doan">Đến đoạn được trích</a>')
    if download:
        base = f"{esc(doc['doc_id'])}/tep-goc"
        if doc.get("format") == "pdf":
            page = bisect.bisect_right(page_starts, start) if start is not None and page_starts else 1
            links.append(
                f'<a href="{base}?xem=1#page={page}" target="_blank" rel="noopener">Mở PDF gốc (trang {page})</a>'
            )
        links.append(f'<a href="{base}">Tải tệp gốc</a>')
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(label)}</title><style>{VIEWER_CSS}</style></head><body>"
        f"<header><h1>{esc(label)}</h1><div class='meta'>{meta}</div><nav>{''.join(links)}</nav></header>"
        f'<main>{scans}<div class="text">{"".join(body)}</div></main></body></html>'
    )


def _scans(backend, doc: Mapping[str, Any], start: int | None, end: int | None) -> str:
    """The scanned pages a cited passage lies on, with its words boxed; "" for a passage not on a scan."""
    text_len = len(doc.get("text") or "")
    page_starts = doc.get("page_starts") or []
    snap = backend.searcher.snapshot
    if start is None or end is None or not (0 <= start < end <= text_len) or not page_starts or snap is None:
        return ""
    first = bisect.bisect_right(page_starts, start)
    last = bisect.bisect_right(page_starts, end - 1)
    pages = [p for p in (snap.ocr_page(doc["doc_id"], n) for n in range(first, last + 1)) if p is not None]
    return render_scans(doc["doc_id"], pages, start, end) if pages else ""


def message_page(title: str, text: str) -> str:
    """A small standalone page with a title and a sentence (not found, no original file)."""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{VIEWER_CSS}</style></head><body>"
        f"<main class='missing'><h1>{esc(title)}</h1><p>{esc(text)}</p></main></body></html>"
    )


def add_viewer_routes(app, backend) -> None:
    """Add the viewer and original-file routes of ``backend``'s index to the FastAPI ``app``."""
    from fastapi.responses import FileResponse, HTMLResponse, Response

    def not_found(title: str, text: str) -> HTMLResponse:
        return HTMLResponse(message_page(title, text), status_code=404, headers=SECURITY_HEADERS)

    @app.get(VIEWER_PREFIX + "{doc_id}", response_class=HTMLResponse)
    def view_document(doc_id: str, start: int | None = None, end: int | None = None):
        doc = backend.searcher.document(doc_id) if _DOC_ID_RE.match(doc_id) else None
        if doc is None:
            return not_found(
                "Không tìm thấy văn bản", "Văn bản này không có trong chỉ mục (có thể đã bị xoá hoặc cập nhật)."
            )
        download = backend.original_file(doc_id) is not None
        scans = _scans(backend, doc, start, end)
        return HTMLResponse(render_viewer(doc, start, end, download=download, scans=scans), headers=VIEWER_HEADERS)

    @app.get(VIEWER_PREFIX + "{doc_id}/" + _PAGE_IMAGE + "/{page}")
    def page_image(doc_id: str, page: int):
        snap = backend.searcher.snapshot if _DOC_ID_RE.match(doc_id) else None
        image = snap.page_image(doc_id, page) if snap is not None else None
        if image is None:
            return not_found("Không có ảnh trang", "Trang này không phải ảnh quét được nhận dạng chữ (OCR).")
        return Response(image, media_type="image/jpeg", headers={"X-Content-Type-Options": "nosniff"})

    @app.get(VIEWER_PREFIX + "{doc_id}/tep-goc")
    def download_original(doc_id: str, xem: int = 0):
        found = backend.original_file(doc_id) if _DOC_ID_RE.match(doc_id) else None
        if found is None:
            return not_found(
                "Không có tệp gốc", "Tệp gốc của văn bản này không còn trên máy chủ hoặc đã thay đổi kể từ khi nạp."
            )
        path, name = found
        # ?xem=1 shows a PDF in the browser (its viewer opens at #page=N); anything else downloads
        inline = bool(xem) and path.suffix.lower() == ".pdf"
        return FileResponse(
            path,
            filename=name,
            media_type="application/pdf" if inline else None,
            content_disposition_type="inline" if inline else "attachment",
            headers={"X-Content-Type-Options": "nosniff"},
        )
