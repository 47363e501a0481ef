"""Handover summaries without an LLM: the customer's issue, the agent's actions, the status, the next
steps and the customer's mood, read from the conversation with simple, inspectable rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from copilot.guardrails.grounding import split_sentences
from copilot.schemas import ConversationTurn

Status = Literal["resolved", "pending", "escalated"]
Sentiment = Literal["positive", "neutral", "negative"]

_ACTION = re.compile(
    r"\b(i'?ve|i\s+have|i\s+had|we'?ve|we\s+have|i'?m\s+going\s+to|i'?ll|i\s+will|i\s+just|i\s+can\s+see|i\s+can\s+confirm|"
    r"i\s+(ordered|cancelled|refunded|raised|sent|froze|unfroze|unblocked|reset|escalated|passed|added|updated|removed|"
    r"checked|blocked|credited|reissued|logged|opened|closed|arranged|requested))\b",
    re.IGNORECASE,
)
_ESCALATED = re.compile(
    r"\b(escalat\w+|pass(ed|ing)?\s+(this|it|you|your\s+case)\s+(on\s+)?to|refer(red)?\s+(this|it|you)|specialist\s+team|"
    r"fraud\s+team|complaints\s+team|(bereavement|financial\s+support)\s+team|transferr?(ed|ing)\s+you)\b",
    re.IGNORECASE,
)
_RESOLVED = re.compile(
    r"\b(that'?s\s+(sorted|fixed|done|working|great|perfect)|all\s+sorted|(it'?s|it\s+is)\s+(working|sorted|fixed)\s*(now)?|"
    r"works\s+now|problem\s+solved|resolved|thanks?,?\s+that\s+(helps|helped|worked)|got\s+it,?\s+thanks|perfect,?\s+thanks|"
    r"brilliant|that\s+worked|sorted\s+now)\b",
    re.IGNORECASE,
)
_NEXT = re.compile(
    r"\b(will|should|within|once|until|next|follow\s+up|get\s+back|expect|in\s+\d+|working\s+days|keep\s+an\s+eye|"
    r"let\s+us\s+know|please)\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(angry|annoyed|furious|ridiculous|unacceptable|frustrat\w+|useless|terrible|awful|worried|upset|stress\w*|"
    r"disappointed|fed\s+up|joke|complain\w*|still\s+(not|hasn'?t|haven'?t)|again|worst|scared|panic\w*)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(thanks?|thank\s+you|great|brilliant|perfect|amazing|helpful|appreciate\w*|lovely|cheers|excellent|awesome)\b",
    re.IGNORECASE,
)


_GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|good\s+(morning|afternoon|evening))\b[\s,!.]*(there\b[\s,!.]*)?",
                       re.IGNORECASE)


def _first_sentence(text: str, limit: int = 30) -> str:
    text = _GREETING.sub("", text).strip() or text
    sentences = split_sentences(text)
    first = sentences[0] if sentences else text
    words = first.split()
    return " ".join(words[:limit]).rstrip(",;:") + ("..." if len(words) > limit else "")


def _issue(turns: Sequence[ConversationTurn]) -> str:
    customer = [t.text for t in turns if t.role == "customer"]
    if not customer:
        return "Not stated."
    # The first substantive customer message states the issue; greetings alone do not.
    for text in customer:
        if len(text.split()) >= 4:
            return _first_sentence(text)
    return _first_sentence(customer[0])


def _actions(turns: Sequence[ConversationTurn]) -> list[str]:
    actions: list[str] = []
    for turn in turns:
        if turn.role != "agent":
            continue
        for sentence in split_sentences(turn.text):
            if _ACTION.search(sentence) and len(sentence.split()) >= 4 and "?" not in sentence:
                actions.append(_first_sentence(sentence, 25))
    return actions[:5]


def _status(turns: Sequence[ConversationTurn]) -> Status:
    agent_text = " ".join(t.text for t in turns if t.role == "agent")
    tail = " ".join(t.text for t in turns[-3:])
    if _ESCALATED.search(agent_text):
        return "escalated"
    if _RESOLVED.search(tail):
        return "resolved"
    return "pending"


def _next_steps(turns: Sequence[ConversationTurn], status: Status) -> list[str]:
    if status == "resolved":
        return ["None: the issue was resolved in the conversation."]
    agent_turns = [t.text for t in turns if t.role == "agent"]
    steps: list[str] = []
    for text in reversed(agent_turns[-2:]):
        for sentence in split_sentences(text):
            if _NEXT.search(sentence) and "?" not in sentence and len(sentence.split()) >= 4:
                steps.append(_first_sentence(sentence, 25))
    if not steps:
        steps = {
            "resolved": ["None: the issue was resolved in the conversation."],
            "escalated": ["Wait for the specialist team to pick up the case."],
            "pending": ["Follow up with the customer to finish resolving the issue."],
        }[status]
    return steps[:3]


def _sentiment(turns: Sequence[ConversationTurn]) -> Sentiment:
    customer = [t.text for t in turns if t.role == "customer"]
    negative = sum(len(_NEGATIVE.findall(t)) for t in customer)
    positive = sum(len(_POSITIVE.findall(t)) for t in customer[-2:])
    if negative > positive:
        return "negative"
    if positive > negative:
        return "positive"
    return "neutral"


def summarize_extractive(turns: Sequence[ConversationTurn]) -> dict[str, object]:
    """The structured summary fields for a conversation."""
    issue = _issue(turns)
    actions = _actions(turns)
    status = _status(turns)
    steps = _next_steps(turns, status)
    sentiment = _sentiment(turns)
    parts = [f"Customer contacted us: {issue.rstrip('.')}."]
    if actions:
        parts.append("Agent: " + " ".join(a if a.endswith((".", "!")) else f"{a}." for a in actions[:3]))
    parts.append(f"Status: {status}.")
    if status != "resolved":
        parts.append("Next: " + steps[0].rstrip(".") + ".")
    summary = " ".join(parts)
    words = summary.split()
    if len(words) > 120:
        summary = " ".join(words[:119]) + "..."
    return {
        "summary": summary,
        "issue": issue,
        "actions_taken": actions,
        "status": status,
        "next_steps": steps,
        "customer_sentiment": sentiment,
    }
