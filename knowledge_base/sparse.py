"""Sparse BM25-style vectors for Qdrant's ``IDF`` modifier.

Documents carry the BM25 term-frequency part (saturated by ``k1``, normalised by length with ``b``);
Qdrant multiplies in the inverse document frequency at query time. Queries carry a weight per term,
so that a conversation can weigh recent customer turns more than old ones.
Terms map to ids with a stable hash, so no vocabulary has to be stored or kept in step.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Function words that carry no topic. Negations ("not", "no") stay: "not arrived" matters.
STOPWORDS = frozenset(
    [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
        "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
        "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
        "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "of", "off",
        "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she",
        "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
        "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very",
        "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "yours", "yourself", "yourselves", "hi", "hello", "hey", "thanks", "thank",
        "please", "ok", "okay", "yes", "yeah", "also", "get", "got", "im", "i'm", "i've", "it's", "can't",
        "don't",
    ]
)


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-folded, stemmed words without stop words."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    out = []
    for word in _WORD.findall(folded):
        if word in STOPWORDS:
            continue
        word = word[:-2] if word.endswith("'s") else word.replace("'", "")
        if len(word) > 1 and word not in STOPWORDS:
            out.append(_stem(word))
    return out


@functools.lru_cache(maxsize=65536)
def term_id(term: str) -> int:
    """A stable 31-bit id for a term."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little") & 0x7FFFFFFF


@dataclass(frozen=True)
class BM25Encoder:
    """Encodes passages and queries; ``avg_len`` is the typical passage length in terms."""

    k1: float = 1.2
    b: float = 0.75
    avg_len: float = 90.0

    def encode_document(self, text: str) -> SparseVector:
        terms = tokenize(text)
        counts = Counter(terms)
        norm = self.k1 * (1 - self.b + self.b * len(terms) / self.avg_len)
        weights: dict[int, float] = {}
        for term, tf in counts.items():
            tid = term_id(term)
            weights[tid] = weights.get(tid, 0.0) + tf * (self.k1 + 1) / (tf + norm)
        return _to_vector(weights)

    def encode_query(self, weighted_texts: Iterable[tuple[str, float]]) -> SparseVector:
        """Each term gets the largest weight of the texts it appears in."""
        weights: dict[int, float] = {}
        for text, weight in weighted_texts:
            if weight <= 0:
                continue
            for term in set(tokenize(text)):
                tid = term_id(term)
                weights[tid] = max(weights.get(tid, 0.0), weight)
        return _to_vector(weights)


def _to_vector(weights: dict[int, float]) -> SparseVector:
    items = sorted(weights.items())
    return SparseVector([i for i, _ in items], [round(v, 6) for _, v in items])
