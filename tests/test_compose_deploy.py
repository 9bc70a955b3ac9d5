"""`docker compose up` as docs/operations.md tells an operator to run it, against a fake Telegram.

On demand (it builds the image, a few minutes): ``TRYGG_COMPOSE_TEST=1``. It needs a
Docker engine; ``TRYGG_DOCKER`` names the client (default ``docker``), ``TRYGG_COMPOSE``
the Compose command (default ``docker compose``; ``docker-compose`` works too). Where
Docker Hub is out of reach, ``TRYGG_COMPOSE_STANDINS=1`` builds the two base images from
Debian's packages first (docker/standins/build.sh).

The repository's compose.yaml is used as it is, with these changes only: the project name
is given on the command line (Compose v1 does not know the ``name:`` key), the image is
the one this test built, the published ports are free ones, and the bot reaches the fake
Bot API on this host (``TELEGRAM_API_BASE_URL``, ``extra_hosts``). Then, as the guide says:
keys from a secret file owned by the container's user, ``up -d``, the organisation copied in
and loaded, invitations. Anna and Pia accept theirs, Anna raises an alert, and Pia gets it.
The Trygg container is killed (SIGKILL) and started again: Pia takes the alert, Anna is
told. Then a deploy: ``compose stop`` (SIGTERM) ends it in time with exit code 0, Anna
writes while it is down, and the next start answers her. Last, the guide's backup and
restore: pg_dump, the volumes removed, pg_restore into the new database, and Pia's case
list is as it was. The container runs as a non-root user, answers /healthz, /readyz and
/metrics, and its log names nobody.

The second test scales Trygg to three containers in webhook mode on the one PostgreSQL,
behind a load balancer (tests/webhook_balancer.py), and kills one of them. The third runs
the image alone as the README's one line does: SQLite in the /data volume, keys from
TRYGG_KEYS, and `trygg backup` while it runs. The fourth runs two containers that poll:
one reads, elected through the database; killed, the other takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shlex
import socket
import time
import urllib.request
from asyncio.subprocess import PIPE, STDOUT
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.receiver import PERIOD as RECEIVER_PERIOD
from bot.receiver import RENEW as RECEIVER_RENEW
from tests.conftest import REPO
from tests.fakebotapi import DEFAULT_TOKEN, FakeBotApi
from tests.webhook_balancer import Balancer

pytestmark = pytest.mark.skipif(
    os.environ.get("TRYGG_COMPOSE_TEST") != "1",
    reason="builds and runs the image with Docker: set TRYGG_COMPOSE_TEST=1",
)

DOCKER = os.environ.get("TRYGG_DOCKER", "docker")
COMPOSE = shlex.split(os.environ.get("TRYGG_COMPOSE", "docker compose"))
STANDINS = os.environ.get("TRYGG_COMPOSE_STANDINS") == "1"
IMAGE = "trygg-compose-test:latest"
PROJECT = "trygg-compose-test"
ANNA, PIA = 7_000_001, 7_000_002
PEOPLE = ("Anna Berg", "Pia Lind", "+46 70 174 06 10", "+46 70 174 06 11")
WEBHOOK_URL = "https://trygg.example/telegram/hook"
WEBHOOK_SECRET = secrets.token_hex(16)


def _env() -> dict[str, str]:
    """The clients' environment: BuildKit on, and the named docker client found first (a
    Compose v1 build calls `docker`)."""
    path = os.environ["PATH"]
    if os.sep in DOCKER:
        path = f"{Path(DOCKER).parent}{os.pathsep}{path}"
    return {**os.environ, "PATH": path, "DOCKER_BUILDKIT": "1", "COMPOSE_DOCKER_CLI_BUILD": "1"}


async def run(
    *argv: str,
    cwd: Path | None = None,
    timeout: float = 900,
    stdout_only: bool = False,
    stdin: Path | None = None,
    stdout_to: Path | None = None,
) -> str:
    """Run a command without blocking the fake Telegram; its output (with what it wrote to
    stderr unless ``stdout_only``), or fail with both. ``stdin``/``stdout_to``: files, as a
    shell's ``<`` and ``>`` (then the output returned is stderr's)."""
    with contextlib.ExitStack() as files:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=_env(),
            stdin=files.enter_context(stdin.open("rb")) if stdin else None,
            stdout=files.enter_context(stdout_to.open("wb")) if stdout_to else PIPE,
            stderr=PIPE if stdout_only or stdout_to else STDOUT,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    text = (out or err or b"").decode(errors="replace")
    if process.returncode != 0:
        said = ((out or b"") + (err or b"")).decode(errors="replace")
        raise AssertionError(f"{shlex.join(argv)} failed:\n{said[-3000:]}")
    return text


async def logged(containers: Callable[[], Awaitable[list[str]]], line: str) -> list[str]:
    """The containers whose log has ``line``, once at least one has (within 2 minutes)."""
    deadline = time.monotonic() + 120
    while True:
        found = [c for c in await containers() if line in await run(DOCKER, "logs", c)]
        if found or time.monotonic() > deadline:
            assert found, f"no container logged {line!r}"
            return found
        await asyncio.sleep(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def derived_compose(api_port: int, ports: list[str], **environment: str) -> dict[str, Any]:
    """compose.yaml with only what this test must change (see the module's docstring)."""
    compose: dict[str, Any] = yaml.safe_load((REPO / "compose.yaml").read_text())
    compose.pop("name")
    services = compose["services"]
    if STANDINS:
        services["postgres"]["image"] = "trygg-standin/postgres:16"
    trygg = services["trygg"]
    del trygg["build"]
    trygg["image"] = IMAGE
    trygg["ports"] = ports
    trygg["extra_hosts"] = ["host.docker.internal:host-gateway"]
    fake = f"http://host.docker.internal:{api_port}"
    trygg["environment"] |= {
        "TELEGRAM_API_BASE_URL": f"{fake}/bot",
        "TELEGRAM_FILE_BASE_URL": f"{fake}/file/bot",
        **environment,
    }
    return compose


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - localhost
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


async def build_image() -> None:
    """Build the repository's Dockerfile (on the stand-in base with TRYGG_COMPOSE_STANDINS)."""
    python_image = "python:3.11-slim"
    if STANDINS:
        await run("sh", str(REPO / "docker" / "standins" / "build.sh"), timeout=1800)
        python_image = "trygg-standin/python:3.11"
    build_arg = f"PYTHON_IMAGE={python_image}"
    label = "org.trygg.compose-test=1"
    await run(DOCKER, "build", "--build-arg", build_arg, "--label", label, "-t", IMAGE, str(REPO))
    # the images earlier builds left untagged: each run would otherwise keep one more
    await run(DOCKER, "image", "prune", "-f", "--filter", f"label={label}")


class Deployment:
    """One Compose project in a directory of its own, driven like an operator would."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    async def prepare(cls, directory: Path, compose: dict[str, Any], env: str) -> Deployment:
        """The image built, the compose file, ``.env`` and the keys as docs/operations.md
        says: a secret file from `keys new`, owned by the container's user, mode 0400."""
        await build_image()
        (directory / "compose.yaml").write_text(yaml.safe_dump(compose, sort_keys=False))
        (directory / ".env").write_text(
            f"TRYGG_DB_PASSWORD={secrets.token_hex(16)}\nTELEGRAM_BOT_TOKEN={DEFAULT_TOKEN}\n{env}"
        )
        keys = directory / "secrets" / "trygg.keys"
        keys.parent.mkdir()
        keys.write_text(await run(DOCKER, "run", "--rm", IMAGE, "keys", "new", stdout_only=True))
        os.chown(keys, 10001, -1)
        keys.chmod(0o400)
        return cls(directory)

    async def compose(self, *argv: str, timeout: float = 900, **files: Path) -> str:
        command = [*COMPOSE, "-p", PROJECT, *argv]
        return await run(*command, cwd=self.directory, timeout=timeout, **files)

    async def postgres_ready(self, patience: float = 60) -> None:
        deadline = time.monotonic() + patience
        while True:
            try:
                await self.compose("exec", "-T", "postgres", "pg_isready", "-U", "trygg")
                return
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)

    async def containers(self) -> list[str]:
        return (await self.compose("ps", "-q", "trygg")).split()

    async def container(self) -> str:
        return (await self.containers())[0]

    async def healthy(self, count: int = 1, patience: float = 240) -> None:
        """Wait until ``count`` Trygg containers pass the image's HEALTHCHECK (/healthz)."""
        deadline = time.monotonic() + patience
        states: list[str] = []
        while time.monotonic() < deadline:
            states = []
            for container in await self.containers():
                inspect = [DOCKER, "inspect", "-f", "{{.State.Health.Status}}", container]
                states.append((await run(*inspect)).strip())
            if states.count("healthy") >= count:
                return
            await asyncio.sleep(2)
        logs = await self.logs()
        raise AssertionError(f"trygg not healthy ({states}) within {patience}s:\n{logs[-3000:]}")

    async def logs(self) -> str:
        return "".join([await run(DOCKER, "logs", c) for c in await self.containers()])

    async def trygg(self, *argv: str) -> str:
        return await self.compose("exec", "-T", "trygg", "trygg", *argv)

    async def load_demo_org(self) -> None:
        """Copy the organisation file in and load it (`docker cp`: Compose v1 has no cp)."""
        org = str(REPO / "bot" / "demo" / "org.yaml")
        await run(DOCKER, "cp", org, f"{await self.container()}:/data/")
        await self.trygg("org", "load", "/data/org.yaml")

    async def invite(self, role: str, person: str) -> str:
        return invite_code(await self.trygg("invite", "create", *invite_args(role, person)))

    async def down(self) -> None:
        await self.compose("down", "-v", "--remove-orphans", timeout=300)


