"""No query text, document text or password in the logs.

Every command of the CLI (ingest, search, ask, refs, tasks, docs) runs in a real process with
distinctive strings in the documents, the queries and the secrets (``CHIDAO_AUTH``,
``CHIDAO_LLM_API_KEY``, sent to a local fake LLM endpoint that answers badly so the LLM's
failure paths log), and stderr, where the logs go, must contain none of them: at the default
level (WARNING) and at ``-v`` (INFO).
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path
from typing import ClassVar

import pytest
from builders import make_pdf

MODEL = "hashing-test"

# Distinctive strings: found anywhere on stderr, they were logged.
DOC_SECRET = "Dự án mật danh HOÀNG-LIÊN-SƠN-4417"
DOC_SENTENCE = "Sở Y tế chủ trì xây dựng bệnh viện dã chiến tại xã Quang Trung"
QUERY_SECRET = "NGỌC-TRAI-8823"
AGENCY_SECRET = "Ban Quản lý KIM-CƯƠNG-5512"
NUMBER_SECRET = "9931/QĐ-BMX"
PASSWORD = "MatKhau-Sieu-Bi-Mat-7731"
API_KEY = "sk-KHOA-BI-MAT-2468"

DOCUMENT = (
    "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\nSố: 77/KH-UBND\nCao Bằng, ngày 3 tháng 6 năm 2021\nKẾ HOẠCH\n"
    f"Triển khai {DOC_SECRET}\n"
    "I. NHIỆM VỤ\n"
    f"1. {DOC_SENTENCE}, hoàn thành trước ngày 30/6/2021.\n"
    f"2. {AGENCY_SECRET} phối hợp bảo đảm vật tư theo Quyết định số {NUMBER_SECRET} ngày 01/6/2021.\n"
    "3. Công an tỉnh bảo đảm an ninh trật tự khu vực bệnh viện dã chiến.\n"
)


def _variants(text: str) -> set[str]:
    """The string as it may be written out: NFC, NFD, lower case, and a distinctive core."""
    out = {text, unicodedata.normalize("NFD", text), text.lower()}
    out |= {w for w in text.split() if any(c.isdigit() for c in w) and len(w) >= 6}
    return out


SECRETS = {
    "document text": _variants(DOC_SECRET) | _variants(DOC_SENTENCE),
    "query text": _variants(QUERY_SECRET) | _variants(AGENCY_SECRET) | _variants(NUMBER_SECRET),
    "password": {PASSWORD, API_KEY},
}


class FakeLLM(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that answers with citations that do not exist, then fails."""

    requests: ClassVar[list[dict]] = []

    def do_POST(self):  # the stdlib's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeLLM.requests.append({"auth": self.headers.get("Authorization"), "body": json.loads(body)})
        if len(FakeLLM.requests) % 2:
            reply = {"choices": [{"message": {"content": f"Trả lời {QUERY_SECRET} [99]."}}]}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self.send_error(500, f"boom {API_KEY}")

    def log_message(self, *args):  # keep the test's own output quiet
        pass


@pytest.fixture(scope="module")
def llm_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture(scope="module")
def setup(tmp_path_factory, llm_url):
    root = tmp_path_factory.mktemp("privacy")
    docs = root / "docs"
    docs.mkdir()
    (docs / "ke-hoach-77.txt").write_text(DOCUMENT, encoding="utf-8")
    make_pdf(docs / "ke-hoach-77-ban-in.pdf", [DOCUMENT.replace("77/KH", "78/KH")])
    # Bad files whose content holds the document's text: their failures are logged too.
    (docs / "hong.pdf").write_bytes(b"%PDF-1.4\n" + DOCUMENT.encode() + b"\x00\x01garbage")
    (docs / "rac.txt").write_bytes(DOCUMENT.encode() + bytes(range(0, 32)) * 40)
    (docs / "ten.xyz").write_text(DOCUMENT, encoding="utf-8")
    empty_config = root / "empty.toml"
    empty_config.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_") and "proxy" not in k.lower()}
    env.update(
        CHIDAO_CONFIG=str(empty_config),
        CHIDAO_ENCODER="hashing",
        CHIDAO_MODEL=MODEL,
        CHIDAO_CACHE_DIR=str(root / "cache"),
        CHIDAO_AUTH=f"thuky:{PASSWORD}",
        CHIDAO_LLM_URL=llm_url,
        CHIDAO_LLM_API_KEY=API_KEY,
        CHIDAO_LLM_TIMEOUT="10",
        NO_PROXY="127.0.0.1,localhost",
    )
    return root, docs, env


def commands(docs: Path) -> list[list[str]]:
    return [
        ["ingest", str(docs)],
        ["ingest", "--json", str(docs)],
        ["search", f"bệnh viện dã chiến {QUERY_SECRET}"],
        ["search", "--json", f"{QUERY_SECRET} xã Quang Trung", "--agency", AGENCY_SECRET],
        ["ask", f"Sở Y tế được giao nhiệm vụ gì về bệnh viện dã chiến {QUERY_SECRET}?"],
        ["ask", "--json", f"Sở Y tế chủ trì xây dựng bệnh viện dã chiến ở đâu {QUERY_SECRET}?"],
        ["ask", f"Quyết định số {NUMBER_SECRET} nói gì?"],
        ["refs", NUMBER_SECRET],
        ["tasks", AGENCY_SECRET],
        ["tasks", "Sở Y tế", "--json"],
        ["docs"],
    ]


def run_cli(args: list[str], env: dict[str, str], verbose: bool) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "chidao.cli", *(["-v"] if verbose else []), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("verbose", [False, True], ids=["default", "info"])
def test_logs_hold_no_query_document_text_or_password(setup, verbose):
    root, docs, env = setup
    env = {**env, "CHIDAO_INDEX": str(root / f"index-{'info' if verbose else 'default'}")}
    FakeLLM.requests.clear()
    stderr_all = []
    for args in commands(docs):
        proc = run_cli(args, env, verbose)
        assert proc.returncode == 0, (args, proc.stderr)
        stderr_all.append(proc.stderr)
        for kind, secrets in SECRETS.items():
            leaked = [s for s in secrets if s in proc.stderr]
            assert not leaked, f"{kind} on stderr of chidao {' '.join(args[:1])}: {leaked}\n{proc.stderr}"
    stderr = "\n".join(stderr_all)
    # The runs did reach the paths that log: failures of bad files, the LLM's two failure modes.
    assert "hong.pdf" in stderr and "corrupt_pdf" in stderr
    assert "LLM reply cited passages that do not exist" in stderr
    assert "LLM endpoint failed (HTTPStatusError)" in stderr
    assert FakeLLM.requests and all(r["auth"] == f"Bearer {API_KEY}" for r in FakeLLM.requests)
    if verbose:
        assert "INFO" in stderr  # -v does log more


def test_the_secrets_are_really_in_what_the_commands_handle(setup):
    # Guards the test above against vacuous success: the document text is indexed and
    # answers carry it on stdout (where it belongs), so its absence from stderr means something.
    root, docs, env = setup
    env = {**env, "CHIDAO_INDEX": str(root / "index-guard")}
    assert run_cli(["ingest", str(docs)], env, verbose=False).returncode == 0
    proc = run_cli(["search", "--json", DOC_SENTENCE], env, verbose=False)
    assert proc.returncode == 0, proc.stderr
    assert DOC_SENTENCE in proc.stdout and DOC_SECRET in proc.stdout
    proc = run_cli(["refs", "--json", NUMBER_SECRET], env, verbose=False)
    assert NUMBER_SECRET in proc.stdout
