from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from copilot.pipelines.curated import ApprovedAnswer, CuratedAnswers, load_approved_answers
from copilot.pipelines.extractive_summary import summarize_extractive
from copilot.prompts import PromptError, PromptLibrary
from copilot.schemas import AnswerInput, ConversationInput, ConversationTurn, Summary
from copilot.service import Copilot
from knowledge_base.embeddings import HashingEmbedder
from tests.unit.pipelines.conftest import FAKE_CONFIG, make_copilot

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "prompts"

CONVERSATION = [
    {"role": "customer", "text": "Hi, my card was declined at the supermarket even though I have money"},
    {"role": "agent", "text": "Sorry about that. I can see your card was frozen. I've unfrozen it now, please try again."},
    {"role": "customer", "text": "That worked, thanks!"},
]


def test_extractive_summary_reads_the_conversation() -> None:
    turns = [ConversationTurn.model_validate(t) for t in CONVERSATION]
    fields = summarize_extractive(turns)
    assert "declined" in str(fields["issue"]) and not str(fields["issue"]).startswith("Hi")
    assert fields["status"] == "resolved"
    assert fields["customer_sentiment"] == "positive"
    assert any("unfrozen" in a for a in fields["actions_taken"])  # type: ignore[union-attr]
    assert len(str(fields["summary"]).split()) <= 120


def test_extractive_summary_escalated_and_negative() -> None:
    turns = [
        ConversationTurn(role="customer", text="This is ridiculous, I've been charged twice and nobody helps"),
        ConversationTurn(role="agent", text="I'm sorry. I've raised a dispute and passed this to our disputes team."),
        ConversationTurn(role="customer", text="Still not happy about this"),
    ]
    fields = summarize_extractive(turns)
    assert fields["status"] == "escalated"
    assert fields["customer_sentiment"] == "negative"


def test_summarize_through_a_model_keeps_pii_masked(kb) -> None:  # type: ignore[no-untyped-def]
    reply = json.dumps({"summary": "Customer [EMAIL_1] had a declined card; agent unfroze it.", "issue": "Declined card",
                        "actions_taken": ["Unfroze card"], "status": "resolved", "next_steps": [],
                        "customer_sentiment": "positive"})
    copilot, fake = make_copilot(kb, reply)
    turns = [*CONVERSATION, {"role": "customer", "text": "my email is a.person@example.com"}]
    summary = copilot.summarize(ConversationInput.model_validate({"conversation": turns}))
    assert summary.provider == "fake"
    assert "a.person@example.com" not in summary.model_dump_json()
    assert "[EMAIL_1]" in summary.summary
    assert fake is not None and "a.person@example.com" not in json.dumps(fake.requests)
    assert summary.prompt.id == "summarize"


def test_summarize_stream_ends_with_the_result(kb) -> None:  # type: ignore[no-untyped-def]
    copilot, _ = make_copilot(kb)
    items = list(copilot.stream_summarize(ConversationInput.model_validate({"conversation": CONVERSATION})))
    assert isinstance(items[-1], Summary)
    assert "".join(i for i in items if isinstance(i, str)) == items[-1].summary


def test_summarize_bad_model_output_falls_back(kb) -> None:  # type: ignore[no-untyped-def]
    copilot, _ = make_copilot(kb, '{"summary": ""}')
    summary = copilot.summarize(ConversationInput.model_validate({"conversation": CONVERSATION}))
    assert summary.provider == "extractive"
    assert summary.status == "resolved"


def test_curated_answer_is_returned_verbatim_before_any_model_call(kb) -> None:  # type: ignore[no-untyped-def]
    approved = ApprovedAnswer("approved-fscs", "FSCS", ("is my money protected", "is my money safe with you"),
                              "Eligible deposits are protected by the FSCS up to £85,000.", ("direct-debits",))
    _, fake = make_copilot(kb, default="unused")
    curated = CuratedAnswers([approved], HashingEmbedder(128), threshold=0.9)
    from copilot.llm.gateway import LLMGateway

    copilot = Copilot(kb, LLMGateway([fake]), curated=curated, reply_config=FAKE_CONFIG)  # type: ignore[list-item]
    answer = copilot.answer(AnswerInput(question="Is my money protected?"))
    assert answer.answer == approved.answer
    assert answer.curated_answer_id == "approved-fscs"
    assert answer.provider == "curated"
    assert fake is not None and not fake.requests
    other = copilot.answer(AnswerInput(question="how do I cancel a direct debit"))
    assert other.curated_answer_id is None


def test_curated_answer_never_skips_a_sensitive_handoff(kb) -> None:  # type: ignore[no-untyped-def]
    approved = ApprovedAnswer("approved-bereavement", "bereavement", ("my husband passed away",),
                              "We're sorry for your loss.", ())
    copilot, _ = make_copilot(kb)
    copilot.reply.curated = CuratedAnswers([approved], HashingEmbedder(128), threshold=0.5)
    answer = copilot.answer(AnswerInput(question="my husband passed away"))
    assert answer.handoff.needed and answer.handoff.reason == "sensitive_topic"


def test_shipped_approved_answers_load() -> None:
    from copilot.pipelines.curated import DEFAULT_APPROVED_ANSWERS

    answers = load_approved_answers(DEFAULT_APPROVED_ANSWERS)
    assert len(answers) >= 10
    assert len({a.id for a in answers}) == len(answers)


def test_prompts_list_and_versions() -> None:
    library = PromptLibrary()
    assert {"suggest_reply", "answer", "summarize"} <= set(library.names())
    template = library.get("suggest_reply")
    assert template.version == "1"
    with pytest.raises(PromptError, match="needs"):
        template.render(conversation="x")
    with pytest.raises(PromptError, match="no version"):
        library.get("suggest_reply", "99")
    with pytest.raises(PromptError, match="no prompt"):
        library.get("nope")


@pytest.mark.parametrize("name", ["suggest_reply", "answer", "summarize"])
def test_prompt_snapshots(name: str) -> None:
    """A prompt change shows up here as a diff; set UPDATE_SNAPSHOTS=1 to accept it."""
    template = PromptLibrary().get(name)
    values = {v: f"<<{v}>>" for v in template.variables}
    system, user = template.render(**values)
    rendered = (
        f"# {template.id} v{template.version}\n## system\n{system}\n## user\n{user}\n## schema\n"
        f"{json.dumps(template.output_schema, indent=2, sort_keys=True)}\n"
    )
    path = SNAPSHOTS / f"{name}.v{template.version}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")
