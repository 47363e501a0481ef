"""The fail-safe: the handoff rules of :mod:`copilot.guardrails.policy`, read as extra evidence for triage.

The trained heads decide; the rules can only add. A rule that fires marks its risk detected (or its
request type) when the heads did not, and says so (``source="rule:<name>"``), so an auditor sees which
contacts only the rules caught. A rule never clears a risk or turns a handoff into an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from copilot.guardrails.policy import classify_request
from copilot.triage.result import RequestType, RiskName

#: What each policy rule stands for in triage's terms.
RULE_RISKS: dict[str, tuple[RiskName, ...]] = {
    "fraud_in_progress": ("scam_in_progress", "unauthorised_activity"),
    "financial_difficulty": ("financial_difficulty",),
    "bereavement": ("bereavement",),
    "vulnerability": ("vulnerability",),
    "complaint": ("complaint",),
}
RULE_REQUESTS: dict[str, RequestType] = {
    "asked_for_person": "human",
    "financial_advice": "advice",
    "account_action": "action",
    "outcome_promise_requested": "action",
    "too_vague": "unclear",
}


@dataclass(frozen=True)
class RuleHit:
    rule: str
    risks: tuple[RiskName, ...] = ()
    request: RequestType | None = None


def rule_hits(customer_turns: Sequence[str]) -> list[RuleHit]:
    """The rules that fire: sensitive rules on any customer turn, request rules on the latest only."""
    hits: list[RuleHit] = []
    seen: set[str] = set()
    for i, text in enumerate(customer_turns):
        decision = classify_request(text)
        rule = decision.rule
        if rule is None or rule in seen:
            continue
        if rule in RULE_RISKS:
            hits.append(RuleHit(rule, risks=RULE_RISKS[rule]))
            seen.add(rule)
        elif rule in RULE_REQUESTS and i == len(customer_turns) - 1:
            hits.append(RuleHit(rule, request=RULE_REQUESTS[rule]))
            seen.add(rule)
    return hits
