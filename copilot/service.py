"""The copilot, opened: the knowledge base, the LLM gateway, the prompts and the pipelines, built
once from settings and shared by the CLI, the API and the eval harness.

Usage::

    with Copilot.from_settings(Settings()) as copilot:
        suggestion = copilot.suggest(ReplyInput(conversation=[...]))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from copilot.llm.gateway import GatewayObserver, LLMGateway
from copilot.llm.registry import build_gateway
from copilot.pipelines.curated import DEFAULT_APPROVED_ANSWERS, CuratedAnswers
from copilot.pipelines.reply import ReplyConfig, ReplyOutcome, ReplyPipeline
from copilot.pipelines.summarize import SummarizePipeline
from copilot.prompts import PROMPTS_DIR, PromptLibrary
from copilot.schemas import Answer, AnswerInput, ConversationInput, ReplyInput, Suggestion, Summary
from copilot.settings import Settings
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
    ) -> None:
        self.kb = kb
        self.gateway = gateway
        self.prompts = prompts or PromptLibrary(PROMPTS_DIR)
        self.curated = curated
        self.reply = ReplyPipeline(
            kb.retriever,
            gateway,
            self.prompts,
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
            kb, gateway, curated=curated, reply_config=config, summary_deadline_s=settings.llm_request_deadline_s
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

    def summarize(self, request: ConversationInput) -> Summary:
        return self.summarizer.run(request)

    def stream_suggest(self, request: ReplyInput) -> Iterator[str | Suggestion]:
        for item in self.reply.stream(request, "agent"):
            yield item.as_suggestion() if isinstance(item, ReplyOutcome) else item

    def stream_answer(self, request: AnswerInput) -> Iterator[str | Answer]:
        for item in self.reply.stream(request.as_conversation(), "customer"):
            yield item.as_answer() if isinstance(item, ReplyOutcome) else item

    def stream_summarize(self, request: ConversationInput) -> Iterator[str | Summary]:
        return self.summarizer.stream(request)

    def close(self) -> None:
        self.kb.close()

    def __enter__(self) -> Copilot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
