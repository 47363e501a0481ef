"""``copilot eval calibrate``: refit the drafts' confidence on labelled eval runs.

Reads the ``cases.jsonl`` of one or more reply/answer run folders, takes every case that carries both
the confidence's inputs (``output.confidence_features``) and the ``supported`` label, fits a logistic
regression of ``supported`` on :data:`copilot.pipelines.confidence.FEATURES`, and reports the expected
calibration error of the current weights and of the refitted ones, both in-sample and on the cases of
the runs given with ``--check`` (held out from the fit). The weights are printed as the tuple to commit
in ``copilot/pipelines/confidence.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copilot.pipelines.confidence import FEATURES, WEIGHTS, calibrated_confidence
from evals.scoring import expected_calibration_error


class CalibrationError(ValueError):
    """The runs hold no case to fit on."""


@dataclass(frozen=True)
class Example:
    features: dict[str, float]
    supported: bool


@dataclass(frozen=True)
class Fit:
    weights: tuple[float, ...]
    n: int
    supported_rate: float
    ece_current: float
    ece_fitted: float
    check_n: int = 0
    check_ece_current: float = float("nan")
    check_ece_fitted: float = float("nan")


def load_examples(runs: Iterable[Path]) -> list[Example]:
    """The labelled drafts of the run folders (or ``cases.jsonl`` files)."""
    out: list[Example] = []
    for run in runs:
        path = run / "cases.jsonl" if run.is_dir() else run
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CalibrationError(f"cannot read {path}: {exc}") from exc
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            metrics = record.get("metrics") or {}
            features = (record.get("output") or {}).get("confidence_features") or {}
            if features and metrics.get("supported") is not None:
                out.append(Example({k: float(v) for k, v in features.items()}, bool(metrics["supported"])))
    return out


def _matrix(examples: Sequence[Example]) -> np.ndarray:
    return np.array([[e.features.get(name, 0.0) for name in FEATURES] for e in examples], dtype=np.float64)


def _ece(weights: tuple[float, ...], examples: Sequence[Example]) -> float:
    return expected_calibration_error([(calibrated_confidence(e.features, weights), e.supported) for e in examples])


def fit(examples: Sequence[Example], check: Sequence[Example] = (), *, c: float = 1.0) -> Fit:
    """A logistic fit (L2, strength ``1/c``) of ``supported`` on the features."""
    from sklearn.linear_model import LogisticRegression

    if len(examples) < 10 or len({e.supported for e in examples}) < 2:
        raise CalibrationError(f"need at least 10 labelled drafts of both kinds to fit, got {len(examples)}")
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(_matrix(examples), np.array([e.supported for e in examples]))
    weights = (round(float(model.intercept_[0]), 3), *(round(float(w), 3) for w in model.coef_[0]))
    result = Fit(
        weights=weights,
        n=len(examples),
        supported_rate=float(np.mean([e.supported for e in examples])),
        ece_current=_ece(WEIGHTS, examples),
        ece_fitted=_ece(weights, examples),
    )
    if check:
        result = Fit(**{**result.__dict__, "check_n": len(check), "check_ece_current": _ece(WEIGHTS, check),
                        "check_ece_fitted": _ece(weights, check)})
    return result
