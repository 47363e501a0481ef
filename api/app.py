"""The app factory: ``create_app(settings)`` builds the FastAPI app; its lifespan opens what requests share.

Opened once, at start-up (and closed at shutdown, unless the caller passed them in):

- the :class:`~copilot.service.Copilot` (knowledge base, LLM gateway with the metrics as its observer,
  prompts, pipelines), its embedder warmed up so the first request does not pay for loading a model;
- the :class:`~copilot.store.Store`, migrated to the newest schema;
- the knowledge-base administration (re-index jobs).

The metrics registry, the key ring and the rate limiter belong to the app object itself, so two
apps in one process (tests) share nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from prometheus_client import CollectorRegistry
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match
from starlette.types import Scope

from api.auth import KeyRing
from api.failures import install_failure_handlers
from api.kb_admin import KbAdmin, ManagedDocuments
from api.metrics import Metrics
from api.middleware import ApiMiddleware
from api.openapi import finish_openapi
from api.problems import install_problem_handlers
from api.ratelimit import RateLimiter
from api.routes import ROUTERS
from api.schemas import ReadinessProblem
from api.services import Services
from api.settings import ApiSettings
from api.static import mount_web
from copilot import __version__ as COPILOT_VERSION
from copilot.logging_setup import configure_logging
from copilot.service import Copilot
from copilot.settings import Settings
from copilot.store import EngineOptions, Store, sqlite_url
from routing.service import RoutingService

log = logging.getLogger(__name__)

__all__ = ["app_from_env", "create_app", "open_store"]

_DESCRIPTION = """\
The AI layer under the support surfaces: suggested replies and handover summaries for agents,
self-serve answers for customers, agents' feedback, and knowledge-base search and administration.

Authenticate with `Authorization: Bearer <key>` or `X-API-Key: <key>`. Every error is an
`application/problem+json` document with a stable `type` and the `request_id`.
"""


class CopilotAPI(FastAPI):
    """FastAPI with the problem-document rewrite of the OpenAPI document."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            document = get_openapi(
                title=self.title,
                version=self.version,
                description=self.description,
                routes=self.routes,
                tags=self.openapi_tags,
            )
            finish_openapi(document, extra_problem_models={"GET /readyz 503": ReadinessProblem})
            self.openapi_schema = document
        return self.openapi_schema


def open_store(settings: Settings) -> Store:
    """The store the settings name (SQLite under the data dir unless ``COPILOT_DATABASE_URL`` is set)."""
    return Store(
        settings.database_url or sqlite_url(settings.data_dir),
        EngineOptions(
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout_s=settings.database_pool_timeout_s,
            connect_timeout_s=settings.database_connect_timeout_s,
            sqlite_busy_timeout_s=settings.database_sqlite_busy_timeout_s,
        ),
    )


def _route_matcher(routes: Sequence[APIRoute]) -> Any:
    def route_of(scope: Scope) -> str | None:
        partial: str | None = None
        for route in routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route.path_format
            if match is Match.PARTIAL and partial is None:
                partial = route.path_format
        return partial

    return route_of


def create_app(
    settings: Settings,
    *,
    api_settings: ApiSettings | None = None,
    copilot: Copilot | None = None,
    store: Store | None = None,
    registry: CollectorRegistry | None = None,
    routing: RoutingService | None = None,
) -> FastAPI:
    """Build the app.

    Args:
        settings: the copilot's settings (data dir, providers, store URL, ...).
        api_settings: the HTTP layer's settings; read from the environment when omitted.
        copilot: an opened copilot to use (tests); built from ``settings`` at start-up when omitted.
        store: a store to use (tests); opened from ``settings`` at start-up when omitted. Migrated either way.
        registry: the Prometheus registry; a fresh one when omitted.
        routing: an opened routing service (tests); opened on the store's database at start-up when omitted.

    What the caller passes in, the caller closes.
    """
    api = api_settings if api_settings is not None else ApiSettings()
    metrics = Metrics(registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = api.worker_threads
        async with AsyncExitStack() as stack:
            if copilot is None:
                opened = await run_in_threadpool(lambda: Copilot.from_settings(settings, observers=[metrics]))
                stack.callback(opened.close)
            else:
                opened = copilot
                opened.gateway.add_observer(metrics)
            the_store = store
            if the_store is None:
                the_store = open_store(settings)
                stack.callback(the_store.close)
            await run_in_threadpool(the_store.migrate)
            await run_in_threadpool(opened.kb.embedder.embed, ["warm-up"])
            started = time.perf_counter()
            warmed = await run_in_threadpool(opened.warm)
            log.info("warmed the embedding cache", extra={"texts": warmed,
                                                          "ms": round((time.perf_counter() - started) * 1000)})
            metrics.set_breakers(opened.gateway.breaker_states())
            kb_admin = KbAdmin(opened.kb, ManagedDocuments(settings.data_dir / "kb-managed"), api.kb_sources)
            stack.callback(kb_admin.close)
            the_router = routing
            if the_router is None:
                url = settings.database_url or sqlite_url(settings.data_dir)
                the_router = await run_in_threadpool(RoutingService.open, url)
                stack.callback(the_router.close)
            agents = [k.name for k in api.keys if "agent" in k.scopes]
            if the_router.settings.seed_agents_from_keys:
                await run_in_threadpool(the_router.seed_agents, agents)
            the_router.start()
            metrics.watch_routing(the_router)
            app.state.services = Services(
                settings=settings, api=api, copilot=opened, store=the_store, metrics=metrics, kb_admin=kb_admin,
                routing=the_router,
            )
            try:
                yield
            finally:
                app.state.services = None

    app = CopilotAPI(
        title="Support Copilot API",
        version=COPILOT_VERSION,
        description=_DESCRIPTION,
        lifespan=lifespan,
        redirect_slashes=False,  # a trailing slash is a 404 problem, not a 307 to a route that may not fit
        openapi_tags=[
            {"name": "suggestions", "description": "Suggested replies for agents."},
            {"name": "answers", "description": "Self-serve answers for customers (public articles only)."},
            {"name": "summaries", "description": "Handover summaries."},
            {"name": "feedback", "description": "Agents' verdicts on suggestions."},
            {"name": "interactions", "description": "What the copilot produced, as stored (PII-masked)."},
            {"name": "knowledge-base", "description": "Search, and administration (admin scope)."},
            {"name": "contacts", "description": "Routing contacts to queues and agents."},
            {"name": "agents", "description": "Agents' status and their live offers (routing)."},
            {"name": "queues", "description": "Live queue figures (routing)."},
            {"name": "operations", "description": "Probes and metrics (no API key)."},
        ],
    )
    for router in ROUTERS:
        app.include_router(router)
    mount_web(app)  # after the API routes, so they always come first
    install_problem_handlers(app)
    install_failure_handlers(app, api.retry_after_s)
    api_routes = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    app.add_middleware(
        ApiMiddleware,
        keys=KeyRing(api.keys),
        limiter=RateLimiter(api.rate_per_minute, api.rate_burst),
        metrics=metrics,
        route_of=_route_matcher(api_routes),
        max_body_bytes=api.max_body_bytes,
    )
    if api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=api.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Accept", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "Location"],
            max_age=600,
        )
    return app


def app_from_env() -> FastAPI:
    """The app from the environment alone (``uvicorn --factory api.app:app_from_env``, reload, workers).

    Configures logging (JSON, PII-redacted) first, since a server process has nobody else to do it.
    """
    api = ApiSettings()
    configure_logging(api.log_level, json=api.log_json)
    return create_app(Settings(), api_settings=api)
