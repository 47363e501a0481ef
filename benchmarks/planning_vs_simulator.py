"""Does the routing simulator deliver the service level the staffing formulas promise?

For one queue (voice, exponential handle times, Poisson arrivals: the formulas' own assumptions), the staff
that Erlang C plans for 80% within 20 s goes into the simulator, which drives the real router; the measured
service level is compared with Erlang C (customers who never abandon) and Erlang A (exponential patience).

    .venv/bin/python benchmarks/planning_vs_simulator.py [--rate 600] [--aht 300] [--seeds 10] [--hours 8]
"""

from __future__ import annotations

import argparse
import statistics

from planning.erlang import erlang_a, erlang_c_metrics
from routing.rules import load_rules
from routing.simulate import Scenario, run_once


def scenario(rate: float, aht: float, agents: int, patience: float, hours: float, within: float) -> Scenario:
    return Scenario.model_validate({
        "name": "erlang-check", "hours": hours, "channel": "voice", "contacts_per_hour": rate,
        "handle_time_s": {"distribution": "exponential", "mean": aht}, "patience_s": {"mean": patience},
        "answer_within_s": within, "mix": [{"share": 1.0, "area": "cards"}],
        "teams": [{"name": "team", "count": agents, "skills": {"cards": 1}}],
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=600.0, help="contacts per hour")
    parser.add_argument("--aht", type=float, default=300.0, help="mean handle time, seconds")
    parser.add_argument("--within", type=float, default=20.0, help="answer threshold, seconds")
    parser.add_argument("--target", type=float, default=0.80)
    parser.add_argument("--patience", type=float, default=180.0, help="mean patience for the Erlang A run")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--hours", type=float, default=8.0)
    args = parser.parse_args()
    rules = load_rules()
    load = args.rate / 3600 * args.aht
    agents = next(n for n in range(int(load) + 1, 10 * int(load) + 10)
                  if erlang_c_metrics(n, load, args.aht, args.within).service_level >= args.target)
    agents_a = next(n for n in range(1, agents + 1)
                    if erlang_a(n, load, args.aht, args.within, args.patience).service_level >= args.target)
    print(f"{load:.1f} erlangs; for {args.target:.0%} within {args.within:.0f} s Erlang C plans {agents} agents, "
          f"Erlang A (patience {args.patience:.0f} s) {agents_a}")
    for label, staff, patience, predicted in (
        (f"Erlang C staff {agents}, no abandonment", agents, 1e9,
         erlang_c_metrics(agents, load, args.aht, args.within).service_level),
        (f"Erlang C staff {agents}, patience {args.patience:.0f} s", agents, args.patience,
         erlang_a(agents, load, args.aht, args.within, args.patience).service_level),
        (f"Erlang A staff {agents_a}, patience {args.patience:.0f} s", agents_a, args.patience,
         erlang_a(agents_a, load, args.aht, args.within, args.patience).service_level),
    ):
        levels = [run_once(scenario(args.rate, args.aht, staff, patience, args.hours, args.within), rules,
                           "skills-priority", seed).service_level for seed in range(1, args.seeds + 1)]
        median = statistics.median(levels)
        print(f"{label:36} predicted {predicted:.3f}  simulated median {median:.3f} "
              f"(min {min(levels):.3f}, max {max(levels):.3f}, {args.seeds} seeds x {args.hours:g} h)  "
              f"difference {100 * (median - predicted):+.1f} points, {100 * (median - args.target):+.1f} from target")


if __name__ == "__main__":
    main()
