"""Agent replies from what agents actually did: the matching turn of a similar past resolution.

A past resolution (``kind: resolution``, internal) holds a real conversation (``## Conversation``,
``Customer: ...`` / ``Agent: ...`` lines) and what was done (``## Resolution``). For a suggestion the
drafter takes the resolutions the search ranked for this conversation and drafts from the agent turn of
the exchange that fits the customer's latest message best. With the embedder (the pipeline's), every
exchange of those resolutions is scored in one batched call by meaning: how close its customer turn is
to the message, how close the agent's answer is to it, and how much that answer agrees with the other
candidate answers (the reply most agents gave, a minimum-Bayes-risk choice), plus where in the chat it
comes and the resolution's rank. Without it, the customer turn is matched by content words.

* **adapted**: figures, amounts, dates and days that neither this conversation nor the retrieved
  articles and procedures state are replaced by placeholders (``[amount]``, ``[number]``, ``[date]``,
  ``[day]``), so the draft never asserts another customer's facts; a question this conversation has
  already asked or answered is left out;
* **sourced**: the resolution is cited with the turn quoted.

The **next best action** (what to do in the tools) is read from the resolution's own account of what
the agent did ("the agent cancelled the undelivered card and ordered a free replacement" ->
"Cancel the undelivered card and order a free replacement"), or, when no resolution applies, from
the first step of the procedure triage names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copilot.guardrails.grounding import EmbedFn, split_sentences
from knowledge_base.search import Passage
from knowledge_base.sparse import tokenize

#: The closest customer turn must share at least this much (set cosine of content words) with the message.
MIN_TURN_MATCH = 0.2
#: A bonus for the resolution's turn at the same point of the chat as this one (turns walk in step).
SAME_POSITION_BONUS = 0.1
#: How much lower a candidate of the next-ranked resolution starts (the search's order is evidence too).
RANK_PENALTY = 0.05
#: Semantic scoring (with the embedder): the weights of the message's cosine with the past customer turn,
#: with the agent's answer to it, and of the answer's mean cosine with the other candidate answers. Set on
#: TweetSumm reply selection (held-out replies 400-800, not the measured first 400) and the golden reply
#: set: the answer's own closeness to the message is the strongest signal; the golden set's conversations
#: walk in step with their resolutions, so the position bonus and the customer turn weigh more there.
TURN_WEIGHT = 1.0
ANSWER_WEIGHT = 1.5
CONSENSUS_WEIGHT = 1.0
#: The position bonus and the rank penalty on the semantic score's scale (a weighted mean of cosines).
SEMANTIC_POSITION_BONUS = 0.07
SEMANTIC_RANK_PENALTY = 0.01
#: Times the answer's largest word overlap (set cosine) with an agent turn of this chat: what was said is not news.
REPEAT_PENALTY = 0.2
#: The best exchange's semantic score (weighted mean of the three cosines, plus the bonuses) must reach this.
MIN_SEMANTIC_MATCH = 0.25

_LINE = re.compile(r"^\s*(customer|agent)\s*:\s*(.+)$", re.IGNORECASE)
_MONEY = re.compile(r"[£$€]\s?\d[\d,]*(\.\d+)?")
_DATE = re.compile(
    r"\b(\d{1,2}(st|nd|rd|th)?\s+(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|\d{1,2}/\d{1,2}(/\d{2,4})?)",
    re.IGNORECASE,
)
_DAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")
_ACTION_SENTENCE = re.compile(
    r"\b(the agent|agent|we|they)\s+((also|then|immediately|first)\s+)?"
    r"(cancelled|canceled|ordered|raised|escalated|refunded|froze|unfroze|blocked|unblocked|reissued|referred|"
    r"transferred|submitted|opened|logged|removed|added|updated|reset|sent|arranged|applied|placed|set up|passed|"
    r"flagged|recorded|requested|locked|credited|waived|reversed|closed|booked|issued|replaced|changed|moved|"
    r"registered|lifted|extended|reviewed|confirmed|completed|started|offered|explained|advised)\b",
    re.IGNORECASE,
)
_LEMMA = {
    "cancelled": "cancel", "canceled": "cancel", "ordered": "order", "raised": "raise", "escalated": "escalate",
    "refunded": "refund", "froze": "freeze", "unfroze": "unfreeze", "blocked": "block", "unblocked": "unblock",
    "reissued": "reissue", "referred": "refer", "transferred": "transfer", "submitted": "submit", "opened": "open",
    "logged": "log", "removed": "remove", "added": "add", "updated": "update", "reset": "reset", "sent": "send",
    "arranged": "arrange", "applied": "apply", "placed": "place", "set up": "set up", "passed": "pass",
    "flagged": "flag", "recorded": "record", "requested": "request", "locked": "lock", "credited": "credit",
    "waived": "waive", "reversed": "reverse", "closed": "close", "booked": "book", "issued": "issue",
    "replaced": "replace", "changed": "change", "moved": "move", "registered": "register", "lifted": "lift",
    "extended": "extend", "reviewed": "review", "confirmed": "confirm", "completed": "complete",
    "started": "start", "offered": "offer", "explained": "explain", "advised": "advise", "checked": "check",
    "re-confirmed": "re-confirm", "noted": "note", "told": "tell", "reminded": "remind", "asked": "ask",
}
#: Account-of-the-case verbs worth doing in the tools, in order of preference over talk ("explained").
_TOOL_VERBS = frozenset(_LEMMA) - {"explained", "advised", "offered", "confirmed", "reviewed", "told", "reminded",
                                   "asked", "noted", "started", "completed", "checked", "re-confirmed"}
_AND_VERB = re.compile(r"\b(and|then)\s+(" + "|".join(re.escape(v) for v in sorted(_LEMMA, key=len, reverse=True))
                       + r")\b", re.IGNORECASE)
_STEP_HEADING = re.compile(r"^\s*step\s+\d+\s*[:.-]\s*(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Exchange:
    """A customer turn of a past conversation and the agent turn that answered it."""

    customer: str
    agent: str
    position: int  # how many agent turns came before this one


@dataclass(frozen=True)
class PastResolution:
    doc_id: str
    title: str
    exchanges: tuple[Exchange, ...]
    outcome: str  # the "Resolution" section: what was done and why


@dataclass(frozen=True)
class ResolutionDraft:
    doc_id: str
    title: str
    text: str
    quote: str  # the agent turn as the resolution has it
    match: float


@dataclass(frozen=True)
class Action:
    action: str
    doc_id: str
    title: str
    kind: str  # "resolution" or "procedure"
    quote: str


def _sections(passages: Sequence[Passage]) -> dict[str, list[str]]:
    """Lines per section heading, in document order, each line once (chunks overlap)."""
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for passage in sorted(passages, key=lambda p: p.chunk_index):
        heading = passage.heading.strip().lstrip("#").strip().lower()
        for line in passage.text.splitlines():
            line = line.strip()
            if not line or line.startswith("#") or line in seen:
                continue
            seen.add(line)
            out.setdefault(heading, []).append(line)
    return out


def parse_resolution(doc_id: str, title: str, passages: Sequence[Passage]) -> PastResolution:
    """A resolution document read back from its passages: its exchanges and its outcome."""
    sections = _sections(passages)
    turns: list[tuple[str, str]] = []
    outcome: list[str] = []
    for heading, lines in sections.items():
        for line in lines:
            match = _LINE.match(line)
            if match:
                role, text = match.group(1).lower(), match.group(2).strip()
                if turns and turns[-1][0] == role:
                    turns[-1] = (role, f"{turns[-1][1]} {text}")
                else:
                    turns.append((role, text))
            elif "resolution" in heading or "outcome" in heading:
                outcome.append(line)
    exchanges: list[Exchange] = []
    agents_before = 0
    for i, (role, text) in enumerate(turns):
        if role == "agent":
            if i > 0 and turns[i - 1][0] == "customer":
                exchanges.append(Exchange(turns[i - 1][1], text, agents_before))
            agents_before += 1
    return PastResolution(doc_id, title, tuple(exchanges), " ".join(outcome))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def best_exchange(
    resolution: PastResolution, message: str, conversation: Sequence[tuple[str, str]]
) -> tuple[Exchange, float] | None:
    """The exchange whose customer turn is closest to ``message``, and its match (None when none qualifies)."""
    words = set(tokenize(message))
    earlier = set(tokenize(" ".join(t for r, t in conversation if r == "customer")))
    position = sum(1 for role, _ in conversation if role == "agent")
    best: tuple[Exchange, float] | None = None
    for exchange in resolution.exchanges:
        turn = set(tokenize(exchange.customer))
        score = 0.8 * _overlap(words, turn) + 0.2 * _overlap(earlier, turn)
        score += SAME_POSITION_BONUS if exchange.position == position else 0.0
        if best is None or score > best[1]:
            best = (exchange, score)
    if best is None or best[1] < MIN_TURN_MATCH:
        return None
    return best


def adapt(text: str, *, known: str, conversation: Sequence[tuple[str, str]]) -> str:
    """The agent turn made safe to reuse here (see the module docstring)."""
    said = " ".join(t for _, t in conversation).lower()
    facts = f"{said} {known.lower()}"
    kept: list[str] = []
    asked = set(tokenize(" ".join(t for r, t in conversation if r == "agent")))
    for sentence in split_sentences(text):
        if sentence.endswith("?"):
            words = set(tokenize(sentence))
            if words and len(words & asked) / len(words) >= 0.5:
                continue  # already asked in this conversation
        kept.append(_placeholders(sentence, facts))
    return " ".join(kept).strip()


def _placeholders(sentence: str, facts: str) -> str:
    def keep_or(placeholder: str) -> Callable[[re.Match[str]], str]:
        def sub(match: re.Match[str]) -> str:
            value = match.group(0)
            return value if value.lower() in facts else placeholder

        return sub

    sentence = _MONEY.sub(keep_or("[amount]"), sentence)
    sentence = _DATE.sub(keep_or("[date]"), sentence)
    sentence = _DAY.sub(keep_or("[day]"), sentence)

    def number(match: re.Match[str]) -> str:
        value = match.group(0)
        # A figure the articles or this chat state is policy or fact; another customer's is not.
        return value if re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", facts) else "[number]"

    return _NUMBER.sub(number, sentence)


def draft_from_resolutions(
    resolutions: Sequence[PastResolution],
    message: str,
    conversation: Sequence[tuple[str, str]],
    *,
    known: str,
    embed: EmbedFn | None = None,
) -> ResolutionDraft | None:
    """The adapted agent turn of the best-matching exchange among ``resolutions`` (best-ranked first).

    With ``embed``, exchanges are ranked by :func:`semantic_scores`; without it, by content words
    (:func:`best_exchange`). The best candidate whose adapted text is still a reply (four words or more)
    is drafted; None when no candidate reaches the minimum match.
    """
    ranked = (_semantic_ranking(resolutions, message, conversation, embed) if embed is not None
              else _lexical_ranking(resolutions, message, conversation))
    for resolution, exchange, score in ranked:
        text = adapt(exchange.agent, known=known, conversation=conversation)
        if len(text.split()) >= 4:
            return ResolutionDraft(resolution.doc_id, resolution.title, text, exchange.agent, round(score, 3))
    return None


Ranked = list[tuple[PastResolution, Exchange, float]]


def _lexical_ranking(
    resolutions: Sequence[PastResolution], message: str, conversation: Sequence[tuple[str, str]]
) -> Ranked:
    """Each resolution's best exchange by content words (those over the minimum), best first."""
    ranked: Ranked = []
    for rank, resolution in enumerate(resolutions):
        found = best_exchange(resolution, message, conversation)
        if found is not None:
            ranked.append((resolution, found[0], found[1] - RANK_PENALTY * rank))
    return sorted(ranked, key=lambda r: -r[2])


