"""A follow-up call planned for a day, later: handed over with the case, the new handler is
told the day (it was left out of his message, and the call forgotten); and the day moved or
found not needed from the case (there was no way to change it once planned)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from storage.models import Person
from tests.conftest import FakeClock
from tests.golden import delivered
from tests.test_case import person_ids
from tests.test_followup_day import SQLITE_ONLY, first_call_documented
from tests.test_followups import connect, taken_monday


async def _in_english(app: App, handle: str) -> None:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        person.locale = "en"


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "sv",
            "Ett uppföljningssamtal med personen är planerat till omkring tisdag 8 december, "
            "utan bokad tid: det är ditt att boka.",
        ),
        (
            "en",
            "A follow-up call with the person is planned for around Tuesday 8 December, with "
            "no time booked yet: it is yours to book.",
        ),
    ],
)
async def test_the_planned_day_is_in_the_new_handlers_message(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, locale: str, said: str
) -> None:
    case = await taken_monday(chat, clock)
    await connect(chat, "per")
    if locale == "en":
        await _in_english(demo_app, "per")
    pia = chat("pia")
    await first_call_documented(pia, case)
    await pia.say("8/12")  # Tuesday 8 December, no time yet
    await delivered(demo_app)
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:handover")
    await pia.press(f"handover:{(await person_ids(demo_app))['per']}")
    [pushed] = [text for address, text in await delivered(demo_app) if address == "per"]
    assert pushed.endswith(said), pushed
