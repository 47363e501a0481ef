"""``copilot plan ...``: forecast contact volume, turn it into staff, schedule the shifts."""

from __future__ import annotations

import typer

plan_app = typer.Typer(name="plan", help="Forecast, staff and schedule.", no_args_is_help=True)
