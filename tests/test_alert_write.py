"""Whoever took an /akut alert (and, while nobody has, anyone it went to who may take it)
can write to its person through Trygg: the way to her when Trygg has no number to call.
What is written is sealed with the alert, logged, and given to her at once; her answer
comes back to them; nobody else may write, nor read it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.app import App
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.errors import NotAllowed, NotFound
from storage.models import Alert, AlertNote, AuditEntry, Person, Role
from storage.trust import PeopleRepo
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_akut_after import akut_alerts, awake
from tests.test_followup_calls import viewer
from tests.test_trust import invite

CRY = "Det står en man utanför mitt hus och skriker att han ska döda mig"
REFUSED = ("Det larmet är inte tillgängligt för dig.", "That alert is not available to you.")
NOT_FOR_THEM = (
    "Bara de säkerhetskontakter som ett larm går till kan öppna det och skriva om det.",
    "Only the security contacts an alert goes to can open it and write about it.",
)
ASKED = "Är du i säkerhet? Har du ringt 112? Jag ringer polisen nu."


async def lisa_without_phone(t: Transcript, app: App) -> Chat:
    """Lisa Ek, invited to Gröna partiet, skips the phone question."""
    code = await invite(app, Role.OFFICIAL, party="gp")
    lisa = t.person("lisa")
    await t.say(lisa, f"/start {code}")
    await t.say(lisa, "1")  # svenska
    await t.say(lisa, "Lisa Ek")
    await t.say(lisa, "1")  # Hoppa över
    return lisa


async def without_phone(app: App, handle: str) -> None:
    async with app.db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.handle == handle).values(phone=None))


async def speaks_english(app: App, handle: str) -> None:
    async with app.db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.handle == handle).values(locale="en"))


async def subject(app: App, alert: Alert) -> Person:
    async with app.db.unit_of_work() as session:
        person = await session.get(Person, alert.subject_id)
        assert person is not None
        return person


async def written_to(t: Transcript, her: Chat) -> list[str]:
    """What the outbox gives her now that someone wrote to her."""
    return [r.text for a, r in await t.deliver() if a == her.address and "till dig:" in r.text]


async def notes(app: App) -> list[AlertNote]:
    async with app.db.unit_of_work() as session:
        return list((await session.scalars(select(AlertNote).order_by(AlertNote.id))).all())


async def test_alert_write_to_her_sv(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("alert_write_to_her_sv", demo_app)
    pia, per = t.person("pia"), t.person("per")
    await awake(t, pia, per)
    lisa = await lisa_without_phone(t, demo_app)
    t.lines.clear()
    t.note("Lisa has no phone number in Trygg; at night she writes, then alerts Pia")
    await t.say(lisa, CRY)
    await t.say(lisa, "1")
    await t.deliver()
    clock.advance(minutes=2)
    t.note("Pia takes it: there is no number to call, so she writes")
    taken = await t.say(pia, "Jag tar det")
    await t.deliver()
    asked = await t.say(pia, "Skriv till Lisa Ek")
    sent = await t.say(pia, ASKED)
    to_lisa = await t.deliver()
    clock.advance(minutes=3)
    t.note("Lisa answers in the chat")
    answered = await t.say(lisa, "ja, jag har låst in mig i badrummet")
    to_pia = await t.deliver()
    t.note("Pia reads it")
    read = await t.say(pia, "Läs vad Lisa Ek skrev")
    clock.advance(minutes=40)
    t.note("later, from /arenden")
    await t.say(pia, "/arenden")
    opened = await t.say(pia, "Öppna larmet: Lisa Ek")
    t.check()
    assert "Det finns inget telefonnummer till Lisa Ek." in taken
    assert "Kontakta personen nu" not in taken and "Ring upp" not in taken
    assert "[2] Skriv till Lisa Ek" in taken
    assert asked.startswith("Vad vill du skriva till Lisa Ek?") and "Avbryt" in asked
    assert sent.startswith("Skickat till Lisa Ek.")
    ((_address, message),) = [(a, r) for a, r in to_lisa if a == lisa.address]
    assert f"Pia Lind skriver till dig:\n{ASKED}" in message.text
    assert message.text.startswith("I fara nu: ring 112.")
    assert "Svara här, så får Pia Lind se det." in message.text
    assert "Pia Lind har ditt larm och ser det du skrev." in answered
    assert "/rapportera" not in answered  # an answer to Pia, not more for her report
    assert [a for a, _r in to_pia] == [pia.address]
    assert f"du skrev: {ASKED}" in read and "Lisa Ek skrev: ja, jag har låst in mig" in read
    assert "Skriv till Lisa Ek" in opened and "du skrev:" in opened


async def test_alert_write_to_her_en(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("alert_write_to_her_en", demo_app)
    await without_phone(demo_app, "bo")
    await speaks_english(demo_app, "britt")
    bo, britt = t.person("bo"), t.person("britt")
    await awake(t, britt, bo)
    t.note("Bo (no phone number in Trygg) alerts Britt at night")
    await t.say(bo, "/akut")
    await t.say(bo, "1")
    push = await t.deliver()
    clock.advance(minutes=1)
    t.note("Britt writes to him before taking it, then takes it")
    await t.say(britt, "Write to Bo Sand")
    await t.say(britt, "Are you safe? Stay inside and lock the door.")
    to_bo = await t.deliver()
    taken = await t.say(britt, "I'll take it")
    await t.deliver()
    clock.advance(minutes=4)
    t.note("Bo answers")
    await t.say(bo, "yes")
    await t.deliver()
    read = await t.say(britt, "Read what Bo Sand wrote")
    t.check()
    (shown,) = [r for a, r in push if a == britt.address]
    labels = [b.label for row in shown.buttons for b in row]
    assert "Call back" not in labels and "Write to Bo Sand" in labels
    assert any("Britt Holm writes to you:" in r.text for a, r in to_bo if a == bo.address)
    assert "There is no phone number for Bo Sand. Write instead" in taken
    assert "Bo Sand wrote: yes" in read and "you wrote: Are you safe?" in read


async def lisa_alerted(demo_app: App) -> tuple[Transcript, Chat, Chat, Alert]:
    t = Transcript("unused", demo_app)
    pia = t.person("pia")
    await awake(t, pia, t.person("per"))
    lisa = await lisa_without_phone(t, demo_app)
    await t.say(lisa, CRY)
    await t.say(lisa, "1")
    await t.deliver()
    (alert,) = await akut_alerts(demo_app)
    return t, lisa, pia, alert


async def test_a_number_keeps_call_back_and_the_write_button_stays_on_the_taken_reply(
    demo_app: App,
) -> None:
    t = Transcript("unused", demo_app)
    anna, pia = t.person("anna"), t.person("pia")
    await awake(t, pia)
    await t.say(anna, "/akut")
    await t.say(anna, "1")
    (push,) = [r for a, r in await t.deliver() if a == pia.address]
    assert "call:" in {b.id.partition(":")[0] + ":" for row in push.buttons for b in row}
    taken = await t.say(pia, "Jag tar det")
    assert "Ring Anna Berg nu: +46" in taken and "Skriv till Anna Berg" in taken


async def test_she_answers_ok_and_pia_gets_it_even_a_day_later(
    demo_app: App, clock: FakeClock
) -> None:
    t, lisa, pia, alert = await lisa_alerted(demo_app)
    await t.say(pia, "Jag tar det")
    clock.advance(hours=30)  # the day after the alert has passed
    await t.say(pia, "Skriv till Lisa Ek")
    await t.say(pia, "Ring 112 om han kommer tillbaka, okej?")
    await t.deliver()
    said = await t.say(lisa, "ok")
    sent = await t.deliver()
    assert "Pia Lind har ditt larm och ser det du skrev." in said
    assert [a for a, _r in sent] == [pia.address]
    async with demo_app.db.unit_of_work() as session:
        words = await AlertNotes(session, demo_app.keyring).read(
            await viewer(demo_app, "pia"), alert.id
        )
    assert [w.text for w in words][-1] == "ok"


async def test_cancel_sends_nothing(demo_app: App) -> None:
    t, lisa, pia, _alert = await lisa_alerted(demo_app)
    await t.say(pia, "Jag tar det")
    await t.say(pia, "Skriv till Lisa Ek")
    assert await t.say(pia, "Avbryt") == "Inget skickades."
    assert all(n.author_id is None for n in await notes(demo_app))
    assert not await written_to(t, lisa)


async def test_words_long_after_the_question_are_asked_about_first(
    demo_app: App, clock: FakeClock
) -> None:
    t, lisa, pia, _alert = await lisa_alerted(demo_app)
    await t.say(pia, "Jag tar det")
    await t.say(pia, "Skriv till Lisa Ek")
    clock.advance(hours=3)
    asked = await t.say(pia, "jag ringer dig i morgon")
    assert asked.startswith("Skicka det här till Lisa Ek?\njag ringer dig i morgon")
    assert all(n.author_id is None for n in await notes(demo_app))
    assert (await t.say(pia, "Ja, skicka")).startswith("Skickat till Lisa Ek.")
    sent = [r.text for a, r in await t.deliver() if a == lisa.address]
    assert any("jag ringer dig i morgon" in text for text in sent)


async def test_a_long_message_is_kept_and_given_to_her_whole(demo_app: App) -> None:
    t, lisa, pia, alert = await lisa_alerted(demo_app)
    await t.say(pia, "Skriv till Lisa Ek")
    long = " ".join(f"Rad {n}: jag är på väg och ringer polisen åt dig." for n in range(120))
    assert len(long) > 5000  # more than one chat message: the transport splits, not the flow
    said = await t.say(pia, long)
    assert said.startswith("Skickat till Lisa Ek.")
    written = [n for n in await notes(demo_app) if n.author_id is not None]
    assert len(written) == 1
    async with demo_app.db.unit_of_work() as session:
        thread = await AlertNotes(session, demo_app.keyring).thread(
            await viewer(demo_app, "pia"), alert.id
        )
    assert thread[-1].text == long
    (message,) = await written_to(t, lisa)
    assert long in message


async def test_others_may_not_write_and_are_told_kindly(demo_app: App) -> None:
    t, lisa, pia, alert = await lisa_alerted(demo_app)
    for handle in ("britt", "sara"):  # another party, the unit (not alerted yet)
        other = t.person(handle)
        said = await other.press(f"cmd:skriv {alert.id}")
        assert said in REFUSED, handle
    for handle in ("kent", "bo"):  # the director, an official: no alert ever goes to them
        said = await t.person(handle).press(f"cmd:skriv {alert.id}")
        assert said.startswith(NOT_FOR_THEM[handle == "bo"]), handle
        assert "Lisa" not in said
    await t.say(pia, "Jag tar det")
    per = t.person("per")  # of her party, not alerted: nothing to write on
    assert await per.press(f"cmd:skriv {alert.id}") == "Det larmet är inte tillgängligt för dig."
    assert all(n.author_id is None for n in await notes(demo_app))
    assert not await written_to(t, lisa)


async def test_once_taken_by_another_the_others_may_not_write(demo_app: App) -> None:
    t, _lisa, pia, alert = await lisa_alerted(demo_app)
    async with demo_app.db.unit_of_work() as session:  # Per is alerted too (the next level)
        repo_alert = await session.get(Alert, alert.id)
        assert repo_alert is not None
        per_id = (await session.scalars(select(Person.id).where(Person.handle == "per"))).one()
        await AlertRepo(session).notify(repo_alert, [per_id], demo_app.clock())
    per = t.person("per")
    await awake(t, per)
    await t.say(pia, "Jag tar det")
    said = await per.press(f"cmd:skriv {alert.id}")
    assert said == "Pia Lind har tagit larmet och har kontakt med Lisa Ek."


async def test_a_revoked_contact_cannot_send_what_she_began(demo_app: App) -> None:
    t, lisa, pia, _alert = await lisa_alerted(demo_app)
    await t.say(pia, "Jag tar det")
    await t.say(pia, "Skriv till Lisa Ek")
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("pia", demo_app.clock())
    said = await t.say(pia, "Jag kommer strax")
    assert "Det larmet är inte tillgängligt för dig." in said
    assert "Inget skickades. Du skrev:\nJag kommer strax" in said
    assert all(n.author_id is None for n in await notes(demo_app))
    assert not await written_to(t, lisa)


async def test_storage_seals_audits_and_keeps_it_apart_from_her_words(demo_app: App) -> None:
    t, _lisa, pia, alert = await lisa_alerted(demo_app)
    await t.say(pia, "Skriv till Lisa Ek")  # before anyone has taken it
    await t.say(pia, ASKED)
    rows = await notes(demo_app)
    lisa_row = await subject(demo_app, alert)
    assert [r.author_id is None for r in rows] == [True, False]
    assert all(b"112" not in r.text for r in rows)  # sealed at rest
    async with demo_app.db.unit_of_work() as session:
        repo = AlertNotes(session, demo_app.keyring)
        her = Viewer.of(lisa_row)
        assert [w.text for w in await repo.read(her, alert.id)] == [CRY]  # her words only
        assert await repo.count(alert.id) == 1
        assert [w.text for w in await repo.thread(her, alert.id)] == [CRY, ASKED]
        for handle in ("britt", "kent", "per"):
            with pytest.raises(NotFound):
                await repo.may_write(await viewer(demo_app, handle), alert.id)
        with pytest.raises(NotFound):  # she writes her own words, not to herself
            await repo.may_write(her, alert.id)
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "alert_written"))
        ).all()
        assert [(a.actor, a.subject) for a in audit] == [("pia", lisa_row.handle)]
    await t.say(pia, "Jag tar det")
    async with demo_app.db.unit_of_work() as session:
        repo = AlertNotes(session, demo_app.keyring)
        assert (await repo.may_write(await viewer(demo_app, "pia"), alert.id)).id == alert.id
    per = await viewer(demo_app, "per")
    with pytest.raises(NotAllowed):  # Per, alerted after Pia took it, may read but not write
        async with demo_app.db.unit_of_work() as session:
            alert_row = await session.get(Alert, alert.id)
            assert alert_row is not None and per.person_id is not None
            await AlertRepo(session).notify(alert_row, [per.person_id], demo_app.clock())
            await AlertNotes(session, demo_app.keyring).may_write(per, alert.id)
