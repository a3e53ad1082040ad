"""Optional phrasing of a found answer by an OpenAI-compatible chat endpoint (vLLM, llama.cpp, Ollama).

Off unless ``llm_url`` is configured. The model sees only the cited passages, numbered as in the
extractive answer, and must answer in Vietnamese with those [n] marks; the citations stay exactly
the extractive ones. A reply that cites a number that does not exist, cites nothing, or fails for
any reason is discarded and the extractive answer is returned unchanged.
"""

from __future__ import annotations

import logging
import re

from chidao.config import Settings
from chidao.records import Answer

logger = logging.getLogger(__name__)

SYSTEM = (
    "Bạn là trợ lý cho cán bộ văn phòng. Chỉ dùng các đoạn trích được đánh số để trả lời câu hỏi bằng tiếng Việt, "
    "ngắn gọn. Sau mỗi ý, ghi số đoạn trích làm căn cứ trong ngoặc vuông, ví dụ [1]. Không thêm thông tin "
    "không có trong đoạn trích."
)


def build_messages(answer: Answer) -> list[dict[str, str]]:
    passages = "\n\n".join(
        f"[{c.n}] ({c.type or 'Văn bản'} {c.number or ''} {c.date or ''}, {c.section}) {c.text}"
        for c in answer.citations
    )
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Đoạn trích:\n{passages}\n\nCâu hỏi: {answer.question}"},
    ]


def valid_reply(text: str, n_citations: int) -> bool:
    marks = {int(m) for m in re.findall(r"\[(\d+)\]", text)}
    return bool(marks) and all(1 <= m <= n_citations for m in marks)


def rephrase(answer: Answer, settings: Settings) -> Answer:
    import httpx

    url = settings.llm_url.rstrip("/") + "/chat/completions"
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    body = {"model": settings.llm_model or "default", "messages": build_messages(answer), "temperature": 0.1}
    try:
        resp = httpx.post(url, json=body, headers=headers, timeout=settings.llm_timeout)
        resp.raise_for_status()
        text = resp.json()["choices"][0]["message"]["content"].strip()
    except Exception as exc:  # the extractive answer is always a valid fallback
        logger.warning("LLM endpoint failed (%s); keeping the extractive answer", type(exc).__name__)
        return answer
    if not valid_reply(text, len(answer.citations)):
        logger.warning("LLM reply cited passages that do not exist; keeping the extractive answer")
        return answer
    return answer.model_copy(update={"answer": text, "generated": True})
