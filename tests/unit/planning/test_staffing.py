"""Staff requirements: the fewest agents meeting the target, concurrency, shrinkage, occupancy, and the
predicted service level at given staffing."""

from __future__ import annotations

import pandas as pd
import pytest

from planning.errors import PlanningError
from planning.staffing import QueueSpec, agents_needed, predicted_service_level, queue_metrics, requirements


def test_fewest_agents_meeting_the_target() -> None:
    # 100 calls in 30 minutes at 180 s, 80% in 20 s: 14 agents (13 give 79.6%)
    spec = QueueSpec(aht_seconds=180, target_service_level=0.8, threshold_seconds=20, shrinkage=0.3)
    agents, metrics = agents_needed(100, 30, spec)
    assert agents == 14 and metrics.service_level >= 0.8
    assert queue_metrics(100, 13, 30, spec).service_level < 0.8
    table = requirements(pd.Series([100.0, 0.0], index=pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:30"])),
                         30, spec)
    assert table["agents"].tolist() == [14, 0]
    assert table["scheduled"].tolist() == [20, 0]  # 14 / (1 - 0.3)


def test_abandonment_and_concurrency_need_fewer_agents() -> None:
    voice = QueueSpec(aht_seconds=180, shrinkage=0.0)
    patient = QueueSpec(aht_seconds=180, shrinkage=0.0, patience_seconds=60)
    assert agents_needed(100, 30, patient)[0] <= agents_needed(100, 30, voice)[0]
    chat = QueueSpec(aht_seconds=600, threshold_seconds=60, concurrency=3, shrinkage=0.0)
    single = QueueSpec(aht_seconds=600, threshold_seconds=60, concurrency=1, shrinkage=0.0)
    three, _ = agents_needed(90, 30, chat)
    one, _ = agents_needed(90, 30, single)
    assert three < one and three * 3 >= one - 3


def test_occupancy_cap_adds_agents() -> None:
    capped = QueueSpec(aht_seconds=180, shrinkage=0.0, max_occupancy=0.6)
    agents, metrics = agents_needed(100, 30, capped)
    assert metrics.occupancy <= 0.6 and agents >= 17


def test_predicted_service_level_is_arrival_weighted() -> None:
    spec = QueueSpec(aht_seconds=180, shrinkage=0.0)
    overall, levels = predicted_service_level([100, 50], [14, 5], 30, spec)
    assert levels[0] == pytest.approx(0.888, abs=0.001)
    assert overall == pytest.approx((100 * levels[0] + 50 * levels[1]) / 150)
    with pytest.raises(PlanningError, match="same length"):
        predicted_service_level([1, 2], [1], 30, spec)


@pytest.mark.parametrize("kwargs", [{"aht_seconds": 0}, {"target_service_level": 1.2}, {"shrinkage": 1.0},
                                    {"concurrency": 0}, {"patience_seconds": -5}])
def test_bad_specs_are_refused(kwargs) -> None:
    with pytest.raises(PlanningError):
        QueueSpec(**kwargs)


def test_a_workload_beyond_any_centre_is_refused() -> None:
    with pytest.raises(PlanningError, match="erlangs in one interval"):
        agents_needed(1e9, 30, QueueSpec())
