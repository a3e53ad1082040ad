"""The encoder gate (webui/lanes.py): one call at a time, long batches in slices, urgent calls take
the next turn. A deterministic fake encoder that records its calls; threads ordered by events, no
timing assertions."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from webui.lanes import BACKGROUND_NICE, EncoderGate, current_lane, lane


class RecordingEncoder:
    """Vectors = [length of the text]; every call recorded, with the operating-system priority of the
    thread that encodes each text; calls are held open until ``hold`` is set (``held`` decides which)."""

    dim = 1

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.priority: dict[str, int] = {}
        self.inside = 0
        self.most_inside = 0
        self.hold = threading.Event()
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def held(self, texts) -> bool:
        return True

    def _encode(self, texts):
        with self._lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            self.calls.append(list(texts))
            for t in texts:
                self.priority[t] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        if self.held(texts):
            self.entered.set()
            self.hold.wait(10)
        with self._lock:
            self.inside -= 1
        return np.array([[len(t)] for t in texts], dtype=np.float32)

    encode_queries = _encode

    def encode_passages(self, texts, show_progress=False):
        return self._encode(texts)


def test_results_are_whole_and_in_order():
    inner = RecordingEncoder()
    inner.hold.set()
    gate = EncoderGate(inner, slice_size=3)
    texts = ["a" * n for n in range(1, 8)]
    out = gate.encode_passages(texts)
    assert out[:, 0].tolist() == list(range(1, 8))
    assert [len(c) for c in inner.calls] == [3, 3, 1]
    assert gate.encode_queries(["Sở Y tế"]).shape == (1, 1) and gate.dim == 1


class HoldingEncoder(RecordingEncoder):
    """Only topic passages ("chủ đề …") wait for ``hold``; anything else is encoded at once."""

    def held(self, texts) -> bool:
        return bool(texts) and texts[0].startswith("chủ đề")


def test_an_urgent_call_is_answered_while_topic_slices_hold_the_normal_lane():
    inner = HoldingEncoder()
    gate = EncoderGate(inner, slice_size=2)
    topic_texts = [f"chủ đề {i}" for i in range(6)]
    results: dict[str, np.ndarray] = {}

    def topic() -> None:
        with lane("normal"):
            results["topic"] = gate.encode_passages(topic_texts)

    def agency() -> None:
        with lane("urgent"):
            assert current_lane() == "urgent"
            results["agency"] = gate.encode_queries(["so y te"])

    t1 = threading.Thread(target=topic)
    t1.start()
    assert inner.entered.wait(10)  # the topic answer's first slice is being encoded, and waits
    t2 = threading.Thread(target=agency)
    t2.start()
    t2.join(10)
    assert results["agency"][:, 0].tolist() == [7]  # done while the topic slice still holds its worker
    assert "topic" not in results
    inner.hold.set()
    t1.join(10)
    assert results["topic"][:, 0].tolist() == [len(t) for t in topic_texts]
    assert [c[0] for c in inner.calls if c[0].startswith("chủ đề")] == ["chủ đề 0", "chủ đề 2", "chủ đề 4"]
    assert current_lane() == "normal"


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no thread priorities on this system")
def test_topic_slices_run_at_a_lower_cpu_priority_than_urgent_ones():
    inner = HoldingEncoder()
    inner.hold.set()
    gate = EncoderGate(inner, slice_size=4, workers=2, background_nice=BACKGROUND_NICE)
    with lane("normal"):
        gate.encode_passages(["chủ đề a", "chủ đề b"])
    with lane("urgent"):
        gate.encode_passages(["Sở Y tế", "Công an tỉnh"])
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert inner.priority["Sở Y tế"] == inner.priority["Công an tỉnh"] == own
    assert inner.priority["chủ đề a"] == min(19, own + BACKGROUND_NICE)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own  # the caller's is untouched


def test_passages_met_before_are_not_encoded_again():
    inner = RecordingEncoder()
    inner.hold.set()
    gate = EncoderGate(inner, slice_size=8, cache_size=3)
    first = gate.encode_passages(["Sở Y tế", "Bộ Tài chính", "Sở Y tế"])
    assert first[:, 0].tolist() == [7, 12, 7] and inner.calls == [["Sở Y tế", "Bộ Tài chính"]]
    again = gate.encode_passages(["Bộ Tài chính", "UBND tỉnh"])
    assert again[:, 0].tolist() == [12, 9] and inner.calls[-1] == ["UBND tỉnh"]
    gate.encode_passages(["a", "b"])  # the cache keeps the 3 most recent passages
    gate.encode_passages(["Sở Y tế"])
    assert inner.calls[-1] == ["Sở Y tế"] and gate.encode_passages([]).shape[0] == 0


def test_two_workers_run_two_topic_slices_at_once():
    inner = RecordingEncoder()
    gate = EncoderGate(inner, slice_size=1, workers=2)
    topic_texts = [f"chu de {i}" for i in range(5)]
    results: dict[str, np.ndarray] = {}

    def topic() -> None:
        with lane("normal"):
            results["topic"] = gate.encode_passages(topic_texts)

    t1 = threading.Thread(target=topic)
    t1.start()
    while True:  # both normal workers are inside the encoder, three slices wait
        with inner._lock:
            if inner.inside == 2:
                break
        threading.Event().wait(0.01)
    inner.hold.set()
    t1.join(10)
    assert results["topic"][:, 0].tolist() == [len(t) for t in topic_texts]
    assert sorted(c[0] for c in inner.calls[:2]) == ["chu de 0", "chu de 1"]
    assert inner.most_inside == 2


class FailingEncoder(RecordingEncoder):
    def _encode(self, texts):
        raise RuntimeError("mô hình hỏng")

    encode_queries = _encode

    def encode_passages(self, texts, show_progress=False):
        return self._encode(texts)


def test_an_encoder_error_reaches_the_caller_and_the_workers_go_on():
    gate = EncoderGate(FailingEncoder(), slice_size=2, workers=2)
    for _ in range(2):
        with pytest.raises(RuntimeError, match="mô hình hỏng"):
            gate.encode_queries(["so y te"])
    assert all(t.is_alive() for t in gate._threads)


def test_the_real_model_gives_the_same_vectors_from_two_workers_at_once():
    """Two workers running the fp32 model side by side, one core each (as the web server runs it):
    every vector equals the one encoded alone, and nothing collides in the shared tokenizer."""
    from chidao.config import Settings, load_settings
    from chidao.models.embed import SentenceTransformerEncoder, make_encoder

    settings = Settings(cache_dir=load_settings().cache_dir, encoder="sentence-transformers", batch_size=4)
    encoder = make_encoder(settings)
    assert isinstance(encoder, SentenceTransformerEncoder)
    texts = [
        "Giao Sở Y tế chủ trì, phối hợp với Sở Nội vụ tham mưu UBND tỉnh.",
        "giao so y te chu tri phoi hop voi so noi vu",
        "Công an tỉnh bảo đảm an ninh trật tự trong dịp bầu cử.",
        "Ủy ban nhân dân các huyện, thị xã, thành phố " * 40,  # longer than the model's limit: truncated
        "Bộ Tài chính bố trí kinh phí từ ngân sách nhà nước.",
        "Văn phòng Chính phủ theo dõi, đôn đốc.",
    ] * 3
    alone = encoder.encode_passages(texts)
    import torch

    threads_before = torch.get_num_threads()
    encoder.use_one_core()
    assert torch.get_num_threads() == 1
    gate = EncoderGate(encoder, slice_size=2, workers=2)
    results: list[np.ndarray] = []

    def run() -> None:
        with lane("normal"):
            results.append(gate.encode_passages(list(reversed(texts))))

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        torch.set_num_threads(threads_before)  # the rest of the test session keeps its threads
    assert len(results) == 2
    for got in results:
        np.testing.assert_allclose(got[::-1], alone, atol=1e-5)


def test_an_urgent_call_is_spread_over_the_workers():
    inner = RecordingEncoder()
    inner.hold.set()
    gate = EncoderGate(inner, slice_size=8, workers=2)
    with lane("urgent"):
        out = gate.encode_passages(["Sở Y tế", "Sở Nội vụ", "Công an tỉnh", "Bộ Tài chính", "UBND tỉnh"])
    assert out[:, 0].tolist() == [7, 9, 12, 12, 9]
    assert sorted(len(c) for c in inner.calls) == [2, 3]  # two slices, one per worker
    with lane("normal"):
        gate.encode_passages([f"chủ đề {i}" for i in range(5)])
    assert len(inner.calls[-1]) == 5  # a topic answer's passages keep whole slices
