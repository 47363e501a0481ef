"""``copilot kb``: ingest, search and evaluate the knowledge base.

``ingest`` and ``search`` need the index: beside a running service that holds the embedded index they
go through the service (:mod:`copilot.cli.remote`). ``prepare-model`` and ``eval`` (a throwaway index
of its own) never open the configured index.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from copilot.cli.remote import (
    ApiKeyOpt,
    ApiUrlOpt,
    ServiceClient,
    ServiceError,
    ensure_index_free,
    fail,
    service_for,
)
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
    api_url: ApiUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """Chunk, embed and upsert documents; only what changed is re-embedded.

    Beside a running service that holds the index, the service does it: paths among its sources start
    a re-index, other documents are upserted one by one (admin key). Exits 1 when any document was
    rejected (the rest is still ingested).
    """
    settings = Settings()
    service = service_for(settings, api_url, api_key)
    if service is not None:
        with service:
            try:
                errors = _ingest_through(service, paths, rebuild=rebuild, as_json=as_json)
            except ServiceError as exc:
                raise fail(str(exc)) from exc
        raise typer.Exit(1 if errors else 0)
    ensure_index_free(settings)
    with KnowledgeBase(settings.retrieval_config()) as kb:
        report = kb.ingest(paths, rebuild=rebuild)
        total = kb.index.count()
    _print_report(report.as_dict(), total, as_json=as_json)
    raise typer.Exit(1 if report.errors else 0)


def _print_report(report: dict[str, Any], total: int | None, *, as_json: bool) -> None:
    """An ingest report (``IngestReport.as_dict()``), on stderr its errors; ``total`` is the index's chunks."""
    errors = report["errors"]
    for error in errors:
        _err(f"error: {error}")
    if as_json:
        typer.echo(json.dumps({**report, "chunks_in_index": total}))
        return
    changed = report["documents_added"] or report["documents_updated"] or report["documents_deleted"]
    if not changed and not report["rebuilt"]:
        typer.echo(f"Nothing changed: {report['documents_unchanged']} documents up to date, nothing embedded.")
    else:
        typer.echo(
            f"{'Rebuilt' if report['rebuilt'] else 'Updated'} {report['collection']}: "
            f"{report['documents_added']} added, {report['documents_updated']} updated, "
            f"{report['documents_deleted']} deleted, {report['documents_unchanged']} unchanged; "
            f"{report['chunks_written']} chunks written ({report['chunks_embedded']} embedded), "
            f"{report['chunks_deleted']} removed in {report['seconds']:.1f}s."
        )
    for root in report["deletions_skipped_for"]:
        typer.echo(f"Deletions skipped for {root}: it had errors, so nothing from it was removed.")
    if total is not None:
        typer.echo(f"Index holds {total} chunks.")
    if errors:
        typer.echo(f"{len(errors)} document(s) rejected; see the errors above.")


def _within(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == root or resolved.is_relative_to(root) for root in roots)


def _ingest_through(service: ServiceClient, paths: list[Path], *, rebuild: bool, as_json: bool) -> list[str]:
    """``kb ingest`` by the service; the rejected documents' errors.

    Paths among the service's sources are what its re-index rebuilds from, so they start one (a new
    collection, then the alias swap: the same end state as an incremental ingest). Any other document
    is upserted through the API, which keeps it as an API-managed document (it overrides a source
    document with the same id until it is deleted), so that the service's re-indexes keep it too.
    """
    own = [p for p in paths if _within(p, service.kb_sources)]
    other = [p for p in paths if p not in own]
    if other and rebuild:
        raise ServiceError(
            f"--rebuild through the service at {service.url} rebuilds its own sources only "
            f"({', '.join(str(s) for s in service.kb_sources) or 'none known'}): run it without --rebuild to "
            f"upsert {', '.join(str(p) for p in other)}"
        )
    errors: list[str] = []
    if other:
        errors += _upsert_through(service, other, as_json=as_json)
    if own:
        errors += _reindex_through(service, as_json=as_json)
    return errors


