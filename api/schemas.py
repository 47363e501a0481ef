"""Request and response models that exist only at the HTTP edge.

The pipelines' own models (``ReplyInput``, ``Suggestion``, ...) live in :mod:`copilot.schemas` and the
document model in :mod:`knowledge_base.documents`; the routes use those directly.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.problems import Problem
from copilot.schemas import MAX_TURNS, AnswerInput, ConversationTurn
from copilot.store import FeedbackView, InteractionView
from copilot.store.models import FeedbackReason, Surface, Verdict
from knowledge_base.documents import Audience, Document, DocumentKind
from knowledge_base.search import SearchHit

__all__ = [
    "AnswerRequest",
    "CheckResult",
    "DocumentUpsert",
    "FeedbackIn",
    "FeedbackOut",
    "Health",
    "InteractionOut",
    "Readiness",
    "ReadinessProblem",
    "SearchHitOut",
    "SearchResponse",
]

MAX_EDITED_TEXT = 20_000
MAX_COMMENT = 4_000


class AnswerRequest(AnswerInput):
    """A customer's question with the earlier turns of the chat (at most 199: the question makes 200).

    ``copilot.schemas.AnswerInput`` allows 200 earlier turns, which the pipeline then refuses (201 turns)
    with an error the API would report as a 500; this wrapper moves the limit into the contract.
    """

    history: list[ConversationTurn] = Field(default_factory=list, max_length=MAX_TURNS - 1)


class FeedbackIn(BaseModel):
    """An agent's verdict on a suggestion (or a summary).

    ``edited_text`` (the text that was really sent) is required with ``edited`` and refused otherwise.
    Free text is PII-masked before it is stored.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    interaction_id: uuid.UUID = Field(description="The `id` of the suggestion or summary.")
    verdict: Verdict
    reason: FeedbackReason | None = None
    edited_text: str | None = Field(default=None, min_length=1, max_length=MAX_EDITED_TEXT)
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)

    @field_validator("edited_text", "comment")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        # PostgreSQL text columns refuse NUL characters.
        return value.replace("\x00", "\ufffd") if value is not None else None

    @model_validator(mode="after")
    def _edited_text_rule(self) -> Self:
        if self.verdict == "edited" and self.edited_text is None:
            raise ValueError("edited_text is required when the verdict is 'edited': send the text that was sent")
        if self.verdict != "edited" and self.edited_text is not None:
            raise ValueError(f"edited_text is only for the 'edited' verdict, not {self.verdict!r}")
        return self


class FeedbackOut(BaseModel):
    """A stored verdict (free text as stored: masked)."""

    id: str
    interaction_id: str
    created_at: datetime
    verdict: Verdict
    reason: FeedbackReason | None
    edited_text: str | None
    comment: str | None
    principal: str

    @classmethod
    def from_view(cls, view: FeedbackView) -> FeedbackOut:
        return cls(
            id=view.id,
            interaction_id=view.interaction_id,
            created_at=view.created_at,
            verdict=view.verdict,
            reason=view.reason,
            edited_text=view.edited_text,
            comment=view.comment,
            principal=view.principal,
        )


class TurnOut(BaseModel):
    role: str
    text: str


class UsageRecord(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    cost: float


class HandoffRecord(BaseModel):
    needed: bool
    reason: str | None


class PromptRecord(BaseModel):
    id: str
    version: str


class InteractionOut(BaseModel):
    """A stored interaction: PII-masked input and output, how it was made, and its feedback."""

    id: str
    created_at: datetime
    surface: Surface
    principal: str
    channel: str
    input: list[TurnOut] = Field(description="The conversation, PII-masked.")
    output: dict[str, Any] = Field(description="The response, PII-masked.")
    citations: list[str]
    provider: str
    model: str
    prompt: PromptRecord
    handoff: HandoffRecord
    usage: UsageRecord
    latency_ms: float
    request_id: str | None
    feedback: list[FeedbackOut]

    @classmethod
    def from_view(cls, view: InteractionView) -> InteractionOut:
        return cls(
            id=view.id,
            created_at=view.created_at,
            surface=view.surface,
            principal=view.principal,
            channel=view.channel,
            input=[TurnOut(role=str(t.get("role", "")), text=str(t.get("text", ""))) for t in view.masked_input],
            output=view.masked_output,
            citations=view.citations,
            provider=view.provider,
            model=view.model,
            prompt=PromptRecord(id=view.prompt_id, version=view.prompt_version),
            handoff=HandoffRecord(needed=view.handoff_needed, reason=view.handoff_reason),
            usage=UsageRecord(
                prompt_tokens=view.prompt_tokens, completion_tokens=view.completion_tokens, cost=view.cost
            ),
            latency_ms=view.latency_ms,
            request_id=view.request_id,
            feedback=[FeedbackOut.from_view(f) for f in view.feedback],
        )


class PassageOut(BaseModel):
    text: str
    heading: str
    chunk_index: int
    score: float


class SearchHitOut(BaseModel):
    doc_id: str
    title: str
    url: str | None
    kind: DocumentKind
    audience: Audience
    tags: list[str]
    score: float
    similarity: float
    passages: list[PassageOut]

    @classmethod
    def from_hit(cls, hit: SearchHit) -> SearchHitOut:
        return cls.model_validate(hit.as_dict())


class SearchResponse(BaseModel):
    audience: Literal["agent", "customer"] = Field(description="Whose access filter applied.")
    results: list[SearchHitOut]


class DocumentUpsert(Document):
    """A knowledge-base document; ``id`` may be left out (the path names it) but must match if given."""

    id: str | None = Field(default=None, min_length=1, max_length=512)  # type: ignore[assignment]


class Health(BaseModel):
    status: Literal["ok"]


class CheckResult(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, CheckResult]


class ReadinessProblem(Problem):
    """503 from the readiness probe, with each check's result."""

    checks: dict[str, CheckResult]
