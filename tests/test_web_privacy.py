"""The web console logs nothing personal: with every logger at DEBUG, signing in, reading
the cases and a failing page leave no name, answer, login token or cookie in the log."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from bot.app import App
from bot.web.routes import cases
from tests.test_privacy_logs import assert_clean, everything_logged
from tests.test_trust import SQLITE_ONLY, WHAT, full_report
from tests.web_support import browser, link_in, sign_in, switch_on


@SQLITE_ONLY
async def test_the_console_logs_nothing_personal(
    demo_app: App, chat: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="httpx")  # the test's browser, not Trygg
    switch_on(demo_app)
    sara = chat("sara")
    await sara.say("/meny")
    ref = await full_report(chat("anna"), category="assignment")  # the unit at once
    link = link_in(await sara.say("/webb"))
    async with browser(demo_app) as client:
        page = await sign_in(client, link)
        assert ref in page.text and "Anna Berg" in page.text
        await client.get(f"/cases/{ref}")
        await client.post("/login", data={"token": link.rsplit("/", 1)[1]})  # replayed
        cookie = client.cookies.get("trygg_session")
        assert cookie

        async def broken(ctx: object, found: object) -> None:
            raise LookupError(f"{WHAT} / Anna Berg")

        monkeypatch.setattr(cases, "case_row", broken)
        failed = await client.get("/cases")
        assert failed.status_code == 500 and "112" in failed.text
        assert "Traceback" not in failed.text and WHAT not in failed.text
    log = everything_logged(caplog)
    assert "a web request failed: LookupError" in log
    assert_clean(log)
    token = re.escape(link.rsplit("/", 1)[1])
    assert not re.search(token, log) and cookie not in log
