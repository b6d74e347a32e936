# The explorer as a container image: one replica, served on port 8501. See docs/deploy.md.
#   docker build -t aliquant .
#   docker run --rm -p 127.0.0.1:8501:8501 aliquant
# tests/test_proxy.py runs this file's install and start commands in a fresh virtualenv (no
# container runtime is available where it was written), so keep them on one RUN and one CMD line.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user without a login shell (its home holds what Streamlit writes there).
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin aliquant
WORKDIR /app

# Chromium and fonts with Greek letters for the charts' PNG exports (Kaleido renders them on the
# server: aliquant_app/exports.py). Debian's chromium brings no fonts of its own.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation && rm -rf /var/lib/apt/lists/*

# Dependencies first, so that a change to the code reuses this layer.
COPY requirements.txt .
RUN python -m pip install -r requirements.txt

# The code, read-only to the user that runs it (.dockerignore leaves out tests, caches and .git).
COPY --chown=root:root . .
USER aliquant

EXPOSE 8501
# /_stcore/health answers "ok" once the server accepts sessions; the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]

# 0.0.0.0 inside the container only: the container's own network namespace. Publish the port on
# the host's loopback (-p 127.0.0.1:8501:8501) behind the proxy, as docs/deploy.md does.
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
