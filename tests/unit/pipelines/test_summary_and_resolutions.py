from __future__ import annotations

import pytest

from copilot.pipelines.confidence import FEATURES, calibrated_confidence
from copilot.pipelines.extractive_summary import clean_text, lead_summary, summarize_extractive
from copilot.pipelines.resolutions import (
    action_from_procedure,
    action_from_resolution,
    adapt,
    best_exchange,
    draft_from_resolutions,
    parse_resolution,
)
from copilot.schemas import ConversationTurn
from knowledge_base.search import Passage

TWEETS = [
    ConversationTurn(role="customer", text="@BankHelp hi team!! Quick one. My f***ing card got declined at Tesco "
                     "again even though I have money in the account https://t.co/abc123 😡"),
    ConversationTurn(role="agent", text="@12345 Sorry to hear that. Have you checked the card isn't frozen in the app? ^JD"),
    ConversationTurn(role="customer", text="@BankHelp yes it's not frozen"),
    ConversationTurn(role="agent", text="@12345 Thanks. Please DM us your full name and the shop so we can look into "
                     "this. ^JD"),
]


def test_clean_text_drops_handles_links_emoji_signatures_and_profanity() -> None:
    cleaned = clean_text(TWEETS[0].text)
    assert "@" not in cleaned and "http" not in cleaned and "😡" not in cleaned
    assert "f***ing" not in cleaned and "declined" in cleaned
    assert not clean_text(TWEETS[1].text).endswith("^JD")


def test_summary_states_issue_action_status_and_next_step() -> None:
    fields = summarize_extractive(TWEETS)
    summary = str(fields["summary"])
    assert summary.startswith("Customer") and "declined" in summary
    assert "Agent asks the customer to DM" in summary
    assert "Pending" in summary and fields["status"] == "pending"
    assert "my card" not in summary.lower() and "customer's card" in summary.lower()
    for unwanted in ("@", "http", "f***", "^JD", "hi team"):
        assert unwanted not in summary
    assert fields["next_steps"] and len(summary.split()) <= 120
    assert fields["customer_sentiment"] == "negative"


def test_issue_is_the_salient_clause_not_the_first_sentence() -> None:
    fields = summarize_extractive(TWEETS)
    assert "declined" in str(fields["issue"])
    assert not str(fields["issue"]).lower().startswith(("quick one", "hi"))


def test_lead_baseline_is_first_customer_and_last_agent_turn() -> None:
    assert lead_summary(TWEETS) == f"{TWEETS[0].text} {TWEETS[-1].text}"
    assert lead_summary([TWEETS[0]]) == TWEETS[0].text


RESOLUTION = [
    Passage("Customer: my card still hasnt come, ordered it 2 weeks ago\n\n"
            "Agent: Sorry. I can see it was sent 9 working days ago. Has your address changed recently?\n\n"
            "Customer: no, same flat as always\n\n"
            "Agent: As it's been more than 7 working days, I'll cancel that card and send a new one for free. "
            "Expedited delivery costs £5.", "Conversation", 0, 0.0),
    Passage("ID&V completed. The agent cancelled the undelivered card and ordered a free replacement rather than "
            "asking the customer to wait. Outcome: resolved.", "Resolution", 1, 0.0),
]


def test_resolution_is_read_into_exchanges_and_outcome() -> None:
    past = parse_resolution("res-1", "Card not arrived", RESOLUTION)
    assert len(past.exchanges) == 2
    assert past.exchanges[1].customer.startswith("no, same flat") and past.exchanges[1].position == 1
    assert "cancelled the undelivered card" in past.outcome


def test_the_agent_turn_that_answered_the_closest_customer_turn_is_drafted_and_adapted() -> None:
    past = parse_resolution("res-1", "Card not arrived", RESOLUTION)
    conversation = [("customer", "my card never arrived"), ("agent", "Has your address changed recently?")]
    found = best_exchange(past, "no it's the same flat, can you send another", conversation)
    assert found is not None and found[0].position == 1
    draft = draft_from_resolutions([past], "no it's the same flat, can you send another", conversation,
                                   known="Cards arrive within 3 to 5 working days; after 7 working days order one.")
    assert draft is not None and draft.doc_id == "res-1"
    assert "7 working days" in draft.text  # a figure the article states stays
    assert "£5" not in draft.text and "[amount]" in draft.text  # another customer's figure does not


def test_adapt_drops_a_question_already_asked_and_masks_unknown_figures() -> None:
    text = adapt("I can see it was sent 9 working days ago. Has your address changed recently?", known="",
                 conversation=[("agent", "Has your address changed recently?")])
    assert "?" not in text and "[number] working days" in text


def test_no_draft_when_no_customer_turn_matches() -> None:
    past = parse_resolution("res-1", "Card not arrived", RESOLUTION)
    assert draft_from_resolutions([past], "what is the interest rate on savings", [], known="") is None


def test_next_best_action_is_the_tool_action_as_an_instruction() -> None:
    action = action_from_resolution(parse_resolution("res-1", "Card not arrived", RESOLUTION))
    assert action is not None and action.kind == "resolution" and action.doc_id == "res-1"
    assert action.action.startswith("Cancel the undelivered card and order a free replacement")
    assert "rather than" not in action.action


def test_next_best_action_from_a_procedure_step() -> None:
    passages = [Passage("Apply the account lock from the console.", "Step 1: Lock the account", 0, 0.0)]
    action = action_from_procedure("proc-lock", "Account takeover lockdown", passages)
    assert action is not None and action.action.startswith("Lock the account") and action.kind == "procedure"
    assert action_from_procedure("proc-x", "No steps", [Passage("Just text.", "Overview", 0, 0.0)]) is None


def test_confidence_is_a_probability_that_rises_with_the_evidence() -> None:
    weak = calibrated_confidence({"top_similarity": 0.2, "cited": 1.0})
    strong = calibrated_confidence({"top_similarity": 0.8, "similarity_margin": 0.3, "cited": 1.0})
    assert 0.0 <= weak < strong <= 1.0
    assert calibrated_confidence({"top_similarity": 0.8, "cited": 1.0, "dropped": 2.0}) < calibrated_confidence(
        {"top_similarity": 0.8, "cited": 1.0})
    with pytest.raises(ValueError, match="weights"):
        calibrated_confidence({}, weights=(0.0,) * len(FEATURES))
