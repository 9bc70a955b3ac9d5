"""What those who act read, from their side: who handles the case (and that a closed case
can still be read whole), the unit told that its checklist part is still its own when a
party contact takes the alert, the unit warned when an official chose it over her party, and
an internal report never offered to the person she named as the one who did it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.report.form import ReportStep as S
from conversations.report.sending import CHOSEN
from storage.cases import CaseRepo
from storage.models import AlertRecipient, Report
from tests.conftest import Chat, FakeClock
from tests.golden import delivered
from tests.reporting import Script, offered, write_report
from tests.test_alerts import person_ids
from tests.test_alerts import submit_report as alerts_submit
from tests.test_case import MONDAY_10, submit_report, take
from tests.test_followup_calls import viewer
from tests.test_report import answers


async def test_the_case_view_says_who_handles_it_and_a_closed_case_is_read_whole(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    for handle in ("pia", "sara", "kent"):
        await chat(handle).say("/hjalp")
    case = await submit_report(chat, "anna", "assignment")
    await take(chat, "pia", case)
    told = await delivered(demo_app)
    to_sara = [text for to, text in told if to == "sara" and "har tagit larmet" in text]
    assert to_sara and "Dina punkter i ärendets checklista är kvar att göra." in to_sara[0]
    assert "Du behöver inte göra något mer" not in to_sara[0]
    for handle in ("sara", "kent"):
        view = await chat(handle).say(f"/arende {case.ref}")
        assert "Hanteras av: Pia Lind" in view, view
    async with demo_app.db.unit_of_work() as session:  # closing is walked elsewhere
        report = await session.get(Report, case.id)
        assert report is not None
        await CaseRepo(session, demo_app.keyring).close(
            await viewer(demo_app, "pia"), report, {"routine_applied": "yes"}, clock.now
        )
    pia: Chat = chat("pia")
    view = await pia.say(f"/arende {case.ref}")
    assert "– avslutat" in view and f"show:{case.id}" in offered(pia)
    whole = await pia.press(f"show:{case.id}")
    assert "Rutinen tillämpades: ja" in whole


async def test_the_unit_alerted_instead_of_the_party_is_warned(chat: Any, demo_app: App) -> None:
    await chat("sara").say("/hjalp")
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:unit")
    [push] = [text for to, text in await delivered(demo_app) if to == "sara"]
    assert "Anna Berg valde att larma kommunen i stället för partiet." in push
    assert "utan att fråga Anna Berg först: hotet kan komma inifrån partiet." in push


async def test_an_internal_report_is_never_offered_to_the_one_she_named(
    chat: Any, demo_app: App
) -> None:
    ids = await person_ids(demo_app)
    anna: Chat = chat("anna")
    script = Script(
        category="internal",
        answers={S.PERPETRATOR: "Jag vet vem det är", S.PERP_NAME: "Per Ek"},
    )
    await write_report(anna, script, submit=False)
    shown = await anna.press("send")
    assert "Per Ek erbjuds inte: du skrev att det var den personen." in shown, shown
    assert f"rcpt:{ids['per']}" not in offered(anna)
    assert f"rcpt:{ids['pia']}" in offered(anna)
    await anna.press(f"rcpt:{ids['per']}")  # an old or forged press chooses nobody
    assert CHOSEN not in (await answers(demo_app, "anna"))


async def test_a_report_naming_a_contact_as_the_one_who_did_it_never_reaches_him(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """A party report with "Förövare: Per Ek" went to Pia, and two hours later to Per, who
    read all of it and her number."""
    anna: Chat = chat("anna")
    script = Script(answers={S.PERPETRATOR: "Jag vet vem det är", S.PERP_NAME: "Per Ek"})
    sent = await write_report(anna, script)
    assert "Pia Lind" in sent and "Per Ek" not in sent.split("Förövare")[0], sent
    for _hours in range(4):  # every escalation there is, and more
        clock.advance(hours=2, minutes=1)
        await demo_app.timer_runner().run_due()
    ids = await person_ids(demo_app)
    async with demo_app.db.unit_of_work() as session:
        rows = (await session.scalars(select(AlertRecipient))).all()
    alerted = {row.person_id for row in rows if row.notified_at is not None and not row.removed}
    assert ids["per"] not in alerted and ids["pia"] in alerted
    refused = await chat("per").say("/arenden")
    assert "Anna Berg" not in refused


@pytest.mark.parametrize(
    ("written", "named"),
    [
        ("Per", True),
        ("per från partiet", True),
        ("Per, min partikamrat", True),
        ("Per Andersson", False),
        ("Pelle", False),
    ],
)
async def test_her_contact_named_by_first_name_alone_is_never_offered(
    chat: Any, demo_app: App, written: str, named: bool
) -> None:
    """ "Förövare: Per" had offered Per Ek her internal report (only "Per Ek" was seen);
    another Per, with his own surname, is not him."""
    ids = await person_ids(demo_app)
    anna: Chat = chat("anna")
    script = Script(
        category="internal",
        answers={S.PERPETRATOR: "Jag vet vem det är", S.PERP_NAME: written},
    )
    await write_report(anna, script, submit=False)
    shown = await anna.press("send")
    assert ("Per Ek erbjuds inte" in shown) is named, shown
    assert (f"rcpt:{ids['per']}" in offered(anna)) is not named


async def test_the_closed_group_of_an_internal_case_answers_every_staff_step(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Only Sara was chosen (Per is the one who did it): 3.1.1 and 3.2.x are the party
    contact's, 3.1.3 the director's, and none of them could ever be answered."""
    clock.now = MONDAY_10
    case = await alerts_submit(chat, "anna", "internal", choose=["sara"])
    await take(chat, "sara", case)
    sara: Chat = chat("sara")
    view = await sara.say(f"/arende {case.ref}")
    # 3.1.1 is done: the report reached her, at the unit; not hers to say so
    assert "Checklista – 14 öppna för dig, 14 i ärendet:" in view, view
    assert "✓ 3.1.1 Kommunens säkerhetsenhet är kontaktad (Sara Strand)." in view
    asked = await sara.press("case:check")
    assert asked.startswith("3.1.2:"), asked
    for _ in range(20):  # every staff item, Ja
        if "check:yes" not in offered(sara):
            break
        await sara.press("check:yes")
        if "check:skip" in offered(sara):
            await sara.press("check:skip")
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        state = await CaseRepo(session, demo_app.keyring).checklist(report)
    assert "3.1.3" in set(state) and "3.1.1" not in state  # nothing stored for 3.1.1
    assert await chat("kent").say(f"/arende {case.ref}") != view  # he still sees nothing
