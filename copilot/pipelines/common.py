"""Pieces the pipelines share: rendering untrusted text as delimited data, parsing and repairing
structured model output, and pulling the draft text out of a streamed JSON reply."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from copilot.guardrails import injection
from copilot.schemas import ConversationTurn
from knowledge_base.search import SearchHit

ModelT = TypeVar("ModelT", bound=BaseModel)

#: Every tag our prompts use to delimit data; untrusted text can neither open nor close them.
PROMPT_TAGS = ("conversation", "turn", "sources", "document", "customer_context", "customer_message")


def neutralise_delimiters(text: str) -> str:
    return injection.neutralise_delimiters(text, PROMPT_TAGS)


def _attr(value: str) -> str:
    return neutralise_delimiters(value).replace('"', "'").replace("\n", " ")


def word_chunks(text: str) -> Iterator[str]:
    """A finished text as stream deltas, word by word; joined, they give the text back exactly."""
    words = text.split(" ")
    for i, word in enumerate(words):
        yield word if i == len(words) - 1 else f"{word} "


def render_conversation(turns: Sequence[ConversationTurn]) -> str:
    """Turns as ``<turn role="...">`` lines; the text cannot close or open our delimiters."""
    return "\n".join(f'<turn role="{t.role}">{neutralise_delimiters(t.text)}</turn>' for t in turns)


def render_sources(hits: Sequence[SearchHit], *, max_chars_per_doc: int = 1800) -> str:
    """Each retrieved document as a ``<document>`` element with its best passages."""
    if not hits:
        return "(no sources found)"
    blocks = []
    for hit in hits:
        text = "\n...\n".join(p.text for p in hit.passages)[:max_chars_per_doc]
        blocks.append(
            f'<document id="{_attr(hit.doc_id)}" title="{_attr(hit.title)}" audience="{hit.audience.value}" '
            f'kind="{hit.kind.value}">\n{neutralise_delimiters(text)}\n</document>'
        )
    return "\n".join(blocks)


def render_context(context: dict[str, str] | None) -> str:
    if not context:
        return "(none)"
    return "\n".join(f"{_attr(k)}: {neutralise_delimiters(v)}" for k, v in sorted(context.items()))


def parse_model(text: str, model: type[ModelT]) -> tuple[ModelT | None, str | None]:
    """(value, None) when ``text`` holds a JSON object valid for ``model``, else (None, the problem)."""
    from copilot.llm.base import extract_json

    try:
        raw = extract_json(text)
    except ValueError as exc:
        return None, f"not valid JSON: {exc}"
    try:
        return model.model_validate(raw), None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'object'}: {e['msg']}" for e in exc.errors()[:5]
        )
        return None, f"does not match the schema: {problems}"


class DraftStreamExtractor:
    """Follows a JSON reply as it streams and yields the characters of one string field.

    The model writes ``{"draft": "Hello, ...", ...}``; a person should watch the draft, not the JSON.
    Feed each delta to :meth:`feed`; it returns the newly decoded text of ``field`` (escapes handled).
    """

    def __init__(self, field: str) -> None:
        self._key = f'"{field}"'
        self._buffer = ""
        self._start: int | None = None
        self._pos = 0
        self._done = False

    def feed(self, delta: str) -> str:
        self._buffer += delta
        if self._done:
            return ""
        if self._start is None:
            at = self._buffer.find(self._key)
            if at < 0:
                return ""
            rest = self._buffer[at + len(self._key) :]
            stripped = rest.lstrip()
            if not stripped.startswith(":"):
                return ""
            after = stripped[1:].lstrip()
            if not after:
                return ""
            if not after.startswith('"'):
                self._done = True
                return ""
            self._start = len(self._buffer) - len(after) + 1
            self._pos = self._start
        out = []
        i = self._pos
        while i < len(self._buffer):
            ch = self._buffer[i]
            if ch == "\\":
                if i + 1 >= len(self._buffer):
                    break
                nxt = self._buffer[i + 1]
                if nxt == "u":
                    if i + 6 > len(self._buffer):
                        break
                    with contextlib.suppress(ValueError):
                        out.append(json.loads(f'"{self._buffer[i:i + 6]}"'))
                    i += 6
                    continue
                out.append({"n": "\n", "t": "\t", "r": "", "b": "", "f": ""}.get(nxt, nxt))
                i += 2
                continue
            if ch == '"':
                self._done = True
                i += 1
                break
            out.append(ch)
            i += 1
        self._pos = i
        return "".join(out)


class PlaceholderSafeRestorer:
    """Restores PII placeholders in streamed text without splitting one across two deltas."""

    def __init__(self, restore: Any) -> None:
        self._restore = restore
        self._held = ""

    def feed(self, delta: str) -> str:
        text = self._held + delta
        cut = text.rfind("[")
        if cut >= 0 and "]" not in text[cut:] and len(text) - cut <= 24:
            self._held, text = text[cut:], text[:cut]
        else:
            self._held = ""
        return str(self._restore(text)) if text else ""

    def flush(self) -> str:
        text, self._held = self._held, ""
        return str(self._restore(text)) if text else ""
