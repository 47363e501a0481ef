"""``copilot eval reply-selection``: predict real agents' next replies from past conversations.

Real customer-care conversations (TweetSumm's format: turns and reference summaries) are split in
two by a stable hash of their id. One part becomes a knowledge base of past resolutions (each a
``## Conversation`` of ``Customer:`` / ``Agent:`` lines and a ``## Resolution`` note: the first
reference summary). In the other part, every customer turn that an agent answered is a case: the
conversation up to that turn is the input, and the agent's actual next turn is the reference.

Three drafters answer every case in one run, scored against the real reply by semantic similarity
(the knowledge base's embedder) and ROUGE-L (stemmed), with bootstrap intervals:

* ``resolution``: the agent suggestion pipeline (:meth:`Copilot.suggest_outcome`), which drafts from
  the agent turn of the most similar past conversation;
* ``article_quote``: the extractive drafter as it treats an article: the best line of the
  best-ranked document, quoted;
* ``template``: one generic reply, the same for every case.

Handles, links and signatures are removed from both the references and the drafts before scoring
(:func:`copilot.pipelines.extractive_summary.clean_text`), so no drafter is scored on them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from copilot.llm.gateway import LLMGateway
from copilot.pipelines.extractive import select_sentences
from copilot.pipelines.extractive_summary import clean_text
from copilot.schemas import ConversationTurn, ReplyInput
from copilot.service import Copilot
from copilot.settings import Settings
from evals.cases import EvalCase, load_cases
from evals.kb import open_kb
from evals.metrics.summary import summary_scores
from evals.stats import bootstrap_statistic
from knowledge_base.query import Turn as KBTurn
from knowledge_base.search import CallerAudience

Role = Literal["customer", "agent"]
DRAFTERS: tuple[str, ...] = ("resolution", "article_quote", "template")
#: The generic reply: what a support team sends when it knows nothing about the case yet.
TEMPLATE_REPLY = (
    "Thanks for getting in touch, and sorry for the trouble. Could you send us a direct message with more "
    "details so we can look into this for you?"
)


@dataclass(frozen=True)
class ReplyCase:
    id: str
    conversation: tuple[tuple[Role, str], ...]
    reference: str


@dataclass
class ReplySelectionRun:
    out_dir: Path
    summary: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)


def _in_kb(case_id: str, kb_share: float) -> bool:
    digest = int(hashlib.sha256(case_id.encode("utf-8")).hexdigest()[:8], 16)
    return digest / 0xFFFFFFFF < kb_share


def _merged(case: EvalCase) -> list[tuple[Role, str]]:
    """Turns with consecutive turns of one role joined (a tweet thread is one message)."""
    turns: list[tuple[Role, str]] = []
    for turn in case.conversation:
        text = turn.text.strip()
        if turns and turns[-1][0] == turn.role:
            turns[-1] = (turn.role, f"{turns[-1][1]} {text}")
        else:
            turns.append((turn.role, text))
    return turns


def resolution_document(case: EvalCase) -> dict[str, Any]:
    """A conversation as a past-resolution document of the knowledge-base JSONL format."""
    lines = [f"{'Customer' if role == 'customer' else 'Agent'}: {clean_text(text)}" for role, text in _merged(case)]
    note = case.reference_summaries[0] if case.reference_summaries else ""
    text = "## Conversation\n\n" + "\n\n".join(lines) + (f"\n\n## Resolution\n\n{note}" if note else "")
    return {"id": case.id, "title": f"Past conversation {case.id[-8:]}", "text": text, "kind": "resolution",
            "audience": "internal", "tags": list(case.tags)}


def reply_cases(case: EvalCase) -> list[ReplyCase]:
    """Every customer turn an agent answered next, with the conversation so far."""
    turns = _merged(case)
    out: list[ReplyCase] = []
    for i in range(len(turns) - 1):
        if turns[i][0] == "customer" and turns[i + 1][0] == "agent":
            reference = clean_text(turns[i + 1][1])
            if len(reference.split()) >= 3:
                out.append(ReplyCase(f"{case.id}#{i + 1}", tuple(turns[: i + 1]), reference))
    return out


def split(cases: Sequence[EvalCase], kb_share: float) -> tuple[list[EvalCase], list[ReplyCase]]:
    """(the conversations of the knowledge base, the reply cases of the others)."""
    if not 0.0 < kb_share < 1.0:
        raise ValueError(f"kb_share must be between 0 and 1, got {kb_share}")
    kb = [c for c in cases if _in_kb(c.id, kb_share)]
    held_out = [r for c in cases if not _in_kb(c.id, kb_share) for r in reply_cases(c)]
    return kb, held_out


def window(cases: Sequence[ReplyCase], *, skip: int = 0, limit: int | None = None) -> list[ReplyCase]:
    """``cases[skip:skip + limit]`` (to the end when ``limit`` is None)."""
    if skip < 0:
        raise ValueError(f"skip must not be negative, got {skip}")
    return list(cases[skip:] if limit is None else cases[skip : skip + limit])


def run_reply_selection(
    cases_file: Path,
    *,
    settings: Settings | None = None,
    kb_share: float = 0.5,
    limit: int | None = None,
    skip: int = 0,
    out: Path | None = None,
    n_resamples: int = 1000,
) -> ReplySelectionRun:
    """Build the knowledge base, draft every held-out case three ways, score and write the run folder.

    The held-out replies drafted are ``[skip:skip + limit]`` of the split's order (all from ``skip`` when
    ``limit`` is None): ``skip`` measures a second sample disjoint from a first ``limit``. The knowledge
    base is the same whatever the window.
    """
    settings = settings or Settings()
    conversations = load_cases(cases_file)
    kb_cases, held_out = split(conversations, kb_share)
    held_out = window(held_out, skip=skip, limit=limit)
    if not kb_cases or not held_out:
        raise ValueError(f"{cases_file}: too few conversations to split ({len(conversations)})")
    source = settings.data_dir / "reply-selection" / f"{cases_file.stem}-{int(kb_share * 100)}.jsonl"
    source.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(json.dumps(resolution_document(c), ensure_ascii=False) + "\n" for c in kb_cases)
    if not source.exists() or source.read_text(encoding="utf-8") != body:
        source.write_text(body, encoding="utf-8")
    kb = open_kb(settings.retrieval_config(), [source])
    try:
        copilot = Copilot.from_settings(settings, kb=kb, gateway=LLMGateway([]))
        records = [_draft(copilot, case) for case in held_out]
        summary = _score(records, kb.embedder.embed, n_resamples=n_resamples)
    finally:
        kb.close()
    summary.update({"cases_file": str(cases_file), "conversations": len(conversations),
                    "kb_conversations": len(kb_cases), "cases": len(records), "skip": skip, "kb_share": kb_share,
                    "embedding_model": settings.embedding_model})
    out_dir = out or Path("runs") / "reply-selection"
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "cases.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return ReplySelectionRun(out_dir, summary, records)


def _draft(copilot: Copilot, case: ReplyCase) -> dict[str, Any]:
    turns = [ConversationTurn(role=role, text=text[:8000]) for role, text in case.conversation]
    outcome = copilot.suggest_outcome(ReplyInput(conversation=turns))
    resolution_text = clean_text(outcome.text)
    retriever = copilot.reply.retriever
    query = [KBTurn(role, text) for role, text in case.conversation]
    hits = retriever.search(query, audience=CallerAudience.AGENT, k=5)
    quote = ""
    if hits:
        document = retriever.document_passages(hits[0].doc_id, audience=CallerAudience.AGENT)
        extracts = select_sentences(case.conversation[-1][1], hits[:1], document=document,
                                    conversation=list(case.conversation), embed=copilot.kb.embedder.embed)
        quote = " ".join(e.sentence for e in extracts)
    return {
        "id": case.id,
        "reference": case.reference,
        "drafts": {"resolution": resolution_text, "article_quote": quote or TEMPLATE_REPLY,
                   "template": TEMPLATE_REPLY},
        "from_resolution": bool(outcome.citations) and outcome.citations[0].doc_id.startswith("tweetsumm"),
    }


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def _score(records: list[dict[str, Any]], embed: Any, *, n_resamples: int) -> dict[str, Any]:
    texts = sorted({t for r in records for t in (r["reference"], *r["drafts"].values())})
    position = {t: i for i, t in enumerate(texts)}
    vectors = np.vstack([np.asarray(embed(texts[i:i + 256]), dtype=np.float64) for i in range(0, len(texts), 256)])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    metrics: dict[str, dict[str, float]] = {}
    for record in records:
        ref = vectors[position[record["reference"]]]
        record["scores"] = {}
        for name, draft in record["drafts"].items():
            rouge = summary_scores(draft, [record["reference"]])["rougeL"]
            record["scores"][name] = {"semantic_similarity": float(vectors[position[draft]] @ ref), "rougeL": rouge}
    for name in DRAFTERS:
        for metric in ("semantic_similarity", "rougeL"):
            values = [r["scores"][name][metric] for r in records]
            mean, low, high = bootstrap_statistic(values, _mean, n_resamples=n_resamples, seed=0)
            metrics[f"{name}.{metric}"] = {"mean": round(mean, 4), "low": round(low, 4), "high": round(high, 4)}
    share = _mean([float(r["from_resolution"]) for r in records])
    return {"task": "reply-selection", "metrics": metrics, "drafted_from_a_past_conversation": round(share, 4)}


def format_table(summary: dict[str, Any]) -> str:
    lines = ["drafter          semantic_similarity        rougeL", "-" * 58]
    for name in DRAFTERS:
        cells = []
        for metric in ("semantic_similarity", "rougeL"):
            m = summary["metrics"][f"{name}.{metric}"]
            cells.append(f"{m['mean']:.3f} [{m['low']:.3f}, {m['high']:.3f}]")
        lines.append(f"{name:<16} {cells[0]:<26} {cells[1]}")
    lines.append(f"{summary['cases']} replies from {summary['conversations'] - summary['kb_conversations']} held-out "
                 f"conversations; knowledge base: {summary['kb_conversations']} conversations")
    return "\n".join(lines)
