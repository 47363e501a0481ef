"""ragas LLM-judge metrics with a judge model from our own provider registry.

``--judge NAME`` builds provider ``NAME`` from the settings (``openai``, ``vertex``, ``local``, or any
registered one; ``fake`` is the scripted judge of :mod:`evals.fakes`) and puts it behind its own
:class:`~copilot.llm.gateway.LLMGateway`, so judge calls get the same timeouts, retries and cost
accounting as the pipelines' calls. :class:`GatewayJudgeLLM` adapts the gateway to ragas' own LLM
interface (``InstructorBaseRagasLLM``: a prompt and a pydantic response model in, a validated instance
out), which is what ragas 0.4's collections metrics accept; the response model's JSON Schema is sent
as the structured-output schema. :class:`EmbedderRagasEmbedding` adapts the knowledge base's
embedder for response relevancy.

Metrics (ragas ``metrics.collections``), each ``None`` for a case that lacks its inputs:

* ``faithfulness``: share of the response's statements the retrieved passages support;
* ``response_relevancy``: similarity of questions generated from the response to the user's question
  (ragas' AnswerRelevancy; 0 when the response is noncommittal);
* ``llm_context_precision``: ragas ContextPrecision, whether each retrieved passage was useful for the
  reference answer, rank-weighted;
* ``factual_correctness``: claim-level F1 of the response against the reference answer.

ragas is imported when this module is, so import it only when a judge is requested.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from langchain_core.messages import HumanMessage
from pydantic import BaseModel
from ragas.embeddings.base import BaseRagasEmbedding
from ragas.llms.base import InstructorBaseRagasLLM
from ragas.metrics.collections import AnswerRelevancy, ContextPrecision, FactualCorrectness, Faithfulness

from copilot.llm.base import ChatRequest, extract_json
from copilot.llm.gateway import LLMGateway
from evals.metrics._ragas import run_sync
from knowledge_base.embeddings import Embedder

ModelT = TypeVar("ModelT", bound=BaseModel)

JUDGE_METRICS: tuple[str, ...] = ("faithfulness", "response_relevancy", "llm_context_precision", "factual_correctness")


class JudgeError(RuntimeError):
    """The judge model's reply could not be used."""


class GatewayJudgeLLM(InstructorBaseRagasLLM):
    """ragas' structured-output LLM interface over an :class:`LLMGateway`.

    ``agenerate`` runs the call synchronously (the eval runner supplies the concurrency with its
    thread pool), so the metrics' coroutines never suspend and need no event loop.
    """

    def __init__(self, gateway: LLMGateway, *, max_tokens: int = 1024, temperature: float = 0.0) -> None:
        self.gateway = gateway
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost = 0.0
        self._lock = threading.Lock()

    def generate(self, prompt: str, response_model: type[ModelT]) -> ModelT:
        request = ChatRequest(
            messages=[HumanMessage(content=prompt)],
            json_schema=response_model.model_json_schema(),
            schema_name=response_model.__name__[:64],
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )
        result = self.gateway.complete(request)
        with self._lock:
            self.calls += 1
            self.prompt_tokens += result.usage.prompt_tokens
            self.completion_tokens += result.usage.completion_tokens
            self.cost += result.cost
        try:
            return response_model.model_validate(extract_json(result.text))
        except (ValueError, TypeError) as exc:
            raise JudgeError(f"the judge's reply does not match {response_model.__name__}: {exc}") from exc

    async def agenerate(self, prompt: str, response_model: type[ModelT]) -> ModelT:
        return self.generate(prompt, response_model)


class EmbedderRagasEmbedding(BaseRagasEmbedding):
    """ragas' embedding interface over one of our :class:`~knowledge_base.embeddings.Embedder` s."""

    def __init__(self, embedder: Embedder) -> None:
        super().__init__(cache=None)
        self.embedder = embedder

    def embed_text(self, text: str, **kwargs: Any) -> list[float]:
        return [float(x) for x in self.embedder.embed([text])[0]]

    async def aembed_text(self, text: str, **kwargs: Any) -> list[float]:
        return self.embed_text(text)

    def embed_texts(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
        vectors = self.embedder.embed(list(texts))
        return [[float(x) for x in row] for row in np.asarray(vectors)]

    async def aembed_texts(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
        return self.embed_texts(texts)


@dataclass(frozen=True)
class JudgeInput:
    """What one case gives the judge."""

    question: str
    response: str
    contexts: Sequence[str]
    reference: str | None


class Judge:
    """The four ragas LLM-judge metrics over one judge model."""

    def __init__(self, gateway: LLMGateway, embedder: Embedder, *, name: str, model: str, strictness: int = 3) -> None:
        self.name = name
        self.model = model
        self.llm = GatewayJudgeLLM(gateway)
        self.embeddings = EmbedderRagasEmbedding(embedder)
        self._faithfulness = Faithfulness(llm=self.llm)
        self._relevancy = AnswerRelevancy(llm=self.llm, embeddings=self.embeddings, strictness=strictness)
        self._context_precision = ContextPrecision(llm=self.llm)
        self._factual = FactualCorrectness(llm=self.llm)

    def score(self, item: JudgeInput) -> tuple[dict[str, float | None], list[str]]:
        """The judge metrics of one case, and the errors met (a failed metric is ``None``)."""
        scores: dict[str, float | None] = dict.fromkeys(JUDGE_METRICS)
        errors: list[str] = []
        if not item.response.strip() or not item.question.strip():
            return scores, errors
        contexts = [c for c in item.contexts if c.strip()]
        jobs: list[tuple[str, Callable[[], Coroutine[Any, Any, Any]]]] = [
            ("response_relevancy", lambda: self._relevancy.ascore(user_input=item.question, response=item.response)),
        ]
        if contexts:
            jobs.append(
                (
                    "faithfulness",
                    lambda: self._faithfulness.ascore(
                        user_input=item.question, response=item.response, retrieved_contexts=contexts
                    ),
                )
            )
        if item.reference:
            reference = item.reference
            jobs.append(
                ("factual_correctness", lambda: self._factual.ascore(response=item.response, reference=reference))
            )
            if contexts:
                jobs.append(
                    (
                        "llm_context_precision",
                        lambda: self._context_precision.ascore(
                            user_input=item.question, reference=reference, retrieved_contexts=contexts
                        ),
                    )
                )
        for name, make in jobs:
            try:
                value = float(run_sync(make).value)
            except Exception as exc:  # a judge failure costs the metric, not the run
                errors.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
                continue
            scores[name] = None if np.isnan(value) else min(1.0, max(0.0, value))
        return scores, errors
