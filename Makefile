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

.PHONY: setup test lint typecheck unit run ingest bench lock clean

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

test: setup lint typecheck
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

run: setup
	$(VENV)/bin/copilot serve --host 127.0.0.1 --port 8000

bench: setup
	$(PY) benchmarks/retrieval_bench.py

# Re-resolve the lock after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip install --quiet -e '.[openai,vertex,local,postgres,evals,dev]'
	$(PY) -m pip freeze --exclude-editable | grep -v '^support-copilot' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
