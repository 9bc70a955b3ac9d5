"""Who first sent a forwarded threat, read by those who may read the evidence.

Anna forwards the threatening message into the bot while she writes her report; she is told
who first sent it and when. Pia, who takes the case, reads the same with that evidence: in
the case in the chat, with the file she opens, in the case file (PDF and web page) and in
the archive's JSON. Kent, the municipal director, whose files leave the evidence out, reads
no origin either; in storage the origin is sealed with the rest of the evidence's meta.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.case.export import EXPORT_WHOLE
from conversations.events import Attachment, EventKind, InboundEvent
from conversations.notices import NOTICE_TOKEN
from storage.directory import DirectoryRepo
from storage.models import Evidence
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import SKIPPED, Script, attach, write_report
from tests.test_case import MONDAY_10, Submitted, take
from tests.test_case_reading import PDF, evidence_ids, latest
from tests.test_casefile import export_from_chat, flat, sent_pdf, text_of
from tests.test_casefile_311 import read_as
from tests.web_support import browser, signed_in_as, switch_on

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

HATER = "Kalle Hätare (@hatare)"
FIRST_SENT = datetime(2026, 11, 22, 21, 14, tzinfo=UTC)  # Sunday 22:14 in Stockholm
THREAT = "Vi vet var du bor. Akta dig i kväll."
STORY = "Någon skickade ett hot till mig på Telegram i går kväll."
IN_CHAT_SV = f"Först skickat av {HATER}, i går kl. 22.14"
IN_CHAT_EN = f"First sent by {HATER}, yesterday 22:14"
IN_FILE_SV = f"Först skickat av {HATER}, söndag 22 november 2026 kl. 22.14"


async def forward(person: Chat, text: str, who: str = HATER, at: datetime | None = None) -> str:
    """Forward a message into the bot as the Telegram transport hands it on."""
    event = InboundEvent(
        f"t-{uuid.uuid4().hex}",
        person.channel,
        person.address,
        EventKind.ATTACHMENT,
        text=text,
        attachment=Attachment(
            "forward",
            file_ref="",
            mime_type="text/plain",
            forwarded=True,
            origin=who,
            origin_at=FIRST_SENT if at is None else at,
        ),
    )
    return person.text(await person.send(event))


async def write_with_forward(anna: Chat) -> None:
    """Her report up to its summary, the threat forwarded into it, then a PDF of her own."""
    script = Script(category="assignment", what=(STORY,), skip=SKIPPED, choose=None)
    await write_report(anna, script, submit=False)
    anna.app.clock.advance(minutes=1)  # type: ignore[attr-defined]
    said = await forward(anna, THREAT)
    assert HATER in said, said
    anna.app.clock.advance(minutes=1)  # type: ignore[attr-defined]
    await attach(anna, PDF, name="sms.pdf", kind="document")


async def reported(chat, clock: FakeClock) -> Submitted:  # type: ignore[no-untyped-def]
    """Anna's report with the forwarded threat and a PDF, sent and taken by Pia."""
    clock.now = MONDAY_10
    anna = chat("anna")
    await write_with_forward(anna)
    sent = await anna.press("send")
    assert "Din rapport är skickad" in sent, sent
    case = await latest(anna.app)
    await take(chat, "pia", case)
    return case


