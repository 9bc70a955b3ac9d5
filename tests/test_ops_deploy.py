"""The deployment files (issue 22), read as text: no Docker is needed to check what they say.

tests/test_compose_deploy.py builds and runs the image with Docker, on demand. These check
the promises the files make everywhere: the package installed from a wheel as a non-root
user, the schema upgraded before `trygg run`, a health check, PostgreSQL healthy before
Trygg starts, the keys from a secret file, and webhook mode serving health too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.app import App
from bot.run_all import configured, describe
from tests.conftest import REPO


def test_the_image_installs_a_wheel_as_a_non_root_user() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "pip install -e" not in dockerfile and "--editable" not in dockerfile
    assert "pip wheel" in dockerfile and "--no-index --find-links /wheels trygg" in dockerfile
    assert "pybabel compile" in dockerfile  # the .mo catalogs are git-ignored
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile
    assert dockerfile.count("FROM ${PYTHON_IMAGE}") == 2  # both stages on the slim image
    assert "MPLCONFIGDIR=/tmp/" in dockerfile  # the user's home (/app) is not writable
    assert "\nUSER trygg\n" in dockerfile and "--uid 10001" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "trygg-healthcheck" in dockerfile
    assert 'ENTRYPOINT ["trygg-entrypoint"]' in dockerfile and 'CMD ["run"]' in dockerfile
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {"secrets", "*.keys", "data", ".env"} <= set(ignored)  # no keys in the context


def test_the_entrypoint_upgrades_the_schema_before_it_becomes_trygg_run(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    fake = tmp_path / "bin" / "trygg"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}"}
    script = str(REPO / "docker" / "entrypoint.sh")
    subprocess.run(["sh", script], env=env, check=True)
    subprocess.run(["sh", script, "org", "show"], env=env, check=True)
    subprocess.run(["sh", script, "run"], env={**env, "TRYGG_SKIP_UPGRADE": "1"}, check=True)
    assert calls.read_text().splitlines() == ["db upgrade", "run", "org show", "run"]


def test_compose_runs_trygg_on_a_healthy_postgres_with_keys_from_a_secret() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    postgres, trygg = compose["services"]["postgres"], compose["services"]["trygg"]
    assert postgres["image"] == "postgres:16"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert (
        any(v.startswith("pgdata:") for v in postgres["volumes"])
        and "pgdata" in (compose["volumes"])
    )
    assert trygg["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = trygg["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "TRYGG_KEYS" not in env
    assert env["TRYGG_KEY_FILE"] == "/run/secrets/trygg_keys"
    assert trygg["secrets"] == ["trygg_keys"] and "file" in compose["secrets"]["trygg_keys"]
    assert {"TRYGG_WEB_URL", "TRYGG_WEB_PORT", "TRYGG_METRICS_TOKEN"} <= set(env)
    assert all(port.startswith("127.0.0.1:") for port in trygg["ports"])


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({}, None),  # polling only: no HTTP server to ask
        ({"TRYGG_WEB_URL": "https://x", "TRYGG_WEB_PORT": "9"}, "http://127.0.0.1:9/healthz"),
        ({"TELEGRAM_WEBHOOK_URL": "https://x/h"}, "http://127.0.0.1:8080/healthz"),
        ({"TRYGG_HEALTH_URL": "http://h:1/healthz"}, "http://h:1/healthz"),
    ],
)
def test_the_health_check_asks_the_port_that_serves_http(
    env: dict[str, str], url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TRYGG_HEALTH_URL", "TRYGG_WEB_URL", "TELEGRAM_WEBHOOK_URL", "TRYGG_WEB_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(REPO / "docker"))
    import healthcheck

    assert healthcheck.target() == url
    sys.modules.pop("healthcheck", None)


def test_webhook_mode_serves_health_on_the_webhook_port(app: App) -> None:
    app.settings.telegram_bot_token = "123456:TEST"
    process = configured(app, webhook="https://trygg.example/hook")
    assert process.telegram is not None and process.telegram.webhook is not None
    health = process.telegram.webhook.health
    assert health is not None and health.running is not None
    assert not health.running()  # not before the runtime has started


def test_the_log_says_what_trygg_run_serves_and_nothing_about_anyone(app: App) -> None:
    app.settings.telegram_bot_token = "123456:TEST"
    database = "SQLite" if app.db.sqlite else "PostgreSQL"
    assert describe(configured(app)) == f"Telegram (long polling); {database}"
    app.settings.web_url = "https://trygg.example"
    app.settings.webhook_port = 8443
    process = configured(app, webhook="https://trygg.example/hook")
    assert describe(process) == (
        "Telegram (webhook on port 8443), "
        f"the web console on port {app.settings.web_port}; {database}"
    )
