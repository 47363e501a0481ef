"""The router's settings (``COPILOT_ROUTING_*``): its rules file, the sweep interval, where events go."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from routing.rules import DEFAULT_RULES

__all__ = ["RoutingSettings"]


class RoutingSettings(BaseSettings):
    """Read from the environment once, at start-up.

    Attributes:
        rules_path: the routing rules (YAML); the shipped ones by default.
        sweep_interval_s: how often expired offers are requeued and free agents matched with waiting contacts.
        nats_url: publish the outbox to NATS JetStream there; unset keeps the events in the store only.
        nats_stream: the JetStream stream (subjects ``<nats_prefix>.>``).
        seed_agents_from_keys: give every agent-scope API key an agent record (all skills, level 3) when it
            has none, so a new installation can route at once; supervisors set real skills with the API.
    """

    model_config = SettingsConfigDict(env_prefix="COPILOT_ROUTING_", extra="ignore")

    rules_path: Path = DEFAULT_RULES
    sweep_interval_s: float = Field(default=1.0, gt=0, le=60)
    nats_url: str | None = None
    nats_stream: str = "ROUTING"
    nats_prefix: str = "routing"
    seed_agents_from_keys: bool = True
