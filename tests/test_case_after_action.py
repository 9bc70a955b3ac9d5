"""After an action in a case, a short word and the next thing to do; the case when she asks.

Pia and Sara, working a case at night on a phone, got the whole case card again after every
note, answer changed, call booked or case reopened; the card's "(12 öppna)" counted her own
items while closing listed every open item, so the numbers disagreed.
"""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.conftest import FakeClock
from tests.test_case_check import the_unit_case

CARD = "Checklista –"  # the heading of the card's checklist
NEXT = "[1] Svara på nästa punkt  [2] Visa ärendet"


async def test_each_action_is_said_in_a_line_with_the_next_item_not_the_card(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock, "party")  # 3.1.1 is Pia's to answer
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:note")
    await pia.say("Ska ringa Anna i kväll")
    said = await pia.press("note:internal")
    assert said == (
        "Anteckningen är intern: Anna Berg ser den inte.\n"
        "Nästa punkt för dig: 3.1.1 Har kommunens säkerhetsstrateg kontaktats?\n" + NEXT
    ), said
    await pia.press("case:check")
    await pia.press("check:no")
    await pia.press("check:skip")  # on to her next item, asked at once
    await pia.press("case:view")
    await pia.press("case:change")
    await pia.press("chg:3.1.1")
    await pia.press("check:yes")
    said = await pia.press("check:skip")
    assert CARD not in said and said.endswith(NEXT), said
    assert said.startswith("Ändrat. Det tidigare svaret finns kvar i ärendets historik.\n")
    await pia.press("case:view")
    await pia.press("case:book")
    said = await pia.say("tisdag 14:00")
    assert CARD not in said, said  # and the card's own button to move it, at hand
    assert said.endswith("[1] Svara på nästa punkt  [2] Flytta samtal 1  [3] Visa ärendet"), said
    # the case, when she asks for it: once, whole
    card = await pia.press("case:view")
    assert card.startswith(f"Ärende {case.ref} – öppet") and card.count(CARD) == 1
    assert "Uppföljningssamtal 1 med Anna Berg: i morgon kl. 14.00" in card


async def test_the_card_and_closing_count_the_same_and_say_whose(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock)
    pia, sara = chat("pia"), chat("sara")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:check")
    await pia.press("check:yes")  # 3.2.1: 3.1.1 is done, the plan sent the report to Sara
    await pia.press("check:skip")
    card = await pia.say(f"/arende {case.ref}")
    assert "Checklista – 10 öppna för dig, 13 i ärendet:" in card, card
    assert "Svara på nästa punkt (" not in card  # the count is said once, and whose it is
    asked = await pia.press("case:close")
    assert asked.startswith(
        "Kvar i checklistan: 10 öppna för dig, 13 i ärendet.\n"
        "• För dig: 3.2.1, 3.2.2, 3.2.3, 3.2.4\n"
        "• För andra: 3.1.2, 3.1.3, 3.2.4\n"
    ), asked
    assert "Har polisen kontaktats" not in asked  # the card above lists them whole
    # Sara's card counts her own, and the same case
    card = await sara.say(f"/arende {case.ref}")
    assert "Checklista – 4 öppna för dig, 13 i ärendet:" in card, card
    # reopened: said, with her next item; the card on asking
    await pia.press("close:confirm")
    await pia.press("applied:yes")
    await pia.press("close:skip")
    await pia.press("close:skip")
    await pia.say(f"/arende {case.ref}")
    said = await pia.press("case:reopen")
    assert CARD not in said and said.endswith(NEXT), said
