#!/bin/sh
# `run` (the default): bring the database schema to head, then become `trygg run`, so that
# signals (docker stop: SIGTERM) reach Trygg itself. Anything else is a trygg command:
#   docker compose run --rm trygg org load /data/org.yaml
# TRYGG_SKIP_UPGRADE=1 skips the upgrade (when it runs as a step of its own before a deploy).
# Several containers starting at once take turns: the upgrade holds a lock on PostgreSQL.
set -eu
[ "$#" -gt 0 ] || set -- run
if [ "$1" = "run" ] && [ "${TRYGG_SKIP_UPGRADE:-0}" != "1" ]; then
    trygg db upgrade
fi
exec trygg "$@"
