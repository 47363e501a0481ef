"""Private bridge to ragas: telemetry off, lazily built non-LLM metrics, and a synchronous runner.

ragas is imported only when a metric that needs it is first used: importing it pulls in about 2,600
modules (langchain, openai, instructor, ...) and takes seconds, which the bootstrap and aggregation
helpers should not pay. Nothing here builds an LLM or an embedding client, so nothing can call one.

Two things in ragas 0.4.3 shape this module:

* The collections metrics (``ragas.metrics.collections``) only offer ``score()``, which calls
  ``asyncio.run`` per call (and refuses to run inside an event loop), and ``ascore()``. Their
  ``ascore`` coroutines never suspend, so :func:`run_sync` steps them to completion directly.
* The ID-based context precision / recall metrics exist only in the legacy API. Their public
  ``single_turn_score`` / ``single_turn_ascore`` record a usage event whose construction writes a
  persistent user id to ``~/.local/share/ragas/uuid.json`` (even with tracking off; later reads leak
  the file handle, a ``ResourceWarning``), and ``single_turn_score`` applies ``nest_asyncio`` to a
  running loop. We therefore call the metric's own scoring coroutine, ``_single_turn_ascore``, which
  is the hook ragas documents for implementing single-turn metrics.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from ragas.metrics._context_precision import IDBasedContextPrecision
    from ragas.metrics._context_recall import IDBasedContextRecall
    from ragas.metrics.collections import BleuScore, CHRFScore, NonLLMStringSimilarity, RougeScore
    from ragas.metrics.result import MetricResult

# Must be set before ragas is first imported (ragas caches the flag); forced, never phoned home.
os.environ["RAGAS_DO_NOT_TRACK"] = "true"

T = TypeVar("T")


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine built by ``make`` to completion from synchronous code.

    Fast path: step the coroutine once; the non-LLM ragas metrics finish without ever suspending,
    so no event loop is needed (this also works when the caller is itself inside a running loop).
    If the coroutine does suspend (a future ragas version awaiting real I/O), it is discarded and a
    fresh one runs under ``asyncio.run`` in a worker thread, which works with or without a loop in
    the calling thread.
    """
    coro = make()
    try:
        coro.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    coro.close()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ragas-metric") as pool:
        return pool.submit(asyncio.run, make()).result()


def unit_value(result: MetricResult) -> float:
    """A ragas ``MetricResult`` as a float clamped to [0, 1] (BLEU can come out at 1.0000000000000004)."""
    value = float(result.value)
    if math.isnan(value):
        raise ValueError("ragas returned NaN")
    return min(1.0, max(0.0, value))


@dataclass(frozen=True, slots=True)
class TextMetrics:
    """The ragas non-LLM text metrics, built once."""

    rouge_l: RougeScore
    bleu: BleuScore
    chrf: CHRFScore
    string_similarity: NonLLMStringSimilarity


@cache
def text_metrics() -> TextMetrics:
    """Build (once) the ragas collections metrics used by :func:`evals.metrics.text.text_scores`."""
    from ragas.metrics.collections import BleuScore, CHRFScore, NonLLMStringSimilarity, RougeScore

    return TextMetrics(
        rouge_l=RougeScore(rouge_type="rougeL", mode="fmeasure"),
        # Effective order: sentence-level BLEU, equal to sacrebleu.sentence_bleu (see text.py).
        bleu=BleuScore(kwargs={"use_effective_order": True}),
        chrf=CHRFScore(),
        string_similarity=NonLLMStringSimilarity(),
    )


@cache
def id_metrics() -> tuple[IDBasedContextPrecision, IDBasedContextRecall]:
    """Build (once) ragas' ID-based context precision and recall metrics.

    Imported from their defining modules: ``ragas.metrics.IDBasedContextPrecision`` is a deprecated
    alias (a ``DeprecationWarning`` on access) and the classes have no ``collections`` counterpart yet.
    """
    from ragas.metrics._context_precision import IDBasedContextPrecision
    from ragas.metrics._context_recall import IDBasedContextRecall

    return IDBasedContextPrecision(), IDBasedContextRecall()


def id_context_scores(retrieved_ids: list[str], reference_ids: list[str]) -> tuple[float, float]:
    """ragas ID-based (context precision, context recall) for non-empty id lists."""
    from ragas.dataset_schema import SingleTurnSample

    precision_metric, recall_metric = id_metrics()
    retrieved: list[str | int] = [*retrieved_ids]
    reference: list[str | int] = [*reference_ids]
    sample = SingleTurnSample(retrieved_context_ids=retrieved, reference_context_ids=reference)
    precision = run_sync(lambda: precision_metric._single_turn_ascore(sample, None))
    recall = run_sync(lambda: recall_metric._single_turn_ascore(sample, None))
    return float(precision), float(recall)
