"""``copilot routing ...``: validate the routing rules, see the queues, simulate a day.

- ``copilot routing validate [--rules FILE]``: load and check a rules file; one line per problem.
- ``copilot routing queues [--json]``: every queue's live figures, read from the routing store.
- ``copilot routing simulate --scenario FILE [--seeds 5] [--policy ...] [--out DIR]``: the simulator, with
  a table on stdout and ``report.html`` / ``results.json`` in ``--out``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from routing.policy import POLICIES
from routing.rules import RulesError, load_rules

routing_app = typer.Typer(name="routing", help="Routing rules, queue status and the contact-centre simulator.",
                          no_args_is_help=True)

_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "weekday.yaml"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@routing_app.command("validate")
def validate(rules: Annotated[Path | None, typer.Option(help="A rules file; the shipped one by default.")] = None
             ) -> None:
    """Check a routing rules file: every queue it names exists, every condition is known, the last rule is a
    catch-all."""
    try:
        loaded = load_rules(rules)
    except RulesError as error:
        raise _fail(str(error)) from None
    typer.echo(f"{loaded.source}: version {loaded.version}, {len(loaded.queues)} queues, valid")


@routing_app.command("queues")
def queues(as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False) -> None:
    """The queues now, from the routing store the service uses (COPILOT_DATABASE_URL or the data dir)."""
    from copilot.settings import Settings
    from copilot.store import sqlite_url
    from routing.service import RoutingService

    settings = Settings()
    service = RoutingService.open(settings.database_url or sqlite_url(settings.data_dir))
    try:
        found = service.queues()
    finally:
        service.close()
    if as_json:
        typer.echo(json.dumps([vars(q) for q in found], indent=2))
        return
    typer.echo(f"{'queue':28} {'waiting':>7} {'oldest s':>9} {'SL today':>8} {'agents':>6}")
    for q in found:
        level = f"{q.service_level_today:.2f}" if q.service_level_today is not None else "-"
        typer.echo(f"{q.id:28} {q.waiting:7d} {q.oldest_wait_s:9.0f} {level:>8} {q.agents_available:6d}")


@routing_app.command("simulate")
def simulate_command(
    scenario: Annotated[Path, typer.Option(help="The scenario YAML.")] = _SCENARIO,
    seeds: Annotated[int, typer.Option(min=1, max=50, help="Independent runs per policy.")] = 5,
    policy: Annotated[list[str] | None, typer.Option(help=f"Policies to compare: {', '.join(POLICIES)}.")] = None,
    rules: Annotated[Path | None, typer.Option(help="A rules file; the shipped one by default.")] = None,
    out: Annotated[Path, typer.Option(help="Folder for report.html and results.json.")] = Path("runs/routing-sim"),
) -> None:
    """Simulate the scenario with each policy on the same seeds and compare service level, speed of answer,
    abandonment and occupancy, overall, per queue and for high-risk contacts."""
    from routing.report import write_report
    from routing.simulate import load_scenario, simulate

    chosen = policy or list(POLICIES)
    unknown = [p for p in chosen if p not in POLICIES]
    if unknown:
        raise _fail(f"unknown policy {unknown}; known: {', '.join(POLICIES)}")
    try:
        loaded_rules = load_rules(rules)
        loaded = load_scenario(scenario)
    except RulesError as error:
        raise _fail(str(error)) from None
    result = simulate(loaded, loaded_rules, chosen, list(range(1, seeds + 1)))
    summary = result.summary()
    typer.echo(f"{loaded.name}: {seeds} seeds, median (min-max)")
    typer.echo(f"{'policy':16} {'SL':>19} {'high-risk SL':>19} {'ASA s':>17} {'max wait s':>19} {'abandoned':>19}")
    for name, m in summary.items():
        cells = [f"{m[k]['median']:.3f} ({m[k]['min']:.3f}-{m[k]['max']:.3f})" if k not in ("asa_s", "max_wait_s")
                 else f"{m[k]['median']:.0f} ({m[k]['min']:.0f}-{m[k]['max']:.0f})"
                 for k in ("service_level", "high_risk_service_level", "asa_s", "max_wait_s", "abandonment")]
        typer.echo(f"{name:16} " + " ".join(f"{c:>19}" for c in cells))
    typer.echo(f"report: {write_report(result, out)}")
