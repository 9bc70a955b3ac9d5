"""/arenden: every role finds again the cases it may access, and only those (issue 18, item 2).

Anna Berg (Gröna partiet) reports to Pia Lind first (then Per Ek, then Sara Strand); Bo Sand
(Blå partiet) reports about his municipal assignment. Kent Dahl is the municipal director.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.case import listing
from conversations.notices import NOTICE_TOKEN
from storage.caselist import CaseListRepo
from storage.cases import CaseRepo
from storage.models import Person, Report
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.test_alerts import ack, raise_akut
from tests.test_case import Submitted, submit_report, take


async def viewer(app: App, handle: str) -> Viewer:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        return Viewer.of(person)


async def close(app: App, handle: str, case: Submitted, now: Any) -> None:
    """Close the case in storage, as its handler (the closing dialogue is not under test)."""
    who = await viewer(app, handle)
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        await CaseRepo(session, app.keyring).close(who, report, {}, now)


def refs_in(listed: str, *cases: Submitted) -> set[str]:
    return {c.ref for c in cases if c.ref in listed}


async def test_every_role_lists_the_cases_it_may_access(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    anna_case = await submit_report(chat, "anna", "party")
    clock.advance(minutes=5)
    bo_case = await submit_report(chat, "bo", "assignment")
    clock.advance(minutes=5)
    await take(chat, "pia", anna_case)

    # the reporter: her own case, "du", who took it and what is due for her
    anna = await chat("anna").say("/arenden")
    assert refs_in(anna, anna_case, bo_case) == {anna_case.ref}, anna
    assert f"• {anna_case.ref} – du – kategori: partiet – taget av Pia Lind" in anna
    assert "Bo Sand" not in anna and "Du har inga öppna ärenden" not in anna

    # the contact who took it: the case with its reference, once, and her next item
    pia = await chat("pia").say("/arenden")
    assert refs_in(pia, anna_case, bo_case) == {anna_case.ref}
    assert f"• {anna_case.ref} – Anna Berg – kategori: partiet – taget av dig" in pia
    assert "nästa för dig: 3.1.1" in pia
    assert pia.count(f"• {anna_case.ref}") == 1

    # the unit: the case it was sent to (Bo's assignment), not Anna's (not sent to it yet)
    sara = await chat("sara").say("/arenden")
    assert refs_in(sara, anna_case, bo_case) == {bo_case.ref}
    assert f"• {bo_case.ref} – Bo Sand – kategori: kommunalt uppdrag" in sara

    # the director: every case of the municipality that is not internal, his step next
    kent = await chat("kent").say("/arenden")
    assert refs_in(kent, anna_case, bo_case) == {anna_case.ref, bo_case.ref}
    assert "nästa för dig: 3.1.3 Har händelsen polisanmälts?" in kent
    # he does not read the report, so not whom it is about: who reported it, said as such
    assert f"• {anna_case.ref} – rapporterat av Anna Berg – kategori: partiet" in kent, kent

    # Per: of Anna's party, but not alerted yet; nothing of Bo's (another party)
    per = await chat("per").say("/arenden")
    assert refs_in(per, anna_case, bo_case) == set()
    assert "Du har inga öppna ärenden." in per and "Bo Sand" not in per

    # Bo, in English: his own case; Britt (Bo's party) sees nothing of Anna's
    bo = await chat("bo").say("/cases")
    assert f"• {bo_case.ref} – you – category: municipal assignment" in bo
    assert anna_case.ref not in await chat("britt").say("/arenden")

    # each line opens its case as /arende does
    kent_chat: Chat = chat("kent")
    await kent_chat.say("/arenden")
    assert f"cmd:arende {bo_case.ref}" in [i for i, _, _ in kent_chat.buttons]
    opened = await kent_chat.say(f"Öppna {bo_case.ref}")
    assert opened.startswith(f"Ärende {bo_case.ref} – öppet"), opened


async def test_storage_lists_only_what_the_access_rule_gives(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    anna_case = await submit_report(chat, "anna", "party")
    clock.advance(minutes=1)
    internal = await submit_report(chat, "anna", "internal")  # the first three offered
    expected = {
        "anna": {anna_case.ref, internal.ref},
        "pia": {anna_case.ref, internal.ref},
        "kent": {anna_case.ref},  # never an internal case
        "britt": set(),
        "bo": set(),
        "admin": set(),
    }
    async with demo_app.db.unit_of_work() as session:
        for handle, refs in expected.items():
            found = await CaseListRepo(session).cases(await viewer(demo_app, handle), clock.now)
            assert {f.report.ref for f in found} == refs, handle


async def test_no_duplicates_and_closed_cases_age_out(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    akut = await raise_akut(chat)
    clock.advance(minutes=1)
    case = await submit_report(chat, "anna", "party")
    clock.advance(minutes=1)
    await take(chat, "pia", case)
    assert "Tack – det är ditt" in await ack(chat("pia"), akut)
    # Anna asks for a call in a check-in: a second alert about the same case
    asked = await chat("anna").press(f"checkin:{case.id}:yes", token=NOTICE_TOKEN)
    assert "Pia Lind" in asked

    listed = await chat("pia").say("/arenden")
    assert listed.count(f"• {case.ref}") == 1, listed
    assert "larm – Anna Berg" not in listed  # her taken /akut alert is part of the case

    clock.advance(days=3)
    await close(demo_app, "pia", case, clock.now)
    for handle in ("pia", "anna", "kent"):
        listed = await chat(handle).say("/arenden")
        assert "Avslutade under de senaste 90 dagarna:" in listed, handle
        assert f"• {case.ref}" in listed and "avslutat" in listed, handle
    clock.advance(days=91)
    for handle in ("pia", "anna", "kent"):
        listed = await chat(handle).say("/arenden")
        assert case.ref not in listed, handle
        assert "Du har inga öppna ärenden." in listed, handle


async def test_open_cases_come_first_and_a_long_list_goes_on(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PAGE", 2)
    first = await submit_report(chat, "anna", "party")
    clock.advance(minutes=1)
    second = await submit_report(chat, "anna", "party")
    clock.advance(minutes=1)
    third = await submit_report(chat, "anna", "party")
    await close(demo_app, "pia", first, clock.now + timedelta(minutes=1))
    pia: Chat = chat("pia")
    page = await pia.say("/arenden")
    assert page.index(third.ref) < page.index(second.ref)  # newest open first
    assert first.ref not in page and "…och 1 till." in page
    more = await pia.say("Visa fler")
    assert more.startswith("Avslutade under de senaste 90 dagarna:") and first.ref in more
    assert second.ref not in more and third.ref not in more


async def test_a_taken_akut_alert_opens_again_from_the_list(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia took Anna's /akut alert; once the push had scrolled away, /arenden listed "larm –
    Anna Berg – taget av dig" with no button, and "Jag tar det" found nothing to take: she
    had no way back to what Anna wrote or her number."""
    alert_id = await raise_akut(chat)
    await ack(chat("pia"), alert_id)
    pia = chat("pia")
    listed = await pia.say("/arenden")
    assert "larm – Anna Berg – " in listed and "taget av dig" in listed, listed
    assert f"words:{alert_id}" in pia.last_buttons
    shown = await pia.press(f"words:{alert_id}")
    assert "Anna Berg har inte skrivit något med larmet." in shown, shown
    assert "Ring Anna Berg: +46 70 174 06 10" in shown


async def test_no_cases_is_no_dead_end(chat) -> None:  # type: ignore[no-untyped-def]
    """Sara has no case: the answer carries her menu (on Telegram, buttons to go on with)."""
    sara = chat("sara")
    said = await sara.say("/arenden")
    assert said.startswith("Du har inga öppna ärenden."), said
    ids = [b.id for reply in sara.last for row in reply.buttons for b in row]
    assert ids[:2] == ["cmd:akut", "cmd:arenden"], ids
