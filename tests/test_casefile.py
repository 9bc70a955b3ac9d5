"""Issue 20: the case file (PDF) for a police report, from /arende and from the CLI.

Pia (who took the case) gets the whole case as a PDF in her own chat: every answer in full,
the statement that Anna was targeted in her role as an elected official, the timeline, the
checklist with who and when, the evidence with SHA-256 and the photo itself; the reference,
the page number and the sensitive-data marking on every page. An Arabic answer comes out as
written. Kent (the municipal director) gets only what he may read; Britt (another party)
gets nothing, and the refusal is audited. The text of the PDF (pdftotext) is kept as a
golden file per pack in tests/golden_pdf/.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot import cli_case
from bot.app import App
from bot.outfiles import with_files
from bot.settings import Settings
from bot.transports.console import run_console
from conversations.case.export import CASE_FILE, EXPORT, EXPORT_WHOLE, POLICE_FILE
from conversations.events import Delivery, FileRef, Reply
from conversations.notices import NOTICE_TOKEN
from conversations.report.form import ReportStep
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.models import Municipality, Report
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.golden import UPDATE
from tests.reporting import SKIPPED, Script, attach, write_report
from tests.test_case import MONDAY_10, Submitted, take
from tests.test_case_reading import audit, latest
from tests.test_trust import SQLITE_ONLY
from tests.test_trust_cli import trygg

PEEK = os.environ.get("TRYGG_PEEK_PDF", "")
GOLDEN = Path(__file__).resolve().parent / "golden_pdf"
NEEDS_POPPLER = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed: apt-get install poppler-utils",
)
pytestmark = NEEDS_POPPLER

STORY = (
    "Han stod vid grinden när jag kom hem och sa att han vet var barnen går i skolan. "
    "Han nämnde skolans namn och vilken tid de slutar på fredagar. Sedan gick han därifrån "
    "mot busshållplatsen utan att säga något mer. Jag ringde min säkerhetsansvariga direkt."
)
ARABIC = "تلقيت رسالة تهديد على هاتفي بعد اجتماع المجلس"


def photo() -> bytes:
    """A small real PNG: a letter, drawn."""
    image = Image.new("RGB", (320, 200), (250, 248, 240))
    for x in range(40, 280):
        for y in (60, 80, 100, 120):
            image.putpixel((x, y), (20, 20, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PHOTO = photo()
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()
SMS = b"%PDF-1.4 skarmdumpar av sms " * 50
SMS_SHA = hashlib.sha256(SMS).hexdigest()


async def report_with_evidence(writer: Chat, what: str, category: str = "assignment") -> Submitted:
    """Write a report up to its summary, send a photo and a file a minute apart, send it."""
    script = Script(category=category, what=(what,), skip=SKIPPED, choose=None)
    await write_report(writer, script, submit=False)
    clock = writer.app.clock
    for content, name, kind, caption in (
        (PHOTO, "brevet.png", "photo", "Brevet låg i brevlådan i morse"),
        (SMS, "sms.pdf", "document", ""),
    ):
        clock.advance(minutes=1)  # type: ignore[attr-defined]
        await attach(writer, content, name=name, kind=kind, caption=caption)
    await writer.press("send")
    return await latest(writer.app)


def text_of(pdf: bytes, tmp_path: Path, name: str = "case") -> list[str]:
    """The PDF's text, one string per page (pdftotext keeps the layout's reading order)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    return [page for page in out.split("\f") if page.strip()]


def pages_as_png(pdf: bytes, tmp_path: Path, name: str = "case") -> list[Path]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / name)], check=True)
    return sorted(tmp_path.glob(f"{name}-*.png"))


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


async def sent_pdf(app: App, handle: str, reply: Reply) -> bytes | None:
    """What the transport would get for a file reply: the PDF, built at send time in the
    language of the person it goes to (as the dispatcher's delivery carries it)."""
    async with app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle(handle)
        locale = app.catalogs.pick(person.locale if person else None)
    delivery = await with_files(
        app.db,
        app.keyring,
        app.catalogs,
        Delivery("console", handle, [reply], locale=locale),
        packs=app.packs,
        now=app.clock(),
    )
    [sent] = delivery.replies
    return sent.file.content if sent.file is not None else None


