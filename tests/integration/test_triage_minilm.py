"""The packaged triage model on the real MiniLM embeddings, through the customer answer pipeline.

The messages that the self-serve copilot used to answer with a help-centre quote must now hand over
with the right reason; questions about scams, complaints or bereavement in general are still answered.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from copilot.schemas import AnswerInput, ConversationTurn, ReplyInput
from copilot.service import Copilot

pytestmark = pytest.mark.integration

MUST_HAND_OVER = [
    ("I paid £900 by bank transfer for a puppy from an online advert and now the seller has blocked me everywhere",
     "sensitive_topic", "scam_in_progress"),
    ("got a whatsapp from my daughter saying she lost her phone and this is her new number, she needs me to pay £640",
     "sensitive_topic", "scam_in_progress"),
    ("i clicked a link in a text and typed in my passcode and the code you sent me. now im worried",
     "sensitive_topic", None),
    ("my partner makes me transfer my wages to him every month and he checks my app", "sensitive_topic", None),
    ("i keep spending all my money on betting apps. can you stop me somehow", "sensitive_topic", None),
    ("thats not helpful. agent please", "customer_request", None),
    ("I'd like to discuss this with a member of staff please, not a chatbot", "customer_request", None),
    ("should I move my savings into an index fund?", "policy_restriction", None),
    ("put my cash limit up to £1,000", "unsupported_request", None),
    ("Do you offer credit cards?", "missing_knowledge", None),
]

#: Indirect, negated or slangy phrasings written for this test (not in the training data).
ADVERSARIAL = [
    ("bloke rang saying hes from your security dept, reckons my acc is compromised and i need to shift it all "
     "to a holding acc he set up. hes still on the other line", "scam_in_progress"),
    ("the builder's office emailed to say they changed banks and the final £7,200 should go to the new details",
     "scam_in_progress"),
    ("met a guy on a dating app 4 months ago, he's stuck abroad and needs £2k for his visa, I've sent £500 so far",
     "scam_in_progress"),
    ("someone from 'Amazon support' had me install an app so they could see my screen and now they want me to log in "
     "to my banking", "scam_in_progress"),
    ("there's three payments to a shop in Leeds I've never been to and I've got my card right here",
     "unauthorised_activity"),
    ("my mum died in october and I'm her executor, what do I do about her account", "bereavement"),
    ("I've had to choose between heating and food this week and the council tax letters keep coming",
     "financial_difficulty"),
    ("I'm partially sighted and can't read the codes on the screen, can someone help me set up the app",
     "vulnerability"),
    ("this is the third time I've been cut off, I want this escalated and some compensation", "complaint"),
]

ANSWERED = [
    "how can I tell if a text from you is really from you?",
    "would kestrel ever ask me to move my money to another account?",
    "how long do you have to respond to a complaint?",
    "what is the daily limit for contactless payments?",
    "how do I order a replacement card?",
]


@pytest.fixture(scope="module")
def copilot(minilm_settings) -> Iterator[Copilot]:  # type: ignore[no-untyped-def]
    with Copilot.from_settings(minilm_settings) as copilot:
        yield copilot


@pytest.mark.parametrize(("message", "reason", "risk"), MUST_HAND_OVER)
def test_the_reported_messages_hand_over(copilot: Copilot, message: str, reason: str, risk: str | None) -> None:
    answer = copilot.answer(AnswerInput(question=message))
    assert answer.handoff.needed and answer.handoff.reason == reason, (message, answer.internal_triage)
    triage = answer.internal_triage
    assert triage is not None and triage.handoff.decided_by
    if risk is not None:
        assert risk in triage.detected_risks
    if risk == "scam_in_progress":
        assert "0300 555 0199" in answer.answer  # the fraud line, any time
    assert answer.triage is not None and not hasattr(answer.triage, "risks")


def test_indirect_descriptions_name_their_risk(copilot: Copilot) -> None:
    named = 0
    for message, risk in ADVERSARIAL:
        result = copilot.triage(ReplyInput(conversation=[ConversationTurn(role="customer", text=message)]),
                                surface="customer")
        assert result.handoff.reason == "sensitive_topic", (message, result.risks)
        named += risk in result.detected_risks
    assert named >= len(ADVERSARIAL) - 2


def test_questions_about_sensitive_topics_are_answered(copilot: Copilot) -> None:
    answered = [q for q in ANSWERED if not copilot.answer(AnswerInput(question=q)).handoff.needed]
    assert len(answered) >= len(ANSWERED) - 1, answered


def test_agents_see_the_procedure_first(copilot: Copilot) -> None:
    suggestion = copilot.suggest(ReplyInput(conversation=[ConversationTurn(
        role="customer", text="a man from your fraud team is on the phone telling me to move my savings to a safe "
                              "account, he knows my name and address")]))
    assert suggestion.triage is not None and suggestion.triage.procedure == "proc-fraud-scam-escalation"
    assert suggestion.handoff.needed and suggestion.handoff.reason == "sensitive_topic"
    assert suggestion.citations and suggestion.citations[0].doc_id == "proc-fraud-scam-escalation"


def test_triage_reports_its_model_and_latency(copilot: Copilot) -> None:
    conversation = ReplyInput(conversation=[ConversationTurn(role="customer", text="my card hasn't arrived")])
    result = copilot.triage(conversation, surface="customer")
    assert result.latency_ms > 0 and result.model_version.startswith("triage-all-minilm")
