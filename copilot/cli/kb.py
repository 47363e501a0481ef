"""``copilot kb``: ingest, search and evaluate the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from copilot.settings import Settings
from knowledge_base.evaluation import evaluate_retrieval, load_retrieval_cases, open_eval_kb
from knowledge_base.search import CallerAudience, SearchFilters
from knowledge_base.service import KnowledgeBase

kb_app = typer.Typer(help="Knowledge base: ingest documents, search, evaluate retrieval.", no_args_is_help=True)

DEFAULT_CONTENT = Path(__file__).resolve().parents[2] / "knowledge_base" / "content"


def _err(message: str) -> None:
    typer.echo(message, err=True)


@kb_app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="JSONL files and/or folders of Markdown/JSONL documents.")],
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Build a new collection, then swap the alias.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Chunk, embed and upsert documents; only what changed is re-embedded.

    Exits 1 when any document was rejected (the rest is still ingested).
    """
    settings = Settings()
    with KnowledgeBase(settings.retrieval_config()) as kb:
        report = kb.ingest(paths, rebuild=rebuild)
        total = kb.index.count()
    for error in report.errors:
        _err(f"error: {error}")
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "chunks_in_index": total}))
    else:
        if not report.changed and not report.rebuilt:
            typer.echo(f"Nothing changed: {report.documents_unchanged} documents up to date, nothing embedded.")
        else:
            typer.echo(
                f"{'Rebuilt' if report.rebuilt else 'Updated'} {report.collection}: "
                f"{report.documents_added} added, {report.documents_updated} updated, "
                f"{report.documents_deleted} deleted, {report.documents_unchanged} unchanged; "
                f"{report.chunks_written} chunks written ({report.chunks_embedded} embedded), "
                f"{report.chunks_deleted} removed in {report.seconds:.1f}s."
            )
        for root in report.deletions_skipped_for:
            typer.echo(f"Deletions skipped for {root}: it had errors, so nothing from it was removed.")
        typer.echo(f"Index holds {total} chunks.")
        if report.errors:
            typer.echo(f"{len(report.errors)} document(s) rejected; see the errors above.")
    raise typer.Exit(1 if report.errors else 0)


@kb_app.command("prepare-model")
def prepare_model() -> None:
    """Load the embedding model once, so that the first request does not.

    On ONNX Runtime this makes the export into the model cache (about 8 s, once per model and exporter
    version): run it when building an image or deploying.
    """
    from knowledge_base.embeddings import HashingEmbedder, build_embedder_for
    from knowledge_base.onnx_embedder import OnnxEmbedder

    embedder = build_embedder_for(Settings().retrieval_config(), cached=False)
    dims = embedder.embed(["Where is my new card?"]).shape[1]
    if isinstance(embedder, OnnxEmbedder):
        backend = embedder.backend
    else:
        backend = "none (deterministic fake)" if isinstance(embedder, HashingEmbedder) else "torch"
    typer.echo(f"model {embedder.name}: {dims} dimensions, backend {backend}")
    if isinstance(embedder, OnnxEmbedder) and backend == "onnx":
        typer.echo(f"ONNX export: {embedder.onnx_path}")


@kb_app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="The question (or the customer's last message).")],
    audience: Annotated[CallerAudience, typer.Option(help="Who the results are for.")] = CallerAudience.CUSTOMER,
    k: Annotated[int, typer.Option(min=1, max=50)] = 5,
    kind: Annotated[list[str] | None, typer.Option(help="Only these kinds (article, resolution).")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Only documents with one of these tags.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Ranked documents with id, title, score and the matching passage."""
    from knowledge_base.documents import DocumentKind

    try:
        kinds = tuple(DocumentKind(x) for x in kind or ())
    except ValueError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from exc
    settings = Settings()
    with KnowledgeBase(settings.retrieval_config()) as kb:
        if not kb.index.exists():
            _err("error: the index is empty; run `copilot kb ingest knowledge_base/content` first")
            raise typer.Exit(1)
        filters = SearchFilters(kinds=kinds, tags=tuple(tag or ()))
        hits = kb.retriever.search(text, audience=audience, k=k, filters=filters)
    if as_json:
        typer.echo(json.dumps([h.as_dict() for h in hits], ensure_ascii=False))
        return
    if not hits:
        typer.echo("No results.")
    for rank, hit in enumerate(hits, start=1):
        typer.echo(
            f"{rank}. {hit.title}  [{hit.doc_id}]  score={hit.score:.4f}  ({hit.kind.value}, {hit.audience.value})"
        )
        if hit.passages:
            passage = " ".join(hit.passages[0].text.split())
            typer.echo(f"   {passage[:300]}{'...' if len(passage) > 300 else ''}")


@kb_app.command("eval")
def kb_eval(
    kb_file: Annotated[Path, typer.Option("--kb", exists=True, dir_okay=False, help="KB documents (JSONL).")],
    cases_file: Annotated[Path, typer.Option("--cases", exists=True, dir_okay=False, help="Labelled cases (JSONL).")],
    k: Annotated[int, typer.Option(min=1, max=100)] = 10,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N cases.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Retrieval quality on labelled conversations, against a throwaway index of the KB file."""
    settings = Settings()
    cases, errors = load_retrieval_cases(cases_file)
    for error in errors:
        _err(f"error: {error}")
    if limit:
        cases = cases[:limit]
    if not cases:
        _err("error: no case with relevant_doc_ids to evaluate")
        raise typer.Exit(1)
    try:
        kb = open_eval_kb(settings.retrieval_config(), kb_file)
    except ValueError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(1) from exc
    with kb:
        result = evaluate_retrieval(kb.retriever, cases, k=k)
    if as_json:
        typer.echo(json.dumps(result.metrics))
        return
    width = max(len(name) for name in result.metrics)
    for name, value in result.metrics.items():
        typer.echo(f"{name:<{width}}  {value}")
    sys.stdout.flush()
