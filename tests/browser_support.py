"""The web console in a real browser: the console served by uvicorn on a free localhost port,
in the test's event loop, and Debian's headless Chromium driven by Playwright's async API.

Steps a person takes (sign in with the link the bot sent, open a case, fill a form by its
labels) live here, so a test reads as what the person did. Every page a step lands on is
saved as a full-page PNG under tests/output/<test>/ (git-ignored) to look at after a run.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, Response, async_playwright

from bot.app import App
from bot.web import server
from tests.web_support import link_in, switch_on

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "tests" / "output"
DOCS = REPO / "docs"
CHROMIUM = Path(os.environ.get("TRYGG_CHROMIUM", "/usr/bin/chromium"))
IN_CI = bool(os.environ.get("CI") or os.environ.get("TRYGG_CI"))
UPDATE_DOCS = os.environ.get("TRYGG_UPDATE_DOCS") == "1"
VIEWPORT = {"width": 1200, "height": 800}
SWEDISH = "sv-SE"


def _chromium_or_skip() -> Path:
    """Debian's Chromium; outside CI a machine without it skips (CI installs it: .ci/run)."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"no Chromium at {CHROMIUM}: apt-get install chromium (or set TRYGG_CHROMIUM)"
    if IN_CI:
        pytest.fail(reason)  # CI must run the browser tests, never skip them
    pytest.skip(reason)


def _free_socket() -> socket.socket:
    """A socket bound to a free localhost port (handed to uvicorn: no race for the port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class Console:
    """The console served for real, a browser, and where this test's screenshots go."""

    app: App
    url: str
    browser: Browser
    shots: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    taken: int = 0

    async def person(self, *, bypass_csp: bool = False) -> Page:
        """A new browser profile (its own cookies), as one person's browser."""
        context = await self.browser.new_context(
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale=SWEDISH,
            extra_http_headers={"Accept-Language": SWEDISH},
            bypass_csp=bypass_csp,
            reduced_motion="reduce",
        )
        context.set_default_timeout(5_000)
        self.contexts.append(context)
        return await context.new_page()

    async def shot(self, page: Page, name: str = "") -> Path:
        """Save the whole page as a PNG, numbered in the order the test saw the pages."""
        self.taken += 1
        path_ = page.url.removeprefix(self.url).strip("/")
        label = name or ("login" if path_.startswith("login/") else path_) or "home"  # no tokens
        shot = self.shots / f"{self.taken:02d}-{re.sub(r'[^A-Za-z0-9_-]+', '_', label)[:60]}.png"
        await page.screenshot(path=str(shot), full_page=True)
        return shot

    async def visit(self, page: Page, path: str) -> Response:
        """Go to a path of the console (typed into the address bar) and save the page."""
        response = await page.goto(self.url + path)
        assert response is not None
        await self.shot(page)
        return response

    async def press(self, page: Page, button: str) -> Response:
        """Click the button named ``button`` (its visible text), wait for the page it leads to."""
        async with page.expect_navigation() as landed:
            await page.get_by_role("button", name=button, exact=True).click()
        response = await landed.value
        assert response is not None
        await self.shot(page)
        return response

    async def sign_in(self, chat, handle: str) -> Page:  # type: ignore[no-untyped-def]
        """Ask the bot for a link with /webb as ``handle``, open it, press "Logga in"."""
        page = await self.person()
        await self.follow_link(page, link_in(await chat(handle).say("/webb")))
        response = await self.press(page, "Logga in")
        assert response.status == 200 and page.url == self.url + "/cases", page.url
        return page

    async def follow_link(self, page: Page, link: str) -> Response:
        """Open a link from the chat (pasted or tapped) and save the page."""
        assert link.startswith(self.url + "/login/"), link
        response = await page.goto(link)
        assert response is not None
        await self.shot(page)
        return response

    async def open_case(self, page: Page, ref: str) -> Response:
        """Open a case from the list by its reference (the link in the list's first column)."""
        if not page.url.startswith(self.url + "/cases"):
            await self.visit(page, "/cases")
        async with page.expect_navigation() as landed:
            await page.get_by_role("link", name=ref, exact=True).click()
        response = await landed.value
        assert response is not None
        await self.shot(page)
        return response

    async def fill_by_label(self, page: Page, fields: dict[str, str | bool]) -> None:
        """Fill fields found by their label: a select gets the option with that text, a
        checkbox or radio is checked (or not), anything else is typed."""
        for label, value in fields.items():
            field_ = page.get_by_label(label, exact=True)
            kind = await field_.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind.startswith("select"):
                await field_.select_option(label=str(value))
            elif kind in ("input:checkbox", "input:radio"):
                await field_.set_checked(bool(value))
            else:
                await field_.fill(str(value))

    async def submit(self, page: Page, fields: dict[str, str | bool], button: str) -> Response:
        """Fill a form by its labels and send it with the button named ``button``."""
        await self.fill_by_label(page, fields)
        return await self.press(page, button)

    async def for_docs(self, page: Page, name: str, *, height: int | None = None) -> None:
        """Save the page as docs/<name> for the README (only when TRYGG_UPDATE_DOCS=1): the
        whole page, or its first ``height`` pixels."""
        if UPDATE_DOCS:
            await page.set_viewport_size({"width": VIEWPORT["width"], "height": height or 200})
            await page.screenshot(path=str(DOCS / name), full_page=height is None)
            await page.set_viewport_size(VIEWPORT)  # type: ignore[arg-type]


def _output_dir(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)[:100]
    path = OUTPUT / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture(name="console")
async def console_fixture(demo_app: App, request: pytest.FixtureRequest) -> AsyncIterator[Console]:
    """The demo app's console served on a free port, and a headless Chromium to use it.
    Use it with `from tests.browser_support import console_fixture  # noqa: F401`."""
    chromium = _chromium_or_skip()
    sock = _free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    switch_on(demo_app, url)  # /webb now sends links to this server
    config = server._config(demo_app, server.web_of_app(demo_app))  # the real server's settings
    web = uvicorn.Server(config)
    serving = asyncio.create_task(web.serve(sockets=[sock]))
    try:
        while not web.started:
            assert not serving.done(), "the console did not start"
            await asyncio.sleep(0.01)
        args = ["--no-sandbox"] if os.geteuid() == 0 else []  # Chromium's sandbox refuses root
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(chromium), headless=True, args=args
            )
            found = Console(demo_app, url, browser, _output_dir(request))
            try:
                yield found
            finally:
                for context in found.contexts:
                    await context.close()
                await browser.close()
    finally:
        web.should_exit = True
        await serving
        sock.close()
