"""The case page of the web console (issue 21): the case as the chat lets the person read it,
its evidence by position, the case file as a PDF; every opening audited as in the chat.

Anna (an official) reports a threat about her municipal assignment with a photo and a PDF;
Pia (her party's security contact) and Sara (the municipal security unit) are alerted. Per
(Pia's colleague, not alerted) and Britt (another party) get "not found" for every door;
Anna and Kent (the municipal director) cannot sign in to the console at all.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest
from jinja2 import ChoiceLoader, DictLoader

from bot.app import App
from bot.web.downloads import content_type, disposition, safe_name
from bot.web.render import ENV
from conversations.casefile.model import KEYS
from conversations.notices import NOTICE_TOKEN
from storage.cases import INTERNAL_NOTE, CaseRepo
from storage.drills import DrillRepo
from storage.models import Report
from tests.conftest import FakeClock
from tests.test_alerts import connect
from tests.test_case import MONDAY_10, Submitted, take
from tests.test_case_reading import LONG, PDF, PHOTO, PHOTO_SHA, SCHOOL, audit, submit, viewer
from tests.test_casefile import text_of
from tests.test_drill import start_drill_case
from tests.test_outbox import FakeTransport
from tests.web_support import browser, csrf_in, link_in, signed_in_as, switch_on

MARKUP = "<b>fet</b> & <script>alert(1)</script>"


def doors(ref: str) -> list[str]:
    return [f"/cases/{ref}", f"/cases/{ref}/files/1"]


async def anna_reports(chat, demo_app: App, clock: FakeClock) -> Submitted:  # type: ignore[no-untyped-def]
    """Anna's report with a photo and a PDF; Pia takes it."""
    switch_on(demo_app)
    clock.now = MONDAY_10
    case = await submit(chat)
    await take(chat, "pia", case)
    return case


def assert_accessible(html: str) -> None:
    """One h1, headed tables, every form field labelled, nothing inline."""
    assert html.count("<h1") == 1
    assert "<script" not in html and "style=" not in html and "onclick" not in html.lower()
    assert not re.search(r"<th(?=[\s>])(?![^>]*scope=)", html), "a header cell without scope"
    ids = set(re.findall(r'<label for="([^"]+)"', html))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        found = re.search(r'id="([^"]+)"', tag)
        assert found and found.group(1) in ids, tag


