"""BM25Index must score exactly like rank-bm25 (within 1e-9) and rank like a full sort."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

import index.bm25 as bm25_mod
from index.bm25 import BM25Index

REFERENCE = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}
WORDS = [f"w{i}" for i in range(12)]
QUERY_WORDS = [*WORDS, "unknown", "zzz"]

doc_st = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12)
corpus_st = st.lists(doc_st, min_size=1, max_size=25).filter(any)
query_st = st.lists(st.sampled_from(QUERY_WORDS), min_size=0, max_size=8)
variant_st = st.sampled_from(sorted(REFERENCE))
params_st = st.fixed_dictionaries(
    {"k1": st.sampled_from([1.5, 0.5, 1.2, 2.0]), "b": st.sampled_from([0.75, 0.0, 0.3, 0.9])}
)


def reference(corpus: list[list[str]], variant: str, **params: float) -> BM25Okapi:
    return REFERENCE[variant](corpus, **params)


def assert_close(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == np.float64
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


def expected_top(corpus: list[list[str]], scores: np.ndarray, query: list[str], k: int) -> list[int]:
    """Full sort of get_scores over passages holding a query term; ties to lower index."""
    terms = set(query)
    touched = [i for i, doc in enumerate(corpus) if terms.intersection(doc)]
    return sorted(touched, key=lambda i: (-scores[i], i))[:k]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpus_st, queries=st.lists(query_st, min_size=1, max_size=5), variant=variant_st, params=params_st)
def test_scores_match_rank_bm25(
    corpus: list[list[str]], queries: list[list[str]], variant: str, params: dict[str, float]
) -> None:
    ref = reference(corpus, variant, **params)
    index = BM25Index.build(corpus, variant=variant, **params)
    assert index.n_docs == len(corpus)
    for query in queries:
        assert_close(index.scores(query), ref.get_scores(query))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    corpus=corpus_st,
    query=query_st,
    variant=variant_st,
    k=st.integers(1, 30),
    prune_df=st.sampled_from([1, 2, 3, 10_000]),
    dense=st.booleans(),
)
def test_top_k_agrees_with_full_sort(
    corpus: list[list[str]], query: list[str], variant: str, k: int, prune_df: int, dense: bool
) -> None:
    want_scores = reference(corpus, variant).get_scores(query)
    with pytest.MonkeyPatch.context() as mp:
        # Small thresholds force the pruned path (lazy lists, dense rows) on tiny corpora.
        mp.setattr(bm25_mod, "_PRUNE_MIN_DF", prune_df)
        if dense:
            mp.setattr(bm25_mod, "_DENSE_BUDGET", 1e9)
            mp.setattr(bm25_mod, "_DENSE_MIN_FRACTION", 10**9)
        index = BM25Index.build(corpus, variant=variant)
        got = index.top_k(query, k)
    assert [doc for doc, _ in got] == expected_top(corpus, want_scores, query, k)
    for doc, score in got:
        assert score == pytest.approx(want_scores[doc], rel=1e-9, abs=1e-9)


def zipf_corpus(rng: np.random.Generator, n_docs: int, n_words: int) -> list[list[str]]:
    p = 1.0 / np.arange(1, n_words + 1)
    p /= p.sum()
    lens = rng.integers(0, 40, size=n_docs)
    return [[f"t{i}" for i in rng.choice(n_words, size=int(n), p=p)] for n in lens]


@pytest.mark.parametrize("variant", sorted(REFERENCE))
def test_medium_corpus_scores_and_pruned_top_k(variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few thousand Zipfian passages: spans several build chunks and the pruned top_k."""
    monkeypatch.setattr(bm25_mod, "_CHUNK_DOCS", 700)
    monkeypatch.setattr(bm25_mod, "_PRUNE_MIN_DF", 50)
    rng = np.random.default_rng(7)
    corpus = zipf_corpus(rng, 3000, 400)
    ref = reference(corpus, variant)
    index = BM25Index.build(corpus, variant=variant)
    for _ in range(40):
        query = [f"t{i}" for i in rng.integers(0, 420, size=int(rng.integers(1, 7)))]
        want = ref.get_scores(query)
        assert_close(index.scores(query), want)
        for k in (1, 10, 50):
            got = index.top_k(query, k)
            assert [d for d, _ in got] == expected_top(corpus, want, query, k)


def test_idf_edge_cases_okapi() -> None:
    # 4 passages: "a" in all (> half: floored), "b" in exactly half (IDF 0), "c" in one.
    corpus = [["a", "b", "c"], ["a", "b"], ["a"], ["a", "d"]]
    ref = BM25Okapi(corpus)
    index = BM25Index.build(corpus)
    assert index.idf("b") == 0.0
    for term in "abcd":
        assert index.idf(term) == pytest.approx(ref.idf[term], rel=1e-12)
        assert index.doc_freq(term) == sum(term in doc for doc in corpus)
    assert index.idf("a") == pytest.approx(0.25 * ref.average_idf)
    assert index.idf("nope") == 0.0 and index.doc_freq("nope") == 0
    for query in (["a"], ["b"], ["b", "c"], ["c", "c"], ["a", "a", "zz"], [], ["zz"]):
        assert_close(index.scores(query), ref.get_scores(query))
    # a term with IDF 0 still makes its passages candidates (score 0)
    assert index.top_k(["b"], 5) == [(0, 0.0), (1, 0.0)]


