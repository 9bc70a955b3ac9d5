"""Signal says a recipient is gone, a safety number changed, or the bot needs a captcha:
seen from the people's side, through the real SignalBot and the fake daemon.

A contact no longer on Signal is marked dead and the alert goes to the next level; writing
again revives the address. A changed safety number holds the address: the municipal unit
is told and may confirm (nobody else, checked in storage), a fresh invite also ends the
hold; meanwhile only the safety basics go there, never a case. After a confirmation the
daemon is told to trust the new identity at the next send. A captcha shows in
`trygg signal status` with what to do, and clears after the next send that works.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import App
from bot.settings import Settings
from bot.transports.base import GONE, IDENTITY, DeliveryFailed
from bot.transports.signal import SignalTransport
from bot.transports.signal_errors import UserError
from bot.transports.signal_inbound import CHANNEL
from bot.transports.signal_rpc import SignalRpc
from conversations.events import EventKind, InboundEvent, Reply
from storage.bindings import BindingRepo
from storage.directory import DirectoryRepo
from storage.errors import NotAllowed
from storage.models import AuditEntry, ChannelBinding, Role
from storage.viewer import Viewer
from tests.fakesignal import FakeSignal, Person
from tests.reporting import Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.telegram_harness import eventually
from tests.test_signal_transport import SignalWriter, alert_pia
from tests.test_trust import REF_RE, SQLITE_ONLY, WHAT, WHAT_MORE, invite
from tests.test_trust_cli import trygg

CONFIRM_LABEL = "Bekräfta"
CHANGED = "Säkerhetsnumret för den här chatten har ändrats"
BASICS = ("112", "114 14")


async def binding(app: App, user: Person) -> ChannelBinding:
    async with app.db.unit_of_work() as session:
        found = await session.scalar(
            select(ChannelBinding).where(
                ChannelBinding.channel == CHANNEL, ChannelBinding.address == user.aci
            )
        )
        assert found is not None
        return found


async def until(app: App, user: Person, state: str, present: bool = True) -> ChannelBinding:
    """Wait until the user's binding has (or no longer has) ``state``_at set."""
    for _ in range(500):
        row = await binding(app, user)
        if (getattr(row, f"{state}_at") is not None) is present:
            return row
        await asyncio.sleep(0.02)
    raise AssertionError(f"binding never {'got' if present else 'lost'} {state}_at")


async def untrusted(sg: SignalHarness, user: Person) -> None:
    """``user`` writes from a changed identity; wait until the bot has handled it."""
    handled = sg.bot.handled
    await sg.fake.push_untrusted(user)
    await eventually(
        lambda: sg.bot.handled > handled and not sg.bot.dispatcher.busy(CHANNEL, user.aci),
        "the untrusted message to be handled",
    )
    await sg.bot.dispatcher.drain()


async def report_by(sg: SignalHarness, user: Person) -> str:
    """``user`` sends a report; return its reference."""
    sent = await write_report(SignalWriter(sg, user), Script(what=(WHAT, WHAT_MORE), answers={}))
    found = REF_RE.search(sent)
    assert found, sent
    return found.group(1)


@SQLITE_ONLY
async def test_a_contact_no_longer_on_signal_is_marked_dead_the_alert_goes_on_and_writing_revives(
    sg: SignalHarness, sg_app: App
) -> None:
    pia, per = await sg.bind("pia"), await sg.bind("per")
    sg.fake.fail_recipient(pia.aci, "UNREGISTERED_FAILURE")
    await alert_pia(sg)
    await until(sg_app, pia, "dead")
    sg.bot.waker.poke()
    escalated = await sg.wait_text(per, "BRÅDSKANDE")  # the next level
    assert "Anna Berg" in escalated
    assert len(sg.sends(pia)) == 1
    sg.fake.clear_failures()  # Pia is back on Signal and writes
    await sg.say(pia, "meny")
    assert (await binding(sg_app, pia)).dead_at is None


@SQLITE_ONLY
async def test_a_changed_safety_number_holds_the_address_and_only_the_basics_go_there(
    sg: SignalHarness, sg_app: App
) -> None:
    anna, sara = await sg.bind("anna"), await sg.bind("sara")
    ref = await report_by(sg, anna)
    sg.fake.fail_recipient(anna.aci, "IDENTITY_FAILURE", times=1)  # a new phone
    await sg.say(anna, "arenden")  # Signal refuses the list of her cases: not delivered
    await until(sg_app, anna, "held")
    before = len(sg.texts(anna))
    notice = await sg.wait_text(sara, CONFIRM_LABEL)
    assert "Anna Berg" in notice and "Signal" in notice
    assert ref not in notice and WHAT not in notice  # who and which channel, no case
    answers = []
    for typed in ("arenden", f"arende {ref}", "akut", "1", "hej, det är jag", "meny"):
        answers += await sg.say(anna, typed)
    assert len(answers) == 6
    for text in answers:
        assert all(number in text for number in BASICS), text
        assert CHANGED in text and "inbjudan" in text
    for text in sg.texts(anna)[before:]:  # nothing of a case since the hold
        assert ref not in text and WHAT not in text and WHAT_MORE not in text
        assert "Anna" not in text
    assert (await binding(sg_app, anna)).held_at is not None


