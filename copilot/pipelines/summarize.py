"""Handover summaries of whole conversations, through the LLM gateway or extractively."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Literal

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from copilot.guardrails.pii import PiiVault
from copilot.llm.base import ChatRequest
from copilot.llm.errors import ProviderError
from copilot.llm.gateway import LLMGateway
from copilot.pipelines.common import (
    DraftStreamExtractor,
    parse_model,
    render_conversation,
    word_chunks,
)
from copilot.pipelines.extractive_summary import summarize_extractive
from copilot.prompts import PromptLibrary
from copilot.schemas import ConversationInput, ConversationTurn, PromptRef, Summary, UsageOut


class _SummaryJSON(BaseModel):
    summary: str = Field(min_length=1)
    issue: str = ""
    actions_taken: list[str] = Field(default_factory=list)
    status: Literal["resolved", "pending", "escalated"] = "pending"
    next_steps: list[str] = Field(default_factory=list)
    customer_sentiment: Literal["positive", "neutral", "negative"] = "neutral"


class SummarizePipeline:
    def __init__(self, gateway: LLMGateway, prompts: PromptLibrary, *, deadline_s: float | None = None) -> None:
        self.gateway = gateway
        self.template = prompts.get("summarize")
        self.deadline_s = deadline_s

    def _request(self, turns: list[ConversationTurn]) -> ChatRequest:
        system, user = self.template.render(conversation=render_conversation(turns))
        return ChatRequest(
            messages=[SystemMessage(content=system), HumanMessage(content=user)],
            json_schema=self.template.output_schema,
            schema_name=self.template.id,
            max_tokens=450,
        )

    def run(self, request: ConversationInput) -> Summary:
        result: Summary | None = None
        for item in self._run(request, stream=False):
            if isinstance(item, Summary):
                result = item
        assert result is not None
        return result

    def stream(self, request: ConversationInput) -> Iterator[str | Summary]:
        return self._run(request, stream=True)

    def _run(self, request: ConversationInput, *, stream: bool) -> Iterator[str | Summary]:
        started = time.perf_counter()
        vault = PiiVault()
        turns = [ConversationTurn(role=t.role, text=vault.mask(t.text)) for t in request.conversation]
        fields: dict[str, object] | None = None
        provider = model = "extractive"
        usage = UsageOut()
        streamed = False
        if self.gateway.available:
            chat = self._request(turns)
            deadline = self.gateway.deadline_in(self.deadline_s) if self.deadline_s else None
            try:
                if stream:
                    # Summaries keep placeholders masked, so the draft streams as the model writes it.
                    extractor = DraftStreamExtractor("summary")
                    final = None
                    for item in self.gateway.stream(chat, deadline=deadline):
                        if isinstance(item, str):
                            piece = extractor.feed(item)
                            if piece:
                                streamed = True
                                yield piece
                        else:
                            final = item
                    assert final is not None
                    result = final
                else:
                    result = self.gateway.complete(chat, deadline=deadline)
                text = result.text
                parsed, _ = parse_model(text, _SummaryJSON)
                usage = UsageOut(
                    prompt_tokens=result.usage.prompt_tokens,
                    completion_tokens=result.usage.completion_tokens,
                    cost=result.cost,
                )
                if parsed is not None:
                    fields = parsed.model_dump()
                    provider, model = result.provider, result.model
            except ProviderError:
                fields = None
        if fields is None:
            fields = summarize_extractive(turns)
        # Handover notes are kept in case systems and read by other teams: personal data stays masked.
        restored = dict(fields)
        summary = Summary(
            provider=provider,
            model=model,
            prompt=PromptRef(id=self.template.id, version=self.template.version),
            usage=usage,
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            **restored,  # type: ignore[arg-type]
        )
        if stream and not streamed:
            yield from word_chunks(summary.summary)
        yield summary
