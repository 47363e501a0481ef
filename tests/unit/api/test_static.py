"""The built front end served at ``/`` beside the API, without changing what the API answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import api.static
from api.static import CONTENT_SECURITY_POLICY, mount_web
from tests.unit.api.conftest import AGENT, CONVERSATION, AppFactory, assert_problem

INDEX = "<!doctype html><html><body><div id=root></div><script type=module src=/assets/app-1a2b.js></script></body></html>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "assets" / "app-1a2b.js").write_text("console.log('app')", encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    return folder


@pytest.fixture
def web(make_app: AppFactory, dist: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(api.static, "DEFAULT_DIST", dist)
    with TestClient(make_app()) as test_client:
        yield test_client


def test_pages_get_index_html_uncached_with_a_strict_csp(web: TestClient) -> None:
    for path in ("/", "/agent", "/chat", "/ops", "/agent/contacts/42", "/index.html"):
        response = web.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-request-id"]
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_hashed_assets_are_cached_for_a_year_and_other_files_served_as_they_are(web: TestClient) -> None:
    asset = web.get("/assets/app-1a2b.js")
    assert asset.status_code == 200
    assert asset.text == "console.log('app')"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    robots = web.get("/robots.txt")
    assert robots.status_code == 200 and "cache-control" not in robots.headers
    assert web.head("/").status_code == 200


def test_other_paths_are_still_404_problems(web: TestClient) -> None:
    for path in ("/nothing-here", "/assets/missing.js", "/agentx", "/assets/../../../etc/passwd", "/%2e%2e/x"):
        assert_problem(web.get(path, headers={"Accept": "text/html"}), 404, "not-found")


def test_the_api_comes_first(web: TestClient) -> None:
    assert web.get("/healthz").json() == {"status": "ok"}
    assert web.post("/v1/suggestions", json=CONVERSATION, headers=AGENT).status_code == 200
    assert_problem(web.get("/v1/nothing", headers=AGENT), 404, "not-found")
    assert_problem(web.get("/v1/suggestions", headers=AGENT), 405, "method-not-allowed")
    assert_problem(web.get("/v1/suggestions"), 401, "unauthenticated")
    assert_problem(web.post("/agent", json={}), 404, "not-found")
    assert all(not p.startswith(("/agent", "/assets")) and p != "/" for p in web.app.openapi()["paths"])  # type: ignore[attr-defined]


def test_without_a_build_nothing_is_mounted(make_app: AppFactory, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.static, "DEFAULT_DIST", tmp_path / "not-built")
    assert mount_web(make_app(), tmp_path / "not-built") is False
    with TestClient(make_app()) as test_client:
        assert_problem(test_client.get("/", headers={"Accept": "text/html"}), 404, "not-found")
        assert test_client.get("/healthz").status_code == 200
