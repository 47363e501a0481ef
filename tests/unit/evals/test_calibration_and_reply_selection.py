from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from copilot.pipelines.confidence import FEATURES
from evals.calibration import CalibrationError, Example, fit, load_examples
from evals.cases import EvalCase, select_cases
from evals.reply_selection import reply_cases, resolution_document, split, window
from evals.safety import SafetyChecker
from evals.scoring import expected_calibration_error, score_case, summarise
from evals.targets import CaseOutput


def test_expected_calibration_error() -> None:
    assert expected_calibration_error([(0.9, True)] * 9 + [(0.9, False)]) == pytest.approx(0.0)
    assert expected_calibration_error([(1.0, False), (0.0, True)]) == pytest.approx(1.0)
    assert expected_calibration_error([(0.75, True), (0.75, False)]) == pytest.approx(0.25)
    assert math.isnan(expected_calibration_error([]))


def _case(**extra: object) -> EvalCase:
    base: dict[str, object] = {"id": "c1", "conversation": [{"role": "customer", "text": "my card is lost"},
                                                            {"role": "agent", "text": "I've frozen it for you."}]}
    return EvalCase.model_validate({**base, **extra})


def test_tags_select_a_split() -> None:
    cases = [_case(id="a", tags=["split:train"], reference_summaries=["x"]),
             _case(id="b", tags=["split:valid"], reference_summaries=["x"])]
    selection = select_cases(cases, "summary", tags=["split:valid"])
    assert [c.id for c in selection.cases] == ["b"]
    assert selection.skipped == {"without tag split:valid": 1}


def test_summary_runs_score_the_lead_baseline_beside_the_summary() -> None:
    case = _case(reference_summaries=["Customer lost their card; the agent froze it."])
    output = CaseOutput(text="Customer lost their card. Agent froze it.", provider="extractive")
    metrics = score_case(case, "summary", output, safety=SafetyChecker(), llm_configured=False).metrics
    assert set(metrics) >= {"rougeL", "lead_rouge1", "lead_rouge2", "lead_rougeL"}
    assert metrics["rougeL"] > metrics["lead_rougeL"]  # type: ignore[operator]


def test_drafts_are_labelled_supported_and_the_run_reports_ece() -> None:
    case = _case(id="r", conversation=[{"role": "customer", "text": "how long does a card take"}],
                 relevant_doc_ids=["card-delivery"], reference_answer="Cards arrive in 3 to 5 working days.")
    good = CaseOutput(text="Cards arrive in 3 to 5 working days.", provider="extractive", confidence=0.9,
                      citations=[{"doc_id": "card-delivery"}], flags={}, retrieved=["card-delivery"])
    bad = good.model_copy(update={"text": "Please message us from the app.", "confidence": 0.9})
    scores = [score_case(case, "reply", o, safety=SafetyChecker(), llm_configured=False) for o in (good, bad)]
    assert [s.metrics["supported"] for s in scores] == [1.0, 0.0]
    run = summarise(scores, n_resamples=50)
    assert run.metrics["confidence_ece"] == pytest.approx(0.4)
    assert run.ci["confidence_ece"]["n"] == 2


def _examples(n: int, seed: int = 0) -> list[Example]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        similarity = rng.random()
        out.append(Example({"top_similarity": similarity, "cited": 1.0}, rng.random() < similarity))
    return out


def test_refit_is_calibrated_and_reads_run_folders(tmp_path: Path) -> None:
    result = fit(_examples(400), _examples(200, seed=1))
    assert len(result.weights) == len(FEATURES) + 1
    assert result.weights[1] > 0  # more similar sources, more often supported
    assert result.ece_fitted < 0.08 and result.check_ece_fitted < 0.1
    record = {"metrics": {"supported": 1.0}, "output": {"confidence_features": {"top_similarity": 0.7}}}
    (tmp_path / "cases.jsonl").write_text(json.dumps(record) + "\n" + json.dumps({"metrics": {}}) + "\n")
    assert load_examples([tmp_path]) == [Example({"top_similarity": 0.7}, True)]
    with pytest.raises(CalibrationError, match="at least 10"):
        fit(_examples(5))


def _conversation(case_id: str) -> EvalCase:
    return EvalCase.model_validate({
        "id": case_id,
        "conversation": [
            {"role": "customer", "text": "@Shop my parcel never came"}, {"role": "customer", "text": "order 123"},
            {"role": "agent", "text": "@9 Sorry! Please DM us your order number. ^AB"},
            {"role": "customer", "text": "done"}, {"role": "agent", "text": "Thanks, a refund is on its way to you."},
        ],
        "reference_summaries": ["Parcel missing; agent refunded."],
    })


def test_reply_selection_builds_a_kb_and_held_out_reply_cases() -> None:
    cases = [_conversation(f"ts-{i}") for i in range(40)]
    kb, held_out = split(cases, 0.5)
    assert 0 < len(kb) < 40
    assert {r.id.split("#")[0] for r in held_out}.isdisjoint({c.id for c in kb})
    first = reply_cases(cases[0])
    assert [r.reference for r in first] == ["Sorry! Please DM us your order number.",
                                            "Thanks, a refund is on its way to you."]
    assert first[0].conversation == (("customer", "@Shop my parcel never came order 123"),)
    document = resolution_document(cases[0])
    assert document["kind"] == "resolution" and document["audience"] == "internal"
    assert "Customer: my parcel never came order 123" in document["text"]
    assert "## Resolution\n\nParcel missing; agent refunded." in document["text"]
    with pytest.raises(ValueError, match="kb_share"):
        split(cases, 1.0)


def test_a_window_of_held_out_replies_is_disjoint_from_the_first() -> None:
    cases = [_conversation(f"ts-{i}") for i in range(40)]
    _, held_out = split(cases, 0.5)
    first, second = window(held_out, limit=5), window(held_out, skip=5, limit=5)
    assert [r.id for r in first + second] == [r.id for r in held_out[:10]]
    assert window(held_out, skip=len(held_out) - 1) == held_out[-1:]
    with pytest.raises(ValueError, match="skip"):
        window(held_out, skip=-1)
