"""The bad-input sweep of tests/test_fault_inputs.py, on Signal: the real SignalBot and the
fake signal-cli daemon.

Each kind gets a fresh bot and database (a Signal bot starts in a blink) and one person who
stands in the middle of a report (at "what happened", or at the evidence step), or a
stranger who never wrote before. Each must give: no crash; a kind reply in the person's
language where one is due, none where none is (receipts, reactions, typing, malformed
lines from the daemon, group messages); nothing corrupted or lost: the draft holds exactly
what was accepted and goes on. The kinds that carry NUL bytes and control characters into
storage run on PostgreSQL too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from storage.models import ChannelBinding, Evidence, Person, Report
from storage.reports import ReportRepo
from tests.conftest import FakeClock
from tests.fakesignal import FakeSignal
from tests.fakesignal import Person as SignalUser
from tests.fault_support import en, sv, texts, write_org
from tests.reporting import open_step
from tests.signal_harness import SignalHarness, fake_signal_fixture, signal_settings  # noqa: F401
from tests.test_fault_inputs import CONTROL, FIRST, LAST, MB, RTL, SQL
from tests.test_signal_transport import SignalWriter

GROUP_ID = "Z3JvdXAtaWQtb2YtdGhlLWNvdW5jaWwtY2hhdD0="  # base64, as the daemon gives it
Expect = Callable[[list[str], SimpleNamespace], bool]


@dataclass
class Case:
    """One kind's person on a running bot."""

    sg: SignalHarness
    user: SignalUser
    who: str
    first: int = 0  # the timestamp of her first words (what an edit points at)

    @property
    def fake(self) -> FakeSignal:
        return self.sg.fake

    def envelope(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.fake.envelope(self.user, data)

    async def push(self, **data: Any) -> None:
        await self.fake.push(self.envelope(data))


@dataclass(frozen=True)
class Kind:
    name: str
    inject: Callable[[Case], Awaitable[object]]
    expect: Expect | None  # None: no reply is due
    who: str = "anna"  # anna (sv), bo (en): mid-report; stranger: never wrote before
    at: str = "what"  # "what" (texts) or "evidence" (the summary)
    stores: tuple[str, ...] = ()  # what the input adds to "what happened"
    pg: bool = False
    evidence: int = 0


def starts(*names: str) -> Expect:
    return lambda r, t: bool(r) and r[0].startswith(tuple(getattr(t, n) for n in names))


def asked_again(name: str) -> Expect:
    return lambda r, t: len(r) >= 2 and r[0].startswith(getattr(t, name))


def stored(r: list[str], t: SimpleNamespace) -> bool:
    return len(r) == 2 and r[0].startswith(t.saved)


def text(words: str) -> Callable[[Case], Awaitable[object]]:
    return lambda c: c.fake.push_text(c.user, words)


def file(content: bytes, mime: str, name: str | None, caption: str | None = None,
         **more: Any) -> Callable[[Case], Awaitable[object]]:  # fmt: skip
    return lambda c: c.fake.push_attachment(c.user, content, mime, name, caption, **more)


def declared(size: int) -> Callable[[Case], Awaitable[object]]:
    """A file the daemon says is ``size`` bytes (its bytes are never asked for)."""
    meta = {"contentType": "application/pdf", "filename": "stor.pdf", "id": "big.pdf",
            "size": size, "width": None, "height": None, "caption": None}  # fmt: skip
    return lambda c: c.push(message=None, attachments=[meta | {"uploadTimestamp": 1767225600000}])


async def silent_ones(c: Case) -> None:
    """What a client sends on its own, and lines from the daemon in shapes it never should."""
    env = c.envelope({})
    env.pop("dataMessage")
    receipt = env | {"receiptMessage": {"when": env["timestamp"], "isDelivery": False,
                                        "isRead": True, "isViewed": False,
                                        "timestamps": [env["timestamp"]]}}  # fmt: skip
    typing = env | {"typingMessage": {"action": "STARTED", "timestamp": env["timestamp"]}}
    await c.fake.push(receipt)
    await c.fake.push(typing)
    reaction = {"emoji": "👍", "targetAuthor": c.fake.account, "targetAuthorNumber": None,
                "targetAuthorUuid": c.user.aci, "targetSentTimestamp": env["timestamp"],
                "isRemove": False}  # fmt: skip
    await c.push(message=None, reaction=reaction)
    await c.push(message=None, remoteDelete={"timestamp": env["timestamp"]})
    await c.push(message=None, expiresInSeconds=3600, isExpirationUpdate=True)
    await c.fake.push(c.envelope({"message": FIRST}), {"message": "bad MAC", "type": "X"})


async def malformed(c: Case) -> None:
    note = {"jsonrpc": "2.0", "method": "receive"}
    for params in (None, [], "x", {"envelope": "x"}, {"envelope": {"sourceUuid": 7}},
                   {"envelope": {"sourceUuid": c.user.aci, "dataMessage": "x"}},
                   {"envelope": {"sourceUuid": c.user.aci, "timestamp": "soon",
                                 "dataMessage": {"message": "hej", "timestamp": "soon"}}},
                   {"envelope": c.envelope({"message": None, "attachments": "x"})},
                   {"envelope": c.envelope({"message": None, "attachments": [{"id": 5}]})},
                   {"subscription": 0, "result": None}):  # fmt: skip
        await c.sg.raw(note | {"params": params})
    await c.sg.raw({"jsonrpc": "2.0", "method": "somethingNew", "params": {"a": [1]}})
    await c.sg.raw({"jsonrpc": "2.0", "id": "nobody-asked", "result": {}})
    await c.sg.raw([1, "two", None])


async def in_a_group(c: Case) -> None:
    group = {"groupId": GROUP_ID, "groupName": "Fullmäktige", "revision": 3, "type": "DELIVER"}
    await c.push(message=FIRST, groupInfo=group)


KINDS = [
    Kind("text-10000-chars", text(("Hot och hat. " * 800)[:10_000]), stored,
         stores=(("Hot och hat. " * 800)[:10_000],)),
    Kind("text-100000-chars", text("x" * 100_000), stored, stores=("x" * 100_000,)),
    Kind("emoji-only", text("😡🔪🏠💀"), stored, who="bo", stores=("😡🔪🏠💀",)),
    Kind("right-to-left", text(RTL), stored, stores=(RTL,)),
    Kind("sql-looking", text(SQL), stored, stores=(SQL,), pg=True),
    Kind("control-chars-and-nul", text(CONTROL), stored, stores=(CONTROL,), pg=True),
    Kind("whitespace-only", text(" \n\t\u3000 "), asked_again("empty")),
    Kind("empty-message", text(""), asked_again("empty")),
    Kind("number-out-of-range", text("99"), asked_again("no_such")),  # no choice 99: no answer
    Kind("number-zero-and-negative", text("-1"), stored, stores=("-1",), who="bo"),
    Kind("unknown-command", text("/xyzzy\x00"), asked_again("unknown_command"), pg=True),
    Kind("slash-alone", text("/"), stored, stores=("/",)),
    Kind("start-garbage-code", text("/start ÅÄÖ-\x00-<script>'--"), starts("bad_code"), pg=True),
    Kind("code-unknown-stranger", text("ZZZZ-ZZZZ-ZZZZ"), starts("bad_code"), who="stranger"),
    Kind("start-huge-stranger", text("/start " + "Z" * 300), starts("bad_code"), who="stranger"),
    Kind("help-stranger", text("hjalp"), lambda r, t: bool(r) and t.help in r[0], who="stranger"),
    Kind("quote-and-mentions", lambda c: c.push(
        message=RTL, quote={"id": 1767225600000, "author": c.fake.account, "text": "x"},
        mentions=[{"name": "x", "number": None, "uuid": c.user.aci, "start": 0, "length": 1}],
        textStyles=[{"style": "BOLD", "start": 0, "length": 3}]), stored, stores=(RTL,)),
    Kind("receipts-reactions-typing-deletes-undecryptable", silent_ones, None),
    Kind("malformed-lines-from-the-daemon", malformed, None, pg=True),
    Kind("group-message", in_a_group, None),
    Kind("photo-mid-text", file(b"\x89PNG\r\n\x1a\nbild", "image/png", None), starts("kept"),
         evidence=1),
    Kind("empty-file", file(b"", "application/pdf", "tom.pdf"), starts("empty_file"),
         at="evidence"),
    Kind("file-25-mb", declared(25 * MB), asked_again("too_large"), at="evidence"),
    Kind("file-the-daemon-lost", file(b"%PDF", "application/pdf", "x.pdf", download_failed=True),
         lambda r, t: bool(r) and r[0].startswith(t.send_again), at="evidence"),
    Kind("odd-name-huge-caption", file(b"bevis", "application/x-\x00", "\x00..\\..\\etc/passwd"
                                       "\u202e.pdf", "c\x00" * 500),
         starts("kept"), at="evidence", evidence=1, pg=True),
    Kind("sticker", lambda c: c.push(message=None, sticker={"packId": "YWJj", "stickerId": 3}),
         asked_again("unsupported"), who="bo"),
    Kind("shared-contact", lambda c: c.push(message=None, contacts=[{"name": {"nickname": "X"},
         "phone": [{"value": "+46701740699", "type": "MOBILE"}]}]), asked_again("unsupported")),
    Kind("edited-last-answer", lambda c: c.fake.push(
        {k: v for k, v in c.envelope({}).items() if k != "dataMessage"}
        | {"editMessage": {"targetSentTimestamp": c.first,
                           "dataMessage": {"timestamp": c.fake.timestamp(), "message": LAST}}}),
         starts("updated", "edited")),
]  # fmt: skip


def test_the_signal_sweep_has_at_least_twenty_kinds() -> None:
    assert len(KINDS) >= 20
    assert len({k.name for k in KINDS}) == len(KINDS)


def params(pg: bool) -> list[Any]:
    out = []
    for kind in KINDS:
        if pg and not kind.pg:
            continue
        out.append(pytest.param(kind, id=kind.name))
    return out


@pytest.fixture(name="sweep_sg")
async def sweep_fixture(
    request: pytest.FixtureRequest, settings: Settings, clock: FakeClock,
    fake_signal: FakeSignal, tmp_path: Path,
) -> AsyncIterator[SignalHarness]:  # fmt: skip
    kind: Kind = request.getfixturevalue("kind")
    app = App.create(signal_settings(settings, fake_signal), clock=clock)
    org = write_org(tmp_path / "org.yaml", 1, english=[0] if kind.who == "bo" else [])
    try:
        async with app.db.unit_of_work() as session:
            await orgfile.apply(session, orgfile.parse(org), app.keyring)
        harness = SignalHarness(app, fake_signal)
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()
    finally:
        await app.close()


async def setup(sg: SignalHarness, kind: Kind) -> Case:
    if kind.who == "stranger":
        return Case(sg, sg.fake.person(name="X"), kind.who)
    user = await sg.bind("o000")
    await sg.say(user, "/rapportera")
    for button in ("opt:self", "nav:skip", "opt:party"):
        await sg.say(user, str(sg.button_ids(user).index(button) + 1))
    case = Case(sg, user, kind.who)

    async def first() -> None:
        case.first = await sg.fake.push_text(user, FIRST)

    await sg.act(user, first)
    await sg.bot.dispatcher.drain()
    if kind.at == "evidence":
        writer = SignalWriter(sg, user)
        for _ in range(40):
            step = await open_step(writer)
            if step is not None and step.value == "summary":
                break
            ids = sg.button_ids(user)
            pick = next(i for i in ("done", "nav:skip", *ids) if i in ids)
            await sg.say(user, str(ids.index(pick) + 1))
        assert step is not None and step.value == "summary", step
    return case


async def answers(app: App) -> list[dict[str, Any]]:
    async with app.db.unit_of_work() as session:
        repo = ReportRepo(session, app.keyring)
        return [repo.answers(r) for r in await session.scalars(select(Report))]


async def count(app: App, what: Any) -> int:
    async with app.db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(what)) or 0)


