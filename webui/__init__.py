"""The web UI for clerks, a thin view over ``search.searcher.Searcher``; ``app.py`` is its entry point.

One module per concern: ``render`` (HTML of answers, hits, number look-ups, tasks, documents,
highlighting), ``auth`` (users, sessions, the login page, ``AuthGate``), ``uploads`` (safe names,
content checks, storage), ``viewer`` (the ``/van-ban/…`` routes), ``backend`` (``Backend``: what
each tab asks of the index) and ``blocks`` (the Gradio layout).

Importing any of them loads neither Gradio nor FastAPI nor the model nor the index.
"""

from __future__ import annotations

import os

# Offline: Gradio must never phone home, whoever imports it after us.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("GRADIO_SSR_MODE", "False")
os.environ.setdefault("GRADIO_RUN_HISTORY", "False")

APP_TITLE = "Tra cứu văn bản chỉ đạo điều hành"

#: Headers of the pages the app renders itself (login, viewer, not found): no script at all.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

#: The policy of Gradio's page: everything from this server only. Gradio's page needs inline
#: scripts and styles (its config is an inline <script>; components set style attributes) and
#: 'unsafe-eval' (gr.HTML's js_on_load runs through new Function); images and files also come
#: as data: and blob: URLs it makes itself. Never framed by another site (frame-ancestors).
GRADIO_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: The policy of anything else (downloads, JSON, an original PDF shown by the browser): not framed.
OTHER_CSP = "frame-ancestors 'none'"


def with_hints(**hints):
    """Decorator giving a function real annotation objects. This package's annotations are strings
    (PEP 563) naming classes imported inside functions (gr.Request, fastapi.Request), which
    Gradio and FastAPI cannot resolve; they need the real ones to inject those arguments."""

    def wrap(fn):
        fn.__annotations__.update(hints)
        return fn

    return wrap
