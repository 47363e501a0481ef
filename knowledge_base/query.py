"""Turning a conversation into a search query.

A support conversation drifts: the customer states the topic early ("my card hasn't arrived") and
then answers questions ("ten days ago"). The last customer turn alone loses the topic; the whole
conversation joined drowns the latest need. The plan below keeps both:

- dense: one embedding of the latest customer turn (with the agent turn it answers), and one of the
  conversation with the customer's turns first (where the topic lives), fused by weighted RRF;
- sparse: every turn's terms, weighted by who said it and how recently.

The weights were chosen by measurement on doc2dial's dev conversations (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal["customer", "agent"]


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: Role
    text: str


@dataclass(frozen=True)
class QueryTuning:
    """The knobs of :func:`plan_query`, with the measured defaults."""

    last_turn_weight: float = 0.2
    conversation_weight: float = 1.0
    sparse_weight: float = 1.5
    customer_decay: float = 1.0
    agent_weight: float = 1.0
    first_turn_floor: float = 1.0
    max_conversation_chars: int = 2000
    #: Prefix the latest customer turn with the agent turn it answers. On by default: the latest-turn
    #: list also gives hits their absolute similarity (``SearchHit.similarity``), on which the answer
    #: pipeline decides whether the knowledge base covers the question, and a bare "two weeks ago"
    #: matches nothing. (Off, the query is the text the curated-answer check has already embedded,
    #: one model call less, and doc2dial's MRR moves by +0.002, but handoff precision on the golden
    #: set collapses.)
    latest_with_agent_turn: bool = True


@dataclass(frozen=True)
class QueryPlan:
    """What to embed (with each text's fusion weight) and which weighted texts feed the sparse query."""

    dense: list[tuple[str, float]]
    sparse: list[tuple[str, float]]
    sparse_weight: float

    @property
    def display(self) -> str:
        return self.dense[0][0] if self.dense else ""


def as_turns(query: str | Sequence[Turn]) -> list[Turn]:
    if isinstance(query, str):
        return [Turn("customer", query)] if query.strip() else []
    return [t for t in query if t.text and t.text.strip()]


def plan_query(query: str | Sequence[Turn], tuning: QueryTuning | None = None) -> QueryPlan:
    """The query plan for a bare question or a conversation (turns in order, oldest first)."""
    tuning = tuning or QueryTuning()
    turns = as_turns(query)
    if not turns:
        raise ValueError("the query is empty")
    customer_idx = [i for i, t in enumerate(turns) if t.role == "customer"]
    last_idx = customer_idx[-1] if customer_idx else len(turns) - 1
    last = turns[last_idx].text.strip()
    previous_agent = next(
        (turns[i].text.strip() for i in range(last_idx - 1, -1, -1) if turns[i].role == "agent"), ""
    )

    dense: list[tuple[str, float]] = []
    if len(turns) > 1:
        latest = f"{previous_agent}\n{last}" if previous_agent and tuning.latest_with_agent_turn else last
        dense.append((latest, tuning.last_turn_weight))
        joined = "\n".join(t.text.strip() for t in turns)[: tuning.max_conversation_chars]
        dense.append((joined, tuning.conversation_weight))
    else:
        dense.append((last, tuning.last_turn_weight + tuning.conversation_weight))

    sparse: list[tuple[str, float]] = []
    n_customer = len(customer_idx)
    for position, i in enumerate(customer_idx):
        age = n_customer - 1 - position
        weight = tuning.customer_decay**age
        if position == 0:
            weight = max(weight, tuning.first_turn_floor)
        sparse.append((turns[i].text, weight))
    for i, t in enumerate(turns):
        if t.role == "agent":
            recency = 1.0 if i == last_idx - 1 else tuning.customer_decay
            sparse.append((t.text, tuning.agent_weight * recency))
    return QueryPlan(dense=dense, sparse=sparse, sparse_weight=tuning.sparse_weight)
