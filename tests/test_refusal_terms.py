"""The refusal's missing-term signals (search/answer/refusal.py ``term_signals``): how much of a question's
key-term weight no passage read holds, or no passage of the index at all, and the words a refusal names."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chidao.store.lexical import LexicalIndex, passage_tokens
from search.answer.passages import key_terms, term_signals, unit_tokens
from search.answer.refusal import FEATURES, TERM_SIGNALS, features
from search.answer.refusal import term_signals as shares
from search.answer.topic import missing_words

PASSAGES = [
    "Sở Y tế chủ trì tổ chức tiêm vắc xin phòng COVID-19 cho người dân trên địa bàn tỉnh.",
    "Sở Công Thương kiểm tra việc niêm yết giá vàng và hoạt động của các cửa hàng bán lẻ.",
    "Ủy ban nhân dân các huyện bố trí điểm tiêm lưu động tại các xã vùng cao.",
    "Trung tâm Kiểm soát bệnh tật bảo quản vắc xin trong kho lạnh, báo cáo Sở Y tế hằng tuần.",
    "Công an tỉnh bảo đảm an ninh trật tự tại các điểm tiêm chủng.",
    "Quy định thủ tục cấp phép xây dựng trạm y tế xã.",
]


@pytest.fixture(scope="module")
def ctx():
    index = LexicalIndex.build(list(range(len(PASSAGES))), [passage_tokens(p) for p in PASSAGES])
    return SimpleNamespace(snapshot=SimpleNamespace(lexical=index))


def read(*passages: str) -> list[set[str]]:
    return [unit_tokens(p) for p in passages]


def test_shares_weigh_missing_terms_by_idf():
    weights = {"a": 1.0, "b": 3.0, "c": 4.0}
    got = shares(["a", "b", "c"], weights, {"a": 5, "b": 1, "c": 0}, [{"a"}, {"b"}])
    assert got == {"uncovered": pytest.approx(0.5), "unseen": pytest.approx(0.5)}
    assert shares([], {}, {}, []) == dict.fromkeys(TERM_SIGNALS, 0.0)
    assert shares(["a"], weights, {"a": 2}, []) == {"uncovered": 1.0, "unseen": 0.0}  # nothing read


@pytest.mark.parametrize(
    "question",
    ["Sở Y tế được giao nhiệm vụ gì về bảo quản vắc xin?", "so y te duoc giao nhiem vu gi ve bao quan vac xin"],
)
def test_a_question_on_an_indexed_subject_misses_nothing(ctx, question):
    terms = key_terms(question, ["Sở Y tế"])
    assert terms and not {"so", "y", "te", "giao", "nhiem", "vu", "so_y", "y_te"} & set(terms)  # agency and frame
    sig = term_signals(ctx, terms, read(PASSAGES[3]))
    assert sig == {"uncovered": 0.0, "unseen": 0.0}


@pytest.mark.parametrize(
    "question", ["Sở Y tế được giao gì về cấp phép karaoke?", "so y te duoc giao gi ve cap phep karaoke"]
)
def test_an_off_topic_subject_is_unseen_and_named(ctx, question):
    terms = key_terms(question, ["Sở Y tế"])
    sig = term_signals(ctx, terms, read(*PASSAGES[:2]))
    # terms: cap, phep, karaoke, cap_phep, phep_karaoke, alike in weight here (each in at most one passage);
    # "karaoke" and its bigram are in no passage of the index, "cấp phép" in none of the two read
    assert terms == ["cap", "phep", "karaoke", "cap_phep", "phep_karaoke"]
    assert sig == {"unseen": pytest.approx(0.4), "uncovered": pytest.approx(1.0)}
    named = missing_words(ctx, question, terms, read(*PASSAGES[:2]))
    assert named == [("cấp phép karaoke" if "ấ" in question else "cap phep karaoke")]  # one run of missing words
    # read with a passage that holds "cấp phép": only the word the index never saw is named
    assert missing_words(ctx, question, terms, read(PASSAGES[-1])) == ["karaoke"]
    assert term_signals(ctx, terms, read(PASSAGES[-1]))["uncovered"] == pytest.approx(sig["unseen"])


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Quy định về cửa hàng vàng miếng như thế nào?", ["miếng", "hàng vàng"]),
        ("quy dinh ve cua hang vang mieng nhu the nao", ["mieng", "hang vang"]),
        ("Quy định về vàng miếng và cửa hàng vàng?", ["miếng", "hàng vàng"]),
    ],
)
def test_a_compound_absent_as_a_whole_counts_through_its_bigram(ctx, question, named):
    # each word of "cửa hàng vàng" occurs, "hàng vàng" never side by side; "miếng" nowhere
    terms = key_terms(question)
    assert "nhu" not in terms and "the" not in terms and "vang_mieng" in terms  # the question's form left out
    sig = term_signals(ctx, terms, read(*PASSAGES))
    assert 0.0 < sig["unseen"] < 1.0 and sig["uncovered"] == sig["unseen"]
    # the missing word first, then the pair missing as a whole; never "cửa hàng" (a passage holds it)
    got = missing_words(ctx, question, terms, read(*PASSAGES))
    assert got[0] == named[0] and named[1] in got and not any("cửa hàng" in g or "cua hang" in g for g in got)


def test_the_form_and_frame_words_are_matched_with_their_accents():
    # "vé" is not the frame word "về", "quản" is not "quan" (liên quan), "khống" is not "không"
    assert {"ve", "quan", "khong"} <= set(key_terms("Giá vé, quản lý và khống chế có tăng không?"))
    assert {"ve", "khong"}.isdisjoint(key_terms("gia ve co tang khong"))
    # document numbers and years are the rule's: not key terms
    assert key_terms("Công điện 570/CĐ-TTg năm 2021 về tiêm chủng") == [
        "cong",
        "dien",
        "nam",
        "tiem",
        "chung",
        "cong_dien",
        "tiem_chung",
    ]


def test_the_model_reads_the_term_signals_and_old_signals_default_to_nothing_missing():
    assert set(TERM_SIGNALS) <= set(FEATURES)
    sig = {"cosine": 0.9, "coverage": 0.5, "coverage_at_best": 0.5, "cosine_gap": 0.01, "tasks": 0.0}
    x = dict(zip(FEATURES, features(sig | {"uncovered": 0.7, "unseen": 0.4}), strict=True))
    assert (x["uncovered"], x["unseen"]) == (0.7, 0.4)
    assert dict(zip(FEATURES, features(sig), strict=True))["unseen"] == 0.0
