# Everything a fresh machine needs: `make run` starts the service, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export RAGAS_DO_NOT_TRACK := true
export TOKENIZERS_PARALLELISM := false

.PHONY: setup test lint typecheck unit run ingest bench lock clean web web-test

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The lock pins torch==2.13.0 (the CPU build); llama-cpp-python builds once, then comes from pip's wheel cache.
	# It is built portable (AVX2, no -march=native): the native build's AMX kernels crash on CPUs that report AMX
	# to the compiler but not to the process (some VMs).
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

lint: setup
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy

# The PostgreSQL store tests run against a local server when one answers (as in CI); say so when none does.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

test: setup lint typecheck web-test
	@if [ -z "$${COPILOT_TEST_DATABASE_URL:-}" ]; then \
	  if $(PY) -c "import psycopg; psycopg.connect('$(subst +psycopg,,$(TEST_DATABASE_URL))', connect_timeout=3).close()" 2>/dev/null; then \
	    export COPILOT_TEST_DATABASE_URL='$(TEST_DATABASE_URL)'; \
	  else \
	    echo "make test: no PostgreSQL at $(TEST_DATABASE_URL), so the PostgreSQL store tests are skipped"; \
	  fi; \
	fi; \
	$(VENV)/bin/pytest -q

unit: setup
	$(VENV)/bin/pytest -q tests/unit

ingest: setup
	$(VENV)/bin/copilot kb ingest knowledge_base/content

run: setup web
	$(VENV)/bin/copilot serve --host 127.0.0.1 --port 8000

# The web front end (web/): npm ci when the lock changed, vite build when a source changed (stamp files).
WEB := web
WEB_DEPS := $(WEB)/node_modules/.installed
WEB_BUILT := $(WEB)/dist/.built
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f ! -name '*.test.*' 2>/dev/null) \
	$(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json

$(WEB_DEPS): $(WEB)/package.json $(WEB)/package-lock.json
	@command -v npm >/dev/null || { echo "make web: Node.js 20 and npm are needed"; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILT): $(WEB_DEPS) $(WEB_SOURCES)
	cd $(WEB) && npx vite build --logLevel warn
	touch $@

web: $(WEB_BUILT)

# Lint, types, the client's freshness against the OpenAPI document, component tests, then the browser tests
# against the real service (Debian's Chromium; installed by the tests when missing and run as root).
web-test: setup web
	cd $(WEB) && npm run --silent lint && npm run --silent typecheck && npm run --silent openapi:check
	cd $(WEB) && npx vitest run && npx vitest run --config vitest.e2e.config.ts

bench: setup
	$(PY) benchmarks/retrieval_bench.py

# Re-resolve the lock after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip install --quiet -e '.[openai,vertex,local,postgres,evals,dev]'
	$(PY) -m pip freeze --exclude-editable | grep -v '^support-copilot' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
