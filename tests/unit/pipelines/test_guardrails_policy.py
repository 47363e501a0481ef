from __future__ import annotations

import pytest

from copilot.guardrails.grounding import check_grounding, filter_citations
from copilot.guardrails.policy import classify_request, output_violations

PASSAGE = ("New debit cards arrive within 3 to 5 working days after you order them. If your card has not arrived "
           "after 7 working days, order a replacement card in the app.")


def test_citations_must_have_been_retrieved() -> None:
    kept, dropped = filter_citations(["a", "x", "a", "b", "y"], ["a", "b", "c"])
    assert kept == ["a", "b"]
    assert dropped == ["x", "y"]


def test_grounded_and_ungrounded_sentences() -> None:
    draft = ("Thanks for waiting. Your new card should arrive within 3 to 5 working days. "
             "We also offer free travel insurance with every premium account.")
    report = check_grounding(draft, [PASSAGE], ignore=["Thanks for waiting."])
    assert report.supported == ["Your new card should arrive within 3 to 5 working days."]
    assert report.unsupported == ["We also offer free travel insurance with every premium account."]
    assert 0 < report.support_ratio < 1


def test_placeholders_do_not_count_as_claims() -> None:
    report = check_grounding("Order a replacement card for [CARD_1] in the app.", [PASSAGE])
    assert report.grounded


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I'd like to talk to a human", "customer_request"),
        ("get me through to a real person", "customer_request"),
        ("I can't afford to pay my overdraft this month", "sensitive_topic"),
        ("my mum died and I'm the executor", "sensitive_topic"),
        ("I want to make a formal complaint", "sensitive_topic"),
        ("my husband died on sunday and the gas bill is in his name", "sensitive_topic"),
        ("if you don't sort this I'm going to take it to the ombudsman", "sensitive_topic"),
        ("I'm quite vulnerable at the moment", "sensitive_topic"),
        ("there are transactions I didn't make on my account", "sensitive_topic"),
        ("which shares should I buy", "unsupported_request"),
        ("please raise my limit to £20000", "policy_restriction"),
        ("help", "pending_clarification"),
    ],
)
def test_handoff_rules(text: str, reason: str) -> None:
    decision = classify_request(text)
    assert decision.handoff
    assert decision.reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "How do I spot a scam text?",
        "When will my card arrive?",
        "How do I cancel a direct debit?",
        "What's the contactless limit?",
        "I want to ignore this payment reminder",
        "How do I report a lost card?",
        "what is the exchange rate for euros",
        # Alarming words in harmless questions: a phone that died, how complaints work, planning a will.
        "my phone died and I've got a new one, how do I log in?",
        "how long do complaints usually take to sort out?",
        "when am I allowed to go to the financial ombudsman?",
        "doing my will: would my family need probate for my account?",
        "what's the vulnerable customer flag code?",
    ],
)
def test_ordinary_questions_are_not_handed_over(text: str) -> None:
    assert not classify_request(text).handoff


def test_output_rules() -> None:
    assert output_violations("Please confirm your full card number and PIN so I can check.") == ["asks_for_secret"]
    assert output_violations("We will refund you within 5 days.") == ["promises_outcome"]
    assert output_violations("We'll never ask for your PIN or password.") == []
    assert output_violations("Your card arrives in 3 to 5 working days.") == []
