# Trygg: the Telegram bot. Data (SQLite file, key file) lives in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRYGG_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY conversations ./conversations
COPY storage ./storage
COPY locales ./locales
RUN pip install --no-cache-dir -e . \
    && pybabel compile -d locales -D messages \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin trygg \
    && mkdir -p /data && chown trygg:trygg /data

USER trygg
VOLUME ["/data"]
CMD ["trygg", "run"]
