"""A contact woken by a push she did not take, coming back to the chat: the alert that still
waits for her comes first, with "Jag tar det", once. Pia had opened `trygg chat --as pia`
again after Anna's /akut and read only "Välkommen tillbaka. Här var vi:" and her last menu;
on Telegram, her next message hours later got its own answer and nothing of the alert."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from conversations.events import Reply
from conversations.notice_context import NOTICE_TOKEN
from conversations.privacy import KINDS
from storage.models import Alert
from storage.trust import PeopleRepo
from tests.conftest import FakeClock
from tests.golden import Transcript, render
from tests.reporting import Script, write_report
from tests.test_transcripts_list import bind

AGAIN = "Larmet om Anna Berg från i dag kl. 02.00 är inte taget än."
TAKE = "[1] Jag tar det  [2] Ring upp"


async def resumed(t: Transcript, handle: str) -> list[Reply]:
    """She opens the console chat again: what it shows first (recorded)."""
    app = t.app
    async with app.db.unit_of_work() as session:
        delivery = await app.core.resume(session, "console", handle)
    assert delivery is not None
    t.lines += ["", f"# {handle} opens the chat again (trygg chat --as {handle})"]
    for reply in delivery.replies:
        t.lines.append(f"bot → {handle}:")
        t.lines += [f"    {line}" if line else "" for line in render(reply)]
    chat = t.person(handle)
    chat.last = list(delivery.replies)
    keyboards = [r for r in delivery.replies if r.buttons]
    chat.keyboard = keyboards[-1] if keyboards else chat.keyboard
    return list(delivery.replies)


async def test_an_untaken_alert_comes_first_when_she_comes_back_sv(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("alert_on_return_sv", demo_app)
    await bind(t, "pia", "per")
    clock.advance(hours=3)  # 02:00: nobody has written for hours
    anna, pia = t.person("anna"), t.person("pia")
    t.note("02:00: Anna alerts Pia; the push wakes her")
    await t.say(anna, "/akut")
    await t.say(anna, "1")
    await t.deliver()
    t.note("a few minutes later she writes: the push is right above, it is not repeated")
    clock.advance(minutes=4)
    listed = await t.say(pia, "/arenden")
    assert "inte taget än" not in listed, listed
    t.note("she leaves it untaken; an hour later she opens the chat again")
    clock.advance(hours=1)
    again = await resumed(t, "pia")
    assert len(again) == 1, again  # nothing was open: the alert is all of it, the menu under it
    lines = render(again[0])
    assert lines[0] == AGAIN, lines
    assert lines[-1].startswith(TAKE + "  [3] Jag behöver hjälp nu"), lines
    t.note("what she writes next in the same sitting does not bring it again")
    helped = await t.say(pia, "/hjalp")
    assert "inte taget än" not in helped, helped
    t.note("she asks for statistics (its question stays open), and is away another hour")
    await t.say(pia, "/statistik")
    clock.advance(hours=1)
    again = await resumed(t, "pia")
    assert render(again[0])[0] == AGAIN, again  # first, then where she was
    assert render(again[0])[-1] == TAKE, again
    assert again[1].text == "Välkommen tillbaka. Här var vi:", again
    assert again[-1].buttons, again  # the open question's buttons come last: "1" answers it
    t.note("she does not open it again but writes, another hour later (any channel)")
    clock.advance(hours=1)
    said = await t.say(pia, "/arenden")
    first = said.splitlines()[0]
    assert first == AGAIN, said
    assert "Öppna ärenden:" in said.split(AGAIN)[1], said  # then what she asked for
    t.note("she takes it with the button on it")
    taken = await t.say(pia, "Jag tar det")
    assert "Tack – det är ditt." in taken, taken
    await t.deliver()
    clock.advance(hours=2)
    t.note("taken: it is not shown again")
    assert "inte taget än" not in await t.say(pia, "/hjalp")
    t.check()


async def test_whom_it_has_not_reached_the_person_herself_and_a_withdrawn_one_show_nothing(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("alert_on_return_others", demo_app)
    await bind(t, "pia", "per", "anna")
    clock.advance(hours=3)
    anna, per = t.person("anna"), t.person("per")
    await anna.say("/akut")
    await anna.say("1")
    await t.deliver()
    clock.advance(hours=1)
    for chat in (anna, per):  # Per is the next level, not reached yet (no timer ran)
        assert "inte taget än" not in await chat.say("/hjalp")
    async with demo_app.db.unit_of_work() as session:  # withdrawn (she was forgotten, say)
        (alert,) = (await session.scalars(select(Alert))).all()
        await PeopleRepo(session).withdraw([alert.id], clock.now, KINDS)
    again = await resumed(t, "pia")
    assert not any("inte taget än" in reply.text for reply in again), again


async def test_a_report_that_waits_comes_back_as_a_report_with_its_button(
    demo_app: App, clock: FakeClock
) -> None:
    """Britt left Bo's report untaken. Back in the chat she read "Larmet om Bo Sand … är inte
    taget än" with [Jag tar det] [Ring upp]: no "Visa rapporten", so the "2" she pressed to
    read it called him instead, and an incident report was called an alert."""
    t = Transcript("report_on_return_sv", demo_app)
    await bind(t, "pia", "per", "sara")
    anna, pia = t.person("anna"), t.person("pia")
    t.note("Anna sends a report; the push reaches Pia, who leaves it for now")
    sent = await write_report(anna, Script(what=("Ett brev med hot i brevlådan.",)))
    ref = re.search(r"ärende ([A-Z0-9]{4}-[A-Z0-9]{4})", sent)
    assert ref is not None, sent
    await t.deliver()
    clock.advance(hours=1)
    again = await resumed(t, "pia")
    lines = render(again[0])
    assert re.fullmatch(
        rf"Rapporten från Anna Berg \(i går kl\. 23\.00, ärende {ref[1]}\) är inte tagen än\.",
        lines[0],
    ), lines
    assert lines[-1].startswith("[1] Jag tar det  [2] Visa rapporten  [3] Ring upp"), lines
    t.note("she presses 2 to read it")
    shown = await t.say(pia, "2")
    assert "Ett brev med hot i brevlådan." in shown, shown
    t.check()


async def test_after_calling_and_taking_it_she_comes_back_to_it_as_it_is_now(
    demo_app: App, clock: FakeClock
) -> None:
    """Britt pressed "Ring upp" on Bo's report ("Fick du tag på Bo Sand?"), then took it with
    the push's own button. Back in the chat she read that question again as it was, and its
    "Ja, jag tar det" answered "Du har redan tagit det här.", with no way on to the case."""
    t = Transcript("call_then_taken_on_return_sv", demo_app)
    await bind(t, "pia", "per", "sara")
    anna, pia = t.person("anna"), t.person("pia")
    for kind in ("report", "akut"):
        t.note(f"Anna sends {'a report' if kind == 'report' else 'an /akut alert'}")
        if kind == "report":
            await write_report(anna, Script(what=("Ett brev med hot i brevlådan.",)))
        else:
            await t.say(anna, "/akut")
            await t.say(anna, "1")
        await t.deliver()
        async with demo_app.db.unit_of_work() as session:
            alerts = (await session.scalars(select(Alert).order_by(Alert.created_at))).all()
        alert = alerts[-1]
        t.note("Pia calls first, then takes it with the button on the push")
        asked = await t.press(pia, f"call:{alert.id}", "Ring upp", NOTICE_TOKEN)
        assert "Fick du tag på Anna Berg?" in asked, asked
        await t.press(pia, f"ack:{alert.id}", "Jag tar det", NOTICE_TOKEN)
        await t.deliver()
        clock.advance(hours=1)
        again = await resumed(t, "pia")
        shown = "\n".join(line for reply in again for line in render(reply))
        assert "Fick du tag på" not in shown, shown
        if kind == "report":
            assert "Du har tagit ärendet." in shown and "Öppna ärende" in shown, shown
        else:
            assert "Du har tagit larmet." in shown and "Skriv till Anna Berg" in shown, shown
        clock.advance(hours=1)
    t.check()