async def export_from_chat(chat: Chat, case: Submitted, button: str = EXPORT) -> Reply:
    """/arende REF, then the case-file button (the police's, or the whole file's): the reply
    that names the PDF."""
    await chat.say(f"/arende {case.ref}")
    assert button in chat.last_buttons, chat.last_buttons
    caption = await chat.press(button)
    assert case.ref in caption
    [reply] = chat.last
    kind = POLICE_FILE if button == EXPORT else CASE_FILE
    assert reply.file == FileRef(case.id, kind, f"{case.ref}.pdf")
    assert "content" not in str(reply.to_json())  # no bytes kept with the conversation
    return reply


async def test_pia_gets_the_whole_case_as_a_pdf_in_her_own_chat(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    pia = chat("pia")
    reply = await export_from_chat(pia, case)
    assert await audit(demo_app, "case_exported") == [("pia", case.ref)]
    pdf = await sent_pdf(demo_app, "pia", reply)
    assert pdf is not None and pdf.startswith(b"%PDF")
    pages = text_of(pdf, tmp_path)
    whole = flat("\n".join(pages))
    # every answer in full, the role statement, the evidence with hashes
    assert flat(STORY) in whole
    assert "Anna Berg utsattes i sin roll som förtroendevald" in whole or (
        "Anna Berg was targeted in the role of elected official" in whole
    )
    assert PHOTO_SHA in whole and SMS_SHA in whole
    assert "brevet.png" in whole and "sms.pdf" in whole
    assert "Pia Lind" in whole  # who took the alert
    assert "Anna Berg (rapporterade själv)" in whole  # who it is about: her name, to staff
    assert "den utsatta själv" not in whole
    # the reference, the marking and the page number on every page
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert case.ref in page
        assert flat(page).count("personal data") + flat(page).count("personuppgifter") >= 1
        assert f"{number} av {len(pages)}" in page or f"{number} of {len(pages)}" in page
    # the photo is embedded: a page holds an image
    images = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "case.pdf")], capture_output=True, check=False
    ).stdout.decode()
    assert "image" in images or not shutil.which("pdfimages")
    pngs = pages_as_png(pdf, tmp_path)
    assert len(pngs) == len(pages)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


