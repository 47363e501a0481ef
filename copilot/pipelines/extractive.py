"""The extractive drafter: grounded drafts without an LLM.

It reads the best-ranked document as a whole (every passage of it the caller may see, when the
retriever can return them; otherwise the passages the search returned) as a list of lines: section
headings, sentences and list items, in page order. A small linear ranker scores every line; the
drafter quotes the best one, continues with the lines that follow it while the body is shorter than
``min_words``, and adds the next best line when it scores almost as well; the pipelines send the
quote without a templated opening or closing. Every sentence of the body is quoted from a cited
source, so the draft is grounded by construction. It is the embedded default when no model is configured, and the last
resort when every model fails.

The ranker's features (:data:`FEATURES`) are about the customer's latest message (how well a line, the
heading or question just above it, or its section's heading matches it in meaning and words), the
conversation (does the line follow the one closest to what the agent said last; is this the first
reply of the chat), and the line itself (short, a question, no full stop, inside the passages the
search ranked best). Its weights were fitted on the even half of doc2dial's dev dialogues by
maximising the expected token F1 of the chosen line, and checked on the other half (docs/evals.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copilot.guardrails.grounding import EmbedFn, split_sentences
from knowledge_base.search import Passage, SearchHit
from knowledge_base.sparse import tokenize

_MARKDOWN = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*]\s+|^\s*\d+\.\s+)", re.MULTILINE)
_CONVERSATION_LINE = re.compile(r"^(customer|agent)\s*:", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*([-*]|\d+\.)\s+")


#: A sentence needs this many words to be quoted (shorter lines are headings and fragments) ...
MIN_SENTENCE_WORDS = 4
#: ... and at most this many (longer ones are run-on text, tables or lists flattened into one line).
MAX_SENTENCE_WORDS = 60

#: The ranker's features, in the order of :data:`RANKER_WEIGHTS`.
FEATURES: tuple[str, ...] = (
    "query_words",  # share of the message's content words in the sentence
    "after_match",  # match of the heading or question just before the sentence, minus the best match
    "best_match",  # the sentence matches the message best (meaning and words together)
    "best_words",  # the sentence shares the most of the message's content words
    "in_best_passage",  # the sentence is in the passage the search ranked first
    "in_top_passages",  # ... or in one of the passages the search returned
    "follows_agent",  # the sentence comes right after the one closest to the agent's last turn
    "page_start",  # no agent turn yet, and the sentence is one of the first four lines
    "short",  # fewer than eight words
    "question",  # ends with a question mark (an FAQ heading rather than its answer)
    "no_full_stop",  # does not end in . ! or ? (a heading or list fragment)
    "section_match",  # match of the nearest heading above the sentence, minus the best match
)

#: Fitted weights (see the module docstring); the scale is arbitrary, only the order of scores counts.
RANKER_WEIGHTS: tuple[float, ...] = (2.85, 10.00, 5.84, 2.89, 1.11, 1.38, 3.65, 5.52, -1.47, -3.61, -1.41, 8.81)

#: A question that asks for a duration or an amount is answered by a line that states one: "how long does
#: a new card take?" wants "3 to 5 working days", not the line about which days are working days. The
#: bonus is added to the fitted ranker's score (on its scale the strongest features weigh 6 to 10).
ANSWER_TYPE_WEIGHT = 3.0

_ASKS_DURATION = re.compile(
    r"\b(how long|how many (days|weeks|hours|minutes)|how (quickly|soon|fast)|when (will|does|do|can|should|is)|"
    r"what time|by when|until when|take to (arrive|come|clear|reach))\b",
    re.IGNORECASE,
)
_ASKS_AMOUNT = re.compile(
    r"\b(how much|what (is|are|'s) the (fee|charge|cost|rate|limit|price)s?|fees?|charges?|costs?|price|"
    r"limits?|interest|rate|is it free|do you charge|pay for)\b",
    re.IGNORECASE,
)
_STATES_DURATION = re.compile(
    r"\b(\d+(\s*(-|to|and)\s*\d+)?\s*(working |business |calendar )?(days?|hours?|weeks?|months?|minutes?|years?)|"
    r"same day|next (working )?day|instantly|immediately|straight away|right away|overnight|within \w+)\b",
    re.IGNORECASE,
)
_STATES_AMOUNT = re.compile(r"([£$€]\s?\d|\b\d+(\.\d+)?\s?%|\bfree\b|\bno (fee|charge|cost)\b|\bcharge\b)",
                            re.IGNORECASE)


def answer_type_match(query: str, sentences: Sequence[Sentence]) -> npt.NDArray[np.float64]:
    """1 for the sentences that state what the question asks for (a duration, an amount), else 0."""
    wanted = [pattern for asks, pattern in ((_ASKS_DURATION, _STATES_DURATION), (_ASKS_AMOUNT, _STATES_AMOUNT))
              if asks.search(query)]
    if not wanted:
        return np.zeros(len(sentences))
    return np.array([float(any(p.search(s.text) for p in wanted)) for s in sentences], dtype=np.float64)


#: How meaning and words mix in a sentence's match with the message.
SEMANTIC_WEIGHT = 0.6
LEXICAL_WEIGHT = 0.4


@dataclass(frozen=True)
class Extract:
    doc_id: str
    sentence: str
    score: float
    doc_rank: int
    position: int


@dataclass(frozen=True)
class Sentence:
    """One sentence or line of a document, as the ranker reads it."""

    text: str
    chunk_index: int
    words: int
    #: A section heading (from the passage's heading, not its text): read by the ranker, never quoted.
    heading: bool = False
    #: Part of a bulleted or numbered list item.
    list_item: bool = False

    @property
    def quotable(self) -> bool:
        return not self.heading and MIN_SENTENCE_WORDS <= self.words <= MAX_SENTENCE_WORDS

    @property
    def heading_like(self) -> bool:
        """A heading, a question, a lead-in ("... one of these:") or a short line: what the next line answers."""
        if self.heading:
            return True
        if self.list_item:
            return self.text.endswith(("?", ":"))
        return not self.text.endswith((".", "!")) or self.words < MIN_SENTENCE_WORDS

    @property
    def continues(self) -> bool:
        """Can follow a quoted sentence: a sentence, a lead-in or a list item, not a heading or a question."""
        if self.heading or self.text.endswith("?") or self.words > MAX_SENTENCE_WORDS:
            return False
        return self.list_item or self.text.endswith((".", "!", ":"))


def _clean(text: str) -> str:
    text = _MARKDOWN.sub("", text)
    return " ".join(text.split())


def page_sentences(passages: Sequence[Passage]) -> list[Sentence]:
    """The sentences and lines of ``passages`` in document order, each once (chunks overlap).

    A section's heading comes first, as a line of its own, as it reads on the page.
    """
    out: list[Sentence] = []
    seen: set[str] = set()
    section = ""
    for passage in sorted(passages, key=lambda p: p.chunk_index):
        heading = _clean(passage.heading)
        if heading and heading != section:
            out.append(Sentence(heading, passage.chunk_index, len(heading.split()), heading=True))
        section = heading
        for line in passage.text.splitlines():
            item = bool(_LIST_ITEM.match(line))
            # Markdown first, so that "1. Go to Payments." is one line, not "1." and the rest.
            for raw in split_sentences(_MARKDOWN.sub("", line)):
                if _CONVERSATION_LINE.match(raw):
                    continue  # quoted chat lines of a past resolution are not help text
                sentence = _clean(raw)
                if not sentence or sentence in seen:
                    continue
                seen.add(sentence)
                out.append(Sentence(sentence, passage.chunk_index, len(sentence.split()), list_item=item))
    return out


def _word_overlap(terms: set[str], sentences: Sequence[set[str]]) -> npt.NDArray[np.float64]:
    return np.array([len(terms & s) / (len(terms) or 1) for s in sentences], dtype=np.float64)


def _best(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """1 for the sentences with the highest value, unless every sentence has it (then it tells nothing)."""
    top = float(values.max())
    flags: npt.NDArray[np.float64] = ((values >= top) & (top > float(values.min()))).astype(np.float64)
    return flags


def sentence_features(
    query: str,
    sentences: Sequence[Sentence],
    *,
    top_chunks: Sequence[int],
    conversation: Sequence[tuple[str, str]] = (),
    embed: EmbedFn | None = None,
) -> npt.NDArray[np.float64]:
    """One row of :data:`FEATURES` per sentence.

    ``top_chunks`` are the chunk indexes of the passages the search returned, best first;
    ``conversation`` is the chat as (role, text) pairs, the latest customer message included.
    """
    n = len(sentences)
    terms = [set(tokenize(s.text)) for s in sentences]
    last_agent = next((text for role, text in reversed(conversation) if role == "agent"), None)
    lexical = _word_overlap(set(tokenize(query)), terms)
    semantic = np.zeros(n)
    agent_semantic = np.zeros(n)
    if embed is not None:
        heads = [query] if last_agent is None else [query, last_agent]
        vectors = np.asarray(embed([*heads, *[s.text for s in sentences]]), dtype=np.float64)
        body = vectors[len(heads) :]
        semantic = body @ vectors[0]
        if last_agent is not None:
            agent_semantic = body @ vectors[1]
    match = SEMANTIC_WEIGHT * semantic + LEXICAL_WEIGHT * lexical
    # A heading or a question that matches the message is answered by the line under it.
    heading = np.array([s.heading_like for s in sentences])
    before = np.r_[0.0, np.where(heading[:-1], match[:-1], 0.0)]
    section = np.zeros(n)
    current = 0.0
    for i in range(n):
        section[i] = current
        if heading[i]:
            current = match[i]
    index = np.arange(n)
    follows_agent = np.zeros(n)
    if last_agent is not None:
        anchor = int(np.argmax(agent_semantic + _word_overlap(set(tokenize(last_agent)), terms)))
        follows_agent = (index == anchor + 1).astype(np.float64)
    page_start = (index <= 3).astype(np.float64) if last_agent is None else np.zeros(n)
    best = top_chunks[0] if top_chunks else None
    columns = [
        lexical,
        before - match.max(),
        _best(match),
        _best(lexical),
        np.array([s.chunk_index == best for s in sentences], dtype=np.float64),
        np.array([s.chunk_index in top_chunks for s in sentences], dtype=np.float64),
        follows_agent,
        page_start,
        np.array([s.words < 8 for s in sentences], dtype=np.float64),
        np.array([s.text.endswith("?") for s in sentences], dtype=np.float64),
        np.array([not s.text.endswith((".", "!", "?")) for s in sentences], dtype=np.float64),
        section - match.max(),
    ]
    return np.stack(columns, axis=1)


def select_sentences(
    query: str,
    hits: Sequence[SearchHit],
    *,
    document: Sequence[Passage] | None = None,
    conversation: Sequence[tuple[str, str]] = (),
    embed: EmbedFn | None = None,
    min_words: int = 24,
    max_words: int = 50,
    second_margin: float | None = 1.0,
) -> list[Extract]:
    """The best sentence for ``query`` from the best document, and the ones after it, in source order.

    ``document`` is every passage of ``hits[0]`` (from :meth:`Retriever.document_passages`); without
    it only the passages the search returned are read. The lines after the best one are added while
    the body has fewer than ``min_words`` words and stays within ``max_words``, up to the next heading
    or question: grounding spans are most often one sentence, or two short ones. Then the best other
    line whose score is within ``second_margin`` of the best is added if it fits (None: never).
    """
    if not hits:
        return []
    hit = hits[0]
    passages = document if document else hit.passages
    sentences = page_sentences(passages)
    quotable = np.array([s.quotable for s in sentences], dtype=bool)
    if not quotable.any():
        return []
    features = sentence_features(
        query,
        sentences,
        top_chunks=[p.chunk_index for p in hit.passages],
        conversation=conversation,
        embed=embed,
    )
    scores = features @ np.asarray(RANKER_WEIGHTS, dtype=np.float64)
    scores = scores + ANSWER_TYPE_WEIGHT * answer_type_match(query, sentences)
    scores = np.where(quotable, scores, -np.inf)
    first = int(np.argmax(scores))
    chosen = [first]
    words = sentences[first].words
    following = first + 1
    while (
        words < min_words
        and following < len(sentences)
        and sentences[following].continues
        and words + sentences[following].words <= max_words
    ):
        chosen.append(following)
        words += sentences[following].words
        following += 1
    if second_margin is not None:
        for candidate in np.argsort(-scores):
            i = int(candidate)
            if i in chosen:
                continue
            if not np.isfinite(scores[i]) or scores[i] < scores[first] - second_margin:
                break
            if words + sentences[i].words <= max_words:
                chosen.append(i)
                words += sentences[i].words
                break
    chosen.sort()
    return [Extract(hit.doc_id, sentences[i].text, float(scores[i]), 0, i) for i in chosen]


def compose(extracts: Sequence[Extract], *, opening: str, closing: str) -> str:
    body = " ".join(e.sentence for e in extracts)
    return " ".join(part for part in (opening, body, closing) if part)
