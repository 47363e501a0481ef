"""``copilot triage eval``: how well the intent head does on a labelled file, trained on another one.

A throwaway intent head is trained on ``--train`` exactly as the packaged model's is (same features,
same solver), kept under ``<data_dir>/triage-eval/<hash>.npz`` keyed by the training file's content, the
embedding model and the training settings, then scored on the cases. Latency is per message, timed one
message at a time with the embedding included (no cache), as a request pays it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from copilot.triage.data import Example, load_examples
from copilot.triage.features import EmbedFn, feature_row, feature_rows, texts_of
from copilot.triage.heads import LinearHead
from copilot.triage.training import TrainConfig

CACHE_FORMAT = "intent-eval/1"


@dataclass(frozen=True)
class IntentEval:
    accuracy: float
    macro_f1: float
    latency_ms_p50: float
    latency_ms_p95: float
    cases: int
    cached: bool

    def as_dict(self) -> dict[str, float | int]:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1, "latency_ms_p50": self.latency_ms_p50,
                "latency_ms_p95": self.latency_ms_p95, "cases": self.cases}


def _fit(examples: Sequence[Example], embed: EmbedFn, c: float, seed: int) -> LinearHead:
    x = feature_rows([texts_of(e.turns) for e in examples], embed)
    labels = sorted({e.intent or "" for e in examples})
    index = {label: i for i, label in enumerate(labels)}
    y = np.asarray([index[e.intent or ""] for e in examples])
    model = LogisticRegression(C=c, max_iter=3000, random_state=seed).fit(x, y)
    weight = np.zeros((x.shape[1], len(labels)), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    if len(labels) == 2:
        weight[:, 1], bias[1] = model.coef_[0], model.intercept_[0]
    else:
        weight[:, model.classes_], bias[model.classes_] = model.coef_.T, model.intercept_
    return LinearHead("intent", "softmax", tuple(labels), weight, bias)


def _load(path: Path) -> LinearHead | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(str(x) for x in data["labels"])
            return LinearHead("intent", "softmax", labels, data["weight"], data["bias"])
    except (OSError, ValueError, KeyError):
        return None


def intent_head(train: Path, embed: EmbedFn, *, embedding_model: str, cache_dir: Path,
                config: TrainConfig | None = None) -> tuple[LinearHead, bool]:
    """The intent head trained on ``train``, from the cache when the same one was trained before."""
    config = config or TrainConfig()
    key = hashlib.sha256(
        f"{CACHE_FORMAT}\x00{embedding_model}\x00{config.c_intent}\x00{config.seed}\x00".encode() + train.read_bytes()
    ).hexdigest()[:24]
    path = cache_dir / f"{key}.npz"
    head = _load(path) if path.is_file() else None
    if head is not None:
        return head, True
    examples = [e for e in load_examples(train, full=False) if e.intent]
    if not examples:
        raise ValueError(f"{train} has no examples with an intent label")
    head = _fit(examples, embed, config.c_intent, config.seed)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, labels=np.asarray(head.labels), weight=head.weight, bias=head.bias)
    tmp.replace(path)
    return head, False


def evaluate_intents(head: LinearHead, cases: Path, embed: EmbedFn, *, cached: bool) -> IntentEval:
    examples = [e for e in load_examples(cases, full=False) if e.intent]
    if not examples:
        raise ValueError(f"{cases} has no cases with an intent label")
    predicted: list[str] = []
    latencies: list[float] = []
    for example in examples:
        started = time.perf_counter()
        row = feature_row(texts_of(example.turns), embed)
        predicted.append(head.labels[int(np.argmax(head.scores(row)[0]))])
        latencies.append((time.perf_counter() - started) * 1000)
    truth = [e.intent or "" for e in examples]
    accuracy = float(np.mean([p == t for p, t in zip(predicted, truth, strict=True)]))
    macro = float(f1_score(truth, predicted, average="macro", labels=sorted(set(truth)), zero_division=0))
    return IntentEval(
        accuracy=round(accuracy, 4),
        macro_f1=round(macro, 4),
        latency_ms_p50=round(float(np.percentile(latencies, 50)), 3),
        latency_ms_p95=round(float(np.percentile(latencies, 95)), 3),
        cases=len(examples),
        cached=cached,
    )
