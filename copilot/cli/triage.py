"""``copilot triage``: classify a message, train the model, evaluate the intent head.

``copilot triage "text" [--json]`` classifies one customer message (``classify`` is the default command).
It reads retrieval evidence from the configured index, so beside a running service that holds the
embedded index it asks the service (``POST /v1/triage``). ``train``, ``eval`` and ``score`` build their
evidence from the sample knowledge base in memory and never open the configured index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from copilot.cli.remote import ApiKeyOpt, ApiUrlOpt, ServiceError, ensure_index_free, service_for
from copilot.settings import Settings
from copilot.triage.data import TriageDataError
from copilot.triage.model import TriageModelError
from copilot.triage.result import TriageResult


class _DefaultClassify(TyperGroup):
    """``copilot triage TEXT`` means ``copilot triage classify TEXT``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["classify", *args]
        return super().parse_args(ctx, args)


triage_app = typer.Typer(
    cls=_DefaultClassify,
    help="Triage: intent, risks, request type and handoff for a contact.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _describe(result: TriageResult) -> str:
    lines = [f"intent:   {', '.join(f'{i.intent} ({i.probability:.2f})' for i in result.intent)}",
             f"area:     {result.area}"]
    detected = [r for r in result.risks if r.detected]
    risks = ", ".join(f"{r.risk}{f' / {r.subtype}' if r.subtype else ''} ({r.probability:.2f}"
                      f"{', ' + r.source if r.source != 'model' else ''})" for r in detected) or "none"
    lines += [
        f"risks:    {risks}",
        f"urgency:  {result.urgency}",
        f"request:  {result.request} ({result.request_probability:.2f}); answerable: {result.answerable} "
        f"({result.answerable_probability:.2f})",
        f"language: {result.language}",
    ]
    if result.handoff.needed:
        why = "; ".join(f"{d.by}: {d.detail}" for d in result.handoff.decided_by)
        lines.append(f"handoff:  {result.handoff.reason} ({result.handoff.cause}) because {why}")
    else:
        lines.append("handoff:  none")
    if result.procedure:
        lines.append(f"procedure: {result.procedure}" + (f" (team {result.team})" if result.team else ""))
    lines.append(f"model:    {result.model_version}, {result.latency_ms:.1f} ms")
    return "\n".join(lines)


@triage_app.command("classify")
def classify(
    text: Annotated[str, typer.Argument(help="The customer's message.")],
    surface: Annotated[str, typer.Option(help="customer or agent.")] = "customer",
    as_json: JsonOpt = False,
    api_url: ApiUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """Triage one customer message (PII is masked first, as in a request)."""
    if surface not in ("customer", "agent"):
        raise _fail("--surface must be customer or agent")
    if not text.strip():
        raise _fail("the message is empty")
    from copilot.schemas import ConversationTurn, ReplyInput
    from copilot.service import Copilot

    settings = Settings()
    service = service_for(settings, api_url, api_key)
    if service is not None:
        body = {"conversation": [{"role": "customer", "text": text}], "surface": surface}
        with service:
            try:
                result = TriageResult.model_validate(service.post("/v1/triage", "agent", body))
            except ServiceError as exc:
                raise _fail(str(exc), 1) from exc
        typer.echo(result.model_dump_json() if as_json else _describe(result))
        return
    ensure_index_free(settings)
    try:
        with Copilot.from_settings(settings) as copilot:
            result = copilot.triage(ReplyInput(conversation=[ConversationTurn(role="customer", text=text)]),
                                    surface=surface)  # type: ignore[arg-type]
    except TriageModelError as exc:
        raise _fail(str(exc), 1) from exc
    typer.echo(result.model_dump_json() if as_json else _describe(result))


@triage_app.command("train")
def train_command(
    banking77: Annotated[Path | None, typer.Option(help="BANKING77 train.jsonl for the intent head.")] = None,
    out: Annotated[Path | None, typer.Option(help="Where to write the model (default: the packaged one).")] = None,
    embedding_model: Annotated[str | None, typer.Option(help="Train for this embedding model.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Train the triage model from the team's labelled data (fixed seed: same data, same model)."""
    from copilot.triage.build import DEFAULT_BANKING77, default_output, train
    from knowledge_base.embeddings import build_embedder_for

    settings = Settings()
    if embedding_model:
        settings = settings.model_copy(update={"embedding_model": embedding_model})
    if banking77 is None and DEFAULT_BANKING77.is_file():
        banking77 = DEFAULT_BANKING77
    embedder = build_embedder_for(settings.retrieval_config())
    try:
        model, report = train(embedder, banking77=banking77)
    except (TriageDataError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    path = out or default_output(embedder)
    model.save(path)
    summary: dict[str, Any] = {"model": str(path), "version": model.version, "thresholds": report.thresholds,
                               "heads": {h.name: {"rows": h.rows, **h.oof} for h in report.heads}}
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"Trained {model.version} -> {path}")
    for h in report.heads:
        typer.echo(f"  {h.name:<28} {h.rows:>6} rows  " + "  ".join(f"{k} {v}" for k, v in h.oof.items()))


@triage_app.command("eval")
def eval_command(
    train: Annotated[Path, typer.Option("--train", help="JSONL with conversation and intent to train on.")],
    cases: Annotated[Path, typer.Option("--cases", help="JSONL with conversation and intent to score.")],
    as_json: JsonOpt = False,
) -> None:
    """Train a throwaway intent head on --train (cached by content hash) and score --cases."""
    from copilot.triage.intent_eval import evaluate_intents, intent_head
    from knowledge_base.embeddings import build_embedder_for

    settings = Settings()
    for path in (train, cases):
        if not path.is_file():
            raise _fail(f"{path}: no such file")
    config = settings.retrieval_config()
    cached_embedder = build_embedder_for(config)
    try:
        head, cached = intent_head(train, cached_embedder.embed, embedding_model=config.embedding_model,
                                   cache_dir=settings.data_dir / "triage-eval")
        # Latency is what a request pays: the message's embedding is computed, not read from a cache.
        result = evaluate_intents(head, cases, build_embedder_for(config, cached=False).embed, cached=cached)
    except (TriageDataError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo(f"{result.cases} cases: accuracy {result.accuracy:.4f}, macro-F1 {result.macro_f1:.4f}, "
               f"latency p50 {result.latency_ms_p50:.1f} ms, p95 {result.latency_ms_p95:.1f} ms"
               f"{' (model from cache)' if cached else ''}")


@triage_app.command("score")
def score_command(
    cases: Annotated[Path, typer.Option("--cases", help="Labelled triage JSONL (evals/datasets/triage_test.jsonl).")],
    as_json: JsonOpt = False,
) -> None:
    """Score the configured triage model on a labelled triage file (handoffs, risks, requests, calibration)."""
    from copilot.triage.build import CONTENT_DIR
    from copilot.triage.classifier import Triage
    from copilot.triage.data import load_examples
    from copilot.triage.scoring import kb_evidence, score
    from knowledge_base.embeddings import build_embedder_for

    settings = Settings()
    try:
        examples = load_examples(cases)
        embedder = build_embedder_for(settings.retrieval_config())
        triage = Triage.for_embedder(embedder, path=settings.triage_model_path)
    except (TriageDataError, TriageModelError) as exc:
        raise _fail(str(exc)) from exc
    with kb_evidence(embedder, CONTENT_DIR) as evidence:
        result = score(triage, examples, evidence)
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo(f"{result.cases} cases, model {triage.version}")
    for key, value in result.figures.items():
        typer.echo(f"  {key:<28} {value:.4f}")
    for risk, figures in result.per_risk.items():
        typer.echo(f"  {risk:<28} precision {figures['precision']:.3f}  recall {figures['recall']:.3f}  "
                   f"(support {figures['support']:.0f})")
