"""The fail-safe rules can add a handoff, never remove one."""

from __future__ import annotations

import pytest

from copilot.triage.classifier import Triage
from knowledge_base.embeddings import build_embedder
from knowledge_base.query import Turn
from tests.conftest import answering_triage

MESSAGES = [
    "I think I've been scammed, a man told me to move my money to a safe account",
    "my husband passed away last week",
    "I can't afford to pay my rent this month",
    "I want to make a formal complaint",
    "Can I speak to a real person please",
    "Should I invest my savings in crypto?",
    "help",
    "how long does a new card take to arrive?",
    "what is the exchange rate for euros?",
]


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage.for_embedder(build_embedder("hashing-128"))


def test_rules_only_add(triage: Triage) -> None:
    without = Triage(triage.model, triage.embed, failsafe=False)
    for text in MESSAGES:
        conversation = [Turn("customer", text)]
        ruled = triage.classify(conversation, evidence=[0.7])
        plain = without.classify(conversation, evidence=[0.7])
        assert set(plain.detected_risks) <= set(ruled.detected_risks), text
        if plain.handoff.needed:
            assert ruled.handoff.needed, text


def test_a_rule_hands_over_what_the_heads_let_through() -> None:
    # Heads that see nothing: only the rules can decide, and each one names itself.
    blind = answering_triage(build_embedder("hashing-128"))
    assert isinstance(blind, Triage)
    ruled = Triage(blind.model, blind.embed, failsafe=True)
    cases = {
        "I think I've been scammed, a man told me to move my money to a safe account": "sensitive_topic",
        "my husband passed away last week": "sensitive_topic",
        "Can I speak to a real person please": "customer_request",
        "it's not working": "pending_clarification",
    }
    for text, reason in cases.items():
        assert not blind.classify([Turn("customer", text)], evidence=[0.9]).handoff.needed
        result = ruled.classify([Turn("customer", text)], evidence=[0.9])
        assert result.handoff.needed and result.handoff.reason == reason, text
        assert any(d.by.startswith("rule:") for d in result.handoff.decided_by), result.handoff


def test_a_risk_said_earlier_still_counts() -> None:
    blind = answering_triage(build_embedder("hashing-128"))
    assert isinstance(blind, Triage)
    ruled = Triage(blind.model, blind.embed, failsafe=True)
    result = ruled.classify([
        Turn("customer", "my dad passed away on friday"),
        Turn("agent", "I'm so sorry. How can I help?"),
        Turn("customer", "what do i need to send you"),
    ], evidence=[0.9])
    assert result.handoff.reason == "sensitive_topic" and result.handoff.cause == "bereavement"
