"""A sweep of bad and odd inputs through the real Telegram path (PTB ↔ the fake Bot API).

Each kind is sent by its own person, who stands in the middle of a report (at "what
happened", or at the evidence step), or by a stranger who never wrote before; the kinds
run one after another on one bot per database (a bot start per kind would cost more than
the kinds themselves), and every kind is checked even when an earlier one failed. Each must
give: no crash; a clear reply, in the person's language, where a reply is due (and none
where none is, e.g. updates the bot never asked for); nothing corrupted: the report draft
still opens and continues, the answers hold exactly what was accepted, the tables are
intact. Every kind runs on SQLite; the ones that carry NUL bytes and control characters
into storage run on PostgreSQL too.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from storage.models import Base, ChannelBinding, Evidence, Person, Report
from storage.reports import ReportRepo
from tests.conftest import FakeClock
from tests.fakebotapi import FakeBotApi, Sender, fake_bot_api_fixture  # noqa: F401
from tests.fault_support import button_ids, prompt_state, report_figures, texts, write_org
from tests.telegram_harness import TelegramHarness, telegram_settings

OFFICIALS, STRANGERS = 20_000, 30_000  # + the kind's number: each kind has its own chat
GROUP, SUPERGROUP, CHANNEL = -100_555, -100_556, -100_777
FIRST = "Första svaret: ett hotfullt mejl kom i går."
LAST = "Sista svaret: rapporten fortsätter som vanligt."
EDITED = "Första svaret, rättat: två hotfulla mejl kom i går."
MB = 1024 * 1024
RNG = random.Random(20261122)
JUNK_CALLBACK = bytes([0, 1, 2, 0xFF, 0xFE, *RNG.randbytes(40)]).decode("latin-1")
CONTROL = "före\x00mitten\x01\x07\x08\x1b[2J\x7f\u200b\ufeff\u202eefter\x00"
RTL = "\u202bהוא איים עליי ליד הבית\u202c — هددني أمام المنزل \u200f!"
SQL = "'; DROP TABLE report; -- \" OR 1=1; DELETE FROM person WHERE ''='"

JSONDict = dict[str, Any]


class Sweep:
    """One person (or a stranger) with a report in progress, and the bot they talk to."""

    def __init__(self, tg: TelegramHarness, kind: Kind, number: int) -> None:
        self.tg, self.fake, self.kind = tg, tg.fake, kind
        self.handle = f"o{number:03d}"
        self.chat = (STRANGERS if kind.who == "stranger" else OFFICIALS) + number
        self.locale = "en" if kind.who in ("bo", "stranger") else "sv"
        self.t = texts("sv" if kind.lang == "xx" else self.locale)

    # --- the person's side ---------------------------------------------------------------

    def sender(self, **more: Any) -> Sender:
        return Sender(language_code=self.kind.lang or self.locale, **more)

    def message(self, content: JSONDict) -> int:
        """A private message with any content (e.g. a contact), as Telegram sends it."""
        return self.fake._from_user(self.chat, content, self.sender())

    def say(self, words: str) -> int:
        return self.fake.send_text(self.chat, words, language_code=self.kind.lang or self.locale)

    def keyboard(self) -> JSONDict:
        return self.tg.keyboard_message(self.chat)

    def state(self) -> str:
        message = self.keyboard()
        ids = button_ids(self.fake.buttons(self.chat, message["message_id"]))
        return prompt_state(str(message.get("text", "")), ids, self.locale)

    async def press(self, button: str) -> list[str]:
        message = self.keyboard()
        for _label, data in self.fake.buttons(self.chat, message["message_id"]):
            if data.partition("|")[2] == button:
                return await self.tg.press_data(self.chat, message["message_id"], data)
        raise AssertionError(f"no button {button!r} in {self.fake.buttons(self.chat)}")

    async def text(self, words: str) -> list[str]:
        return await self.tg.act(self.chat, lambda: self.say(words))

    # --- set-up and checks ---------------------------------------------------------------

    async def setup(self) -> None:
        if self.kind.who == "stranger":
            return
        await self.tg.bind(self.handle, self.chat)
        await self.text("/rapportera")
        for button in ("opt:self", "nav:skip", "opt:party"):
            await self.press(button)
        assert self.state() == "what"
        await self.text(FIRST)  # the story; the next question is about what and how
        assert self.state() == "nature", self.state()

    async def continues(self) -> bool:
        """The draft still opens and continues (stranger: the bot still answers); True if the
        last words went on with the story (a command in between ends that moment)."""
        if self.kind.who == "stranger":
            [help_text] = await self.text("/hjalp")
            assert self.t.help in help_text, help_text
            return False
        story = self.state() == "nature"
        if not story:
            replies = await self.text("/rapportera")
            assert replies[0].startswith(self.t.resume), replies
            await self.press("resume:continue")
        assert self.state() == "nature", self.state()
        said, *_again = await self.text(LAST)  # the story goes on, a moment later
        if story:
            assert said.startswith(self.t.saved), said
            await self.press("done")
        assert self.state() == "when"
        return story

    async def answers(self) -> list[tuple[str, dict[str, Any]]]:
        app = self.tg.app
        async with app.db.unit_of_work() as session:
            person = (
                await session.scalars(select(Person).where(Person.handle == self.handle))
            ).one()
            reports = await session.scalars(select(Report).where(Report.reporter_id == person.id))
            repo = ReportRepo(session, app.keyring)
            return [(r.status.value, repo.answers(r)) for r in reports]

    async def evidence(self) -> int:
        """How many files the person's report keeps."""
        app = self.tg.app
        async with app.db.unit_of_work() as session:
            found = await session.scalar(
                select(func.count(Evidence.id))
                .join(Report, Report.id == Evidence.report_id)
                .join(Person, Person.id == Report.reporter_id)
                .where(Person.handle == self.handle)
            )
            return int(found or 0)

    async def people(self) -> list[str]:
        """Who the chat belongs to (strangers get a generated "te-…" handle, shown so)."""
        async with self.tg.app.db.unit_of_work() as session:
            handles = await session.scalars(
                select(Person.handle)
                .join(ChannelBinding, ChannelBinding.person_id == Person.id)
                .where(ChannelBinding.address == str(self.chat))
            )
            return [h[:3] if h.startswith("te-") else h for h in handles]

    async def tables(self) -> dict[str, int]:
        """Row counts of every table (each still there and readable); SQLite's own check."""
        app = self.tg.app
        async with app.db.unit_of_work() as session:
            counts = {
                table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables
            }
            if app.db.sqlite:
                assert (await session.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
            bound = await session.scalars(
                select(ChannelBinding.address).where(
                    ChannelBinding.address.in_([str(GROUP), str(SUPERGROUP), str(CHANNEL)])
                )
            )
            assert list(bound) == [], "a group or channel became a person"
        return counts


Expect = Callable[[list[str], SimpleNamespace], bool]


@dataclass(frozen=True)
class Kind:
    name: str
    inject: Callable[[Sweep], int | None]  # the update id, or None if no event reaches the core
    expect: Expect | None  # None: no reply is due
    who: str = "anna"  # anna (sv) or bo (en), mid-report; a stranger (en, never wrote)
    at: str = "what"  # where the report stands: "what" (texts) or "evidence"
    stores: tuple[str, ...] = ()  # what the input adds to "what happened"
    pg: bool = False  # also on PostgreSQL
    lang: str | None = None  # the Telegram language_code sent, if not the person's own
    leaves: int | None = None  # a group or channel the bot must leave
    evidence: int = 0  # files kept as evidence (at="evidence")


def starts(*prefixes: str) -> Expect:
    """The first reply starts with one of the given texts (attributes of texts())."""
    return lambda replies, t: (
        bool(replies) and replies[0].startswith(tuple(getattr(t, p) for p in prefixes))
    )


def stored(replies: list[str], t: SimpleNamespace) -> bool:
    """Kept with the story just told, and the open question shown again."""
    return len(replies) == 2 and replies[0].startswith(t.saved)


def says(name: str) -> Expect:
    """The first reply says the given text (an attribute of texts()) somewhere."""
    return lambda replies, t: bool(replies) and getattr(t, name) in replies[0]


def asked_again(prefix: str) -> Expect:
    """A clear reply, then the open question again (its keyboard still usable)."""
    return lambda replies, t: len(replies) >= 2 and replies[0].startswith(getattr(t, prefix))


def raw(update: JSONDict) -> Callable[[Sweep], int | None]:
    def inject(s: Sweep) -> None:
        s.fake.raw_update(update)

    return inject


def _press(s: Sweep, data: str, message_id: int | None = None) -> int:
    target = message_id if message_id is not None else s.keyboard()["message_id"]
    return s.fake.press(s.chat, target, data, language_code=s.kind.lang or s.locale)


def _current_token(s: Sweep) -> str:
    return s.fake.buttons(s.chat)[0][1].partition("|")[0]


def _edit(s: Sweep, which: str, new: str) -> int:
    [mine] = [m for m in s.tg.user_messages(s.chat) if m.get("text") == which]
    return s.fake.edit_text(s.chat, mine["message_id"], new)


def _forwarded(s: Sweep) -> int:
    origin = {
        "type": "channel",
        "chat": {"id": -100_999, "type": "channel", "title": "Hatkanalen"},
        "message_id": 77,
        "date": 1_795_000_000,
    }
    return s.fake.send_text(s.chat, "Vi vet var du bor.", extra={"forward_origin": origin})


def _callback(s: Sweep, **fields: Any) -> int:
    """A callback query as Telegram could send it, with some of its optional parts."""
    query_id = f"77{len(s.fake.requests)}"
    query = {"id": query_id, "from": _user(s.chat), "chat_instance": f"{s.chat}7919", **fields}
    s.fake._callbacks[query_id] = query
    return s.fake.raw_update({"callback_query": query})


def _inline_press(s: Sweep) -> None:
    """A press on an inline-mode message: no chat, so nothing to answer in."""
    _callback(s, inline_message_id="AAAB", data="1|done")


def _user(user_id: int) -> JSONDict:
    return {"id": user_id, "is_bot": False, "first_name": "Anna"}


def _unknown_updates(s: Sweep) -> None:
    chat, user = s.fake.add_chat(s.chat), _user(s.chat)
    bot = {k: s.fake.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
    member = {"status": "member", "user": user}
    s.fake.raw_update(
        {"chat_member": {"chat": chat, "from": user, "date": 0, "old_chat_member": member,
                         "new_chat_member": {"status": "left", "user": user}}}
    )  # fmt: skip
    s.fake.raw_update(
        {"message_reaction": {"chat": chat, "message_id": 1, "date": 0, "user": user,
                              "old_reaction": [],
                              "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}
    )  # fmt: skip
    s.fake.raw_update({"poll": POLL})
    s.fake.raw_update({"some_future_update": {"anything": [1, 2, 3]}})
    s.fake.raw_update(
        {"my_chat_member": {"chat": chat, "from": user, "date": 0,
                            "old_chat_member": {"status": "member", "user": bot},
                            "new_chat_member": {"status": "kicked", "user": bot,
                                                "until_date": 0}}}
    )  # fmt: skip
    s.message({"future_content": {"kind": "not yet in the Bot API"}})


POLL: JSONDict = {  # as the Bot API schema (../shared/telegram-bot-api) has it
    "id": "5000",
    "question": "Hur många hot?",
    "options": [
        {"persistent_id": "a", "text": "Ett", "voter_count": 0},
        {"persistent_id": "b", "text": "Många", "voter_count": 0},
    ],
    "total_voter_count": 0,
    "is_closed": False,
    "is_anonymous": True,
    "type": "regular",
    "allows_multiple_answers": False,
    "allows_revoting": False,
    "members_only": False,
}

KINDS = [
    Kind("text-10000-chars", lambda s: s.say(("Hot och hat. " * 800)[:10_000]), stored,
         stores=(("Hot och hat. " * 800)[:10_000],)),
    Kind("text-100000-chars", lambda s: s.say("x" * 100_000), stored, stores=("x" * 100_000,)),
    Kind("emoji-only", lambda s: s.say("😡🔪🏠💀"), stored, who="bo", stores=("😡🔪🏠💀",)),
    Kind("right-to-left", lambda s: s.say(RTL), stored, stores=(RTL,)),
    Kind("sql-looking", lambda s: s.say(SQL), stored, stores=(SQL,), pg=True),
    Kind("control-chars-and-nul", lambda s: s.say(CONTROL), stored, stores=(CONTROL,), pg=True),
    Kind("whitespace-only", lambda s: s.say(" \n\t\u3000 "), asked_again("empty")),
    Kind("callback-binary-junk", lambda s: _press(s, JUNK_CALLBACK), starts("no_such", "earlier"),
         pg=True),
    Kind("callback-over-64-bytes", lambda s: _press(s, "1|" + "opt:party" * 12),
         starts("no_such")),
    Kind("callback-forged-current-token",
         lambda s: _press(s, f"{_current_token(s)}|opt:\x00'; DROP TABLE report;--"),
         starts("earlier", "no_such"), pg=True),
    Kind("callback-message-gone", lambda s: _press(s, "1|done", message_id=99_999),
         starts("earlier")),
    Kind("callback-inline-no-message", _inline_press, None),
    Kind("callback-without-data",
         lambda s: _callback(s, message=s.keyboard(), game_short_name="trygg"),
         starts("no_such")),
    Kind("unknown-update-types", _unknown_updates, None),
    Kind("group-chat",
         lambda s: s.fake.send_text(GROUP, FIRST, user_id=s.chat, chat_type="group"),
         None, leaves=GROUP),
    Kind("supergroup-stranger",
         lambda s: s.fake.send_text(SUPERGROUP, "hello", user_id=s.chat, language_code="en",
                                    chat_type="supergroup"),
         None, who="stranger", leaves=SUPERGROUP),
    Kind("channel-post", lambda s: s.fake.send_text(CHANNEL, "Ett inlägg", chat_type="channel"),
         None, leaves=CHANNEL),
    Kind("edited-last-answer", lambda s: _edit(s, FIRST, EDITED), starts("updated")),
    Kind("edited-older-message", lambda s: _edit(s, "/rapportera", "/rapportera nu"),
         asked_again("edited")),
    Kind("forwarded-channel-post", _forwarded, starts("kept"), evidence=1),
    Kind("photo-without-caption-mid-text", lambda s: s.fake.send_photo(s.chat),
         starts("kept"), evidence=1),
    Kind("empty-document", lambda s: s.fake.send_document(s.chat, content=b"", file_size=0),
         starts("empty_file"), at="evidence"),
    Kind("document-25-mb",
         lambda s: s.fake.send_document(s.chat, content=b"%PDF", file_size=25 * MB),
         asked_again("too_large"), at="evidence"),
    Kind("document-odd-name-huge-caption",
         lambda s: s.fake.send_document(s.chat, content=b"bevis", caption="c\x00" * 500,
                                        file_name="\x00..\\..\\etc/passwd\u202e.pdf",
                                        mime_type="application/x-\x00"),
         starts("kept"), at="evidence", evidence=1, pg=True),
    Kind("sticker", lambda s: s.fake.send_sticker(s.chat, language_code="en"),
         asked_again("unsupported"), who="bo"),
    Kind("location", lambda s: s.fake.send_location(s.chat), asked_again("unsupported")),
    Kind("contact",
         lambda s: s.message({"contact": {"phone_number": "+46701740699", "first_name": "X"}}),
         asked_again("unsupported")),
    Kind("poll", lambda s: s.message({"poll": POLL}), asked_again("unsupported")),
    Kind("dice-stranger", lambda s: s.message({"dice": {"emoji": "🎲", "value": 6}}),
         starts("unsupported"), who="stranger"),
    Kind("command-with-botname", lambda s: s.say("/hjalp@trygg_test_bot"), says("help")),
    Kind("unknown-command", lambda s: s.say("/xyzzy\x00"), asked_again("unknown_command"),
         pg=True),
    Kind("start-garbage-code", lambda s: s.say("/start ÅÄÖ-\x00-<script>'--"),
         starts("bad_code"), pg=True),
    Kind("start-garbage-code-stranger", lambda s: s.say("/start " + "Z" * 300),
         starts("bad_code"), who="stranger"),
    Kind("unknown-language-code", lambda s: s.say("/hjalp"), says("help"), who="stranger",
         lang="xx"),
]  # fmt: skip


def test_the_sweep_has_at_least_twenty_kinds() -> None:
    assert len(KINDS) >= 20
    assert len({k.name for k in KINDS}) == len(KINDS)


@pytest.fixture
async def sweep_bot(
    settings: Settings, clock: FakeClock, fake_bot_api: FakeBotApi, tmp_path: Path
) -> AsyncIterator[TelegramHarness]:
    """A running bot; official o<NNN> is kind NNN's person (English for bo kinds)."""
    app = App.create(telegram_settings(settings, fake_bot_api), clock=clock)
    english = [i for i, kind in enumerate(KINDS) if kind.who == "bo"]
    org = write_org(tmp_path / "org.yaml", len(KINDS), english=english)
    try:
        async with app.db.unit_of_work() as session:
            await orgfile.apply(session, orgfile.parse(org), app.keyring)
        harness = TelegramHarness(app, fake_bot_api)
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()
    finally:
        await app.close()


async def run_kind(tg: TelegramHarness, kind: Kind, number: int) -> None:
    """Send one kind of bad input and check what the brief asks for."""
    s = Sweep(tg, kind, number)
    await s.setup()
    before_answers = await s.answers() if kind.who != "stranger" else []
    await s.tables()

    mark = tg.mark(s.chat)
    start = len(tg.fake.requests)
    inject = kind.inject

    def checked(s: Sweep) -> int | None:
        """Inject, and check the update is one Telegram could send."""
        update_id = inject(s)
        for update in tg.fake.pending_updates:
            if update["update_id"] == update_id:
                assert tg.fake.schema.check("Update", update) == [], update
        return update_id

    kind = replace(kind, inject=checked)
    if kind.expect is not None:
        replies = await tg.act(s.chat, lambda: kind.inject(s) or 0)
    else:  # nothing for the conversation core: wait until the bot is done with it
        kind.inject(s)
        if kind.leaves is not None:
            left = await tg.fake.wait_for(
                lambda r: r.method == "leaveChat" and r.params.get("chat_id") == kind.leaves,
                after=start,
            )
            assert left.status == 200
        else:
            await asyncio.sleep(0.5)
        replies = tg.since(s.chat, mark)

    # a clear reply where one is due, in the person's language; none where none is
    if kind.expect is None:
        assert replies == [], replies
    else:
        assert kind.expect(replies, s.t), replies
    if kind.leaves is not None:
        said = [r.params["text"] for r in tg.fake.calls("sendMessage")[0:]
                if r.params.get("chat_id") == kind.leaves and r.status == 200]  # fmt: skip
        if kind.leaves == CHANNEL:
            assert said == []  # nothing is posted in a channel
        else:
            assert said and said[-1] == texts(s.locale).group, said

    # nothing corrupted
    await s.tables()
    assert await s.people() == ([] if kind.who == "stranger" and kind.expect is None else
                                [s.handle if kind.who != "stranger" else "te-"])  # fmt: skip
    expected: list[str] = []
    if kind.who != "stranger":
        [(status, answers)] = await s.answers()
        [(_status, earlier)] = before_answers
        assert status == "draft"
        expected = (
            [EDITED]
            if kind.name == "edited-last-answer"
            else [earlier["what"]["text"], *kind.stores]
        )
        assert answers["what"] == {"text": "\n".join(expected)}  # whole, exact, nothing else
    story = await s.continues()
    if kind.who != "stranger":
        [(status, answers)] = await s.answers()
        assert answers["what"] == {"text": "\n".join([*expected, *([LAST] if story else [])])}
        if not story:  # after a command, the words answer the open question, kept as typed
            assert answers["nature"]["text"] == LAST
        assert await s.evidence() == kind.evidence
    await s.tables()


async def sweep(tg: TelegramHarness, kinds: list[tuple[int, Kind]], tmp_path: Path) -> None:
    began = time.monotonic()
    failures: list[str] = []
    at_once = asyncio.Semaphore(6)  # people are independent; a few at a time

    async def one(number: int, kind: Kind) -> None:
        async with at_once:
            try:
                await asyncio.wait_for(run_kind(tg, kind, number), 40)
            except (AssertionError, TimeoutError) as exc:
                failures.append(f"{kind.name}: {type(exc).__name__}: {str(exc)[:300]}")

    await asyncio.gather(*(one(number, kind) for number, kind in kinds))
    figures = {
        "database": "sqlite" if tg.app.db.sqlite else "postgresql",
        "kinds": len(kinds),
        "failed": len(failures),
        "seconds": round(time.monotonic() - began, 1),
    }
    report_figures("fault-inputs", figures, tmp_path)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_bad_inputs_on_sqlite(sweep_bot: TelegramHarness, tmp_path: Path) -> None:
    await sweep(sweep_bot, list(enumerate(KINDS)), tmp_path)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_bad_inputs_with_nul_and_control_bytes_on_postgresql(
    sweep_bot: TelegramHarness, tmp_path: Path
) -> None:
    await sweep(sweep_bot, [(i, k) for i, k in enumerate(KINDS) if k.pg], tmp_path)
