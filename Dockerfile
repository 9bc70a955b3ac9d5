# Trygg in a slim image. A builder stage makes wheels (Trygg's and its dependencies') and
# compiles the translation catalogs; the image installs them (not editable) and runs as a
# non-root user. The entrypoint brings the schema to head (`trygg db upgrade`), then
# `exec trygg run`. Data (an SQLite file, if no DATABASE_URL) lives in the /data volume.
# Build: docker build -t trygg .   Deploy: see compose.yaml and docs/operations.md.
# PYTHON_IMAGE: another base with python and pip (tests/test_compose_deploy.py, offline).

ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY conversations ./conversations
COPY storage ./storage
COPY locales ./locales
RUN pip wheel --wheel-dir /wheels . \
    && pip install babel \
    && pybabel compile -d locales -D messages \
    && rm -f locales/messages.pot locales/*/LC_MESSAGES/*.po

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TRYGG_DATA_DIR=/data \
    MPLCONFIGDIR=/tmp/matplotlib \
    TRYGG_LOCALE_DIR=/app/locales \
    TRYGG_WEB_LISTEN=0.0.0.0 \
    TRYGG_WEB_PORT=8090 \
    TRYGG_WEBHOOK_LISTEN=0.0.0.0 \
    TRYGG_WEBHOOK_PORT=8080
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels trygg \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin trygg \
    && mkdir -p /data /app && chown trygg:trygg /data && chmod 0700 /data
COPY --from=build /src/locales /app/locales
COPY docker/entrypoint.sh /usr/local/bin/trygg-entrypoint
COPY docker/healthcheck.py /usr/local/bin/trygg-healthcheck
RUN chmod 0755 /usr/local/bin/trygg-entrypoint /usr/local/bin/trygg-healthcheck

USER trygg
WORKDIR /app
VOLUME ["/data"]
# 8080: Telegram's webhook (TELEGRAM_WEBHOOK_URL); 8090: the web console (TRYGG_WEB_URL).
# Both answer /healthz, /readyz and /metrics.
EXPOSE 8080 8090
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/usr/local/bin/trygg-healthcheck"]
ENTRYPOINT ["trygg-entrypoint"]
CMD ["run"]