async def test_the_follow_up_log_and_the_closing_are_in_the_handlers_file(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle("pia")
        assert person is not None
        pia_viewer = Viewer.of(person)
        repo = CaseRepo(session, demo_app.keyring)
        report = await session.get(Report, case.id)
        assert report is not None
        clock.advance(days=4)
        notes = {
            "date": "2026-11-27",
            "present": "Anna Berg, Pia Lind",
            "situation": "Anna sover dåligt men känner sig tryggare med larmet hemma.",
            "continued_support": "yes",
            "professional_support": "ordered",
        }
        await repo.document_followup(pia_viewer, report, 1, notes, clock.now)
        await repo.add_note(pia_viewer, report, "internal", "Polisen hörde av sig.", clock.now)
        await repo.answer_item(
            pia_viewer,
            report,
            "3.1.1",
            "yes",
            "Beställs måndag hos Avonova",
            clock.now,
            responsible=["party_security"],
        )
        evaluation = {"routine_applied": "yes", "routine": "Strategen nåddes sent.", "plan": ""}
        await repo.close(pia_viewer, report, evaluation, clock.now)
    pia = chat("pia")
    pdf = await sent_pdf(demo_app, "pia", await export_from_chat(pia, case, EXPORT_WHOLE))
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    for words in (
        "Uppföljningssamtal 1 – hölls 27 november",
        "Närvarande: Anna Berg, Pia Lind",
        "Anna sover dåligt men känner sig tryggare med larmet hemma.",
        "Professionellt stöd: beställt via företagshälsovården",
        "Polisen hörde av sig.",
        "Rutinen tillämpades: ja",
        "Strategen nåddes sent.",
        "avslutat",
    ):
        assert words in whole, words
    assert "Anteckningar:" not in whole  # the section's heading, not again under it
    # the closed case still offers its file; the timeline says who closed it and documented
    assert "Closed by Pia Lind" in whole or "Avslutat av Pia Lind" in whole
    assert "Follow-up call 1 documented (Pia Lind)" in whole or (
        "Uppföljningssamtal 1 dokumenterat (Pia Lind)" in whole
    )
    assert "Beställs måndag hos Avonova" in whole
    # the police get what a police report needs: none of the above
    police = await sent_pdf(demo_app, "pia", await export_from_chat(pia, case))
    assert police is not None
    for_police = flat("\n".join(text_of(police, tmp_path, "police")))
    assert flat(STORY) in for_police and PHOTO_SHA in for_police
    assert "Underlag för polisanmälan" in for_police and "Avslutat av Pia Lind" in for_police
    for words in (
        "Anna sover dåligt",
        "företagshälsovården",
        "Polisen hörde av sig.",
        "Strategen nåddes sent.",
        "Beställs måndag hos Avonova",
        "Uppföljningssamtal 1",
    ):
        assert words not in for_police, words
    assert "Interna anteckningar, kommentarer, uppföljningssamtal" in for_police


async def test_an_arabic_answer_is_in_the_pdf_as_written(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), ARABIC)
    await take(chat, "pia", case)
    pia = chat("pia")
    pdf = await sent_pdf(demo_app, "pia", await export_from_chat(pia, case))
    assert pdf is not None
    whole = "\n".join(text_of(pdf, tmp_path))
    for word in ARABIC.split():
        assert word in whole, word
    assert "förtroendevald" in whole or "elected official" in whole


