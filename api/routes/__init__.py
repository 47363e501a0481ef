"""One router per resource; :data:`ROUTERS` is the order they are mounted in."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    agents,
    answers,
    contacts,
    evals,
    feedback,
    health,
    interactions,
    kb,
    planning,
    queues,
    suggestions,
    summaries,
    triage,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    suggestions.router,
    answers.router,
    summaries.router,
    triage.router,
    contacts.router,
    agents.router,
    queues.router,
    planning.router,
    feedback.router,
    interactions.router,
    kb.router,
    evals.router,
    health.router,
)
