# The promoshop image: one image for the release step, the web processes and the worker
# (compose.yaml runs it three ways). The commands are those of scripts/serve; docs/deploy.md.
FROM python:3.11-slim-bookworm

# Banner rendering needs real fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# The same uv and the same uv.lock as scripts/bootstrap: the image gets the versions CI tested.
RUN pip install --no-cache-dir uv==0.13.8
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PROMOSHOP_INSTANCE_PATH=/app/instance

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-install-project --no-cache
COPY . .
RUN uv sync --locked --no-cache \
 && useradd --system --home-dir /app promoshop \
 && mkdir -p /app/instance && chown promoshop /app/instance
USER promoshop

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# The web processes; compose.yaml's release and worker services run the other two commands.
CMD ["gunicorn", "--config", "python:shop.gunicorn_config", "app:create_app()"]
