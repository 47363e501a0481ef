"""The ``copilot`` command line, grouped by noun: ``copilot kb ...``, ``copilot prompts ...``, ...

Groups that live in other packages (``evals``, ``api``) register themselves through the
``copilot.commands`` entry-point group, so this package never imports them.

Any command that finds the embedded index open in another process stops with one sentence that says
who holds it and what to do (:func:`copilot.cli.remote.in_use_message`), not a traceback.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

import typer

from copilot.cli.kb import kb_app
from copilot.cli.pipelines import answer, suggest, summarize
from copilot.cli.prompts import prompts_app
from copilot.cli.remote import in_use_message
from copilot.cli.triage import triage_app
from copilot.settings import Settings
from knowledge_base.locks import IndexInUse

app = typer.Typer(
    name="copilot",
    help="Support copilot: knowledge base, drafting pipelines, evaluations and the API service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(kb_app, name="kb")
app.add_typer(prompts_app, name="prompts")
app.add_typer(triage_app, name="triage")
app.command("suggest")(suggest)
app.command("answer")(answer)
app.command("summarize")(summarize)


def _register_plugins() -> None:
    for ep in entry_points(group="copilot.commands"):
        try:
            sub = ep.load()
        except ImportError as exc:  # an optional extra is not installed
            logging.getLogger(__name__).debug("command group %s unavailable: %s", ep.name, exc)
            continue
        if isinstance(sub, typer.Typer):
            app.add_typer(sub, name=ep.name)


def main() -> None:
    _register_plugins()
    try:
        app()
    except IndexInUse as exc:
        typer.echo(f"error: {in_use_message(Settings(), exc)}", err=True)
        raise SystemExit(1) from None
