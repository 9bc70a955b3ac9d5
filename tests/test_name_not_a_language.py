"""Lisa, invited, pressed "svenska", then at "Vad heter du?" wrote "English please": she was
saved as "English please" and her contacts would have read that name. Words that only ask
for a language now switch to it and ask her name again, in that language; a name with a
language's word in it ("Ann English") is still a name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from storage.models import Person, Role
from tests.conftest import Chat
from tests.test_trust import invite


async def _name_of(app: App, handle: str) -> str | None:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        return person.display_name


async def test_a_language_asked_for_at_the_name_question_is_not_her_name(
    demo_app: App, chat: Any
) -> None:
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    lisa: Chat = chat("lisa")
    await lisa.say(f"/start {code}")
    asked = await lisa.say("svenska")
    assert "Vad heter du?" in asked, asked
    switched = await lisa.say("English please")
    assert "What is your name?" in switched, switched
    assert await _name_of(demo_app, "lisa") is None
    thanked = await lisa.say("Lisa Ek")
    assert thanked.startswith("Thank you, Lisa Ek."), thanked


async def test_a_name_with_a_language_in_it_is_a_name(demo_app: App, chat: Any) -> None:
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    ann: Chat = chat("ann")
    await ann.say(f"/start {code}")
    await ann.say("English")
    await ann.say("Ann English")
    assert await _name_of(demo_app, "ann") == "Ann English"
