"""``copilot plan forecast|staff|schedule|report`` end to end on a small synthetic history."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from planning.cli import plan_app

runner = CliRunner()


def test_forecast_staff_schedule_report(history_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "forecast.csv"
    result = runner.invoke(plan_app, ["forecast", "--history", str(history_csv), "--days", "7", "--out", str(out),
                                      "--model", "profile"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["interval_start", "forecast", "lo80", "hi80", "lo95", "hi95"]
    assert len(frame) == 5 * 16 and frame["interval_start"].iloc[0] == "2024-02-26 09:00"

    requirement = tmp_path / "requirement.csv"
    result = runner.invoke(plan_app, ["staff", "--forecast", str(out), "--aht", "240", "--out", str(requirement)])
    assert result.exit_code == 0, result.output
    need = pd.read_csv(requirement)
    assert (need["scheduled"] >= need["agents"]).all() and need["agents"].max() > 0

    agents = tmp_path / "agents.yaml"
    lines = ["agents:"]
    for i in range(12):
        lines.append(f"  - {{id: a{i}, skills: [all], contract_hours: 20, shift_hours: [4]}}")
    lines.append("  - {id: b0, skills: [all], contract_hours: 16, shift_hours: [4], unavailable_days: [mon],\n"
                 "     preferred_start: 09:00-10:00}")
    agents.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shifts, coverage = tmp_path / "shifts.csv", tmp_path / "coverage.csv"
    result = runner.invoke(plan_app, ["schedule", "--requirement", str(requirement), "--agents", str(agents),
                                      "--out", str(shifts), "--coverage", str(coverage), "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "gap" in result.output
    table = pd.read_csv(shifts, parse_dates=["start"])
    assert set(table["agent"]) == {f"a{i}" for i in range(12)} | {"b0"}
    assert not (table[table["agent"] == "b0"]["start"].dt.weekday == 0).any()

    report = tmp_path / "plan.html"
    result = runner.invoke(plan_app, ["report", "--forecast", str(out), "--coverage", str(coverage),
                                      "--actuals", str(history_csv), "--out", str(report)])
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 3 and "Staffing gap by day and hour" in html


def test_bad_input_exits_with_a_message(tmp_path: Path) -> None:
    result = runner.invoke(plan_app, ["forecast", "--history", str(tmp_path / "missing.csv"), "--days", "7",
                                      "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("when,calls\n2024-01-01 09:00,3\n", encoding="utf-8")
    result = runner.invoke(plan_app, ["forecast", "--history", str(bad), "--days", "7", "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "interval_start" in result.output
