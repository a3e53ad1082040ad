"""HTML: visible text with block ends as line breaks; list items keep (or get) their labels."""

from __future__ import annotations

import re

from ingest.loaders import register
from ingest.loaders.base import Read, Source, decoder


@register("html")
def load_html(src: Source) -> Read:
    return Read("html", [_read_html(src.data)])


_DROP_TAGS = {"script", "style", "nav", "noscript", "template", "iframe", "svg", "head", "button", "select"}
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_LABEL_START_RE = re.compile(r"^\s*(?:[-+•*–]|\d{1,3}[.)]|[a-zđ][.)]|[IVXLC]{1,6}[.)])\s")
_WS_RE = re.compile(r"\s+")


def _read_html(data: bytes) -> str:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import PreformattedString

    text, _ = decoder()(data)
    soup = BeautifulSoup(text.replace("\x00", ""), "lxml")
    out: list[str] = []
    # Iterative walk with explicit "close" markers so block ends become line breaks.
    stack: list[tuple[object, bool]] = [(soup, False)]
    pre_depth = 0
    while stack:
        node, closing = stack.pop()
        if closing:
            assert isinstance(node, Tag)
            if node.name == "pre":
                pre_depth -= 1
            out.append("\n")
            continue
        if isinstance(node, PreformattedString):
            continue  # comments, CDATA, doctype, declarations, processing instructions
        if isinstance(node, NavigableString):
            s = str(node)
            out.append(s if pre_depth else _WS_RE.sub(" ", s))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in _DROP_TAGS:
            continue
        if name == "br":
            out.append("\n")
            continue
        block = name in _BLOCK_TAGS
        if block:
            out.append("\n")
            if name == "pre":
                pre_depth += 1
            if name == "li":
                out.append(_li_marker(node))
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    return "".join(out)


def _li_marker(li) -> str:
    text = li.get_text(" ", strip=True)[:12]
    if _LABEL_START_RE.match(text + " "):
        return ""
    parent = li.find_parent(["ol", "ul"])
    if parent is not None and parent.name == "ol":
        index = 1 + sum(1 for s in li.find_previous_siblings("li"))
        return f"{index}. "
    return "- "
