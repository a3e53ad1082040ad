"""The encoder gate (webui/lanes.py): one call at a time, long batches in slices, urgent calls take
the next turn. A deterministic fake encoder that records its calls; threads ordered by events, no
timing assertions."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from webui.lanes import EncoderGate, current_lane, lane


class RecordingEncoder:
    """Vectors = [length of the text]; every call recorded; the first call can be held open."""

    dim = 1

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.inside = 0
        self.most_inside = 0
        self.hold = threading.Event()
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def _encode(self, texts):
        with self._lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            self.calls.append(list(texts))
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


def test_an_urgent_call_goes_before_the_rest_of_a_long_batch():
    inner = RecordingEncoder()
    gate = EncoderGate(inner, slice_size=2)
    long_batch = [f"chủ đề {i}" for i in range(6)]
    urgent_done = threading.Event()

    def topic() -> None:
        with lane("normal"):
            gate.encode_passages(long_batch)

    def agency() -> None:
        with lane("urgent"):
            assert current_lane() == "urgent"
            gate.encode_queries(["so y te"])
        urgent_done.set()

    t1 = threading.Thread(target=topic)
    t1.start()
    assert inner.entered.wait(10)  # the topic answer's first slice is being encoded
    t2 = threading.Thread(target=agency)
    t2.start()
    while gate._urgent_waiting == 0:  # the urgent call is waiting for its turn
        threading.Event().wait(0.01)
    inner.hold.set()
    t1.join(10)
    t2.join(10)
    assert urgent_done.is_set()
    order = [c[0] for c in inner.calls]
    assert order == ["chủ đề 0", "so y te", "chủ đề 2", "chủ đề 4"]  # after one slice, not after all
    assert inner.most_inside == 1  # never two calls at once
    assert current_lane() == "normal"


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


def test_two_workers_run_two_slices_at_once_and_urgent_slices_still_go_first():
    inner = RecordingEncoder()
    gate = EncoderGate(inner, slice_size=1, workers=2)
    topic_texts = [f"chu de {i}" for i in range(5)]
    results: dict[str, np.ndarray] = {}

    def topic() -> None:
        with lane("normal"):
            results["topic"] = gate.encode_passages(topic_texts)

    def agency() -> None:
        with lane("urgent"):
            results["agency"] = gate.encode_passages(["Sở Y tế", "Công an tỉnh"])

    t1 = threading.Thread(target=topic)
    t1.start()
    while True:  # both workers are inside the encoder, three topic slices wait
        with inner._lock:
            if inner.inside == 2:
                break
        threading.Event().wait(0.01)
    t2 = threading.Thread(target=agency)
    t2.start()
    while gate._urgent_waiting < 2:
        threading.Event().wait(0.01)
    inner.hold.set()
    t1.join(10)
    t2.join(10)
    assert results["topic"][:, 0].tolist() == [len(t) for t in topic_texts]
    assert results["agency"][:, 0].tolist() == [7, 12]
    order = [c[0] for c in inner.calls]
    assert sorted(order[:2]) == ["chu de 0", "chu de 1"]
    assert order[2:4] == ["Sở Y tế", "Công an tỉnh"]  # before the topic slices queued earlier
    assert order[4:] == ["chu de 2", "chu de 3", "chu de 4"]
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
    from webui.lanes import single_core

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
    single_core(encoder)
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
