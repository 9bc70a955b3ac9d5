"""The web console's doors: a one-time link from the chat, sessions kept in the database,
and the same access rule as the chat for the case list (issue 21)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import Person, Role, WebLogin, WebSession
from tests.conftest import FakeClock
from tests.test_case import submit_report, take
from tests.test_erasure import forget
from tests.web_support import browser, csrf_in, link_in, sign_in, signed_in_as, switch_on


async def test_a_contact_signs_in_with_a_link_from_the_chat_and_sees_her_cases(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    switch_on(demo_app)
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    answer = await chat("pia").say("/webb")
    assert "fungerar en gång" in answer and "10 minuter" in answer, answer
    async with browser(demo_app) as client:
        page = await sign_in(client, link_in(answer))
        assert page.status_code == 200
        assert str(page.url).endswith("/cases")
        assert case.ref in page.text and "Anna Berg" in page.text
        assert "Logga ut" in page.text
        cookie = page.history[0].headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie


async def test_a_link_works_once(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    link = link_in(await chat("sara").say("/webb"))
    async with browser(demo_app) as first:
        assert (await sign_in(first, link)).status_code == 200
    async with browser(demo_app) as second:
        replay = await second.post("/login", data={"token": link.rsplit("/", 1)[1]})
        assert replay.status_code == 400
        assert "fungerar inte längre" in replay.text
        assert (await second.get("/cases")).status_code == 401


async def test_a_link_expires_after_ten_minutes(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    link = link_in(await chat("sara").say("/webb"))
    clock.advance(minutes=11)
    async with browser(demo_app) as client:
        page = await sign_in(client, link)
        assert page.status_code == 400


async def test_only_the_roles_that_handle_cases_get_a_link(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    for handle in ("anna", "kent", "admin"):
        answer = await chat(handle).say("/webb")
        assert "/login/" not in answer, (handle, answer)
        assert "säkerhetsenhet" in answer, answer


async def test_without_a_console_the_command_says_so(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    answer = await chat("sara").say("/webb")
    assert "/login/" not in answer and "inte påslagen" in answer, answer


async def test_links_are_limited_per_hour(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    for _ in range(5):
        assert "/login/" in await chat("sara").say("/webb")
    refused = await chat("sara").say("/webb")
    assert "/login/" not in refused and "om en timme" in refused
    clock.advance(minutes=61)
    assert "/login/" in await chat("sara").say("/webb")


async def test_a_session_ends_when_idle_and_after_eight_hours(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "sara", client)
        clock.advance(minutes=14)
        assert (await client.get("/cases")).status_code == 200
        clock.advance(minutes=16)
        assert (await client.get("/cases")).status_code == 401
    async with browser(demo_app) as client:
        await signed_in_as(chat, "sara", client)
        statuses = []
        for _ in range(35):  # a page every 14 minutes: 8 h 10 min in all
            clock.advance(minutes=14)
            statuses.append((await client.get("/cases")).status_code)
    assert statuses[:34] == [200] * 34  # 7 h 56 min: still signed in
    assert statuses[34] == 401  # past 8 hours, however busy


async def test_a_role_taken_away_ends_the_session(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        async with demo_app.db.unit_of_work() as session:
            pia = (await session.scalars(select(Person).where(Person.handle == "pia"))).one()
            pia.role = Role.OFFICIAL
        assert (await client.get("/cases")).status_code == 401


async def test_logging_out_ends_the_session_and_needs_the_form_token(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    switch_on(demo_app)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "sara", client)
        assert (await client.post("/logout", data={})).status_code == 403
        assert (await client.post("/logout", data={"csrf": "forged"})).status_code == 403
        assert (await client.get("/cases")).status_code == 200
        out = await client.post("/logout", data={"csrf": csrf_in(page.text)})
        assert out.status_code == 200 and "utloggad" in out.text
        assert (await client.get("/cases")).status_code == 401
    async with demo_app.db.unit_of_work() as session:
        rows = (await session.scalars(select(WebSession))).all()
        assert rows and all(r.ended_at is not None for r in rows)


async def test_every_page_carries_the_security_headers(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "sara", client)
        for path in ("/cases", "/login/x", "/nowhere"):
            page = await client.get(path)
            csp = page.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp
            assert page.headers["x-frame-options"] == "DENY"
            assert page.headers["cache-control"] == "no-store"
            assert page.headers["referrer-policy"] == "no-referrer"
            assert "<script" not in page.text and "style=" not in page.text


async def test_the_list_follows_the_chat_rule(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    anna = await submit_report(chat, "anna", "party")
    bo = await submit_report(chat, "bo", "party")
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "britt", client)  # Blå partiet
        assert bo.ref in page.text and anna.ref not in page.text
        other = await client.get(f"/cases/{anna.ref}")
        assert other.status_code == 404 and "Anna" not in other.text


async def test_the_filters_narrow_the_list(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    party = await submit_report(chat, "anna", "party")
    clock.advance(minutes=5)
    internal = await submit_report(chat, "anna", "internal")  # Pia is among the first three
    async with browser(demo_app) as client:
        everything = await signed_in_as(chat, "pia", client)
        assert party.ref in everything.text and internal.ref in everything.text
        only = await client.get("/cases", params={"category": "internal"})
        assert internal.ref in only.text and party.ref not in only.text
        closed = await client.get("/cases", params={"status": "closed"})
        assert party.ref not in closed.text and "Inga ärenden matchar" in closed.text
        odd = await client.get("/cases", params={"status": "<x>", "party": "999"})
        assert odd.status_code == 200 and "Inga ärenden matchar" in odd.text


async def test_forget_me_ends_the_sessions_and_links(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    spare = link_in(await chat("pia").say("/webb"))
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        await forget(chat("pia"))
        assert (await client.get("/cases")).status_code == 401
    async with browser(demo_app) as client:
        assert (await sign_in(client, spare)).status_code == 400
    async with demo_app.db.unit_of_work() as session:
        assert not (await session.scalars(select(WebSession))).all()
        assert not (await session.scalars(select(WebLogin))).all()


async def test_behind_https_the_cookie_is_secure_and_hsts_is_sent(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app, "https://trygg.example.se")
    async with browser(demo_app, secure=True) as client:
        page = await sign_in(client, link_in(await chat("sara").say("/webb")))
        assert "; secure" in page.history[0].headers["set-cookie"].lower()
        assert page.headers["strict-transport-security"].startswith("max-age=")
