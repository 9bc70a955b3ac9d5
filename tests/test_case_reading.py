"""Issue 18, item 1: the case read whole, by those who may.

Pia (who took the case) reads every answer in full, typed answers as typed, labels in the
third person; the follow-up log and the closing evaluation; the evidence, one line per file,
each openable into her own chat as the original file with its SHA-256 (audited). Kent (the
municipal director), Per (Pia's colleague, not alerted) and Britt (another party) get none
of it, even with forged buttons; Anna opens her own files. Checked in storage too.
"""

from __future__ import annotations

import hashlib
import os
import stat
from io import StringIO
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.outfiles import with_files
from bot.transports.console import ConsoleTransport, run_console
from conversations.events import Delivery, FileRef, Reply
from conversations.notices import NOTICE_TOKEN
from conversations.report.form import ReportStep as S
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.evidence import EvidenceRepo
from storage.models import AuditEntry, Report
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import SKIPPED, Script, attach, write_report
from tests.test_case import MONDAY_10, Submitted, take

LONG = (
    "Han stod vid grinden när jag kom hem och sa att han vet var barnen går i skolan. "
    "Han nämnde skolans namn och vilken tid de slutar på fredagar. "
) * 9  # 1,200 characters and more: everything after the first 300 must be read too
assert len(LONG) > 1200
SCHOOL = "vilken tid de slutar på fredagar"
STORY = (
    "Han stod vid grinden när jag kom hem och sa att han vet var barnen går i skolan. "
    "Han nämnde skolans namn och vilken tid de slutar på fredagar. Sedan gick han därifrån "
    "mot busshållplatsen utan att säga något mer."
)
PHOTO = b"\x89PNG\r\n\x1a\n" + b"brevet i brevladan " * 300
PDF = b"%PDF-1.4 skarmdumpar av sms " * 200
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()
PDF_SHA = hashlib.sha256(PDF).hexdigest()
REFUSED = "Den filen är inte tillgänglig för dig."
NOT_YOURS = "Den rapporten är inte tillgänglig för dig."


async def submit(chat, what: tuple[str, ...] = (LONG,), **script: object) -> Submitted:  # type: ignore[no-untyped-def]
    """Anna reports a threat about her municipal assignment, with a photo and a PDF sent a
    minute apart."""
    anna: Chat = chat("anna")
    await write_anna(anna, what, **script)
    sent = await anna.press("send")
    assert "Din rapport är skickad" in sent, sent
    return await latest(anna.app)


async def write_anna(anna: Chat, what: tuple[str, ...], **script: object) -> None:
    """Write Anna's report up to its summary, then send the files one minute apart."""
    kwargs: dict[str, object] = {
        "category": "assignment",
        "what": what,
        "skip": SKIPPED,
        "choose": None,
    }
    kwargs.update(script)
    await write_report(anna, Script(**kwargs), submit=False)  # type: ignore[arg-type]
    clock = anna.app.clock
    for content, name, kind, caption in (
        (PHOTO, "brevet.png", "photo", "Brevet låg i brevlådan i morse"),
        (PDF, "sms.pdf", "document", ""),
    ):
        clock.advance(minutes=1)  # type: ignore[attr-defined]
        kept = await attach(anna, content, name=name, kind=kind, caption=caption)
        assert "Sparat som bevis" in kept or "Saved as evidence" in kept, kept


async def latest(app: App) -> Submitted:
    from storage.models import Alert

    async with app.db.unit_of_work() as session:
        report = (
            await session.scalars(select(Report).order_by(Report.submitted_at.desc()))
        ).first()
        assert report is not None
        alert = (await session.scalars(select(Alert).where(Alert.report_id == report.id))).one()
        return Submitted(report.id, report.ref, alert.id)


async def evidence_ids(app: App, case: Submitted) -> list[str]:
    from storage.models import Evidence

    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(Evidence.id)
            .where(Evidence.report_id == case.id)
            .order_by(Evidence.received_at, Evidence.id)
        )
        return list(rows)


