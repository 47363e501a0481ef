"""``copilot prompts``: the versioned prompt templates."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from copilot.prompts import PromptError, PromptLibrary

prompts_app = typer.Typer(help="Versioned prompt templates.", no_args_is_help=True)


@prompts_app.command("list")
def list_prompts() -> None:
    """Every prompt with its versions (the highest is the one in use)."""
    library = PromptLibrary()
    for name in library.names():
        current = library.get(name)
        typer.echo(f"{name:<16} versions {', '.join(library.versions(name)):<8} current v{current.version}  "
                   f"{current.description}")


@prompts_app.command("show")
def show_prompt(
    name: Annotated[str, typer.Argument(help="The prompt's name, e.g. suggest_reply.")],
    version: Annotated[str | None, typer.Option(help="A version; default the current one.")] = None,
) -> None:
    """The system and user messages, the variables and the output schema of a prompt."""
    try:
        template = PromptLibrary().get(name, version)
    except PromptError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"# {template.id} v{template.version}: {template.description}")
    typer.echo(f"# variables: {', '.join(template.variables)}\n")
    typer.echo("## system\n" + template.system)
    typer.echo("## user\n" + template.user)
    typer.echo("## output schema\n" + json.dumps(template.output_schema, indent=2))
