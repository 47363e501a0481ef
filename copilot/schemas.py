"""The pipelines' inputs and outputs: what Python callers, the CLI and the API exchange.

Conversations are lists of customer/agent turns, oldest first. Limits here are the service's
contract: anything outside them is refused with a clear message, never truncated silently.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from copilot.triage.result import CustomerTriage, TriageHandoffReason, TriageResult
from knowledge_base.query import Turn as KBTurn

MAX_TURN_CHARS = 8_000
MAX_TURNS = 200
MAX_CONTEXT_FIELDS = 20

#: Triage's reasons, and the ones the drafting checks and the service add.
HandoffReason = TriageHandoffReason | Literal["low_confidence", "ungrounded_draft", "service_degraded"]


class ConversationTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: Literal["customer", "agent"]
    text: str = Field(min_length=1, max_length=MAX_TURN_CHARS)


class ConversationInput(BaseModel):
    """A conversation and optional facts about the customer (never used for retrieval)."""

    model_config = ConfigDict(extra="forbid")

    conversation: list[ConversationTurn] = Field(min_length=1, max_length=MAX_TURNS)
    customer_context: dict[str, str] | None = Field(default=None, max_length=MAX_CONTEXT_FIELDS)

    @model_validator(mode="after")
    def _has_customer_turn(self) -> ConversationInput:
        if not any(t.role == "customer" for t in self.conversation):
            raise ValueError("the conversation needs at least one customer turn")
        return self

    def kb_turns(self) -> list[KBTurn]:
        return [KBTurn(t.role, t.text) for t in self.conversation]


class ReplyInput(ConversationInput):
    """Suggest-reply and answer input: the last turn must be the customer's."""

    @model_validator(mode="after")
    def _ends_with_customer(self) -> ReplyInput:
        if self.conversation[-1].role != "customer":
            raise ValueError("the last turn must be the customer's: there is nothing to reply to")
        return self


class AnswerInput(BaseModel):
    """A customer's question in the app, with the earlier turns of the same chat."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=1, max_length=MAX_TURN_CHARS)
    history: list[ConversationTurn] = Field(default_factory=list, max_length=MAX_TURNS - 1)

    def as_conversation(self) -> ReplyInput:
        return ReplyInput(conversation=[*self.history, ConversationTurn(role="customer", text=self.question)])


class Citation(BaseModel):
    doc_id: str
    title: str
    url: str | None = None
    quote: str = ""


class Handoff(BaseModel):
    needed: bool = False
    reason: HandoffReason | None = None
    message: str | None = None


class PromptRef(BaseModel):
    id: str
    version: str


class UsageOut(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


class Flags(BaseModel):
    """What the guardrails noticed; for agents and operators, never shown to customers as such."""

    dropped_citations: list[str] = Field(default_factory=list)
    ungrounded_sentences: list[str] = Field(default_factory=list)
    injection_suspected: bool = False
    pii_masked: list[str] = Field(default_factory=list)
    repaired_output: bool = False
    fallback_reason: str | None = None


class PipelineResult(BaseModel):
    """Fields every pipeline response carries."""

    id: str = ""
    provider: str
    model: str
    prompt: PromptRef
    usage: UsageOut = Field(default_factory=UsageOut)
    latency_ms: float = 0.0


class NextBestAction(BaseModel):
    """What the agent should do in the tools (not say), with where that comes from.

    ``kind`` is ``resolution`` (what the agent of a similar past case did) or ``procedure`` (the first
    step of the procedure triage names). The agent decides; the copilot never acts.
    """

    action: str
    source: str
    source_title: str = ""
    kind: Literal["resolution", "procedure"]
    quote: str = ""


class Suggestion(PipelineResult):
    draft: str
    citations: list[Citation] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    handoff: Handoff = Field(default_factory=Handoff)
    intent: str | None = None
    curated_answer_id: str | None = None
    flags: Flags = Field(default_factory=Flags)
    #: Intent, risks, request, handoff and the procedure that applies, with what decided each.
    triage: TriageResult | None = None
    #: What to do in the tools (cancel and reissue the card, raise a dispute, ...), when a past
    #: resolution or the applicable procedure says.
    next_best_action: NextBestAction | None = None


class Answer(PipelineResult):
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    handoff: Handoff = Field(default_factory=Handoff)
    curated_answer_id: str | None = None
    #: The customer's view of triage; the full result is stored with the interaction, never sent.
    triage: CustomerTriage | None = None
    _internal_triage: TriageResult | None = PrivateAttr(default=None)

    @property
    def internal_triage(self) -> TriageResult | None:
        return self._internal_triage

    def with_internal_triage(self, result: TriageResult) -> Answer:
        self._internal_triage = result
        return self


class Summary(PipelineResult):
    summary: str
    issue: str
    actions_taken: list[str] = Field(default_factory=list)
    status: Literal["resolved", "pending", "escalated"]
    next_steps: list[str] = Field(default_factory=list)
    customer_sentiment: Literal["positive", "neutral", "negative"]
    triage: TriageResult | None = None

    @field_validator("summary")
    @classmethod
    def _short(cls, value: str) -> str:
        words = value.split()
        return value if len(words) <= 120 else " ".join(words[:120])
