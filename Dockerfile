# digled: one app process per container (scale with several containers behind Caddy, see
# compose.yaml). Secrets come from a file mounted at run time (DIGLED_SECRETS_FILE) or the
# environment, never from the image; the database lives on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DIGLED_DB=/data/digled.db DIGLED_SECRETS_FILE=/run/secrets/digled.toml

RUN useradd --create-home --uid 10001 digled && mkdir /data && chown digled:digled /data
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=root:root app.py babel.cfg ./
COPY --chown=root:root .streamlit/config.toml .streamlit/config.toml
COPY --chown=root:root digled digled
COPY --chown=root:root pages pages
COPY --chown=root:root data data
COPY --chown=root:root deploy deploy

USER digled
VOLUME /data
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
