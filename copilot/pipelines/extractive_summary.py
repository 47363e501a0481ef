"""Handover summaries without an LLM: extract the salient clauses, then rewrite them as a note.

The summary says four things, in this order, in at most :data:`MAX_SUMMARY_WORDS` words:

1. **The customer's issue**: the customer sentences that carry the problem (a complaint or a question
   about something specific, early in the chat, sharing words with what the agent answered), not
   simply the first sentence; greetings, thanks, handles, URLs, emoji, agent signatures and profanity
   are removed, and the clause is put in the third person ("my card" -> "their card").
2. **What the agent did**: the agent's most substantive sentences (an action taken, an instruction
   or a question that moves the case on), rewritten as the agent's ("Please DM us" -> "Agent asks
   the customer to DM them").
3. **The status**: resolved, escalated (passed to another team) or pending.
4. **The next step**: what the last agent turns ask for or promise, or a default per status.

The same fields come back structured (``issue``, ``actions_taken``, ``status``, ``next_steps``,
``customer_sentiment``). Everything is rules and word counts: inspectable, fast (well under a
millisecond a conversation) and deterministic. The weights were chosen on TweetSumm's training
conversations and checked on its validation split (docs/evals.md).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from copilot.guardrails.grounding import split_sentences
from copilot.schemas import ConversationTurn
from knowledge_base.sparse import tokenize

Status = Literal["resolved", "pending", "escalated"]
Sentiment = Literal["positive", "neutral", "negative"]

MAX_SUMMARY_WORDS = 120
#: Word budgets of the issue and of each agent clause (a handover note is read in seconds).
ISSUE_WORDS = 28
ACTION_WORDS = 24
#: Agent sentences in the note: the best one, and the next while they fit in the budget.
ACTIONS = 2
ACTION_BUDGET = 30

_HANDLE = re.compile(r"(?<![\w])@\w+")
_URL = re.compile(r"(https?://\S+|www\.\S+|\b\S+\.(com|co\.uk|ly|co)/\S*)", re.IGNORECASE)
#: Agent sign-offs on social channels: "^SH", "-JD", "/AB", "*TS".
_SIGNATURE = re.compile(r"(\s*[\^*~]\s*[A-Za-z]{1,4}\b|\s+[-/][A-Z]{1,3}\b)\s*$")
_HASHTAG = re.compile(r"#(\w+)")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\u2190-\u21ff\u2300-\u23ff\u2b00-\u2bff"
    "\ufe0f\u200d]+"
)
_PROFANITY = re.compile(
    r"\b(f+u+c+k+\w*|f[*#@]+\w*|sh[i1*]+t+\w*|s[*#]+t\w*|bull\s?sh\w+|crap+\w*|damn\w*|goddamn\w*|"
    r"bloody|bastard\w*|bitch\w*|arse\w*|ass(hole)?s?|dick(head)?s?|piss(ed)?|wtf|wth|ffs|omfg|stfu|"
    r"hell|freaking|frigging|effing)(?![\w*])",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\s*((hi|hello|hey|hiya|howdy|dear|yo|greetings|good\s+(morning|afternoon|evening|day))\b[\s,!.:]*"
    r"((there|team|guys|all|folks|again|everyone|support|sir|madam)\b[\s,!.:]*)?)+",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^\s*((ok(ay)?|so|well|um+|uh+|yes|yeah|yep|no|nope|hmm+|oh|ah|also|and|but|just|please|pls|plz|"
    r"lol|thanks?( you)?|thx|great|sure|right|alright|fine|cool)\b[\s,!.:]*)+",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_VOCATIVE = re.compile(r"^[A-Z][a-z]+(\s[A-Z][a-z]+)?,\s+(?=[a-zA-Z])")
_SPACE_PUNCT = re.compile(r"\s+([,.;:!?])")
_REPEATED_PUNCT = re.compile(r"([!?.])[!?.]+")

#: Sentences that are only politeness: no issue and no action in them.
_COURTESY = re.compile(
    r"^(sorry|we'?re sorry|i'?m sorry|we apologi[sz]e|apologies|thanks?|thank you|you'?re welcome|no problem|"
    r"happy to help|glad|have a (great|good|nice)|hope|cheers|we'?d be happy|we'?re here|we understand|"
    r"i understand|that'?s great|great|awesome|perfect|no worries|take care|enjoy|sounds good|my pleasure|"
    r"we'?ll be here|let us know if|feel free|any time|anytime)\b",
    re.IGNORECASE,
)
_PROBLEM = re.compile(
    r"\b(not|n't|never|no longer|can'?t|cannot|won'?t|unable|problem|issue|error|wrong|broken|fail\w*|"
    r"charged|refund\w*|cancel\w*|missing|late|delay\w*|lost|stuck|crash\w*|declin\w*|block\w*|locked|"
    r"still|again|without|help|why|how|when|where|what|which|disappoint\w*|terrible|worst|waiting|"
    r"nobody|no one|keep|keeps|kept|only|hasn'?t|haven'?t|didn'?t|doesn'?t|isn'?t|wasn'?t|aren'?t)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\b(dm|direct message|message us|call|phone|contact|reach (out|us)|click|link|visit|check|try|tried|"
    r"restart|reset|update|reinstall|refund\w*|send|sent|follow|replace\w*|escalat\w*|pass\w* (this|it|on)|"
    r"forward\w*|raise\w*|credit\w*|cancel\w*|order\w*|arrang\w*|book\w*|confirm\w*|investigat\w*|"
    r"look into|looking into|report\w*|share|provide|let us know|steps|settings|go to|select|tap|open|"
    r"unblock\w*|unfroze|froze|freez\w*|reissu\w*|issued|added|removed|fixed|resolved|sorted|"
    r"we'?ve|we have|we will|we'?ll|i'?ve|i have|i'?ll|i will|please|can you|could you|would you)\b",
    re.IGNORECASE,
)
_ESCALATED = re.compile(
    r"\b(escalat\w+|pass(ed|ing)?\s+(this|it|you|your\s+case|your\s+details)\s+(on\s+)?to|refer(red)?\s+(this|it|you)|"
    r"specialist\s+team|fraud\s+team|complaints\s+team|(bereavement|financial\s+support)\s+team|"
    r"transferr?(ed|ing)\s+you|raised\s+(this|it|a\s+complaint)\s+with)\b",
    re.IGNORECASE,
)
_RESOLVED = re.compile(
    r"\b(that'?s\s+(sorted|fixed|done|working|great|perfect)|all\s+sorted|(it'?s|it\s+is)\s+(working|sorted|fixed)|"
    r"works\s+now|working\s+now|problem\s+solved|resolved|fixed\s+it|thanks?,?\s+that\s+(helps|helped|worked)|"
    r"got\s+it,?\s+thanks|perfect,?\s+thanks|brilliant|that\s+worked|sorted\s+now|that\s+did\s+it|"
    r"(thanks?|thank\s+you)\s+(so\s+much\s+)?for\s+(the|your)\s+help|(thanks?|thank\s+you)\s+for\s+sorting)\b",
    re.IGNORECASE,
)
_NEXT = re.compile(
    r"\b(will|should|within|once|until|next|follow\s+up|get\s+back|expect|in\s+\d+|working\s+days|keep\s+an\s+eye|"
    r"let\s+us\s+know|please|dm|direct\s+message|reach\s+out|call|contact)\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(angry|annoyed|furious|ridiculous|unacceptable|frustrat\w+|useless|terrible|awful|worried|upset|stress\w*|"
    r"disappointed|disgust\w*|fed\s+up|joke|complain\w*|still\s+(not|hasn'?t|haven'?t)|again|worst|scared|"
    r"panic\w*|horrible|pathetic|rubbish|poor|hate|sucks?)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(thanks?|thank\s+you|great|brilliant|perfect|amazing|helpful|appreciate\w*|lovely|cheers|excellent|awesome)\b",
    re.IGNORECASE,
)

# First-person words as the third person reads them. "they" takes the same verb forms as "I" except
# am/was, which the contractions and the verb fix-up handle.
_CUSTOMER_PRONOUNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{a}\b", re.IGNORECASE), b)
    for a, b in (
        (r"i'?m", "they are"), (r"i am", "they are"), (r"i was", "they were"), (r"i'?ve", "they have"),
        (r"i'?ll", "they will"), (r"i'?d", "they would"), (r"i", "they"), (r"me", "them"), (r"my", "their"),
        (r"mine", "theirs"), (r"myself", "themselves"), (r"we'?re", "they are"), (r"we'?ve", "they have"),
        (r"we", "they"), (r"our", "their"), (r"us", "them"),
        (r"you guys", "the company"), (r"your", "the company's"), (r"you'?re", "the company is"),
        (r"you", "the company"),
    )
)
_AGENT_PRONOUNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{a}\b", re.IGNORECASE), b)
    for a, b in (
        (r"we'?re", "they are"), (r"we'?ve", "they have"), (r"we'?ll", "they will"), (r"we'?d", "they would"),
        (r"we", "they"), (r"our", "their"), (r"us", "them"), (r"i'?m", "they are"), (r"i'?ve", "they have"),
        (r"i'?ll", "they will"), (r"i'?d", "they would"), (r"i", "they"), (r"me", "them"), (r"my", "their"),
        (r"you'?re", "the customer is"), (r"you'?ve", "the customer has"), (r"you'?ll", "the customer will"),
        (r"yourself", "themselves"), (r"your", "the customer's"), (r"you", "the customer"),
    )
)
#: How the agent's sentence starts -> how the note reports it.
_AGENT_LEADS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a, re.IGNORECASE), b)
    for a, b in (
        (r"^(please|kindly|pls)\s+", "Agent asks the customer to "),
        (r"^(can|could|would|will) you (please |kindly )?(tell|let) (us|me) know\s+", "Agent asks "),
        (r"^(can|could|would|will) you (please |kindly )?", "Agent asks the customer to "),
        (r"^(have|did|do|are|is|were|was|has) (you|the customer)\b", "Agent asks if the customer"),
        (r"^(what|which|when|where|how|who|why)\b", r"Agent asks \1"),
        (r"^(we'?ve|we have|i'?ve|i have)\s+", "Agent has "),
        (r"^(we'?ll|we will|i'?ll|i will)\s+", "Agent will "),
        (r"^(we'?re|we are|i'?m|i am)\s+", "Agent is "),
        (r"^(we|i)\s+", "Agent "),
        (r"^(you can|you could|you may|you should|you'?ll need to|you need to)\s+",
         "Agent suggests the customer "),
        (r"^(let'?s|let us)\s+", "Agent suggests they "),
        (r"^(?=(call|try|send|visit|check|go|click|follow|contact|reach|use|make|open|tap|select|update|restart|"
         r"reinstall|dm|message|email|head|give|keep|refer|sign|log|pop|drop|shoot|fill|complete|double)\b)",
         "Agent asks the customer to "),
    )
)
QUESTION_LEAD = "Customer is asking "
STATEMENT_LEAD = "Customer is saying that "
PROBLEM_LEAD = "Customer is complaining that "
AGENT_LEAD = "Agent states that "
_THIRD_PERSON_VERBS = {"am": "is", "are": "is", "have": "has", "do": "does", "don't": "doesn't", "dont": "doesn't",
                       "were": "was", "go": "goes"}
_MODALS = {"can", "can't", "cant", "cannot", "could", "couldn't", "will", "won't", "would", "wouldn't", "should",
           "shouldn't", "may", "might", "must", "did", "didn't", "had", "was", "wasn't"}


@dataclass(frozen=True)
class _Clause:
    text: str  # cleaned, first person as written
    turn: int  # index of its turn among the conversation's turns
    rank: int  # index among its role's sentences
    words: int


def clean_text(text: str) -> str:
    """A turn without handles, URLs, hashtag marks, emoji, signatures and profanity; spaces tidied."""
    text = html.unescape(text).replace("\u2019", "'").replace("\u2018", "'")
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _HASHTAG.sub(r"\1", text)
    text = _EMOJI.sub(" ", text)
    text = _PROFANITY.sub(" ", text)
    text = _SIGNATURE.sub("", text.strip())
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _SPACE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()
    return text.strip(" ,;:-")


def _trim(text: str, limit: int) -> str:
    words = text.split()
    if len(words) <= limit:
        return text
    cut = " ".join(words[:limit])
    # End on a clause boundary when one is near, so the note does not stop mid-thought.
    at = max(cut.rfind(","), cut.rfind(";"), cut.rfind(" - "))
    if at > len(cut) * 0.6:
        cut = cut[:at]
    return cut.rstrip(",;:- ") + "..."


def _clauses(turns: Sequence[ConversationTurn], role: str) -> list[_Clause]:
    out: list[_Clause] = []
    for index, turn in enumerate(turns):
        if turn.role != role:
            continue
        for raw in split_sentences(clean_text(turn.text)):
            sentence = _FILLER.sub("", _GREETING.sub("", raw)).strip(" ,;:-")
            if role == "agent":
                # "Iain, we'd like to ..." -> "we'd like to ...": the customer's name adds nothing to the note.
                sentence = _VOCATIVE.sub("", sentence)
            head, comma, tail = sentence.partition(", ")
            if comma and _COURTESY.match(head) and len(tail.split()) >= 4:
                # "Sorry for the wait, can you try ..." keeps what moves the case on.
                sentence = tail
            words = len(sentence.split())
            if words < 3 or (_COURTESY.match(sentence) and not _PROBLEM.search(sentence)):
                continue
            out.append(_Clause(sentence, index, len(out), words))
    return out


def _content(text: str) -> set[str]:
    return set(tokenize(text))


def _issue_score(clause: _Clause, other: set[str]) -> float:
    words = _content(clause.text)
    shared = len(words & other) / (len(words) or 1)
    problem = min(len(_PROBLEM.findall(clause.text)), 3)
    length = 1.0 if 6 <= clause.words <= 30 else 0.4
    return 1.6 / (1 + clause.rank) + 0.5 * problem + 1.2 * shared + length + (0.3 if "?" in clause.text else 0.0)


def _action_score(clause: _Clause, issue: set[str], last_turn: int, first_turn: int) -> float:
    words = _content(clause.text)
    shared = len(words & issue) / (len(words) or 1)
    action = min(len(_ACTION.findall(clause.text)), 3)
    length = 1.0 if 5 <= clause.words <= 30 else 0.3
    late = 0.8 if clause.turn == last_turn else (0.3 if clause.turn == first_turn else 0.0)
    return 0.6 * action + 1.0 * shared + length + late


def _third_person_customer(text: str) -> str:
    """'I can't log in to my app' -> 'Customer can't log in to their app'."""
    match = re.match(r"^(i'?m|i am|i'?ve|i have|i was|i'?ll|i'?d|i)\s+(\S+)?", text, re.IGNORECASE)
    if match:
        head = match.group(1).lower().replace("'", "")
        rest = text[len(match.group(1)):].lstrip()
        lead = {"im": "Customer is", "i am": "Customer is", "ive": "Customer has", "i have": "Customer has",
                "i was": "Customer was", "ill": "Customer will", "id": "Customer would"}.get(head)
        if lead is None:
            verb = (match.group(2) or "").lower()
            if verb in _THIRD_PERSON_VERBS:
                rest = _THIRD_PERSON_VERBS[verb] + rest[len(verb):]
            elif verb and verb not in _MODALS and verb.isalpha() and not verb.endswith(("ed", "s")):
                rest = (verb[:-1] + "ies" if verb.endswith("y") and verb[-2:-1] not in "aeiou"
                        else verb + ("es" if verb.endswith(("sh", "ch", "x", "o")) else "s")) + rest[len(verb):]
            lead = "Customer"
        body = _swap(rest, _CUSTOMER_PRONOUNS)
        return f"{lead} {body}".strip()
    if re.match(r"^my\b", text, re.IGNORECASE):
        return "Customer's " + _swap(text[2:].lstrip(), _CUSTOMER_PRONOUNS)
    if text.rstrip().endswith("?"):
        return QUESTION_LEAD + _swap(_lower_first(text), _CUSTOMER_PRONOUNS)
    lead = PROBLEM_LEAD if _PROBLEM.search(text) or _NEGATIVE.search(text) else STATEMENT_LEAD
    return lead + _swap(_lower_first(text), _CUSTOMER_PRONOUNS)


def _third_person_agent(text: str) -> str:
    text = _lower_first(text)
    for pattern, lead in _AGENT_LEADS:
        match = pattern.match(text)
        if match:
            rest = text[match.end():]
            head = match.expand(lead) if "\\" in lead else lead
            return f"{head}{_swap(rest, _AGENT_PRONOUNS)}".strip()
    return AGENT_LEAD + _swap(_lower_first(text), _AGENT_PRONOUNS)


def _swap(text: str, table: Sequence[tuple[re.Pattern[str], str]]) -> str:
    # One pass per pattern, longest forms first, on a copy marked so that a replacement is not replaced again.
    pieces = [text]
    for pattern, replacement in table:
        next_pieces: list[str] = []
        for piece in pieces:
            if piece.startswith("\x00"):
                next_pieces.append(piece)
                continue
            last = 0
            for match in pattern.finditer(piece):
                next_pieces.append(piece[last:match.start()])
                next_pieces.append("\x00" + replacement)
                last = match.end()
            next_pieces.append(piece[last:])
        pieces = next_pieces
    return "".join(p.lstrip("\x00") for p in pieces)


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "...")) else text + "."


def _issue_clauses(turns: Sequence[ConversationTurn]) -> list[_Clause]:
    customer = _clauses(turns, "customer")
    if not customer:
        return []
    agent_words: set[str] = set()
    for turn in turns:
        if turn.role == "agent":
            agent_words |= _content(clean_text(turn.text))
    best = max(customer, key=lambda c: _issue_score(c, agent_words))
    chosen = [best]
    # A short problem statement often needs the sentence around it ("It keeps crashing." after the device).
    if best.words < 12:
        neighbours = [c for c in customer if c.turn == best.turn and abs(c.rank - best.rank) == 1]
        if neighbours:
            extra = max(neighbours, key=lambda c: _issue_score(c, agent_words))
            if best.words + extra.words <= ISSUE_WORDS:
                chosen.append(extra)
    return sorted(chosen, key=lambda c: c.rank)


def _issue(turns: Sequence[ConversationTurn]) -> str:
    chosen = _issue_clauses(turns)
    if not chosen:
        customer = [clean_text(t.text) for t in turns if t.role == "customer"]
        text = next((c for c in customer if c), "")
        return _trim(text, ISSUE_WORDS) if text else "Not stated."
    return _trim(" ".join(c.text.rstrip(".") + ("" if c.text.endswith(("?", "!")) else ".") for c in chosen),
                 ISSUE_WORDS)


def _actions(turns: Sequence[ConversationTurn], issue: str, limit: int = 2) -> list[_Clause]:
    agent = _clauses(turns, "agent")
    if not agent:
        return []
    agent_turns = [i for i, t in enumerate(turns) if t.role == "agent"]
    issue_words = _content(issue)
    ranked = sorted(agent, key=lambda c: -_action_score(c, issue_words, agent_turns[-1], agent_turns[0]))
    chosen = ranked[:1]
    used = min(ranked[0].words, ACTION_WORDS)
    for clause in ranked[1:limit]:
        if used + min(clause.words, ACTION_WORDS) > ACTION_BUDGET:
            break
        chosen.append(clause)
        used += min(clause.words, ACTION_WORDS)
    return sorted(chosen, key=lambda c: c.rank)


def _status(turns: Sequence[ConversationTurn]) -> Status:
    agent_text = " ".join(t.text for t in turns if t.role == "agent")
    tail = " ".join(t.text for t in turns[-3:])
    if _ESCALATED.search(agent_text):
        return "escalated"
    if _RESOLVED.search(tail):
        return "resolved"
    return "pending"


_DEFAULT_STEPS: dict[str, str] = {
    "resolved": "None: the issue was resolved in the conversation.",
    "escalated": "Wait for the specialist team to pick up the case.",
    "pending": "Follow up with the customer to finish resolving the issue.",
}


def _next_steps(turns: Sequence[ConversationTurn], status: Status) -> list[str]:
    if status == "resolved":
        return [_DEFAULT_STEPS["resolved"]]
    agent_turns = [clean_text(t.text) for t in turns if t.role == "agent"]
    steps: list[str] = []
    for text in reversed(agent_turns[-2:]):
        for sentence in split_sentences(text):
            sentence = _FILLER.sub("", sentence).strip()
            if _NEXT.search(sentence) and len(sentence.split()) >= 4 and not _COURTESY.match(sentence):
                steps.append(_sentence(_trim(_third_person_agent(sentence), ACTION_WORDS)))
    return steps[:3] or [_DEFAULT_STEPS[status]]


def _sentiment(turns: Sequence[ConversationTurn]) -> Sentiment:
    customer = [t.text for t in turns if t.role == "customer"]
    negative = sum(len(_NEGATIVE.findall(t)) for t in customer)
    positive = sum(len(_POSITIVE.findall(t)) for t in customer[-2:])
    if negative > positive:
        return "negative"
    if positive > negative:
        return "positive"
    return "neutral"


_STATUS_LINE: dict[str, str] = {
    "resolved": "Resolved.",
    "escalated": "Escalated; next:",
    "pending": "Pending; next:",
}


def summarize_extractive(turns: Sequence[ConversationTurn]) -> dict[str, object]:
    """The summary and its structured fields for a conversation (turns oldest first)."""
    clauses = _issue_clauses(turns)
    issue = _issue(turns)
    actions = [_sentence(_trim(_third_person_agent(c.text), ACTION_WORDS)) for c in _actions(turns, issue, ACTIONS)]
    status = _status(turns)
    steps = _next_steps(turns, status)
    if clauses:
        note = _third_person_customer(clauses[0].text.rstrip("."))
        if len(clauses) > 1:
            note = f"{note}; {_swap(_lower_first(clauses[1].text), _CUSTOMER_PRONOUNS)}"
        issue_note = _sentence(_trim(note, ISSUE_WORDS + 6))
    else:
        issue_note = _sentence(f"Customer says {_lower_first(issue)}") if issue != "Not stated." else ""
    parts = [issue_note, *actions]
    if status == "resolved":
        parts.append(_STATUS_LINE["resolved"])
    else:
        step = steps[0]
        if any(_content(step) == _content(a) for a in actions):
            step = "await the customer's reply."
        else:
            step = _lower_first(step)
        parts.append(f"{_STATUS_LINE[status]} {step}")
    summary = " ".join(p for p in parts if p)
    words = summary.split()
    if len(words) > MAX_SUMMARY_WORDS:
        summary = " ".join(words[: MAX_SUMMARY_WORDS - 1]) + "..."
    return {
        "summary": summary,
        "issue": issue,
        "actions_taken": actions,
        "status": status,
        "next_steps": steps,
        "customer_sentiment": _sentiment(turns),
    }


class TurnLike(Protocol):
    """Anything with a role and a text (a conversation turn of the API, the CLI or an eval case)."""

    @property
    def role(self) -> str: ...

    @property
    def text(self) -> str: ...


def lead_summary(turns: Sequence[TurnLike]) -> str:
    """The trivial baseline a summarizer must beat: the first customer turn and the last agent turn."""
    first = next((t.text for t in turns if t.role == "customer"), "")
    last = next((t.text for t in reversed(turns) if t.role == "agent"), "")
    return " ".join(p for p in (first, last) if p)