@SQLITE_ONLY
async def test_a_held_address_gets_the_basics_and_the_unit_confirms_it_is_her(
    sg: SignalHarness, sg_app: App
) -> None:
    anna, sara = await sg.bind("anna"), await sg.bind("sara")
    await untrusted(sg, anna)  # her message could not be read: a changed safety number
    held = await until(sg_app, anna, "held")
    # held: the daemon is told to trust the new identity only so that the basics reach her
    basics = await sg.wait_text(anna, CHANGED)
    assert all(number in basics for number in BASICS) and "Anna" not in basics
    assert sg.fake.trusted == [anna.aci] and sg.fake.untrusted == set()
    await sg.wait_text(sara, CONFIRM_LABEL)
    assert sg.choices(sara) == {CONFIRM_LABEL: "1"}
    answer = await sg.say(sara, "1")
    assert any("Anna Berg är bekräftad" in t for t in answer), answer
    row = await binding(sg_app, anna)
    assert row.held_at is None
    welcome = await sg.wait_text(anna, "Välkommen tillbaka")
    assert "112" in welcome
    assert sum("Välkommen tillbaka" in t for t in sg.texts(anna)) == 1
    [call] = sg.fake.calls("trust")  # told once
    assert call["params"] == {"recipient": anna.aci, "trustAllKnownKeys": True}
    menu = await sg.say(anna, "meny")  # as before
    assert any("Det här kan jag hjälpa dig med" in t for t in menu), menu
    again = await sg.say(sara, "1")  # the same button again: nothing more to confirm
    assert any("redan bekräftad" in t for t in again), again
    async with sg_app.db.unit_of_work() as session:
        audited = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "identity_confirmed")
        )
        assert [(a.actor, a.subject) for a in audited] == [("sara", "anna")]
    assert held.id == row.id


@SQLITE_ONLY
async def test_anyone_but_the_unit_is_refused_in_storage(sg: SignalHarness, sg_app: App) -> None:
    anna, pia = await sg.bind("anna"), await sg.bind("pia")
    await untrusted(sg, anna)
    held = await until(sg_app, anna, "held")
    forged = InboundEvent(
        "forged-1", CHANNEL, pia.aci, EventKind.BUTTON, button=f"identity:{held.id}", token="n"
    )
    delivery = await sg.bot.dispatcher.submit(forged)
    assert delivery is not None
    assert any("inte bekräfta" in r.text for r in delivery.replies)
    await sg.bot.dispatcher.drain()
    assert (await binding(sg_app, anna)).held_at is not None
    async with sg_app.db.unit_of_work() as session:
        repo = BindingRepo(session)
        for handle in ("pia", "anna", "kent", "admin"):  # a contact, herself, others
            someone = await DirectoryRepo(session).person_by_handle(handle)
            assert someone is not None
            with pytest.raises(NotAllowed):
                await repo.confirm(Viewer.of(someone), held.id, sg_app.clock())
        sara = await DirectoryRepo(session).person_by_handle("sara")
        assert sara is not None
        sara.role = Role.OFFICIAL  # no longer the unit: the button she got no longer works
        with pytest.raises(NotAllowed):
            await repo.confirm(Viewer(sara.id, Role.MUNICIPAL_SECURITY, sara.municipality_id),
                               held.id, sg_app.clock())  # fmt: skip
        await session.rollback()


@SQLITE_ONLY
async def test_a_fresh_invite_from_the_held_address_ends_the_hold(
    sg: SignalHarness, sg_app: App
) -> None:
    anna = await sg.bind("anna")
    await untrusted(sg, anna)
    await until(sg_app, anna, "held")
    tried = await sg.say(anna, "start ABCD-EFGH-JKLM")  # a wrong code: still held
    assert (await binding(sg_app, anna)).held_at is not None
    assert tried and not any("Anna" in t for t in tried)  # no name to an unconfirmed phone
    code = await invite(sg_app, Role.OFFICIAL, person="anna")
    welcome = await sg.say(anna, f"start {code}")
    assert any("Välkommen till Trygg, Anna Berg." in t for t in welcome), welcome
    row = await binding(sg_app, anna)
    assert row.held_at is None  # confirmed by the code
    assert sg.fake.trusted == [anna.aci]  # once, when the basics went to the held address


