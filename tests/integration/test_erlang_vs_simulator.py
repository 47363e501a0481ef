"""The staffing formulas and the routing simulator agree: Erlang C's staff gives the predicted service level."""

from __future__ import annotations

import statistics

import pytest

from benchmarks.planning_vs_simulator import scenario
from planning.erlang import erlang_a, erlang_c_metrics
from routing.rules import load_rules
from routing.simulate import run_once

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("patience", [1e9, 120.0])
def test_the_simulated_service_level_is_within_three_points_of_the_formula(patience: float) -> None:
    rate, aht, within = 240.0, 240.0, 20.0
    load = rate / 3600 * aht
    agents = next(n for n in range(17, 40) if erlang_c_metrics(n, load, aht, within).service_level >= 0.8)
    predicted = (erlang_c_metrics(agents, load, aht, within).service_level if patience > 1e8
                 else erlang_a(agents, load, aht, within, patience).service_level)
    levels = [run_once(scenario(rate, aht, agents, patience, 12, within), load_rules(), "skills-priority", seed)
              .service_level for seed in range(1, 8)]
    assert abs(statistics.median(levels) - predicted) <= 0.03, (predicted, levels)