async def test_pia_reads_who_first_sent_it_in_the_case_and_with_the_file(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await reported(chat, clock)
    pia = chat("pia")
    shown = await pia.press(f"show:{case.id}", token=NOTICE_TOKEN)
    lines = shown.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    assert lines[first + 1] == f"   {IN_CHAT_SV}", shown  # right under its file
    assert lines[first + 2] == f"   ”{THREAT}”", shown
    assert shown.count("Först skickat") == 1, shown  # her own PDF has no origin
    # the file opened into her chat carries it too (she may pass it on to the police)
    forwarded, _pdf = await evidence_ids(demo_app, case)
    caption = await pia.press(f"ev_open:{forwarded}")
    assert IN_CHAT_SV in caption.splitlines(), caption
    # a forwarded message is its text: a file she and the police can open as text
    [reply] = pia.last
    assert reply.file is not None and reply.file.name == "bevis-1.txt", reply.file
    # in English
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle("pia")
        assert person is not None
        person.locale = "en"
    shown = await pia.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert f"   {IN_CHAT_EN}" in shown.splitlines(), shown


async def test_the_case_file_and_the_archive_carry_who_first_sent_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    case = await reported(chat, clock)
    for police in (False, True):
        file, data = await read_as(demo_app, "pia", case.ref, police=police)
        [evidence] = [s for s in file.sections if s.key == "evidence"]
        texts = [(e.text, e.indent) for e in evidence.entries]
        assert (IN_FILE_SV, 1) in texts, texts
        assert texts.index((IN_FILE_SV, 1)) == 1, texts  # under the first file's line
    first, second = data["evidence"]
    assert (first["origin"], first["origin_at"]) == (HATER, "2026-11-22T21:14:00+00:00")
    assert (second["origin"], second["origin_at"]) == ("", None)
    # the PDF she gets in her chat
    reply = await export_from_chat(chat("pia"), case, EXPORT_WHOLE)
    pdf = await sent_pdf(demo_app, "pia", reply)
    assert pdf is not None
    assert IN_FILE_SV in flat("\n".join(text_of(pdf, tmp_path))), text_of(pdf, tmp_path)


async def test_the_web_page_shows_who_first_sent_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    case = await reported(chat, clock)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        page = await client.get(f"/cases/{case.ref}")
    assert page.status_code == 200, page.text
    assert f"<p>{IN_CHAT_SV}</p>" in page.text, page.text


async def test_the_director_reads_no_evidence_and_no_origin(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await reported(chat, clock)
    for police in (False, True):
        file, data = await read_as(demo_app, "kent", case.ref, police=police)
        said = json.dumps([[e.text for e in s.entries] for s in file.sections], ensure_ascii=False)
        assert "hatare" not in said and "Först skickat" not in said, said
        assert "evidence" not in data and "hatare" not in json.dumps(data), data
    # sealed at rest with the rest of what is kept about the evidence
    async with demo_app.db.unit_of_work() as session:
        metas = (await session.scalars(select(Evidence.meta))).all()
    assert metas and all(b"hatare" not in meta for meta in metas)


async def test_golden_pia_reads_a_forwarded_threat(  # type: ignore[no-untyped-def]
    demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    """Golden: Anna forwards the threat while she writes; Pia takes the case, reads it and
    opens the forwarded file, reads the web page; the PDF's evidence and the archive's."""
    switch_on(demo_app)
    clock.now = MONDAY_10
    t = Transcript("case_forwarded_evidence_sv", demo_app)
    anna, pia = t.person("anna"), t.person("pia")
    await pia.say("/start")  # she has used Trygg on this console before (not recorded)
    t.note("Anna has written her report; she forwards the threat into it, then sends a PDF")
    await write_with_forward(anna)
    await t.press(anna, "send", "Ja, skicka")
    case = await latest(demo_app)
    await t.deliver()
    t.note("Pia takes the case, opens it and reads the report")
    await t.press(pia, f"ack:{case.alert_id}", "Jag tar det")
    await t.deliver()
    await t.say(pia, f"/arende {case.ref}")
    await t.say(pia, "Visa rapporten")
    t.note("she opens the forwarded message")
    await t.say(pia, "Öppna fil 1")
    t.note("the case on the web console")
    async with browser(demo_app) as client:
        await signed_in_as(lambda handle: Chat(demo_app, handle), "pia", client)
        page = await client.get(f"/cases/{case.ref}")
        t.page("pia", "GET", f"/cases/{case.ref}", page.status_code, page.text)
    file, data = await read_as(demo_app, "pia", case.ref)
    t.note("The evidence in her case file (PDF)")
    [evidence] = [s for s in file.sections if s.key == "evidence"]
    t.lines += [""] + [f"    {'   ' * e.indent}{e.text}" for e in evidence.entries]
    t.note("The evidence in the archive's JSON")
    shown = json.dumps(data["evidence"], indent=2, ensure_ascii=False)
    t.lines += [""] + [f"    {line}" for line in shown.splitlines()]
    t.check()
