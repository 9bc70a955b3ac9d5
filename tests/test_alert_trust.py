"""Nobody learns of an /akut alert they were never given: not from /logg (the unit, when
the plan alerts only the party), not from its view, its notes or "Skriv till" by id. Each
outsider is refused in the same words whether the alert exists or not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.errors import NotFound
from storage.models import Alert, AuditEntry, Person
from storage.trust import AuditRepo, PeopleRepo
from storage.viewer import Viewer
from tests.conftest import Chat
from tests.golden import Transcript
from tests.test_alert_write import ASKED, CRY, lisa_alerted, notes, written_to
from tests.test_followup_calls import viewer

MADE_UP = ("5", "123", "abc", "0" * 32, "' OR 1=1 --", "x" * 200)
"""Ids that name no alert: numbers, words, one of the right shape, an injection."""


async def pia_wrote(demo_app: App) -> tuple[Transcript, Chat, Chat, Alert]:
    """Lisa alerts Pia (the party: the unit is a later level, not alerted); Pia takes it
    and writes to her."""
    t, lisa, pia, alert = await lisa_alerted(demo_app)
    await t.say(pia, "Jag tar det")
    await t.say(pia, "Skriv till Lisa Ek")
    await t.say(pia, ASKED)
    await t.deliver()
    return t, lisa, pia, alert


async def unit_log(demo_app: App) -> list[AuditEntry]:
    async with demo_app.db.unit_of_work() as session:
        return await AuditRepo(session).entries(await viewer(demo_app, "sara"))


async def test_the_unit_reads_nothing_of_a_party_only_alert_in_its_log(demo_app: App) -> None:
    t, _lisa, _pia, alert = await pia_wrote(demo_app)
    log = await t.person("sara").say("/logg")
    assert "Lisa Ek" in log  # her invitation: the unit gave it
    assert "larm" not in log and "skrev" not in log, log
    assert all(e.action != "alert_written" for e in await unit_log(demo_app))
    async with demo_app.db.unit_of_work() as session:  # the operator sees everything
        every = await AuditRepo(session).entries(Viewer.operator())
    assert [e.alert_id for e in every if e.action == "alert_written"] == [alert.id]


async def test_the_unit_reads_it_once_the_alert_reaches_it_and_not_once_its_role_is_gone(
    demo_app: App,
) -> None:
    t, _lisa, _pia, alert = await pia_wrote(demo_app)
    sara = await viewer(demo_app, "sara")
    async with demo_app.db.unit_of_work() as session:  # the plan's next levels alert the unit
        row = await session.get(Alert, alert.id)
        assert row is not None and sara.person_id is not None
        await AlertRepo(session).notify(row, [sara.person_id], demo_app.clock())
    log = await t.person("sara").say("/logg")
    assert "Pia Lind skrev till Lisa Ek om larmet" in log, log
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("sara", demo_app.clock())
    with pytest.raises(NotFound):  # role gone: no log at all
        await unit_log(demo_app)


async def test_a_party_contact_and_the_director_never_read_the_log(demo_app: App) -> None:
    await pia_wrote(demo_app)
    for handle in ("pia", "britt", "kent", "anna"):
        with pytest.raises(NotFound):
            async with demo_app.db.unit_of_work() as session:
                await AuditRepo(session).entries(await viewer(demo_app, handle))


async def test_an_older_entry_without_its_alert_is_kept_from_the_unit(demo_app: App) -> None:
    """What the migration does to entries written before they named their alert."""
    await pia_wrote(demo_app)
    async with demo_app.db.unit_of_work() as session:
        sara = (await session.scalars(select(Person).where(Person.handle == "sara"))).one()
        AuditRepo(session).record(
            "pia", "alert_written", "lisa", sara.municipality_id, demo_app.clock()
        )
    async with demo_app.db.unit_of_work() as session:
        old = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.alert_id.is_(None), AuditEntry.action == "alert_written"
                )
            )
        ).one()
        old.restricted = True
    assert all(e.action != "alert_written" for e in await unit_log(demo_app))


OUTSIDERS = ("britt", "kent", "sara", "anna", "bo")
"""Another party's contact, the director, the unit (not alerted), two officials."""


