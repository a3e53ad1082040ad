"""Login for the web UI: users from ``settings.auth`` (``"user:pass,…"``), sessions kept in memory
behind a cookie, the login page and its routes, and ``AuthGate``, the ASGI middleware that lets
through only the login page and requests carrying a valid session."""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

from webui import APP_TITLE, GRADIO_CSP, OTHER_CSP, SECURITY_HEADERS, with_hints
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


class LoginThrottle:
    """Failed logins counted per client address in a sliding window: after ``limit`` failures in
    ``window`` seconds that address is refused (HTTP 429) until its oldest failure leaves the window.
    Never sleeps: the caller answers at once (or awaits ``asyncio.sleep``), so a flood of wrong
    passwords slows nobody else. At most ``max_clients`` addresses are remembered (oldest dropped)."""

    def __init__(self, limit: int = 5, window: float = 300.0, max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        times = self._failures.get(client)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times

    def retry_after(self, client: str, now: float | None = None) -> float:
        """Seconds until ``client`` may try again (0 when it may now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(client, now)
            if times is None or len(times) < self.limit:
                return 0.0
            return max(0.0, times[0] + self.window - now)

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(client, now)
            if times is None:
                times = self._failures[client] = deque(maxlen=self.limit)
            times.append(now)
            self._failures.move_to_end(client)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


#: Delay before answering a wrong password (awaited, never blocking the server).
FAILED_LOGIN_DELAY = 0.5


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


def add_login_routes(
    app,
    users: Mapping[str, str],
    sessions: Sessions,
    *,
    secure: bool = False,
    throttle: LoginThrottle | None = None,
) -> None:
    """Add the login form, its submission and the logout route to the FastAPI ``app``. ``secure``
    sets the session cookie's Secure flag (a deployment behind HTTPS); ``throttle`` limits wrong
    passwords per client address."""
    from fastapi import Request
    from fastapi.responses import HTMLResponse, RedirectResponse

    throttle = throttle or LoginThrottle()

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
        client = request.client.host if request.client else "?"
        wait = throttle.retry_after(client)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return HTMLResponse(
                login_page(target, f"Đăng nhập sai quá nhiều lần; hãy thử lại sau khoảng {minutes} phút."),
                status_code=429,
                headers={**SECURITY_HEADERS, "Retry-After": str(int(wait) + 1)},
            )
        if not check_password(users, user, password):
            logger.warning("failed login attempt")
            throttle.failed(client)
            await asyncio.sleep(FAILED_LOGIN_DELAY)
            return HTMLResponse(
                login_page(target, "Tên đăng nhập hoặc mật khẩu không đúng."),
                status_code=401,
                headers=SECURITY_HEADERS,
            )
        throttle.succeeded(client)
        token = sessions.create(user)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="lax",
            path="/",
            secure=secure,
        )
        return response

    @app.get(LOGOUT_PATH)
    @with_hints(request=Request)
    def logout(request: Request):
        sessions.drop(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
        return response


class SecurityHeaders:
    """ASGI middleware adding a Content-Security-Policy (``frame-ancestors 'none'`` on every
    response: no other site may frame a page and trick a click on "Xoá"), ``X-Frame-Options: DENY``
    for older browsers and ``nosniff``. A response that sets its own policy (the login page, the
    viewer) keeps it; other HTML (Gradio's page) gets ``GRADIO_CSP``; the rest ``OTHER_CSP``."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                    policy = GRADIO_CSP if kind.startswith(b"text/html") else OTHER_CSP
                    headers.append((b"content-security-policy", policy.encode()))
                if b"x-frame-options" not in names:
                    headers.append((b"x-frame-options", b"DENY"))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