async def onboard_and_alert(fake: FakeBotApi, deployment: Deployment) -> None:
    """Anna and Pia accept their invitations; Anna raises an alert and Pia gets it."""
    await deployment.load_demo_org()
    anna_code = await deployment.invite("official", "anna")
    pia_code = await deployment.invite("party_security", "pia")
    fake.send_text(ANNA, f"/start {anna_code}")
    await says(fake, ANNA, "Din inbjudan är godkänd")
    fake.send_text(PIA, f"/start {pia_code}")
    await says(fake, PIA, "Din inbjudan är godkänd")
    fake.send_text(ANNA, "/akut")
    await says(fake, ANNA, "Är du i fara just nu? Ring 112.")
    fake.press_button(ANNA, "Larma Pia Lind")
    await says(fake, ANNA, "Jag har larmat Pia Lind")
    assert "Anna Berg" in await says(fake, PIA, "BRÅDSKANDE")


def invite_args(role: str, person: str) -> list[str]:
    """`trygg invite create`'s arguments for a person of the demo organisation."""
    return ["--role", role, "--municipality", "sjovik", "--party", "gp", "--person", person]


def invite_code(printed: str) -> str:
    match = re.search(r"Code: (\S+)", printed)
    assert match, printed
    return match.group(1)


def names_in(logs: str) -> list[str]:
    return [name for name in PEOPLE if name in logs]


