"""What the app opens once at start-up and every request uses."""

from __future__ import annotations

from dataclasses import dataclass

from api.kb_admin import KbAdmin
from api.metrics import Metrics
from api.settings import ApiSettings
from copilot.service import Copilot
from copilot.settings import Settings
from copilot.store import Store
from routing.service import RoutingService

__all__ = ["Services"]


@dataclass(frozen=True)
class Services:
    """The opened copilot (knowledge base, gateway, pipelines), store, metrics, KB administration and router."""

    settings: Settings
    api: ApiSettings
    copilot: Copilot
    store: Store
    metrics: Metrics
    kb_admin: KbAdmin
    routing: RoutingService | None = None
