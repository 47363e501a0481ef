"""What triage says about one contact: :class:`TriageResult`, the one shape every caller reads.

Triage runs once per request, on the PII-masked conversation, before retrieval and drafting. Its result
decides whether the self-serve copilot may answer at all (``handoff``), what an agent is shown (intent,
risks, the procedure that applies) and, for the router, which queue a contact joins. Every probability
is calibrated on held-out folds of the training data; every decision names what made it.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

RiskName = Literal[
    "scam_in_progress",
    "unauthorised_activity",
    "financial_difficulty",
    "bereavement",
    "vulnerability",
    "complaint",
]
ScamType = Literal["impersonation", "safe_account", "purchase", "romance", "investment", "invoice", "remote_access"]
VulnerabilityType = Literal["health", "life_event", "abuse", "gambling", "capability"]
RequestType = Literal["question", "action", "advice", "human", "internal_info", "third_party_data", "unclear"]
Urgency = Literal["now", "today", "routine"]
TriageHandoffReason = Literal[
    "customer_request",
    "missing_knowledge",
    "unsupported_request",
    "policy_restriction",
    "sensitive_topic",
    "pending_clarification",
]

RISKS: tuple[RiskName, ...] = get_args(RiskName)
SCAM_TYPES: tuple[ScamType, ...] = get_args(ScamType)
VULNERABILITY_TYPES: tuple[VulnerabilityType, ...] = get_args(VulnerabilityType)
REQUESTS: tuple[RequestType, ...] = get_args(RequestType)
URGENCIES: tuple[Urgency, ...] = get_args(Urgency)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IntentScore(_Frozen):
    """One candidate contact reason: a fine-grained intent and the contact area it belongs to."""

    intent: str
    area: str
    probability: float = Field(ge=0.0, le=1.0)


class RiskScore(_Frozen):
    """A risk the contact carries, with its calibrated probability and the threshold it was held to."""

    risk: RiskName
    probability: float = Field(ge=0.0, le=1.0)
    threshold: float = Field(ge=0.0, le=1.0)
    detected: bool
    subtype: str | None = None
    subtype_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    #: ``model`` (the trained head crossed its threshold) or ``rule:<name>`` (a fail-safe rule added it).
    source: str = "model"


class Decision(_Frozen):
    """What decided a handoff (or its absence): the head or fail-safe rule, and the figure it read."""

    by: str
    detail: str


class TriageHandoff(_Frozen):
    """Whether the contact needs a person (customer surface) or a specialist team (agent surface)."""

    needed: bool
    reason: TriageHandoffReason | None = None
    #: The risk or request that the reason stands for (``scam_in_progress``, ``advice``, ...).
    cause: str | None = None
    decided_by: list[Decision] = Field(default_factory=list)


class TriageResult(_Frozen):
    """Everything triage knows about one contact.

    ``intent`` holds the top three intents, best first. ``risks`` lists every risk head's score, detected
    or not, so an auditor sees how close a contact came. ``procedure`` is the internal procedure that
    applies (agents only: the API never sends it to a customer).
    """

    surface: Literal["agent", "customer"]
    intent: list[IntentScore] = Field(min_length=1, max_length=3)
    area: str
    risks: list[RiskScore]
    urgency: Urgency
    urgency_probability: float = Field(ge=0.0, le=1.0)
    request: RequestType
    request_probability: float = Field(ge=0.0, le=1.0)
    answerable: bool
    answerable_probability: float = Field(ge=0.0, le=1.0)
    language: str
    language_confidence: float = Field(ge=0.0, le=1.0)
    handoff: TriageHandoff
    procedure: str | None = None
    team: str | None = None
    model_version: str
    latency_ms: float = 0.0

    @property
    def detected_risks(self) -> list[RiskName]:
        return [r.risk for r in self.risks if r.detected]

    def risk(self, name: RiskName) -> RiskScore | None:
        return next((r for r in self.risks if r.risk == name), None)


class CustomerTriage(_Frozen):
    """What a customer's app may see of triage: never the risks (an abuser may share the device), the
    procedure or the team, which are internal."""

    area: str
    request: RequestType
    answerable: bool
    language: str
    handoff_needed: bool
    handoff_reason: TriageHandoffReason | None = None
    model_version: str

    @classmethod
    def of(cls, result: TriageResult) -> CustomerTriage:
        return cls(area=result.area, request=result.request, answerable=result.answerable, language=result.language,
                   handoff_needed=result.handoff.needed, handoff_reason=result.handoff.reason,
                   model_version=result.model_version)