async def viewer(app: App, handle: str) -> Viewer:
    async with app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle(handle)
        assert person is not None
        return Viewer.of(person)


async def audit(app: App, action: str) -> list[tuple[str, str]]:
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.subject).where(AuditEntry.action == action)
        )
        return [(actor, subject) for actor, subject in rows]


async def sent_file(app: App, handle: str, reply: Reply) -> bytes | None:
    """What the transport would get for a file reply: its bytes, fetched at send time."""
    delivery = await with_files(
        app.db, app.keyring, app.catalogs, Delivery("console", handle, [reply])
    )
    [sent] = delivery.replies
    return sent.file.content if sent.file is not None else None


async def test_pia_reads_the_whole_report_and_opens_the_evidence(
    chat, demo_app: App, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await submit(chat)
    await take(chat, "pia", case)
    pia = chat("pia")
    shown = await pia.press(f"show:{case.id}", token=NOTICE_TOKEN)
    # every answer in full: the part about the school, after 300 characters, is there
    assert LONG.strip() in shown and SCHOOL in shown
    # labels in the third person, as on the paper form
    assert "Kategori: kommunalt uppdrag" in shown and "Mitt kommunala uppdrag" not in shown
    assert "Vem det gäller: Anna Berg (rapporterade själv)" in shown  # her name, to staff
    assert "den utsatta själv" not in shown and "Det hände mig" not in shown
    # the evidence: one line per file with kind, name, size, time received and SHA-256
    assert "Bevis:" in shown
    assert f"1. foto brevet.png, 6 kB, mottaget i dag kl. 10.01, SHA-256 {PHOTO_SHA}" in shown
    assert "   ”Brevet låg i brevlådan i morse”" in shown
    assert f"2. fil sms.pdf, 5 kB, mottaget i dag kl. 10.02, SHA-256 {PDF_SHA}" in shown
    first, second = await evidence_ids(demo_app, case)
    assert [(i, label) for i, label, _t in pia.buttons] == [
        (f"ev_open:{first}", "Öppna fil 1"),
        (f"ev_open:{second}", "Öppna fil 2"),
        (f"cmd:arende {case.ref}", f"Öppna ärende {case.ref}"),  # she has taken it
    ]

    # opening a file sends it into her own chat, as the file, with its SHA-256; audited
    caption = await pia.press(f"ev_open:{first}")
    [reply] = pia.last
    assert reply.file == FileRef(first, "photo", "brevet.png")
    assert caption.startswith(f"Fil 1 i ärende {case.ref}: foto, mottaget i dag kl. 10.01")
    assert f"SHA-256: {PHOTO_SHA}" in caption
    assert await sent_file(demo_app, "pia", reply) == PHOTO
    assert await audit(demo_app, "evidence_opened") == [("pia", case.ref)]
    # the reply kept with her conversation (for a resend after a crash) names the file only
    assert "bytes" not in str(reply.to_json()) and Reply.from_json(reply.to_json()) == reply


async def test_staff_read_whom_the_report_is_about_by_her_name(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    """Sara and Pia read "Vem det gäller: den utsatta själv": to staff the name (rule 3);
    Anna's own view of her report keeps "Det hände mig"."""
    case = await submit(chat, what=(STORY,))
    await take(chat, "pia", case)
    shown = await chat("pia").press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert "\nVem det gäller: Anna Berg (rapporterade själv)\n" in shown, shown
    assert "den utsatta själv" not in shown
    own = await chat("anna").press(f"show:{case.id}")
    assert "Vem det gäller: Det hände mig" in own and "Anna Berg (rapporterade" not in own, own


async def test_a_reason_typed_in_her_own_words_is_shown_as_typed(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    words = "Vet inte, kanske skolbeslutet"
    case = await submit(chat, answers={S.CATEGORY: words}, category="unknown")
    await take(chat, "pia", case)
    shown = await chat("pia").press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert f"Kategori: {words}" in shown
    # in her list of cases (a message a lock screen may show) the words stay in the report
    listed = await chat("pia").say("/arenden")
    assert "kategori: med egna ord" in listed and "skolbeslutet" not in listed, listed


async def test_follow_up_notes_and_closing_answers_are_read_by_the_handler(
    chat, demo_app: App, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10
    case = await submit(chat, what=("Ett hotbrev.",))
    await take(chat, "pia", case)
    pia_viewer = await viewer(demo_app, "pia")
    async with demo_app.db.unit_of_work() as session:
        repo = CaseRepo(session, demo_app.keyring)
        report = await session.get(Report, case.id)
        assert report is not None
        await repo.document_followup(
            pia_viewer,
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
            pia_viewer,
            report,
            {
                "routine_applied": "yes",
                "routine": "Polisen borde kontaktas redan första kvällen.",
                "plan": "",
            },
            clock.now,
        )
    shown = await chat("pia").press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert "Uppföljningssamtal 1 – hölls 27 november:" in shown
    assert "   Närvarande: Anna Berg, Pia Lind" in shown
    assert (
        "   Nuläge och behov av stöd: Anna sover dåligt men känner sig tryggare med larmet hemma."
        in shown
    )
    assert "   Behov av fortsatt stöd: ja" in shown
    assert "   Professionellt stöd: beställt via företagshälsovården" in shown
    assert "Utvärdering vid avslut – i dag kl. 10.02:" in shown
    assert "   Rutinen tillämpades: ja" in shown
    assert (
        "   Sårbarheter och förbättringar i rutinen: Polisen borde kontaktas redan första kvällen."
        in shown
    )
    assert "   Sårbarheter och förbättringar i planen: inget skrivet" in shown
    # the targeted person reads her report, not the staff's log
    own = await chat("anna").press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert "Ett hotbrev." in own and "Nuläge och behov" not in own and "Rutinen" not in own


@pytest.mark.parametrize("handle", ["kent", "per", "britt"])
async def test_others_can_open_nothing_even_with_forged_buttons(
    chat, demo_app: App, handle: str
) -> None:  # type: ignore[no-untyped-def]
    case = await submit(chat)
    await take(chat, "pia", case)
    first, second = await evidence_ids(demo_app, case)
    other: Chat = chat(handle)
    refused = await other.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert refused == NOT_YOURS and SCHOOL not in refused
    for evidence in (first, second, f"{first}x", "%", ""):
        assert await other.press(f"ev_open:{evidence}", token=NOTICE_TOKEN) == REFUSED
        assert all(r.file is None for r in other.last)
    assert len(await audit(demo_app, "evidence_denied")) == 5
    assert await audit(demo_app, "evidence_opened") == []
    # in storage: neither the list nor the bytes, whatever the flow would ask
    someone = await viewer(demo_app, handle)
    async with demo_app.db.unit_of_work() as session:
        repo = EvidenceRepo(session, demo_app.keyring)
        report = await session.get(Report, case.id)
        assert report is not None
        with pytest.raises(NotFound):
            await repo.listing(someone, report)
        with pytest.raises(NotFound):
            await repo.open(someone, first)
    # a reply naming Pia's file, sent to them, carries no bytes
    forged = Reply("x", file=FileRef(first, "photo", "brevet.png"))
    assert await sent_file(demo_app, handle, forged) is None


async def test_anna_opens_her_own_files_and_pia_loses_them_with_her_role(
    chat, demo_app: App
) -> None:  # type: ignore[no-untyped-def]
    case = await submit(chat)
    await take(chat, "pia", case)
    first, second = await evidence_ids(demo_app, case)
    anna = chat("anna")
    shown = await anna.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert "Vem det gäller: Det hände mig" in shown  # her own words, to her
    assert f"SHA-256 {PDF_SHA}" in shown
    caption = await anna.press(f"ev_open:{second}")
    assert f"SHA-256: {PDF_SHA}" in caption
    assert await sent_file(demo_app, "anna", anna.last[0]) == PDF
    assert await audit(demo_app, "evidence_opened") == [("anna", case.ref)]
    # access is checked again when the file is sent: a reply kept from before a role was
    # taken away sends nothing
    kept = Reply("x", file=FileRef(first, "photo", "brevet.png"))
    assert await sent_file(demo_app, "pia", kept) == PHOTO
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle("pia")
        assert person is not None
        person.party_id = None
    assert await sent_file(demo_app, "pia", kept) is None


async def test_the_console_writes_an_opened_file_owner_only(tmp_path: Path) -> None:
    out = StringIO()
    folder = tmp_path / "opened" / "pia"
    console = ConsoleTransport("pia", out, folder)
    reply = Reply(
        f"Fil 1 i ärende K7M4-QX2P: foto\nSHA-256: {PHOTO_SHA}",
        file=FileRef("e1", "photo", "../../brevet.png", PHOTO),
    )
    await console.send("pia", [reply, reply])
    written = sorted(folder.iterdir())
    assert [p.name for p in written] == ["brevet-2.png", "brevet.png"]
    assert all(p.read_bytes() == PHOTO for p in written)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder.parent).st_mode) == 0o700  # "opened" too, not only hers
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
    printed = out.getvalue()
    assert f"📎 {folder / 'brevet.png'}" in printed and f"SHA-256: {PHOTO_SHA}" in printed


# --- golden transcripts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reporter", "contact", "words"),
    [
        ("case_read_whole_sv", "anna", "pia", STORY),
        ("case_read_whole_en", "bo", "britt", "A letter with my home address and a threat."),
    ],
)
async def test_transcript_a_contact_reads_a_whole_case_with_evidence(
    demo_app: App, clock: FakeClock, name: str, reporter: str, contact: str, words: str
) -> None:
    clock.now = MONDAY_10
    if contact == "britt":  # Britt reads English
        async with demo_app.db.unit_of_work() as session:
            person = await DirectoryRepo(session).person_by_handle("britt")
            assert person is not None
            person.locale = "en"
    t = Transcript(name, demo_app)
    writer, reader = t.person(reporter), t.person(contact)
    await reader.say("/start")  # she has used Trygg on this console before (not recorded)
    t.note(f"{reporter} reports a threat about the assignment, with a photo and a PDF")
    await write_anna(writer, (words,))
    await t.press(writer, "send", "Ja, skicka" if reporter == "anna" else "Yes, send")
    case = await latest(demo_app)
    await t.deliver()
    t.note(f"{contact} takes the case and reads it whole")
    await t.press(
        reader, f"ack:{case.alert_id}", "Jag tar det" if contact == "pia" else "I'll take it"
    )
    await t.deliver()
    show = "Visa rapporten" if contact == "pia" else "Show the report"
    await t.press(reader, f"show:{case.id}", show)
    t.note("she opens the first file: the console writes it owner-only and prints where")
    await t.say(reader, "1")
    first, _second = await evidence_ids(demo_app, case)
    assert (reader.last[0].file or FileRef("", "", "")).evidence_id == first
    t.check()


async def test_on_the_console_pia_opens_a_file_into_her_data_dir(
    chat, demo_app: App, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    """`trygg chat --as pia`: the file is fetched when it is sent, written owner-only under
    the data directory, and its path printed under the caption."""
    clock.now = MONDAY_10
    case = await submit(chat)
    out = StringIO()
    typed = ["1", f"/arende {case.ref}", "Visa rapporten", "Öppna fil 1"]  # 1: "Jag tar det"
    await run_console(demo_app, "pia", StringIO("".join(f"{line}\n" for line in typed)), out)
    printed = out.getvalue()
    assert "Tack – det är ditt." in printed and SCHOOL in printed
    folder = demo_app.settings.data_dir / "opened" / "pia"
    assert f"SHA-256: {PHOTO_SHA}\n📎 {folder / 'brevet.png'}\n" in printed
    assert (folder / "brevet.png").read_bytes() == PHOTO
    assert stat.S_IMODE((folder / "brevet.png").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
