"""Signal end to end: an invite from the CLI binds a person by ACI, and /akut reaches a
contact on Signal who takes it by typing the number of the choice; on SQLite and PostgreSQL.

The person is the ACI (``sourceUuid``): a new phone number keeps her, and someone else
showing her old number is a stranger.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from bot.settings import Settings
from storage.models import ChannelBinding, OutboxMessage, Person
from tests.conftest import FakeClock
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_signal_transport import ALERT_LABEL
from tests.test_trust_cli import CODE, trygg

WELCOME = "Välkommen till Trygg, Anna Berg."


def invite_anna(settings: Settings) -> str:
    """`trygg invite create … --channel signal` for Anna; the code it prints."""
    created = trygg(
        settings,
        "invite", "create", "--role", "official", "--municipality", "sjovik", "--party", "gp",
        "--person", "anna", "--channel", "signal", TRYGG_SIGNAL_ACCOUNT="+46700000000",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    found = re.search(rf"Code: ({CODE})", created.stdout)
    assert found, created.stdout
    assert f"start {found.group(1)}" in created.stdout  # what she sends
    return found.group(1)


async def signal_bindings(app: App) -> list[tuple[str, str]]:
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(ChannelBinding.address, Person.handle)
            .join(Person, Person.id == ChannelBinding.person_id)
            .where(ChannelBinding.channel == "signal")
        )
        return [(a, h) for a, h in rows.all()]


async def test_an_invite_binds_her_by_aci_and_a_new_number_keeps_her(
    sg: SignalHarness, sg_app: App, settings: Settings
) -> None:
    code = invite_anna(settings)
    anna = sg.fake.person(number="+46701740610", name="Anna")
    welcome = await sg.say(anna, code)  # the code alone, as her first message
    assert any(WELCOME in t for t in welcome), welcome
    assert await signal_bindings(sg_app) == [(anna.aci, "anna")]  # the ACI, never the number

    anna.number = "+46709998877"  # a new SIM: same ACI, another number
    sg.fake.people[anna.number] = anna
    await sg.say(anna, "akut")
    assert ALERT_LABEL in sg.choices(anna)  # still Anna: her contact is offered
    assert await signal_bindings(sg_app) == [(anna.aci, "anna")]

    someone = sg.fake.person(number="+46701740610", name="Anna")  # her old number, not her
    shown = await sg.say(someone, "akut")
    assert any("112" in t for t in shown), shown
    assert ALERT_LABEL not in sg.choices(someone)
    assert (anna.aci, "anna") in await signal_bindings(sg_app)
    assert all(h != "anna" for a, h in await signal_bindings(sg_app) if a == someone.aci)


async def test_start_code_works_too_and_a_used_code_binds_nobody_else(
    sg: SignalHarness, sg_app: App, settings: Settings
) -> None:
    code = invite_anna(settings)
    anna = sg.fake.person(name="Anna")
    welcome = await sg.say(anna, f"start {code}")
    assert any(WELCOME in t for t in welcome), welcome
    eve = sg.fake.person(name="Eve")
    tried = await sg.say(eve, f"start {code}")
    assert tried and not any(WELCOME in t for t in tried), tried
    bound = await signal_bindings(sg_app)
    assert [a for a, h in bound if h == "anna"] == [anna.aci], bound


async def test_akut_alerts_the_contact_on_signal_who_takes_it_by_number_and_none_escalates(
    sg: SignalHarness, sg_app: App, clock: FakeClock
) -> None:
    anna, pia, per = await sg.bind("anna"), await sg.bind("pia"), await sg.bind("per")
    for typed in ("/akut", "akut"):  # with and without the slash: the same
        shown = await sg.say(anna, typed)
        assert any("112" in t for t in shown), shown
        assert ALERT_LABEL in sg.choices(anna), shown
    pressed = await sg.say(anna, sg.choices(anna)[ALERT_LABEL])
    assert any("Jag har larmat Pia Lind" in t for t in pressed), pressed

    alert = await sg.wait_text(pia, "BRÅDSKANDE")
    assert "Anna Berg" in alert
    number = sg.choices(pia)["Jag tar det"]
    taken = await sg.say(pia, number)  # she types the number of the choice
    assert any("det är ditt" in t for t in taken), taken
    told = await sg.wait_text(anna, "Pia Lind har sett ditt larm")
    assert "Pia Lind" in told

    for _ in range(4):  # the escalation deadlines pass: nobody else is paged
        clock.advance(minutes=11)
        await sg.bot.timers.run_due()
    await sg.bot.dispatcher.drain()
    assert not [t for t in sg.texts(per) if "BRÅDSKANDE" in t]
    async with sg_app.db.unit_of_work() as session:
        per_id = await session.scalar(select(Person.id).where(Person.handle == "per"))
        to_per = await session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.recipient_id == per_id)
        )
        assert "alert" not in list(to_per)
