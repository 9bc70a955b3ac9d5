"""A person bound on Telegram and Signal, from the people's side, in one process.

Alerts reach them on every live channel and taking one settles it on all; replies go where
they wrote; other messages go to the channel they last wrote on; a dead or held binding gets
nothing and a message for them falls back to a live one. Both channels run on one runtime,
as `trygg run` runs them (bot.run_all).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App
from conversations.notices import ALERT, ALERT_UNANSWERED
from storage.models import Alert, AlertStatus, ChannelBinding, OutboxMessage, OutboxStatus, Person
from storage.outbox import ROUTINE, OutboxRepo
from tests.conftest import FakeClock
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.fakesignal import FakeSignal
from tests.fakesignal import Person as SignalUser
from tests.signal_harness import SignalHarness, fake_signal_fixture, one_process  # noqa: F401
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    eventually,
    telegram_app_fixture,
    wait_text,
)

PIA, ANNA = 2002, 2001
ALERT_LABEL = "Larma Pia Lind"
TAKE = "Jag tar det"
ADVICE = "114 14"  # in the "nobody answered" notice: a message that is not an alert


@pytest.fixture(name="both")
async def both_fixture(
    tg_app: App, fake_bot_api: FakeBotApi, fake_signal: FakeSignal
) -> AsyncIterator[tuple[TelegramHarness, SignalHarness]]:
    async with one_process(tg_app, fake_bot_api, fake_signal) as (tg, sg):
        yield tg, sg


async def pia_on_both(tg: TelegramHarness, sg: SignalHarness) -> SignalUser:
    """Pia is bound on Telegram (her chat with the bot exists) and on Signal."""
    await tg.bind("pia", PIA)
    await tg.say(PIA, "/meny")
    return await sg.bind("pia")


async def anna_alerts_pia(tg: TelegramHarness) -> None:
    await tg.bind("anna", ANNA)
    await tg.say(ANNA, "/akut")
    pressed = await tg.press(ANNA, ALERT_LABEL)
    assert any("Jag har larmat Pia Lind" in t for t in pressed), pressed


async def person_id(app: App, handle: str) -> int:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.id).where(Person.handle == handle))).one()


async def rows(app: App, kind: str | None = None) -> list[OutboxMessage]:
    async with app.db.unit_of_work() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return list(await session.scalars(stmt))


async def binding_state(app: App, channel: str, **values: datetime | None) -> None:
    pia = await person_id(app, "pia")
    async with app.db.unit_of_work() as session:
        await session.execute(
            update(ChannelBinding)
            .where(ChannelBinding.person_id == pia, ChannelBinding.channel == channel)
            .values(**values)
        )


async def notice_for_pia(tg: TelegramHarness) -> None:
    """Queue a message for Pia with no channel (as nudges and follow-ups are), deliver it."""
    app = tg.app
    pia = await person_id(app, "pia")
    async with app.db.unit_of_work() as session:
        OutboxRepo(session).enqueue(
            pia, ALERT_UNANSWERED, {"alert": "none"}, priority=ROUTINE, now=app.clock()
        )
    tg.bot.runtime.wake_outbox()


def tg_texts(tg: TelegramHarness, needle: str) -> list[str]:
    return [t for t in tg.fake.messages_to(PIA) if needle in t]


def sg_texts(sg: SignalHarness, user: SignalUser, needle: str) -> list[str]:
    return [t for t in sg.texts(user) if needle in t]


async def settled(app: App) -> None:
    """Nothing more is being sent: every row is sent or given up, or waits for later."""

    async def quiet() -> bool:
        now = app.clock()
        return all(
            r.status is not OutboxStatus.PENDING or r.due_at > now or r.attempts >= 1
            for r in await rows(app)
        )

    for _ in range(300):
        if await quiet():
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)


async def test_an_alert_reaches_both_channels_and_taking_it_on_one_settles_it_on_both(
    both: tuple[TelegramHarness, SignalHarness], clock: FakeClock
) -> None:
    tg, sg = both
    pia = await pia_on_both(tg, sg)
    await anna_alerts_pia(tg)
    on_telegram = await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    on_signal = await sg.wait_text(pia, "BRÅDSKANDE")
    assert "Anna Berg" in on_telegram and "Anna Berg" in on_signal
    alert_rows = await rows(tg.app, ALERT)
    assert sorted(r.channel or "" for r in alert_rows) == ["signal", "telegram"]

    taken = await tg.press(PIA, TAKE)
    assert any("det är ditt" in t for t in taken), taken
    await eventually(lambda: sg.texts(pia), "Signal to be sent to")
    again = await sg.say(pia, sg.choices(pia)[TAKE])  # the same alert, on Signal, later
    assert any("Du har redan tagit det" in t for t in again), again
    await wait_text(tg.fake, ANNA, "Pia Lind har sett ditt larm")

    # no escalation: nobody else is paged, on any channel, when the deadline passes
    clock.advance(minutes=120)
    await tg.bot.timers.run_due()
    await settled(tg.app)
    per = await person_id(tg.app, "per")
    assert not [r for r in await rows(tg.app) if r.recipient_id == per]
    async with tg.app.db.unit_of_work() as session:
        [alert] = (await session.scalars(select(Alert))).all()
        assert alert.status is AlertStatus.ACKNOWLEDGED
    assert len(tg_texts(tg, "BRÅDSKANDE")) == 1 and len(sg_texts(sg, pia, "BRÅDSKANDE")) == 1


async def test_an_alert_not_yet_sent_on_the_other_channel_is_dropped_once_taken(
    both: tuple[TelegramHarness, SignalHarness], clock: FakeClock
) -> None:
    tg, sg = both
    pia = await pia_on_both(tg, sg)
    sg.fake.fail_recipient(pia.aci, "RATE_LIMIT_FAILURE", retry_after=90, times=1)
    await anna_alerts_pia(tg)
    await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    await eventually(lambda: sg.sends(pia), "a first try on Signal")
    await tg.press(PIA, TAKE)
    [on_signal] = [r for r in await rows(tg.app, ALERT) if r.channel == "signal"]
    assert on_signal.status is OutboxStatus.FAILED and on_signal.last_error == "taken"
    clock.advance(seconds=120)
    tg.bot.runtime.wake_outbox()
    await settled(tg.app)
    assert len(sg.sends(pia)) == 1  # the rate-limited try was the only one


async def test_replies_go_where_she_wrote_and_other_messages_where_she_last_wrote(
    both: tuple[TelegramHarness, SignalHarness],
) -> None:
    tg, sg = both
    pia = await pia_on_both(tg, sg)
    on_telegram = len(tg.fake.messages_to(PIA))
    replies = await sg.say(pia, "meny")
    assert replies and len(tg.fake.messages_to(PIA)) == on_telegram  # the answer is on Signal

    await notice_for_pia(tg)  # she last wrote on Signal
    await sg.wait_text(pia, ADVICE)
    await settled(tg.app)
    assert not tg_texts(tg, ADVICE)

    await tg.say(PIA, "/meny")  # now she writes on Telegram (at the same moment, even)
    await notice_for_pia(tg)
    await wait_text(tg.fake, PIA, ADVICE)
    await settled(tg.app)
    assert len(sg_texts(sg, pia, ADVICE)) == 1


async def test_a_dead_binding_gets_nothing_and_her_messages_fall_back_to_the_live_one(
    both: tuple[TelegramHarness, SignalHarness], clock: FakeClock
) -> None:
    tg, sg = both
    pia = await pia_on_both(tg, sg)
    await sg.say(pia, "meny")  # Signal is the channel she last wrote on ...
    await binding_state(tg.app, "signal", dead_at=clock())  # ... and it is gone
    await notice_for_pia(tg)
    await wait_text(tg.fake, PIA, ADVICE)
    await anna_alerts_pia(tg)
    await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    await settled(tg.app)
    assert [r.channel for r in await rows(tg.app, ALERT)] == ["telegram"]
    assert not sg_texts(sg, pia, ADVICE) and not sg_texts(sg, pia, "BRÅDSKANDE")


async def test_a_held_binding_gets_nothing_and_with_none_live_messages_wait(
    both: tuple[TelegramHarness, SignalHarness], clock: FakeClock
) -> None:
    tg, sg = both
    pia = await pia_on_both(tg, sg)
    await binding_state(tg.app, "telegram", held_at=clock())  # a changed identity, say
    sent_on_telegram = len(tg.fake.messages_to(PIA))
    await anna_alerts_pia(tg)
    await sg.wait_text(pia, "BRÅDSKANDE")
    await notice_for_pia(tg)  # she last wrote on Telegram, which is held now
    await sg.wait_text(pia, ADVICE)
    await settled(tg.app)
    assert len(tg.fake.messages_to(PIA)) == sent_on_telegram
    assert [r.channel for r in await rows(tg.app, ALERT)] == ["signal"]

    await binding_state(tg.app, "signal", dead_at=clock())  # nothing live at all: it waits
    await notice_for_pia(tg)
    await settled(tg.app)
    waiting = [r for r in await rows(tg.app, ALERT_UNANSWERED) if r.sent_at is None]
    assert [(r.status, r.attempts) for r in waiting] == [(OutboxStatus.PENDING, 0)]
    await binding_state(tg.app, "telegram", held_at=None)  # confirmed again: it goes out
    tg.bot.runtime.wake_outbox()
    await wait_text(tg.fake, PIA, ADVICE)


async def test_she_is_preferred_where_she_last_wrote_and_the_write_is_rare(
    both: tuple[TelegramHarness, SignalHarness], clock: FakeClock
) -> None:
    tg, sg = both
    pia = await pia_on_both(tg, sg)

    async def used() -> dict[str, datetime | None]:
        async with tg.app.db.unit_of_work() as session:
            found = await session.execute(
                select(ChannelBinding.channel, ChannelBinding.last_used_at).where(
                    ChannelBinding.person_id == await person_id(tg.app, "pia")
                )
            )
            return {channel: at for channel, at in found}

    first = (await used())["telegram"]
    assert first is not None and (await used())["signal"] is None
    clock.advance(seconds=30)
    await tg.say(PIA, "/meny")
    assert (await used())["telegram"] == first  # a minute later, on the same channel: no write
    await sg.say(pia, "meny")
    switched = await used()
    assert switched["signal"] is not None and switched["signal"] > first
    clock.advance(minutes=10)
    await sg.say(pia, "meny")
    assert (await used())["signal"] == clock()  # a while later: written again
    assert timedelta(minutes=10) <= clock() - first
