"""Routine in the quiet hours waits for the morning: calm words she writes to her case and
files she sends to it reach its handlers then (words that may tell of danger, at once), a
report sent in calm words goes on to the next contact then (its pushes say when, and it
stays so when who took it loses her role), and a case closed at night is told then."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from bot.app import App
from conversations.notices import NOTICE_TOKEN
from conversations.report.form import ReportStep
from storage.models import Person
from tests.conftest import FakeClock
from tests.golden import Transcript, delivered
from tests.reporting import SKIPPED, Script, attach, write_report
from tests.test_alerts import Submitted, ack, connect, submit_report
from tests.test_case_evidence import PHOTO

CALM = "Någon har punkterat däcken på min bil igen."  # no word of threat or harm


async def taken_at_two(chat: Any, demo_app: App, clock: FakeClock) -> Submitted:
    """Anna's report at 23:00, taken by Pia; then 02:00 in Stockholm, all delivered."""
    case = await submit_report(chat)
    await ack(chat("pia"), case.alert_id)
    await chat("anna").say("/meny")
    await delivered(demo_app)
    clock.advance(hours=3)
    return case


async def test_calm_words_in_the_night_reach_her_contact_in_the_morning(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """ "sover dåligt" written at 02:00 woke Pia with "Anna Berg har skrivit till dig";
    words that may tell of danger still reach her at once."""
    anna = chat("anna")
    case = await taken_at_two(chat, demo_app, clock)
    said = await anna.say("Jag sover dåligt efter det här")
    # she is told when Pia will see it, and where to turn before then ("Pia Lind ser det."
    # had said she would see it now)
    assert "Pia Lind får se det i dag kl. 08.00. Behöver du någon innan dess: /akut" in said, said
    assert not [t for to, t in await delivered(demo_app) if to == "pia"]
    await anna.say("han står utanför dörren nu")
    [urgent] = [t for to, t in await delivered(demo_app) if to == "pia"]
    assert "Läs det nu" in urgent, urgent
    clock.advance(hours=6)  # 08:00 in Stockholm: the quiet hours are over
    await demo_app.timer_runner().run_due()
    [morning] = [t for to, t in await delivered(demo_app) if to == "pia"]
    assert morning.startswith(f"Ärende {case.ref}: Anna Berg har skrivit till dig."), morning


async def test_a_case_closed_at_night_is_told_in_the_morning(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia closed the case at 23:30 and Anna was woken by "Ditt ärende … är avslutat"."""
    pia = chat("pia")
    case = await submit_report(chat)
    await ack(pia, case.alert_id)
    await chat("anna").say("/hjalp")
    await delivered(demo_app)
    clock.advance(minutes=30)
    await pia.say(f"/arende {case.ref}")
    for button in ("case:close", "close:confirm", "applied:yes", "close:skip", "close:skip"):
        await pia.press(button)
    assert not [t for to, t in await delivered(demo_app) if to == "anna"]
    clock.advance(hours=9)  # 08:30 in Stockholm
    await demo_app.timer_runner().run_due()
    [told] = [t for to, t in await delivered(demo_app) if to == "anna"]
    assert f"Ditt ärende {case.ref} är avslutat av Pia Lind." in told, told


async def test_a_file_sent_in_the_night_reaches_her_contact_in_the_morning(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """A photo she sent to her case at 02:00 woke Pia with "Anna Berg har skickat en fil";
    it is kept at once and Pia is told in the morning, once for the night's files."""
    anna, pia = chat("anna"), chat("pia")
    case = await taken_at_two(chat, demo_app, clock)
    kept = await attach(anna, PHOTO, name="brev.png")
    assert f"Jag har sparat det du skickade i ditt ärende {case.ref} som bevis" in kept, kept
    assert "Pia Lind får se det i dag kl. 08.00. Behöver du någon innan dess: /akut" in kept, kept
    clock.advance(minutes=5)
    await attach(anna, PHOTO + b"2", name="kuvert.png")
    assert not [t for to, t in await delivered(demo_app) if to == "pia"]
    clock.advance(hours=6)  # 08:05 in Stockholm: the quiet hours are over
    await demo_app.timer_runner().run_due()
    [morning] = [t for to, t in await delivered(demo_app) if to == "pia"]
    assert morning.startswith(f"Ärende {case.ref}: Anna Berg har skickat en fil till ärendet."), (
        morning
    )
    shown = await pia.say("visa rapporten")
    assert shown.count("foto") >= 2, shown  # both files are in the case


async def test_a_file_with_words_of_danger_in_the_night_goes_at_once(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    anna = chat("anna")
    case = await taken_at_two(chat, demo_app, clock)
    await attach(anna, PHOTO, name="dorr.png", caption="han står utanför dörren nu")
    [told] = [t for to, t in await delivered(demo_app) if to == "pia"]
    assert f"Ärende {case.ref}: Anna Berg har skickat en fil" in told, told


async def test_a_calm_report_in_the_night_goes_on_in_the_morning(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """A report sent at 23:00 in calm words paged Per at 01:00, Sara at 03:00 and reminded
    Pia and Per through the night. Now Pia has it at once, and it goes on at 08:00."""
    await connect(chat, "pia", "per", "sara")
    case = await submit_report(chat, what=CALM)
    said = case.reply
    assert "Jag har skickat den till Pia Lind, som hör av sig till dig." in said, said
    assert "inom 2 timmar" not in said, said  # Per gets it only in the morning
    assert (
        "Har ingen tagit den före i morgon kl. 08.00 går den vidare till Per Ek. "
        "Behöver du någon i natt: /akut" in said
    ), said
    [first] = await delivered(demo_app)
    assert first[0] == "pia" and "Ny incidentrapport i Trygg" in first[1], first
    runner = demo_app.timer_runner()
    for _hour in range(8):  # 00:00 … 07:00: nobody is paged or reminded
        clock.advance(hours=1)
        await runner.run_due()
        assert await delivered(demo_app) == []
    clock.advance(hours=1)  # 08:00 in Stockholm
    await runner.run_due()
    morning = await delivered(demo_app)
    assert sorted(to for to, _t in morning) == ["per", "pia"], morning
    per = next(t for to, t in morning if to == "per")
    assert "Ingen har svarat än – du är näst på tur." in per, per
    clock.advance(hours=2)  # 10:00: by day the plan's wait goes on as before
    await runner.run_due()
    assert "sara" in [to for to, _t in await delivered(demo_app)]


@pytest.mark.parametrize(
    "answers",
    [
        {ReportStep.WHAT: "Han stod utanför min dörr i kväll och skrek."},
        {
            ReportStep.WHAT: CALM,
            ReportStep.EXPERIENCE: "Skrämmande",
        },
    ],
    ids=["danger", "frightening"],
)
async def test_a_report_that_may_tell_of_danger_still_pages_through_the_night(
    chat: Any, demo_app: App, clock: FakeClock, answers: dict[ReportStep, str]
) -> None:
    await connect(chat, "pia", "per", "sara")
    what, *_rest = answers.values()
    skip = [step for step in SKIPPED if step not in answers]
    script = Script(what=(what,), answers=answers, skip=skip)
    said = await write_report(chat("anna"), script)
    assert "Har ingen tagit den inom 2 timmar går den till Per Ek." in said, said
    [(_to, push)] = await delivered(demo_app)
    assert "går den vidare" not in push and "ingen fara" not in push, push  # as before
    clock.advance(hours=2)  # 01:00 in Stockholm
    await demo_app.timer_runner().run_due()
    assert sorted(to for to, _t in await delivered(demo_app)) == ["per", "pia"]


async def test_a_calm_report_stays_calm_after_pia_could_not_reach_her(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia called at 23:10 and could not reach Anna: Per is alerted then, as she asked; the
    alert goes on to Sara in the morning, not at 01:10."""
    await connect(chat, "pia", "per", "sara")
    case = await submit_report(chat, what=CALM)
    await delivered(demo_app)
    clock.advance(minutes=10)
    said = await chat("pia").press(f"call:{case.alert_id}:no", token=NOTICE_TOKEN)
    assert "Per Ek" in said, said
    runner = demo_app.timer_runner()
    await runner.run_due()
    assert "per" in [to for to, _t in await delivered(demo_app)]
    for _hour in range(8):  # 00:10 … 07:10
        clock.advance(hours=1)
        await runner.run_due()
        assert await delivered(demo_app) == []
    clock.advance(minutes=50)  # 08:00 in Stockholm
    await runner.run_due()
    assert "sara" in [to for to, _t in await delivered(demo_app)]


async def test_a_calm_report_stays_calm_when_who_took_it_loses_her_role(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia took Anna's calm report at 23:00 and lost her role at 02:00: Per was given it at
    once, then Sara was paged at 04:00 and Per reminded, as if Anna had written of danger.
    Now it goes on to Sara in the morning."""
    from bot.cli import _revoke

    await connect(chat, "pia", "per", "sara")
    case = await submit_report(chat, what=CALM)
    await ack(chat("pia"), case.alert_id)
    await delivered(demo_app)
    clock.advance(hours=3)  # 02:00 in Stockholm
    assert await _revoke(demo_app, "pia") == 0
    runner = demo_app.timer_runner()
    await runner.run_due()
    [(to, handover)] = await delivered(demo_app)  # nobody may act on it: Per has it now
    assert to == "per" and "nu är det din tur" in handover, handover
    for _hour in range(6):  # 03:00 … 08:00: nobody more is paged or reminded
        await runner.run_due()
        assert await delivered(demo_app) == []
        clock.advance(hours=1)
    await runner.run_due()  # 08:00 in Stockholm
    assert "sara" in [to for to, _t in await delivered(demo_app)]


NO_DANGER = "Rapporten nämner ingen fara."


async def test_a_calm_report_at_night_tells_the_woken_contact_when_it_goes_on(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia was woken at 23:00 by a calm report's push that did not say it goes on to Per
    only at 08:00: she could not tell whether she must act now or may take it in the
    morning. Now her push says so, and so does Per's when she could not reach Anna."""
    await connect(chat, "pia", "per", "sara")
    async with demo_app.db.unit_of_work() as session:  # Per reads Trygg in English
        await session.execute(update(Person).where(Person.handle == "per").values(locale="en"))
    case = await submit_report(chat, what=CALM)
    [(to, push)] = await delivered(demo_app)
    assert to == "pia" and push.startswith("Ny incidentrapport i Trygg"), push
    goes_on = "Har ingen tagit den före i morgon kl. 08.00 går den vidare till Per Ek."
    assert push.endswith(f"{NO_DANGER} {goes_on}"), push
    clock.advance(minutes=10)  # 23:10: Pia could not reach Anna, so Per is alerted now
    await chat("pia").press(f"call:{case.alert_id}:no", token=NOTICE_TOKEN)
    await demo_app.timer_runner().run_due()
    pushes = dict(await delivered(demo_app))
    assert pushes["per"].endswith(
        "The report mentions no danger. If nobody has taken it by tomorrow 08:00, it goes on "
        "to Sara Strand."
    ), pushes
    assert "pia" not in pushes, pushes  # she has just said she could not reach Anna


async def calm_report(t: Transcript, handle: str, what: str) -> None:
    """Write and send a report in calm words (the writing itself is in other transcripts)."""
    t.note(f"{handle} writes and sends a report in calm words at 23:00")
    reply = await write_report(t.person(handle), Script(what=(what,), skip=SKIPPED))
    t.lines += ["", f"bot → {handle}:", *(f"    {line}" for line in reply.splitlines())]


async def test_a_calm_report_at_night_as_its_contacts_read_it(
    demo_app: App, clock: FakeClock
) -> None:
    """What Pia, woken at 23:00, reads: that the report mentions no danger and goes on to
    Per at 08:00 if nobody takes it; the pushes before 08:00 say it too."""
    t = Transcript("calm_report_at_night_sv", demo_app)
    for handle in ("pia", "per", "sara"):
        await t.person(handle).say("/hjalp")
    await calm_report(t, "anna", CALM)
    await t.deliver()
    clock.advance(minutes=10)
    t.note("23:10: Pia calls Anna and does not reach her")
    pia = t.person("pia")
    await t.say(pia, "Ring upp")
    await t.say(pia, "Nej")
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.note("nobody is paged or reminded in the night; at 08:00 it goes on to Sara")
    clock.advance(hours=8, minutes=50)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.check()


async def test_a_calm_report_at_night_in_english(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("calm_report_at_night_en", demo_app)
    async with demo_app.db.unit_of_work() as session:  # Britt reads Trygg in English
        await session.execute(update(Person).where(Person.handle == "britt").values(locale="en"))
    await t.person("britt").say("/help")
    await calm_report(t, "bo", "Someone has slashed the tyres of my car again.")
    await t.deliver()
    t.check()