def _semantic_ranking(
    resolutions: Sequence[PastResolution], message: str, conversation: Sequence[tuple[str, str]], embed: EmbedFn
) -> Ranked:
    """Every exchange of ``resolutions`` scored by :func:`semantic_scores` (those over the minimum), best first."""
    candidates = [(rank, r, e) for rank, r in enumerate(resolutions) for e in r.exchanges]
    if not candidates:
        return []
    scores = semantic_scores(message, [(rank, e) for rank, _, e in candidates], conversation, embed)
    ranked = [(r, e, float(s)) for (_, r, e), s in zip(candidates, scores, strict=True) if s >= MIN_SEMANTIC_MATCH]
    return sorted(ranked, key=lambda r: -r[2])


def semantic_scores(
    message: str,
    candidates: Sequence[tuple[int, Exchange]],
    conversation: Sequence[tuple[str, str]],
    embed: EmbedFn,
) -> npt.NDArray[np.float64]:
    """The score of each (resolution rank, exchange) candidate, from one embedding call.

    The weighted mean of the message's cosine with the exchange's customer turn and with its agent
    turn, and of the agent turn's mean cosine with the other candidates' agent turns; plus
    :data:`SEMANTIC_POSITION_BONUS` for an exchange at this point of the chat, minus
    :data:`SEMANTIC_RANK_PENALTY` per resolution rank. ``conversation`` is the chat before ``message``.
    """
    n = len(candidates)
    texts = [message, *(e.customer for _, e in candidates), *(e.agent for _, e in candidates)]
    vectors = np.asarray(embed(texts), dtype=np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    customers, answers = vectors[1 : n + 1], vectors[n + 1 :]
    turn = customers @ vectors[0]
    answer = answers @ vectors[0]
    agreement = answers @ answers.T
    consensus = (agreement.sum(axis=1) - np.diag(agreement)) / (n - 1) if n > 1 else np.zeros(n)
    total = TURN_WEIGHT + ANSWER_WEIGHT + CONSENSUS_WEIGHT
    score: npt.NDArray[np.float64] = (TURN_WEIGHT * turn + ANSWER_WEIGHT * answer
                                      + CONSENSUS_WEIGHT * consensus) / total
    position = sum(1 for role, _ in conversation if role == "agent")
    score += np.array([SEMANTIC_POSITION_BONUS if e.position == position else 0.0 for _, e in candidates])
    score -= SEMANTIC_RANK_PENALTY * np.array([rank for rank, _ in candidates], dtype=np.float64)
    said = [set(tokenize(text)) for role, text in conversation if role == "agent"]
    if said:
        repeats = [max(_overlap(set(tokenize(e.agent)), s) for s in said) for _, e in candidates]
        score -= REPEAT_PENALTY * np.array(repeats)
    return score


def _imperative(sentence: str) -> str:
    match = _ACTION_SENTENCE.search(sentence)
    if match is None:
        return sentence
    verb = match.group(4).lower()
    rest = sentence[match.end():]
    rest = _AND_VERB.sub(lambda m: f"{m.group(1)} {_LEMMA.get(m.group(2).lower(), m.group(2))}", rest)
    rest = re.split(r"\b(rather than|because|so that|so they|as the|since)\b", rest)[0]
    lemma = _LEMMA.get(verb, verb)
    return f"{lemma[0].upper()}{lemma[1:]}{rest}".strip().rstrip(",;:").rstrip(".") + "."


def action_from_resolution(resolution: PastResolution) -> Action | None:
    """What the agent did in the tools, as an instruction, from the resolution's outcome."""
    sentences = [s for s in split_sentences(resolution.outcome) if _ACTION_SENTENCE.search(s)]
    if not sentences:
        return None
    tool = [s for s in sentences if (m := _ACTION_SENTENCE.search(s)) and m.group(4).lower() in _TOOL_VERBS]
    if not tool:
        return None  # explaining and advising are what the reply does, not an action in the tools
    chosen = tool[0]
    action = _imperative(chosen)
    if len(action.split()) > 40:
        action = " ".join(action.split()[:40]).rstrip(",;:") + "..."
    return Action(action, resolution.doc_id, resolution.title, "resolution", chosen)


def action_from_procedure(doc_id: str, title: str, passages: Sequence[Passage]) -> Action | None:
    """The procedure's first step (a ``Step 1: ...`` heading), or None when it has no numbered steps."""
    for passage in sorted(passages, key=lambda p: p.chunk_index):
        for candidate in (passage.heading, *passage.text.splitlines()):
            match = _STEP_HEADING.match(candidate.strip().lstrip("#").strip())
            if match:
                step = match.group(1).strip().rstrip(".")
                return Action(f"{step} (first step of {title}).", doc_id, title, "procedure", candidate.strip())
    return None
