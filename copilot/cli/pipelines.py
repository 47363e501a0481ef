"""``copilot suggest``, ``copilot answer`` and ``copilot summarize``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError

from copilot.schemas import Answer, AnswerInput, ConversationInput, ReplyInput, Suggestion, Summary
from copilot.settings import Settings

StreamOpt = Annotated[bool, typer.Option("--stream", help="Print the text as it is produced.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]


def _read_conversation(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        typer.echo(f"error: cannot read {path}: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not isinstance(raw, dict) or "conversation" not in raw:
        typer.echo(f"error: {path} must hold an object with a 'conversation' list of {{role, text}} turns", err=True)
        raise typer.Exit(2)
    return {"conversation": raw["conversation"], "customer_context": raw.get("customer_context")}


def _validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "input"
            typer.echo(f"error: {where}: {err['msg']}", err=True)
        raise typer.Exit(2) from exc


def _open() -> Any:
    from copilot.service import Copilot

    return Copilot.from_settings(Settings())


def _emit(items: Iterator[Any], *, stream: bool, as_json: bool) -> None:
    result = None
    for item in items:
        if isinstance(item, str):
            if stream:
                sys.stdout.write(item)
                sys.stdout.flush()
        else:
            result = item
    if stream:
        sys.stdout.write("\n\n")
    assert result is not None
    if as_json:
        typer.echo(result.model_dump_json())
    else:
        _print_readable(result, show_text=not stream)


def _print_readable(result: Suggestion | Answer | Summary, *, show_text: bool) -> None:
    if isinstance(result, Summary):
        if show_text:
            typer.echo(result.summary)
        typer.echo(f"\nIssue: {result.issue}")
        for action in result.actions_taken:
            typer.echo(f"  done: {action}")
        typer.echo(f"Status: {result.status}   Sentiment: {result.customer_sentiment}")
        for step in result.next_steps:
            typer.echo(f"  next: {step}")
    else:
        if show_text:
            typer.echo(result.draft if isinstance(result, Suggestion) else result.answer)
        typer.echo("")
        for c in result.citations:
            typer.echo(f"  [{c.doc_id}] {c.title}")
        typer.echo(f"Confidence: {result.confidence:.2f}")
        if result.handoff.needed:
            typer.echo(f"Handoff: {result.handoff.reason}")
    typer.echo(
        f"({result.provider}/{result.model}, prompt {result.prompt.id} v{result.prompt.version}, "
        f"{result.usage.prompt_tokens}+{result.usage.completion_tokens} tokens, {result.latency_ms:.0f} ms)"
    )


def suggest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON with a 'conversation' list.")],
    stream: StreamOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """A suggested reply for the agent, with its sources, confidence and handoff advice."""
    request = _validate(ReplyInput, _read_conversation(file))
    with _open() as copilot:
        _emit(copilot.stream_suggest(request) if stream else iter([copilot.suggest(request)]), stream=stream,
              as_json=as_json)


def answer(
    question: Annotated[str, typer.Argument(help="The customer's question.")],
    stream: StreamOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """A self-serve answer from public help articles only (or a handoff)."""
    request = _validate(AnswerInput, {"question": question})
    with _open() as copilot:
        _emit(copilot.stream_answer(request) if stream else iter([copilot.answer(request)]), stream=stream,
              as_json=as_json)


def summarize(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON with a 'conversation' list.")],
    stream: StreamOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """A handover summary of the whole conversation."""
    request = _validate(ConversationInput, _read_conversation(file))
    with _open() as copilot:
        _emit(copilot.stream_summarize(request) if stream else iter([copilot.summarize(request)]), stream=stream,
              as_json=as_json)
