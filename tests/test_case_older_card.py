"""A button on an older case card acts on that card's case.

Pia, working Anna's case on her phone, gets a short "Sparat. Nästa punkt för dig: …" after
each action; the case card with its buttons is further up. A press there was refused as an
old button: she had to press "Visa ärendet" and find it again. Now it acts as it did on that
card, on that card's case, if she may still act on it; else she is told why, with what she
can do in the case now. With two cases, an older card never acts on the one she is at.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.app import App
from bot.transports.telegram_updates import callback_data
from conversations.events import action_of
from storage.handover import HandoverRepo
from storage.models import CaseNote, Report
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_case import MONDAY_10, Submitted, person_ids, submit_report, take
from tests.test_caselist import close, viewer

STALE = "Den knappen hör till ett tidigare meddelande, så jag gjorde ingenting med den."
GONE = "Du har inte längre tillgång till det ärendet, så jag gjorde ingenting med den knappen."


def keyboard(chat: Chat) -> dict[str, tuple[str, str]]:
    """The buttons just shown, to press later from further up: (id, token) by what each does."""
    return {action_of(i): (i, t) for i, _, t in chat.buttons}


async def press_on(chat: Chat, shown: dict[str, tuple[str, str]], action: str) -> str:
    """Press a button of a message further up the chat."""
    button, token = shown[action]
    return await chat.press(button, token=token)


async def annas_case(chat: Any, clock: FakeClock) -> Submitted:
    """Anna reports (party): Pia takes it."""
    clock.now = MONDAY_10
    for handle in ("pia", "per", "sara"):
        await chat(handle).say("/hjalp")  # their chats exist, so pushes reach them
    case = await submit_report(chat, "anna")
    await take(chat, "pia", case)
    return case


async def notes_in(app: App, case: Submitted) -> int:
    async with app.db.unit_of_work() as session:
        count = await session.scalar(
            select(func.count()).select_from(CaseNote).where(CaseNote.report_id == case.id)
        )
        return int(count or 0)


async def card_of(
    chat: Any, clock: FakeClock, handle: str
) -> tuple[Submitted, Chat, dict[str, tuple[str, str]]]:
    """Anna's case taken by Pia, opened by ``handle``: the case, her chat, the card's keys."""
    case = await annas_case(chat, clock)
    reader: Chat = chat(handle)
    await reader.say(f"/arende {case.ref}")
    return case, reader, keyboard(reader)


async def write_note(pia: Chat, text: str) -> str:
    await pia.press("case:note")
    await pia.say(text)
    return await pia.press("note:internal")


async def test_the_card_further_up_acts_after_a_short_reply(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case, pia, card = await card_of(chat, clock, "pia")
    said = await write_note(pia, "Ringde Anna, hon mår bättre")
    assert said.startswith("Anteckningen är intern: Anna Berg ser den inte.\n"), said
    short = keyboard(pia)
    # the card's "Boka samtal 1", further up: asked when, in this case
    asked = await press_on(pia, card, "case:book")
    assert STALE not in asked and "Det här gäller ärende" not in asked, asked
    assert "uppföljningssamtal 1" in asked, asked
    booked = await pia.say("tisdag 14:00")
    assert "tisdag 24 november kl. 14.00" in booked or "i morgon kl. 14.00" in booked, booked
    # the first short reply's "Visa ärendet": the case, with the call booked
    shown = await press_on(pia, short, "case:view")
    assert shown.startswith(f"Ärende {case.ref} – öppet"), shown
    assert "Uppföljningssamtal 1 med Anna Berg: i morgon kl. 14.00" in shown, shown
    # and the card's other buttons, still: a second note
    await press_on(pia, card, "case:note")
    await pia.say("Bokade samtal med Anna")
    await pia.press("note:internal")
    assert await notes_in(demo_app, case) == 2


async def test_an_older_card_acts_on_its_own_case_never_the_one_she_is_at(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    first = await annas_case(chat, clock)
    clock.advance(minutes=5)
    second = await submit_report(chat, "anna")
    await take(chat, "pia", second)
    pia = chat("pia")
    await pia.say(f"/arende {first.ref}")
    first_card = keyboard(pia)
    await pia.say(f"/arende {second.ref}")
    await write_note(pia, "Om det andra brevet")
    second_short = keyboard(pia)  # "Sparat … [Visa ärendet]", of the second case
    # on the second case: the first card's "Skriv en anteckning" is for the first case
    asked = await press_on(pia, first_card, "case:note")
    assert asked.startswith(f"Det här gäller ärende {first.ref}.\nSkriv din anteckning."), asked
    await pia.say("Om det första brevet")
    await pia.press("note:internal")
    assert (await notes_in(demo_app, first), await notes_in(demo_app, second)) == (1, 1)
    # its "Visa ärendet" shows the first case; the second's short reply further up, the second
    assert (await pia.press("case:view")).startswith(f"Ärende {first.ref} – öppet")
    shown = await press_on(pia, second_short, "case:view")
    assert shown.startswith(f"Det här gäller ärende {second.ref}.\nÄrende {second.ref}"), shown
    # in the middle of a question of the second case, the first card's button leaves it
    await pia.press("case:check")
    asked = await press_on(pia, first_card, "case:check")
    assert asked.startswith(f"Det här gäller ärende {first.ref}.\n3.1.1:"), asked


async def test_a_closed_case_says_so_with_what_she_can_do_now(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case, pia, card = await card_of(chat, clock, "pia")
    await write_note(pia, "Ringde Anna")
    await close(demo_app, "pia", case, clock.now)  # closed meanwhile (the web console)
    said = await press_on(pia, card, "case:note")
    assert said.startswith(
        f"Ärende {case.ref} är avslutat, så jag gjorde ingenting med den knappen.\n"
        "Det här kan du göra i ärendet nu:\n"
    ), said
    assert pia.last_buttons == [
        "case:pdf",
        "case:reopen",
        f"show:{case.id}",
        "case:file",
        "case:view",
    ]
    assert await notes_in(demo_app, case) == 1
    # its buttons are hers now: "Öppna ärendet igen" opens it again
    reopened = await pia.press("case:reopen")
    assert STALE not in reopened and "avslutat" not in reopened.split("\n")[0], reopened
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None and report.closed_at is None


async def test_a_case_she_no_longer_has_is_not_acted_on(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await annas_case(chat, clock)
    clock.advance(minutes=5)
    bo_case = await submit_report(chat, "bo", "assignment")  # not Pia's party: never hers
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    card = keyboard(pia)
    await write_note(pia, "Ringde Anna")
    # a made-up button about Bo's case, as if from further up
    forged = await pia.press(f"case:note@{bo_case.id}", token=card["case:note"][1])
    assert forged.startswith(GONE), forged
    assert "Skriv din anteckning" not in forged and bo_case.ref not in forged
    # Anna takes Pia off her case: the card further up does nothing any more
    ids = await person_ids(demo_app)
    anna = await viewer(demo_app, "anna")
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        await HandoverRepo(session).keep_away(anna, report, [ids["pia"]], clock.now)
    said = await press_on(pia, card, "case:note")
    assert said.startswith(GONE), said
    assert "Skriv din anteckning" not in said
    assert await notes_in(demo_app, case) == 1 and await notes_in(demo_app, bo_case) == 0


async def test_an_older_stop_never_starts_the_check_ins_again(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case, anna, card = await card_of(chat, clock, "anna")
    stopped = await anna.press("case:stop_checkins")
    assert stopped.startswith("Jag slutar fråga hur du mår."), stopped
    said = await press_on(anna, card, "case:stop_checkins")
    assert said.startswith(
        f"Ärende {case.ref} har ändrats sedan det meddelandet, så jag gjorde ingenting med den "
        "knappen.\nDet här kan du göra i ärendet nu:\n"
    ), said
    assert "Starta avstämningarna igen" in said and "Jag hör av mig" not in said
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None and not report.checkins
    # her other buttons on that card still act ("Flytta avstämningen" went with them)
    asked = await press_on(anna, card, "case:check")
    assert "En fråga om ditt ärende:" in asked and "ändrats" not in asked, asked


async def test_an_older_question_is_still_refused(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await annas_case(chat, clock)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:check")
    question = keyboard(pia)
    await pia.press("case:view")
    said = await press_on(pia, question, "check:yes")
    assert said.startswith(STALE), said
    clock.advance(minutes=1)
    card = await pia.say(f"/arende {case.ref}")
    assert "Checklista – 12 öppna för dig" in card, card  # nothing answered


async def test_a_card_opened_from_a_push_acts_from_further_up(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await annas_case(chat, clock)
    pia = chat("pia")
    opened = await pia.press(f"cmd:arende {case.ref}", token="n")  # "Öppna ärende" on "Tack"
    assert opened.startswith(f"Ärende {case.ref} – öppet"), opened
    card = keyboard(pia)
    await write_note(pia, "Ringde Anna")
    asked = await press_on(pia, card, "case:handover")
    assert asked.startswith(f"Vem ska ta över ärende {case.ref}?"), asked
    # every button a card gives fits in Telegram's 64 bytes, with a long step number
    for button, _token in card.values():
        callback_data("999999", button)


async def test_transcript_pia_between_two_cases(chat: Any, demo_app: App, clock: FakeClock) -> None:
    first = await annas_case(chat, clock)
    clock.advance(minutes=5)
    second = await submit_report(chat, "anna")
    await take(chat, "pia", second)
    t = Transcript("case_older_card_sv", demo_app)
    pia = t.person("pia")

    async def further_up(shown: dict[str, tuple[str, str]], action: str, label: str) -> str:
        button, token = shown[action]
        return await t.press(pia, button, label, token)

    t.note("Monday 10:10: Pia opens Anna's first case and writes a note")
    await t.say(pia, f"/arende {first.ref}")
    first_card = keyboard(pia)
    await t.press(pia, "case:note", "Skriv en anteckning")
    await t.say(pia, "Ringde Anna, hon mår bättre")
    await t.press(pia, "note:internal", "Intern (standard)")
    t.note("she books the call from the card further up")
    await further_up(first_card, "case:book", "Boka samtal 1")
    await t.say(pia, "tisdag 14:00")
    t.note("on the second case, in its first question, she presses the first card's button")
    await t.say(pia, f"/arende {second.ref}")
    await t.press(pia, "case:check", "Svara på nästa punkt")
    await further_up(first_card, "case:note", "Skriv en anteckning")
    await t.say(pia, "Anna vill att vi pratar om båda breven")
    await t.press(pia, "note:internal", "Intern (standard)")
    t.note("the first case is closed meanwhile (in the web console)")
    await close(demo_app, "pia", first, clock.now)
    await further_up(first_card, "case:handover", "Lämna över")
    t.check()


async def test_stop_pressed_after_they_were_stopped_elsewhere_does_not_start_them(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Her card offered "Stoppa avstämningarna"; she stopped them from a check-in's message
    meanwhile, and the card's Stop then started them again (one toggle)."""
    case = await annas_case(chat, clock)
    anna = chat("anna")
    await anna.say(f"/arende {case.ref}")
    async with demo_app.db.unit_of_work() as session:  # stopped meanwhile, elsewhere
        report = await session.get(Report, case.id)
        assert report is not None
        report.checkins = False
    said = await anna.press("case:stop_checkins")
    assert said.startswith("Avstämningarna är redan stoppade."), said
    assert "Starta avstämningarna igen" in said
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None and not report.checkins
