"""Many clerks at once: the real web server under 8 concurrent clerks asking agency, number and topic
questions. Prints latency by kind (alone and under load) and the throughput of one clerk and of all.

    python bench/bench_load.py [--index DIR] [--clerks 8] [--per-clerk 6] [--max-seconds 1200]

Without ``--index`` the index of ``../shared/eval/github/corpus`` and ``../shared/eval/distractors/laws``
is built once (real model) into a temporary folder. The server is ``python app.py`` on a free loopback
port; questions go through Gradio's queue exactly as the page sends them (POST
``/gradio_api/queue/join``, then the event stream ``/gradio_api/queue/data``). Everything is bounded:
a fixed number of questions, a timeout per question and a deadline for the whole run, after which the
clerks stop and the server is terminated.

Questions (Vietnamese): agency questions name an agency and ask for its tasks ("Sở Y tế được giao
nhiệm vụ gì?", from the index's most assigned agencies and the dev set's assignment questions),
number questions name a document number (the dev set's cross-reference and look-up questions), topic
questions name neither (the dev set's paraphrased questions).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
KINDS = ("agency", "number", "topic")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_index(folder: Path) -> Path:
    index = folder / "index"
    sources = [SHARED / "eval" / "github" / "corpus", SHARED / "eval" / "distractors" / "laws"]
    print(f"building the index of {', '.join(str(s) for s in sources)} into {index} …", file=sys.stderr)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "chidao.cli", "ingest", *map(str, sources), "--index", str(index), "--json"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"ingest failed:\n{done.stderr[-2000:]}")
    print(f"index built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return index


def questions(index: Path, rng: random.Random) -> dict[str, list[str]]:
    """Agency, number and topic questions that this index can answer."""
    rows = [json.loads(line) for line in (SHARED / "eval" / "github" / "queries.jsonl").open(encoding="utf-8")]
    env = {**os.environ, "CHIDAO_INDEX": str(index)}
    listed = subprocess.run(
        [sys.executable, "-m", "chidao.cli", "tasks", "--json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    counts: dict[str, int] = {}
    for a in json.loads(listed.stdout)["assignments"]:
        counts[a["agency"]] = counts.get(a["agency"], 0) + 1
    top = sorted(counts, key=lambda a: -counts[a])[:12]
    agency = [f"{a} được giao nhiệm vụ gì?" for a in top]
    agency += [r["query"] for r in rows if r["kind"] == "assignment" and not r["query"].lower().startswith("ai ")]
    number = [r["query"] for r in rows if r["kind"] == "crossref"]
    number += [r["query"] for r in rows if r["kind"] == "lookup" and "/" in r["query"]]
    topic = [r["query"] for r in rows if r["kind"] == "semantic"]
    out = {"agency": agency, "number": number, "topic": topic}
    for kind in KINDS:
        rng.shuffle(out[kind])
    return out


class Server:
    def __init__(self, index: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "CHIDAO_AUTH"}  # no login: clerks are anonymous here
        env.update(CHIDAO_INDEX=str(index), CHIDAO_PORT=str(self.port), CHIDAO_HOST="127.0.0.1")
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait(self, timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("the server exited; see its log")
            try:
                if httpx.get(self.base + "/config", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise SystemExit("the server did not start in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


def ask_fn_index(base: str) -> int:
    """The event the page's "Hỏi" button sends (from the page's own configuration)."""
    config = httpx.get(base + "/config", timeout=30).json()
    button = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "cd-ask-btn")
    for i, dep in enumerate(config["dependencies"]):
        if [button, "click"] in [list(t) for t in dep.get("targets", [])]:
            return dep.get("id", i)
    raise SystemExit("the ask button's event was not found")


class Clerk:
    """One browser tab: its own Gradio session, one question at a time."""

    def __init__(self, base: str, fn_index: int, timeout: float) -> None:
        self.base = base
        self.fn_index = fn_index
        self.timeout = timeout
        self.session = uuid.uuid4().hex[:11]
        self.client = httpx.Client(base_url=base, timeout=timeout)

    def ask(self, question: str) -> tuple[float, bool]:
        """(seconds from sending to the answer, whether an answer came back)."""
        t0 = time.perf_counter()
        body = {"data": [question, None], "fn_index": self.fn_index, "session_hash": self.session, "event_data": None}
        r = self.client.post("/gradio_api/queue/join", json=body)
        if r.status_code != 200:
            return time.perf_counter() - t0, False
        event_id = r.json()["event_id"]
        ok = False
        with self.client.stream("GET", "/gradio_api/queue/data", params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") not in (None, event_id):
                    continue
                if msg.get("msg") == "process_completed":
                    out = (msg.get("output") or {}).get("data") or [""]
                    ok = bool(msg.get("success")) and "cd-answer" in str(out[0]) and "cd-note-error" not in str(out[0])
                    break
        return time.perf_counter() - t0, ok

    def close(self) -> None:
        self.client.close()


def run(base: str, fn_index: int, work: list[list[tuple[str, str]]], deadline: float, timeout: float) -> dict:
    """Every clerk asks its list at once; returns latencies by kind, failures and the wall time."""
    latencies: dict[str, list[float]] = {k: [] for k in KINDS}
    asked: list[tuple[float, str, str]] = []  # (seconds, kind, question)
    failures: list[str] = []
    lock = threading.Lock()

    def clerk(items: list[tuple[str, str]]) -> None:
        me = Clerk(base, fn_index, timeout)
        try:
            for kind, question in items:
                if time.monotonic() > deadline:
                    with lock:
                        failures.append(f"{kind}: deadline passed before it was asked")
                    continue
                try:
                    seconds, ok = me.ask(question)
                except httpx.HTTPError as exc:
                    seconds, ok = timeout, False
                    question = f"{question} ({type(exc).__name__})"
                with lock:
                    latencies[kind].append(seconds)
                    asked.append((seconds, kind, question))
                    if not ok:
                        failures.append(f"{kind}: {question}")
        finally:
            me.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=clerk, args=(items,), daemon=True) for items in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1.0, deadline - time.monotonic() + timeout))
    return {"latencies": latencies, "asked": asked, "failures": failures, "wall": time.perf_counter() - t0}


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] if values else float("nan")


def report(name: str, result: dict) -> float:
    n = sum(len(v) for v in result["latencies"].values())
    rate = n / result["wall"] if result["wall"] else 0.0
    failed = len(result["failures"])
    print(f"\n{name}: {n} questions in {result['wall']:.1f} s → {rate:.2f} questions/s; failures: {failed}")
    for kind in KINDS:
        lat = result["latencies"][kind]
        if lat:
            print(
                f"  {kind:7s} n={len(lat):3d}  median {statistics.median(lat) * 1000:7.0f} ms  "
                f"p95 {p95(lat) * 1000:7.0f} ms  max {max(lat) * 1000:7.0f} ms"
            )
    quick = sorted((a for a in result.get("asked", []) if a[1] != "topic"), reverse=True)[:3]
    for seconds, kind, question in quick:
        print(f"  slowest {kind}: {seconds * 1000:.0f} ms  {question[:90]}")
    for f in result["failures"][:10]:
        print(f"  failed: {f}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an index of the dev corpus and the laws (built if absent)")
    parser.add_argument("--clerks", type=int, default=8)
    parser.add_argument("--per-clerk", type=int, default=6, help="questions each clerk asks under load")
    parser.add_argument("--alone", type=int, default=12, help="questions one clerk asks alone")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds allowed for one answer")
    parser.add_argument("--max-seconds", type=float, default=1200.0, help="deadline of the whole run")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    start = time.monotonic()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="chidao-bench-load-") as tmp:
        index = args.index or build_index(Path(tmp))
        pool = questions(index, rng)
        server = Server(index, Path(tmp) / "server.log")
        try:
            server.wait()
            fn_index = ask_fn_index(server.base)
            warm = Clerk(server.base, fn_index, args.timeout)
            for kind in KINDS:  # model, caches and the first generation loaded
                warm.ask(pool[kind][-1])
            warm.close()

            def mixed(n: int, offset: int) -> list[tuple[str, str]]:
                out = []
                for i in range(n):
                    kind = KINDS[(i + offset) % 3]
                    out.append((kind, pool[kind][(i + offset) // 3 % len(pool[kind])]))
                return out

            deadline = start + args.max_seconds
            alone = run(server.base, fn_index, [mixed(args.alone, 0)], deadline, args.timeout)
            # under load, questions none of which was asked alone (nothing answered from memory twice)
            work = [mixed(args.per_clerk, args.alone + c * args.per_clerk) for c in range(args.clerks)]
            loaded = run(server.base, fn_index, work, deadline, args.timeout)
        finally:
            server.stop()
        print(f"index: {index}; {args.clerks} clerks; server on a loopback port, real model")
        one = report("One clerk alone", alone)
        many = report(f"{args.clerks} clerks at once", loaded)
        quick = loaded["latencies"]["agency"] + loaded["latencies"]["number"]
        print(
            f"\nthroughput under load / one clerk: {many / one if one else float('nan'):.2f}×; "
            f"agency p95 {p95(loaded['latencies']['agency']) * 1000:.0f} ms, "
            f"number p95 {p95(loaded['latencies']['number']) * 1000:.0f} ms "
            f"(agency and number together p95 {p95(quick) * 1000:.0f} ms); "
            f"failures {len(alone['failures']) + len(loaded['failures'])}; whole run {time.monotonic() - start:.0f} s"
        )


if __name__ == "__main__":
    main()
