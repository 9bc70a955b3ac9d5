"""The closing questions read as questions. The plan's lines are statements to tick or fill
in ("… har tillämpats", "… har konstaterats:"): Pia read a statement with "Ja" and "Nej"
under it, and a line ending in a colon with nothing to say what to do. Each is now asked as
step n of 3, the statement as "Stämmer det?", the findings with how to answer them, on her
channel's terms (a number where choices are numbered text)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.app import App
from bot.transports.console import CHANNEL, ConsoleTransport
from tests.conftest import Chat
from tests.test_alerts import submit_report
from tests.test_case import take

RULE = "Kommunens rutin för hantering av hot- och våldssituationer eller trakasserier"


async def _closing(chat: Any, handle: str = "pia") -> tuple[Chat, str]:
    case = await submit_report(chat, "anna", "party")
    await take(chat, handle, case)
    pia: Chat = chat(handle)
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:close")
    return pia, await pia.press("close:confirm")


async def test_the_routine_line_is_asked_as_a_question(chat: Any) -> None:
    pia, applied = await _closing(chat)
    assert applied.startswith(
        f"Innan ärendet avslutas: fråga 1 av 3.\n{RULE} har tillämpats.\nStämmer det?\n"
    ), applied
    routine = await pia.press("applied:yes")
    assert routine.startswith("Innan ärendet avslutas: fråga 2 av 3.\nFöljande sårbarheter"), (
        routine
    )
    assert "har konstaterats:\nSkriv dem här, eller tryck på ”Inget att tillägga”.\n" in routine
    plan = await pia.press("close:skip")
    assert plan.startswith("Innan ärendet avslutas: fråga 3 av 3.\nFöljande sårbarheter"), plan
    assert "mot förtroendevalda”:\nSkriv dem här, eller tryck på ”Inget att tillägga”." in plan


async def test_on_numbered_choices_the_findings_ask_for_a_number(chat: Any, demo_app: App) -> None:
    demo_app.core.capabilities[CHANNEL] = replace(ConsoleTransport.capabilities, has_buttons=False)
    pia, _applied = await _closing(chat)
    routine = await pia.press("applied:no")
    assert "Skriv dem här, eller svara 1 om det inte finns något att tillägga.\n" in routine
    assert "tryck" not in routine
