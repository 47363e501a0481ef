"""Export sent replies as candidate past resolutions, in the knowledge base's JSONL format.

Each interaction whose newest verdict is ``accepted`` or ``edited`` becomes one line::

    {"id": "fb-<first 12 hex digits of the interaction id>", "title": <the first customer turn, shortened>,
     "text": "## Conversation\\nCustomer: ...\\nAgent: ...\\n\\n## Resolution\\n<the reply that was sent>",
     "kind": "resolution", "audience": "internal", "url": null, "locale": "en-GB",
     "tags": [<tags of the cited documents, when known>], "updated_at": "<date of the verdict>"}

The reply that was sent is the agent's ``edited_text`` for ``edited`` and the draft for ``accepted``
(the first non-blank string in the masked output under one of :data:`DRAFT_KEYS`). Only handover
summaries are left out by default: they are not replies.

The text is the masked text the store holds (it never had raw PII), masked once more on the way out
in case a model invented a number that looks like a card or an account. The file is for a person to
review before ``copilot kb ingest``: it is never ingested automatically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final, TextIO

from copilot.guardrails.pii import PiiVault
from copilot.store.models import Surface
from copilot.store.repository import FeedbackCandidate, Store

__all__ = ["DRAFT_KEYS", "REPLY_SURFACES", "candidate_document", "export_feedback_candidates"]

#: Where the draft reply is looked for in an interaction's ``masked_output``, in this order.
DRAFT_KEYS: Final[tuple[str, ...]] = ("reply", "answer", "draft", "text")
#: The surfaces that produce replies (summaries are not exported).
REPLY_SURFACES: Final[tuple[Surface, ...]] = ("suggestion", "answer")

_TITLE_CHARS: Final = 80
_SPEAKERS: Final[Mapping[str, str]] = {
    "customer": "Customer",
    "user": "Customer",
    "agent": "Agent",
    "assistant": "Agent",
}
_SPACE_RE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def _title(turns: Sequence[Mapping[str, Any]], fallback: str) -> str:
    first = next(
        (_one_line(str(t.get("text", ""))) for t in turns if _SPEAKERS.get(str(t.get("role"))) == "Customer"),
        "",
    )
    if not first:
        return fallback
    if len(first) <= _TITLE_CHARS:
        return first
    cut = first[: _TITLE_CHARS - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def _draft(masked_output: Mapping[str, Any]) -> str | None:
    for key in DRAFT_KEYS:
        value = masked_output.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _tags(citations: Sequence[str], doc_tags: Mapping[str, Sequence[str]] | None) -> list[str]:
    if not doc_tags:
        return []
    seen: dict[str, None] = {}
    for doc_id in citations:
        for tag in doc_tags.get(doc_id, ()):
            seen.setdefault(tag, None)
    return list(seen)


def candidate_document(
    candidate: FeedbackCandidate, *, doc_tags: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any] | None:
    """The knowledge-base document for one candidate, or ``None`` when it has no conversation or reply.

    ``doc_tags`` maps document ids to their tags (e.g. from the knowledge base's loader); the
    document gets the tags of the documents the interaction cited.
    """
    interaction, feedback = candidate.interaction, candidate.feedback
    sent = feedback.edited_text if feedback.verdict == "edited" else _draft(interaction.masked_output)
    lines = [
        f"{_SPEAKERS[str(t.get('role'))]}: {_one_line(str(t.get('text', '')))}"
        for t in interaction.masked_input
        if str(t.get("role")) in _SPEAKERS and _one_line(str(t.get("text", "")))
    ]
    if not sent or not sent.strip() or not lines:
        return None
    short = interaction.id.replace("-", "")[:12]
    vault = PiiVault()  # one vault: the title and the text share placeholder numbers
    title = vault.mask(_title(interaction.masked_input, f"Past conversation {short}"))
    body = vault.mask("## Conversation\n" + "\n".join(lines) + "\n\n## Resolution\n" + sent.strip())
    return {
        "id": f"fb-{short}",
        "title": title,
        "text": body,
        "kind": "resolution",
        "audience": "internal",
        "url": None,
        "locale": "en-GB",
        "tags": _tags(interaction.citations, doc_tags),
        "updated_at": feedback.created_at.date().isoformat(),
    }


def export_feedback_candidates(
    store: Store,
    out: TextIO,
    *,
    doc_tags: Mapping[str, Sequence[str]] | None = None,
    surfaces: Collection[Surface] = REPLY_SURFACES,
) -> int:
    """Write sent replies as candidate resolutions (JSONL, newest first) to ``out``; return how many.

    Candidates without a conversation or a reply to show are skipped. Ids are unique within one
    export (the full interaction id is used if two short ids collide).

    Raises:
        StoreError: the database failed part-way; the lines already written are complete.
    """
    written = 0
    used: set[str] = set()
    for candidate in store.iter_feedback_candidates(surfaces=surfaces):
        document = candidate_document(candidate, doc_tags=doc_tags)
        if document is None:
            continue
        if document["id"] in used:
            document["id"] = "fb-" + candidate.interaction.id.replace("-", "")
        used.add(document["id"])
        out.write(json.dumps(document, ensure_ascii=False) + "\n")
        written += 1
    return written