async def test_the_handler_reads_every_answer_in_full_and_the_view_is_audited(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        page = await client.get(f"/cases/{case.ref}")
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert_accessible(html)
    # the header: reference, status, party, who reported, when, category
    assert f"Ärende {case.ref}" in html
    assert "Anna Berg, +46 70 174 06 10" in html and "Gröna partiet" in html
    assert "kommunalt uppdrag" in html.lower()
    assert "Rapporterat" in html and "i dag kl. 10.02" in html  # read now: "i dag"
    # every answer in full, in a list of answers: the part after 1,200 characters too
    assert '<dl class="answers">' in html
    assert LONG.strip() in html and SCHOOL in html
    assert "Anna Berg utsattes i sin roll som förtroendevald." in html
    # the timeline and the checklist, with who took the alert
    assert "Pia Lind" in html and "3.1.3" in html
    # the evidence: one line per file, with its SHA-256 and a link by position
    assert PHOTO_SHA in html and "”Brevet låg i brevlådan i morse”" in html
    assert f'href="/cases/{case.ref}/files/1"' in html
    assert f'href="/cases/{case.ref}/files/2"' in html
    assert f'href="/cases/{case.ref}/files/1?view=1"' in html
    # the case-file form, with its token
    assert f'action="/cases/{case.ref}/pdf"' in html and 'name="csrf"' in html
    assert await audit(demo_app, "case_opened") == [("pia", case.ref)]
    assert await audit(demo_app, "report_viewed") == [("pia", case.ref)]


async def test_what_anna_wrote_is_shown_as_text_never_as_markup(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    clock.now = MONDAY_10
    case = await submit(chat, what=(MARKUP,))
    await take(chat, "pia", case)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        html = (await client.get(f"/cases/{case.ref}")).text
    assert "&lt;b&gt;fet&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<b>fet" not in html


async def test_a_checklist_answer_shows_who_answered_and_when(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:check")
    assert (await pia.press("check:yes")).startswith("Sparat: ")
    await pia.say("Pratade med Anna i telefon")
    async with browser(demo_app) as client:
        await signed_in_as(chat, "sara", client)  # alerted with Pia: she reads it too
        html = (await client.get(f"/cases/{case.ref}")).text
    row = re.search(r'<table class="checklist">.*?</table>', html, re.S)
    assert row, html
    assert "Ja, Pia Lind i dag kl. 10.02" in row.group(0)  # sent with her files at 10:02
    assert "Pratade med Anna i telefon" in row.group(0)


async def test_evidence_comes_as_sent_by_its_position_and_each_opening_is_audited(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        photo = await client.get(f"/cases/{case.ref}/files/1")
        assert photo.status_code == 200
        assert photo.content == PHOTO
        assert photo.headers["content-type"] == "image/png"
        assert photo.headers["content-disposition"].startswith('attachment; filename="brevet.png"')
        assert photo.headers["x-content-type-options"] == "nosniff"
        assert photo.headers["cache-control"] == "no-store"
        shown = await client.get(f"/cases/{case.ref}/files/1", params={"view": "1"})
        assert shown.content == PHOTO
        assert shown.headers["content-disposition"].startswith("inline;")
        document = await client.get(f"/cases/{case.ref}/files/2", params={"view": "1"})
        assert document.content == PDF
        assert document.headers["content-type"] == "application/pdf"  # what the bytes are
        assert document.headers["content-disposition"].startswith("inline;")
        for missing in ("3", "0", "99999999999", "x", "-1"):
            gone = await client.get(f"/cases/{case.ref}/files/{missing}")
            assert gone.status_code == 404, missing
    assert await audit(demo_app, "evidence_opened") == [("pia", case.ref)] * 3
    assert len(await audit(demo_app, "evidence_denied")) == 3  # 3, 0 and the big number


async def test_the_case_file_pdf_needs_the_form_token_and_is_audited(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        page = await client.get(f"/cases/{case.ref}")
        for form in ({}, {"csrf": "forged"}):
            forged = await client.post(f"/cases/{case.ref}/pdf", data=form)
            assert forged.status_code == 403 and not forged.content.startswith(b"%PDF")
        assert await audit(demo_app, "case_exported") == []
        made = await client.post(f"/cases/{case.ref}/pdf", data={"csrf": csrf_in(page.text)})
    assert made.status_code == 200
    assert made.content.startswith(b"%PDF")
    assert made.headers["content-type"] == "application/pdf"
    assert made.headers["content-disposition"].startswith(f'attachment; filename="{case.ref}.pdf"')
    assert made.headers["cache-control"] == "no-store"
    assert await audit(demo_app, "case_exported") == [("pia", case.ref)]


async def refused_everywhere(client: httpx.AsyncClient, ref: str, token: str) -> None:
    for path in doors(ref):
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert "Anna" not in answer.text and "brevet" not in answer.text
    export = await client.post(f"/cases/{ref}/pdf", data={"csrf": token})
    assert export.status_code == 404 and not export.content.startswith(b"%PDF")


async def test_another_partys_contact_finds_nothing_by_address(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "britt", client)  # Blå partiet
        await refused_everywhere(client, case.ref, csrf_in(page.text))
    assert await audit(demo_app, "case_denied") == [("britt", case.ref)]
    assert await audit(demo_app, "evidence_denied") == [("britt", "-")]
    assert await audit(demo_app, "case_export_denied") == [("britt", "-")]
    for action in ("case_opened", "evidence_opened", "case_exported"):
        assert await audit(demo_app, action) == []


async def test_a_contact_not_yet_alerted_finds_nothing_by_address(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "per", client)  # Pia's colleague, a later level
        await refused_everywhere(client, case.ref, csrf_in(page.text))
        assert case.ref not in (await client.get("/cases")).text


async def test_officials_and_the_director_cannot_open_a_case_on_the_web(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    for handle in ("anna", "kent"):  # her own case; his header-and-checklist case
        assert "/login/" not in await chat(handle).say("/webb")
    async with browser(demo_app) as client:
        for path in doors(case.ref):
            assert (await client.get(path)).status_code == 401
        assert (await client.post(f"/cases/{case.ref}/pdf", data={})).status_code == 401
    assert link_in(await chat("pia").say("/webb"))  # the same case, for the one who took it


async def test_a_malformed_reference_is_not_found(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        for ref in ("x", "%00", "ABCD-EFG!", "A" * 300, "..%2F..%2Fetc", "K7M4-QX2P"):
            answer = await client.get(f"/cases/{ref}")
            assert answer.status_code == 404, ref
            assert answer.headers["cache-control"] == "no-store"
        # typed as people type it: lower case, without the dash
        typed = await client.get(f"/cases/{case.ref.lower().replace('-', '')}")
        assert typed.status_code == 200 and case.ref in typed.text


async def test_a_drill_case_is_read_but_has_no_case_file(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    await connect(chat, "anna", "pia", "per", "sara", "kent")
    started, case = await start_drill_case(demo_app, clock)
    ref = case.ref
    await demo_app.outbox_sender(FakeTransport()).deliver_due()
    async with demo_app.db.unit_of_work() as session:
        [alert] = await DrillRepo(session).alerts(started.drill_id)
    await chat("pia").press(f"ack:{alert.id}", token=NOTICE_TOKEN)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        page = await client.get(f"/cases/{ref}")
        assert page.status_code == 200 and "ÖVNING" in page.text
        assert f'action="/cases/{ref}/pdf"' not in page.text
        refused = await client.post(
            f"/cases/{ref}/pdf", data={"csrf": csrf_in(page.text)}, follow_redirects=True
        )
        assert refused.status_code == 200 and not refused.content.startswith(b"%PDF")
        assert "Ett övningsärende har ingen ärendefil" in refused.text
    assert await audit(demo_app, "case_exported") == []


def test_a_files_type_comes_from_its_bytes_and_its_name_is_made_safe() -> None:
    assert content_type(PHOTO, "", "") == "image/png"
    assert content_type(PDF, "image/png", "sms.pdf") == "application/pdf"
    assert content_type(b"plain words", "image/png", "x.png") == "application/octet-stream"
    assert content_type(b"<svg/>", "image/svg+xml", "x.svg") == "image/svg+xml"
    assert content_type(b"\x00", "", "ljud.ogg") in ("audio/ogg", "application/ogg")
    assert content_type(b"\x00", "not a type", "") == "application/octet-stream"
    assert safe_name('../../"hemlig".png', "bevis-1") == "_hemlig_.png"
    assert safe_name("..", "bevis-1") == "bevis-1"
    header = disposition("attachment", "brevet från Åsa.png")
    assert header.startswith('attachment; filename="brevet_fran_Asa.png"; filename*=UTF-8')
    assert "%C3%85sa" in header


async def test_the_case_list_links_to_the_page(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        listing = await signed_in_as(chat, "pia", client)
        assert f'href="/cases/{case.ref}"' in listing.text
        page = await client.get(f"/cases/{case.ref}")
        assert page.status_code == 200


async def test_in_english_the_page_and_the_case_file_speak_english(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "pia", client)
        form = {"csrf": csrf_in(page.text), "language": "en", "back": f"/cases/{case.ref}"}
        page = await client.post("/language", data=form, follow_redirects=True)
        assert page.status_code == 200 and str(page.url).endswith(f"/cases/{case.ref}")
        html = page.text
        assert f"Case {case.ref}" in html and "Ärende" not in html
        assert "Anna Berg was targeted in the role of elected official." in html
        assert "Download file 1" in html and "Show file 1" in html
        made = await client.post(f"/cases/{case.ref}/pdf", data={"csrf": csrf_in(html)})
    assert made.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):  # the same file the chat's button makes: every answer in full
        text = " ".join(" ".join(text_of(made.content, tmp_path)).split())
        assert f"Case {case.ref}" in text and SCHOOL in text
        assert "Anna Berg was targeted in the role of elected official." in text


async def test_the_follow_up_log_notes_and_closing_evaluation_are_on_the_page(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await anna_reports(chat, demo_app, clock)
    pia = await viewer(demo_app, "pia")
    async with demo_app.db.unit_of_work() as session:
        repo = CaseRepo(session, demo_app.keyring)
        report = await session.get(Report, case.id)
        assert report is not None
        await repo.add_note(pia, report, INTERNAL_NOTE, "Ring Anna efter 17", clock.now)
        await repo.document_followup(
            pia,
            report,
            1,
            {
                "date": "2026-11-27",
                "present": "Anna Berg, Pia Lind",
                "situation": "Anna sover dåligt men känner sig tryggare med larmet hemma.",
                "continued_support": "yes",
                "professional_support": "ordered",
            },
            clock.now,
        )
        await repo.close(
            pia,
            report,
            {"routine_applied": "yes", "routine": "Polisen borde kontaktas första kvällen."},
            clock.now,
        )
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        html = (await client.get(f"/cases/{case.ref}")).text
    assert "Uppföljningssamtal 1 – hölls 27 november:" in html
    assert "Närvarande: Anna Berg, Pia Lind" in html
    assert "Professionellt stöd: beställt via företagshälsovården" in html
    assert "Ring Anna efter 17" in html
    assert "Rutinen tillämpades: ja" in html
    assert "Polisen borde kontaktas första kvällen." in html
    assert "<dd>avslutat</dd>" in html  # the header's status; no alert line for a closed case
    assert '<p class="text indent-0">Anteckningar:</p>' not in html  # the heading says it


async def test_each_part_has_a_slot_for_the_forms_that_act_on_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The action forms come in their own templates (case.html's ACTION SLOTS); here
    stand-ins show where each lands and what it is given."""
    case = await anna_reports(chat, demo_app, clock)
    stand_ins = {
        **{f"case_actions_{key}.html": f"[{key} {{{{ csrf|length > 0 }}}}]" for key in KEYS},
        "case_actions_about.html": "[about {{ ref }} {{ access }}]",
        "case_actions_checklist_item.html": "[item {{ item.key }}]",
    }
    loader = ChoiceLoader([DictLoader(stand_ins), ENV.loader])  # type: ignore[list-item]
    monkeypatch.setattr(ENV, "loader", loader)
    ENV.cache.clear()  # type: ignore[union-attr]
    try:
        async with browser(demo_app) as client:
            await signed_in_as(chat, "pia", client)
            html = (await client.get(f"/cases/{case.ref}")).text
    finally:
        ENV.cache.clear()  # type: ignore[union-attr]
    assert f"[about {case.ref} handler]" in html
    first = demo_app.packs.get("oxelosund").checklist[0].id
    assert f"[item {first}]" in html
    for key in KEYS:
        if key != "about":
            assert f"[{key} True]" in html, key  # notes and evaluation too, with none yet
    assert html.index("[checklist True]") < html.index("[timeline True]")
