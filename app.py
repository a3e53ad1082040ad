"""The web UI for clerks: a thin Gradio view over ``search.searcher.Searcher``.

Tabs: Hỏi đáp (cited answers), Tìm kiếm (filtered search with highlighted words), Tra cứu số hiệu
(a document number, who cites it and what it cites), Nhiệm vụ theo cơ quan (an agency's tasks,
exported to Excel/CSV) and Văn bản (the indexed documents, upload and deletion).

Beside Gradio the app serves its own routes: ``/van-ban/{doc_id}?start=…&end=…`` renders a
document's normalised text with the cited passage in ``<mark>`` (page markers for PDFs) and
``/van-ban/{doc_id}/tep-goc`` returns the original file, only a file the index records. With
``settings.auth`` every route but the login page needs a session (``AuthGate``).

Importing this module loads neither Gradio nor the model nor the index: ``serve()`` does, once,
and one ``Searcher`` is shared read-only by every user. Uploads are stored under
``<index>/uploads/`` with names the server makes, and re-indexed under a lock while others search.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import html
import json
import logging
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from chidao.config import Settings
from chidao.text import fold, has_accents, nfc
from search.export import ROLE_LABELS

# Offline: Gradio must never phone home, whoever imports it after us.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("GRADIO_SSR_MODE", "False")
os.environ.setdefault("GRADIO_RUN_HISTORY", "False")

logger = logging.getLogger(__name__)

APP_TITLE = "Tra cứu văn bản chỉ đạo điều hành"
SESSION_COOKIE = "chidao_phien"
SESSION_HOURS = 12
LOGIN_PATH = "/dang-nhap"
LOGOUT_PATH = "/dang-xuat"
VIEWER_PREFIX = "/van-ban/"
#: File name suffixes a clerk may upload (the content decides how a file is read).
UPLOAD_SUFFIXES = (".pdf", ".docx", ".doc", ".txt", ".md", ".markdown", ".html", ".htm")
_DOC_ID_RE = re.compile(r"^[0-9a-f]{8,64}$")
_WORD_RE = re.compile(r"\w+")

EMPTY_HELP = (
    "Chỉ mục chưa có văn bản nào. Hãy nạp văn bản ở thẻ <b>Văn bản</b> (nút “Chọn tệp để nạp”, "
    "nhận PDF, DOCX, TXT, MD, HTML), hoặc trên máy chủ chạy lệnh "
    "<code>chidao ingest thư-mục-văn-bản/</code>; sau đó tải lại trang này."
)

# ---------------------------------------------------------------- small text helpers


def esc(value: Any) -> str:
    """HTML-escape anything (None → empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def format_date(iso: str | None) -> str:
    """``"2021-05-04"`` → ``"04/05/2021"``; other text unchanged; None → ``""``."""
    if not iso:
        return ""
    try:
        return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


_DMY_RE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_MY_RE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_user_date(text: str | None, *, end: bool = False) -> str | None:
    """A date typed by a clerk → ISO ``yyyy-mm-dd`` (None when empty).

    Accepts ``dd/mm/yyyy`` (also with ``-`` or ``.``), ``yyyy-mm-dd``, ``mm/yyyy`` and ``yyyy``;
    a month or a year means its first day, or its last day with ``end=True``. Raises ValueError
    with a Vietnamese message otherwise.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        if m := _DMY_RE.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if m := _ISO_RE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := _MY_RE.match(text):
            year, month = int(m[2]), int(m[1])
            first = dt.date(year, month, 1)
            if not end:
                return first.isoformat()
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat()
        if re.fullmatch(r"\d{4}", text):
            return f"{text}-12-31" if end else f"{text}-01-01"
    except ValueError:
        pass
    raise ValueError(f"Ngày “{text}” không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 02/05/2021.")


# ---------------------------------------------------------------- highlighting

#: Function syllables (accent-folded) never highlighted on their own.
_HIGHLIGHT_STOP = frozenset(
    fold(w)
    for w in (
        "và của các có được cho với trong theo về là những này đã để tại từ trên một không gì nào ai "
        "thì mà ở đến vào ra hay hoặc cũng sẽ đang bị bởi như nhau làm việc cần phải đó khi"
    ).split()
)


@dataclass(frozen=True)
class _Term:
    folded: str
    accents: str | None  # the diacritics of an accented query word; None = match any accents


def _accent_key(word: str) -> str:
    """The diacritics of a word, independent of where the tone mark sits ("hoà" = "hòa")."""
    low = unicodedata.normalize("NFD", word.lower())
    return "".join(sorted(c for c in low if unicodedata.combining(c))) + "đ" * low.count("đ")


def query_terms(query: str) -> list[_Term]:
    """The syllables of a query. A query typed without any accents matches any accents; in a
    query typed with accents every word keeps its own ("giao" then does not match "giáo")."""
    words = _WORD_RE.findall(nfc(query or ""))
    strict = has_accents(" ".join(words))
    return [_Term(fold(w), _accent_key(w) if strict and not _is_code(w) else None) for w in words]


def _is_code(word: str) -> bool:
    """Parts of document numbers and abbreviations ("CĐ", "TTg", "UBND", "570"), typed with or
    without Đ alike."""
    return any(c.isdigit() for c in word) or sum(c.isupper() for c in word) >= 2


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Offsets in ``text`` of the runs of syllables the query contains, compared accent-folded.

    A query typed without accents matches any accents ("so y te" → "Sở Y tế"); in a query typed
    with accents each word matches its own accents, wherever the tone mark sits ("hoà" = "hòa",
    "giao" ≠ "giáo"). Runs of two or more
    consecutive query syllables are marked (so "Y" in "Sở Y tế" is); a single syllable is marked
    only when it carries meaning (three letters or more, or a number, and not a function word),
    or when it is the query's only meaningful word.
    """
    terms = query_terms(query)
    if not terms or not text:
        return []
    content = [t for t in terms if t.folded not in _HIGHLIGHT_STOP]
    toks = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    folded = [fold(t[2]) for t in toks]

    def matches(i: int, q: int) -> bool:
        term = terms[q]
        if folded[i] != term.folded:
            return False
        return term.accents is None or _accent_key(toks[i][2]) == term.accents

    def single_ok(q: int) -> bool:
        f = terms[q].folded
        if not content:
            return True
        if f in _HIGHLIGHT_STOP:
            return False
        return len(f) >= 3 or f.isdigit() or len(content) == 1

    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        best, best_q = 0, -1
        for q in range(len(terms)):
            if not matches(i, q):
                continue
            length = 1
            while (
                i + length < len(toks)
                and q + length < len(terms)
                and toks[i + length][0] - toks[i + length - 1][1] <= 3
                and matches(i + length, q + length)
            ):
                length += 1
            if length > best:
                best, best_q = length, q
        if best >= 2 or (best == 1 and single_ok(best_q)):
            spans.append((toks[i][0], toks[i + best - 1][1]))
            i += best
        else:
            i += 1
    return spans


def highlight_html(text: str, query: str) -> str:
    """``text`` HTML-escaped with the query's syllables wrapped in ``<mark>``."""
    out, pos = [], 0
    for s, e in highlight_spans(text, query):
        out += [esc(text[pos:s]), "<mark>", esc(text[s:e]), "</mark>"]
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


# ---------------------------------------------------------------- safe upload names

_UNSAFE_NAME_RE = re.compile(r"[^\w]+", re.UNICODE)
_KIND_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html"}


def safe_upload_name(client_name: str, kind: str) -> str:
    """The name an uploaded file is stored under: the client's base name (no folders, no dots,
    no separators, letters/digits kept, at most 80 characters) and a suffix chosen by the content
    ``kind`` ("pdf", "docx", "doc", "html" or "text"), never by the client."""
    base = nfc(str(client_name or "")).replace("\\", "/").split("/")[-1]
    suffix = ""
    if "." in base:
        base, suffix = base.rsplit(".", 1)
        suffix = "." + suffix.lower()
    stem = _UNSAFE_NAME_RE.sub("-", base).strip("-_")[:80].strip("-_") or "van-ban"
    text_ext = ".md" if suffix in (".md", ".markdown") else ".txt"
    return stem + (text_ext if kind == "text" else _KIND_SUFFIX.get(kind, ".txt"))


class UploadRejected(ValueError):
    """An uploaded file refused before indexing; the message is Vietnamese."""


def check_upload(data: bytes, client_name: str, max_bytes: int) -> str:
    """The content kind of an uploaded file ("pdf", "docx", "doc", "html", "text"), or raise
    ``UploadRejected``: too large, empty, an extension or a content chidao does not read."""
    from ingest.load import LoadError, _looks_binary, _sniff  # the loader's own format sniffing

    suffix = Path(str(client_name)).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        shown = suffix or "không có đuôi"
        raise UploadRejected(f"Loại tệp không được nhận ({shown}); chỉ nhận PDF, DOCX, DOC, TXT, MD hoặc HTML.")
    if len(data) > max_bytes:
        raise UploadRejected(
            f"Tệp quá lớn ({len(data) / 2**20:.1f} MB, giới hạn {max_bytes // 2**20} MB); "
            "hãy tách tệp thành nhiều phần nhỏ hơn."
        )
    if not data:
        raise UploadRejected("Tệp rỗng (0 byte); hãy kiểm tra lại tệp gốc.")
    try:
        kind = _sniff(data, suffix)
    except LoadError as exc:
        raise UploadRejected(exc.message) from exc
    if kind == "text" and _looks_binary(data):
        raise UploadRejected(
            "Nội dung tệp không phải văn bản đọc được (dữ liệu nhị phân); hãy lưu lại thành PDF, DOCX hay TXT."
        )
    return kind


def store_upload(data: bytes, name: str, uploads: Path) -> Path:
    """Write ``data`` as ``uploads/name`` (atomically, never following a symbolic link; an
    identical file already there is kept as it is). ``name`` must come from ``safe_upload_name``."""
    if name != Path(name).name or name in ("", ".", "..") or name.startswith("."):
        raise UploadRejected("Tên tệp không hợp lệ.")
    uploads.mkdir(parents=True, exist_ok=True)
    if uploads.is_symlink() or not uploads.is_dir():
        raise UploadRejected("Thư mục lưu tệp tải lên không hợp lệ; hãy báo quản trị viên.")
    root = uploads.resolve()
    target = root / name
    if target.parent != root:
        raise UploadRejected("Tên tệp không hợp lệ.")
    try:
        st = os.lstat(target)
        if stat.S_ISREG(st.st_mode) and st.st_size == len(data):
            with open(target, "rb") as f:
                if hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest():
                    return target
    except FileNotFoundError:
        pass
    tmp = root / f".{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o640)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)  # replaces a link named like the target, never writes through it
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def within(path: Path | str, folder: Path | str) -> bool:
    """Is ``path`` (resolved) inside ``folder`` (resolved)?"""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except (ValueError, OSError):
        return False
    return True


# ---------------------------------------------------------------- HTML pieces


def viewer_url(doc_id: str, start: int | None = None, end: int | None = None, page: int | None = None) -> str:
    """Relative link to the document viewer, scrolled to the passage (or the page)."""
    params: dict[str, int] = {}
    if start is not None and end is not None and end > start:
        params = {"start": int(start), "end": int(end)}
    if page:
        params["page"] = int(page)
    url = f"van-ban/{quote(doc_id)}"
    if params:
        url += "?" + urlencode(params)
    if "start" in params:
        url += "#doan"
    elif page:
        url += f"#trang-{int(page)}"
    return url


def doc_label(d: Mapping[str, Any]) -> str:
    """The label of a document-like mapping: "Thông báo số 81/TB-VPCP ngày 26/04/2021" (plain text)."""
    parts = []
    kind = d.get("type")
    number = d.get("number")
    if kind:
        parts.append(kind)
    if number:
        parts.append(f"số {number}" if kind else number)
    if d.get("date"):
        parts.append(f"ngày {format_date(d.get('date'))}")
    if not parts:
        title = d.get("title")
        if title:
            return title if len(title) <= 90 else title[:89] + "…"
        return Path(str(d.get("source") or "văn bản")).name
    label = " ".join(parts)
    return label[:1].upper() + label[1:]


def _open_link(url: str, text: str = "Mở văn bản tại đoạn này ↗") -> str:
    return f'<a class="cd-open" href="{esc(url)}" target="_blank" rel="noopener">{esc(text)}</a>'


def _note(text: str, kind: str = "info") -> str:
    return f'<div class="cd-note cd-note-{kind}">{text}</div>'


def empty_index_html() -> str:
    return _note(EMPTY_HELP, "empty")


def _answer_text_html(answer: str, links: Mapping[int, str]) -> str:
    def marks(line: str) -> str:
        out, pos = [], 0
        for m in re.finditer(r"\[(\d{1,3})\]", line):
            n = int(m[1])
            out.append(esc(line[pos : m.start()]))
            if n in links:
                out.append(
                    f'<a class="cd-mark" href="{esc(links[n])}" target="_blank" rel="noopener" '
                    f'title="Mở nguồn [{n}]">[{n}]</a>'
                )
            else:
                out.append(esc(m[0]))
            pos = m.end()
        out.append(esc(line[pos:]))
        return "".join(out)

    parts: list[str] = []
    items: list[str] = []
    for line in (answer or "").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(("- ", "• ", "+ ")):
            items.append(f"<li>{marks(stripped[2:])}</li>")
            continue
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items = []
        parts.append(f"<p>{marks(stripped)}</p>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def _meta_line(items: Iterable[tuple[str, Any]]) -> str:
    shown = [f'<span class="cd-meta-item"><span class="cd-k">{esc(k)}:</span> {esc(v)}</span>' for k, v in items if v]
    return f'<div class="cd-meta">{" ".join(shown)}</div>' if shown else ""


def render_answer(answer: Any, question: str = "") -> str:
    """An ``Answer`` as HTML: the text with its [n] marks linked to the sources, then each
    citation (number, type, date, issuer, section, page, passage) with a link to the viewer."""
    links = {c.n: viewer_url(c.doc_id, c.start, c.end, c.page) for c in answer.citations if c.doc_id}
    out = ['<div class="cd-answer">']
    if answer.generated:
        out.append(_note("Câu trả lời được diễn đạt lại tự động; hãy đối chiếu với các trích dẫn bên dưới.", "warn"))
    out.append(f'<div class="cd-answer-text">{_answer_text_html(answer.answer, links)}</div>')
    if answer.citations:
        out.append(f'<h3 class="cd-h">Nguồn trích dẫn ({len(answer.citations)})</h3><ol class="cd-cites">')
        for c in answer.citations:
            out.append(f'<li class="cd-card cd-cite" id="trich-dan-{c.n}">')
            out.append(
                f'<div class="cd-card-head"><span class="cd-n">[{c.n}]</span> '
                f'<span class="cd-doc">{esc(doc_label(c.model_dump()))}</span></div>'
            )
            out.append(
                _meta_line(
                    [
                        ("Cơ quan ban hành", c.issuer),
                        ("Mục", c.section),
                        ("Trang", c.page),
                        ("Tệp", Path(c.source).name if c.source else None),
                    ]
                )
            )
            out.append(f'<blockquote class="cd-passage">{highlight_html(c.text, question)}</blockquote>')
            if c.doc_id:
                out.append(_open_link(links[c.n]))
            out.append("</li>")
        out.append("</ol>")
    elif not answer.found:
        out.append(
            _note("Gợi ý: thử từ khoá ngắn hơn ở thẻ <b>Tìm kiếm</b>, hoặc nạp thêm văn bản ở thẻ <b>Văn bản</b>.")
        )
    out.append("</div>")
    return "".join(out)


def render_hits(hits: Sequence[Any], query: str) -> str:
    """Search results with the query's syllables highlighted, each opening the viewer."""
    if not hits:
        return _note("Không tìm thấy đoạn văn bản nào phù hợp. Hãy thử từ khoá khác hoặc bỏ bớt bộ lọc.")
    out = [f'<div class="cd-count">{len(hits)} kết quả</div><ol class="cd-hits">']
    for h in hits:
        url = viewer_url(h.doc_id, h.start, h.end, h.page) if h.doc_id else ""
        out.append('<li class="cd-card cd-hit">')
        out.append(f'<div class="cd-card-head"><span class="cd-doc">{esc(doc_label(h.model_dump()))}</span></div>')
        title = h.title if h.title and h.title != doc_label(h.model_dump()) else None
        out.append(
            _meta_line([("Trích yếu", title), ("Cơ quan ban hành", h.issuer), ("Mục", h.section), ("Trang", h.page)])
        )
        out.append(f'<div class="cd-passage">{highlight_html(h.text, query)}</div>')
        if url:
            out.append(_open_link(url))
        out.append("</li>")
    out.append("</ol>")
    return "".join(out)


def _chip(action: str, arg: str, text: str, title: str = "") -> str:
    t = f' title="{esc(title)}"' if title else ""
    attrs = f'class="cd-chip" data-cd="{esc(action)}" data-arg="{esc(arg)}"{t}'
    return f'<button type="button" {attrs}>{esc(text)}</button>'


def render_chips(label: str, items: Sequence[str], action: str = "ask") -> str:
    if not items:
        return ""
    chips = "".join(_chip(action, q, q) for q in items)
    return f'<div class="cd-chips"><span class="cd-chips-label">{esc(label)}</span>{chips}</div>'


def _short(text: str | None, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render_graph(result: Mapping[str, Any]) -> str:
    """A small citation graph as inline SVG: citing documents → the number → what it cites.
    Nodes with a number look it up when clicked; a citing document without one opens it."""
    center = display_number(result)
    left: list[tuple[str, str, str]] = []  # (label, action, arg)
    seen: set[str] = set()
    for c in result.get("cited_by", []):
        if c["doc_id"] in seen:
            continue
        seen.add(c["doc_id"])
        if c.get("number"):
            left.append((c["number"], "lookup", c["number"]))
        else:
            left.append((doc_label(c), "open", viewer_url(c["doc_id"], c.get("start"), c.get("end"))))
    right: list[tuple[str, str, str]] = []
    seen = set()
    for d in result.get("documents", []):
        for c in d.get("cites", []):
            if c["key"] in seen:
                continue
            seen.add(c["key"])
            right.append((c["number"], "lookup", c["number"]))
    if not left and not right:
        return ""
    cap = 10
    extra_left, extra_right = max(0, len(left) - cap), max(0, len(right) - cap)
    left, right = left[:cap], right[:cap]
    row = 46
    rows = max(len(left) + bool(extra_left), len(right) + bool(extra_right), 1)
    height = rows * row + 30
    width, box_w, box_h = 960, 250, 34
    lx, cx, rx = 10, (width - box_w) // 2, width - box_w - 10
    cy = height // 2
    mid = 'text-anchor="middle"'

    def ys(n: int) -> list[int]:
        top = cy - (n * row) // 2 + (row - box_h) // 2
        return [top + i * row for i in range(n)]

    def node(x: int, y: int, label: str, action: str, arg: str, cls: str) -> str:
        text = f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="8" class="{cls}"/>'
        text += (
            f'<text x="{x + box_w // 2}" y="{y + box_h // 2 + 6}" text-anchor="middle">'
            f"{esc(_short(label, 30))}<title>{esc(label)}</title></text>"
        )
        if action == "lookup":
            return f'<g class="cd-node" data-cd="lookup" data-arg="{esc(arg)}" role="button">{text}</g>'
        if action == "open":
            return f'<a href="{esc(arg)}" target="_blank" rel="noopener" class="cd-node">{text}</a>'
        return f'<g class="cd-node-center">{text}</g>'

    parts = [
        f'<svg class="cd-graph" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Sơ đồ dẫn chiếu của {esc(center)}" xmlns="http://www.w3.org/2000/svg">',
        '<defs><marker id="cd-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="cd-arrowhead"/></marker></defs>',
    ]
    ly, ry = ys(len(left) + bool(extra_left)), ys(len(right) + bool(extra_right))
    cyb = cy - box_h // 2
    for y in ly[: len(left)]:
        parts.append(
            f'<line x1="{lx + box_w}" y1="{y + box_h // 2}" x2="{cx}" y2="{cy}" class="cd-edge" '
            'marker-end="url(#cd-arrow)"/>'
        )
    for y in ry[: len(right)]:
        parts.append(
            f'<line x1="{cx + box_w}" y1="{cy}" x2="{rx}" y2="{y + box_h // 2}" class="cd-edge" '
            'marker-end="url(#cd-arrow)"/>'
        )
    for (label, action, arg), y in zip(left, ly, strict=False):
        parts.append(node(lx, y, label, action, arg, "cd-box-in"))
    if extra_left:
        parts.append(f'<text x="{lx + box_w // 2}" y="{ly[-1] + 22}" {mid}>+ {extra_left} văn bản</text>')
    parts.append(node(cx, cyb, center, "", "", "cd-box-center"))
    for (label, action, arg), y in zip(right, ry, strict=False):
        parts.append(node(rx, y, label, action, arg, "cd-box-out"))
    if extra_right:
        parts.append(f'<text x="{rx + box_w // 2}" y="{ry[-1] + 22}" {mid}>+ {extra_right} số hiệu</text>')
    if left:
        parts.append(f'<text x="{lx + box_w // 2}" y="14" {mid} class="cd-cap">Văn bản dẫn chiếu</text>')
    if right:
        parts.append(f'<text x="{rx + box_w // 2}" y="14" {mid} class="cd-cap">Văn bản này dẫn chiếu</text>')
    parts.append("</svg>")
    return "".join(parts)


def display_number(result: Mapping[str, Any]) -> str:
    """The number as an indexed document prints it, else as most citing documents print it,
    else as typed."""
    docs = result.get("documents") or []
    if docs and docs[0].get("number"):
        return docs[0]["number"]
    printed = [c["cited_as"] for c in result.get("cited_by") or [] if c.get("cited_as")]
    if printed:
        return max(set(printed), key=lambda p: (printed.count(p), "Đ" in p, p))
    return result.get("number") or ""


def render_refs(result: Mapping[str, Any]) -> str:
    """A number look-up: the indexed document(s), every citing document with the citing
    sentence, and what the document cites; numbers are clickable (data-cd="lookup")."""
    docs = result.get("documents") or []
    cited_by = result.get("cited_by") or []
    number = display_number(result)
    out = [f'<div class="cd-refs"><h3 class="cd-h">Số hiệu {esc(number)}</h3>']
    if not docs and not cited_by:
        out.append(
            _note(
                f"Không tìm thấy số hiệu <b>{esc(number)}</b> trong chỉ mục: chưa có văn bản mang số này "
                "và chưa văn bản nào dẫn chiếu nó. Hãy kiểm tra lại số hiệu (ví dụ 570/CĐ-TTg)."
            )
        )
        out.append("</div>")
        return "".join(out)
    out.append(render_graph(result))
    if docs:
        for d in docs:
            out.append('<div class="cd-card cd-refdoc">')
            out.append(f'<div class="cd-card-head"><span class="cd-doc">{esc(doc_label(d))}</span></div>')
            out.append(_meta_line([("Trích yếu", d.get("title")), ("Cơ quan ban hành", d.get("issuer"))]))
            out.append(_open_link(viewer_url(d["doc_id"]), "Mở văn bản ↗"))
            cites = d.get("cites") or []
            if cites:
                out.append(f'<h4 class="cd-h4">Văn bản này dẫn chiếu ({len(cites)})</h4><ul class="cd-list">')
                for c in cites:
                    when = f" ngày {format_date(c.get('date'))}" if c.get("date") else ""
                    out.append(
                        f"<li>{_chip('lookup', c['number'], c['number'], 'Tra cứu số hiệu này')}"
                        f'{esc(when)} <span class="cd-context">{esc(_short(c.get("context"), 260))}</span></li>'
                    )
                out.append("</ul>")
            out.append("</div>")
    else:
        out.append(
            _note(
                f"Văn bản số <b>{esc(number)}</b> chưa có trong chỉ mục; "
                "dưới đây là các văn bản đã nạp có dẫn chiếu nó."
            )
        )
    if cited_by:
        out.append(f'<h4 class="cd-h4">Được dẫn chiếu bởi ({len(cited_by)} lần)</h4><ol class="cd-hits">')
        for c in cited_by:
            url = viewer_url(c["doc_id"], c.get("start"), c.get("end"))
            head = (
                _chip("lookup", c["number"], doc_label(c), "Tra cứu số hiệu của văn bản này")
                if c.get("number")
                else f'<a class="cd-doc" href="{esc(url)}" target="_blank" rel="noopener">{esc(doc_label(c))}</a>'
            )
            out.append(f'<li class="cd-card"><div class="cd-card-head">{head}</div>')
            out.append(_meta_line([("Trích yếu", c.get("title"))]))
            out.append(
                f'<blockquote class="cd-passage">{highlight_html(c.get("context") or "", c.get("cited_as") or number)}'
                "</blockquote>"
            )
            out.append(_open_link(url, "Mở đoạn dẫn chiếu ↗"))
            out.append("</li>")
        out.append("</ol>")
    else:
        out.append(_note("Chưa có văn bản nào trong chỉ mục dẫn chiếu số hiệu này."))
    out.append("</div>")
    return "".join(out)


def render_tasks(result: Mapping[str, Any], query: str = "") -> str:
    """An agency's assignments as a table, newest first, each linking to its passage."""
    rows = result.get("assignments") or []
    agency = result.get("agency") or query
    if not rows:
        return _note(f"Không tìm thấy nhiệm vụ nào giao cho <b>{esc(agency)}</b> với điều kiện đã chọn.")
    out = [
        f'<div class="cd-count">{len(rows)} nhiệm vụ giao cho <b>{esc(agency)}</b>, mới nhất trước</div>',
        '<table class="cd-table cd-tasks"><thead><tr><th>Ngày</th><th>Văn bản</th><th>Cơ quan</th>'
        "<th>Vai trò</th><th>Nhiệm vụ</th><th>Thời hạn</th></tr></thead><tbody>",
    ]
    for a in rows:
        url = viewer_url(a["doc_id"], a.get("start"), a.get("end"))
        doc = {k: a.get(k) for k in ("type", "number", "title", "source")}
        out.append(
            f"<tr><td class='cd-nowrap'>{esc(format_date(a.get('date')))}</td>"
            f'<td><a href="{esc(url)}" target="_blank" rel="noopener">{esc(doc_label(doc))}</a></td>'
            f"<td>{esc(a.get('agency'))}</td>"
            f"<td class='cd-nowrap'>{esc(ROLE_LABELS.get(a.get('role'), a.get('role')))}</td>"
            f"<td>{esc(a.get('task'))}<div class='cd-sub'>{esc(a.get('section'))}</div></td>"
            f"<td>{esc(a.get('deadline') or '')}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def render_documents(docs: Sequence[Mapping[str, Any]]) -> str:
    """The indexed documents as a table (number, type, issuer, date, title, chunks) with an
    open link and a delete button (data-cd="delete") on each row."""
    if not docs:
        return empty_index_html()
    chunks = sum(int(d.get("chunks") or 0) for d in docs)
    out = [
        f'<div class="cd-count">{len(docs)} văn bản, {chunks} đoạn trong chỉ mục</div>',
        '<table class="cd-table cd-docs"><thead><tr><th>Số hiệu</th><th>Loại</th><th>Cơ quan ban hành</th>'
        "<th>Ngày</th><th>Trích yếu</th><th>Số đoạn</th><th>Tệp</th><th></th></tr></thead><tbody>",
    ]
    for d in docs:
        name = Path(str(d.get("source") or "")).name
        warn = (
            f"<div class='cd-sub cd-warn'>{esc('; '.join(d.get('warnings') or []))}</div>" if d.get("warnings") else ""
        )
        out.append(
            f"<tr><td class='cd-nowrap'>{esc(d.get('number') or '—')}</td><td>{esc(d.get('type') or '')}</td>"
            f"<td>{esc(d.get('issuer') or '')}</td><td class='cd-nowrap'>{esc(format_date(d.get('date')))}</td>"
            f"<td>{esc(d.get('title') or '')}{warn}</td><td class='cd-num'>{esc(d.get('chunks'))}</td>"
            f"<td class='cd-file'>{esc(name)}</td>"
            f'<td class="cd-nowrap"><a class="cd-open" href="{esc(viewer_url(d["doc_id"]))}" target="_blank" '
            f'rel="noopener">Mở ↗</a> {_chip("delete", d["doc_id"], "Xoá", "Xoá văn bản này khỏi chỉ mục")}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


STATUS_LABELS = {
    "added": "đã thêm",
    "updated": "đã cập nhật",
    "unchanged": "không đổi",
    "duplicate": "đã có sẵn",
    "failed": "lỗi",
}


def render_upload_results(results: Sequence[Mapping[str, str]], summary: str = "") -> str:
    """One row per uploaded file: name, status (đã thêm, đã cập nhật, không đổi, lỗi) and detail."""
    out = []
    if summary:
        out.append(f'<div class="cd-count">{esc(summary)}</div>')
    out.append(
        '<table class="cd-table cd-upload"><thead><tr><th>Tệp</th><th>Kết quả</th><th>Chi tiết</th></tr></thead><tbody>'
    )
    for r in results:
        status = r["status"]
        out.append(
            f"<tr class='cd-st-{esc(status)}'><td class='cd-file'>{esc(r['name'])}</td>"
            f"<td class='cd-nowrap'><span class='cd-badge cd-badge-{esc(status)}'>"
            f"{esc(STATUS_LABELS.get(status, status))}</span></td><td>{esc(r.get('detail', ''))}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


# ---------------------------------------------------------------- the document viewer page

VIEWER_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
       font-size: 19px; line-height: 1.6; color: #111; background: #fff; margin: 0; }
header { position: sticky; top: 0; background: #f1f5f9; border-bottom: 2px solid #1e3a8a; padding: .6em 1.2em; }
header h1 { font-size: 1.25em; margin: 0 0 .2em; color: #0f172a; }
header .meta { font-size: .9em; color: #334155; }
header a { color: #1e3a8a; font-weight: 600; margin-right: 1.2em; }
main { max-width: 60em; margin: 0 auto; padding: 1em 1.2em 40vh; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #fde047; color: #000; padding: .1em 0; scroll-margin-top: 35vh; outline: 2px solid #ca8a04; }
.page { display: block; margin: 1.2em 0 .6em; padding: .2em .6em; background: #e2e8f0; color: #1e293b;
        font-size: .85em; font-weight: 600; border-left: 4px solid #1e3a8a; scroll-margin-top: 6em; }
.missing { padding: 2em; }
"""


def render_viewer(
    doc: Mapping[str, Any],
    start: int | None = None,
    end: int | None = None,
    *,
    download: bool = False,
) -> str:
    """A standalone HTML page with the document's normalised text, the passage
    ``text[start:end]`` in ``<mark id="doan">`` and, for PDFs, a marker where each page begins."""
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
        f'<main><div class="text">{"".join(body)}</div></main></body></html>'
    )


def message_page(title: str, text: str) -> str:
    """A small standalone page with a title and a sentence (not found, no original file)."""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{VIEWER_CSS}</style></head><body>"
        f"<main class='missing'><h1>{esc(title)}</h1><p>{esc(text)}</p></main></body></html>"
    )


# ---------------------------------------------------------------- authentication


def parse_auth(spec: str | None) -> dict[str, str]:
    """``"user:pass,user2:pass2"`` → ``{"user": "pass", …}`` (a password may contain ":")."""
    users: dict[str, str] = {}
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        user, sep, password = part.partition(":")
        if not sep or not user.strip() or not password:
            raise ValueError("auth must be 'user:password[,user:password…]'")
        users[user.strip()] = password
    return users


class Sessions:
    """Login sessions kept in memory: random token → (user, expiry)."""

    def __init__(self, hours: float = SESSION_HOURS) -> None:
        self.ttl = hours * 3600
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def create(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = time.time()
            self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
            self._tokens[token] = (user, now + self.ttl)
        return token

    def user(self, token: str | None) -> str | None:
        if not token:
            return None
        found = self._tokens.get(token)
        if found is None or found[1] < time.time():
            return None
        return found[0]

    def drop(self, token: str | None) -> None:
        with self._lock:
            self._tokens.pop(token or "", None)


def check_password(users: Mapping[str, str], user: str, password: str) -> bool:
    """Constant-time comparison against every configured user."""
    ok = False
    for name, expected in users.items():
        same_user = secrets.compare_digest(name.encode(), user.encode())
        same_pass = secrets.compare_digest(expected.encode(), password.encode())
        ok |= same_user and same_pass
    return ok


def _cookie(scope: Mapping[str, Any], name: str) -> str | None:
    from http.cookies import SimpleCookie

    for key, value in scope.get("headers") or []:
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is no session
                continue
            if name in jar:
                return jar[name].value
    return None


def safe_next(target: str | None) -> str:
    """A local path to go back to after login (never another site)."""
    target = target or "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return "/"
    return target


class AuthGate:
    """ASGI middleware in front of everything: forces Gradio's light theme on "/" and, when
    ``users`` is set, lets through only the login page and requests carrying a valid session
    (browsers are redirected to the login page; other clients get 401)."""

    PUBLIC = (LOGIN_PATH,)

    def __init__(self, app, users: Mapping[str, str] | None = None, sessions: Sessions | None = None) -> None:
        self.app = app
        self.users = dict(users or {})
        self.sessions = sessions

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if self.users and path not in self.PUBLIC:
            user = self.sessions.user(_cookie(scope, SESSION_COOKIE)) if self.sessions else None
            if user is None:
                await self._refuse(scope, receive, send)
                return
            scope.setdefault("state", {})["chidao_user"] = user
        if kind == "http" and path == "/" and scope.get("method") == "GET":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if "__theme" not in query:
                await self._redirect(send, "/?__theme=light")
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.close", "code": 1008})
            return
        accept = b""
        for key, value in scope.get("headers") or []:
            if key == b"accept":
                accept = value
        if scope.get("method") == "GET" and b"text/html" in accept:
            path = scope.get("path", "/")
            qs = scope.get("query_string", b"").decode("latin-1")
            target = path + ("?" + qs if qs else "")
            await self._redirect(send, f"{LOGIN_PATH}?{urlencode({'next': target})}")
            return
        body = '{"detail": "Cần đăng nhập."}'.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'FormLogin realm="chidao"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _redirect(send, location: str) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def login_page(next_path: str = "/", error: str = "") -> str:
    err = f'<p class="err" role="alert">{esc(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Đăng nhập — {esc(APP_TITLE)}</title>
<style>{VIEWER_CSS}
form {{ max-width: 22em; margin: 12vh auto; padding: 1.5em 2em; border: 1px solid #cbd5e1; border-radius: 10px; }}
form h1 {{ font-size: 1.35em; }}
label {{ display: block; margin-top: 1em; font-weight: 600; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1em; padding: .45em; margin-top: .3em;
        border: 1px solid #64748b; border-radius: 6px; }}
button {{ margin-top: 1.4em; width: 100%; font-size: 1em; padding: .55em; background: #1e3a8a; color: #fff;
         border: 0; border-radius: 6px; font-weight: 600; cursor: pointer; }}
.err {{ color: #b91c1c; font-weight: 600; }}
</style></head><body>
<form method="post" action="{LOGIN_PATH}"><h1>{esc(APP_TITLE)}</h1>{err}
<input type="hidden" name="next" value="{esc(next_path)}">
<label for="u">Tên đăng nhập</label><input id="u" name="username" autocomplete="username" required autofocus>
<label for="p">Mật khẩu</label><input id="p" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập</button></form></body></html>"""


# ---------------------------------------------------------------- the backend behind the UI


class Backend:
    """Everything the UI asks of the index, as HTML for the page; one per app, shared by users."""

    def __init__(self, settings: Settings, searcher) -> None:
        self.settings = settings
        self.searcher = searcher
        self.ingest_lock = threading.Lock()
        self.uploads = Path(settings.index) / "uploads"
        self.export_dir = Path(tempfile.mkdtemp(prefix="chidao-xuat-"))

    # -- state of the index

    def documents(self) -> list[dict[str, Any]]:
        return self.searcher.documents()

    def is_empty(self) -> bool:
        snap = self.searcher.snapshot
        return snap is None or snap.meta.documents == 0

    def status_html(self, user: str | None = None, docs: list[dict[str, Any]] | None = None) -> str:
        docs = self.documents() if docs is None else docs
        chunks = sum(int(d.get("chunks") or 0) for d in docs)
        state = f"Chỉ mục: {len(docs)} văn bản, {chunks} đoạn" if docs else "Chỉ mục đang trống"
        who = f' · Người dùng: <b>{esc(user)}</b> · <a href="{LOGOUT_PATH.lstrip("/")}">Đăng xuất</a>' if user else ""
        out = f'<div class="cd-status">{esc(state)}{who}</div>'
        if not docs:
            out += empty_index_html()
        return out

    def filter_choices(self, docs: list[dict[str, Any]] | None = None) -> dict[str, list[tuple[str, str]]]:
        docs = self.documents() if docs is None else docs
        types = sorted({d["type"] for d in docs if d.get("type")})
        issuers = sorted({d["issuer"] for d in docs if d.get("issuer")})
        agencies = self.searcher.agencies()
        return {
            "type": [("Tất cả", ""), *[(t, t) for t in types]],
            "issuer": [("Tất cả", ""), *[(i, i) for i in issuers]],
            "agency": [("Tất cả", ""), *[(a["agency"], a["agency"]) for a in agencies]],
            "tasks_agency": [(f"{a['agency']} ({a['assignments']})", a["agency"]) for a in agencies],
        }

    def example_questions(self, docs: list[dict[str, Any]] | None = None) -> list[str]:
        """Questions that work on this index: its most assigned agencies, its most cited number,
        its newest numbered document."""
        docs = self.documents() if docs is None else docs
        agencies = [a["agency"] for a in self.searcher.agencies()[:2]]
        questions = [f"{a} được giao nhiệm vụ gì?" for a in agencies]
        cited: dict[str, int] = {}
        for d in docs:
            for number in d.get("cites") or []:
                cited[number] = cited.get(number, 0) + 1
        if cited:
            top = max(cited, key=lambda k: cited[k])
            questions.append(f"Văn bản nào dẫn chiếu {top}?")
        newest = next((d for d in docs if d.get("number") and d.get("type")), None)
        if newest:
            questions.append(f"{newest['type']} {newest['number']} chỉ đạo những nội dung gì?")
        return questions

    # -- the tabs

    def _call(self, name: str, action: str, fn, *args, **kwargs) -> tuple[Any, str | None]:
        """(result, None), or (None, an error note) when ``fn`` fails; the log gets the exception type
        only, never the query text (at INFO and above)."""
        try:
            return fn(*args, **kwargs), None
        except Exception as exc:
            logger.error("%s failed: %s", name, type(exc).__name__)
            logger.debug("%s failed", name, exc_info=True)
            return None, _note(f"Đã xảy ra lỗi khi {action}; hãy thử lại hoặc báo quản trị viên.", "error")

    def ask(self, question: str) -> str:
        question = nfc(question or "").strip()
        if not question:
            return _note("Hãy nhập câu hỏi, ví dụ: “Sở Y tế được giao nhiệm vụ gì?”")
        if self.is_empty():
            return empty_index_html()
        answer, error = self._call("ask", "trả lời câu hỏi", self.searcher.ask, question)
        if error:
            return error
        logger.info("answered a question (%d citations)", len(answer.citations))
        return render_answer(answer, question)

    def search(self, query: str, type_: str, issuer: str, agency: str, since: str, until: str, k: int = 20) -> str:
        from chidao.records import Filters

        query = nfc(query or "").strip()
        if not query:
            return _note("Hãy nhập từ khoá hoặc câu cần tìm, có dấu hoặc không dấu (ví dụ: “so y te”).")
        if self.is_empty():
            return empty_index_html()
        try:
            filters = Filters(
                type=type_ or None,
                issuer=issuer or None,
                agency=agency or None,
                since=parse_user_date(since),
                until=parse_user_date(until, end=True),
            )
        except ValueError as exc:
            return _note(esc(exc), "error")
        hits, error = self._call("search", "tìm kiếm", self.searcher.search, query, k=k, filters=filters)
        if error:
            return error
        return render_hits(hits, query)

    def refs(self, number: str) -> str:
        number = nfc(number or "").strip()
        if not number:
            return _note("Hãy nhập số hiệu văn bản, ví dụ: 570/CĐ-TTg (có hoặc không có dấu, khoảng trắng).")
        if self.is_empty():
            return empty_index_html()
        result, error = self._call("refs", "tra cứu", self.searcher.refs, number)
        if error:
            return error
        return render_refs(result)

    def tasks(self, agency: str, role: str, since: str, until: str) -> tuple[str, Path | None, Path | None]:
        """(table HTML, .xlsx path, .csv path) of an agency's assignments."""
        agency = nfc(agency or "").strip()
        if self.is_empty():
            return empty_index_html(), None, None
        if not agency:
            return _note("Hãy chọn hoặc gõ tên cơ quan (có dấu hoặc không dấu), ví dụ: Sở Y tế."), None, None
        try:
            since_iso, until_iso = parse_user_date(since), parse_user_date(until, end=True)
        except ValueError as exc:
            return _note(esc(exc), "error"), None, None
        result, error = self._call(
            "tasks",
            "liệt kê nhiệm vụ",
            self.searcher.tasks,
            agency,
            since=since_iso,
            until=until_iso,
            role=role or None,
        )
        if error:
            return error, None, None
        page = render_tasks(result, agency)
        if not result.get("assignments"):
            known = [a["agency"] for a in self.searcher.agencies()]
            near = [a for a in known if fold(agency) in fold(a)][:8]
            if near:
                page += render_chips("Có phải bạn muốn tìm:", near, "agency")
            return page, None, None
        xlsx, csv_path = self.export_tasks(result, agency, role, since_iso, until_iso)
        return page, xlsx, csv_path

    def export_tasks(
        self, result: Mapping[str, Any], agency: str, role: str, since: str | None, until: str | None
    ) -> tuple[Path, Path]:
        from search.export import write_tasks_csv, write_tasks_xlsx

        self._clean_exports()
        folder = self.export_dir / uuid.uuid4().hex
        folder.mkdir(parents=True)
        name = re.sub(r"[^a-z0-9]+", "-", fold(result.get("agency") or agency)).strip("-")[:60] or "co-quan"
        stem = f"nhiem-vu-{name}"
        info = [
            ("Cơ quan", result.get("agency") or agency),
            ("Vai trò", ROLE_LABELS.get(role, "Tất cả") if role else "Tất cả"),
            ("Từ ngày", format_date(since) or "—"),
            ("Đến ngày", format_date(until) or "—"),
            ("Số nhiệm vụ", str(len(result["assignments"]))),
            ("Xuất lúc", dt.datetime.now().strftime("%H:%M %d/%m/%Y")),
        ]
        xlsx = write_tasks_xlsx(result["assignments"], folder / f"{stem}.xlsx", info=info)
        csv_path = write_tasks_csv(result["assignments"], folder / f"{stem}.csv")
        return xlsx, csv_path

    def _clean_exports(self, max_age: float = 3600.0) -> None:
        now = time.time()
        for sub in self.export_dir.iterdir():
            try:
                if now - sub.stat().st_mtime > max_age:
                    shutil.rmtree(sub, ignore_errors=True)
            except OSError:
                continue

    # -- uploads and deletion

    def upload(self, files: Sequence[str | Path] | None, progress=None) -> str:
        """Store and index uploaded files; a table of what happened to each one."""
        from ingest.index import IndexBusy, IndexStateError
        from ingest.pipeline import file_sha256, ingest_paths, path_key

        files = [Path(f) for f in (files or []) if f]
        if not files:
            return _note("Chưa chọn tệp nào.")
        if not self.ingest_lock.acquire(blocking=False):
            return _note("Đang có người khác nạp văn bản; hãy chờ một lát rồi thử lại.", "warn")
        try:
            max_bytes = self.settings.upload_max_mb * 2**20
            results: list[dict[str, str]] = []
            stored: list[tuple[dict[str, str], Path, str]] = []  # (result row, stored path, kind of change)
            known = {r["path"]: r["file_hash"] for r in self.searcher.sources()}
            used: set[str] = set()
            for f in files:
                client = _client_name(f)
                row = {"name": client, "status": "failed", "detail": ""}
                results.append(row)
                try:
                    st = os.lstat(f)
                    if not stat.S_ISREG(st.st_mode):
                        raise UploadRejected("Không đọc được tệp tải lên.")
                    if st.st_size > max_bytes:
                        raise UploadRejected(
                            f"Tệp quá lớn ({st.st_size / 2**20:.1f} MB, giới hạn {self.settings.upload_max_mb} MB)."
                        )
                    data = Path(f).read_bytes()
                    kind = check_upload(data, client, max_bytes)
                    name = safe_upload_name(client, kind)
                    stem, ext = os.path.splitext(name)
                    n = 2
                    while name in used:
                        name, n = f"{stem}-{n}{ext}", n + 1
                    used.add(name)
                    target = store_upload(data, name, self.uploads)
                except UploadRejected as exc:
                    row["detail"] = str(exc)
                    continue
                except OSError:
                    logger.exception("cannot store an upload")
                    row["detail"] = "Không lưu được tệp trên máy chủ (ổ đĩa đầy hoặc không có quyền ghi)."
                    continue
                before = known.get(path_key(target))
                digest = file_sha256(target)
                change = "added" if before is None else ("unchanged" if before == digest else "updated")
                stored.append((row, target, change))
            report = None
            if stored:

                def on_progress(fraction: float, message: str) -> None:
                    if progress is not None:
                        progress(fraction, desc=message)

                try:
                    report = ingest_paths(
                        [str(p) for _, p, _ in stored],
                        self.settings,
                        encoder=self.searcher.encoder,
                        progress=on_progress,
                    )
                except IndexBusy:
                    msg = (
                        "Chỉ mục đang được một tiến trình khác cập nhật (ví dụ lệnh chidao ingest); "
                        "tệp đã được lưu, hãy thử nạp lại sau ít phút."
                    )
                    for row, _, _ in stored:
                        row["detail"] = msg
                    return render_upload_results(results, "Chưa nạp được: chỉ mục đang bận.")
                except Exception as exc:  # a refused or failed write: the previous index is still used
                    logger.error("upload ingest failed: %s", type(exc).__name__)
                    logger.debug("upload ingest failed", exc_info=True)
                    if isinstance(exc, OSError) and isinstance(exc, IndexStateError):  # IndexWriteError
                        detail = str(exc).split(" (The index", 1)[0]
                    elif isinstance(exc, IndexStateError):
                        detail = "Chỉ mục không dùng được với cấu hình hiện tại; hãy báo quản trị viên."
                    else:
                        detail = "Lỗi máy chủ khi nạp văn bản; chỉ mục cũ vẫn được dùng. Hãy báo quản trị viên."
                    for row, _, _ in stored:
                        row["detail"] = detail
                    return render_upload_results(results, "Chưa nạp được văn bản nào.")
                failed = {f.source: f.error for f in report.failed}
                dups = {d["source"]: d.get("same_as", "") for d in report.duplicates}
                now_known = {r["path"]: r["doc_id"] for r in self.searcher.sources()}
                docs = {d["doc_id"]: d for d in self.documents()}
                for row, target, change in stored:
                    src = str(target)
                    if src in failed:
                        row["status"], row["detail"] = "failed", failed[src]
                        if change == "added":  # nothing in the index refers to it: do not keep it
                            target.unlink(missing_ok=True)
                        continue
                    doc = docs.get(now_known.get(path_key(target), ""))
                    label = doc_label(doc) if doc else ""
                    if src in dups:
                        row["status"] = "duplicate"
                        row["detail"] = f"Nội dung trùng với văn bản đã có ({Path(dups[src]).name})."
                        continue
                    row["status"] = change
                    row["detail"] = label + (f" — {doc['chunks']} đoạn" if doc else "")
            counts: dict[str, int] = {}
            for r in results:
                counts[r["status"]] = counts.get(r["status"], 0) + 1
            summary = ", ".join(f"{n} {STATUS_LABELS[s]}" for s, n in counts.items())
            logger.info("upload: %s", {k: v for k, v in counts.items()})
            return render_upload_results(results, f"Kết quả nạp {len(results)} tệp: {summary}.")
        finally:
            self.ingest_lock.release()

    def delete(self, doc_id: str) -> str:
        """Remove a document from the index (and its uploaded file, if it came from an upload)."""
        from ingest.index import IndexBusy
        from ingest.pipeline import remove_documents

        docs = {d["doc_id"]: d for d in self.documents()}
        doc = docs.get(doc_id or "")
        if doc is None:
            return _note("Văn bản này không còn trong chỉ mục.", "warn")
        if not self.ingest_lock.acquire(blocking=False):
            return _note("Đang có người khác nạp văn bản; hãy chờ một lát rồi thử lại.", "warn")
        try:
            paths = remove_documents([doc_id], self.settings)
        except IndexBusy:
            return _note("Chỉ mục đang được một tiến trình khác cập nhật; hãy thử lại sau ít phút.", "warn")
        finally:
            self.ingest_lock.release()
        for p in paths:
            if p.startswith("hex:") or not within(p, self.uploads):
                continue
            try:
                if stat.S_ISREG(os.lstat(p).st_mode):
                    os.unlink(p)
            except OSError:
                logger.warning("could not remove an uploaded file")
        return _note(f"Đã xoá <b>{esc(doc_label(doc))}</b> khỏi chỉ mục.", "ok")

    def confirm_delete_html(self, doc_id: str) -> str:
        doc = {d["doc_id"]: d for d in self.documents()}.get(doc_id or "")
        if doc is None:
            return _note("Văn bản này không còn trong chỉ mục.", "warn")
        return _note(
            f"Xoá <b>{esc(doc_label(doc))}</b> ({esc(Path(str(doc['source'])).name)}) khỏi chỉ mục? "
            "Các câu trả lời và kết quả tìm kiếm sẽ không còn dẫn tới văn bản này. "
            "Tệp gốc nằm ngoài thư mục tải lên không bị xoá.",
            "warn",
        )

    # -- viewer and download

    def original_file(self, doc_id: str) -> tuple[Path, str] | None:
        """The original file of a document, only one that the index records and whose bytes are
        still those that were indexed; (path, file name to show)."""
        for rec in self.searcher.sources(doc_id):
            key = rec["path"]
            if key.startswith("hex:"):
                continue
            path = Path(key)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_size != rec["size"]:
                continue
            if within(key, self.uploads) != within(path.resolve(), self.uploads):
                continue  # a link inside uploads/ pointing elsewhere
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):
                    h.update(block)
            if h.hexdigest() != rec["file_hash"]:
                continue
            return path, Path(rec["source"]).name or path.name
        return None


def _client_name(path: Path) -> str:
    """The file name the browser sent (Gradio keeps it as the temp file's name)."""
    return nfc(Path(path).name)


# ---------------------------------------------------------------- Gradio UI

CSS = """
:root, .gradio-container { --cd-ink: #0f172a; --cd-accent: #1e3a8a; }
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#cd-title h1 { font-size: 1.7rem; margin: .2em 0 0; color: var(--cd-ink); }
#cd-title p { margin: 0; color: #334155; }
.cd-status { color: #1e293b; font-size: .95rem; margin: .2em 0 .4em; }
.cd-status a, .cd-answer a, .cd-hits a, .cd-table a, .cd-refs a { color: var(--cd-accent); font-weight: 600; }
.cd-note { padding: .7em 1em; border-radius: 8px; margin: .6em 0; border-left: 5px solid #2563eb;
           background: #eff6ff; color: #0f172a; }
.cd-note-empty { border-left-color: #d97706; background: #fffbeb; font-size: 1.05rem; }
.cd-note-warn { border-left-color: #d97706; background: #fffbeb; }
.cd-note-error { border-left-color: #b91c1c; background: #fef2f2; }
.cd-note-ok { border-left-color: #15803d; background: #f0fdf4; }
.cd-answer-text { font-size: 1.08rem; line-height: 1.6; color: var(--cd-ink); }
.cd-answer-text ul { margin: .3em 0 .3em 1.2em; }
.cd-answer-text li { margin: .35em 0; }
.cd-mark { text-decoration: none; font-weight: 700; padding: 0 .15em; border-radius: 4px; background: #dbeafe; }
.cd-h { font-size: 1.2rem; margin: 1em 0 .4em; color: var(--cd-ink); }
.cd-h4 { font-size: 1.05rem; margin: .9em 0 .3em; color: var(--cd-ink); }
.cd-cites, .cd-hits { list-style: none; padding: 0; margin: 0; }
.cd-card { border: 1px solid #cbd5e1; border-radius: 10px; padding: .7em 1em; margin: .6em 0; background: #fff; }
.cd-card-head { font-weight: 700; color: var(--cd-ink); font-size: 1.05rem; }
.cd-n { color: var(--cd-accent); margin-right: .3em; }
.cd-meta { color: #334155; font-size: .92rem; margin: .2em 0 .4em; }
.cd-meta-item { margin-right: 1.1em; display: inline-block; }
.cd-k { color: #475569; }
.cd-passage { margin: .3em 0; padding: .4em .8em; border-left: 4px solid #94a3b8; background: #f8fafc;
              color: #0f172a; white-space: pre-wrap; line-height: 1.55; }
.cd-passage mark, .cd-answer mark { background: #fde047; color: #000; padding: 0 .1em; border-radius: 2px; }
.cd-open { display: inline-block; margin-top: .2em; }
.cd-count { font-weight: 600; margin: .4em 0; color: #1e293b; }
.cd-table { border-collapse: collapse; width: 100%; font-size: .95rem; }
.cd-table th { background: #1e3a8a; color: #fff; text-align: left; padding: .45em .6em; position: sticky; top: 0; }
.cd-table td { border-bottom: 1px solid #cbd5e1; padding: .45em .6em; vertical-align: top; color: #0f172a; }
.cd-table tr:nth-child(even) td { background: #f8fafc; }
.cd-nowrap { white-space: nowrap; }
.cd-tasks td:nth-child(2) { min-width: 10em; }
.cd-tasks td:nth-child(3) { min-width: 8em; }
.cd-tasks td:nth-child(6) { min-width: 7em; }
.cd-num { text-align: right; }
.cd-file { overflow-wrap: anywhere; font-size: .88rem; }
.cd-sub { color: #475569; font-size: .85rem; margin-top: .2em; }
.cd-warn { color: #92400e; }
.cd-chips { margin: .4em 0; display: flex; flex-wrap: wrap; gap: .4em; align-items: center; }
.cd-chips-label { font-weight: 600; color: #334155; margin-right: .3em; }
.cd-chip { border: 1px solid #1e3a8a; color: #1e3a8a; background: #eff6ff; border-radius: 999px;
           padding: .25em .8em; font-size: .95rem; cursor: pointer; font-weight: 600; }
.cd-chip:hover, .cd-chip:focus { background: #1e3a8a; color: #fff; }
.cd-list { padding-left: 1.2em; }
.cd-list li { margin: .35em 0; }
.cd-context { color: #334155; }
.cd-badge { padding: .1em .6em; border-radius: 999px; font-weight: 700; font-size: .9rem; }
.cd-badge-added, .cd-badge-updated { background: #dcfce7; color: #14532d; }
.cd-badge-unchanged, .cd-badge-duplicate { background: #e2e8f0; color: #1e293b; }
.cd-badge-failed { background: #fee2e2; color: #7f1d1d; }
.cd-graph { max-width: 960px; margin: .4em 0 .8em; font-size: 15px; }
.cd-graph rect { stroke-width: 1.5; }
.cd-graph .cd-box-in { fill: #eff6ff; stroke: #1e3a8a; }
.cd-graph .cd-box-out { fill: #f0fdf4; stroke: #15803d; }
.cd-graph .cd-box-center { fill: #1e3a8a; stroke: #1e3a8a; }
.cd-graph .cd-node-center text { fill: #fff; font-weight: 700; }
.cd-graph text { fill: #0f172a; }
.cd-graph .cd-cap { fill: #475569; font-size: 13px; }
.cd-graph .cd-node { cursor: pointer; }
.cd-graph .cd-node:hover rect { stroke-width: 3; }
.cd-graph .cd-edge { stroke: #64748b; stroke-width: 1.5; }
.cd-graph .cd-arrowhead { fill: #64748b; }
footer { display: none !important; }
"""

#: Attached to every gr.HTML that holds buttons: a click on [data-cd] becomes a Gradio "click"
#: event carrying {cd: action, arg: value}; other clicks (links) behave normally.
CHIP_JS = """
element.addEventListener('click', (event) => {
  const el = event.target.closest('[data-cd]');
  if (!el || !element.contains(el)) return;
  event.preventDefault();
  trigger('click', {cd: el.dataset.cd, arg: el.dataset.arg || ''});
});
"""

#: Gradio's own texts that can show in this UI, in Vietnamese (its frontend has no vi locale).
GRADIO_TEXTS = {
    "Loading...": "Đang tải...",
    "Loading": "Đang tải",
    "processing": "đang xử lý",
    "Error": "Lỗi",
    "Uploading...": "Đang tải lên...",
    "Drop File Here": "Thả tệp vào đây",
    "Click to Upload": "Bấm để chọn tệp",
    "Connection errored out.": "Mất kết nối tới máy chủ.",
    "Download": "Tải về",
    "Clear": "Xoá",
    "Submit": "Gửi",
    "Close": "Đóng",
}

HEAD = (
    '<meta name="description" content="Tra cứu văn bản chỉ đạo điều hành">'
    "<script>(() => {const T = "
    + json.dumps(GRADIO_TEXTS, ensure_ascii=False)
    + """;
const R = [
  [/^(\\s*)processing(?= \\|)/, '$1đang xử lý'],
  [/^(\\s*)queue: /, '$1hàng đợi: '],
  [/File\\(s\\) exceed the maximum allowed size of (.+?): (.*)$/, 'Tệp vượt quá dung lượng cho phép ($1): $2'],
  [/Invalid file types?: (.*)\\. Only (.*) allowed\\.$/, 'Loại tệp không được nhận: $1. Chỉ nhận: $2.'],
];
const MINE = '.cd-answer, .cd-hits, .cd-refs, .cd-table, .cd-note, .cd-chips, .cd-count, #cd-title';
const fix = (root) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const raw = node.nodeValue, key = raw.trim();
    if (!key || (node.parentElement && node.parentElement.closest(MINE))) continue;
    if (Object.prototype.hasOwnProperty.call(T, key)) { node.nodeValue = raw.replace(key, T[key]); continue; }
    for (const [re, to] of R) if (re.test(raw)) { node.nodeValue = raw.replace(re, to); break; }
  }
};
const start = () => {
  document.documentElement.lang = 'vi';
  fix(document.body);
  new MutationObserver((ms) => { for (const m of ms) {
    if (m.type === 'characterData') fix(m.target.parentNode || document.body);
    for (const n of m.addedNodes) fix(n.nodeType === 3 ? n.parentNode || document.body : n);
  } }).observe(document.body, {subtree: true, childList: true, characterData: true});
};
if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();</script>"""
)


def with_hints(**hints):
    """Decorator giving a function real annotation objects. This module's annotations are strings
    (PEP 563) naming classes imported inside functions (gr.Request, fastapi.Request), which
    Gradio and FastAPI cannot resolve; they need the real ones to inject those arguments."""

    def wrap(fn):
        fn.__annotations__.update(hints)
        return fn

    return wrap


def make_theme():
    import gradio as gr

    size = gr.themes.Size(xxs="12px", xs="13px", sm="15px", md="18px", lg="20px", xl="24px", xxl="30px")
    system_fonts = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "sans-serif")
    mono = ("ui-monospace", "DejaVu Sans Mono", "Consolas", "monospace")
    theme = gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        secondary_hue=gr.themes.colors.sky,
        neutral_hue=gr.themes.colors.slate,
        text_size=size,
        font=system_fonts,
        font_mono=mono,
    )
    return theme.set(
        body_text_color="*neutral_900",
        body_text_color_subdued="*neutral_700",
        block_label_text_color="*neutral_800",
        block_title_text_color="*neutral_900",
        input_placeholder_color="*neutral_500",
        button_primary_background_fill="#1e3a8a",
        button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="white",
        link_text_color="#1e3a8a",
    )


def build_blocks(backend: Backend):
    """The Gradio Blocks of the five tabs, wired to ``backend``."""
    import gradio as gr

    def user_of(request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if request is not None else None

    @with_hints(request=gr.Request)
    def refresh(request: gr.Request):
        with backend.searcher.pinned():  # one generation for the whole page
            docs = backend.documents()
            choices = backend.filter_choices(docs)
            examples = backend.example_questions(docs)
        return (
            backend.status_html(user_of(request), docs),
            render_chips("Câu hỏi mẫu:", examples),
            gr.Dropdown(choices=choices["type"]),
            gr.Dropdown(choices=choices["issuer"]),
            gr.Dropdown(choices=choices["agency"]),
            gr.Dropdown(choices=choices["tasks_agency"]),
            render_documents(docs),
        )

    def remember(recent: list[str], question: str) -> list[str]:
        question = question.strip()
        if not question:
            return recent
        return ([question] + [q for q in recent if q != question])[:10]

    def do_ask(question: str, recent: list[str]):
        recent = remember(recent or [], question or "")
        return backend.ask(question), recent, render_chips("Đã hỏi gần đây:", recent)

    @with_hints(evt=gr.EventData)
    def ask_from_chip(recent: list[str], evt: gr.EventData):
        question = (evt._data or {}).get("arg", "")
        page, recent, chips = do_ask(question, recent)
        return question, page, recent, chips

    @with_hints(evt=gr.EventData)
    def do_refs_chip(evt: gr.EventData):
        number = (evt._data or {}).get("arg", "")
        return number, backend.refs(number)

    def do_tasks(agency: str, role: str, since: str, until: str):
        page, xlsx, csv_path = backend.tasks(agency, role, since, until)
        has = xlsx is not None
        return (
            page,
            gr.DownloadButton(value=str(xlsx) if has else None, visible=has),
            gr.DownloadButton(value=str(csv_path) if has else None, visible=has),
        )

    @with_hints(evt=gr.EventData)
    def tasks_chip(role: str, since: str, until: str, evt: gr.EventData):
        agency = (evt._data or {}).get("arg", "")
        return (agency, *do_tasks(agency, role, since, until))

    def do_upload(files, progress=gr.Progress()):  # noqa: B008 - Gradio injects the tracker
        return backend.upload(files, progress=progress)

    @with_hints(evt=gr.EventData)
    def docs_chip(evt: gr.EventData):
        data = evt._data or {}
        if data.get("cd") != "delete":
            return gr.update(), gr.update(), ""
        doc_id = data.get("arg", "")
        return gr.update(visible=True), backend.confirm_delete_html(doc_id), doc_id

    def do_delete(doc_id: str):
        return backend.delete(doc_id), gr.update(visible=False), ""

    def cancel_delete():
        return gr.update(visible=False), ""

    # delete_cache: Gradio's copies of uploaded and exported files go after an hour
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, delete_cache=(1800, 3600)) as demo:
        gr.HTML(
            f"<h1>{esc(APP_TITLE)}</h1><p>Hỏi đáp, tìm kiếm và tra cứu các văn bản chỉ đạo đã nạp; "
            "mọi câu trả lời đều dẫn nguồn tới đúng đoạn văn bản.</p>",
            elem_id="cd-title",
            js_on_load=None,
        )
        status = gr.HTML(elem_id="cd-status-bar", js_on_load=None)
        recent_state = gr.State([])
        pending_delete = gr.State("")
        with gr.Tabs(elem_id="cd-tabs"):
            with gr.Tab("Hỏi đáp", id="hoi-dap", elem_id="tab-hoi-dap") as tab_ask:
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label="Câu hỏi",
                        placeholder="Ví dụ: Sở Y tế được giao nhiệm vụ gì?",
                        scale=6,
                        elem_id="cd-question",
                        max_length=1000,
                    )
                    ask_btn = gr.Button("Hỏi", variant="primary", scale=1, elem_id="cd-ask-btn")
                examples = gr.HTML(elem_id="cd-examples", js_on_load=CHIP_JS)
                recent_html = gr.HTML(elem_id="cd-recent", js_on_load=CHIP_JS)
                answer = gr.HTML(elem_id="cd-answer", js_on_load=None)
            with gr.Tab("Tìm kiếm", id="tim-kiem", elem_id="tab-tim-kiem") as tab_search:
                with gr.Row(equal_height=True):
                    query = gr.Textbox(
                        label="Từ khoá hoặc câu cần tìm (có dấu hoặc không dấu)",
                        placeholder="Ví dụ: phòng chống sạt lở đất",
                        scale=6,
                        elem_id="cd-query",
                        max_length=1000,
                    )
                    search_btn = gr.Button("Tìm", variant="primary", scale=1, elem_id="cd-search-btn")
                with gr.Row():
                    f_type = gr.Dropdown(label="Loại văn bản", choices=[("Tất cả", "")], value="", elem_id="cd-f-type")
                    f_issuer = gr.Dropdown(
                        label="Cơ quan ban hành",
                        choices=[("Tất cả", "")],
                        value="",
                        allow_custom_value=True,
                        elem_id="cd-f-issuer",
                    )
                    f_agency = gr.Dropdown(
                        label="Cơ quan được giao",
                        choices=[("Tất cả", "")],
                        value="",
                        allow_custom_value=True,
                        elem_id="cd-f-agency",
                    )
                    f_since = gr.Textbox(label="Từ ngày", placeholder="ngày/tháng/năm", elem_id="cd-f-since")
                    f_until = gr.Textbox(label="Đến ngày", placeholder="ngày/tháng/năm", elem_id="cd-f-until")
                results = gr.HTML(elem_id="cd-results", js_on_load=None)
            with gr.Tab("Tra cứu số hiệu", id="so-hieu", elem_id="tab-so-hieu") as tab_refs:
                with gr.Row(equal_height=True):
                    number = gr.Textbox(
                        label="Số hiệu văn bản",
                        placeholder="Ví dụ: 570/CĐ-TTg hoặc 570/cd-ttg",
                        scale=6,
                        elem_id="cd-number",
                        max_length=300,
                    )
                    refs_btn = gr.Button("Tra cứu", variant="primary", scale=1, elem_id="cd-refs-btn")
                refs_html = gr.HTML(elem_id="cd-refs", js_on_load=CHIP_JS)
            with gr.Tab("Nhiệm vụ theo cơ quan", id="nhiem-vu", elem_id="tab-nhiem-vu") as tab_tasks:
                with gr.Row():
                    t_agency = gr.Dropdown(
                        label="Cơ quan (chọn, hoặc gõ tên có dấu hay không dấu)",
                        choices=[],
                        value=None,
                        allow_custom_value=True,
                        filterable=True,
                        scale=3,
                        elem_id="cd-t-agency",
                    )
                    t_role = gr.Dropdown(
                        label="Vai trò",
                        choices=[("Tất cả", ""), *[(v, k) for k, v in ROLE_LABELS.items()]],
                        value="",
                        scale=1,
                        elem_id="cd-t-role",
                    )
                    t_since = gr.Textbox(label="Từ ngày", placeholder="ngày/tháng/năm", scale=1, elem_id="cd-t-since")
                    t_until = gr.Textbox(label="Đến ngày", placeholder="ngày/tháng/năm", scale=1, elem_id="cd-t-until")
                with gr.Row():
                    tasks_btn = gr.Button("Xem nhiệm vụ", variant="primary", elem_id="cd-tasks-btn")
                    xlsx_btn = gr.DownloadButton("Tải Excel (.xlsx)", visible=False, elem_id="cd-xlsx")
                    csv_btn = gr.DownloadButton("Tải CSV", visible=False, elem_id="cd-csv")
                tasks_html = gr.HTML(elem_id="cd-tasks", js_on_load=CHIP_JS)
            with gr.Tab("Văn bản", id="van-ban", elem_id="tab-van-ban") as tab_docs:
                gr.HTML(
                    f"<p>Nạp thêm văn bản (PDF, DOCX, TXT, MD, HTML; mỗi tệp tối đa "
                    f"{backend.settings.upload_max_mb} MB). Tệp trùng tên với tệp đã nạp sẽ thay bản cũ.</p>",
                    js_on_load=None,
                )
                upload_btn = gr.UploadButton(
                    "Chọn tệp để nạp",
                    file_count="multiple",
                    file_types=list(UPLOAD_SUFFIXES),
                    variant="primary",
                    elem_id="cd-upload",
                )
                upload_result = gr.HTML(elem_id="cd-upload-result", js_on_load=None, min_height=80)
                with gr.Group(visible=False, elem_id="cd-confirm") as confirm_box:
                    confirm_text = gr.HTML(js_on_load=None)
                    with gr.Row():
                        confirm_yes = gr.Button("Xoá văn bản", variant="stop", elem_id="cd-confirm-yes")
                        confirm_no = gr.Button("Huỷ", elem_id="cd-confirm-no")
                docs_html = gr.HTML(elem_id="cd-docs", js_on_load=CHIP_JS)

        refresh_outputs = [status, examples, f_type, f_issuer, f_agency, t_agency, docs_html]
        demo.load(refresh, outputs=refresh_outputs, show_progress="hidden", api_visibility="private")
        for tab in (tab_ask, tab_search, tab_refs, tab_tasks, tab_docs):
            tab.select(refresh, outputs=refresh_outputs, show_progress="hidden", api_visibility="private")

        ask_outputs = [answer, recent_state, recent_html]
        ask_btn.click(do_ask, [question, recent_state], ask_outputs, api_visibility="private")
        question.submit(do_ask, [question, recent_state], ask_outputs, api_visibility="private")
        examples.click(ask_from_chip, [recent_state], [question, *ask_outputs], api_visibility="private")
        recent_html.click(ask_from_chip, [recent_state], [question, *ask_outputs], api_visibility="private")

        search_inputs = [query, f_type, f_issuer, f_agency, f_since, f_until]
        search_btn.click(backend.search, search_inputs, results, api_visibility="private")
        query.submit(backend.search, search_inputs, results, api_visibility="private")

        refs_btn.click(backend.refs, number, refs_html, api_visibility="private")
        number.submit(backend.refs, number, refs_html, api_visibility="private")
        refs_html.click(do_refs_chip, None, [number, refs_html], api_visibility="private")

        task_inputs = [t_agency, t_role, t_since, t_until]
        task_outputs = [tasks_html, xlsx_btn, csv_btn]
        tasks_btn.click(do_tasks, task_inputs, task_outputs, api_visibility="private")
        t_agency.select(do_tasks, task_inputs, task_outputs, api_visibility="private")
        tasks_html.click(tasks_chip, [t_role, t_since, t_until], [t_agency, *task_outputs], api_visibility="private")

        upload_btn.upload(do_upload, upload_btn, upload_result, concurrency_limit=1, api_visibility="private").then(
            refresh, outputs=refresh_outputs, show_progress="hidden", api_visibility="private"
        )
        docs_html.click(docs_chip, None, [confirm_box, confirm_text, pending_delete], api_visibility="private")
        confirm_yes.click(
            do_delete,
            pending_delete,
            [upload_result, confirm_box, pending_delete],
            concurrency_limit=1,
            api_visibility="private",
        ).then(refresh, outputs=refresh_outputs, show_progress="hidden", api_visibility="private")
        confirm_no.click(cancel_delete, None, [confirm_box, pending_delete], api_visibility="private")
    return demo


# ---------------------------------------------------------------- the web application


def create_app(settings: Settings, searcher):
    """The FastAPI application: login, viewer and download routes, and the Gradio UI at "/"."""
    import gradio as gr
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

    backend = Backend(settings, searcher)
    users = parse_auth(settings.auth)
    sessions = Sessions() if users else None
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.backend = backend
    security_headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'self'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }

    if users:

        @app.get(LOGIN_PATH, response_class=HTMLResponse)
        def login_form(next: str = "/"):
            return HTMLResponse(login_page(safe_next(next)), headers=security_headers)

        @app.post(LOGIN_PATH)
        @with_hints(request=Request)
        async def login_submit(request: Request):
            form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
            user = (form.get("username") or [""])[0]
            password = (form.get("password") or [""])[0]
            target = safe_next((form.get("next") or ["/"])[0])
            if not check_password(users, user, password):
                logger.warning("failed login attempt")
                time.sleep(0.5)
                return HTMLResponse(
                    login_page(target, "Tên đăng nhập hoặc mật khẩu không đúng."),
                    status_code=401,
                    headers=security_headers,
                )
            token = sessions.create(user)
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax", path="/"
            )
            return response

        @app.get(LOGOUT_PATH)
        @with_hints(request=Request)
        def logout(request: Request):
            sessions.drop(request.cookies.get(SESSION_COOKIE))
            response = RedirectResponse(LOGIN_PATH, status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response

    @app.get(VIEWER_PREFIX + "{doc_id}", response_class=HTMLResponse)
    def view_document(doc_id: str, start: int | None = None, end: int | None = None):
        doc = searcher.document(doc_id) if _DOC_ID_RE.match(doc_id) else None
        if doc is None:
            page = message_page(
                "Không tìm thấy văn bản", "Văn bản này không có trong chỉ mục (có thể đã bị xoá hoặc cập nhật)."
            )
            return HTMLResponse(page, status_code=404, headers=security_headers)
        download = backend.original_file(doc_id) is not None
        return HTMLResponse(render_viewer(doc, start, end, download=download), headers=security_headers)

    @app.get(VIEWER_PREFIX + "{doc_id}/tep-goc")
    def download_original(doc_id: str, xem: int = 0):
        found = backend.original_file(doc_id) if _DOC_ID_RE.match(doc_id) else None
        if found is None:
            page = message_page(
                "Không có tệp gốc", "Tệp gốc của văn bản này không còn trên máy chủ hoặc đã thay đổi kể từ khi nạp."
            )
            return HTMLResponse(page, status_code=404, headers=security_headers)
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

    blocks = build_blocks(backend)
    blocks.queue(default_concurrency_limit=4, api_open=False)
    index_dir = str(Path(settings.index).resolve())

    def current_user(request) -> str | None:
        return (request.scope.get("state") or {}).get("chidao_user")

    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        footer_links=[],
        run_history=False,
        auth_dependency=current_user if users else None,
        blocked_paths=[index_dir],
        show_error=False,
        max_file_size=f"{settings.upload_max_mb}mb",
        ssr_mode=False,
        enable_monitoring=False,
        pwa=False,
        mcp_server=False,
        theme=make_theme(),
        css=CSS,
        head=HEAD,
    )
    app.add_middleware(AuthGate, users=users, sessions=sessions)
    return app


def serve(settings: Settings) -> None:
    """Open the index, load the model once, and serve the UI on settings.host:settings.port."""
    import uvicorn

    from ingest.index import IndexStateError
    from search.searcher import Searcher

    try:
        parse_auth(settings.auth)
    except ValueError as exc:
        raise SystemExit(f"chidao: invalid CHIDAO_AUTH / auth setting: {exc}") from exc
    try:
        searcher = Searcher.open(settings)
    except IndexStateError as exc:
        raise SystemExit(f"chidao: {exc}") from exc
    logger.info("loading the embedding model")
    searcher.warm_up()
    app = create_app(settings, searcher)
    print(f"chidao: giao diện web tại http://{settings.host}:{settings.port}/", file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)


def main() -> None:
    from chidao.config import ConfigError, load_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise SystemExit(f"chidao: {exc}") from exc
    serve(settings)


if __name__ == "__main__":
    main()
