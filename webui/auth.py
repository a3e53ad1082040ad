"""Login for the web UI: users from ``settings.auth`` (``"user:pass,…"``), sessions kept in memory
behind a cookie, the login page and its routes, and ``AuthGate``, the ASGI middleware that lets
through only the login page and requests carrying a valid session."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

from webui import APP_TITLE, SECURITY_HEADERS, with_hints
from webui.render import esc
from webui.viewer import VIEWER_CSS

logger = logging.getLogger(__name__)

SESSION_COOKIE = "chidao_phien"
SESSION_HOURS = 12
LOGIN_PATH = "/dang-nhap"
LOGOUT_PATH = "/dang-xuat"


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


def add_login_routes(app, users: Mapping[str, str], sessions: Sessions) -> None:
    """Add the login form, its submission and the logout route to the FastAPI ``app``."""
    from fastapi import Request
    from fastapi.responses import HTMLResponse, RedirectResponse

    @app.get(LOGIN_PATH, response_class=HTMLResponse)
    def login_form(next: str = "/"):
        return HTMLResponse(login_page(safe_next(next)), headers=SECURITY_HEADERS)

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
                headers=SECURITY_HEADERS,
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