async def run_kind(sg: SignalHarness, kind: Kind) -> None:
    case = await setup(sg, kind)
    locale = "en" if kind.who == "bo" else "sv"
    t = texts(locale)
    t.send_again = (sv() if locale == "sv" else en())(
        "I could not fetch that file. Please send it again."
    )
    before = await answers(sg.app)
    people = await count(sg.app, Person)
    if kind.expect is None:
        seen = len(sg.texts(case.user))
        await kind.inject(case)
        await asyncio.sleep(0.3)
        await sg.bot.dispatcher.drain()
        replies = sg.texts(case.user)[seen:]
        assert replies == [], replies
    else:
        replies = await sg.act(case.user, lambda: kind.inject(case))
        assert kind.expect(replies, t), replies
    assert not any(t.bug in r for r in sg.texts(case.user))  # never "something went wrong"
    if kind.expect is None or kind.who != "stranger":
        assert await count(sg.app, Person) == people  # nobody new (a group is nobody)
    if kind.who == "stranger":
        return
    assert await count(sg.app, ChannelBinding) == 1  # hers alone: a group became nobody
    [now] = await answers(sg.app)
    if kind.at == "what":
        earlier = [before[0]["what"]["text"], *kind.stores]
        expected = "\n".join([LAST] if kind.name == "edited-last-answer" else earlier)
        assert now["what"] == {"text": expected}  # whole, exact, nothing else
    # it goes on: the draft opens again and takes the next words
    resumed = await sg.say(case.user, "/rapportera")
    assert resumed[0].startswith(t.resume), resumed
    await sg.say(case.user, str(sg.button_ids(case.user).index("resume:continue") + 1))
    if kind.at == "what":
        await sg.say(case.user, LAST)
        [after] = await answers(sg.app)
        assert after["what"] == now["what"] and after["nature"]["text"] == LAST, after
    assert await count(sg.app, Evidence) == kind.evidence


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("kind", params(pg=False))
async def test_bad_input_on_signal(sweep_sg: SignalHarness, kind: Kind) -> None:
    await asyncio.wait_for(run_kind(sweep_sg, kind), 40)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("kind", params(pg=True))
async def test_bad_input_with_nul_and_control_bytes_on_signal_and_postgresql(
    sweep_sg: SignalHarness, kind: Kind
) -> None:
    await asyncio.wait_for(run_kind(sweep_sg, kind), 40)
