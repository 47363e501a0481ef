"""``copilot suggest``, ``copilot answer`` and ``copilot summarize``.

Each needs the index (summaries too: their triage reads retrieval evidence). Beside a running service
that holds the embedded index, the service runs them (``POST /v1/suggestions``, ``/v1/answers``,
``/v1/summaries``; ``--stream`` over server-sent events), which also stores the interaction as the
service does for any request.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from pydantic import BaseModel, ValidationError

from copilot.cli.remote import ApiKeyOpt, ApiUrlOpt, ServiceClient, ServiceError, ensure_index_free, fail, service_for
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


def _open(settings: Settings) -> Any:
    from copilot.service import Copilot

    ensure_index_free(settings)
    return Copilot.from_settings(settings)


def _through(
    service: ServiceClient, path: str, scope: Literal["agent", "customer"], request: BaseModel,
    result: type[Suggestion | Answer | Summary], *, stream: bool,
) -> Iterator[str | Suggestion | Answer | Summary]:
    """The service's deltas (when streaming) and then its result, as the local pipelines yield them."""
    body = request.model_dump(mode="json", exclude_none=True)
    try:
        if not stream:
            yield result.model_validate(service.post(path, scope, body))
            return
        for event, data in service.stream(path, scope, body):
            if event == "delta":
                yield str(data.get("text", ""))
            elif event == "result":
                yield result.model_validate(data)
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    finally:
        service.close()


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
    if result is None:
        raise fail("the stream ended before its result")
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
    api_url: ApiUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """A suggested reply for the agent, with its sources, confidence and handoff advice."""
    request = _validate(ReplyInput, _read_conversation(file))
    settings = Settings()
    service = service_for(settings, api_url, api_key)
    if service is not None:
        _emit(_through(service, "/v1/suggestions", "agent", request, Suggestion, stream=stream), stream=stream,
              as_json=as_json)
        return
    with _open(settings) as copilot:
        _emit(copilot.stream_suggest(request) if stream else iter([copilot.suggest(request)]), stream=stream,
              as_json=as_json)


def answer(
    question: Annotated[str, typer.Argument(help="The customer's question.")],
    stream: StreamOpt = False,
    as_json: JsonOpt = False,
    api_url: ApiUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """A self-serve answer from public help articles only (or a handoff)."""
    request = _validate(AnswerInput, {"question": question})
    settings = Settings()
    service = service_for(settings, api_url, api_key)
    if service is not None:
        _emit(_through(service, "/v1/answers", "customer", request, Answer, stream=stream), stream=stream,
              as_json=as_json)
        return
    with _open(settings) as copilot:
        _emit(copilot.stream_answer(request) if stream else iter([copilot.answer(request)]), stream=stream,
              as_json=as_json)


def summarize(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON with a 'conversation' list.")],
    stream: StreamOpt = False,
    as_json: JsonOpt = False,
    api_url: ApiUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """A handover summary of the whole conversation."""
    request = _validate(ConversationInput, _read_conversation(file))
    settings = Settings()
    service = service_for(settings, api_url, api_key)
    if service is not None:
        _emit(_through(service, "/v1/summaries", "agent", request, Summary, stream=stream), stream=stream,
              as_json=as_json)
        return
    with _open(settings) as copilot:
        _emit(copilot.stream_summarize(request) if stream else iter([copilot.summarize(request)]), stream=stream,
              as_json=as_json)
