"""SQuAD token F1, ragas non-LLM text metrics and embedding similarity."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

import numpy as np
import pytest
import sacrebleu

from evals.metrics import TEXT_METRICS, answer_token_f1, semantic_similarity, squad_normalize, text_scores


def test_token_f1_hand_computed() -> None:
    # pred tokens: card arrives in 5 days (5); gold: card arrives within 5 working days (6); overlap 4.
    # P = 4/5, R = 4/6, F1 = 2PR / (P + R) = 8/11.
    assert answer_token_f1("the card arrives in 5 days", "card arrives within 5 working days") == pytest.approx(8 / 11)


def test_token_f1_perfect_and_zero() -> None:
    assert answer_token_f1("Order a new card.", "order new card") == 1.0
    assert answer_token_f1("freeze your card", "transfer limits apply") == 0.0


def test_token_f1_counts_repeated_tokens_once_per_match() -> None:
    # overlap 1, P = 1/3, R = 1, F1 = 0.5
    assert answer_token_f1("card card card", "card") == pytest.approx(0.5)


def test_token_f1_empty_after_normalisation() -> None:
    assert answer_token_f1("the", "a!") == 1.0
    assert answer_token_f1("", "card") == 0.0
    assert answer_token_f1("card", "") == 0.0


def test_squad_normalisation() -> None:
    assert squad_normalize("The Card, an ANSWER!  a b") == "card answer b"
    # articles only as whole words
    assert squad_normalize("Theatre another thematic") == "theatre another thematic"
    # only ASCII punctuation is removed, as in the official script
    assert squad_normalize("card’s “new”") == "card’s “new”"
    assert squad_normalize("3-5 working-days.") == "35 workingdays"


def test_text_scores_identical_strings_are_one() -> None:
    text = "Your card arrives in 3 to 5 working days. Order a replacement after 7 days."
    scores = text_scores(text, text)
    assert tuple(scores) == TEXT_METRICS
    assert scores == dict.fromkeys(TEXT_METRICS, 1.0)


def test_text_scores_different_strings_are_lower_and_in_range() -> None:
    scores = text_scores(
        "Your card arrives in 3 to 5 working days.",
        "Cards are delivered within five working days; order a new one after seven.",
    )
    for name in TEXT_METRICS:
        assert 0.0 <= scores[name] < 1.0, name
    unrelated = text_scores("Freeze your card now", "International transfers take two days")
    for name in TEXT_METRICS:
        assert unrelated[name] < scores[name] or unrelated[name] == 0.0, name


def test_rouge_l_hand_computed_and_stemmed() -> None:
    # LCS 2 of 3 tokens each side: F = 2/3
    assert text_scores("card arrives today", "card arrives tomorrow")["rougeL"] == pytest.approx(2 / 3)
    # Porter stemming: arrives / arriving share a stem
    assert text_scores("card arriving", "card arrives")["rougeL"] == 1.0


def test_bleu_scores_every_sentence() -> None:
    # ragas 0.4.3 alone scores only the first response sentence here (1.0); we score the whole text.
    reference = "Your card will arrive in five working days"
    response = "Your card will arrive in five working days. Unrelated junk text goes here and more"
    bleu = text_scores(response, reference)["bleu"]
    assert bleu < 0.5
    assert bleu == pytest.approx(sacrebleu.sentence_bleu(response, [reference]).score / 100)


def test_bleu_equals_sentence_bleu_on_reordered_sentences() -> None:
    reference = "Call us if it does not arrive. Your card will arrive in five working days."
    response = "Your card will arrive in five working days. Call us if it does not arrive."
    bleu = text_scores(response, reference)["bleu"]
    assert 0.0 < bleu < 1.0
    assert bleu == pytest.approx(sacrebleu.sentence_bleu(response, [reference]).score / 100)


def test_string_similarity_is_case_sensitive_levenshtein() -> None:
    assert text_scores("Card", "card")["string_similarity"] == pytest.approx(0.75)


def test_empty_inputs() -> None:
    assert text_scores("", "") == {"rougeL": 0.0, "bleu": 0.0, "chrf": 0.0, "string_similarity": 1.0}
    assert text_scores("", "card") == dict.fromkeys(TEXT_METRICS, 0.0)


def test_text_scores_inside_a_running_event_loop() -> None:
    async def main() -> dict[str, float]:
        return text_scores("same text", "same text")

    assert asyncio.run(main()) == dict.fromkeys(TEXT_METRICS, 1.0)


_VECTORS = {
    "a": [1.0, 0.0],
    "a-scaled": [5.0, 0.0],
    "b": [1.0, 1.0],
    "b-scaled": [3.0, 3.0],
    "minus-a": [-2.0, 0.0],
    "zero": [0.0, 0.0],
}


def _fake_embed(texts: Sequence[str]) -> np.ndarray:
    return np.asarray([_VECTORS[t] for t in texts], dtype=np.float32)


def test_semantic_similarity_cosine_with_fake_embedder() -> None:
    assert semantic_similarity("a", "b", _fake_embed) == pytest.approx(1 / math.sqrt(2))
    assert semantic_similarity("a-scaled", "b-scaled", _fake_embed) == pytest.approx(1 / math.sqrt(2))
    assert semantic_similarity("a", "a-scaled", _fake_embed) == pytest.approx(1.0)
    assert semantic_similarity("a", "minus-a", _fake_embed) == pytest.approx(-1.0)
    assert semantic_similarity("a", "zero", _fake_embed) == 0.0


def test_semantic_similarity_rejects_bad_shape() -> None:
    def one_vector(texts: Sequence[str]) -> np.ndarray:
        return np.ones((1, 3), dtype=np.float32)

    with pytest.raises(ValueError, match=r"\(2, dim\)"):
        semantic_similarity("a", "b", one_vector)
