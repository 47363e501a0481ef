"""Orchestration layer of the support copilot: settings, LLM gateway, pipelines, guardrails, store, CLI."""

__version__ = "0.1.0"
