"""The viewer of a scanned directive in a real headless Chromium (Debian's /usr/bin/chromium through
Playwright): the cited passage is boxed on the page image, each box over the very word it stands
for, behind the login.

The index is built from the session's scan (tests/scans.py, read by OCR once per session) with the
hashing encoder (the viewer needs no model); ``python app.py`` serves it with a login.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chidao.config import Settings
from ingest import ocr

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not ocr.available(), reason="Tesseract with its Vietnamese model is missing"),
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="/usr/bin/chromium is missing"),
]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
USER, PASSWORD = "van-thu", "Mật khẩu quét 2024"
ENV = {"CHIDAO_ENCODER": "hashing", "CHIDAO_MODEL": "hashing-test"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(scanned, ocr_cache, tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from search.searcher import Searcher

    work = tmp_path_factory.mktemp("ocr-browser")
    settings = Settings(index=work / "index", cache_dir=work / "cache", encoder="hashing", model="hashing-test")
    settings.cache_dir.mkdir()
    (settings.cache_dir / "ocr").symlink_to(ocr_cache, target_is_directory=True)  # the scan is read once
    report = ingest_paths([scanned["pdf"]], settings)
    assert report.added == 1, report.failed
    snap = Searcher.open(settings).snapshot
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    env.update(ENV, CHIDAO_INDEX=str(settings.index), CHIDAO_PORT=str(port), CHIDAO_AUTH=f"{USER}:{PASSWORD}")
    env["CHIDAO_CACHE_DIR"] = str(settings.cache_dir)
    log = (work / "app.log").open("wb")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError((work / "app.log").read_text(errors="replace")[-3000:])
            try:
                urllib.request.urlopen(base + "/dang-nhap", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield {"base": base, "snap": snap}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def page(served, pw):
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=2)
    pg = context.new_page()
    foreign: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith(served["base"]) else foreign.append(r.url))
    pg.goto(served["base"] + "/dang-nhap")
    pg.fill("#u", USER)
    pg.fill("#p", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_load_state()
    yield pg
    assert foreign == []  # nothing but the app itself
    browser.close()


def _nfc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _cited_passages(snap, doc_id: str) -> list[tuple[int, int]]:
    """Spans a clerk would open: a cited number and a whole assignment, both on the scanned page 2."""
    text = snap.document_text(doc_id)
    number = next(c for c in snap.citations(doc_id) if c.number.startswith("570/"))
    sentence_start = text.index("Công điện số 570")
    sentence_end = text.index("23/4/2021", sentence_start) + len("23/4/2021")
    return [(number.start, number.end), (sentence_start, sentence_end)]


def test_cited_ocr_passage_is_boxed_on_the_right_words(served, page):
    from ingest.ocr.align import words_in

    snap = served["snap"]
    [doc] = snap.documents()
    text = snap.document_text(doc.doc_id)
    for n, (start, end) in enumerate(_cited_passages(snap, doc.doc_id)):
        page.goto(f"{served['base']}/van-ban/{doc.doc_id}?start={start}&end={end}")
        scan = page.locator(".scan")
        assert scan.count() == 1 and scan.get_attribute("data-page") == "2"
        img = page.locator(".scan img")
        page.wait_for_function("() => document.querySelector('.scan img').naturalWidth > 0")
        page.locator(".scan .hl").first.evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the header
        box = img.bounding_box()
        ocr_page = snap.ocr_page(doc.doc_id, 2)
        expected = words_in(ocr_page, start, end)
        marks = page.locator(".scan .hl")
        shown = [int(marks.nth(i).get_attribute("data-word")) for i in range(marks.count())]
        assert shown == expected and shown
        # the boxed words are the cited words …
        cited = _nfc(text[start:end])
        assert _nfc(" ".join(ocr_page.words[i].text for i in shown)).startswith(cited)
        # … and each box sits where that word is on the page image (within a pixel)
        for i, index in enumerate(shown):
            w = ocr_page.words[index]
            got = marks.nth(i).bounding_box()
            want = (
                box["x"] + w.left * box["width"] / ocr_page.width,
                box["y"] + w.top * box["height"] / ocr_page.height,
                w.width * box["width"] / ocr_page.width,
                w.height * box["height"] / ocr_page.height,
            )
            shown_at = (got["x"], got["y"], got["width"], got["height"])
            assert all(abs(a - b) <= 1.0 for a, b in zip(shown_at, want, strict=True)), (w.text, got, want)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"ocr-viewer-{n + 1}.png"))
        # … and what is under the boxes on the screen reads as the cited words (read back by Tesseract)
        if n == 1:
            _read_back_under_boxes(page, marks, [ocr_page.words[i].text for i in shown])
    # the text below the image still marks the passage
    assert cited in _nfc(page.locator("mark").first.inner_text())


def _read_back_under_boxes(page, marks, words: list[str]) -> None:
    import io

    from PIL import Image

    from chidao.lang.text import fold
    from ingest.ocr import engine

    rects = [marks.nth(i).bounding_box() for i in range(len(words))]
    page.add_style_tag(content=".scan .hl { visibility: hidden; }")  # read the page image itself
    read_back: list[str] = []
    for r in rects:
        pad = 6
        shot = page.screenshot(
            clip={"x": r["x"] - pad, "y": r["y"] - pad, "width": r["width"] + 2 * pad, "height": r["height"] + 2 * pad}
        )
        read_back.append(" ".join(t.text for t in engine.read_words(Image.open(io.BytesIO(shot)), psm=7)))
    agree = sum(fold(a).strip(".,;: ") == fold(b).strip(".,;: ") for a, b in zip(read_back, words, strict=True))
    assert agree >= 0.8 * len(words), (read_back, words)


def test_page_images_need_the_login(served, page):
    snap = served["snap"]
    [doc] = snap.documents()
    url = f"{served['base']}/van-ban/{doc.doc_id}/trang/2"
    inside = page.context.request.get(url)
    assert inside.status == 200 and inside.headers["content-type"] == "image/jpeg"
    assert page.context.request.get(f"{served['base']}/van-ban/{doc.doc_id}/trang/9").status == 404
    other = page.context.browser.new_context()  # no session cookie
    try:
        assert other.request.get(url, max_redirects=0).status in (401, 303)
    finally:
        other.close()