async def test_the_director_gets_only_what_he_may_read(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    kent = chat("kent")
    reply = await export_from_chat(kent, case)
    assert "utan själva rapporten" in reply.text  # not "the report, the evidence"
    pdf = await sent_pdf(demo_app, "kent", reply)
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    assert case.ref in whole and "3.1.3" in whole  # the checklist (the police-report step)
    assert "skolan" not in whole and PHOTO_SHA not in whole and "brevet.png" not in whole
    assert "Anna Berg, +46 70 174 06 10" in whole  # who reported it, as his case view says
    assert "not in this file" in whole.lower() or "ingår inte här" in whole.lower()
    assert await audit(demo_app, "case_exported") == [("kent", case.ref)]


async def test_about_the_case_says_who_handles_it_and_since_when(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """ "Om ärendet" named no handler (only the timeline said "Pia Lind tog larmet", and the
    director's file has no alerts in its timeline): it says who has the case and since when,
    with her number for staff; Anna reads the name (she has her contacts); the archive too."""
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    clock.advance(minutes=30)
    since = "(sedan måndag 23 november 2026 kl. 10.02)"
    kent = await sent_pdf(demo_app, "kent", await export_from_chat(chat("kent"), case))
    assert kent is not None
    about = flat(text_of(kent, tmp_path, "kent")[0]).split("1. Incidentrapport")[0]
    assert f"Hanteras av Pia Lind, +46 70 174 06 11 {since}" in about, about
    anna = await sent_pdf(demo_app, "anna", await export_from_chat(chat("anna"), case))
    assert anna is not None
    about = flat(text_of(anna, tmp_path, "anna")[0]).split("1. Incidentrapport")[0]
    assert f"Hanteras av Pia Lind {since}" in about, about
    out = tmp_path / "case.json"
    args = argparse.Namespace(ref=case.ref, pdf=None, json=out, locale="sv")
    assert await cli_case.export(demo_app, args) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["handled_by"], data["handled_since"]) == ("Pia Lind", "2026-11-23T09:02:00+00:00")


async def test_another_partys_contact_gets_nothing_and_the_refusal_is_audited(
    chat, demo_app: App, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    britt = chat("britt")
    refused = await britt.say(f"/arende {case.ref}")
    assert case.ref in refused and EXPORT not in britt.last_buttons
    assert await audit(demo_app, "case_denied") == [("britt", case.ref)]
    assert "case_exported" not in str(await audit(demo_app, "case_exported"))
    # a forged button outside the case, and a reply naming Pia's case file sent to Britt
    await britt.press(EXPORT, token=NOTICE_TOKEN)
    assert all(r.file is None for r in britt.last)
    forged = Reply("x", file=FileRef(case.id, CASE_FILE, f"{case.ref}.pdf"))
    assert await sent_pdf(demo_app, "britt", forged) is None
    assert await audit(demo_app, "case_export_denied") == [("britt", "-")]
    assert await audit(demo_app, "case_exported") == []
    # access is checked again at send time: Pia's kept reply sends nothing once she has
    # lost her role
    kept = Reply("x", file=FileRef(case.id, CASE_FILE, f"{case.ref}.pdf"))
    assert await sent_pdf(demo_app, "pia", kept) is not None
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle("pia")
        assert person is not None
        person.party_id = None
    assert await sent_pdf(demo_app, "pia", kept) is None


async def test_anna_gets_her_own_report_without_the_internal_notes(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:check")
    await pia.press("check:no")
    await pia.say("Strategen svarar inte, försöker igen i morgon")  # an internal comment
    anna = chat("anna")
    pdf = await sent_pdf(demo_app, "anna", await export_from_chat(anna, case))
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    assert flat(STORY) in whole and PHOTO_SHA in whole and SMS_SHA in whole
    assert "Pia Lind" in whole  # who took her alert, as she was told
    assert "Strategen svarar inte" not in whole  # Pia's comment is internal
    assert await audit(demo_app, "case_exported") == [("anna", case.ref)]


# --- golden PDF text, one per pack -----------------------------------------------------------


def check_golden(name: str, text: str, ref: str) -> None:
    text = "\n".join(line.rstrip() for line in text.replace(ref, "REF-1").splitlines()) + "\n"
    path = GOLDEN / f"{name}.txt"
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert text == path.read_text(encoding="utf-8"), f"{path} differs: regenerate and read it"


@pytest.mark.parametrize(
    ("name", "pack", "reporter", "contact"),
    [
        ("casefile_oxelosund_sv", "oxelosund", "anna", "pia"),
        ("casefile_oxelosund_en", "oxelosund", "bo", "britt"),
        ("casefile_staffanstorp_sv", "staffanstorp", "anna", "pia"),
        ("casefile_vasteras_sv", "vasteras", "anna", "pia"),
    ],
)
async def test_golden_pdf_text_per_pack(
    chat,
    demo_app: App,
    clock: FakeClock,
    tmp_path: Path,
    name: str,
    pack: str,
    reporter: str,
    contact: str,
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    async with demo_app.db.unit_of_work() as session:
        municipality = (await session.scalars(select(Municipality))).one()
        municipality.pack = pack
    if name.endswith("_en"):
        async with demo_app.db.unit_of_work() as session:
            person = await DirectoryRepo(session).person_by_handle(contact)
            assert person is not None
            person.locale = "en"
    words = STORY if reporter == "anna" else "A letter with my home address and a threat."
    case = await report_with_evidence(chat(reporter), words)
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None and report.pack == pack
    reader = chat(contact)
    taken = await reader.press(f"ack:{case.alert_id}", token=NOTICE_TOKEN)
    assert taken.startswith(("Tack", "Thank you")), taken
    clock.advance(minutes=30)
    pdf = await sent_pdf(demo_app, contact, await export_from_chat(reader, case, EXPORT_WHOLE))
    assert pdf is not None
    check_golden(name, "\f\n".join(text_of(pdf, tmp_path)), case.ref)
    if PEEK:
        (Path(PEEK) / f"{name}.pdf").write_bytes(pdf)


# --- the operator's command line ---------------------------------------------------------------


async def test_the_operator_exports_a_case_as_pdf_and_as_json_owner_only(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    # 3.1.1 is done by the sending (the plan sent the report to the unit too): 3.2.1 comes first
    assert "Har den utsatta fått initialt stöd" in await pia.press("case:check")
    await pia.press("check:yes")
    await pia.press("check:skip")
    pdf_path, json_path = tmp_path / "out" / "case.pdf", tmp_path / "out" / "case.json"
    pdf_path.parent.mkdir()
    json_path.write_text("an older file, readable by all")
    json_path.chmod(0o644)
    for flag, path in (("--pdf", pdf_path), ("--json", json_path)):
        args = argparse.Namespace(ref=case.ref.lower(), pdf=None, json=None, locale="en")
        setattr(args, flag[2:], path)
        assert await cli_case.export(demo_app, args) == 0
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    whole = flat("\n".join(text_of(pdf_path.read_bytes(), tmp_path)))
    assert flat(STORY) in whole and PHOTO_SHA in whole and SMS_SHA in whole
    assert "Anna Berg was targeted in the role of elected official" in whole
    assert "Page 1 of" in whole  # the operator asked for English
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["ref"] == case.ref and data["format"] == "trygg-case/1"
    assert any(STORY in a["text"] for a in data["answers"]["as_read"])
    assert data["answers"]["stored"]["what"]["text"] == STORY
    assert [e["sha256"] for e in data["evidence"]] == [PHOTO_SHA, SMS_SHA]
    assert [e["name"] for e in data["evidence"]] == ["brevet.png", "sms.pdf"]
    [answered] = [c for c in data["checklist"] if c["answer"] is not None]
    assert answered["answer"] == "yes" and answered["answered_by"] == "Pia Lind"
    assert answered["step"] in whole  # in the PDF too, with who answered
    assert any("took the alert" in m["what"] for m in data["timeline"])
    assert "followups" in data and "evaluation" in data
    assert await audit(demo_app, "case_exported") == [
        ("operator", case.ref),
        ("operator", case.ref),
    ]
    missing = argparse.Namespace(ref="ZZZZ-ZZZZ", pdf=pdf_path, json=None, locale=None)
    assert await cli_case.export(demo_app, missing) == 1
    for nowhere in (tmp_path / "no-such-folder" / "case.pdf", tmp_path):  # said, not audited
        args = argparse.Namespace(ref=case.ref, pdf=nowhere, json=None, locale=None)
        assert await cli_case.export(demo_app, args) == 1
    assert len(await audit(demo_app, "case_exported")) == 2


async def test_a_report_for_someone_else_names_them_as_the_one_targeted(
    chat, demo_app: App, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Anna reports what happened to Eva: the case file for the police says Eva was
    targeted, not Anna (the draft started out about its reporter)."""
    script = Script(
        what=(STORY,),
        skip=SKIPPED,
        for_someone=("Anna Berg, partikamrat", "Eva Ek, kulturnämnden"),
    )
    assert "Din rapport är skickad" in await write_report(chat("anna"), script)
    case = await latest(demo_app)
    out = tmp_path / "case.json"
    args = argparse.Namespace(ref=case.ref, pdf=None, json=out, locale="sv")
    assert await cli_case.export(demo_app, args) == 0
    statement = json.loads(out.read_text(encoding="utf-8"))["role_statement"]
    assert statement.startswith("Eva Ek, kulturnämnden, utsattes i sin roll"), (
        statement
    )  # the aside closed
    assert "Anna" not in statement


@SQLITE_ONLY
async def test_trygg_case_export_runs_from_the_command_line(
    chat, demo_app: App, settings: Settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    case = await report_with_evidence(chat("anna"), STORY)
    target = tmp_path / "case.pdf"
    done = trygg(settings, "case", "export", case.ref, "--pdf", str(target), "--locale", "sv")
    assert done.returncode == 0, done.stderr
    assert case.ref in done.stdout and "skolan" not in done.stdout
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    both = trygg(settings, "case", "export", case.ref, "--pdf", "a", "--json", "b")
    assert both.returncode == 2  # one kind of file at a time


# --- the README's example page ------------------------------------------------------------------

DOCS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "casefile-page1.png"


@SQLITE_ONLY
async def test_the_readme_example_page_from_the_demo(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A demo case answered in full, read by Pia: its first page is docs/casefile-page1.png
    (written again with TRYGG_UPDATE_DOCS=1)."""
    clock.now = MONDAY_10
    anna = chat("anna")
    await write_report(
        anna, Script(category="assignment", what=(STORY,), choose=None), submit=False
    )
    clock.advance(minutes=1)
    await attach(anna, PHOTO, name="brevet.png", caption="Brevet låg i brevlådan i morse")
    await anna.press("send")
    case = await latest(demo_app)
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    clock.advance(minutes=20)
    await pia.press("case:check")
    await pia.press("check:yes")
    await pia.say("Sara Strand nådd på mobilen")
    clock.advance(hours=1)
    pdf = await sent_pdf(demo_app, "pia", await export_from_chat(pia, case))
    assert pdf is not None
    [first, *_] = pages_as_png(pdf, tmp_path)
    if os.environ.get("TRYGG_UPDATE_DOCS") == "1":
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
             str(tmp_path / "case.pdf"), str(DOCS_PAGE.with_suffix(""))],
            check=True,
        )  # fmt: skip
    assert first.read_bytes().startswith(b"\x89PNG")


async def test_on_the_console_the_case_file_is_written_owner_only(
    chat, demo_app: App, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    """`trygg chat --as pia`: the PDF is built when it is sent (through the dispatcher) and
    written owner-only under the data directory."""
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    out = io.StringIO()
    typed = ["1", f"/arende {case.ref}", "PDF för polisanmälan"]  # 1: "Jag tar det"
    await run_console(demo_app, "pia", io.StringIO("".join(f"{line}\n" for line in typed)), out)
    written = demo_app.settings.data_dir / "opened" / "pia" / f"{case.ref}.pdf"
    assert f"📎 {written}" in out.getvalue()
    assert written.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert await audit(demo_app, "case_exported") == [("pia", case.ref)]


async def test_a_time_in_the_pdf_is_its_date_not_yesterday(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Read by the police days later, "i går kl. 21.30" named the wrong day."""
    clock.now = MONDAY_10
    when = "i går kl 21.30, hemma"
    skip = [step for step in SKIPPED if step is not ReportStep.WHEN]
    await write_report(chat("anna"), Script(skip=skip, answers={ReportStep.WHEN: when}))
    case = await latest(demo_app)
    await take(chat, "pia", case)
    clock.advance(days=3)
    pdf = await sent_pdf(demo_app, "pia", await export_from_chat(chat("pia"), case))
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    assert f"{when} – söndag 22 november 2026 kl. 21.30" in whole
    assert "– i går" not in whole


async def test_a_booked_call_reads_as_booked_not_as_an_empty_unfinished_one(
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Pia booked call 1 and wrote nothing about it yet: Sara's report and the case file said
    'Uppföljningssamtal 1 (inte klart):' with nothing under it, and not when it is."""
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:book")
    await pia.say("tisdag 14:00")
    sara = chat("sara")
    card = await sara.say(f"/arende {case.ref}")
    assert "Visa rapporten" in card
    report = await sara.press(f"show:{case.id}")
    assert "(inte klart)" not in report, report
    assert "\n\nUppföljningssamtal 1: planerat i morgon kl. 14.00\n\nBevis:" in report, report
    pdf = await sent_pdf(demo_app, "pia", await export_from_chat(pia, case, EXPORT_WHOLE))
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    assert "(inte klart)" not in whole
    assert (
        "3. Stöd på längre sikt Uppföljningssamtal 1: planerat tisdag 24 november 2026 kl. 14.00"
        in whole
    ), whole
