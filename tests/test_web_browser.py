"""The web console in a real browser (headless Chromium, issue 21): signing in with the link
the bot sent, a spent link, a forged form, another party's case, logging out from every page,
the keyboard alone, and an accessibility check with axe.

SQLite only: the HTTP-level tests (test_web_console.py) cover PostgreSQL; these are about
what a browser does with the pages (cookies, focus, forms, CSP)."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from bot.app import App
from tests.browser_support import Console, console_fixture  # noqa: F401
from tests.conftest import FakeClock
from tests.test_case import submit_report, take
from tests.web_support import link_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

FIELDS = "input:not([type=hidden]), select, textarea"
SERIOUS = {"serious", "critical"}


async def focused(page: Page) -> str:
    """What has the keyboard focus: its tag, then its id or text."""
    described: str = await page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.tagName.toLowerCase() + ':' + (e.id || e.textContent.trim()); }"
    )
    return described


async def tab_to(page: Page, target: str, limit: int = 40) -> list[str]:
    """Press Tab until ``target`` (as `focused` says) has the focus; return the stops on the way."""
    stops = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        stops.append(await focused(page))
        if stops[-1] == target:
            return stops
    raise AssertionError(f"Tab never reached {target}: {stops}")


async def test_a_contact_signs_in_with_the_link_from_the_chat(  # type: ignore[no-untyped-def]
    chat, console: Console, clock: FakeClock
) -> None:
    party = await submit_report(chat, "anna", "party")
    await take(chat, "pia", party)
    clock.advance(minutes=5)
    internal = await submit_report(chat, "anna", "internal")  # Pia is among the first three
    answer = await chat("pia").say("/webb")
    page = await console.person()
    confirm = await console.follow_link(page, link_in(answer))
    assert confirm.status == 200  # opening the link (or a link preview) does not use it up
    assert await page.get_by_role("heading", level=1).inner_text() == "Logga in i Trygg"
    landed = await console.press(page, "Logga in")
    assert landed.status == 200 and page.url == console.url + "/cases"
    table = page.get_by_role("table")
    for ref in (party.ref, internal.ref):
        await table.get_by_role("link", name=ref, exact=True).wait_for()
    assert "Anna Berg" in await table.inner_text()
    [cookie] = await page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert not cookie["secure"]  # plain http on localhost; https URLs get Secure cookies
    await console.for_docs(page, "web-cases.png")
    case = await console.open_case(page, party.ref)
    assert case.status == 200
    assert party.ref in await page.inner_text("main")
    await console.for_docs(page, "web-case.png", height=1100)


async def test_a_used_link_is_refused(chat, console: Console) -> None:  # type: ignore[no-untyped-def]
    link = link_in(await chat("sara").say("/webb"))
    mine = await console.person()
    await console.follow_link(mine, link)
    await console.press(mine, "Logga in")
    replayed = await console.person()  # someone else's browser, with the same link
    await console.follow_link(replayed, link)
    refused = await console.press(replayed, "Logga in")
    assert refused.status == 400
    assert await replayed.get_by_role("heading", level=1).inner_text() == (
        "Länken fungerar inte längre"
    )
    assert await replayed.context.cookies() == []
    out = await console.visit(replayed, "/cases")
    assert out.status == 401 and "Skicka /webb" in await replayed.inner_text("main")
    assert (await console.visit(mine, "/cases")).status == 200  # the first one is still in


async def test_a_form_without_its_token_is_refused(chat, console: Console) -> None:  # type: ignore[no-untyped-def]
    page = await console.sign_in(chat, "sara")
    logout_token = page.locator("form[action='/logout'] input[name=csrf]")
    await logout_token.evaluate("e => e.remove()")  # a forged form: no token
    refused = await console.press(page, "Logga ut")
    assert refused.status == 403
    assert await page.get_by_role("heading", level=1).inner_text() == (
        "Formuläret kunde inte skickas"
    )
    assert (await console.visit(page, "/cases")).status == 200  # still signed in
    await page.locator("form[action='/language'] input[name=csrf]").evaluate(
        "e => e.value = 'forged'"
    )
    await page.get_by_label("Språk").select_option(label="English")
    assert (await console.press(page, "Byt")).status == 403
    assert (await console.visit(page, "/cases")).status == 200
    assert await page.locator("html").get_attribute("lang") == "sv"  # nothing changed


async def test_a_form_from_another_site_gets_no_session(chat, console: Console) -> None:  # type: ignore[no-untyped-def]
    """Even with the right form token (say it leaked), a form posted from another site
    arrives without the session cookie (SameSite=Strict): signed out, nothing done."""
    page = await console.sign_in(chat, "sara")
    token = await page.locator("form[action='/logout'] input[name=csrf]").get_attribute("value")
    hostile = (
        f'<!doctype html><title>Fint erbjudande</title><form method="post" '
        f'action="{console.url}/logout"><input type="hidden" name="csrf" value="{token}">'
        "<button>Vinn en resa</button></form>"
    )
    await page.route("http://elak.test/**", lambda route: route.fulfill(body=hostile))
    await page.goto("http://elak.test/")
    posted = await console.press(page, "Vinn en resa")
    assert posted.status == 401 and page.url == console.url + "/logout"
    assert (await console.visit(page, "/cases")).status == 200  # still signed in


async def test_another_partys_case_is_not_there(chat, console: Console) -> None:  # type: ignore[no-untyped-def]
    anna = await submit_report(chat, "anna", "party")  # Gröna partiet
    bo = await submit_report(chat, "bo", "party")  # Blå partiet
    page = await console.sign_in(chat, "britt")  # Blå partiet's contact
    listed = await page.get_by_role("table").inner_text()
    assert bo.ref in listed and anna.ref not in listed
    other = await console.visit(page, f"/cases/{anna.ref}")  # typed into the address bar
    assert other.status == 404
    assert await page.get_by_role("heading", level=1).inner_text() == "Hittades inte"
    text = await page.locator("body").inner_text()
    assert "Anna" not in text and "Berg" not in text and "Gröna" not in text


async def test_logging_out_works_from_every_page(  # type: ignore[no-untyped-def]
    chat, console: Console, clock: FakeClock
) -> None:
    case = await submit_report(chat, "bo", "assignment")  # the unit is alerted at once
    first = await console.sign_in(chat, "sara")  # the unit sees every section
    sections = (
        await first.get_by_role("navigation")
        .get_by_role("link")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    assert sections[0] == "/cases" and len(sections) == 4, sections
    pages = [*sections, "/cases?status=closed", f"/cases/{case.ref}"]
    seen = []
    for path in pages:
        clock.advance(minutes=13)  # at most five links an hour
        page = await console.sign_in(chat, "sara")
        shown = await console.visit(page, path)
        assert shown.status == 200, (path, shown.status)
        out = await console.press(page, "Logga ut")
        assert out.status == 200, path
        assert await page.get_by_role("heading", level=1).inner_text() == "Du är utloggad"
        assert (await console.visit(page, path)).status == 401, path
        seen.append(path)
    assert seen == pages


async def test_the_keyboard_alone_reaches_everything(  # type: ignore[no-untyped-def]
    chat, console: Console, clock: FakeClock
) -> None:
    party = await submit_report(chat, "anna", "party")
    await take(chat, "pia", party)
    clock.advance(minutes=5)
    internal = await submit_report(chat, "anna", "internal")
    page = await console.sign_in(chat, "pia")
    await console.visit(page, "/cases")
    await page.keyboard.press("Tab")
    assert await focused(page) == "a:Hoppa till innehållet"  # the first stop
    await console.shot(page, "skip-link")
    await page.keyboard.press("Enter")
    assert await focused(page) == "main:main"  # past the header, at the page's content

    await console.visit(page, "/cases")
    stops = await tab_to(page, "button:Visa")
    sections = await page.get_by_role("navigation").get_by_role("link").all_inner_texts()
    order = [f"a:{name}" for name in sections] + ["button:Logga ut", "select:status"]
    assert [s for s in stops if s in order] == order, stops  # the header, then the filters

    await console.visit(page, "/cases")  # filter by keys: Tab, arrow keys, Enter
    await tab_to(page, "select:category")
    for _ in range(5):  # "All categories", then the categories in the list
        if await page.locator("#category").input_value() == "internal":
            break
        await page.keyboard.press("ArrowDown")
    assert await page.locator("#category").input_value() == "internal"
    await page.keyboard.press("Tab")
    assert await focused(page) == "button:Visa"
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await console.shot(page, "filtered")
    assert "category=internal" in page.url
    listed = await page.get_by_role("table").inner_text()
    assert internal.ref in listed and party.ref not in listed

    hrefs = (
        await page.get_by_role("navigation")
        .get_by_role("link")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    for name, href in zip(sections, hrefs, strict=True):  # every section, by Tab and Enter
        await console.visit(page, "/cases")
        await tab_to(page, f"a:{name}")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        await console.shot(page)
        assert page.url == console.url + href, (name, page.url)

    await console.visit(page, "/cases")  # and a case, from the list
    await tab_to(page, f"a:{party.ref}")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await console.shot(page)
    assert page.url == f"{console.url}/cases/{party.ref}"


async def labels_missing(page: Page) -> list[str]:
    """The form fields of the page that have no label (read from the DOM, not from axe)."""
    missing = []
    for field in await page.locator(FIELDS).all():
        ident = await field.get_attribute("id")
        named = bool(await field.get_attribute("aria-label")) or bool(
            await field.get_attribute("aria-labelledby")
        )
        labelled = bool(ident) and await page.locator(f"label[for='{ident}']").count() == 1
        wrapped = await field.locator("xpath=ancestor::label").count() > 0
        if not (named or labelled or wrapped):
            missing.append(await field.evaluate("e => e.outerHTML"))
    return missing


async def test_the_pages_pass_an_accessibility_check(  # type: ignore[no-untyped-def]
    chat, console: Console, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    link = link_in(await chat("pia").say("/webb"))
    # axe.js is injected with Playwright's evaluate (CDP), which the page's CSP does not
    # govern; bypass_csp stays off so the pages are checked exactly as served.
    page = await console.person()
    await console.follow_link(page, link)
    checked = {"sign-in": await audit(page)}
    await console.press(page, "Logga in")
    # the case and statistics pages are checked as they are on this branch (not found until
    # they land); any page, whatever its status, must pass
    for path in ("/cases", "/cases?status=closed", f"/cases/{case.ref}", "/stats", "/nowhere"):
        await console.visit(page, path)
        checked[path] = await audit(page)
    await console.visit(page, "/cases")
    await page.locator("label[for=status]").evaluate("e => e.remove()")  # the check can fail
    broken = await audit(page)
    assert any(f.startswith("select-name") for f in broken), broken
    assert any(f.startswith("no label: <select") for f in broken), broken
    await console.visit(page, "/cases")
    await console.press(page, "Logga ut")
    checked["logged out"] = await audit(page)
    await console.visit(page, "/cases")
    checked["signed out"] = await audit(page)
    spent = await console.person()
    await console.follow_link(spent, link)
    await console.press(spent, "Logga in")
    checked["spent link"] = await audit(spent)
    assert checked == {where: [] for where in checked}, checked


async def audit(page: Page) -> list[str]:
    """What axe finds of serious or critical impact, and every field without a label."""
    results = await Axe().run(page)
    found = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS or v["id"] in ("label", "select-name")
    ]
    return found + [f"no label: {html}" for html in await labels_missing(page)]
