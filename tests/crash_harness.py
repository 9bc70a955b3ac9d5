"""The crash scenario of tests/test_fault_crash.py, shared with ``python -m bench.faults``.

The bot runs as a child process (the CLI's `run`) on an SQLite file, talking to a FakeBotApi
in the caller's event loop on 127.0.0.1. A driver plays officials who each write a short
report, CONCURRENT at a time, while the bot is SIGKILLed at seeded random moments (some
during start-up) and started again; :func:`run_crash` then reads every acknowledged answer
back from the database and returns the figures. The CI test runs 100 officials and 8–12
kills; the bench runs as many kills as asked, with more officials so that the reports last
that long. See tests/test_fault_crash.py for what is checked and why.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from storage.directory import DirectoryRepo
from storage.models import OutboxMessage, OutboxStatus, Report, ReportStatus
from storage.reports import ReportRepo
from tests.conftest import TEST_KEYS
from tests.fakebotapi import FakeBotApi
from tests.fault_support import (
    REFERENCE,
    SAVED_STATE,
    SUBMITTED_STATE,
    button_ids,
    child_env,
    prompt_state,
    texts,
    write_org,
)

SEED = int(os.environ.get("TRYGG_FAULT_SEED", "20261122"))
SECURITY_CHAT = 9_000
FIRST_CHAT = 10_000
CATEGORIES = ("party", "assignment", "unknown")
LEASE_SECONDS = 6
ACTION_TIMEOUT = 60.0  # one action without any answer, bot restarts included
# An update is confirmed when its answers are committed, before its reply is sent: a reply
# that has not come this long after the confirmation is late (it died with a killed process
# and comes after the next start, without the official writing again).
LOST_AFTER = 2.0

# The child process: the CLI's `run`, with Telegram's send limits lifted and a short lease.
LAUNCH = """
import functools, sys
from datetime import timedelta
import bot.delivery, bot.throttle, bot.transports.telegram
bot.transports.telegram.Throttle = functools.partial(  # no rate limits against the fake
    bot.throttle.Throttle, per_second=10000.0, per_chat_interval=0.0
)
bot.delivery.LEASE = timedelta(seconds=float(sys.argv[1]))
from bot.cli import main
sys.exit(main(["run", *sys.argv[2:]]))
"""


@dataclass(frozen=True)
class Scenario:
    """How many officials report, how many at once, how many kills (a seeded range)."""

    officials: int = 100
    concurrent: int = 10
    kills: tuple[int, int] = (8, 12)
    seed: int = SEED
    run_timeout: float = 150.0  # for all reports, kills and restarts included
    until_kills: bool = False  # no new reports once every kill is done (the bench)
    # reports begun before the last kill, however slow the machine: the kills wait for them
    at_least: int = 0


@dataclass
class Result:
    """What a crash run measured; ``problems`` lists answers or alerts that were lost."""

    figures: dict[str, Any]
    problems: list[str]
    kills: int
    checked: int
    duplicates: int
    resent_max: int
    sorry: int


@dataclass
class Official:
    """One simulated official and what the driver saw happen."""

    chat: int
    handle: str
    category: str
    story: str
    rng: random.Random
    acked: list[tuple[str, Any]] = field(default_factory=list)  # (step, what must be stored)
    ref: str = ""
    late: int = 0  # actions whose reply came more than LOST_AFTER after the confirmation
    resent: int = 0  # actions whose reply died with the process, and came after a start
    actions: int = 0


class BotProcess:
    """The bot as a child process that can be killed and started again."""

    def __init__(
        self,
        fake: FakeBotApi,
        env: dict[str, str],
        cwd: Path,
        log: Path,
        args: tuple[str, ...] = (),
        ready: str = "getUpdates",
        launch: str = LAUNCH,
    ) -> None:
        self.launch = launch
        self.fake = fake
        self.args = args
        self.ready = ready  # the Bot API call that shows the process is up
        self.env = env
        self.cwd = cwd
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0
        self._since = 0

    async def start(self) -> None:
        assert self.proc is None
        self._since = len(self.fake.requests)
        with self.log.open("ab") as log:
            log.write(f"\n=== start {self.starts + 1}\n".encode())
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                self.launch,
                str(LEASE_SECONDS),
                *self.args,
                cwd=self.cwd,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self.starts += 1

    async def polling(self, timeout: float = 30.0) -> None:
        """Wait until this process polls for updates, or set its webhook (it is up)."""
        deadline = time.monotonic() + timeout
        while not any(r.method == self.ready for r in self.fake.requests[self._since :]):
            assert self.proc is not None
            if self.proc.returncode is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}: {self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start polling: {self.tail()}")
            await asyncio.sleep(0.02)

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.proc = None
        self.kills += 1

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM: the bot finishes what it has and exits."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout)
        finally:
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()
            self.proc = None
        return code

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Driver:
    """Plays officials through the fake Bot API, one action at a time each."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake
        self.t = texts("sv")
        self.sorry = 0  # "I can't save anything right now" answers

    def _pending(self, update_id: int) -> bool:
        return any(u["update_id"] == update_id for u in self.fake.pending_updates)

    def _new_sends(self, chat: int, start: int) -> list[Any]:
        return [
            r
            for r in self.fake.requests[start:]
            if r.method == "sendMessage" and r.params.get("chat_id") == chat and r.status == 200
        ]

    async def act(
        self,
        who: Official,
        inject: Callable[[], int],
        expect: tuple[str, Any] | None,
        on: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Inject one update and wait for the bot's next prompt: a message with buttons of a
        later step than ``on``, the message acted on (a repeat of an older one is not it).

        If the update was handled and confirmed without an answer (the answer died with a
        killed process), the official does nothing: the next start must send it.
        """
        who.actions += 1
        start = len(self.fake.requests)
        mark = max((m["message_id"] for m in self.fake.history(who.chat)), default=0)
        after = -1 if on is None else self.step_of(who.chat, on)
        update_id = inject()
        deadline = time.monotonic() + ACTION_TIMEOUT
        seen = start
        checked_pending = time.monotonic()
        confirmed_at: float | None = None
        late = False
        while True:
            if len(self.fake.requests) != seen or any(
                r.status is None for r in self.fake.requests[start:seen]
            ):
                seen = len(self.fake.requests)
                newer = [m for m in self.fake.sent(who.chat) if m["message_id"] > mark]
                prompts = [m for m in newer if self.step_of(who.chat, m) > after]
                if prompts:
                    said = [str(m.get("text", "")) for m in newer]
                    refused = any(t.startswith((self.t.earlier, self.t.db_down)) for t in said)
                    self.sorry += sum(t.startswith(self.t.db_down) for t in said)
                    assert not any(t.startswith(self.t.bug) for t in said), said
                    if expect is not None and not refused:
                        who.acked.append(expect)
                    if self._resent(who.chat, start, str(prompts[-1].get("text", ""))):
                        who.resent += 1  # it died with a process; a start sent it again
                    return prompts[-1]
            now = time.monotonic()
            if confirmed_at is None and now - checked_pending > 0.25:
                checked_pending = now
                if not self._pending(update_id):
                    confirmed_at = now
            if not late and confirmed_at is not None and now - confirmed_at > LOST_AFTER:
                late = True  # handled, and its reply died with the process: wait for it
                who.late += 1
            if now > deadline:
                raise AssertionError(f"{who.handle}: no answer within {ACTION_TIMEOUT}s")
            await asyncio.sleep(0.03)

    def _resent(self, chat: int, start: int, text: str) -> bool:
        """Whether the bot's message with ``text`` (sent after request ``start``) was sent
        again at a start: after the "I lost the connection" line, before any getUpdates (a
        start sends lost replies before it reads any update)."""
        requests = self.fake.requests
        found = [
            i
            for i in range(start, len(requests))
            if requests[i].method == "sendMessage"
            and requests[i].params.get("chat_id") == chat
            and requests[i].params.get("text") == text
        ]
        for earlier in reversed(requests[start : found[-1]] if found else []):
            if earlier.method == "getUpdates":
                return False
            if (
                earlier.method == "sendMessage"
                and earlier.params.get("chat_id") == chat
                and earlier.params.get("text") == self.t.lost
            ):
                return True
        return False

    def step_of(self, chat: int, message: dict[str, Any]) -> int:
        """The step a message's buttons belong to (-1: no buttons, or not a step)."""
        for _label, data in self.fake.buttons(chat, message["message_id"]):
            token = data.partition("|")[0]
            return int(token) if token.isdigit() else -1
        return -1

    def press(self, who: Official, message: dict[str, Any], button: str) -> int:
        data = next(
            d for _label, d in self.fake.buttons(who.chat, message["message_id"])
            if d.partition("|")[2] == button
        )  # fmt: skip
        return self.fake.press(who.chat, message["message_id"], data)

    async def report(self, who: Official) -> None:
        """/rapportera through to Send, answering only what is required."""
        fake = self.fake
        message = await self.act(who, lambda: fake.send_text(who.chat, "/rapportera"), None)
        states: list[str] = []
        for _ in range(80):
            await asyncio.sleep(who.rng.uniform(0, 0.02))  # a person's (short) pause
            ids = button_ids(fake.buttons(who.chat, message["message_id"]))
            text = str(message.get("text", ""))
            state = prompt_state(text, ids)
            states.append(state)
            expect: tuple[str, Any] | None
            if state == SUBMITTED_STATE:
                match = REFERENCE.search(text)
                assert match, text
                who.ref = match.group(0)
                return
            if state == "who":
                button, expect = "opt:self", ("who", "self")
            elif state == "category":
                button, expect = f"opt:{who.category}", ("category", who.category)
            elif state == "what":
                message = await self.act(
                    who, lambda: fake.send_text(who.chat, who.story), ("what", who.story), message
                )
                continue
            elif state == SAVED_STATE:
                button, expect = "done", ("what", who.story)
            elif state == "evidence":
                button, expect = "done", ("evidence", 0)
            elif state == "summary":
                button, expect = "send", ("sent", True)
            elif state == "resume":
                button, expect = "resume:continue", None
            elif "nav:skip" in ids:
                button, expect = "nav:skip", (state, None)
            else:
                raise AssertionError(f"{who.handle}: unexpected prompt {text[:80]!r} {ids}")
            message = await self.act(
                who, lambda b=button, m=message: self.press(who, m, b), expect, message
            )
        raise AssertionError(f"{who.handle}: the report never ended: {states[-12:]}")

    async def help(self, who: Official) -> str:
        start = len(self.fake.requests)
        await self.act(who, lambda: self.fake.send_text(who.chat, "/hjalp"), None)
        return "\n".join(str(r.params["text"]) for r in self._new_sends(who.chat, start))


def children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def prepare(settings: Settings, org: Path, officials: list[Official]) -> None:
    app = App.create(settings)
    try:
        await app.migrate()
        async with app.db.unit_of_work() as session:
            await orgfile.apply(session, orgfile.parse(org), app.keyring)
        async with app.db.unit_of_work() as session:
            directory = DirectoryRepo(session)
            pairs = [("sec", SECURITY_CHAT)] + [(o.handle, o.chat) for o in officials]
            for handle, chat in pairs:
                person = await directory.person_by_handle(handle)
                assert person is not None
                await directory.bind("telegram", str(chat), person)
    finally:
        await app.close()


async def stored(settings: Settings, officials: list[Official]) -> tuple[int, list[str]]:
    """Check every acknowledged answer against the database; (answers checked, problems)."""
    app = App.create(settings)
    checked, problems = 0, []
    try:
        async with app.db.unit_of_work() as session:
            directory, repo = DirectoryRepo(session), ReportRepo(session, app.keyring)
            for who in officials:
                person = await directory.person_by_handle(who.handle)
                assert person is not None
                reports = list(
                    await session.scalars(select(Report).where(Report.reporter_id == person.id))
                )
                if len(reports) != 1:
                    problems.append(f"{who.handle}: {len(reports)} reports")
                    continue
                [row] = reports
                answers = repo.answers(row)
                for step, value in who.acked:
                    checked += 1
                    if step == "sent":
                        ok = row.status is ReportStatus.SUBMITTED and row.ref == who.ref
                    elif step == "what":
                        ok = value in str((answers.get("what") or {}).get("text", ""))
                    elif step == "category":
                        ok = (answers.get("category") or {}).get("choice") == value == row.category
                    elif value is None:  # skipped
                        ok = step in answers and answers[step] is None
                    else:  # pressed: the option is the answer
                        answer = answers.get(step) or {}
                        ok = value in (answer.get("choice"), *(answer.get("choices") or []))
                    if not ok:
                        problems.append(f"{who.handle}: {step}={value!r} not stored")
            unsent = list(
                await session.scalars(
                    select(OutboxMessage.id).where(OutboxMessage.status != OutboxStatus.SENT)
                )
            )
            if unsent:
                problems.append(f"outbox messages not sent: {unsent}")
    finally:
        await app.close()
    return checked, problems


def alerts_seen(fake: FakeBotApi) -> Counter[str]:
    """How many alerts the security contact got, by the case reference each names."""
    found: Counter[str] = Counter()
    for r in fake.calls("sendMessage"):
        if r.params.get("chat_id") == SECURITY_CHAT and r.status == 200:
            found.update(REFERENCE.findall(str(r.params["text"]))[:1])
    return found


async def wait_for_alerts(fake: FakeBotApi, refs: set[str]) -> None:
    """Wait until every reference's alert reached the contact (at most a few leases)."""
    deadline = time.monotonic() + 3 * LEASE_SECONDS + 10
    while not refs <= set(alerts_seen(fake)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def officials_of(count: int, seed: int, rng: random.Random) -> list[Official]:
    """The scenario's officials: a seeded category and story each, chats from FIRST_CHAT."""
    return [
        Official(
            chat=FIRST_CHAT + i,
            handle=f"o{i:03d}",
            category=rng.choice(CATEGORIES),
            story=f"Officiell {i:03d}: ett hot i brevlådan, nr {rng.randrange(10**6):06d}.",
            rng=random.Random(seed * 1000 + i),
        )
        for i in range(count)
    ]


async def run_crash(tmp_path: Path, sqlite_template: Path, scenario: Scenario) -> Result:
    """Run the crash scenario on a copy of ``sqlite_template``; return what it measured.

    A report that never ends, a bot that does not start, or an official left without help
    fails with AssertionError; answers or alerts lost are listed in ``problems``."""
    began = time.monotonic()
    seed = scenario.seed
    rng = random.Random(seed)
    db_file = tmp_path / "trygg.db"
    db_file.write_bytes(sqlite_template.read_bytes())
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{db_file}",
        TRYGG_DATA_DIR=tmp_path,
        TRYGG_KEYS=TEST_KEYS,
        TRYGG_DEFAULT_LOCALE="sv",
    )
    officials = officials_of(scenario.officials, seed, rng)
    await prepare(settings, write_org(tmp_path / "org.yaml", scenario.officials), officials)
    planned_kills = rng.randint(*scenario.kills)

    async with FakeBotApi() as fake:
        fake.add_chat(SECURITY_CHAT)
        env = child_env(settings.db_url, fake) | {"TRYGG_DATA_DIR": str(tmp_path)}
        bot = BotProcess(fake, env, tmp_path, tmp_path / "bot.log")
        driver = Driver(fake)
        todo: asyncio.Queue[Official] = asyncio.Queue()
        for who in officials:
            todo.put_nowait(who)

        async def reporter() -> None:
            while not todo.empty() and not (scenario.until_kills and kills_done.is_set()):
                await driver.report(todo.get_nowait())

        async def chaos() -> None:
            """Kill the bot at seeded random moments while the reports go on."""
            while bot.kills < planned_kills and not reporting.done():
                await bot.start()
                if rng.random() < 0.15:
                    await asyncio.sleep(rng.uniform(0.05, 1.0))  # during start-up
                else:
                    await bot.polling()
                    await asyncio.sleep(rng.uniform(0.3, 2.0))
                # the kills keep pace with the reports, not the clock: a slow machine
                # had ended its kills with 80 reports begun, fewer than the test reads
                need = scenario.at_least * (bot.kills + 1) // planned_kills
                while sum(1 for o in officials if o.actions) < need and not reporting.done():
                    await asyncio.sleep(0.05)
                if reporting.done():
                    break
                await bot.kill()
            kills_done.set()
            if bot.proc is None:
                await bot.start()
            await bot.polling()

        def progress() -> str:
            done = sum(1 for o in officials if o.ref)
            return (
                f"{done}/{len(officials)} reports, {bot.kills} kills, "
                f"{sum(o.actions for o in officials)} actions, "
                f"{sum(o.resent for o in officials)} replies re-sent after a kill, "
                f"{len(fake.requests)} requests"
            )

        async def monitor() -> None:  # TRYGG_FAULT_VERBOSE=1 (with -s) shows progress
            while os.environ.get("TRYGG_FAULT_VERBOSE"):
                await asyncio.sleep(5)
                print(f"[{time.monotonic() - began:5.1f}s] {progress()}", flush=True)

        kills_done = asyncio.Event()
        reporting = asyncio.gather(*(reporter() for _ in range(scenario.concurrent)))
        chaos_task = asyncio.create_task(chaos())
        monitor_task = asyncio.create_task(monitor())
        try:
            try:
                await asyncio.wait_for(asyncio.shield(reporting), scenario.run_timeout)
            except TimeoutError:
                raise AssertionError(f"timed out: {progress()}\n{bot.tail()}") from None
            await chaos_task
            officials = [o for o in officials if o.actions]  # until_kills: those who began
            # every submitted report's alert reaches the security contact
            refs = {who.ref for who in officials}
            assert "" not in refs

            await wait_for_alerts(fake, refs)
            await asyncio.sleep(0.5)
            counted = alerts_seen(fake)
            missing = sorted(refs - set(counted))
            assert set(counted) <= refs, "an alert for a report nobody sent"
            duplicates = sum(n - 1 for n in counted.values())

            # nobody is stuck
            helps = await asyncio.gather(*(driver.help(who) for who in officials))
            stuck = [who.handle for who, said in zip(officials, helps, strict=True)
                     if driver.t.help not in said]  # fmt: skip
            assert not stuck, f"no help for {stuck}"
            code = await bot.stop()
            assert code == 0, bot.tail()
        finally:
            for task in (chaos_task, monitor_task):
                task.cancel()
            reporting.cancel()
            with contextlib.suppress(BaseException):
                await reporting
            with contextlib.suppress(BaseException):
                await chaos_task
            if bot.proc is not None:
                bot.proc.kill()
                await bot.proc.wait()
        fake.assert_valid()
        # replies sent again at a start: each official's, at most once per kill
        resent = {o.handle: fake.messages_to(o.chat).count(driver.t.lost) for o in officials}
        # messages an official got twice (sent, then sent again after a kill), buttons and all
        said = Counter(
            (r.params.get("chat_id"), str(r.params.get("text")), repr(r.params.get("reply_markup")))
            for r in fake.calls("sendMessage")
            if r.status == 200 and r.params.get("text") != driver.t.lost
        )
        chats = {o.chat for o in officials}
        repeated = sum(n - 1 for (chat, _t, _k), n in said.items() if chat in chats)

    checked, problems = await stored(settings, officials)
    if missing:
        problems.append(f"reports without an alert: {missing}\n{bot.tail()}")
    figures = {
        "seed": seed,
        "reports": len(officials),
        "kills_survived": bot.kills,
        "starts": bot.starts,
        "answers_checked": checked,
        "answers_lost": sum("not stored" in p for p in problems),
        "actions": sum(o.actions for o in officials),
        "replies_resent_after_kill": sum(o.resent for o in officials),  # nobody wrote again
        "replies_late": sum(o.late for o in officials),
        "resends": sum(resent.values()),
        "resends_max_per_official": max(resent.values()),
        "replies_repeated": repeated,
        "alerts": sum(counted.values()),
        "alerts_lost": len(missing),
        "duplicates_seen": duplicates,
        "try_again_answers": driver.sorry,
        "seconds": round(time.monotonic() - began, 1),
        "bot_cpu_seconds": round(children_cpu(), 1),
        "test_cpu_seconds": round(time.process_time(), 1),
    }
    return Result(
        figures=figures,
        problems=problems,
        kills=bot.kills,
        checked=checked,
        duplicates=duplicates,
        resent_max=max(resent.values()),
        sorry=driver.sorry,
    )
