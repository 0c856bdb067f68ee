"""Questions asked together are embedded in one batch, each caller getting its own vector."""

import threading

import pytest

from handoff.assist.batching import QueryBatcher


def test_concurrent_questions_share_one_call_and_get_their_own_vectors():
    calls = []
    release = threading.Event()

    def embed_many(texts):
        calls.append(list(texts))
        release.wait(5)
        return [[float(len(t))] for t in texts]

    batcher = QueryBatcher(embed_many, wait_ms=200)
    results = {}
    threads = [threading.Thread(target=lambda q=q: results.__setitem__(q, batcher(q))) for q in ("a", "bb", "ccc")]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert results == {"a": [1.0], "bb": [2.0], "ccc": [3.0]}
    assert sorted(q for call in calls for q in call) == ["a", "bb", "ccc"] and len(calls) <= 2


def test_a_failing_batch_fails_its_callers_and_the_batcher_lives_on():
    outcomes = iter([RuntimeError("model gone"), None])

    def embed_many(texts):
        failure = next(outcomes)
        if failure:
            raise failure
        return [[1.0] for _ in texts]

    batcher = QueryBatcher(embed_many, wait_ms=1)
    with pytest.raises(RuntimeError, match="model gone"):
        batcher("q")
    assert batcher("q") == [1.0]


def test_a_question_the_model_cannot_take_fails_alone():
    """As a tokenizer refuses a lone surrogate: the batch fails, each question is tried alone, and only
    the bad one gets the error."""
    release = threading.Event()

    def embed_many(texts):
        release.wait(5)
        if any("\ud800" in t for t in texts):
            raise TypeError("TextEncodeInput must be Union[TextInputSequence, ...]")
        return [[float(len(t))] for t in texts]

    batcher = QueryBatcher(embed_many, wait_ms=200)
    results = {}

    def ask(question):
        try:
            results[question] = batcher(question)
        except TypeError as exc:
            results[question] = exc

    threads = [threading.Thread(target=ask, args=(q,)) for q in ("a", "bad \ud800", "ccc")]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert results["a"] == [1.0] and results["ccc"] == [3.0]
    assert isinstance(results["bad \ud800"], TypeError)
