from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from copilot.guardrails.grounding import EmbedFn
from copilot.pipelines import resolutions
from copilot.pipelines.confidence import FEATURES, calibrated_confidence
from copilot.pipelines.extractive_summary import clean_text, lead_summary, summarize_extractive
from copilot.pipelines.resolutions import (
    Exchange,
    PastResolution,
    action_from_procedure,
    action_from_resolution,
    adapt,
    best_exchange,
    draft_from_resolutions,
    parse_resolution,
    semantic_scores,
)
from copilot.schemas import ConversationTurn
from knowledge_base.embeddings import HashingEmbedder
from knowledge_base.search import Passage
from knowledge_base.sparse import tokenize

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


def _table_embed(table: dict[str, list[float]]) -> EmbedFn:
    """An embedder that looks texts up; every unknown text gets a direction of its own (unrelated to all)."""
    own: dict[str, list[float]] = {}

    def vector(text: str) -> list[float]:
        if text in table:
            return [*table[text], *[0.0] * 16]
        return own.setdefault(text, [*[0.0] * 4, *[float(i == len(own)) for i in range(16)]])

    def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.array([vector(t) for t in texts], dtype=np.float32)

    return embed


def test_with_the_embedder_the_exchange_at_this_point_of_the_chat_is_drafted() -> None:
    past = parse_resolution("res-1", "Card not arrived", RESOLUTION)
    conversation = [("customer", "my card never arrived"), ("agent", "Has your address changed recently?")]
    draft = draft_from_resolutions([past], "no it's the same flat, can you send another", conversation,
                                   known="after 7 working days order one.", embed=HashingEmbedder(256).embed)
    assert draft is not None and draft.quote == past.exchanges[1].agent
    assert "[amount]" in draft.text and draft.match >= resolutions.MIN_SEMANTIC_MATCH


def test_semantic_scores_weigh_the_answer_its_agreement_and_what_was_already_said() -> None:
    close = Exchange("my card is lost", "I've frozen your card and ordered a new one for you.", 0)
    off = Exchange("my card is lost please", "Our opening hours are nine to five on weekdays.", 0)
    other = Exchange("card gone", "I've frozen the card and a new one is on its way.", 1)
    embed = _table_embed({
        "lost card": [1.0, 0.0, 0.0, 0.0],
        close.customer: [1.0, 0.0, 0.0, 0.0], off.customer: [1.0, 0.0, 0.0, 0.0], other.customer: [0.6, 0.8, 0.0, 0.0],
        close.agent: [0.8, 0.6, 0.0, 0.0], off.agent: [0.0, 0.0, 1.0, 0.0], other.agent: [0.8, 0.6, 0.0, 0.0],
    })
    candidates = [(0, close), (0, off), (1, other)]
    fresh = semantic_scores("lost card", candidates, [], embed)
    assert fresh[0] > fresh[1]  # same customer turn: the answer close to the message (and the others) wins
    assert fresh[0] - fresh[2] > resolutions.SEMANTIC_RANK_PENALTY  # a closer customer turn, a better rank
    said = semantic_scores("lost card", candidates, [("agent", close.agent)], embed)
    assert said[0] < fresh[0]  # a reply this chat has already had is not news
    assert said[2] == pytest.approx(fresh[2] + resolutions.SEMANTIC_POSITION_BONUS - resolutions.REPEAT_PENALTY
                                    * resolutions._overlap(set(tokenize(other.agent)), set(tokenize(close.agent))))


def test_with_the_embedder_no_draft_when_nothing_means_the_same() -> None:
    past = parse_resolution("res-1", "Card not arrived", RESOLUTION)
    assert (draft_from_resolutions([past], "what is the interest rate on savings", [], known="",
                                   embed=_table_embed({"what is the interest rate on savings": [1.0, 0.0, 0.0, 0.0]}))
            is None)


def test_a_candidate_left_too_short_by_adapting_gives_way_to_the_next() -> None:
    asked = "Has your address changed recently?"
    past = PastResolution("res-2", "t", (Exchange("card never came", asked, 0),
                                         Exchange("card still missing", "I will order a free replacement now.", 0)), "")
    embed = _table_embed({"my card never came": [1.0, 0.0, 0.0, 0.0], "card never came": [1.0, 0.0, 0.0, 0.0],
                          asked: [1.0, 0.0, 0.0, 0.0], "card still missing": [0.8, 0.6, 0.0, 0.0],
                          "I will order a free replacement now.": [0.8, 0.6, 0.0, 0.0]})
    draft = draft_from_resolutions([past], "my card never came", [("agent", asked)], known="", embed=embed)
    assert draft is not None and draft.text == "I will order a free replacement now."


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