@SQLITE_ONLY
async def test_a_captcha_shows_in_signal_status_with_what_to_do_and_clears_after_success(
    sg: SignalHarness, sg_app: App, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    anna = await sg.bind("anna")
    await sg.say(anna, "meny")
    shown = trygg(settings, "signal", "status")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "Signal account: ok" in shown.stdout and "connected since" in shown.stdout
    sg.fake.require_proof("5fad97ac-6c2f-4b4f-9a55-0d6d8b3b2c11")
    for typed in ("meny", "hjalp"):
        await sg.say(anna, typed)  # Signal refuses them until the captcha is solved
    shown = trygg(settings, "signal", "status")
    assert shown.returncode == 1, shown.stdout
    assert "PROOF REQUIRED since" in shown.stdout
    assert "submitRateLimitChallenge --challenge 5fad97ac-6c2f-4b4f-9a55-0d6d8b3b2c11" in (
        shown.stdout
    )
    assert anna.aci not in shown.stdout
    captcha_lines = [r for r in caplog.records if "captcha" in r.getMessage()]
    assert len(captcha_lines) == 1  # told once, not per message
    await sg.rpc.call(  # the operator solves it
        "submitRateLimitChallenge",
        {"challenge": "5fad97ac-6c2f-4b4f-9a55-0d6d8b3b2c11", "captcha": "signalcaptcha://x"},
    )
    assert await sg.say(anna, "meny")
    shown = trygg(settings, "signal", "status")
    assert shown.returncode == 0, shown.stdout
    assert "Signal account: ok" in shown.stdout


@SQLITE_ONLY
async def test_signal_status_counts_dead_held_and_waiting_without_naming_anyone(
    sg: SignalHarness, sg_app: App, settings: Settings
) -> None:
    anna, pia = await sg.bind("anna"), await sg.bind("pia")
    await untrusted(sg, anna)
    async with sg_app.db.unit_of_work() as session:
        await BindingRepo(session).mark_dead(CHANNEL, pia.aci, sg_app.clock())
    await sg.fake.stop()  # the daemon goes away
    for _ in range(200):
        shown = trygg(settings, "signal", "status")
        if "DISCONNECTED since" in shown.stdout:
            break
        await asyncio.sleep(0.05)
    assert "DISCONNECTED since" in shown.stdout and shown.returncode == 1
    assert "dead): 1" in shown.stdout and "safety number change: 1" in shown.stdout
    for secret in (anna.aci, pia.aci, "Anna", "Pia", "+46"):
        assert secret not in shown.stdout
    await sg.fake.restart()
    await asyncio.wait_for(sg.rpc.connected.wait(), 10)
    for _ in range(200):
        shown = trygg(settings, "signal", "status")
        if "connected since" in shown.stdout:
            break
        await asyncio.sleep(0.05)
    assert "Connection to signal-cli: connected since" in shown.stdout


async def test_the_transport_trusts_only_after_a_confirmation_and_says_what_failed() -> None:
    async with FakeSignal() as fake:
        rpc = SignalRpc(fake.address, timeout=5)
        await rpc.start()
        confirmed: set[str] = set()

        async def was_confirmed(address: str) -> bool:
            found = address in confirmed
            confirmed.discard(address)
            return found

        try:
            transport = SignalTransport(rpc, confirmed=was_confirmed)
            user = fake.person()
            fake.change_identity(user.aci)
            with pytest.raises(DeliveryFailed) as caught:
                await transport.send(user.aci, [Reply("Hej")])
            assert (caught.value.permanent, caught.value.kind) == (True, IDENTITY)
            assert fake.calls("trust") == []
            confirmed.add(user.aci)
            await transport.send(user.aci, [Reply("Hej igen")])
            assert fake.trusted == [user.aci] and len(fake.calls("send")) == 3
            fake.change_identity(user.aci)  # changed again, not confirmed this time
            with pytest.raises(DeliveryFailed) as caught:
                await transport.send(user.aci, [Reply("Hej")])
            assert caught.value.kind == IDENTITY and fake.trusted == [user.aci]
            fake.fail_recipient(user.aci, "UNREGISTERED_FAILURE")
            fake.untrusted.clear()
            with pytest.raises(DeliveryFailed) as caught:
                await transport.send(user.aci, [Reply("Hej")])
            assert caught.value.kind == GONE
        finally:
            await rpc.close()
        fake.assert_valid()


async def test_the_fake_daemon_checks_trust_params() -> None:
    async with FakeSignal() as fake:
        rpc = SignalRpc(fake.address, timeout=5)
        await rpc.start()
        try:
            user = fake.person()
            for params in ({"recipient": user.aci}, {"recipient": [user.aci, user.aci],
                           "trustAllKnownKeys": True}):  # fmt: skip
                with pytest.raises(UserError):
                    await rpc.call("trust", params)
        finally:
            await rpc.close()
        assert len(fake.violations) == 2
