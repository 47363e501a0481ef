"""Alembic migrations of the interaction and feedback store (see ``copilot.store.migrate``)."""
