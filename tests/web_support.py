"""Signing in to the web console in tests: a link from the chat, a client on the ASGI app."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx

from bot.app import App
from bot.web.app import create_web
from bot.web.desk import Web

BASE = "http://trygg.test"
LINK = re.compile(r"(https?://\S+/login/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def switch_on(app: App, url: str = BASE) -> None:
    """Serve the console at ``url`` (what TRYGG_WEB_URL does) for /webb."""
    app.settings.web_url = url
    app.core.web_url = url


def link_in(text: str) -> str:
    """The login link in the bot's answer to /webb."""
    found = LINK.search(text)
    assert found, text
    return found.group(1)


def csrf_in(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:400]
    return found.group(1)


@asynccontextmanager
async def browser(app: App, *, secure: bool = False) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the console (cookies kept, like a browser)."""
    web = Web(app, secure=secure, public_url=app.settings.web_url)
    # a failing page is answered (500) as a browser would see it, not raised into the test
    transport = httpx.ASGITransport(app=create_web(web), raise_app_exceptions=False)
    base = app.settings.web_url or BASE
    async with httpx.AsyncClient(transport=transport, base_url=base) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the link, press "Log in"; return the page it leads to."""
    path = urlsplit(link).path
    confirm = await client.get(path)
    assert confirm.status_code == 200, confirm.text
    token = re.search(r'name="token" value="([^"]+)"', confirm.text)
    assert token
    return await client.post("/login", data={"token": token.group(1)}, follow_redirects=True)


async def signed_in_as(chat, handle: str, client: httpx.AsyncClient) -> httpx.Response:  # type: ignore[no-untyped-def]
    """Ask the bot for a link as ``handle`` and sign in with it."""
    return await sign_in(client, link_in(await chat(handle).say("/webb")))
