"""On Signal there are no buttons: choices are numbered text, answered by typing.

What Trygg says there never asks anyone to press a button: it asks for the number or the
words. A newly invited official types the language as people do ("Svenska tack"); Pia,
woken by an alert she has not taken, is told what to answer; a choice not understood is
asked for by its number; an internal case's recipients are picked by number. Played through
the real SignalBot and the fake signal-cli daemon; compare with
tests/transcripts/signal_typed_choices_sv.txt, signal_inside_the_party_sv.txt and
signal_take_both_sv.txt.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from storage.models import Report, Role
from storage.trust import PeopleRepo
from tests.conftest import FakeClock
from tests.reporting import Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_invite_codes import LETTERS_ONLY
from tests.test_quotas import sent_earlier
from tests.test_signal_transport import SignalWriter
from tests.test_transcripts_signal import SignalTranscript
from tests.test_trust import SQLITE_ONLY, invite

PRESSING = re.compile(r"\b(knapp\w*|tryck\w*|press\w*|tap|buttons?)\b", re.IGNORECASE)


async def _walk(sg: SignalHarness, app: App) -> SignalTranscript:
    t = SignalTranscript("signal_typed_choices_sv", sg)
    anna, pia = await t.person("anna"), await t.person("pia")
    for handle in ("per", "sara"):  # on Signal too: what they are sent goes out
        await t.person(handle)
    lisa = sg.fake.person(number=None, name="lisa")
    t.people[lisa.aci] = "lisa"
    code = await invite(app, Role.OFFICIAL)
    t.note("Lisa, newly invited, types her code as she read it aloud: lower case, spaces")
    typed = code.lower().replace("-", " ")
    await t.say(lisa, typed)
    t.t.lines[-1 - t.t.lines[::-1].index(f"lisa> {typed}")] = "lisa> code-1 (lower case, spaces)"
    t.note("She greets instead of choosing, then asks for Swedish in her own words")
    await t.say(lisa, "hej")
    await t.say(lisa, "Svenska tack")
    await t.say(lisa, "Lisa Lund")
    await t.say(lisa, "070 123 45 67")
    t.note("Anna is threatened at night and alerts Pia; Pia writes before taking it")
    await t.say(anna, "akut")
    await t.choose(anna, "Larma Pia Lind")
    await t.say(pia, "hej")
    await t.say(pia, "jag tar det")
    t.note("Anna opens 'forget me' and answers neither yes nor no, then by number")
    await t.say(anna, "/glom")
    await t.say(anna, "kanske")
    await t.choose(anna, "Nej")
    return t


@SQLITE_ONLY
async def test_on_signal_typed_answers_are_understood_and_nobody_is_told_to_press(
    sg: SignalHarness, sg_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # her code has no digit (one in thirty or so has none): lower case, it is still her code
    monkeypatch.setattr("storage.invites.CODE_ALPHABET", LETTERS_ONLY)
    t = await _walk(sg, sg_app)
    said = "\n".join(t.t.lines)
    assert "Svara 1 för svenska eller 2 för engelska." in said
    assert "Jag pratar svenska med dig." in said  # "Svenska tack" chose Swedish
    assert "Tar du det? Svara ”Jag tar det”, så vet de andra." in said
    assert "Svara med en av siffrorna nedan." in said
    sent = [message or "" for _ts, _to, message in sg.fake.sent]
    assert not [m for m in sent if PRESSING.search(m)], "Signal has no buttons to press"
    t.check()


@SQLITE_ONLY
async def test_the_report_summary_on_signal_asks_for_numbers_not_presses(
    sg: SignalHarness,
) -> None:
    anna = await sg.bind("anna")
    for handle in ("pia", "per", "sara"):
        await sg.bind(handle)
    summary = await write_report(SignalWriter(sg, anna), Script(typed=True), submit=False)
    assert "Svara med ämnets siffra för att ändra det, eller skicka rapporten." in summary
    said, _again = await sg.say(anna, "ja")  # yes to what? it says how to send
    assert said == (
        "Svara ”Skicka” så skickas rapporten. Vill du ändra något, svara med ämnets siffra."
    )
    sent = [message or "" for _ts, _to, message in sg.fake.sent]
    assert not [m for m in sent if PRESSING.search(m)], "Signal has no buttons to press"
    assert "Din rapport är skickad" in (await sg.say(anna, "Skicka"))[0]  # the label sends it


@SQLITE_ONLY
async def test_an_official_typing_skriv_and_a_handover_on_signal_ask_for_answers(
    sg: SignalHarness,
) -> None:
    anna, pia = await sg.bind("anna"), await sg.bind("pia")
    for handle in ("per", "sara"):
        await sg.bind(handle)
    (said,) = await sg.say(anna, "/skriv")  # only contacts write on alerts
    assert "Behöver du själv hjälp, svara ”Jag behöver hjälp nu”." in said
    assert "1 Jag behöver hjälp nu" in said  # the words answer the choice shown with them
    await write_report(SignalWriter(sg, anna), Script(typed=True))
    await sg.wait_text(pia, "Ny incidentrapport")
    await sg.say(pia, "Jag tar det")
    await sg.say(pia, "1")  # Öppna ärende
    await sg.say(pia, "Lämna över")
    again = await sg.say(pia, "Kalle")  # nobody of that name: asked again by number
    assert again[0] == "Svara med siffran för den som ska ta över."
    sent = [message or "" for _ts, _to, message in sg.fake.sent]
    assert not [m for m in sent if PRESSING.search(m)], "Signal has no buttons to press"


@SQLITE_ONLY
async def test_keeping_the_number_and_deleting_a_report_on_signal_are_answered_in_words(
    sg: SignalHarness, sg_app: App
) -> None:
    lisa = sg.fake.person(number="+46701234567", name="lisa")
    code = await invite(sg_app, Role.OFFICIAL)
    await sg.say(lisa, code)
    await sg.say(lisa, "1")
    (asked,) = await sg.say(lisa, "Lisa Lund")
    assert "Skriv det, eller svara ”Behåll”." in asked
    (kept,) = await sg.say(lisa, "behåll")
    assert kept.startswith("Tack. Trygg visar +46 70 123 45 67")
    await sg.say(lisa, "/rapportera")
    await sg.say(lisa, "/avbryt")
    said = await sg.say(lisa, "ja")  # deleting is never a yes typed: it says what to answer
    assert said[0] == "Svara ”Ja, radera” för att radera rapporten: det går inte att ångra."
    said = await sg.say(lisa, "han stod kvar")
    assert (
        said[0] == "Jag sparade det du skrev i rapporten. Vill du radera den, svara ”Ja, radera”."
    )
    sent = [message or "" for _ts, _to, message in sg.fake.sent]
    assert not [m for m in sent if PRESSING.search(m)], "Signal has no buttons to press"


async def _inside_the_party(sg: SignalHarness) -> SignalTranscript:
    t = SignalTranscript("signal_inside_the_party_sv", sg)
    anna, pia = await t.person("anna"), await t.person("pia")
    for handle in ("per", "sara"):
        await t.person(handle)
    t.note("Anna alerts Pia, then writes that it is Per, her party's other contact")
    await t.say(anna, "akut")
    await t.choose(anna, "Larma Pia Lind")
    await t.say(anna, "det är Per Ek som hotar mig")
    t.note("Pia, told the alert is taken back, types /skriv alone")
    await t.say(pia, "/skriv")
    t.note("Anna writes a report on it, inside the party (not shown); Per is not offered")
    shown = len(t.t.lines)
    await write_report(
        SignalWriter(sg, anna), Script(category="internal", typed=True), submit=False
    )
    await t.settle()
    del t.t.lines[shown:]  # the questions are in signal_typed_choices_sv and others
    await t.say(anna, "Skicka")
    t.note("She picks Sara by number, and sends")
    await t.choose(anna, "Sara Strand (kommunen)")
    await t.choose(anna, "Skicka till de valda")
    return t


@SQLITE_ONLY
async def test_inside_the_party_on_signal_nobody_is_told_to_press_and_pia_hears_whose(
    sg: SignalHarness,
) -> None:
    t = await _inside_the_party(sg)
    said = "\n".join(t.t.lines)
    assert "Anna Berg har tagit tillbaka sitt larm som du fick" in said  # whose, never why
    assert "Vill du skriva till den som larmade, svara ”Skriv till …” under larmet." in said
    sent = [message or "" for _ts, _to, message in sg.fake.sent]
    assert any(
        "Ingen är vald än. Svara med siffran för ett namn för att välja, och skicka sedan." in m
        for m in sent
    ), "the recipients are chosen by number"
    assert any("1 person vald. Svara med siffran för ett namn" in m for m in sent)
    # she wrote that Per threatens her: he is never offered her report, and only she is told
    assert "Per Ek erbjuds inte: du skrev att det var den personen." in said
    assert not [m for m in sent if "Per Ek (partiet)" in m]
    assert not [m for m in sent if PRESSING.search(m)], "Signal has no buttons to press"
    t.check()


@SQLITE_ONLY
async def test_a_refused_send_on_signal_says_to_answer_send_later(
    sg: SignalHarness, sg_app: App, clock: FakeClock
) -> None:
    anna = await sg.bind("anna")
    for handle in ("pia", "per", "sara"):
        await sg.bind(handle)
    await sent_earlier(sg_app, "anna", [clock.now - timedelta(hours=h) for h in (3, 2, 1)])
    await write_report(SignalWriter(sg, anna), Script(typed=True), submit=False)
    async with sg_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("anna", clock.now)
    (refused, *_rest) = await sg.say(anna, "Skicka")
    assert "Din rapport är sparad: svara ”Skicka” i morgon kl." in refused, refused
    assert not PRESSING.search(refused), refused


@SQLITE_ONLY
async def test_taking_her_report_on_signal_keeps_the_case_and_offers_her_other_alert(
    sg: SignalHarness,
) -> None:
    """Numbered choices count only in the newest message: "Ta det också" used to come on
    a message of its own, and the number of "Öppna ärende" was lost with it; taking it, the
    "Tack" offers the case again beside "Skriv till Anna Berg" (it offered only that)."""
    t = SignalTranscript("signal_take_both_sv", sg)
    anna, pia = await t.person("anna"), await t.person("pia")
    for handle in ("per", "sara"):
        await t.person(handle)
    t.note("Anna alerts Pia, then sends a report before Pia has taken the alert (not shown)")
    shown = len(t.t.lines)
    await sg.say(anna, "akut")
    await sg.say(anna, sg.choices(anna)["Larma Pia Lind"])
    await write_report(SignalWriter(sg, anna), Script(typed=True))
    await t.settle()
    del t.t.lines[shown:]  # the alert and the report as in signal_akut_and_new_phone_sv
    t.note("Pia takes the report, then Anna's alert too, by its number")
    await t.say(pia, "Jag tar det")
    assert list(sg.choices(pia)) == [f"Öppna ärende {await _ref(sg)}", "Ta det också"]
    await t.choose(pia, "Ta det också")
    ref = await _ref(sg)  # her case is still a number away, as on Telegram's earlier message
    assert list(sg.choices(pia)) == [f"Öppna ärende {ref}", "Skriv till Anna Berg"]
    said = "\n".join(t.t.lines)
    assert "Pia Lind har sett ditt larm och kontaktar dig." in said  # the alert is hers too
    t.check()


async def _ref(sg: SignalHarness) -> str:
    async with sg.app.db.unit_of_work() as session:
        (ref,) = (await session.scalars(select(Report.ref))).all()
        return ref
