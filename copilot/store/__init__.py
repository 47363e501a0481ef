"""The interaction and feedback store: what the copilot produced, and what agents made of it.

SQLite under the data dir by default (:func:`sqlite_url`), PostgreSQL in production, same code::

    store = Store(sqlite_url(settings.data_dir))      # or Store(settings.database_url)
    store.migrate()                                   # once, at start-up or deploy
    interaction_id = store.record_interaction(surface="suggestion", principal="agent-desk", ...)
    store.add_feedback(interaction_id, "edited", edited_text="...", principal="agent-desk")
    export_feedback_candidates(store, sys.stdout)     # sent replies -> candidate past resolutions

Errors: :class:`StoreError` (the database failed) and its subclass :class:`NotFound`; bad arguments
raise ``ValueError``. Migrations: :mod:`copilot.store.migrate`.
"""

from copilot.store._engine import EngineOptions
from copilot.store.errors import NotFound, StoreError
from copilot.store.export import export_feedback_candidates
from copilot.store.models import FEEDBACK_REASONS, SURFACES, VERDICTS, FeedbackReason, Surface, Verdict
from copilot.store.repository import FeedbackCandidate, FeedbackView, InteractionView, Store, sqlite_url

__all__ = [
    "FEEDBACK_REASONS",
    "SURFACES",
    "VERDICTS",
    "EngineOptions",
    "FeedbackCandidate",
    "FeedbackReason",
    "FeedbackView",
    "InteractionView",
    "NotFound",
    "Store",
    "StoreError",
    "Surface",
    "Verdict",
    "export_feedback_candidates",
    "sqlite_url",
]
