"""Fitting the triage heads: logistic regression over the embedding row, calibrated on held-out folds.

Every head is fitted ``folds`` times on the other folds to get out-of-fold scores, which fit its
calibration (a temperature for one-of-many heads, Platt scaling for yes/no heads) and, for the risks,
the decision threshold: the highest threshold that still keeps the out-of-fold recall at the target
(a missed scam costs far more than an extra handoff). Then the head is refitted on all the data.
Folds and solvers are seeded, so the same data gives the same model, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold

from copilot.triage.data import Example
from copilot.triage.features import (
    Array,
    EmbedFn,
    TriageTexts,
    block,
    evidence_features,
    feature_rows,
    lexical_rows,
    texts_of,
)
from copilot.triage.heads import LinearHead, sigmoid, softmax
from copilot.triage.model import TriageModel
from copilot.triage.neighbours import NeighbourVote, blend, mix, unit, vote
from copilot.triage.result import REQUESTS, RISKS, SCAM_TYPES, URGENCIES, VULNERABILITY_TYPES

#: How the heads are fitted; part of the model's version, so a change of method is a new version.
METHOD = "logistic heads, sensitive blended with a 20-neighbour vote"
#: Mirrors copilot.triage.classifier.SURE (kept here so training does not import the classifier).
SURE = 0.85
#: Retrieval evidence for one conversation: the similarities of the documents the caller may read.
EvidenceFn = Callable[[Example], Sequence[float]]

#: BANKING77 intents that may describe fraud: their queries are not used as risk-free examples.
_RISKY_INTENTS = frozenset({
    "compromised_card", "card_payment_not_recognised", "cash_withdrawal_not_recognised",
    "direct_debit_payment_not_recognised", "lost_or_stolen_card", "lost_or_stolen_phone",
    "declined_cash_withdrawal", "transfer_not_received_by_recipient", "wrong_amount_of_cash_received",
    "request_refund", "reverted_card_payment?", "Refund_not_showing_up", "extra_charge_on_statement",
    "card_payment_wrong_exchange_rate", "wrong_exchange_rate_for_cash_withdrawal",
})


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    folds: int = 5
    intent_folds: int = 3
    c_intent: float = 10.0
    c_heads: float = 2.0
    #: Out-of-fold recall each risk's own threshold keeps (it names the risk).
    recall: dict[str, float] = field(default_factory=lambda: {
        "scam_in_progress": 0.93, "unauthorised_activity": 0.9, "vulnerability": 0.9,
        "financial_difficulty": 0.9, "bereavement": 0.93, "complaint": 0.9,
    })
    #: Out-of-fold recall of the ``sensitive`` head (any risk at all), which decides the handoff.
    sensitive_recall: float = 0.97
    max_threshold: float = 0.5
    min_threshold: float = 0.02
    #: Risk-free BANKING77 queries added as negatives for the risk heads (0: none).
    banking77_negatives: int = 3000


@dataclass
class HeadReport:
    name: str
    rows: int
    oof: dict[str, float]


@dataclass
class TrainReport:
    heads: list[HeadReport] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)


def _logistic(c: float, seed: int, *, balanced: bool) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None, random_state=seed)


def _splits(y: npt.NDArray[np.int64], folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    counts = np.bincount(y)
    if counts[counts > 0].min() >= folds:
        return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
    return list(KFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y))))


def _scores(model: LogisticRegression, x: Array, n_labels: int) -> Array:
    """Decision values in label order, for a model that may have seen only some labels."""
    raw = model.decision_function(x)
    out = np.full((x.shape[0], n_labels), -30.0, dtype=np.float32)
    classes = list(model.classes_)
    if len(classes) == 2 and raw.ndim == 1:
        out[:, classes[1]] = raw
        out[:, classes[0]] = -raw
    else:
        for j, c in enumerate(classes):
            out[:, c] = raw[:, j]
    return out


def fit_softmax(
    name: str, x: Array, labels: Sequence[str], y: Sequence[str], *, c: float, folds: int, seed: int,
    balanced: bool = False,
) -> tuple[LinearHead, Array]:
    """A one-of-many head with its temperature, and its out-of-fold calibrated probabilities."""
    index = {label: i for i, label in enumerate(labels)}
    target = np.asarray([index[v] for v in y], dtype=np.int64)
    oof = np.zeros((x.shape[0], len(labels)), dtype=np.float32)
    for train, test in _splits(target, folds, seed):
        oof[test] = _scores(_logistic(c, seed, balanced=balanced).fit(x[train], target[train]), x[test], len(labels))

    def nll(t: float) -> float:
        p = softmax(oof / t)
        return float(-np.log(np.clip(p[np.arange(len(target)), target], 1e-9, 1.0)).mean())

    temperature = float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)
    full = _logistic(c, seed, balanced=balanced).fit(x, target)
    weight = np.zeros((x.shape[1], len(labels)), dtype=np.float32)
    bias = np.full(len(labels), -30.0, dtype=np.float32)
    classes = list(full.classes_)
    if len(classes) == 2:
        weight[:, classes[1]], bias[classes[1]] = full.coef_[0], full.intercept_[0]
        weight[:, classes[0]], bias[classes[0]] = -full.coef_[0], -full.intercept_[0]
    else:
        for j, cls in enumerate(classes):
            weight[:, cls], bias[cls] = full.coef_[j], full.intercept_[j]
    head = LinearHead(name, "softmax", tuple(labels), weight, bias, temperature=round(temperature, 6))
    return head, softmax(oof / temperature)


def fit_sigmoid(
    name: str, x: Array, labels: Sequence[str], y: npt.NDArray[np.int64], *, c: float, folds: int, seed: int,
) -> tuple[LinearHead, Array]:
    """Independent yes/no heads (``y`` is ``(rows, labels)`` of 0/1), Platt-calibrated on out-of-fold scores."""
    n = len(labels)
    weight = np.zeros((x.shape[1], n), dtype=np.float32)
    bias = np.zeros(n, dtype=np.float32)
    platt = np.zeros((n, 2), dtype=np.float32)
    oof_proba = np.zeros((x.shape[0], n), dtype=np.float32)
    for j in range(n):
        target = y[:, j].astype(np.int64)
        if target.min() == target.max():
            raise ValueError(f"head {name}: label {labels[j]} has only one class in the training data")
        oof = np.zeros(x.shape[0], dtype=np.float32)
        for train, test in _splits(target, folds, seed):
            oof[test] = _logistic(c, seed, balanced=True).fit(x[train], target[train]).decision_function(x[test])
        calibrator = LogisticRegression(C=1e4, max_iter=1000).fit(oof[:, None], target)
        a, b = float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])
        platt[j] = (a, b)
        oof_proba[:, j] = sigmoid(oof * a + b)
        full = _logistic(c, seed, balanced=True).fit(x, target)
        weight[:, j], bias[j] = full.coef_[0], full.intercept_[0]
    return LinearHead(name, "sigmoid", tuple(labels), weight, bias, platt=platt), oof_proba


def choose_threshold(proba: Array, truth: npt.NDArray[np.int64], recall: float, lo: float, hi: float) -> float:
    """The highest threshold in ``[lo, hi]`` whose recall on ``truth`` is at least ``recall``."""
    positives = np.sort(proba[truth == 1])
    if len(positives) == 0:
        return hi
    # Keep the top ``recall`` share of positives at or above the threshold.
    k = int(np.floor((1.0 - recall) * len(positives)))
    # Rounded down, so the rounding never costs a positive.
    threshold = math.floor(float(positives[k]) * 10_000) / 10_000
    return min(hi, max(lo, threshold))


def best_f1_threshold(proba: Array, truth: npt.NDArray[np.int64]) -> float:
    """The threshold with the highest F1 on ``truth`` (rounded down to four places)."""
    best, best_f1 = 0.5, -1.0
    for t in np.unique(proba):
        flagged = proba >= t
        tp = float((flagged & (truth == 1)).sum())
        f1 = 2 * tp / max(float(flagged.sum()) + float((truth == 1).sum()), 1.0)
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return math.floor(best * 10_000) / 10_000


def _agreement(proba: Array, labels: Sequence[str], truth: Sequence[str]) -> dict[str, float]:
    predicted = [labels[i] for i in proba.argmax(axis=1)]
    return {"accuracy": round(float(np.mean([p == t for p, t in zip(predicted, truth, strict=True)])), 4)}


def train_model(
    examples: Sequence[Example],
    embed: EmbedFn,
    *,
    embedding_model: str,
    dim: int,
    evidence: EvidenceFn,
    intent_examples: Sequence[Example] = (),
    config: TrainConfig | None = None,
    version: str,
    meta: dict[str, object] | None = None,
) -> tuple[TriageModel, TrainReport]:
    """All the heads from labelled examples (and, for the intent head, extra intent-only examples)."""
    config = config or TrainConfig()
    report = TrainReport()
    texts: list[TriageTexts] = [texts_of(e.turns) for e in examples]
    x = feature_rows(texts, embed)
    extra = list(intent_examples)
    extra_texts = [texts_of(e.turns) for e in extra]
    x_extra = feature_rows(extra_texts, embed) if extra else np.zeros((0, x.shape[1]), np.float32)
    # Every head but intent also reads the lexical block.
    xl = sparse.hstack([sparse.csr_matrix(x), lexical_rows(texts)], format="csr")
    xl_extra = sparse.hstack([sparse.csr_matrix(x_extra), lexical_rows(extra_texts)], format="csr") if extra else None
    heads: dict[str, LinearHead] = {}
    seed, folds = config.seed, config.folds

    # Intent: the team's examples and the extra intent-only ones (BANKING77), one label space.
    with_intent = [i for i, e in enumerate(examples) if e.intent]
    xi = np.concatenate([x[with_intent], x_extra]) if extra else x[with_intent]
    yi = [examples[i].intent or "" for i in with_intent] + [e.intent or "" for e in extra]
    intent_labels = sorted(set(yi))
    heads["intent"], proba = fit_softmax("intent", xi, intent_labels, yi, c=config.c_intent,
                                         folds=config.intent_folds, seed=seed)
    report.heads.append(HeadReport("intent", len(yi), _agreement(proba, intent_labels, yi)))

    # Risks: yes/no per risk; risk-free BANKING77 queries as extra negatives.
    negatives = [i for i, e in enumerate(extra) if e.intent not in _RISKY_INTENTS]
    if config.banking77_negatives and negatives:
        rng = np.random.default_rng(seed)
        negatives = sorted(rng.choice(negatives, size=min(len(negatives), config.banking77_negatives), replace=False))
    else:
        negatives = []
    xr = sparse.vstack([xl, xl_extra[negatives]], format="csr") if negatives and xl_extra is not None else xl
    yr = np.zeros((xr.shape[0], len(RISKS)), dtype=np.int64)
    for i, e in enumerate(examples):
        for j, risk in enumerate(RISKS):
            yr[i, j] = int(risk in e.risks)
    heads["risks"], risk_proba = fit_sigmoid("risks", xr, RISKS, yr, c=config.c_heads, folds=folds, seed=seed)
    for j, risk in enumerate(RISKS):
        report.thresholds[risk] = choose_threshold(
            risk_proba[:, j], yr[:, j], config.recall[risk], config.min_threshold, config.max_threshold
        )
        flagged = risk_proba[:, j] >= report.thresholds[risk]
        truth = yr[:, j] == 1
        report.heads.append(HeadReport(f"risk:{risk}", int(truth.sum()), {
            "recall": round(float(flagged[truth].mean()), 4),
            "precision": round(float(truth[flagged].mean()) if flagged.any() else 0.0, 4),
            "threshold": report.thresholds[risk],
        }))

    # Sensitive: any risk at all. It decides the handoff; the per-risk heads name the cause.
    ys = (yr.sum(axis=1) > 0).astype(np.int64)[:, None]
    heads["sensitive"], sp = fit_sigmoid("sensitive", xr, ("sensitive",), ys, c=config.c_heads, folds=folds, seed=seed)
    # The vote of the nearest labelled conversations, out of fold too, blended with the head and calibrated.
    conversation = np.concatenate([x, x_extra[negatives]]) if negatives else x
    conversation = unit(block(conversation, "conversation", dim))
    team = np.arange(len(conversation)) < len(examples)
    votes = np.zeros(len(conversation), dtype=np.float32)
    for train, test in _splits(ys[:, 0], folds, seed):
        memory = train[team[train]]
        votes[test] = vote(conversation[memory], ys[memory, 0].astype(np.uint8), conversation[test])
    mixed = mix(sp[:, 0], votes)
    calibrator = LogisticRegression(C=1e4, max_iter=1000).fit(mixed[:, None], ys[:, 0])
    platt = (round(float(calibrator.coef_[0, 0]), 6), round(float(calibrator.intercept_[0]), 6))
    # Stored in float16: the model that serves is the one saved.
    memory = conversation[team].astype(np.float16).astype(np.float32)
    neighbours = NeighbourVote(memory, ys[team, 0].astype(np.uint8), platt=platt)
    sp = blend(sp[:, 0], votes, neighbours.weight, platt)[:, None]
    report.thresholds["sensitive"] = choose_threshold(sp[:, 0], ys[:, 0], config.sensitive_recall,
                                                      config.min_threshold, config.max_threshold)
    # On the agent surface a person already reads every risk score; the handoff there means "a specialist
    # team", so its threshold is the one with the best out-of-fold F1, not the recall-first one.
    report.thresholds["sensitive_agent"] = best_f1_threshold(sp[:, 0], ys[:, 0])
    # As triage decides: the sensitive head, or a risk head that is sure on its own (SURE).
    flagged_any = (sp[:, 0] >= report.thresholds["sensitive"]) | np.any(risk_proba >= SURE, axis=1)
    truth_any = ys[:, 0] == 1
    report.heads.append(HeadReport("sensitive", int(truth_any.sum()), {
        "recall": round(float(flagged_any[truth_any].mean()), 4),
        "precision": round(float(truth_any[flagged_any].mean()), 4),
        "threshold": report.thresholds["sensitive"],
    }))

    def subset_head(name: str, labels: Sequence[str], pick: Callable[[Example], str | None]) -> None:
        rows = [i for i, e in enumerate(examples) if pick(e)]
        y = [pick(examples[i]) or "" for i in rows]
        heads[name], p = fit_softmax(name, xl[rows], labels, y, c=config.c_heads, folds=folds, seed=seed,
                                     balanced=True)
        report.heads.append(HeadReport(name, len(rows), _agreement(p, labels, y)))

    subset_head("scam_type", SCAM_TYPES, lambda e: e.scam_type)
    subset_head("vulnerability_type", VULNERABILITY_TYPES, lambda e: e.vulnerability_type)
    subset_head("urgency", URGENCIES, lambda e: e.urgency)
    subset_head("request", REQUESTS, lambda e: e.request)

    # Answerable: the question's row plus what retrieval found for it.
    questions = [i for i, e in enumerate(examples) if e.answerable is not None]
    evidence_rows = np.concatenate([evidence_features(evidence(examples[i])) for i in questions])
    xa = sparse.hstack([xl[questions], sparse.csr_matrix(evidence_rows)], format="csr")
    ya = np.asarray([[int(bool(examples[i].answerable))] for i in questions], dtype=np.int64)
    heads["answerable"], pa = fit_sigmoid("answerable", xa, ("answerable",), ya, c=config.c_heads, folds=folds,
                                          seed=seed)
    report.heads.append(HeadReport("answerable", len(questions), {
        "accuracy": round(float(((pa[:, 0] >= 0.5) == (ya[:, 0] == 1)).mean()), 4)}))

    model = TriageModel(
        version=version,
        embedding_model=embedding_model,
        dim=dim,
        heads=heads,
        thresholds=report.thresholds,
        neighbours=neighbours,
        meta={**(meta or {}), "seed": seed, "examples": len(examples), "intent_examples": len(extra),
              "oof": {h.name: h.oof for h in report.heads}},
    )
    model.check()
    return model, report
