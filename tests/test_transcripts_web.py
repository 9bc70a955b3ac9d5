"""Golden transcript: a case worked from the web console, read as the people read it (the
chat messages and the pages as text). Pia takes Anna's alert in the chat, asks for a link
with /webb, and does the desk work in the browser; Anna hears of it in her chat."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from bot.app import App
from conversations.i18n import DISPLAY_TZ
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_case import submit_report, take
from tests.web_support import browser, csrf_in, link_in, sign_in, switch_on

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
NOTICE = re.compile(r'<p class="(?:notice|error)" role="(?:status|alert)">([^<]*)</p>')


async def _page(t: Transcript, client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    t.page("pia", "GET", path, page.status_code, page.text)
    return page.text


async def _form(
    t: Transcript, client: httpx.AsyncClient, token: str, path: str, **fields: str
) -> None:
    """Send a form; record what was sent and the confirmation the next page shows."""
    sent = ", ".join(f"{k}={v!r}" for k, v in fields.items())
    page = await client.post(path, data={"csrf": token, **fields}, follow_redirects=True)
    t.lines += ["", f"pia (web)> POST {path} ({sent})", f"page {page.status_code}:"]
    t.lines += [f"    {line}" for said in NOTICE.findall(page.text) for line in said.splitlines()]


async def test_web_case_sv(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app, "https://trygg.example.se")
    t = Transcript("web_case_sv", demo_app)
    anna, pia = t.person("anna"), t.person("pia")
    await anna.say("/meny")
    await pia.say("/meny")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    await t.deliver()
    t.lines.clear()
    t.note("Anna reported a threatening letter in the chat; Pia took the alert there.")
    link = await t.say(pia, "/webb")

    async with browser(demo_app, secure=True) as client:
        path = "/login/" + link_in(link).rsplit("/", 1)[1]
        opened = await client.get(path)
        t.page("pia", "GET", path, opened.status_code, opened.text)
        token = re.search(r'name="token" value="([^"]+)"', opened.text)
        assert token
        listed = await client.post("/login", data={"token": token.group(1)}, follow_redirects=True)
        t.page("pia", "POST", "/login", listed.status_code, listed.text)
        csrf = csrf_in(listed.text)
        await _page(t, client, f"/cases/{case.ref}")

        t.note("Pia answers the checklist's first item and writes to Anna.")
        base = f"/cases/{case.ref}"
        await _form(t, client, csrf, f"{base}/checklist", item="3.1.1", answer="yes")
        await _form(t, client, csrf, f"{base}/notes", kind="message", text="Jag ringer i morgon.")
        await _form(t, client, csrf, f"{base}/notes", kind="internal", text="Polisen har brevet.")
        tomorrow = (clock() + timedelta(days=1)).astimezone(DISPLAY_TZ).date().isoformat()
        await _form(t, client, csrf, f"{base}/calls", day="2020-01-01", time="10:00")
        await _form(t, client, csrf, f"{base}/calls", day=tomorrow, time="10:00")
        await t.deliver()

    t.note("The night passes (quiet hours); 09:15 the next morning:")
    clock.advance(hours=10, minutes=15)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    clock.advance(hours=1, minutes=45)  # 11:00: the call was held
    t.note("After the call, Pia signs in with a new link (not shown).")
    async with browser(demo_app, secure=True) as client:
        page = await sign_in(client, link_in(await pia.say("/webb")))
        csrf = csrf_in(page.text)
        await _form(
            t,
            client,
            csrf,
            f"{base}/followups",
            held_on=clock().astimezone(DISPLAY_TZ).date().isoformat(),
            present="Anna Berg, Pia Lind",
            notes="Mår bättre. Vill ha stöd en tid till.",
            support="yes",
            professional="not_needed",
        )
        await _form(t, client, csrf, f"{base}/close", applied="yes", routine="", plan="")
        await t.deliver()
        await _page(t, client, "/cases?status=closed")
        out = await client.post("/logout", data={"csrf": csrf})
        t.page("pia", "POST", "/logout", out.status_code, out.text)
    t.check()
