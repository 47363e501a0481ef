"""HTTP service (FastAPI): routes, auth, errors, streaming and metrics over the copilot layer."""
