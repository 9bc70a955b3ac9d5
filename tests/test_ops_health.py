"""An operator's view (issue 22): /healthz, /readyz and /metrics on the console's port and on
the Telegram webhook's, the runtime's readiness, and metrics that hold no personal data."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import App
from bot.health import Health
from bot.metrics import Metrics, failure_reason
from bot.runtime import Runtime, run
from bot.settings import Settings
from bot.transports.base import GONE, DeliveryFailed
from bot.transports.telegram_webhook import Webhook
from bot.web.app import create_web
from bot.web.desk import Web
from tests.conftest import TEST_KEYS, FakeClock
from tests.test_case import submit_report, take
from tests.test_outbox import FakeTransport
from tests.test_trust import MARKERS, PEOPLE, SECRETS
from tests.web_support import BASE

NAMES = (
    "trygg_events_handled_total",
    "trygg_event_handling_seconds_bucket",
    "trygg_outbox_depth",
    "trygg_messages_sent_total",
    "trygg_delivery_failures_total",
    "trygg_alert_time_to_take_seconds_count",
    "trygg_timers_pending",
    "trygg_timers_due",
    "trygg_timer_lateness_seconds",
)


@asynccontextmanager
async def console(
    app: App, running: Any = None, token: str | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the console's ASGI app (as `trygg web`, or inside `trygg run`)."""
    app.settings.metrics_token = token
    web = Web(app, secure=False, running=running)
    transport = httpx.ASGITransport(app=create_web(web), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


class Reading:
    """An intake that reads nothing: it waits until the runtime stops."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def open(self) -> None:
        return None

    async def receive(self) -> None:
        await self.runtime.stop.wait()

    async def close(self) -> None:
        return None


async def test_alive_and_ready_without_a_session(app: App) -> None:
    async with console(app) as client:
        alive = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert (alive.status_code, alive.text) == (200, "ok")
    assert (ready.status_code, ready.text) == (200, "ready")
    assert "set-cookie" not in alive.headers


async def test_ready_only_while_the_runtime_reads(app: App) -> None:
    runtime = Runtime(app)
    assert not runtime.ready()
    async with console(app, running=runtime.ready) as client:
        before = await client.get("/readyz")
        assert before.status_code == 503 and "not running" in before.text
        serving = asyncio.create_task(run(runtime, [Reading(runtime)]))
        for _ in range(200):
            if runtime.ready():
                break
            await asyncio.sleep(0.01)
        during = await client.get("/readyz")
        assert (during.status_code, during.text) == (200, "ready")
        runtime.stop.set()
        await serving
        after = await client.get("/readyz")
        assert after.status_code == 503 and "not running" in after.text
        assert (await client.get("/healthz")).status_code == 200  # alive all along


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://trygg@127.0.0.1:{port}/trygg",  # nothing listens there
        "sqlite+aiosqlite:///{folder}",  # a folder where the database file should be
    ],
    ids=["postgresql", "sqlite"],
)
async def test_not_ready_when_the_database_does_not_answer(
    url: str, tmp_path: Path, clock: FakeClock
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends
    folder = tmp_path / "trygg.db"
    folder.mkdir()
    settings = Settings(
        DATABASE_URL=url.format(port=port, folder=folder),
        TRYGG_DATA_DIR=tmp_path,
        TRYGG_KEYS=TEST_KEYS,
    )
    app = App.create(settings, clock=clock)
    try:
        async with console(app, running=lambda: True) as client:
            ready = await client.get("/readyz")
            alive = await client.get("/healthz")
            metrics = await client.get("/metrics")  # what this process counted, still
    finally:
        await app.close()
    assert ready.status_code == 503
    assert ready.text == "database: unreachable"
    assert alive.status_code == 200
    assert metrics.status_code == 200 and "trygg_events_handled" in metrics.text


async def test_metrics_after_a_report_and_a_take_hold_no_personal_data(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    for contact in ("pia", "per"):
        await chat(contact).say("/meny")  # their console addresses are bound now
    case = await submit_report(chat, "anna", "party")
    transport = FakeTransport(failures={"anna": [DeliveryFailed("forbidden", permanent=True)]})
    await demo_app.outbox_sender(transport).deliver_due()  # the alert goes out
    clock.advance(minutes=4)
    await take(chat, "pia", case)
    await demo_app.outbox_sender(transport).deliver_due()  # "taken" to Anna: she blocked us
    clock.advance(days=3)
    await demo_app.timer_runner().run_due()  # follow-ups, reminders: late by some seconds

    async with console(demo_app) as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    for name in NAMES:
        assert name in text, name
    assert re.search(r'trygg_events_handled_total\{kind="button",outcome="ok"\} [1-9]', text)
    assert re.search(r'trygg_alert_time_to_take_seconds_count\{kind="report"\} 1\.0', text)
    # taken four minutes after it was raised
    assert re.search(r'trygg_alert_time_to_take_seconds_bucket\{kind="report",le="300.0"\} 1', text)
    assert re.search(r'trygg_alert_time_to_take_seconds_bucket\{kind="report",le="120.0"\} 0', text)
    assert re.search(r'trygg_messages_sent_total\{channel="console",kind="alert"\} [1-9]', text)
    assert 'trygg_delivery_failures_total{channel="console",reason="blocked"} 1.0' in text
    assert re.search(r"trygg_timers_fired_total\{kind=", text)

    # counts only: nobody's name, number, handle, report text, reference or alert id
    handles = ("anna", "pia", "per", "bo", "britt", "sara", "kent")
    for secret in (*MARKERS, *PEOPLE, *SECRETS, case.ref, case.id, case.alert_id):
        assert secret not in text, secret
    labels = set(re.findall(r'="([^"]*)"', text))
    assert not labels & set(handles), labels & set(handles)


async def test_metrics_behind_a_bearer_token_when_one_is_set(app: App) -> None:
    async with console(app, token="metrics-s3cret") as client:
        none = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        basic = await client.get("/metrics", headers={"Authorization": "Basic metrics-s3cret"})
        right = await client.get("/metrics", headers={"Authorization": "Bearer metrics-s3cret"})
        open_ = await client.get("/healthz")  # health and readiness need no token
    assert none.status_code == wrong.status_code == basic.status_code == 401
    assert none.headers["www-authenticate"] == "Bearer"
    assert "trygg_" not in none.text
    assert right.status_code == 200 and "trygg_events_handled" in right.text
    assert open_.status_code == 200


def test_failure_reasons_are_a_small_fixed_set() -> None:
    assert failure_reason(DeliveryFailed("x", retry_after=3)) == "rate_limited"
    assert failure_reason(DeliveryFailed("x", permanent=True)) == "blocked"
    assert failure_reason(DeliveryFailed("x", permanent=True, kind=GONE)) == "unregistered"
    assert failure_reason(DeliveryFailed("TimedOut")) == "network"
    assert failure_reason(RuntimeError("boom 070-1234567")) == "other"


def test_each_app_counts_on_a_registry_of_its_own() -> None:
    one, two = Metrics(), Metrics()
    one.delivered("console", "alert")
    assert b'trygg_messages_sent_total{channel="console",kind="alert"} 1.0' in one.text()
    assert b"trygg_messages_sent_total{" not in two.text()


class _Bot:
    """The two calls the webhook makes to the Bot API."""

    def __init__(self) -> None:
        self.hooked: list[str] = []

    async def set_webhook(self, url: str, **_: Any) -> bool:
        self.hooked.append(url)
        return True


async def test_the_webhook_server_answers_health_beside_telegram(app: App) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.settings.metrics_token = "tok"
    running = {"yes": True}
    health = Health.of(app, lambda: running["yes"])
    hook = Webhook("https://trygg.example/tg-hook", "127.0.0.1", port, "s3cret", health)
    updates: list[dict[str, Any]] = []

    async def handle(update: dict[str, Any]) -> None:
        updates.append(update)

    stop = asyncio.Event()
    bot = _Bot()
    serving = asyncio.create_task(hook.serve(bot, handle, stop))  # type: ignore[arg-type]
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(200):
                if bot.hooked:
                    break
                await asyncio.sleep(0.01)
            alive = await client.get("/healthz")
            ready = await client.get("/readyz")
            locked = await client.get("/metrics")
            metrics = await client.get("/metrics", headers={"Authorization": "Bearer tok"})
            posted = await client.post(
                "/tg-hook",
                json={"update_id": 7},
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
            )
            forged = await client.post("/tg-hook", json={"update_id": 8})
            running["yes"] = False
            stopping = await client.get("/readyz")
    finally:
        stop.set()
        await serving
    assert (alive.status_code, alive.text) == (200, "ok")
    assert (ready.status_code, ready.text) == (200, "ready")
    assert locked.status_code == 401
    assert metrics.status_code == 200 and "trygg_outbox_depth" in metrics.text
    assert posted.status_code == 200 and updates == [{"update_id": 7}]
    assert forged.status_code == 403
    assert stopping.status_code == 503
