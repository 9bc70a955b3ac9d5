"""A handler writes to Anna from her case's card ("Skriv till Anna Berg"): Anna gets the
words in her language's frame and answers in the chat; the handler hears her answer. Nobody
who may not handle the case has the button, and a crafted press is refused by storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.cli import _revoke
from conversations.case.export import EXPORT, EXPORT_WHOLE
from conversations.case.write import WRITE
from conversations.events import about
from storage.cases import MESSAGE_NOTE, CaseRepo
from storage.errors import NotAllowed, NotFound
from storage.models import CaseNote, Person, Report
from storage.viewer import Viewer
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_alerts import submit_report
from tests.test_case import MONDAY_10, take
from tests.test_casefile import export_from_chat, flat, sent_pdf, text_of
from tests.test_transcripts_check import reported_and_taken

WORDS = "Jag har sett din rapport, jag ringer 08.00. Är du trygg nu?"
ANSWER = "Ja, jag är hemma och barnen sover. Ring 08.00."


async def test_pia_writes_to_anna_and_reads_her_answer(demo_app: App, clock: FakeClock) -> None:
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "party")
    t = Transcript("case_write_to_her_sv", demo_app)
    pia, anna = t.person("pia"), t.person("anna")
    clock.advance(hours=13)  # 23:00: Anna may not be able to talk
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Skriv till Anna Berg")
    await t.say(pia, WORDS)
    pushed = await t.deliver()
    to_anna = [reply.text for who, reply in pushed if who == "anna"]
    assert to_anna and f"Pia Lind skriver om ditt ärende {ref}:\n{WORDS}" in to_anna[0]
    await t.say(anna, ANSWER)
    await t.deliver()
    await t.say(pia, f"/arende {ref}")
    t.check()
    pia_part = t.text().split(f"anna> {ANSWER}")[-1]
    assert ANSWER in pia_part  # the handler reads her answer in the case
    async with demo_app.db.unit_of_work() as session:
        note = (await session.scalars(select(CaseNote).where(CaseNote.kind == MESSAGE_NOTE))).one()
        assert WORDS.encode() not in note.text  # sealed at rest


async def test_the_director_sees_that_pia_wrote_never_what(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press(WRITE)
    assert "Skickat till Anna Berg" in await pia.say(WORDS)
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        kent = (await session.scalars(select(Person).where(Person.handle == "kent"))).one()
        repo = CaseRepo(session, demo_app.keyring)
        assert report is not None
        assert await repo.notes(Viewer.of(kent), report) == []
        written = await repo.written_to_her(Viewer.of(kent), report)
        assert len(written) == 1


async def refused(app: App, handle: str, report_id: str) -> None:
    """Storage refuses a message to Anna from ``handle``, whatever the chat offered."""
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, report_id)
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        assert report is not None
        with pytest.raises((NotAllowed, NotFound)):
            await CaseRepo(session, app.keyring).add_note(
                Viewer.of(person), report, MESSAGE_NOTE, WORDS, report.submitted_at
            )


async def crafted(chat: Any, handle: str, case_id: str, ref: str) -> str:
    """The card as ``handle`` sees it (if at all), then a crafted press of its "Write to"."""
    person = chat(handle)
    shown = await person.say(f"/arende {ref}")
    assert "Skriv till Anna Berg" not in shown and "Write to Anna Berg" not in shown, shown
    token = person.buttons[0][2] if person.buttons else ""
    await person.press(about(WRITE, case_id), token=token)  # as if the card had offered it
    said = str(await person.say(WORDS))
    assert "Skickat" not in said and "Sent to" not in said, said
    return said


async def outbox_to_anna(app: App) -> int:
    async with app.db.unit_of_work() as session:
        return len((await session.scalars(select(CaseNote))).all())


@pytest.mark.parametrize("handle", ["kent", "britt"])
async def test_someone_who_may_not_handle_it_cannot_write(
    chat: Any, demo_app: App, clock: FakeClock, handle: str
) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    await crafted(chat, handle, case.id, case.ref)
    assert await outbox_to_anna(demo_app) == 0
    await refused(demo_app, handle, case.id)


async def test_a_revoked_contact_cannot_write(chat: Any, demo_app: App, clock: FakeClock) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    assert "Skriv till Anna Berg" in await pia.say(f"/arende {case.ref}")
    assert await _revoke(demo_app, "pia") == 0
    await pia.press(WRITE)  # the card she still has on her screen
    said = await pia.say(WORDS)
    assert "Skickat" not in said, said
    assert await outbox_to_anna(demo_app) == 0
    await refused(demo_app, "pia", case.id)


async def test_the_party_contact_cannot_write_in_a_case_sent_to_the_unit_only(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "internal", choose=["sara"])
    await crafted(chat, "pia", case.id, case.ref)
    assert await outbox_to_anna(demo_app) == 0
    await refused(demo_app, "pia", case.id)
    # Sara, who handles it, may
    assert "Skriv till Anna Berg" in await chat("sara").say(f"/arende {case.ref}")


async def test_britt_writes_to_bo_in_his_language(demo_app: App, clock: FakeClock) -> None:
    """Bo reads English: the frame around Britt's words is his; "Avbryt" typed at the
    question sends nothing."""
    ref = await reported_and_taken(demo_app, clock, "bo", "britt", "party")
    t = Transcript("case_write_to_him_en", demo_app)
    britt, bo = t.person("britt"), t.person("bo")
    clock.advance(hours=13)
    await t.say(britt, f"/arende {ref}")
    await t.say(britt, "Skriv till Bo Sand")
    await t.say(britt, "Avbryt")
    await t.say(britt, "Visa ärendet")
    await t.say(britt, "Skriv till Bo Sand")
    await t.say(britt, "I have read your report and will call you at 8. Are you safe now?")
    await t.deliver()
    await t.say(bo, "Yes, I am at home. Call at 8.")
    await t.deliver()
    t.check()
    said = t.text()
    assert "Britt" in said and "writes about your case REF-1:" in said
    assert said.count("Nothing was sent") + said.count("Inget skickades") == 1


async def test_the_directors_case_file_says_pia_wrote_not_what(
    chat: Any, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    """The timeline of Kent's file has "Pia Lind skrev till Anna Berg", never her words;
    Pia's own file has the line too."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press(WRITE)
    await pia.say(WORDS)
    for handle, button in (("kent", EXPORT), ("pia", EXPORT_WHOLE)):
        reply = await export_from_chat(chat(handle), case, button)
        pdf = await sent_pdf(demo_app, handle, reply)
        assert pdf is not None
        whole = flat("\n".join(text_of(pdf, tmp_path, handle)))
        assert "Pia Lind skrev till Anna Berg" in whole, (handle, whole)
        if handle == "kent":
            assert "trygg nu" not in whole, whole


async def test_her_answer_reaches_pia_in_an_older_case(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Forty days after the report (her words no longer go to it by themselves), Pia writes;
    Anna's answer is kept with the case and Pia is told, as the message promised."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    clock.advance(days=40)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press(WRITE)
    assert "Skickat till Anna Berg" in await pia.say(WORDS)
    said = await chat("anna").say(ANSWER)
    assert case.ref in said, said
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        pia_person = (await session.scalars(select(Person).where(Person.handle == "pia"))).one()
        assert report is not None
        notes = await CaseRepo(session, demo_app.keyring).notes(Viewer.of(pia_person), report)
        assert ANSWER in [text for _row, text in notes]
