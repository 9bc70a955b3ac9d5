"""A case from alert to closing in a real browser (headless Chromium, issue 21): Anna reports
in the chat, Pia takes the alert there, then does the desk work in the web console (the
checklist, a message to Anna, a follow-up call booked and documented, the closing), and
Anna hears of it in her chat. A screenshot of every page goes to tests/output/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page

from bot.app import App
from conversations.i18n import DISPLAY_TZ
from tests.browser_support import Console, console_fixture  # noqa: F401
from tests.conftest import FakeClock
from tests.golden import delivered
from tests.test_case import WHAT, submit_report, take

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def said(page: Page) -> str:
    """The confirmation (or the refusal) the page shows after a form."""
    notice = page.locator(".notice, .error")
    return "\n".join(await notice.all_inner_texts())


async def test_a_case_from_alert_to_closing_in_the_browser(  # type: ignore[no-untyped-def]
    chat, console: Console, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    await chat("anna").say("/meny")  # her chat is where the bot reaches her
    await take(chat, "pia", case)  # the push woke her; she took it in the chat
    await delivered(demo_app)

    page = await console.sign_in(chat, "pia")
    opened = await console.open_case(page, case.ref)
    assert opened.status == 200
    assert await page.get_by_role("heading", level=1).inner_text() == f"Ärende {case.ref}"
    assert WHAT in await page.locator("main").inner_text()  # her answers, in full

    # the checklist: the first item is Pia's
    row = page.locator("table.checklist tr", has_text="3.1.1")
    await row.locator("summary", has_text="Svara").click()
    await row.get_by_label("Ja", exact=True).check()
    await row.get_by_label("Kommentar (om du vill): 3.1.1", exact=False).fill("Ringde Sara.")
    async with page.expect_navigation():
        await row.get_by_role("button", name="Spara").click()
    await console.shot(page, "checklist-saved")
    assert "Sparat: Ja." in await said(page)
    assert "Ringde Sara." in await page.locator("table.checklist tr", has_text="3.1.1").inner_text()

    # a message to Anna, which reaches her chat
    await page.locator("summary", has_text="Skriv en anteckning").click()
    await console.fill_by_label(page, {"Anteckning": "Jag ringer dig i morgon förmiddag."})
    await page.get_by_label("Meddelande till Anna Berg", exact=False).check()
    await console.press(page, "Spara anteckningen")
    assert "Skickat till Anna Berg" in await said(page)
    to_anna = [text for address, text in await delivered(demo_app) if address == "anna"]
    assert to_anna == [f"Pia Lind har skrivit till dig om ditt ärende {case.ref}."], to_anna
    assert "Jag ringer dig i morgon förmiddag." in await chat("anna").say(f"/arende {case.ref}")

    # the first follow-up call: booked for tomorrow, then held and documented
    tomorrow = (clock() + timedelta(days=1)).astimezone(DISPLAY_TZ).date()
    await console.submit(
        page,
        {"Dag för samtalet": tomorrow.isoformat(), "Tid": "10:00"},
        "Boka uppföljningssamtal 1",
    )
    assert "Bokat: uppföljningssamtal 1 med Anna Berg" in await said(page)
    clock.advance(days=1, hours=12)
    held = clock().astimezone(DISPLAY_TZ).date()
    page = await console.sign_in(chat, "pia")  # a day later: a new session
    await console.open_case(page, case.ref)
    await page.locator("summary", has_text="Dokumentera uppföljningssamtal 1").click()
    await console.submit(
        page,
        {
            "Hölls den": held.isoformat(),
            "Vilka deltog?": "Anna Berg, Pia Lind",
            "Nuläge och behov av fortsatt stöd för den utsatta:": "Mår bättre, vill ha stöd.",
            "Behöver personen fortsatt stöd?": "Ja",
            "Professionellt stöd (företagshälsovård)?": "Behövs inte",
        },
        "Spara uppföljningssamtalet",
    )
    assert "Uppföljningssamtal 1 är dokumenterat" in await said(page)
    assert "Mår bättre, vill ha stöd." in await page.locator("main").inner_text()

    # closing: the routine's evaluation, then the case is closed and Anna is told
    await page.locator("summary", has_text="Avsluta ärendet").click()
    await console.fill_by_label(
        page,
        {
            "Har rutinen tillämpats?": "Ja",
            "Sårbarheter och förbättringar som konstaterats i rutinen:": "Inga.",
        },
    )
    async with page.expect_navigation():
        await page.locator("form[action$='/close'] button[type=submit]").click()
    await console.shot(page, "closed")
    assert f"Ärende {case.ref} är avslutat" in await said(page)
    assert await page.get_by_role("button", name="Öppna ärendet igen").count() == 1
    to_anna = [text for address, text in await delivered(demo_app) if address == "anna"]
    assert any("avslutat" in text for text in to_anna), to_anna

    # the list now shows it among the closed ones
    await console.visit(page, "/cases?status=closed")
    assert case.ref in await page.locator("table").inner_text()
