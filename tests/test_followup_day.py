"""A follow-up call planned for a day, from the people's side: "Om 2 veckor" is a day Pia has
in mind, not a booked time. It was kept at the minute she pressed (+14 days) and read as
"söndag 6 december kl. 23.30" by her, by Anna and in the case file, and its reminder came at
that minute; now it is read as "omkring söndag 6 december", she is reminded that morning to
book a time or document the call, and a time she gives later books it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.casefile.archive import archive
from conversations.casefile.build import build, reader_context
from conversations.followups import FOLLOWUP_CALL, FOLLOWUP_DUE
from conversations.schedule import on_day
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import FollowUp, Person, Report, Timer, TimerState
from storage.viewer import Sender, Viewer
from tests.conftest import FakeClock
from tests.golden import delivered
from tests.test_case import MONDAY_10, PIA, Submitted, answer_items, submit_report, take
from tests.test_followups import connect, run_at, taken_monday
from tests.web_support import browser, csrf_in, signed_in_as, switch_on

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PLANNED_SV = (
    "Uppföljningssamtal 2 är planerat till omkring måndag 7 december, utan tid än. "
    "Jag påminner dig på morgonen den dagen, så att du kan boka en tid med Anna Berg."
)


async def first_call_documented(pia, case: Submitted) -> str:  # type: ignore[no-untyped-def]
    """Pia documents follow-up call 1 as held today; the question of call 2 is open."""
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:followup")
    await pia.press("fu:today")
    await pia.say("Anna och Pia")
    await pia.say("Anna mår bättre men är rädd på kvällarna.")
    await pia.press("fu:yes")
    asked = str(await pia.press("fu:not_needed"))
    assert "När ska uppföljningssamtal 2 hållas?" in asked
    return asked


async def row_of(app: App, case: Submitted, number: int) -> FollowUp:
    async with app.db.unit_of_work() as session:
        return (
            await session.scalars(
                select(FollowUp).where(FollowUp.report_id == case.id, FollowUp.number == number)
            )
        ).one()


async def timers_of(app: App, case: Submitted) -> list[tuple[str, datetime]]:
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(Timer).where(
                Timer.state == TimerState.PENDING,
                Timer.kind.in_((FOLLOWUP_DUE, FOLLOWUP_CALL)),
                Timer.subject == f"{case.id}:2",
            )
        )
        return sorted((t.kind, t.due_at) for t in rows)


@SQLITE_ONLY
async def test_in_two_weeks_is_a_day_read_as_the_day_and_reminded_that_morning(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    # Sunday 22 November 23:00: Pia documents call 1 late in the evening
    await connect(chat, "anna", "pia")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    clock.advance(minutes=30)
    pia, anna = chat("pia"), chat("anna")
    await first_call_documented(pia, case)
    planned = await pia.press("next:14")  # two weeks on is a Sunday: the Monday after
    assert planned.startswith(PLANNED_SV), planned
    assert "7 december kl. 23.30" not in planned
    planned = await pia.press("case:view")  # the case, as she reads it next
    assert "Nästa påminnelse: måndag 7 december kl. 08.00" in planned
    assert "Uppföljningssamtal 2 med Anna Berg: omkring måndag 7 december, ingen tid bokad än" in (
        planned
    )
    assert "Boka samtal 2" in planned and "Flytta samtal 2" not in planned  # no time to move
    row = await row_of(demo_app, case, 2)
    assert (row.status, row.planned_for, row.planned_day) == ("planned", None, date(2026, 12, 7))
    # reminded the morning of the day, at the end of the quiet hours: not at 23:30
    morning = datetime(2026, 12, 7, 8, 0, tzinfo=STOCKHOLM)
    assert await timers_of(demo_app, case) == [(FOLLOWUP_DUE, morning)]

    # Anna reads the day, and who will get in touch about the time
    view = await anna.say(f"/arende {case.ref}")
    assert (
        "Uppföljningssamtal 2: omkring måndag 7 december. Pia Lind hör av sig till dig om tiden."
    ) in view
    assert "7 december kl. 23.30" not in view

    # nothing the evening before, nor at 23:30 two weeks on: the morning of the day, once
    earlier = await run_at(demo_app, clock, morning - timedelta(days=1), case)  # check-ins
    assert ("pia", "followup_nudge") not in earlier
    await delivered(demo_app)
    assert await run_at(demo_app, clock, morning - timedelta(minutes=1), case) == []
    at_morning = await run_at(demo_app, clock, morning, case)  # her check-in comes then too
    assert [sent for sent in at_morning if sent[0] == "pia"] == [("pia", "followup_nudge")]
    [(_address, text)] = [sent for sent in await delivered(demo_app) if "samtal" in sent[1]]
    assert text == (
        f"Ärende {case.ref}: uppföljningssamtal 2 med Anna Berg är planerat till omkring måndag "
        "7 december, men ingen tid är bokad.\n"
        "Telefon: +46 70 174 06 10\n"
        "Boka en tid med Anna Berg, eller dokumentera samtalet om det redan är hållet."
    )
    assert await run_at(demo_app, clock, morning + timedelta(hours=16), case) == []

    # the call was held that day: documenting it offers the day it was planned for
    await pia.say(f"/arende {case.ref}")
    asked = await pia.press("case:followup")
    assert "[1] Som planerat: 7 december" in asked, asked
    assert "Vilka deltog?" in await pia.press("fu:booked")
    async with demo_app.db.unit_of_work() as session:
        row = await session.get(FollowUp, (await row_of(demo_app, case, 2)).id)
        assert row is not None
        assert CaseRepo(session, demo_app.keyring).notes_of(row)["date"] == "2026-12-07"


@SQLITE_ONLY
async def test_a_time_given_later_books_the_planned_day(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken_monday(chat, clock)
    pia = chat("pia")
    await first_call_documented(pia, case)
    await pia.press("next:14")  # Monday 7 December
    await delivered(demo_app)

    # Days later Pia has agreed a time with Anna: she books it, on the planned day
    clock.advance(days=3)
    await pia.say(f"/arende {case.ref}")
    asked = await pia.press("case:book")
    assert asked.startswith(
        "Uppföljningssamtal 2 med Anna Berg är planerat till omkring måndag 7 december. "
        "Vilken tid?\n"
        "Skriv tiden, till exempel ”14:00”, eller en annan dag och tid, eller välj:"
    ), asked
    assert [label for _, label, _ in pia.buttons][:2] == [
        "måndag 7 december kl. 10.00",
        "måndag 7 december kl. 14.00",
    ]
    booked = await pia.say("14:00")
    assert booked.startswith(
        "Bokat: uppföljningssamtal 2 med Anna Berg måndag 7 december kl. 14.00.\n"
        "Jag påminner dig på morgonen samma dag och en timme innan.\n"
        "Anna Berg får veta tiden."
    ), booked
    assert "Flytta samtal 2" in booked  # the time can be corrected at once
    card = await pia.press("case:view")
    assert "Uppföljningssamtal 2 med Anna Berg: måndag 7 december kl. 14.00" in card
    call = datetime(2026, 12, 7, 14, 0, tzinfo=STOCKHOLM)
    row = await row_of(demo_app, case, 2)
    assert (row.status, row.planned_for, row.planned_day) == ("planned", call, None)
    # the morning's "book a time" is off; the booked call's reminders are on
    assert await timers_of(demo_app, case) == [
        (FOLLOWUP_CALL, datetime(2026, 12, 7, 8, 0, tzinfo=STOCKHOLM)),
        (FOLLOWUP_CALL, datetime(2026, 12, 7, 13, 0, tzinfo=STOCKHOLM)),
    ]
    # Anna is told the time now that there is one, as a booked call (not "moved")
    told = [text for _a, text in await delivered(demo_app) if "uppföljningssamtal" in text]
    assert told == [
        "Pia Lind vill ha ett uppföljningssamtal med dig måndag 7 december kl. 14.00.\n"
        "Passar inte tiden? Ring Pia Lind på +46 70 174 06 11."
    ]


@SQLITE_ONLY
async def test_a_day_and_time_typed_for_the_next_call_books_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken_monday(chat, clock)
    pia = chat("pia")
    await first_call_documented(pia, case)
    # "tisdag 10:00" was read as a day, at 09:00, or refused: it is a booked time
    booked = await pia.say("tisdag 10:00")
    assert booked.startswith(
        "Bokat: uppföljningssamtal 2 med Anna Berg i morgon kl. 10.00.\n"
        "Jag påminner dig på morgonen samma dag och en timme innan.\n"
        "Anna Berg får veta tiden."
    ), booked
    row = await row_of(demo_app, case, 2)
    assert (row.planned_for, row.planned_day) == (datetime(2026, 11, 24, 9, 0, tzinfo=UTC), None)


@SQLITE_ONLY
async def test_a_day_typed_for_the_next_call_is_a_day_and_today_asks_the_time(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken_monday(chat, clock)
    pia = chat("pia")
    await first_call_documented(pia, case)
    asked = await pia.say("i dag")  # a call today has a time
    assert asked.startswith("Vilken tid måndag 23 november? Skriv till exempel ”14:00”."), asked
    booked = await pia.say("15:00")
    assert booked.startswith("Bokat: uppföljningssamtal 2 med Anna Berg i dag kl. 15.00."), booked

    # call 3, typed as a day: kept as the day (it was 09:00 that day)
    await pia.press("case:view")
    await pia.press("case:followup")
    await pia.press("fu:today")
    await pia.say("Anna och Pia")
    await pia.say("Lugnare nu.")
    await pia.press("fu:no")
    await pia.press("fu:not_needed")
    planned = await pia.say("8/12")
    assert planned.startswith(
        "Uppföljningssamtal 3 är planerat till omkring tisdag 8 december, utan tid än."
    ), planned
    assert "kl. 09.00" not in planned
    row = await row_of(demo_app, case, 3)
    assert (row.planned_for, row.planned_day) == (None, date(2026, 12, 8))
    assert await _due(demo_app, case, 3) == [on_day(date(2026, 12, 8), time(8))]


async def _due(app: App, case: Submitted, number: int) -> list[datetime]:
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(Timer.due_at).where(
                Timer.state == TimerState.PENDING,
                Timer.kind == FOLLOWUP_DUE,
                Timer.subject == f"{case.id}:{number}",
            )
        )
        return list(rows)


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("locale", "label", "what"),
    [
        (
            "sv",
            "omkring måndag 7 december 2026",
            "Uppföljningssamtal 2 planerat, ingen tid bokad än",
        ),
        ("en", "around Monday 7 December 2026", "Follow-up call 2 planned, no time booked yet"),
    ],
)
async def test_the_case_file_says_the_planned_day_without_a_time(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, locale: str, label: str, what: str
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await first_call_documented(pia, case)
    await pia.press("next:14")
    async with demo_app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == "pia"))).one()
        report = await session.get(Report, case.id)
        assert report is not None
        ctx = reader_context(
            session,
            Sender.of(person),
            Viewer.of(person),
            locale,
            demo_app.catalogs,
            demo_app.keyring,
            demo_app.packs,
            clock.now,
            document=True,
        )
        whole = await build(ctx, report, Access.HANDLER, pictures=False)
        data = await archive(ctx, report, Access.HANDLER)
    [timeline] = [s for s in whole.sections if s.key == "timeline"]
    assert (label, what) in [(e.label, e.text) for e in timeline.entries]
    assert {"at": "2026-12-07", "what": what} in data["timeline"]
    [second] = [f for f in data["followups"] if f["number"] == 2]
    assert (second["status"], second["planned_for"], second["planned_day"]) == (
        "planned",
        None,
        "2026-12-07",
    )


@SQLITE_ONLY
async def test_closing_says_the_planned_day_is_called_off(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken_monday(chat, clock)
    pia = chat("pia")
    await first_call_documented(pia, case)
    await pia.press("next:14")
    await delivered(demo_app)
    await pia.press("case:view")
    asked = await pia.press("case:close")
    assert (
        "Uppföljningssamtalet som är planerat till omkring måndag 7 december ställs in om du "
        "avslutar."
    ) in asked
    await pia.press("close:confirm")
    await pia.press("applied:yes")
    await pia.press("close:skip")
    closed = await pia.press("close:skip")
    assert (
        "Uppföljningssamtalet som var planerat till omkring måndag 7 december är inställt."
    ) in closed
    row = await row_of(demo_app, case, 2)
    assert row.planned_day is None
    assert await timers_of(demo_app, case) == []
    [told] = [text for _a, text in await delivered(demo_app) if "är avslutat av" in text]
    assert told == (  # Anna
        "I fara nu: ring 112. Inte akut: polisen på 114 14.\n"
        f"Ditt ärende {case.ref} är avslutat av Pia Lind.\n"
        "Uppföljningssamtalet som var planerat till omkring måndag 7 december är inställt.\n"
        "Du kan alltid skriva till mig."
    )


@SQLITE_ONLY
async def test_the_web_console_says_the_planned_day_and_books_a_time_on_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    switch_on(demo_app)
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await first_call_documented(pia, case)
    await pia.press("next:14")
    async with browser(demo_app) as client:
        token = csrf_in((await signed_in_as(chat, "pia", client)).text)
        page = (await client.get(f"/cases/{case.ref}")).text
        assert "Samtal 2: omkring måndag 7 december, ingen tid bokad än" in page
        assert 'name="day" required value="2026-12-07"' in page  # the day is filled in
        await client.post(
            f"/cases/{case.ref}/calls", data={"csrf": token, "day": "2026-12-07", "time": "14:00"}
        )
    row = await row_of(demo_app, case, 2)
    assert (row.planned_for, row.planned_day) == (
        datetime(2026, 12, 7, 14, 0, tzinfo=STOCKHOLM),
        None,
    )


@SQLITE_ONLY
async def test_the_case_list_says_the_planned_day(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await answer_items(pia, PIA, demo_app)  # nothing of hers left: the next call is next
    await first_call_documented(pia, case)
    await pia.press("next:14")
    listed = await pia.say("/arenden")
    assert f"{case.ref} – Anna Berg – " in listed
    assert "– uppföljningssamtal 2: omkring måndag 7 december" in listed, listed


@SQLITE_ONLY
async def test_the_director_reads_no_planned_day(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "assignment", police=True)
    await take(chat, "pia", case)
    pia = chat("pia")
    await first_call_documented(pia, case)
    await pia.press("next:14")
    view = await chat("kent").say(f"/arende {case.ref}")
    # the calls are not the director's to read (storage.calls): not even the day planned
    assert "Uppföljningssamtal" not in view and "7 december" not in view, view
