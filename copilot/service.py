"""The copilot, opened: the knowledge base, the LLM gateway, the prompts and the pipelines, built
once from settings and shared by the CLI, the API and the eval harness.

Usage::

    with Copilot.from_settings(Settings()) as copilot:
        suggestion = copilot.suggest(ReplyInput(conversation=[...]))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from copilot.llm.gateway import GatewayObserver, LLMGateway
from copilot.llm.registry import build_gateway
from copilot.pipelines.curated import DEFAULT_APPROVED_ANSWERS, CuratedAnswers
from copilot.pipelines.reply import ReplyConfig, ReplyOutcome, ReplyPipeline
from copilot.pipelines.summarize import SummarizePipeline
from copilot.prompts import PROMPTS_DIR, PromptLibrary
from copilot.schemas import Answer, AnswerInput, ConversationInput, ReplyInput, Suggestion, Summary
from copilot.settings import Settings
from copilot.triage.classifier import Triage
from copilot.triage.result import TriageResult
from knowledge_base.service import KnowledgeBase

__all__ = ["Copilot"]


class Copilot:
    """Suggest, answer and summarize; each also as a stream of text deltas ending with the result."""

    def __init__(
        self,
        kb: KnowledgeBase,
        gateway: LLMGateway,
        *,
        prompts: PromptLibrary | None = None,
        curated: CuratedAnswers | None = None,
        reply_config: ReplyConfig | None = None,
        summary_deadline_s: float | None = None,
        triage: Triage | None = None,
        triage_model: Path | None = None,
    ) -> None:
        self.kb = kb
        # No triage, no service: a missing or mismatched model stops start-up here (TriageModelError).
        self.triager = triage or Triage.for_embedder(kb.embedder, path=triage_model)
        self.gateway = gateway
        self.prompts = prompts or PromptLibrary(PROMPTS_DIR)
        self.curated = curated
        self.reply = ReplyPipeline(
            kb.retriever,
            gateway,
            self.prompts,
            self.triager,
            embed=kb.embedder.embed,
            curated=curated,
            config=reply_config,
        )
        self.summarizer = SummarizePipeline(gateway, self.prompts, deadline_s=summary_deadline_s)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        kb: KnowledgeBase | None = None,
        gateway: LLMGateway | None = None,
        observers: Iterable[GatewayObserver] = (),
        approved_answers: Path | None = None,
    ) -> Copilot:
        kb = kb or KnowledgeBase(settings.retrieval_config())
        gateway = gateway or build_gateway(settings, observers=observers)
        path = approved_answers or settings.approved_answers_path or DEFAULT_APPROVED_ANSWERS
        curated = CuratedAnswers.from_file(path, kb.embedder, threshold=settings.curated_threshold)
        config = ReplyConfig(
            canaries=tuple(settings.canaries),
            deadline_s=settings.llm_request_deadline_s,
        )
        return cls(
            kb, gateway, curated=curated, reply_config=config, summary_deadline_s=settings.llm_request_deadline_s,
            triage_model=settings.triage_model_path,
        )

    # -- pipelines --------------------------------------------------------------------------------

    def suggest_outcome(self, request: ReplyInput) -> ReplyOutcome:
        return self.reply.run(request, "agent")

    def suggest(self, request: ReplyInput) -> Suggestion:
        return self.reply.run(request, "agent").as_suggestion()

    def answer_outcome(self, request: AnswerInput) -> ReplyOutcome:
        return self.reply.run(request.as_conversation(), "customer")

    def answer(self, request: AnswerInput) -> Answer:
        return self.answer_outcome(request).as_answer()

    def triage(self, request: ConversationInput, *, surface: Literal["agent", "customer"] = "agent") -> TriageResult:
        """Triage a conversation (PII masked first) with the retrieval evidence of the caller's surface."""
        return self.reply.triage_only(request, surface)

    def summarize(self, request: ConversationInput) -> Summary:
        return self._with_triage(self.summarizer.run(request), request)

    def _with_triage(self, summary: Summary, request: ConversationInput) -> Summary:
        if not any(t.role == "customer" for t in request.conversation):
            return summary
        return summary.model_copy(update={"triage": self.triage(request, surface="agent")})

    def stream_suggest(self, request: ReplyInput) -> Iterator[str | Suggestion]:
        for item in self.reply.stream(request, "agent"):
            yield item.as_suggestion() if isinstance(item, ReplyOutcome) else item

    def stream_answer(self, request: AnswerInput) -> Iterator[str | Answer]:
        for item in self.reply.stream(request.as_conversation(), "customer"):
            yield item.as_answer() if isinstance(item, ReplyOutcome) else item

    def stream_summarize(self, request: ConversationInput) -> Iterator[str | Summary]:
        for item in self.summarizer.stream(request):
            yield self._with_triage(item, request) if isinstance(item, Summary) else item

    def warm(self) -> int:
        """Embed what the first requests would otherwise embed cold (articles' sentences, past
        resolutions' turns); returns how many texts. Worth it with the caching embedder the service builds."""
        return self.reply.warm_cache()

    def close(self) -> None:
        self.kb.close()

    def __enter__(self) -> Copilot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