async def says(
    fake: FakeBotApi, chat: int, text: str, patience: float = 30, *, after: int = 0
) -> str:
    """Wait for a message to ``chat`` (from its ``after``-th on) containing ``text``; return
    it whole."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        for message in fake.messages_to(chat)[after:]:
            if text in message:
                return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {text!r} to {chat} within {patience}s; got {fake.messages_to(chat)}")


async def test_compose_up_runs_trygg_that_alerts_and_survives_a_kill_and_a_deploy(
    tmp_path: Path,
) -> None:
    fake = await FakeBotApi().start(host="0.0.0.0")  # noqa: S104 - the container calls in
    web_port, webhook_port = free_port(), free_port()
    ports = [f"127.0.0.1:{webhook_port}:8080", f"127.0.0.1:{web_port}:8090"]
    web = f"http://127.0.0.1:{web_port}"
    compose = derived_compose(fake.port, ports)
    deployment = await Deployment.prepare(tmp_path, compose, f"TRYGG_WEB_URL={web}\n")
    try:
        await deployment.compose("up", "-d")
        await deployment.healthy()
        assert get(f"{web}/healthz")[0] == 200
        status, body = get(f"{web}/readyz")
        assert status == 200, body
        status, metrics = get(f"{web}/metrics")
        assert status == 200 and "trygg_events_handled_total" in metrics
        container = await deployment.container()
        assert (await run(DOCKER, "exec", container, "id", "-u")).strip() == "10001"
        assert "Editable project location" not in await run(
            DOCKER, "exec", container, "pip", "show", "trygg"
        )
        await onboard_and_alert(fake, deployment)

        await run(DOCKER, "kill", container)  # SIGKILL: no shutdown at all
        await deployment.compose("up", "-d")
        await deployment.healthy()
        fake.press_button(PIA, "Jag tar det")
        await says(fake, ANNA, "Pia Lind har sett ditt larm", patience=60)

        # a deploy: `compose stop` (SIGTERM) lets Trygg finish and exit well within the grace
        # period; what Anna writes while it is down is answered by the next start
        began = time.monotonic()
        await deployment.compose("stop", "trygg")
        assert time.monotonic() - began < 30, "stopped only by the grace period's SIGKILL"
        exit_code = await run(DOCKER, "inspect", "-f", "{{.State.ExitCode}}", container)
        assert exit_code.strip() == "0"
        before = len(fake.messages_to(ANNA))
        fake.send_text(ANNA, "/kontakter")
        await deployment.compose("up", "-d")
        await deployment.healthy()
        await says(fake, ANNA, "Pia Lind, +46 70 174 06 11", after=before)

        logs = await deployment.logs()  # of the three starts
        serving = "running: Telegram (long polling), the web console on port 8090; PostgreSQL"
        assert logs.count(serving) == 3 and "stopped" in logs
        assert not names_in(logs), "a name or number in the log"

        # the guide's backup (pg_dump); the volume lost; the guide's restore into a fresh
        # database with Trygg stopped; the keys kept apart read it again
        dump = tmp_path / "trygg.dump"
        pg_dump = ["pg_dump", "-U", "trygg", "--format=custom", "trygg"]
        await deployment.compose("exec", "-T", "postgres", *pg_dump, stdout_to=dump)
        await deployment.compose("down", "-v")
        await deployment.compose("up", "-d", "postgres")
        await deployment.postgres_ready()
        restore = ["pg_restore", "-U", "trygg", "-d", "trygg", "--clean", "--if-exists"]
        await deployment.compose("exec", "-T", "postgres", *restore, stdin=dump)
        await deployment.compose("up", "-d")
        await deployment.healthy()
        before = len(fake.messages_to(PIA))
        fake.send_text(PIA, "/arenden")
        assert "taget av dig" in await says(fake, PIA, "larm – Anna Berg", after=before)
        fake.assert_valid()
    finally:
        await deployment.down()
        await fake.stop()


async def test_three_trygg_containers_share_postgres_by_webhook_and_one_may_die(
    tmp_path: Path,
) -> None:
    """`--scale trygg=3` behind a load balancer: the three start together (their schema
    upgrades take turns), each serves the webhook; one is killed, the other two answer."""
    fake = await FakeBotApi().start(host="0.0.0.0")  # noqa: S104 - the containers call in
    compose = derived_compose(
        fake.port,
        ["127.0.0.1::8080"],  # a free host port each
        TRYGG_SEVERAL_PROCESSES="1",
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    env = f"TELEGRAM_WEBHOOK_URL={WEBHOOK_URL}\n"
    deployment = await Deployment.prepare(tmp_path, compose, env)
    stop = asyncio.Event()
    try:
        await deployment.compose("up", "-d", "--scale", "trygg=3")
        await deployment.healthy(count=3)
        containers = await deployment.containers()
        urls = []
        for container in containers:
            published = (await run(DOCKER, "port", container, "8080")).split()[0]
            urls.append(f"http://{published}/telegram/hook")
            status, body = get(f"http://{published}/readyz")
            assert status == 200, body
        assert fake.webhook.get("url") == WEBHOOK_URL
        balancer = Balancer(fake, urls, WEBHOOK_SECRET)
        posting = asyncio.create_task(balancer.run(stop))
        await onboard_and_alert(fake, deployment)

        served = balancer.posted.copy()
        await run(DOCKER, "kill", containers[0])
        before = len(fake.messages_to(ANNA))
        fake.send_text(ANNA, "/kontakter")
        await says(fake, ANNA, "Pia Lind, +46 70 174 06 11", after=before)
        fake.press_button(PIA, "Jag tar det")
        await says(fake, ANNA, "Pia Lind har sett ditt larm")
        assert served[0] > 0 and balancer.posted[0] == served[0]  # it served, then died
        assert balancer.posted[1] + balancer.posted[2] >= served[1] + served[2] + 2

        logs = await deployment.logs()
        assert logs.count("running: Telegram (webhook on port 8080); PostgreSQL") == 3
        assert not names_in(logs), "a name or number in the log"
        fake.assert_valid()
        stop.set()
        await posting
    finally:
        stop.set()
        await deployment.down()
        await fake.stop()


async def test_the_image_alone_runs_on_sqlite_in_its_volume_and_backs_up_online() -> None:
    """The README's one line: `docker run` with a token, TRYGG_KEYS and a /data volume."""
    fake = await FakeBotApi().start(host="0.0.0.0")  # noqa: S104 - the container calls in
    await build_image()
    keys = (await run(DOCKER, "run", "--rm", IMAGE, "keys", "new", stdout_only=True)).strip()
    name, volume = f"{PROJECT}-sqlite", f"{PROJECT}-data"
    api = f"http://host.docker.internal:{fake.port}"
    try:
        await run(
            DOCKER, "run", "-d", "--name", name, "--add-host", "host.docker.internal:host-gateway",
            "-e", f"TELEGRAM_BOT_TOKEN={DEFAULT_TOKEN}", "-e", f"TRYGG_KEYS={keys}",
            "-e", f"TELEGRAM_API_BASE_URL={api}/bot", "-v", f"{volume}:/data", IMAGE,
        )  # fmt: skip

        async def the_container() -> list[str]:
            return [name]

        await logged(the_container, "running: Telegram (long polling); SQLite")
        exec_trygg = [DOCKER, "exec", name, "trygg"]
        await run(DOCKER, "cp", str(REPO / "bot" / "demo" / "org.yaml"), f"{name}:/data/")
        await run(*exec_trygg, "org", "load", "/data/org.yaml")
        code = invite_code(
            await run(*exec_trygg, "invite", "create", *invite_args("official", "anna"))
        )
        fake.send_text(ANNA, f"/start {code}")
        await says(fake, ANNA, "Din inbjudan är godkänd")

        said = await run(*exec_trygg, "backup", "/data/backup.db")  # while it runs
        assert "owner-only" in said and "TRYGG_KEYS" in said
        listing = await run(DOCKER, "exec", name, "ls", "-ln", "/data")
        modes = {line.split()[-1]: line.split()[0] for line in listing.splitlines()[1:]}
        assert modes["backup.db"] == modes["trygg.db"] == "-rw-------", listing
        assert (await run(DOCKER, "exec", name, "stat", "-c", "%a %u", "/data")).split() == [
            "700",
            "10001",
        ]
        fake.assert_valid()
    finally:
        with contextlib.suppress(AssertionError):
            await run(DOCKER, "rm", "-f", name)
        with contextlib.suppress(AssertionError):
            await run(DOCKER, "volume", "rm", volume)
        await fake.stop()


