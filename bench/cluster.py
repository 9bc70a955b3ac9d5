"""Several `trygg run --webhook` processes on one PostgreSQL, against one on SQLite.

Usage: ``python -m bench.cluster --postgresql URL [--processes 3] [--ptb] [--delay-ms 0]``
(URL names an existing database; its public schema is dropped and made again).

Each configuration runs the real CLI, ``trygg run --webhook URL``, as child processes
(with the benchmark's lifted send limits). This process holds what stays the same in every
configuration: the fake Bot API over HTTP, the load balancer posting webhook calls
(bench/webhooks.py) and the closed-loop reporters of ``python -m bench`` (bench/people.py).
The configurations take turns, ``--repeat`` times: one process on its SQLite file (the
embedded default, ``TRYGG_SEVERAL_PROCESSES`` off) and N processes on PostgreSQL
(``TRYGG_SEVERAL_PROCESSES=1``: per-person locks, outbox claims and timer claims in the
database). With ``--ptb``, python-telegram-bot's ConversationHandler takes its turns too,
as it deploys: its own webhook server and networking, in memory (bench/baseline.py's
dialogue). Each ratio is the median of back-to-back pairs.

Every Trygg run is checked: each report stored whole (both parts of "what happened" in the
order written) and its alert delivered to a security contact; a miss fails the command. The
baseline's misses are reported. The order of each person's events across processes under
kills is tests/test_multiprocess_pg.py's to check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fakeapi import TOKEN, FakeBotApi, now
from bench.people import run_reporters
from bench.stats import Run, p99, paired_ratio, wait_until
from bench.trygg import (
    CONTACT_CHAT,
    COUNCIL_PARTIES,
    KEYS,
    OFFICIAL_CHAT,
    populate,
    verify_reports,
)
from bench.webhooks import ApiServer, Balancer

REPO = Path(__file__).resolve().parent.parent
SECRET = "bench_cluster_secret"  # noqa: S105 - the benchmark's own webhook, not a secret
# The child: the CLI's `run`, with the throughput runs' lifted send limits (bench.trygg's
# fast_throttle): the benchmark measures the bot, not Telegram's 30 messages/s.
LAUNCH = """
import functools, sys
import bot.throttle, bot.transports.telegram
bot.transports.telegram.Throttle = functools.partial(
    bot.throttle.Throttle, per_second=100_000.0, per_chat_interval=0.0
)
from bot.cli import main
sys.exit(main(["run", *sys.argv[1:]]))
"""
# The baseline as a process: bench/baseline.py's ConversationHandler with PTB's own webhook
# server and networking (its defaults), in memory; its alert names the reporter's chat.
PTB_LAUNCH = """
import sys
from telegram.ext import Application
from bench.baseline import conversation
from bench.fakeapi import TOKEN
api_url, port, url, secret, concurrent, contact = sys.argv[1:7]

async def alert(chat_id, context):
    text = f"New incident report in Trygg – reported by chat {chat_id}"
    await context.bot.send_message(int(contact), text)

