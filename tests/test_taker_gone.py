"""Whoever took her alert may no longer handle it (revoked, or the org file moved them): she
is told at once who has been told now and whom to call, not left waiting for a call that
will not come; and told nothing where nothing changed for her."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.app import App
from bot.cli import _revoke
from conversations.notices import NOTICE_TOKEN
from storage.models import Role
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_alerts import ack, raise_akut, submit_report
from tests.test_case import MONDAY_10, take
from tests.test_trust_recheck import move, rendered
from tests.test_words_at_night import CALM

GONE_SV = "kan inte längre ta hand om"
GONE_EN = "can no longer handle"
MONDAY_23 = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 23:00 in Stockholm: quiet hours


async def _walk(
    t: Transcript, clock: FakeClock, official: str, contact: str, nxt: str, gone: Any
) -> None:
    """She reports; the contact takes it; then may no longer; ``nxt``, paged now, takes it."""
    clock.now = MONDAY_10
    for handle in (official, nxt):  # bound, so the outbox reaches them
        await t.person(handle).say("/meny")
    case = await submit_report(lambda handle: t.person(handle), official, "party")
    await t.deliver()
    t.note(f"{contact} takes the alert")
    await t.press(t.person(contact), f"ack:{case.alert_id}", "Jag tar det", NOTICE_TOKEN)
    await t.deliver()
    clock.advance(minutes=20)
    t.note(f"{contact} may no longer handle it; nobody has called yet")
    await gone()
    await t.app.timer_runner().run_due()
    sent = await t.deliver()
    told = [reply.text for address, reply in sent if address == official]
    assert len(told) == 1, told
    assert "112" in told[0].splitlines()[0], told  # the way out first
    assert nxt in [address for address, _reply in sent], sent
    t.note(f"{nxt} takes it")
    await t.say(t.person(nxt), "Jag tar det")
    await t.deliver()
    t.check()


async def test_anna_is_told_at_once_that_pia_no_longer_has_her_case(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("taker_gone_sv", demo_app)

    async def gone() -> None:
        await move(demo_app, "pia", role=Role.OFFICIAL)  # `org load --prune` of a changed file

    await _walk(t, clock, "anna", "pia", "per", gone)
    text = t.text()
    assert "Pia Lind kan inte längre ta hand om ditt ärende" in text, text
    assert "Per Ek har fått besked och kontaktar dig." in text, text
    notice = text.split("Pia Lind kan inte")[1].split("bot →")[0]
    assert "lämnat" not in notice and "parti" not in notice, notice  # never why she went


async def test_bo_is_told_in_english(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("taker_gone_en", demo_app)

    async def gone() -> None:
        assert await _revoke(demo_app, "britt") == 0

    await _walk(t, clock, "bo", "britt", "sara", gone)
    assert f"Britt Holm {GONE_EN} your case" in t.text(), t.text()


async def test_nothing_when_the_alert_was_not_taken(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    await chat("anna").say("/meny")
    await submit_report(chat, "anna", "party")
    await rendered(demo_app, "anna")
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    assert not any(GONE_SV in text for text in await rendered(demo_app, "anna"))


async def test_nothing_when_the_taker_still_may_handle_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Per is revoked, Pia (who took it) is not: nothing changed for Anna."""
    clock.now = MONDAY_10
    await chat("anna").say("/meny")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    await rendered(demo_app, "anna")
    assert await _revoke(demo_app, "per") == 0
    await move(demo_app, "pia", role=Role.PARTY_SECURITY)  # the org file loaded again, unchanged
    await demo_app.timer_runner().run_due()
    assert await rendered(demo_app, "anna") == []


async def test_nothing_of_pia_when_anna_never_heard_she_took_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """ "Pia Lind har sett din rapport" had not gone out yet: it goes no more, and Anna is not
    told about someone she never heard of."""
    clock.now = MONDAY_10
    await chat("anna").say("/meny")
    case = await submit_report(chat, "anna", "party")
    await rendered(demo_app, "anna")
    await take(chat, "pia", case)
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    to_anna = await rendered(demo_app, "anna")
    assert not any("Pia Lind" in text or "har sett" in text for text in to_anna), to_anna


async def test_a_calm_report_at_night_is_told_in_the_morning_unless_taken_by_then(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """At 23:00, a report in calm words: Per is paged, but Anna is not woken with the news;
    she hears it at the end of the quiet hours, and not at all if Per took it meanwhile."""
    clock.now = MONDAY_23
    await chat("anna").say("/meny")
    case = await submit_report(chat, "anna", "party", what=CALM)
    await take(chat, "pia", case)
    await rendered(demo_app, "anna")
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    assert not any(GONE_SV in text for text in await rendered(demo_app, "anna"))
    clock.advance(hours=10)  # 09:00
    await demo_app.timer_runner().run_due()
    to_anna = await rendered(demo_app, "anna")
    assert any(GONE_SV in text for text in to_anna), to_anna


async def test_her_alert_and_her_case_both_taken_one_notice(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia took Anna's /akut alert and her case: Anna is told once, of her alert."""
    clock.now = MONDAY_10
    await chat("anna").say("/meny")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    alert = await raise_akut(chat, "anna")
    await ack(chat("pia"), alert)
    await rendered(demo_app, "anna")
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    told = [text for text in await rendered(demo_app, "anna") if GONE_SV in text]
    assert len(told) == 1 and "ditt larm" in told[0], told


async def test_nobody_next_she_is_told_whom_to_call(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Britt took Bo's case and the unit has nobody in Trygg any more: Bo is told so once,
    with the unit's number, not also "nobody has taken your report"."""
    clock.now = MONDAY_10
    await chat("bo").say("/meny")
    case = await submit_report(chat, "bo", "party")
    await take(chat, "britt", case)
    assert await _revoke(demo_app, "sara") == 0
    await rendered(demo_app, "bo")
    assert await _revoke(demo_app, "britt") == 0
    await demo_app.timer_runner().run_due()
    told = await rendered(demo_app, "bo")
    assert len(told) == 1, told
    assert "Nobody else in Trygg has your case yet." in told[0], told
    assert "Call the municipality's security unit on" in told[0], told
    assert told[0].startswith("In danger now: call 112."), told


async def test_a_calm_report_taken_again_in_the_night_is_not_told_in_the_morning(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Per took it at 23:30: Anna hears "Per Ek har sett din rapport", and nothing of Pia at
    08:00."""
    clock.now = MONDAY_23
    await chat("anna").say("/meny")
    case = await submit_report(chat, "anna", "party", what=CALM)
    await take(chat, "pia", case)
    await rendered(demo_app, "anna")
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    clock.advance(minutes=30)
    await take(chat, "per", case)
    assert any("Per Ek" in text for text in await rendered(demo_app, "anna"))
    clock.advance(hours=10)
    await demo_app.timer_runner().run_due()
    assert not any(GONE_SV in text for text in await rendered(demo_app, "anna"))
