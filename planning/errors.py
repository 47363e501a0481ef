"""The one error a planner sees: :class:`PlanningError`, raised for input the planning tools cannot use.

It subclasses :class:`ValueError`, and its message says what is wrong and how to fix it, so the CLI prints it
as is and the API returns it as a 422 problem document.
"""

from __future__ import annotations

__all__ = ["PlanningError"]


class PlanningError(ValueError):
    """Input that cannot be planned from: a malformed history, an impossible shift rule, an unknown queue."""
