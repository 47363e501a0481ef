"""What triage reads: the conversation's texts, embedded by the retriever's own model, as one feature row.

Triage adds no encoder pass of its own. The texts it embeds are the ones the request embeds anyway:
the latest customer message (the curated-answer check's text) and the search's dense query texts
(:func:`knowledge_base.query.plan_query`: the latest turn with the agent turn it answers, and the whole
conversation). With the caching embedder, one model call embeds all three and the search that follows
reads them from memory.

The feature row is ``[latest message, latest exchange, conversation]``: a risk said two turns ago lives in
the third block, the request ("agent please") in the first. The risk, request and answerability heads also
read the customer's own words as hashed word uni- and bigrams (no vocabulary to ship, nothing to fit):
"seller blocked me" or "did NOT share" are words an embedding of the whole message can blur.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import HashingVectorizer

from knowledge_base.query import QueryTuning, Turn, plan_query

Array = npt.NDArray[np.float32]
EmbedFn = Callable[[Sequence[str]], Array]

BLOCKS = ("last", "latest", "conversation")
LEXICAL_FEATURES = 2**14
#: The lexical block's scale next to the unit-length embedding blocks (chosen on out-of-fold scores).
LEXICAL_WEIGHT = 2.0
_HASHER = HashingVectorizer(n_features=LEXICAL_FEATURES, ngram_range=(1, 2), binary=True, alternate_sign=False,
                            norm="l2", lowercase=True)


@dataclass(frozen=True)
class TriageTexts:
    """The three texts a feature row is made of (equal for a single message)."""

    last: str
    latest: str
    conversation: str
    #: Every customer turn, joined: what the lexical block reads.
    customer: str = ""

    @property
    def unique(self) -> list[str]:
        return list(dict.fromkeys((self.last, self.latest, self.conversation)))


def texts_of(turns: Sequence[Turn], tuning: QueryTuning | None = None) -> TriageTexts:
    """The texts of a conversation (oldest turn first, PII already masked), exactly as the search embeds
    them, so one embedding serves both."""
    cleaned = [t for t in turns if t.text.strip()]
    customer = [t for t in cleaned if t.role == "customer"]
    if not customer:
        raise ValueError("a conversation needs at least one customer turn with text")
    plan = plan_query(cleaned, tuning)
    last = customer[-1].text.strip()
    said = "\n".join(t.text.strip() for t in customer)
    if len(plan.dense) == 1:
        return TriageTexts(last, last, last, said)
    return TriageTexts(last, plan.dense[0][0], plan.dense[1][0], said)


def block(rows: Array, name: str, dim: int) -> Array:
    """One embedding block (``"last"``, ``"latest"`` or ``"conversation"``) of feature rows."""
    i = BLOCKS.index(name)
    return np.asarray(rows[:, i * dim : (i + 1) * dim], dtype=np.float32)


def feature_row(texts: TriageTexts, embed: EmbedFn) -> Array:
    """One ``(1, 3 * dim)`` row, from one embedding call."""
    unique = texts.unique
    vectors = embed(unique)
    index = {t: i for i, t in enumerate(unique)}
    parts = [vectors[index[t]] for t in (texts.last, texts.latest, texts.conversation)]
    return np.concatenate(parts).astype(np.float32)[None, :]


def feature_rows(items: Sequence[TriageTexts], embed: EmbedFn, *, batch: int = 256) -> Array:
    """Feature rows for many conversations, embedding each distinct text once (training and evaluation)."""
    distinct = list(dict.fromkeys(t for item in items for t in item.unique))
    vectors: list[Array] = []
    for start in range(0, len(distinct), batch):
        vectors.append(np.asarray(embed(distinct[start : start + batch]), dtype=np.float32))
    matrix = np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
    index = {t: i for i, t in enumerate(distinct)}
    return np.stack([
        np.concatenate([matrix[index[item.last]], matrix[index[item.latest]], matrix[index[item.conversation]]])
        for item in items
    ]).astype(np.float32)


def evidence_features(similarities: Sequence[float]) -> Array:
    """What retrieval says about coverage: the best two similarities and the gap between them."""
    ranked = [*sorted((float(s) for s in similarities), reverse=True), 0.0, 0.0]
    top, second = ranked[0], ranked[1]
    return np.asarray([[top, second, top - second]], dtype=np.float32)


def lexical_rows(items: Sequence[TriageTexts]) -> csr_matrix:
    """The hashed word n-grams of each conversation's customer turns, scaled: ``(rows, LEXICAL_FEATURES)``."""
    return csr_matrix(_HASHER.transform([item.customer for item in items]) * LEXICAL_WEIGHT, dtype=np.float32)
