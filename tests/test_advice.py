"""'Vad gör jag nu?' after sending: the plans' lists for her, each thing once, and nothing
the report has already done asked of her again."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.conftest import Chat
from tests.reporting import Script, write_report
from tests.test_alerts import ack, submit_report


def bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


async def test_after_sending_what_is_done_is_said_once_and_not_asked_again(
    demo_app: App, chat: Any
) -> None:
    """Anna's report had gone to Pia; "Vad gör jag nu?" told her to tell the party's security
    contact now, twice (the municipality's list and her party's), and to save the evidence
    and to report to the police twice."""
    anna: Chat = chat("anna")  # Gröna partiet: the Kävlinge party's plan on top (demo)
    await write_report(anna, Script())
    advice = await anna.say("Vad gör jag nu?")
    assert advice.startswith("Gör så här nu:\n• Är du i fara just nu – ring 112."), advice
    assert advice.splitlines()[-1] == "Pia Lind har din rapport och hör av sig till dig."
    assert "Informera partiets säkerhetsansvarig nu" not in advice
    assert "Kontakta omgående partiets säkerhetsansvarige" not in advice
    assert "Spara bevisen" in advice  # the first plan's words
    assert "Samla all info" not in advice
    assert "Du bestämmer själv om händelsen ska polisanmälas" in advice
    assert "Gör polisanmälan om så ska göras" not in advice
    assert "Stanna inte ensam" in advice and "ring 112" in advice
    # her party's own points that no other list makes are kept, in her party's name
    assert "Var tydlig med din oro" in advice
    assert "Du kommer bli kontaktad av en person i föreningen" in advice
    assert "Moderaterna" not in advice
    assert len(bullets(advice)) == len(set(bullets(advice))) == 6


async def test_the_unit_told_by_the_report_is_not_asked_of_her_again(
    demo_app: App, chat: Any
) -> None:
    """About her municipal assignment the report goes to the unit too: the plans' "tell the
    municipality's security strategist" is done, and nobody is named who does not have it."""
    anna: Chat = chat("anna")
    await write_report(anna, Script(category="assignment"))
    advice = await anna.say("Vad gör jag nu?")
    assert advice.splitlines()[-1] == (
        "Pia Lind och Sara Strand har din rapport och hör av sig till dig."
    )
    assert "säkerhetsstrateg också få veta" not in advice
    assert "Kontakta kommunens säkerhetsansvarige" not in advice
    assert "Spara bevisen" in advice


async def test_after_someone_took_it_she_reads_who_has_her_case(demo_app: App, chat: Any) -> None:
    anna, pia = chat("anna"), chat("pia")
    case = await submit_report(chat)
    await ack(pia, case.alert_id)
    advice = await anna.press(f"advice:{case.id}")
    assert advice.splitlines()[-1] == "Pia Lind har ditt ärende och hör av sig till dig."


async def test_in_english_nothing_swedish_and_nothing_twice(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await write_report(bo, Script())
    advice = await bo.say("What do I do now?")
    assert advice.splitlines()[-1].endswith("has your report and will contact you.")
    assert "Tell the party security contact now" not in advice
    assert "Contact the party security contact at once" not in advice
    assert "Save the evidence" in advice and "Collect all the information" not in advice
    assert not any(w in advice for w in ("och", "din ", "ärende", "Gör så här"))
    assert len(bullets(advice)) == len(set(bullets(advice)))


async def test_an_internal_case_is_not_told_to_go_to_the_party(demo_app: App, chat: Any) -> None:
    """She chose Sara alone, the threat coming from inside her party: "Vad gör jag nu?" told
    her to inform the party's security contact and that the association would contact her."""
    anna: Chat = chat("anna")
    case = await submit_report(chat, "anna", "internal", choose=["sara"])
    advice = await anna.press(f"advice:{case.id}")
    assert advice.splitlines()[-1] == "Sara Strand har din rapport och hör av sig till dig.", advice
    assert "partiets säkerhetsansvarig" not in advice, advice
    assert "föreningen" not in advice and "Handlingsplan utsatte" not in advice, advice
    assert "Spara bevisen" in advice and "ring 112" in advice


async def test_someone_reporting_for_another_reads_what_a_helper_does(
    demo_app: App, chat: Any
) -> None:
    """Anna reported what happened to Eva Ek: "Vad gör jag nu?" told her "Stanna inte ensam"
    and "Du bestämmer själv om händelsen ska polisanmälas", the list for the targeted person,
    not what she can do for Eva."""
    anna: Chat = chat("anna")
    await write_report(anna, Script(for_someone=("Anna Berg, partikamrat", "Eva Ek, KS")))
    advice = await anna.say("Vad gör jag nu?")
    assert advice.startswith("Gör så här nu:\n• Är Eva Ek i fara just nu – ring 112."), advice
    assert "Se till att Eva Ek inte är ensam" in advice
    assert "Spara det som skickades" in advice and "Be Eva Ek göra likadant" in advice
    assert "Det är Eva Ek som bestämmer om händelsen ska polisanmälas" in advice
    assert advice.splitlines()[-1] == "Pia Lind har din rapport och hör av sig till dig."
    for hers in ("Stanna inte ensam", "Du bestämmer själv", "Är du i fara", "din oro"):
        assert hers not in advice, advice  # her party's list speaks to her alone
    assert "{name}" not in advice
    assert len(bullets(advice)) == len(set(bullets(advice))) == 4


async def test_a_helper_in_english_and_in_an_internal_case(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await write_report(bo, Script(for_someone=("Bo Sand, group leader", "Eva Ek, culture board")))
    advice = await bo.say("What do I do now?")
    assert advice.startswith("What to do now:\n• If Eva Ek is in danger right now, call 112.")
    assert "Make sure Eva Ek is not alone" in advice
    assert "It is Eva Ek who decides" in advice and "You decide" not in advice
    anna: Chat = chat("anna")
    internal = Script(category="internal", choose=None, for_someone=("Anna Berg", "Eva Ek"))
    await write_report(anna, internal)
    advice = await anna.say("Vad gör jag nu?")
    assert "Det är Eva Ek som väljer vem som får veta" in advice, advice
    assert "partiets säkerhetsansvarig" not in advice
