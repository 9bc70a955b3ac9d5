#!/bin/sh
# Stand-ins for the two base images (python:3.11-slim, postgres:16), built from Debian's
# packages, for a machine that reaches Debian's mirror and PyPI but not Docker Hub. Only
# tests/test_compose_deploy.py uses them (TRYGG_COMPOSE_STANDINS=1); a real deploy pulls
# the official images. Needs root, debootstrap and a Docker engine.
#
#   docker/standins/build.sh          builds trygg-standin/python:3.11 and
#                                     trygg-standin/postgres:16 (skips what exists)
set -eu
cd "$(dirname "$0")"
DOCKER="${DOCKER:-docker}"
BASE=trygg-standin/debian:bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

has() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

if ! has "$BASE"; then
    root="$(mktemp -d)"
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase --include=python3,python3-venv,passwd,ca-certificates \
        bookworm "$root" "$MIRROR"
    # this machine's trust store: a proxy between it and PyPI may sign with its own CA
    cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    chmod 0755 "$root"  # mktemp made it 0700: the image's / would shut out non-root users
    tar -C "$root" -c . | "$DOCKER" import - "$BASE"
fi
has trygg-standin/python:3.11 || "$DOCKER" build -t trygg-standin/python:3.11 -f python.Dockerfile .
has trygg-standin/postgres:16 || "$DOCKER" build -t trygg-standin/postgres:16 -f postgres.Dockerfile .
