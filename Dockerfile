# syntax=docker/dockerfile:1
# The support copilot API: python:3.11-slim, CPU-only torch, non-root, `copilot serve`.
# Not built or run by the test suite: the machines it runs on have no Docker engine.
#
#   docker build -t support-copilot .
#   docker run --rm -p 8000:8000 -v copilot-data:/data \
#       -e COPILOT_API_KEYS='[{"name": "agent-desk", "sha256": "...", "scopes": ["agent"]}]' support-copilot
#
# The image defaults to COPILOT_ENVIRONMENT=production, which refuses to start without API keys
# (`copilot keys new` makes one); compose.yaml runs it in development, with generated keys.

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

FROM base AS build
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# The CPU build of torch from PyTorch's CPU index first: an unpinned torch from PyPI is the multi-GB CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
COPY api ./api
COPY copilot ./copilot
COPY knowledge_base ./knowledge_base
COPY prompts ./prompts
# The service and its providers' SDKs, pinned by the lock; no llama.cpp build and no eval stack.
# Editable, because copilot.prompts finds prompts/ next to the package (see the note in the report/README).
RUN pip install -c requirements.lock -e ".[openai,vertex,postgres]"
# The embedding model's ONNX export, made once here: the service then starts without PyTorch.
RUN HF_HUB_OFFLINE=1 COPILOT_MODEL_CACHE_DIR=/opt/models copilot kb prepare-model

FROM base AS runtime
RUN groupadd --system --gid 10001 copilot \
    && useradd --system --uid 10001 --gid copilot --home-dir /app --shell /usr/sbin/nologin copilot \
    && mkdir -p /data \
    && chown copilot:copilot /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY --from=build /opt/models /opt/models
ENV PATH=/opt/venv/bin:$PATH \
    COPILOT_ENVIRONMENT=production \
    COPILOT_DATA_DIR=/data \
    COPILOT_MODEL_CACHE_DIR=/opt/models \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false
WORKDIR /app
USER copilot:copilot
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["copilot", "serve", "--host", "0.0.0.0", "--port", "8000"]
