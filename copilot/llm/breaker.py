"""A per-provider circuit breaker.

``closed`` (calls flow; consecutive failures are counted) -> ``open`` after
``failure_threshold`` consecutive failures (calls are refused instantly) -> ``half_open`` once
``reset_s`` has passed (exactly one trial call is let through) -> ``closed`` if the trial succeeds,
back to ``open`` (for another ``reset_s``) if it fails. A success in ``closed`` resets the count.

Thread-safe; the clock is injectable so tests can move time by hand.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(StrEnum):
    """Breaker states; the values are the metric labels."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Consecutive-failure circuit breaker for one provider.

    Args:
        name: the provider label, passed to ``on_change``.
        failure_threshold: consecutive failures that open the breaker.
        reset_s: how long it stays open before a trial call is allowed.
        clock: monotonic seconds; ``time.monotonic`` by default.
        on_change: called as ``on_change(name, new_state)`` after each transition, outside the lock.

    Use :meth:`allow` before a call; then report exactly one of :meth:`record_success`,
    :meth:`record_failure` or :meth:`record_neutral` (the call failed for reasons that say nothing
    about the provider, e.g. our own deadline ran short).
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        reset_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[str, BreakerState], None] | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if reset_s < 0:
            raise ValueError("reset_s must not be negative")
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_s = reset_s
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state; an open breaker whose reset time has passed reads ``half_open``."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.reset_s:
                return BreakerState.HALF_OPEN
            return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        with self._lock:
            return self._failures

    def allow(self) -> bool:
        """Whether a call may go through now (in ``half_open``, only one trial at a time)."""
        changed: BreakerState | None = None
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.OPEN:
                if self._clock() - self._opened_at < self.reset_s:
                    return False
                self._state = changed = BreakerState.HALF_OPEN
                self._trial_in_flight = False
            if self._trial_in_flight:
                allowed = False
            else:
                self._trial_in_flight = allowed = True
        if changed is not None:
            self._notify(changed)
        return allowed

    def record_success(self) -> None:
        """The call succeeded: reset the count and close the breaker."""
        with self._lock:
            self._failures = 0
            self._trial_in_flight = False
            changed = self._state is not BreakerState.CLOSED
            self._state = BreakerState.CLOSED
        if changed:
            self._notify(BreakerState.CLOSED)

    def record_failure(self) -> None:
        """The call failed because of the provider: count it, open the breaker when due."""
        with self._lock:
            self._failures += 1
            self._trial_in_flight = False
            should_open = self._state is BreakerState.HALF_OPEN or (
                self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold
            )
            if should_open:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
        if should_open:
            self._notify(BreakerState.OPEN)

    def record_neutral(self) -> None:
        """The call ended without a verdict on the provider: free a half-open trial slot."""
        with self._lock:
            self._trial_in_flight = False

    def _notify(self, state: BreakerState) -> None:
        if self._on_change is not None:
            self._on_change(self.name, state)