def test_duplicates_add_again_and_unknown_terms_add_nothing() -> None:
    corpus = [["x", "y"], ["y", "z", "z"], ["q"]]
    index = BM25Index.build(corpus)
    one, two = index.scores(["z"]), index.scores(["z", "z"])
    np.testing.assert_allclose(two, 2 * one)
    np.testing.assert_array_equal(index.scores(["z", "nope"]), one)


def test_plus_constant_reaches_every_passage() -> None:
    corpus = [["x", "y"], ["y"], ["z"]]
    ref = BM25Plus(corpus)
    index = BM25Index.build(corpus, variant="plus")
    got = index.scores(["x"])
    assert_close(got, ref.get_scores(["x"]))
    assert got[2] > 0  # passage without "x" still gets idf * delta
    assert [d for d, _ in index.top_k(["x"], 3)] == [0]  # but only passages with "x" rank


def test_one_passage_and_all_empty_passages() -> None:
    index = BM25Index.build([["solo", "solo", "word"]])
    assert_close(index.scores(["solo"]), BM25Okapi([["solo", "solo", "word"]]).get_scores(["solo"]))
    empty = BM25Index.build([[], []])  # rank-bm25 itself raises here
    np.testing.assert_array_equal(empty.scores(["x"]), np.zeros(2))
    assert empty.top_k(["x"], 3) == []


@pytest.mark.parametrize("variant", sorted(REFERENCE))
def test_empty_corpus(variant: str) -> None:
    index = BM25Index.build([], variant=variant)
    assert index.n_docs == 0
    assert index.scores(["a"]).shape == (0,)
    assert index.scores(["a"]).dtype == np.float64
    assert index.top_k(["a"], 10) == []
    assert index.idf("a") == 0.0
    again = BM25Index.from_bytes(index.to_bytes())
    assert again.n_docs == 0 and again.scores([]).shape == (0,)


def test_top_k_edge_arguments() -> None:
    corpus = [["a", "b"], ["b"], ["c"], ["d"]]
    index = BM25Index.build(corpus)
    assert index.top_k(["a"], 0) == []
    assert index.top_k([], 5) == []
    assert index.top_k(["unknown"], 5) == []
    query = ["b", "a", "c"]
    want = expected_top(corpus, BM25Okapi(corpus).get_scores(query), query, 100)
    assert [d for d, _ in index.top_k(query, 100)] == want and len(want) == 3


@settings(max_examples=100, deadline=None)
@given(corpus=st.lists(doc_st, min_size=0, max_size=20), query=query_st, variant=variant_st)
def test_bytes_round_trip(corpus: list[list[str]], query: list[str], variant: str) -> None:
    index = BM25Index.build(corpus, variant=variant)
    data = index.to_bytes()
    assert isinstance(data, bytes)
    again = BM25Index.from_bytes(data)
    assert again.n_docs == index.n_docs and again.variant == variant
    np.testing.assert_array_equal(again.scores(query), index.scores(query))
    assert again.top_k(query, 5) == index.top_k(query, 5)
    for term in QUERY_WORDS:
        assert again.idf(term) == index.idf(term)
        assert again.doc_freq(term) == index.doc_freq(term)


def test_unicode_terms_and_file_round_trip(tmp_path: object) -> None:
    corpus = [["café", "naïve", 'quo"te'], ["日本", "café"], ["line\nbreak", "\x00nul"]]
    index = BM25Index.build(corpus)
    path = tmp_path / "idx.bm25"  # type: ignore[operator]
    index.save(path)
    for again in (BM25Index.load(path), BM25Index.load(path, use_mmap=False)):
        for query in (["café"], ["日本"], ["line\nbreak", "\x00nul"], ['quo"te']):
            np.testing.assert_array_equal(again.scores(query), index.scores(query))


def test_from_bytes_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        BM25Index.from_bytes(b"not an index at all, definitely not")
    data = bytearray(BM25Index.build([["a"]]).to_bytes())
    data[8] = 99  # version
    with pytest.raises(ValueError, match="version"):
        BM25Index.from_bytes(bytes(data))


def test_unknown_variant() -> None:
    with pytest.raises(ValueError):
        BM25Index.build([["a"]], variant="bm42")


def test_matched_terms() -> None:
    index = BM25Index.build([["a", "b"], ["b", "c"]])
    assert index.matched_terms(1, ["c", "a", "b", "c", "zz"]) == ["c", "b"]
    assert index.matched_terms(0, ["c"]) == []


def test_top_k_from_several_threads() -> None:
    """Scratch arrays are per thread, so concurrent queries do not mix."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(3)
    corpus = zipf_corpus(rng, 3000, 300)
    index = BM25Index.build(corpus)
    queries = [[f"t{i}" for i in rng.integers(0, 300, size=5)] for _ in range(200)]
    want = [index.top_k(q, 10) for q in queries]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda q: index.top_k(q, 10), queries))
    assert got == want
