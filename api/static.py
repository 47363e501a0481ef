"""The web front end (``web/dist``, built by ``make web``) served by the service at ``/``.

:func:`mount_web` is called after the API's routers are included, and its mount only ever sees what no
API route took: it declines every method but GET and HEAD and every ``/v1`` path, so an unknown API path
is still a 404 problem and a wrong method on an API route still a 405. Within the mount, a file of the
build is served as it is (the hashed ``/assets/*`` cached for a year), and the app's own pages (``/``,
``/agent``, ``/chat``, ``/ops`` and paths under them) get ``index.html``, uncached, so a reload or a bookmark
of a client-side route works. Any other path is the usual 404 problem. Pages carry a strict
Content-Security-Policy: the build has no inline script, and the app talks to its own origin only.

Nothing is mounted when the front end has not been built; the API works the same either way.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Final

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["DEFAULT_DIST", "PAGES", "WebFiles", "mount_web"]

log = logging.getLogger(__name__)

DEFAULT_DIST: Final = Path(__file__).resolve().parents[1] / "web" / "dist"

#: Every page: scripts, styles and requests from this origin only; no framing, no plugins.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_PAGE_HEADERS: Final = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
}
_IMMUTABLE: Final = "public, max-age=31536000, immutable"


#: The front end's client-side routes (web/src/router.ts): these paths are pages, answered with index.html.
PAGES: Final = ("agent", "chat", "ops")


def _is_page(path: str) -> bool:
    first = path.replace(os.sep, "/").split("/", 1)[0]
    return first in PAGES


class WebFiles(StaticFiles):
    """The build's files, with ``index.html`` for page loads of client-side routes."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, html=False, check_dir=True)
        self._index = directory / "index.html"

    def _page(self) -> Response:
        return FileResponse(self._index, media_type="text/html", headers=_PAGE_HEADERS)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path in (".", "index.html"):
            return self._page()
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code == 404 and _is_page(path):
                return self._page()
            raise
        if path.startswith(f"assets{os.sep}"):
            response.headers["Cache-Control"] = _IMMUTABLE
        return response


class _WebMount(Mount):
    """A mount at ``/`` that matches only what the front end may answer (GET/HEAD outside ``/v1``)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return Match.NONE, {}
        path: str = scope.get("path", "")
        if path == "/v1" or path.startswith("/v1/"):
            return Match.NONE, {}
        return super().matches(scope)


def mount_web(app: FastAPI, dist: Path | None = None) -> bool:
    """Serve the built front end at ``/`` (call after the API's routes); whether it was mounted."""
    directory = dist if dist is not None else DEFAULT_DIST
    if not (directory / "index.html").is_file():
        log.info("web front end not built (%s): run `make web`", directory, extra={"event": "web_not_built"})
        return False
    app.router.routes.append(_WebMount("/", app=WebFiles(directory), name="web"))
    return True
