"""Golden transcript: Anna sends her report and presses /akut ten seconds later; Pia takes
both in the chat and opens the case in the web console. Its timeline says Anna raised the
alert, that she wrote with it (not what), whom it went to and that Pia took it."""

from __future__ import annotations

import re

import pytest

from bot.app import App
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_alerts import ack, raise_akut
from tests.test_case import submit_report, take
from tests.web_support import browser, link_in, sign_in, switch_on

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_web_case_akut_sv(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app, "https://trygg.example.se")
    t = Transcript("web_case_akut_sv", demo_app)
    anna, pia = t.person("anna"), t.person("pia")
    await anna.say("/meny")
    await pia.say("/meny")
    case = await submit_report(chat, "anna", "party")
    clock.advance(seconds=10)
    akut = await raise_akut(chat, "anna")
    await chat("anna").say("han står utanför dörren nu")
    clock.advance(minutes=3)
    await take(chat, "pia", case)
    await ack(chat("pia"), akut)
    await t.deliver()
    t.lines.clear()
    t.note("Anna reported, pressed /akut ten seconds later and wrote; Pia took both.")
    async with browser(demo_app, secure=True) as client:
        await sign_in(client, link_in(await pia.say("/webb")))
        path = f"/cases/{case.ref}"
        page = await client.get(path)
        t.page("pia", "GET", path, page.status_code, page.text)
        assert "han står utanför dörren" not in page.text
        assert re.search(r"Anna Berg larmade med /akut", page.text)
    t.check()
