"""Login for the web UI: every route of the app, Gradio's own included, refuses a request without a
session; with one, the routes work. Runs the real FastAPI/Gradio app in-process (no model)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("gradio")

from starlette.routing import Mount
from starlette.testclient import TestClient

import app as ui
from ingest.pipeline import ingest_paths
from search.searcher import Searcher
from webui.auth import LOGIN_PATH, LOGOUT_PATH, SESSION_COOKIE

USER, PASSWORD = "can-bo", "mật-khẩu: 1"


@pytest.fixture
def auth_app(hashing_settings, small_corpus):
    ingest_paths([small_corpus], hashing_settings)
    settings = hashing_settings.model_copy(update={"auth": f"{USER}:{PASSWORD},khach:123"})
    searcher = Searcher.open(settings)
    application = ui.create_app(settings, searcher)
    with TestClient(application, follow_redirects=False) as client:
        yield application, client, searcher


def _all_routes(application) -> list[tuple[str, str]]:
    """(method, concrete path) of every route of the app and of the mounted Gradio app."""
    out = []

    def walk(routes, prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(route.routes, prefix + route.path)
                continue
            if hasattr(route, "effective_candidates"):  # FastAPI's included router (Gradio's /gradio_api)
                walk(route.effective_candidates(), prefix)
                continue
            path = getattr(route, "path", None)
            if path is None:
                continue
            concrete = re.sub(r"\{[^}]+\}", "x1", prefix + path).replace("//", "/")
            original = getattr(route, "original_route", route)
            methods = getattr(route, "methods", None) or getattr(original, "methods", None) or {"WEBSOCKET"}
            out.extend((m, concrete) for m in sorted(methods) if m != "HEAD")

    walk(application.routes, "")
    return out


def test_every_route_refuses_without_a_session(auth_app):
    application, client, _ = auth_app
    routes = _all_routes(application)
    paths = {p for _, p in routes}
    # Gradio's routes are all there, not only ours
    for expected in ("/config", "/gradio_api/info", "/gradio_api/upload", "/gradio_api/queue/join", "/van-ban/x1"):
        assert expected in paths, expected
    assert any(p.startswith("/gradio_api/file=") for p in paths)
    checked = 0
    for method, path in routes:
        if path == LOGIN_PATH or method == "WEBSOCKET":
            continue
        response = client.request(method, path)
        assert response.status_code == 401, (method, path, response.status_code)
        checked += 1
    assert checked > 40
    # a browser asking for a page is sent to the login page, keeping where it wanted to go
    page = client.get("/van-ban/abc?start=1&end=5", headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/dang-nhap?next=%2Fvan-ban%2Fabc")
    for path in ("/", "/gradio_api/file=/etc/passwd", "/assets/index.js", "/theme.css", "/favicon.ico"):
        assert client.get(path).status_code in (401, 303)


def test_login_then_routes_work(auth_app):
    _, client, searcher = auth_app
    form = client.get(LOGIN_PATH)
    assert form.status_code == 200 and "Mật khẩu" in form.text and "Đăng nhập" in form.text
    bad = client.post(LOGIN_PATH, data={"username": USER, "password": "sai", "next": "/"})
    assert bad.status_code == 401 and "không đúng" in bad.text and SESSION_COOKIE not in client.cookies
    good = client.post(LOGIN_PATH, data={"username": USER, "password": PASSWORD, "next": "//evil.example/"})
    assert good.status_code == 303 and good.headers["location"] == "/"
    assert client.cookies.get(SESSION_COOKIE)
    assert client.get("/config").status_code == 200
    assert client.get("/gradio_api/info").status_code == 200
    assert client.get("/").headers["location"] == "/?__theme=light"
    assert client.get("/?__theme=light").status_code == 200
    doc = next(d for d in searcher.documents() if d["source"].endswith(".docx"))
    viewer = client.get(f"/van-ban/{doc['doc_id']}")
    assert viewer.status_code == 200 and "1500/UBND-NC" in viewer.text
    original = client.get(f"/van-ban/{doc['doc_id']}/tep-goc")
    assert original.status_code == 200 and original.content.startswith(b"PK")
    assert client.get("/gradio_api/file=/etc/passwd").status_code in (403, 404)
    client.get(LOGOUT_PATH)
    assert client.get("/config").status_code == 401


def test_without_auth_everything_is_open_but_the_viewer_stays_in_the_index(hashing_settings, small_corpus, tmp_path):
    ingest_paths([small_corpus], hashing_settings)
    searcher = Searcher.open(hashing_settings)
    with TestClient(ui.create_app(hashing_settings, searcher), follow_redirects=False) as client:
        assert client.get("/config").status_code == 200
        assert client.get(LOGIN_PATH).status_code in (303, 404, 405)  # no login page without auth
        docs = {d["source"].rsplit("/", 1)[-1]: d for d in searcher.documents()}
        pdf = docs["ke-hoach-tiem-chung.pdf"]
        text = searcher.document(pdf["doc_id"])["text"]
        start = text.index("Trung tâm Kiểm soát bệnh tật")
        page = client.get(f"/van-ban/{pdf['doc_id']}", params={"start": start, "end": start + 28})
        assert page.status_code == 200
        assert '<mark id="doan">Trung tâm Kiểm soát bệnh tật</mark>' in page.text
        assert 'id="trang-2"' in page.text and "default-src 'none'" in page.headers["content-security-policy"]
        for bad in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "0000000000000000", "%2e%2e"):
            assert client.get(f"/van-ban/{bad}").status_code == 404
            assert client.get(f"/van-ban/{bad}/tep-goc").status_code == 404
        # a recorded file that changed since it was indexed is not served
        source = small_corpus / "ke-hoach-tiem-chung.pdf"
        download = client.get(f"/van-ban/{pdf['doc_id']}/tep-goc")
        assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment")
        shown = client.get(f"/van-ban/{pdf['doc_id']}/tep-goc", params={"xem": 1})
        assert shown.headers["content-disposition"].startswith("inline") and shown.content.startswith(b"%PDF")
        assert "Mở PDF gốc (trang 2)" in page.text
        source.write_bytes(b"%PDF-1.4 changed")
        assert client.get(f"/van-ban/{pdf['doc_id']}/tep-goc").status_code == 404
