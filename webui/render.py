"""HTML of what the UI shows: cited answers, search hits with the query's words highlighted,
number look-ups with their citation graph, an agency's tasks, the indexed documents, upload
results and notes. Pure functions of records and mappings; every value is escaped here."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from chidao.lang.text import fold, has_accents, nfc
from search.export import ROLE_LABELS

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


def note(text: str, kind: str = "info") -> str:
    """A coloured note (kind: info, empty, warn, error, ok); ``text`` is HTML, escaped by the caller."""
    return f'<div class="cd-note cd-note-{kind}">{text}</div>'


def empty_index_html() -> str:
    return note(EMPTY_HELP, "empty")


def chunk_count(docs: Iterable[Mapping[str, Any]]) -> int:
    """The number of passages of the listed documents."""
    return sum(int(d.get("chunks") or 0) for d in docs)


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
        out.append(note("Câu trả lời được diễn đạt lại tự động; hãy đối chiếu với các trích dẫn bên dưới.", "warn"))
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
            note("Gợi ý: thử từ khoá ngắn hơn ở thẻ <b>Tìm kiếm</b>, hoặc nạp thêm văn bản ở thẻ <b>Văn bản</b>.")
        )
    out.append("</div>")
    return "".join(out)


def render_hits(hits: Sequence[Any], query: str) -> str:
    """Search results with the query's syllables highlighted, each opening the viewer."""
    if not hits:
        return note("Không tìm thấy đoạn văn bản nào phù hợp. Hãy thử từ khoá khác hoặc bỏ bớt bộ lọc.")
    out = [f'<div class="cd-count">{len(hits)} kết quả</div><ol class="cd-hits">']
    for h in hits:
        url = viewer_url(h.doc_id, h.start, h.end, h.page) if h.doc_id else ""
        label = doc_label(h.model_dump())
        out.append('<li class="cd-card cd-hit">')
        out.append(f'<div class="cd-card-head"><span class="cd-doc">{esc(label)}</span></div>')
        title = h.title if h.title and h.title != label else None
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
            note(
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
            note(
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
        out.append(note("Chưa có văn bản nào trong chỉ mục dẫn chiếu số hiệu này."))
    out.append("</div>")
    return "".join(out)


def render_tasks(result: Mapping[str, Any], query: str = "") -> str:
    """An agency's assignments as a table, newest first, each linking to its passage."""
    rows = result.get("assignments") or []
    agency = result.get("agency") or query
    if not rows:
        return note(f"Không tìm thấy nhiệm vụ nào giao cho <b>{esc(agency)}</b> với điều kiện đã chọn.")
    out = [
        f'<div class="cd-count">{len(rows)} nhiệm vụ giao cho <b>{esc(agency)}</b>, mới nhất trước</div>',
        '<table class="cd-table cd-tasks"><thead><tr><th>Ngày</th><th>Văn bản</th><th>Cơ quan</th>'
        "<th>Vai trò</th><th>Nhiệm vụ</th><th>Thời hạn</th></tr></thead><tbody>",
    ]
    for a in rows:
        url = viewer_url(a["doc_id"], a.get("start"), a.get("end"))
        doc = {k: a.get(k) for k in ("type", "number", "title", "source")}
        co = a.get("co_assignees") or []
        shared = f"<div class='cd-sub'>giao chung với {esc(', '.join(co))}</div>" if co else ""
        out.append(
            f"<tr><td class='cd-nowrap'>{esc(format_date(a.get('date')))}</td>"
            f'<td><a href="{esc(url)}" target="_blank" rel="noopener">{esc(doc_label(doc))}</a></td>'
            f"<td>{esc(a.get('agency'))}{shared}</td>"
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
    out = [
        f'<div class="cd-count">{len(docs)} văn bản, {chunk_count(docs)} đoạn trong chỉ mục</div>',
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