application = (
    Application.builder().token(TOKEN).base_url(api_url).concurrent_updates(concurrent == "1")
).build()
application.add_handler(conversation(alert, persistent=False))
application.run_webhook(
    listen="127.0.0.1", port=int(port), url_path="hook", webhook_url=url, secret_token=secret
)
"""
# An alert as the contact reads it: Trygg's names the official, the baseline's the chat.
ALERT = re.compile(r"Official (\d{5})|reported by chat (\d+)")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a live process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Setup:
    """One configuration: which bot, how many processes, on which database."""

    name: str
    processes: int
    database_url: str | None  # None: an SQLite file
    connections: int  # Telegram's max_connections to the load-balanced URL
    delay: float
    bot: str = "trygg"  # or "ptb", "ptb_concurrent" (python-telegram-bot, in memory)


class Cluster:
    """The bot processes of one run."""

    def __init__(self, setup: Setup, database_url: str | None, workdir: Path, api_url: str) -> None:
        self.setup = setup
        self.workdir = workdir
        self.api_url = api_url
        ports = [free_port() for _ in range(setup.processes)]
        self.urls = [f"http://127.0.0.1:{port}/hook" for port in ports]
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
        }
        self.env = inherited | {"PYTHONPATH": str(REPO)}
        if database_url is None:  # the baseline
            self.procs: list[asyncio.subprocess.Process] = []
            return
        self.env |= {
            "DATABASE_URL": database_url,
            "TRYGG_KEYS": KEYS,
            "TRYGG_LOG_LEVEL": "WARNING",
            "TRYGG_DEFAULT_LOCALE": "en",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api_url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
        if setup.processes > 1:
            self.env["TRYGG_SEVERAL_PROCESSES"] = "1"
        self.procs = []

    def command(self, n: int, url: str) -> tuple[list[str], dict[str, str]]:
        """Process ``n``'s arguments to Python and its environment."""
        port = url.rsplit(":", 1)[1].split("/")[0]
        if self.setup.bot != "trygg":
            concurrent = "1" if self.setup.bot == "ptb_concurrent" else "0"
            launch = [PTB_LAUNCH, self.api_url, port, url, SECRET, concurrent, str(CONTACT_CHAT)]
            return ["-c", *launch], self.env
        data = self.workdir / f"{self.setup.name}-p{n}"
        data.mkdir(exist_ok=True)
        env = self.env | {"TRYGG_WEBHOOK_PORT": port, "TRYGG_DATA_DIR": str(data)}
        return ["-c", LAUNCH, "--webhook", url], env

    async def start(self) -> None:
        for n, url in enumerate(self.urls):
            args, env = self.command(n, url)
            with (self.workdir / f"{self.setup.name}-p{n}.log").open("ab") as log:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable,
                    *args,
                    cwd=self.workdir,
                    env=env,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
            self.procs.append(proc)

    def cpu(self) -> list[float]:
        return [cpu_seconds(proc.pid) for proc in self.procs]

    def exited(self) -> bool:
        return any(proc.returncode is not None for proc in self.procs)

    async def stop(self) -> list[int]:
        """SIGTERM: each process finishes what it has and exits."""
        for proc in self.procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        codes = []
        for proc in self.procs:
            try:
                codes.append(await asyncio.wait_for(proc.wait(), 30))
            except TimeoutError:
                proc.kill()
                codes.append(await proc.wait())
        return codes

    def tail(self, lines: int = 20) -> str:
        logs = sorted(self.workdir.glob(f"{self.setup.name}-p*.log"))
        return "\n".join(
            "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) for log in logs
        )


async def run_setup(setup: Setup, reporters: int, workdir: Path, tag: str) -> Run:
    """Populate a fresh database (Trygg), start the processes, let every reporter write one
    report."""
    population = None
    officials = [OFFICIAL_CHAT + i for i in range(reporters)]
    contacts, database = {CONTACT_CHAT}, None
    if setup.bot == "trygg":
        population = await populate(setup.database_url, workdir, tag, reporters, COUNCIL_PARTIES)
        officials, contacts, database = population.officials, population.contacts, population.url
    api = FakeBotApi(setup.delay)
    server = await ApiServer(api).start()
    cluster = Cluster(setup, database, workdir, server.base_url)
    balancer = Balancer(cluster.urls, SECRET, setup.connections)
    api.webhook = balancer.post
    alerted: set[int] = set()

    def seen(chat_id: int, message: str, arrived: float) -> None:
        if chat_id in contacts and (match := ALERT.search(message)):
            named, chat = match.groups()
            alerted.add(OFFICIAL_CHAT + int(named) if named else int(chat))

    api.on_message = seen
    balancer.start()
    try:
        await cluster.start()
        ready = await wait_until(
            lambda: api.calls["setWebhook"] >= setup.processes or cluster.exited(), 60
        )
        if not ready or cluster.exited():
            raise RuntimeError(f"{setup.name}: the processes did not start\n{cluster.tail()}")
        start, parent_start, cpu_start = now(), time.process_time(), cluster.cpu()
        tally = await run_reporters(api, officials, patience=120.0)
        seconds = max(tally.completions, default=start) - start
        cpu = [b - a for a, b in zip(cpu_start, cluster.cpu(), strict=True)]
        parent = time.process_time() - parent_start
        await wait_until(lambda: len(alerted) >= tally.reports, 60)
    finally:
        codes = await cluster.stop()
        await balancer.stop()
        await server.stop()
    checks: dict[str, Any] = {"reports_stored": None, "reports_complete": None}  # in memory
    if population is not None:
        checks = await verify_reports(population.settings, [], None)
    run = Run.of(setup.name, setup.delay, tally, seconds, start)
    events = max(tally.events, 1)
    run.extra = {
        "processes": setup.processes,
        "connections": balancer.per_process * setup.processes,
        "posts_per_process": [balancer.posted[i] for i in range(setup.processes)],
        "posts_retried": balancer.retried,
        "alerts_delivered": len(alerted),
        "exit_codes": codes,
        "bot_api_calls": dict(api.calls),
        "bot_api_unanswered": dict(server.unsupported),
        "cpu_ms_per_event_per_process": [round(c / events * 1000, 3) for c in cpu],
        "cpu_busy_pct_per_process": [round(100 * c / seconds, 1) for c in cpu] if seconds else [],
        "harness_cpu_ms_per_event": round(parent / events * 1000, 3),
        "harness_cpu_busy_pct": round(100 * parent / seconds, 1) if seconds else None,
        "reports_stored": checks["reports_stored"],
        "reports_complete": checks["reports_complete"],
    }
    return run


