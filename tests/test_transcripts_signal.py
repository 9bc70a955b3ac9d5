"""Golden transcripts on Signal: the conversation as people read it in the Signal app.

Played through the real SignalBot and the fake signal-cli daemon (tests/fakesignal.py):
every line is what the daemon was asked to send, in the order it was sent, with the choices
numbered in the text as Signal shows them. Compare with tests/transcripts/signal_*.txt.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import App
from storage.models import OutboxMessage, OutboxStatus
from tests.fakesignal import Person
from tests.golden import Transcript
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.telegram_harness import eventually
from tests.test_trust import SQLITE_ONLY


class SignalTranscript:
    """Records what people type on Signal and every message the bot sends them."""

    def __init__(self, name: str, sg: SignalHarness) -> None:
        self.sg = sg
        self.t = Transcript(name, sg.app)
        self.people: dict[str, str] = {}  # ACI -> handle
        self._seen = len(sg.fake.sent)

    async def person(self, handle: str) -> Person:
        user = await self.sg.bind(handle)
        self.people[user.aci] = handle
        return user

    def note(self, text: str) -> None:
        self.t.note(text)

    async def say(self, user: Person, typed: str) -> None:
        self.t.lines += ["", f"{self.people[user.aci]}> {typed}"]
        await self.sg.say(user, typed)
        await self.settle()

    async def choose(self, user: Person, label: str) -> None:
        """Type the number of the choice labelled ``label`` in the latest message."""
        number = self.sg.choices(user)[label]
        await self.say(user, number)

    async def happen(self, what: str, action: object) -> None:
        """Something that is not typed (a new phone), then what the bot sent."""
        self.t.lines += ["", f"# ({what})"]
        await action  # type: ignore[misc]
        await self.settle()

    async def settle(self) -> None:
        """Wait until nothing is left to send, then record what was sent since."""
        app = self.sg.app
        quiet = 0
        while quiet < 3:
            before = len(self.sg.fake.sent)
            await self.sg.bot.dispatcher.drain()
            self.sg.bot.runtime.wake_outbox()
            await asyncio.sleep(0.1)
            due = await pending(app)
            quiet = quiet + 1 if due == 0 and len(self.sg.fake.sent) == before else 0
        for _ts, recipient, message in self.sg.fake.sent[self._seen :]:
            self.t.lines.append(f"bot → {self.people.get(recipient, '?')}:")
            self.t.lines += [f"    {line}" if line else "" for line in (message or "").splitlines()]
        self._seen = len(self.sg.fake.sent)

    def check(self) -> None:
        self.t.check()


async def pending(app: App) -> int:
    async with app.db.unit_of_work() as session:
        return (
            await session.scalar(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.due_at <= app.clock(),
                )
            )
        ) or 0


@SQLITE_ONLY
async def test_akut_on_signal_and_a_new_phone_read_well_in_swedish(sg: SignalHarness) -> None:
    """Anna and Pia are both on Signal. Anna is threatened at night; later her phone is new."""
    t = SignalTranscript("signal_akut_and_new_phone_sv", sg)
    anna, pia, sara = await t.person("anna"), await t.person("pia"), await t.person("sara")
    t.note("Anna is on Signal. A threat came tonight: she writes akut, without a slash")
    await t.say(anna, "akut")
    await t.choose(anna, "Larma Pia Lind")
    t.note("Pia wakes to the alert on Signal and takes it by its number")
    await t.choose(pia, "Jag tar det")
    t.note("Anna answers in her own words, as she would to a person")
    await t.say(anna, "tack. han står kvar utanför")
    t.note("Weeks later Anna has a new phone: Signal says her safety number changed")
    await t.happen("a message from Anna's new phone", sg.fake.push_untrusted(anna))
    await eventually(lambda: any(r == sara.aci for _t, r, _m in sg.fake.sent), "sara's notice")
    await t.settle()
    t.note("Sara, the municipal security unit, has called Anna and confirms it is her")
    await t.choose(sara, "Bekräfta")
    await t.say(anna, "meny")
    t.check()