async def test_two_polling_containers_read_in_one_and_the_other_takes_over_when_it_dies(
    tmp_path: Path,
) -> None:
    """Long polling with `--scale trygg=2`: one container, elected through the database,
    reads Telegram; killed, the other reads within the lease period (bot.receiver)."""
    fake = await FakeBotApi().start(host="0.0.0.0")  # noqa: S104 - the containers call in
    compose = derived_compose(fake.port, [], TRYGG_SEVERAL_PROCESSES="1")
    deployment = await Deployment.prepare(tmp_path, compose, "")
    reading = "receiving telegram updates in this process"
    try:
        await deployment.compose("up", "-d", "--scale", "trygg=2")
        await deployment.healthy(count=2)
        readers = await logged(deployment.containers, reading)
        await onboard_and_alert(fake, deployment)
        assert len(readers) == 1 and readers == await logged(deployment.containers, reading)

        await run(DOCKER, "kill", readers[0])
        killed = time.monotonic()
        before = len(fake.messages_to(ANNA))
        fake.send_text(ANNA, "/kontakter")
        await says(fake, ANNA, "Pia Lind, +46 70 174 06 11", after=before, patience=60)
        took = time.monotonic() - killed
        assert took < RECEIVER_PERIOD + RECEIVER_RENEW + 5, took
        (other,) = set(await deployment.containers()) - set(readers)
        assert reading in await run(DOCKER, "logs", other)
        assert not names_in(await deployment.logs()), "a name or number in the log"
        fake.assert_valid()
    finally:
        await deployment.down()
        await fake.stop()