def problems(run: Run, reporters: int) -> list[str]:
    """What went wrong in a run: reports missing or not whole, alerts lost, bad exits."""
    found = []
    extra = run.extra
    if run.failures:
        found.append(f"{run.name}: reporters failed: {run.failures}")
    if run.reports != reporters:
        found.append(f"{run.name}: {run.reports} of {reporters} reports sent")
    if extra["reports_complete"] not in (None, reporters):  # None: the baseline keeps nothing
        found.append(f"{run.name}: {extra['reports_complete']} of {reporters} reports whole")
    if extra["alerts_delivered"] != reporters:
        found.append(f"{run.name}: {extra['alerts_delivered']} of {reporters} alerts delivered")
    if any(extra["exit_codes"]):  # type: ignore[arg-type]
        found.append(f"{run.name}: exit codes {extra['exit_codes']}")
    if extra["bot_api_unanswered"]:
        found.append(f"{run.name}: Bot API calls the fake did not answer")
    return found


async def compare(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """The configurations in turns; the runs, their checks and the ratios of the pairs."""
    delay = args.delay_ms / 1000
    pg = f"postgresql_{args.processes}"
    setups = [
        Setup("sqlite_1", 1, None, args.connections, delay),
        Setup(pg, args.processes, args.postgresql, args.connections, delay),
    ]
    pairs = [(pg, "sqlite_1")]
    if args.ptb:
        setups.append(Setup("ptb_concurrent", 1, None, args.connections, delay, "ptb_concurrent"))
        pairs += [("sqlite_1", "ptb_concurrent"), (pg, "ptb_concurrent")]
        if not delay:  # one update at a time: at 50 ms a run would take most of an hour
            setups.append(Setup("ptb", 1, None, args.connections, delay, "ptb"))
            pairs += [("sqlite_1", "ptb"), (pg, "ptb")]
    runs: dict[str, list[Run]] = {setup.name: [] for setup in setups}
    for turn in range(args.repeat):
        for setup in setups:
            run = await run_setup(setup, args.reporters, workdir, f"{setup.name}-{turn}")
            runs[setup.name].append(run)
            print(f"{setup.name} #{turn + 1}: {run.events_per_s:.1f} events/s", file=sys.stderr)
    found: list[str] = []  # Trygg's: the command fails with any
    baseline_found: list[str] = []  # reported: PTB's concurrent mode gives up each person's order
    for setup in setups:
        for run in runs[setup.name]:
            into = found if setup.bot == "trygg" else baseline_found
            into.extend(problems(run, args.reporters))
    return {
        "command": "python -m bench.cluster " + " ".join(sys.argv[1:]),
        "cores": os.cpu_count(),
        "reporters": args.reporters,
        "delay_ms": args.delay_ms,
        "runs": {name: group[-1].summary() for name, group in runs.items()},
        "repeats_events_per_s": {
            name: [round(run.events_per_s, 1) for run in group] for name, group in runs.items()
        },
        "ratios": {f"{a}_vs_{b}": paired_ratio(runs[a], runs[b]) for a, b in pairs},
        "p99_ratios": {f"{a}_vs_{b}": paired_ratio(runs[a], runs[b], p99) for a, b in pairs},
        "problems": found,
        "baseline_problems": baseline_found,
    }


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__)
    parser.add_argument("--postgresql", required=True, help="postgresql+asyncpg://… (dropped)")
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--reporters", type=int, default=1000)
    parser.add_argument("--delay-ms", type=int, default=0, help="the Bot API's round trip")
    parser.add_argument("--connections", type=int, default=100, help="webhook max_connections")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--ptb",
        action="store_true",
        help="also python-telegram-bot's ConversationHandler as a process (its webhook, in "
        "memory): with concurrent_updates, and its sequential default at 0 ms",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="trygg-cluster-") as tmp:
        results = asyncio.run(compare(args, Path(tmp)))
    print("CLUSTER_JSON " + json.dumps(results))
    return 1 if results["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
