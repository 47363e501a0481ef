"""Rules are validated as a whole with clear errors; the simulator drives the real router and is seeded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from routing.cli import routing_app
from routing.rules import DEFAULT_RULES, RulesError, load_rules
from routing.simulate import Scenario, load_scenario, run_once

SHIPPED = yaml.safe_load(DEFAULT_RULES.read_text())


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["rules"].insert(0, {"id": "x", "when": {"risks": ["complaint"]}, "queue": "nowhere", "priority": 1}),
     "not defined"),
    (lambda d: d["rules"][0]["when"].update(risks=["sad"]), "unknown risks"),
    (lambda d: d["rules"].pop(), "last rule must match everything"),
    (lambda d: d["rules"].insert(0, {"id": "all", "when": {}, "queue": "fraud-p1", "priority": 1}), "put it last"),
    (lambda d: d["queues"].append(dict(d["queues"][0])), "queue ids repeat"),
    (lambda d: d.update(aging_weight=0), "aging_weight"),
    (lambda d: d["target_wait_s"].pop("voice"), "every channel"),
    (lambda d: d["queues"][0].update(min_level=9), "min_level"),
])
def test_a_bad_rules_file_is_refused_with_where_and_why(tmp_path: Path, change: object, message: str) -> None:
    data = yaml.safe_load(DEFAULT_RULES.read_text())
    change(data)  # type: ignore[operator]
    with pytest.raises(RulesError, match=message) as raised:
        load_rules(_write(tmp_path, data))
    assert str(tmp_path / "rules.yaml") in str(raised.value)


def test_the_cli_validates_and_says_what_is_wrong(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(routing_app, ["validate"])
    assert good.exit_code == 0 and "valid" in good.output
    (tmp_path / "rules.yaml").write_text("version: [")
    bad = runner.invoke(routing_app, ["validate", "--rules", str(tmp_path / "rules.yaml")])
    assert bad.exit_code == 2 and "not valid YAML" in bad.output


def _small() -> Scenario:
    return Scenario.model_validate({
        "name": "small", "hours": 1, "contacts_per_hour": 120, "handle_time_s": {"mean": 300, "sd": 120},
        "patience_s": {"mean": 200},
        "mix": [{"share": 0.2, "area": "security_and_fraud", "risks": ["scam_in_progress"], "urgency": "now"},
                {"share": 0.8, "area": "cards"}],
        "teams": [{"name": "fraud", "count": 2, "capacity": 3, "skills": {"fraud": 3, "cards": 2}},
                  {"name": "cards", "count": 3, "capacity": 2, "skills": {"cards": 3}}],
    })


def test_the_simulation_is_seeded_and_compares_policies_on_the_same_arrivals() -> None:
    rules = load_rules()
    first = run_once(_small(), rules, "skills-priority", seed=3)
    again = run_once(_small(), rules, "skills-priority", seed=3)
    other = run_once(_small(), rules, "single-fifo", seed=3)
    assert first.service_level == again.service_level and first.waits == again.waits
    assert first.contacts == other.contacts and first.contacts > 80
    assert 0 < first.occupancy <= 1 and 0 <= first.abandonment < 1
    assert set(first.per_queue) == {"fraud-p1", "cards/en"}
    assert first.high_risk_service_level >= first.per_queue["cards/en"]["service_level"]


def test_scenario_errors_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    data = _small().model_dump()
    data["mix"][0]["share"] = 0.5
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(RulesError, match=r"shares add up to 1\.300"):
        load_scenario(path)


def test_a_team_off_shift_answers_nobody() -> None:
    rules = load_rules()
    data = _small().model_dump()
    full = run_once(Scenario.model_validate(data), rules, "skills-priority", seed=1)
    for team in data["teams"]:
        team["shift"] = (0.0, 0.5)
    half = run_once(Scenario.model_validate(data), rules, "skills-priority", seed=1)
    assert half.contacts == full.contacts
    assert half.abandonment > full.abandonment + 0.2 and half.service_level < full.service_level


def test_handle_times_are_fitted_and_arrivals_follow_a_real_series(tmp_path: Path) -> None:
    rng = __import__("numpy").random.default_rng(0)
    (tmp_path / "handle.txt").write_text("\n".join(f"{v:.1f}" for v in rng.lognormal(5.5, 0.5, 400)))
    rows = ["interval_start,calls"] + [f"2003-03-03 {7 + i // 12:02d}:{(i % 12) * 5:02d},{0 if i < 6 else 20}"
                                       for i in range(24)]
    (tmp_path / "calls.csv").write_text("\n".join(rows) + "\n")
    data = _small().model_dump()
    data.update(hours=2, arrivals_csv="calls.csv", handle_time_s={"samples": "handle.txt"})
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    scenario = load_scenario(tmp_path / "s.yaml")
    result = run_once(scenario, load_rules(), "skills-priority", seed=2)
    # 18 intervals of 20 calls (the first half hour is closed) = 360 on average.
    assert 300 < result.contacts < 420
    from routing.simulate import _resolve
    resolved = _resolve(scenario, tmp_path)
    assert abs(resolved.handle_mean - 275) < 20 and resolved.rates[:6] == [0.0] * 6
    data.update(arrivals_from="2003-03-04 07:00")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(RulesError, match="no interval_start"):
        load_scenario(tmp_path / "s.yaml")
