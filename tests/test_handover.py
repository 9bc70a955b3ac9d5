"""Handing a case over (issue 18, "Also"): a handler gives it to another contact of the party
or to the municipal unit; the receiver gets it through the one access rule, the person it is
about is told, it is audited; nobody else may hand it over, nor to anyone out of scope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from storage.access import Access
from storage.cases import CaseRepo
from storage.errors import NotFound
from storage.handover import HandoverRepo
from storage.models import Alert, AuditEntry, Report
from tests.conftest import Chat, FakeClock
from tests.golden import delivered
from tests.test_alerts import Outbox, person_ids
from tests.test_case import Submitted, submit_report, take
from tests.test_caselist import viewer


async def hand_over_in_storage(
    app: App, giver: str, case: Submitted, to: str, now: datetime
) -> None:
    ids = await person_ids(app)
    who = await viewer(app, giver)
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        await HandoverRepo(session).hand_over(who, report, ids[to], now)


async def access_of(app: App, handle: str, case: Submitted) -> Access:
    who = await viewer(app, handle)
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        return await CaseRepo(session, app.keyring).access(who, report)


async def test_a_contact_hands_a_case_over_to_another_contact(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    assert await access_of(demo_app, "per", case) is Access.NONE
    pia: Chat = chat("pia")
    view = await pia.say(f"/arende {case.ref}")
    assert "Lämna över" in view
    asked = await pia.say("Lämna över")
    assert asked.startswith(f"Vem ska ta över ärende {case.ref}?")
    assert "Per Ek" in asked and "Sara Strand (kommunens säkerhetsenhet)" in asked
    assert "Britt Holm" not in asked and "Kent Dahl" not in asked and "Pia Lind" not in asked
    box = Outbox(demo_app)
    await box.new()
    done = await pia.say("Per Ek")
    assert done.startswith(f"Ärende {case.ref} ligger nu hos Per Ek."), done

    ids = await person_ids(demo_app)
    payload = {"report": case.id, "from": ids["pia"], "to": ids["per"]}
    assert await box.new() == [
        ("per", "case_handed_over", payload),
        ("anna", "case_new_handler", payload),
    ]
    # Per handles it now (through the access rule); Pia keeps reading it, as everyone it
    # was sent to does; it is Per's in the list and in Anna's
    assert await access_of(demo_app, "per", case) is Access.HANDLER
    assert await access_of(demo_app, "pia", case) is Access.HANDLER
    assert "Visa rapporten" in await chat("per").say(f"/arende {case.ref}")
    assert "taget av Per Ek" in await chat("anna").say("/arenden")
    async with demo_app.db.unit_of_work() as session:
        alert = await session.get(Alert, case.alert_id)
        assert alert is not None and alert.acknowledged_by == ids["per"]
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "case_handed_over"))
        ).all()
    assert [(a.actor, a.subject) for a in audit] == [("pia", case.ref)]


async def test_a_case_can_go_to_the_municipal_unit(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    assert await access_of(demo_app, "sara", case) is Access.NONE
    await hand_over_in_storage(demo_app, "pia", case, "sara", clock.now)
    assert await access_of(demo_app, "sara", case) is Access.HANDLER
    assert case.ref in await chat("sara").say("/arenden")


@pytest.mark.parametrize(
    ("giver", "to"),
    [
        ("per", "sara"),  # not sent to him: no access
        ("kent", "per"),  # the director reads the checklist; he does not hand cases over
        ("anna", "per"),  # her own case: she chooses nobody's case
        ("britt", "per"),  # another party
        ("bo", "per"),
        ("pia", "britt"),  # to another party's contact
        ("pia", "kent"),  # to the director
        ("pia", "anna"),  # to the person it is about
        ("pia", "bo"),
        ("pia", "pia"),
    ],
)
async def test_who_may_hand_over_and_to_whom(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, giver: str, to: str
) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    with pytest.raises(NotFound):
        await hand_over_in_storage(demo_app, giver, case, to, clock.now)
    ids = await person_ids(demo_app)
    async with demo_app.db.unit_of_work() as session:
        alert = await session.get(Alert, case.alert_id)
        assert alert is not None and alert.acknowledged_by == ids["pia"]
    if giver in ("kent", "anna"):  # they open the case, without the button
        person: Chat = chat(giver)
        assert "Lämna över" not in await person.say(f"/arende {case.ref}")
        assert "case:handover" not in person.last_buttons


async def test_a_forged_handover_changes_nothing(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    ids = await person_ids(demo_app)
    kent: Chat = chat("kent")
    await kent.say(f"/arende {case.ref}")
    await kent.press("case:handover")
    await kent.press(f"handover:{ids['kent']}")
    pia: Chat = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:handover")
    refused = await pia.press(f"handover:{ids['britt']}")  # not offered, forged
    assert "gjorde ingenting" in refused and "Britt Holm" not in refused
    async with demo_app.db.unit_of_work() as session:
        alert = await session.get(Alert, case.alert_id)
        assert alert is not None and alert.acknowledged_by == ids["pia"]


async def test_an_internal_case_is_not_handed_over(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "internal")  # the first three offered
    pia: Chat = chat("pia")
    assert "Lämna över" not in await pia.say(f"/arende {case.ref}")
    with pytest.raises(NotFound):
        await hand_over_in_storage(demo_app, "pia", case, "per", clock.now)


async def test_a_typed_name_is_understood(chat: Any, demo_app: App, clock: FakeClock) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia: Chat = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.say("Lämna över")
    again = await pia.say("Kalle")  # nobody of that name: asked again, nothing changes
    assert again.startswith("Välj med knapparna nedan vem som ska ta över.")
    assert "Per Ek" in again
    done = await pia.say("sara")
    assert done.startswith(f"Ärende {case.ref} ligger nu hos Sara Strand."), done
    assert await access_of(demo_app, "sara", case) is Access.HANDLER


async def test_the_contact_she_names_as_the_threat_is_taken_off_her_case(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Per had her case (handed over by Pia); she then said at /akut that Per threatens her.
    He kept reading her case and was told of every word she wrote to it."""
    await chat("sara").say("/hjalp")  # her chat exists, so pushes reach her
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    await hand_over_in_storage(demo_app, "pia", case, "per", clock.now)
    assert await access_of(demo_app, "per", case) is Access.HANDLER
    anna: Chat = chat("anna")
    box = Outbox(demo_app)
    await box.new()
    said = await anna.say("det är Per Ek som hotar mig")  # a cry: /akut opens
    assert f"Per Ek kan inte längre läsa ditt ärende {case.ref}." in said, said
    assert "Kommunens säkerhetsenhet har det nu." in said
    assert await access_of(demo_app, "per", case) is Access.NONE
    assert await access_of(demo_app, "sara", case) is Access.HANDLER
    sent = await box.new()
    assert ("sara", "case_handed_over") in [(h, k) for h, k, _p in sent]
    assert not [h for h, _k, _p in sent if h == "per"]
    refused = await chat("per").say(f"/arende {case.ref}")
    assert "Det finns inget ärende" in refused
    await anna.say("/meny")
    await anna.say("han ringer mig hela tiden, jag vågar inte gå ut")  # to her case
    assert not [h for h, _k, _p in await box.new() if h == "per"]
    # Sara is told why, and warned; the case's alert escalates again, never to Per
    told = [text for to, text in await delivered(demo_app) if to == "sara"]
    assert any(
        "Anna Berg säger att hotet kommer inifrån partiet" in t and "Ta inte in partiets" in t
        for t in told
    ), told
    assert "lämnat över" not in " ".join(told)
    clock.advance(hours=3)
    await demo_app.timer_runner().run_due()
    assert ("sara", "alert") in [(h, k) for h, k, _p in await box.new()]  # reminded
    assert await access_of(demo_app, "per", case) is Access.NONE
    asked = await chat("pia").say(f"/arende {case.ref}")
    if "Lämna över" in asked:  # Per is never offered to take it over
        assert "Per Ek" not in await chat("pia").say("Lämna över")