async def test_storage_refuses_every_outsider_alike(demo_app: App) -> None:
    _t, _lisa, _pia, alert = await pia_wrote(demo_app)
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("pia", demo_app.clock())  # revoked after the alert
    for handle in (*OUTSIDERS, "pia"):
        who = await viewer(demo_app, handle)
        for alert_id in (alert.id, *MADE_UP):
            async with demo_app.db.unit_of_work() as session:
                notes_ = AlertNotes(session, demo_app.keyring)
                with pytest.raises(NotFound):
                    await notes_.thread(who, alert_id)
                with pytest.raises(NotFound):
                    await notes_.read(who, alert_id)
                with pytest.raises(NotFound):
                    await notes_.may_write(who, alert_id)
                with pytest.raises(NotFound):
                    await notes_.write(who, alert_id, "hej", demo_app.clock())
                with pytest.raises(NotFound):
                    await AlertRepo(session).recipient(who, alert_id)
    assert [n.author_id is None for n in await notes(demo_app)] == [True, False]


async def replies(chat: Chat, alert_id: str) -> dict[str, str]:
    """What the person is told for each way in to an alert, by id."""
    said = {}
    for way in ("skriv", "visalarm"):
        said[f"/{way}"] = await chat.say(f"/{way} {alert_id}")
        said[f"cmd:{way}"] = await chat.press(f"cmd:{way} {alert_id}")
    said["words"] = await chat.press(f"words:{alert_id}")
    return said


async def test_no_outsider_can_tell_a_real_alert_from_a_made_up_one(demo_app: App) -> None:
    t, lisa, _pia, alert = await pia_wrote(demo_app)
    for handle in OUTSIDERS:
        chat = t.person(handle)
        real = await replies(chat, alert.id)
        for made_up in MADE_UP:
            assert await replies(chat, made_up) == real, (handle, made_up)
        for way, text in real.items():
            for secret in ("Lisa", CRY[:20], ASKED[:20], "Pia"):
                assert secret not in text, (handle, way, text)
    assert [n.author_id is None for n in await notes(demo_app)] == [True, False]
    assert len(await written_to(t, lisa)) == 0


async def test_a_contact_revoked_after_the_alert_is_refused_in_the_chat(demo_app: App) -> None:
    _t, _lisa, pia, alert = await pia_wrote(demo_app)
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("pia", demo_app.clock())
    real = await replies(pia, alert.id)
    assert await replies(pia, "0" * 32) == real
    for text in real.values():
        assert "Lisa" not in text and ASKED[:20] not in text, text
    assert [n.author_id is None for n in await notes(demo_app)] == [True, False]


async def test_an_official_is_told_what_alerts_are_for_and_shown_the_menu(
    demo_app: App,
) -> None:
    t = Transcript("alert_write_not_for_an_official_sv", demo_app)
    anna = t.person("anna")
    for typed in ("/skriv", "/skriv 123", "/visalarm 5"):
        said = await t.say(anna, typed)
        assert "Det larmet är inte tillgängligt" not in said
        assert "Bara de säkerhetskontakter som ett larm går till" in said
        assert "Jag behöver hjälp nu" in said and "Det här kan jag hjälpa dig med:" in said
    t.check()


async def test_a_contact_typing_skriv_alone_writes_to_the_one_alert(demo_app: App) -> None:
    """With one alert she may write about, /skriv alone asks what to write to its person
    (it said where the button is; with none, it still does: tests/test_write_alone.py)."""
    _t, _lisa, pia, _alert = await lisa_alerted(demo_app)
    said = await pia.say("/skriv")
    assert said.startswith("Vad vill du skriva till Lisa Ek?"), said
