"""The web UI for clerks: a thin Gradio view over ``search.searcher.Searcher``; ``python app.py``
or ``chidao serve`` starts it.

Tabs: Hỏi đáp (cited answers), Tìm kiếm (filtered search with highlighted words), Tra cứu số hiệu
(a document number, who cites it and what it cites), Nhiệm vụ theo cơ quan (an agency's tasks,
exported to Excel/CSV) and Văn bản (the indexed documents, upload and deletion).

Beside Gradio the app serves its own routes: ``/van-ban/{doc_id}?start=…&end=…`` renders a
document's normalised text with the cited passage in ``<mark>`` (page markers for PDFs) and
``/van-ban/{doc_id}/tep-goc`` returns the original file, only a file the index records. With
``settings.auth`` every route but the login page needs a session (``AuthGate``).

The pieces live in the ``webui`` package (render, auth, uploads, viewer, backend, blocks); this
module only puts them together. Importing it loads neither Gradio nor the model nor the index:
``serve()`` does, once, and one ``Searcher`` is shared read-only by every user. Uploads are stored
under ``<index>/uploads/`` with names the server makes, and re-indexed under a lock while others search.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from chidao.config import Settings
from chidao.store.factory import is_url, uploads_folder
from webui.auth import AuthGate, SecurityHeaders, Sessions, add_login_routes, parse_auth
from webui.backend import Backend
from webui.blocks import CSS, HEAD, build_blocks, make_theme
from webui.viewer import add_viewer_routes

__all__ = ["build_blocks", "create_app", "main", "serve"]

logger = logging.getLogger(__name__)


def create_app(settings: Settings, searcher):
    """The FastAPI application: login, viewer and download routes, and the Gradio UI at "/"."""
    import gradio as gr
    from fastapi import FastAPI

    backend = Backend(settings, searcher)
    users = parse_auth(settings.auth)
    sessions = Sessions() if users else None
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.backend = backend
    if users:
        add_login_routes(app, users, sessions, secure=settings.cookie_secure)
    add_viewer_routes(app, backend)

    blocks = build_blocks(backend)
    # Each event sets its own limit (webui/tabs/): quick look-ups run unqueued, answers many at once
    # (the encoder gate of webui.lanes orders the work), uploads and deletions one at a time.
    blocks.queue(default_concurrency_limit=4, api_open=False)
    # never served as static files: the index folder (or, for a database, the uploads folder)
    private = uploads_folder(settings.index, settings.cache_dir) if is_url(settings.index) else Path(settings.index)
    index_dir = str(private.resolve())

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
    app.add_middleware(SecurityHeaders)  # outermost: refusals and redirects get the headers too
    return app


def serve(settings: Settings) -> None:
    """Open the index, load the model once, and serve the UI on settings.host:settings.port."""
    import uvicorn

    from chidao.store import IndexStateError
    from search.searcher import Searcher

    try:
        parse_auth(settings.auth)
    except ValueError as exc:
        raise SystemExit(f"chidao: invalid CHIDAO_AUTH / auth setting: {exc}") from exc
    from chidao.models.embed import make_encoder
    from webui.lanes import EncoderGate, slice_for, usable_cores

    encoder = make_encoder(settings)
    encoder.use_one_core()  # the gate's workers run calls side by side
    try:
        # Encoder work in slices, one per core at a time, agency and number questions first (webui/lanes.py).
        gate = EncoderGate(encoder, slice_size=slice_for(encoder), workers=usable_cores())
        searcher = Searcher.open(settings, encoder=gate)
    except IndexStateError as exc:
        raise SystemExit(f"chidao: {exc}") from exc
    logger.info("loading the embedding model")
    searcher.warm_up()
    if settings.fill_passages:
        from webui.lanes import PassageFiller

        PassageFiller(searcher, encoder).start()  # answers stop waiting for the encoder once it is done
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