def _upsert_through(service: ServiceClient, paths: list[Path], *, as_json: bool) -> list[str]:
    from knowledge_base.loaders import load_paths

    loaded = load_paths(paths)
    errors = [str(e) for e in loaded.errors]
    for error in errors:
        _err(f"error: {error}")
    results: Counter[str] = Counter()
    changes: list[dict[str, Any]] = []
    for source in loaded.documents:
        document = source.document
        body = document.model_dump(mode="json", exclude={"id"})
        try:
            change = service.put(service.document_path(document.id), "admin", body)
        except ServiceError as exc:
            if exc.status not in (400, 404, 413, 422):  # not this document's fault: nothing else would pass
                raise
            errors.append(f"{source.source}: {document.id}: {exc}")
            _err(f"error: {errors[-1]}")
            continue
        results[str(change["result"])] += 1
        changes.append(change)
    if as_json:
        typer.echo(json.dumps({"service": service.url, "upserted": changes, "errors": errors}))
    else:
        typer.echo(
            f"Upserted through the service at {service.url}: {results['created']} created, "
            f"{results['updated']} updated, {results['unchanged']} unchanged; kept as API-managed documents "
            "(each overrides a source document with the same id until it is deleted)."
        )
        if errors:
            typer.echo(f"{len(errors)} document(s) rejected; see the errors above.")
    return errors


def _reindex_through(service: ServiceClient, *, as_json: bool, poll_s: float = 0.5) -> list[str]:
    job = service.post("/v1/kb/reindex", "admin")
    if not as_json:
        typer.echo(f"Re-index {job['id']} started by the service at {service.url}; waiting for it to finish.")
    while job["status"] in ("queued", "running"):
        time.sleep(poll_s)
        job = service.get(f"/v1/kb/reindex/{job['id']}", "admin")
    if job["status"] != "succeeded" or job.get("report") is None:
        raise ServiceError(f"re-index {job['id']} failed: {job.get('error') or job['status']}")
    report: dict[str, Any] = job["report"]
    # A rebuild writes every chunk into the new collection: what it wrote is what the index holds.
    _print_report(report, int(report["chunks_written"]), as_json=as_json)
    return [str(e) for e in report["errors"]]


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
    api_url: ApiUrlOpt = None,
    api_key: ApiKeyOpt = None,
) -> None:
    """Ranked documents with id, title, score and the matching passage.

    Beside a running service that holds the index, the service searches (with the audience's key).
    """
    from knowledge_base.documents import DocumentKind

    try:
        kinds = tuple(DocumentKind(x) for x in kind or ())
    except ValueError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from exc
    settings = Settings()
    service = service_for(settings, api_url, api_key)
    if service is not None:
        with service:
            try:
                hits = _search_through(service, text, audience=audience, k=k, kinds=kinds, tags=tag or [])
            except ServiceError as exc:
                raise fail(str(exc)) from exc
        _print_hits(hits, as_json=as_json)
        return
    ensure_index_free(settings)
    with KnowledgeBase(settings.retrieval_config()) as kb:
        if not kb.index.exists():
            _err("error: the index is empty; run `copilot kb ingest knowledge_base/content` first")
            raise typer.Exit(1)
        filters = SearchFilters(kinds=kinds, tags=tuple(tag or ()))
        found = kb.retriever.search(text, audience=audience, k=k, filters=filters)
    _print_hits([h.as_dict() for h in found], as_json=as_json)


def _search_through(
    service: ServiceClient, text: str, *, audience: CallerAudience, k: int, kinds: tuple[Any, ...], tags: list[str]
) -> list[dict[str, Any]]:
    params: list[tuple[str, str | int]] = [("q", text), ("k", k)]
    params += [("kind", kind.value) for kind in kinds] + [("tag", t) for t in tags]
    scope: Literal["agent", "customer"] = "agent" if audience is CallerAudience.AGENT else "customer"
    body = service.get("/v1/kb/search", scope, params=params)
    if body["audience"] != audience.value:
        # The key's scope decides whose access filter applies: never show one audience's results as another's.
        raise ServiceError(
            f"the service searched as {body['audience']}, not {audience.value}, with this key: pass a key with "
            f"the {scope!r} scope only"
        )
    results: list[dict[str, Any]] = body["results"]
    return results


def _print_hits(hits: list[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(hits, ensure_ascii=False))
        return
    if not hits:
        typer.echo("No results.")
    for rank, hit in enumerate(hits, start=1):
        typer.echo(
            f"{rank}. {hit['title']}  [{hit['doc_id']}]  score={hit['score']:.4f}  ({hit['kind']}, {hit['audience']})"
        )
        if hit["passages"]:
            passage = " ".join(hit["passages"][0]["text"].split())
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
