"""The extractive drafter: grounded drafts without an LLM.

It picks the sentences of the retrieved passages that best match the customer's latest message
(content-word overlap, plus meaning when an embedder is given), keeps them in the order they appear
in the source, and wraps them in a short templated opening and closing. Every sentence of the body
is quoted from a cited source, so the draft is grounded by construction. It is the embedded default
when no model is configured, and the last resort when every model fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from copilot.guardrails.grounding import EmbedFn, split_sentences
from knowledge_base.search import SearchHit
from knowledge_base.sparse import tokenize

_MARKDOWN = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*]\s+|^\s*\d+\.\s+)", re.MULTILINE)
_CONVERSATION_LINE = re.compile(r"^(customer|agent)\s*:", re.IGNORECASE)

AGENT_OPENING = "Thanks for your patience."
AGENT_CLOSING = "Anything else I can help with?"
CUSTOMER_OPENING = "Here's what our help centre says."
CUSTOMER_CLOSING = "If this doesn't solve it, you can chat with our team in the app (Help > Chat with us)."


@dataclass(frozen=True)
class Extract:
    doc_id: str
    sentence: str
    score: float
    doc_rank: int
    position: int


def _clean(text: str) -> str:
    text = _MARKDOWN.sub("", text)
    return " ".join(text.split())


def _candidates(hits: Sequence[SearchHit], max_docs: int) -> list[tuple[str, str, int, int, bool]]:
    out: list[tuple[str, str, int, int, bool]] = []
    seen: set[str] = set()
    for rank, hit in enumerate(hits[:max_docs]):
        position = 0
        best_chunk = hit.passages[0].chunk_index if hit.passages else -1
        for passage in sorted(hit.passages, key=lambda p: p.chunk_index):
            for raw in split_sentences(passage.text):
                if _CONVERSATION_LINE.match(raw):
                    continue  # quoted chat lines of a past resolution are not help text
                sentence = _clean(raw)
                words = sentence.split()
                if len(words) < 4 or len(words) > 60 or sentence in seen:
                    continue
                seen.add(sentence)
                in_best = passage.chunk_index == best_chunk
                out.append((hit.doc_id, sentence, rank, passage.chunk_index * 1000 + position, in_best))
                position += 1
    return out


def select_sentences(
    query: str,
    hits: Sequence[SearchHit],
    *,
    embed: EmbedFn | None = None,
    max_sentences: int = 2,
    max_words: int = 50,
    max_docs: int = 1,
    semantic_weight: float = 0.6,
    lexical_weight: float = 0.4,
    best_passage_prior: float = 0.1,
) -> list[Extract]:
    """The best sentences for ``query`` from the top documents, in source order.

    The defaults (two sentences, at most 50 words, from the best document, with a bonus for its
    best-matching passage) scored best on doc2dial's grounding spans (docs/evals.md).
    """
    candidates = _candidates(hits, max_docs)
    if not candidates:
        return []
    query_terms = set(tokenize(query))
    lexical = np.array(
        [len(query_terms & set(tokenize(c[1]))) / (len(query_terms) or 1) for c in candidates], dtype=np.float32
    )
    semantic = np.zeros(len(candidates), dtype=np.float32)
    if embed is not None:
        vectors = embed([query, *[c[1] for c in candidates]])
        semantic = vectors[1:] @ vectors[0]
    rank_prior = np.array([0.08 if c[2] == 0 else 0.0 for c in candidates], dtype=np.float32)
    passage_prior = np.array([best_passage_prior if c[4] else 0.0 for c in candidates], dtype=np.float32)
    scores = semantic_weight * semantic + lexical_weight * lexical + rank_prior + passage_prior
    order = np.argsort(-scores)
    chosen: list[Extract] = []
    words = 0
    for i in order:
        doc_id, sentence, rank, position, _ = candidates[int(i)]
        n = len(sentence.split())
        if chosen and words + n > max_words:
            continue
        chosen.append(Extract(doc_id, sentence, float(scores[int(i)]), rank, position))
        words += n
        if len(chosen) >= max_sentences or words >= max_words:
            break
    chosen.sort(key=lambda e: (e.doc_rank, e.position))
    return chosen


def compose(extracts: Sequence[Extract], *, opening: str, closing: str) -> str:
    body = " ".join(e.sentence for e in extracts)
    return " ".join(part for part in (opening, body, closing) if part)
