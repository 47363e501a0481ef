"""Per-case text metrics: SQuAD token F1, ragas non-LLM overlap metrics, embedding similarity."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from evals.metrics._ragas import run_sync, text_metrics, unit_value

#: An embedding function: texts in, one row vector per text out.
EmbedFn = Callable[[Sequence[str]], npt.NDArray[np.floating[Any]]]

#: The keys :func:`text_scores` returns, in report order.
TEXT_METRICS: tuple[str, ...] = ("rougeL", "bleu", "chrf", "string_similarity")

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)


def squad_normalize(text: str) -> str:
    """Normalise text as SQuAD's official evaluation script does.

    Lower-case, drop ASCII punctuation (``string.punctuation``; typographic quotes and dashes stay),
    replace the articles a / an / the with spaces, and collapse whitespace.
    """
    lowered = text.lower()
    without_punctuation = "".join(ch for ch in lowered if ch not in _PUNCTUATION)
    without_articles = _ARTICLES.sub(" ", without_punctuation)
    return " ".join(without_articles.split())


def answer_token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1 between a prediction and one reference, in [0, 1].

    Both texts go through :func:`squad_normalize` and are split on whitespace; the overlap is the
    multiset intersection of the tokens. When either side normalises to no tokens the score is
    1.0 if both do and 0.0 otherwise (the SQuAD v2.0 script's rule; v1.1 scored both-empty as 0).
    """
    prediction_tokens = squad_normalize(prediction).split()
    reference_tokens = squad_normalize(reference).split()
    if not prediction_tokens or not reference_tokens:
        return float(prediction_tokens == reference_tokens)
    overlap = sum((Counter(prediction_tokens) & Counter(reference_tokens)).values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(prediction_tokens)
    recall = overlap / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)


def _one_bleu_segment(text: str) -> str:
    """Keep ragas' BleuScore from splitting ``text`` into sentences.

    ragas 0.4.3 splits both texts on ``". "`` and passes the reference sentences to sacrebleu as
    separate reference *streams*; sacrebleu then zips them with the response sentences, so only the
    response's first sentence is scored (against any reference sentence). Turning ``". "`` into
    ``".\\n"`` stops the split, and sacrebleu's 13a tokenizer reads the newline as a space, so the
    tokens are unchanged and the score equals ``sacrebleu.sentence_bleu(response, [reference])``.
    """
    return text.replace(". ", ".\n")


def text_scores(response: str, reference: str) -> dict[str, float]:
    """Compare a response with a reference through ragas' non-LLM metrics; every score is in [0, 1].

    * ``rougeL``: ragas ``RougeScore`` (ROUGE-L F-measure, Porter stemming; rouge-score tokenizer).
    * ``bleu``: ragas ``BleuScore``: sentence-level sacrebleu BLEU (13a tokens, exponential smoothing,
      effective n-gram order) over the whole text; see :func:`_one_bleu_segment` for a ragas bug
      worked around here.
    * ``chrf``: ragas ``CHRFScore`` (sacrebleu chrF, character 6-grams, beta 2).
    * ``string_similarity``: ragas ``NonLLMStringSimilarity``, 1 - normalised Levenshtein distance on
      the raw, case-sensitive strings.

    Empty inputs score 0.0, except ``string_similarity`` of two empty strings, which is 1.0.
    """
    metrics = text_metrics()
    bleu_response, bleu_reference = _one_bleu_segment(response), _one_bleu_segment(reference)
    return {
        "rougeL": unit_value(run_sync(lambda: metrics.rouge_l.ascore(reference=reference, response=response))),
        "bleu": unit_value(run_sync(lambda: metrics.bleu.ascore(reference=bleu_reference, response=bleu_response))),
        "chrf": unit_value(run_sync(lambda: metrics.chrf.ascore(reference=reference, response=response))),
        "string_similarity": unit_value(
            run_sync(lambda: metrics.string_similarity.ascore(reference=reference, response=response))
        ),
    }


def semantic_similarity(a: str, b: str, embed: EmbedFn) -> float:
    """Cosine similarity of the embeddings of ``a`` and ``b``, in [-1, 1].

    ``embed`` is called once with ``[a, b]`` and must return a ``(2, dim)`` array; the rows are
    L2-normalised here, so the embedder need not normalise. A zero or non-finite vector scores 0.0.
    """
    vectors = np.asarray(embed([a, b]), dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != 2:
        raise ValueError(f"embed must return a (2, dim) array, got shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1)
    if not np.all(np.isfinite(vectors)) or not np.all(norms > 0.0):
        return 0.0
    unit = vectors / norms[:, None]
    return float(np.clip(unit[0] @ unit[1], -1.0, 1.0))
