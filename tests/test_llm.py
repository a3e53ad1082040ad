"""Optional phrasing through an OpenAI-compatible endpoint: citations kept, bad replies discarded."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from chidao.config import Settings
from chidao.records import Answer, Citation
from search.llm import build_messages, rephrase, valid_reply

ANSWER = Answer(
    question="Sở Y tế được giao nhiệm vụ gì?",
    intent="assignment",
    found=True,
    answer="- Sở Y tế (chủ trì): xây dựng hướng dẫn phòng chống dịch trong bầu cử [1]",
    citations=[
        Citation(
            n=1,
            source="corpus/tb.md",
            number=None,
            date="2021-05-04",
            section="2.1.2. Về công tác chuẩn bị bầu cử",
            text="Sở Y tế chủ trì phối hợp với Sở Nội vụ xây dựng hướng dẫn công tác phòng chống dịch",
        )
    ],
)


@pytest.fixture
def endpoint():
    """A local chat-completions server whose next reply the test sets."""
    state = {"reply": "", "status": 200, "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["requests"].append((self.path, self.headers.get("Authorization"), body))
            payload = json.dumps({"choices": [{"message": {"content": state["reply"]}}]}).encode()
            self.send_response(state["status"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", state
    server.shutdown()


def test_valid_reply_replaces_the_text_and_keeps_the_citations(endpoint):
    url, state = endpoint
    state["reply"] = "Sở Y tế chủ trì xây dựng hướng dẫn phòng chống dịch cho cuộc bầu cử [1]."
    settings = Settings(llm_url=url, llm_model="qwen", llm_api_key="sk-bi-mat")
    out = rephrase(ANSWER, settings)
    assert out.generated and out.answer == state["reply"]
    assert out.citations == ANSWER.citations
    path, auth, body = state["requests"][0]
    assert path == "/v1/chat/completions" and auth == "Bearer sk-bi-mat" and body["model"] == "qwen"
    assert "[1]" in body["messages"][1]["content"] and "Sở Nội vụ" in body["messages"][1]["content"]


@pytest.mark.parametrize("reply", ["Sở Y tế lo việc này [2].", "Sở Y tế lo việc này.", ""])
def test_reply_citing_nothing_or_a_missing_passage_is_discarded(endpoint, reply):
    url, state = endpoint
    state["reply"] = reply
    out = rephrase(ANSWER, Settings(llm_url=url))
    assert out == ANSWER


def test_endpoint_failure_keeps_the_extractive_answer(endpoint):
    url, state = endpoint
    state["status"] = 500
    assert rephrase(ANSWER, Settings(llm_url=url)) == ANSWER
    assert rephrase(ANSWER, Settings(llm_url="http://127.0.0.1:9/v1", llm_timeout=2)) == ANSWER


def test_reply_checks_and_prompt():
    assert valid_reply("a [1] b [1]", 1) and not valid_reply("a [0]", 1) and not valid_reply("a", 3)
    messages = build_messages(ANSWER)
    assert messages[0]["role"] == "system" and "tiếng Việt" in messages[0]["content"]
    assert ANSWER.question in messages[1]["content"]
