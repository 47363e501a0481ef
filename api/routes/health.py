"""Operations endpoints (no API key): ``/healthz``, ``/readyz`` and ``/metrics``.

``/metrics`` carries no customer data, but keep it (and the probes) off the public ingress.
"""

from __future__ import annotations

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.deps import ServicesDep
from api.metrics import CONTENT_TYPE_LATEST
from api.openapi import problems
from api.problems import problem_response
from api.schemas import CheckResult, Health, Readiness
from api.services import Services
from copilot.llm.breaker import BreakerState

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="getHealth", summary="Liveness: the process is up", response_model=Health)
async def healthz() -> Health:
    """Always 200 while the process serves requests; checks no dependency."""
    return Health(status="ok")


def _check_index(services: Services) -> CheckResult:
    index = services.copilot.kb.index
    if not index.exists():
        return CheckResult(ok=False, detail="no collection behind the alias: run `copilot kb ingest`")
    chunks = index.count()
    if chunks == 0:
        return CheckResult(ok=False, detail="the index is empty: run `copilot kb ingest`")
    return CheckResult(ok=True, detail=f"{chunks} chunks")


def _check_store(services: Services) -> CheckResult:
    if services.store.ping():
        return CheckResult(ok=True, detail="answers")
    return CheckResult(ok=False, detail="does not answer")


def _check_llm(services: Services) -> CheckResult:
    gateway = services.copilot.gateway
    if not gateway.available:
        return CheckResult(ok=True, detail="no provider configured: extractive drafting")
    states = gateway.breaker_states()
    usable = [name for name, state in states.items() if state is not BreakerState.OPEN]
    summary = ", ".join(f"{name}={state.value}" for name, state in states.items())
    if usable:
        return CheckResult(ok=True, detail=summary)
    degraded = f"every provider's breaker is open ({summary}): answering extractively"
    return CheckResult(ok=not services.api.ready_requires_llm, detail=degraded)


async def _run_check(name: str, services: Services) -> CheckResult:
    functions = {"index": _check_index, "store": _check_store, "llm": _check_llm}
    try:
        with anyio.fail_after(services.api.readiness_timeout_s):
            # abandon_on_cancel: a hung dependency must not hold the probe past its timeout.
            return await anyio.to_thread.run_sync(functions[name], services, abandon_on_cancel=True)
    except TimeoutError:
        return CheckResult(ok=False, detail=f"no answer within {services.api.readiness_timeout_s:g} s")
    except Exception as exc:  # a probe reports, it does not fail
        return CheckResult(ok=False, detail=f"check failed: {type(exc).__name__}")


@router.get(
    "/readyz",
    operation_id="getReadiness",
    summary="Readiness: index, store and model chain usable",
    response_model=Readiness,
    responses=problems(503),
)
async def readyz(request: Request, services: ServicesDep) -> Response:
    """200 when the index has content, the store answers and a provider (or extractive drafting) can draft.

    Otherwise 503 with each check's result. All providers' breakers open fails readiness only when
    ``COPILOT_API_READY_REQUIRES_LLM`` is set: the service still answers, extractively.
    """
    results: dict[str, CheckResult] = {}

    async def run(name: str) -> None:
        results[name] = await _run_check(name, services)

    async with anyio.create_task_group() as group:
        for name in ("index", "store", "llm"):
            group.start_soon(run, name)
    checks = {name: results[name] for name in ("index", "store", "llm")}
    if all(c.ok for c in checks.values()):
        return JSONResponse(Readiness(status="ready", checks=checks).model_dump(mode="json"))
    failing = ", ".join(name for name, c in checks.items() if not c.ok)
    return problem_response(
        request.scope, 503, "not-ready", f"Not ready: {failing}.",
        headers={"Retry-After": str(services.api.retry_after_s)},
        extra={"checks": {name: c.model_dump() for name, c in checks.items()}},
    )


@router.get(
    "/metrics",
    operation_id="getMetrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"description": "Prometheus text exposition.", "content": {"text/plain": {"schema": {"type": "string"}}}}
    },
)
async def metrics(services: ServicesDep) -> Response:
    """Request counts and latencies per route, LLM latency, tokens, cost, fallbacks, breakers, handoffs, feedback."""
    return Response(services.metrics.render(), media_type=CONTENT_TYPE_LATEST)
