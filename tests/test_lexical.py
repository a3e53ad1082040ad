"""BM25 tokens and scoring: accents folded beside exact forms, document numbers whole."""

import unicodedata
from pathlib import Path

import numpy as np

from chidao.store.lexical import LexicalIndex, passage_tokens, query_tokens
from search.fusion import fuse, top_k

PASSAGES = [
    "Sở Y tế chủ trì phối hợp với Sở Nội vụ xây dựng hướng dẫn phòng chống dịch.",
    "Thực hiện Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ.",
    "Sở Tài chính bảo đảm kinh phí phục vụ công tác bầu cử.",
    "Bàn giao mặt bằng cho dự án trước ngày 15/12/2021.",
]


def _index(tmp_path=None) -> LexicalIndex:
    index = LexicalIndex.build(list(range(10, 10 + len(PASSAGES))), [passage_tokens(p) for p in PASSAGES])
    if tmp_path is not None:
        index.save(tmp_path / "lex")
        index = LexicalIndex.load(tmp_path / "lex")
    return index


def _best(index: LexicalIndex, query: str) -> int:
    scores = index.scores(query_tokens(query))
    assert scores.max() > 0, query
    return int(index.ids[int(np.argmax(scores))])


def test_one_letter_syllables_and_bigrams_are_tokens():
    tokens = passage_tokens("Sở Y tế")
    assert "y" in tokens  # one-letter syllable kept
    assert "so_y" in tokens and "y_te" in tokens
    assert "=sở" in tokens and "=tế" in tokens
    assert "=y" not in tokens  # no exact duplicate for an unaccented syllable


def test_query_without_accents_finds_accented_text(tmp_path):
    index = _index(tmp_path)
    assert _best(index, "so y te chu tri phoi hop") == 10
    assert _best(index, "Sở Y tế chủ trì phối hợp") == 10
    assert _best(index, "SO TAI CHINH kinh phi bau cu") == 12


def test_nfd_query_matches_nfc_text():
    index = _index()
    nfd = unicodedata.normalize("NFD", "Sở Tài chính bảo đảm kinh phí")
    assert _best(index, nfd) == 12


def test_document_numbers_match_whatever_the_spacing_and_accents():
    index = _index()
    for typed in ("570/CĐ-TTg", "570 / CĐ - TTg", "570/cd-ttg", "570/CD-TTG"):
        assert "#570/CD-TTG" in query_tokens(typed), typed
        assert _best(index, typed) == 11


def test_accented_query_prefers_exact_spelling():
    index = LexicalIndex.build([1, 2], [passage_tokens("bàn giao hồ sơ"), passage_tokens("ban hành văn bản")])
    scores = index.scores(query_tokens("bàn giao"))
    assert scores[0] > scores[1]


def test_unknown_words_score_zero_everywhere():
    index = _index()
    assert not index.scores(query_tokens("karaoke quán bar")).any()


def test_empty_index_scores_nothing(tmp_path):
    empty = LexicalIndex.build([], [])
    empty.save(tmp_path / "e")
    loaded = LexicalIndex.load(tmp_path / "e")
    assert len(loaded.scores(query_tokens("Sở Y tế"))) == 0


def test_minmax_fusion_combines_both_sides():
    dense = np.array([0.9, 0.8, 0.7])
    lexical = np.array([0.0, 10.0, 5.0])
    fused = fuse(dense, lexical, 0.5)
    assert int(np.argmax(fused)) == 1  # strong on both beats strong on one
    assert np.allclose(fuse(dense, lexical, 1.0), [1.0, 0.5, 0.0])


def test_rrf_fusion_ignores_passages_without_lexical_match():
    fused = fuse(np.array([0.9, 0.1]), np.array([0.0, 3.0]), 0.0, method="rrf")
    assert fused[0] == 0.0 and fused[1] > 0


def test_rows_maps_chunk_ids_to_score_positions():
    index = _index()
    assert index.rows(np.array([12, 10, 99])).tolist() == [2, 0, -1]


def test_a_saved_index_is_read_without_bm25s_and_scores_as_bm25s_does(tmp_path):
    """The read path (numpy over the saved arrays) gives bm25s's own scores, bit for bit, on the dev
    corpus's passages: with and without accents, repeated and unknown tokens, document numbers."""
    import subprocess
    import sys

    import bm25s

    from chidao.lang.text import nfc

    corpus = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "github" / "corpus"
    passages = [
        nfc(line)
        for f in sorted(corpus.glob("*.txt"))[:12]
        for line in f.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 20
    ]
    assert len(passages) > 200
    built = LexicalIndex.build(list(range(len(passages))), [passage_tokens(p) for p in passages])
    built.save(tmp_path / "lex")
    read = LexicalIndex.load(tmp_path / "lex")
    assert read._retriever is None  # read with numpy alone
    reference = bm25s.BM25.load(str(tmp_path / "lex"), mmap=False, show_progress=False)
    queries = [
        "Sở Y tế chủ trì phối hợp",
        "so y te chu tri phoi hop",
        "Công điện số 570/CĐ-TTg",
        "phòng chống dịch phòng chống dịch",  # repeated tokens count twice
        "Ủy ban nhân dân các huyện báo cáo kết quả",
        "từ không có trong chỉ mục xyzzy",
        *passages[:40:7],
    ]
    for q in queries:
        tokens = query_tokens(q)
        known = [t for t in tokens if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(passages))
        np.testing.assert_array_equal(read.scores(tokens), np.asarray(expected, dtype=np.float32))
        np.testing.assert_array_equal(built.scores(tokens), read.scores(tokens))
        assert read.idf(tokens) == built.idf(tokens)
        assert read.df(tokens) == built.df(tokens)
    assert read.df(["xyzzy"]) == {"xyzzy": 0}
    assert read.df(["y_te"])["y_te"] == sum("y_te" in passage_tokens(p) for p in passages) > 0
    # a search process imports neither bm25s nor scipy to read it
    code = (
        "import sys; from pathlib import Path; from chidao.store.lexical import LexicalIndex, query_tokens; "
        f"i = LexicalIndex.load(Path({str(tmp_path / 'lex')!r})); i.scores(query_tokens('Sở Y tế')); "
        "print('bm25s' in sys.modules, 'scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_top_k_picks_the_best_scores_best_first_ties_by_position():
    rng = np.random.default_rng(7)
    scores = rng.random(5000)
    assert top_k(scores, 50).tolist() == np.argsort(-scores, kind="stable")[:50].tolist()
    tied = np.array([0.5, 0.9, 0.5, 0.1, 0.9, 0.5])
    assert top_k(tied, 4).tolist() == [1, 4, 0, 2]
    assert top_k(tied, 99).tolist() == [1, 4, 0, 2, 5, 3]
    assert top_k(tied, 0).tolist() == [] and top_k(np.array([]), 3).tolist() == []


def test_dense_index_searches_on_one_thread_and_reads_vectors_back_by_id():
    import faiss

    from chidao.store.dense import FAISS_THREADS, DenseIndex

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(1000, 1300, dtype=np.int64)
    index = DenseIndex.build(ids, vectors, 16)
    found, scores = index.search(vectors[42], 5)
    assert found[0] == 1042 and abs(scores[0] - 1.0) < 1e-5
    assert faiss.omp_get_max_threads() == FAISS_THREADS == 1
    assert np.allclose(index.vectors(np.array([1299, 1000, 1042])), vectors[[299, 0, 42]])
    assert index.vectors(np.array([], dtype=np.int64)).shape == (0, 16)
