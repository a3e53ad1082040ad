"""Wrong passwords never slow anybody else: the real app on a loopback port (``python app.py``,
hashing encoder, no model), a logged-in clerk's requests while 20 wrong logins a second arrive.

This checks that the login delay does not block the event loop (a correctness test over a bounded
number of requests, with a generous margin), not how fast the server is: speed is measured by the
scripts in bench/."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("gradio")

from chidao.store import open_snapshot
from ingest.pipeline import ingest_paths
from webui.auth import LOGIN_PATH, SESSION_COOKIE, LoginThrottle

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "van-thu", "Mật khẩu đúng 1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(hashing_settings, small_corpus, tmp_path):
    """``python app.py`` on a loopback port (its own process: the flood below must not share the
    test's interpreter with the server)."""
    ingest_paths([small_corpus], hashing_settings)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    env.update(
        CHIDAO_INDEX=str(hashing_settings.index),
        CHIDAO_CACHE_DIR=str(hashing_settings.cache_dir),
        CHIDAO_ENCODER="hashing",
        CHIDAO_MODEL=hashing_settings.model,
        CHIDAO_PORT=str(port),
        CHIDAO_AUTH=f"{USER}:{PASSWORD}",
    )
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the server did not start"
            try:
                httpx.get(base + LOGIN_PATH, timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        doc_id = open_snapshot(hashing_settings.index).documents()[0].doc_id
        yield base, f"/van-ban/{doc_id}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _bad_logins(base: str, per_second: float, count: int, statuses: list[int], stop: threading.Event) -> None:
    """``count`` wrong logins at ``per_second``, each waiting for its answer (one asyncio loop in
    this thread, so that the flood costs the test's interpreter little)."""

    async def flood() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def one(i: int) -> None:
                try:
                    r = await client.post(LOGIN_PATH, data={"username": USER, "password": f"sai {i}", "next": "/"})
                    statuses.append(r.status_code)
                except httpx.HTTPError:
                    statuses.append(-1)

            start = time.monotonic()
            tasks = []
            for i in range(count):
                if stop.is_set():
                    break
                await asyncio.sleep(max(0.0, start + i / per_second - time.monotonic()))
                tasks.append(asyncio.create_task(one(i)))
            await asyncio.gather(*tasks)

    asyncio.run(flood())


def test_a_login_flood_does_not_slow_a_logged_in_clerk(server):
    server, page = server  # the base URL, and a document page only a logged-in clerk may open
    clerk = httpx.Client(base_url=server, timeout=30, follow_redirects=False)
    with clerk:
        r = clerk.post(LOGIN_PATH, data={"username": USER, "password": PASSWORD, "next": "/"})
        assert r.status_code == 303 and SESSION_COOKIE in clerk.cookies
        assert clerk.get(page).status_code == 200

        statuses: list[int] = []
        stop = threading.Event()
        flood = threading.Thread(target=_bad_logins, args=(server, 20.0, 80, statuses, stop), daemon=True)
        flood.start()
        time.sleep(0.5)  # the flood is under way
        latencies = []
        try:
            for _ in range(40):
                t0 = time.perf_counter()
                assert clerk.get(page).status_code == 200
                latencies.append(time.perf_counter() - t0)
                time.sleep(0.05)
        finally:
            stop.set()
            flood.join(timeout=60)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    assert p95 < 0.2, f"p95 {p95 * 1000:.0f} ms while wrong logins arrived"
    # the flood was real, and the address was refused after the first few
    assert len(statuses) >= 40 and set(statuses) <= {401, 429}
    assert statuses.count(401) <= LoginThrottle().limit and statuses.count(429) >= 30
    # the refused address is told why, in Vietnamese, even with the right password now
    r = httpx.post(server + LOGIN_PATH, data={"username": USER, "password": PASSWORD})
    assert r.status_code == 429 and "sai quá nhiều lần" in r.text and int(r.headers["retry-after"]) > 0
    # and the clerk who was logged in already is not: sessions are not addresses
    print(f"clerk p95 {p95 * 1000:.0f} ms during {len(statuses)} wrong logins at 20/s")


def test_throttle_window_and_reset():
    throttle = LoginThrottle(limit=3, window=60.0)
    for t in (0.0, 1.0, 2.0):
        assert throttle.retry_after("10.0.0.1", now=t) == 0.0
        throttle.failed("10.0.0.1", now=t)
    assert throttle.retry_after("10.0.0.1", now=3.0) == pytest.approx(57.0)
    assert throttle.retry_after("10.0.0.2", now=3.0) == 0.0  # per address
    assert throttle.retry_after("10.0.0.1", now=60.5) == 0.0  # the first failure left the window
    throttle.succeeded("10.0.0.1")
    assert throttle.retry_after("10.0.0.1", now=3.0) == 0.0
    small = LoginThrottle(limit=1, window=60.0, max_clients=2)
    for i, client in enumerate(("a", "b", "c")):
        small.failed(client, now=float(i))
    assert small.retry_after("a", now=5.0) == 0.0 and small.retry_after("c", now=5.0) > 0  # oldest forgotten
