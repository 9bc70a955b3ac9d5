"""3.1.1 done by the sending, everywhere a case's checklist is read after the fact.

Anna's case about her assignment went to Pia and, by the plan, to Sara at the municipal
security unit; Pia took it. Nobody answered 3.1.1 ("Har kommunens säkerhetsstrateg
kontaktats?"): the sending did. Sara, documenting the case later, and Kent, the municipal
director, read in the case file's timeline and in the archive's JSON that the unit was
contacted when the report was sent, and when; nobody is named as having answered it. A
stored answer still wins. Eve, who is not in Trygg, reads it without the unit's names.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import cli_case
from bot.app import App
from conversations.case.export import EXPORT
from conversations.casefile.archive import archive
from conversations.casefile.build import build, reader_context
from conversations.casefile.model import CaseFile
from storage.cases import CaseRepo
from storage.models import ChecklistAnswer, Person
from storage.viewer import Sender, Viewer
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_transcripts_check import reported_and_taken
from tests.test_trust import assert_no_people, file_report, ref_of
from tests.web_support import browser, link_in, sign_in, switch_on

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SENT_SV = "3.1.1 Kommunens säkerhetsenhet kontaktades när rapporten skickades till Sara Strand"
SENT_EN = (
    "3.1.1 The municipality's security unit was contacted when the report was sent to Sara Strand"
)
CONTACTED_SV = "Kommunens säkerhetsenhet är kontaktad (Sara Strand)."


async def read_as(
    app: App, handle: str, ref: str, locale: str = "sv", *, police: bool = False
) -> tuple[CaseFile, dict[str, Any]]:
    """The case file (``police``: the one for a police report) and the archive's JSON data
    as ``handle`` may read them."""
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        viewer = Viewer.of(person)
        report, access = await CaseRepo(session, app.keyring).by_ref(viewer, ref)
        ctx = reader_context(
            session,
            Sender.of(person),
            viewer,
            locale,
            app.catalogs,
            app.keyring,
            app.packs,
            app.clock(),
            document=True,
        )
        file = await build(ctx, report, access, pictures=False, police=police)
        return file, await archive(ctx, report, access)


def timeline_of(file: CaseFile) -> list[tuple[str, str]]:
    [part] = [s for s in file.sections if s.key == "timeline"]
    return [(e.label, e.text) for e in part.entries]


def item(data: dict[str, Any], step: str) -> dict[str, Any]:
    return next(c for c in data["checklist"] if c["step"] == step)


async def operator_json(app: App, ref: str, path: Path, locale: str) -> dict[str, Any]:
    """`trygg case export REF --json FILE`, read back."""
    args = argparse.Namespace(ref=ref, pdf=None, json=path, locale=locale)
    assert await cli_case.export(app, args) == 0
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


async def test_the_timeline_says_when_the_sending_contacted_the_unit(
    demo_app: App, clock: FakeClock
) -> None:
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara", "kent")
    clock.advance(days=3)  # Sara documents the case afterwards
    pia_file, _data = await read_as(demo_app, "pia", ref)
    [(sent_at, _text)] = [e for e in timeline_of(pia_file) if "Larm skickat till Sara" in e[1]]
    for handle in ("pia", "sara", "kent"):
        file, _data = await read_as(demo_app, handle, ref)
        moments = timeline_of(file)
        # at the time the report reached Sara; what happened, nobody's answer "(Sara Strand)"
        assert (sent_at, SENT_SV) in moments, (handle, moments)
        assert not [m for m in moments if m[1].startswith("3.1.1 Har")], (handle, moments)
    english, _data = await read_as(demo_app, "kent", ref, "en")
    assert SENT_EN in [text for _at, text in timeline_of(english)]


async def test_the_archive_reads_311_done_by_the_sending_with_no_one_answering(
    demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara", "kent")
    clock.advance(days=3)
    data = await operator_json(demo_app, ref, tmp_path / "case.json", "sv")
    first = item(data, "3.1.1")
    [alerted] = [
        m["at"] for m in data["timeline"] if m["what"].startswith("Larm skickat till Sara")
    ]
    assert first["done"] is True and first["answer"] is None
    assert first["done_by_sending"] == {"what": CONTACTED_SV, "at": alerted}
    assert "answered_by" not in first and "answered_at" not in first
    assert {"at": alerted, "what": SENT_SV} in data["timeline"]
    assert item(data, "3.1.2")["done"] is False and "done_by_sending" not in item(data, "3.1.2")
    english = await operator_json(demo_app, ref, tmp_path / "case_en.json", "en")
    assert item(english, "3.1.1")["done_by_sending"]["what"] == (
        "The municipality's security unit has been contacted (Sara Strand)."
    )
    assert {"at": alerted, "what": SENT_EN} in english["timeline"]
    for handle in ("sara", "kent"):  # as they may read it: the same
        _file, theirs = await read_as(demo_app, handle, ref)
        assert item(theirs, "3.1.1")["done_by_sending"] == first["done_by_sending"]
        assert {"at": alerted, "what": SENT_SV} in theirs["timeline"]
    async with demo_app.db.unit_of_work() as session:  # nothing was stored for it
        assert not (await session.scalars(select(ChecklistAnswer))).all()


async def test_a_stored_answer_to_311_wins_over_the_sending(
    demo_app: App, clock: FakeClock
) -> None:
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara")
    clock.advance(minutes=30)
    async with demo_app.db.unit_of_work() as session:
        pia = (await session.scalars(select(Person).where(Person.handle == "pia"))).one()
        repo = CaseRepo(session, demo_app.keyring)
        report, _access = await repo.by_ref(Viewer.of(pia), ref)
        await repo.answer_item(
            Viewer.of(pia),
            report,
            "3.1.1",
            "no",
            None,
            clock(),
            responsible=("party_security",),
        )
    file, data = await read_as(demo_app, "sara", ref)
    first = item(data, "3.1.1")
    assert (first["answer"], first["answered_by"], first["done"]) == ("no", "Pia Lind", True)
    assert "done_by_sending" not in first
    texts = [text for _at, text in timeline_of(file)]
    assert "3.1.1 Har kommunens säkerhetsstrateg kontaktats? – Nej (Pia Lind)" in texts
    assert SENT_SV not in texts and not [m for m in data["timeline"] if "kontaktades" in m["what"]]


async def test_a_reporter_outside_trygg_reads_it_without_the_units_names(
    demo_app: App, chat: Any
) -> None:
    ref = ref_of(await file_report(chat("eve"), unregistered=True))  # the plan sends it to Sara
    file, data = await read_as(demo_app, "eve", ref)
    texts = [text for _at, text in timeline_of(file)]
    assert "3.1.1 Kommunens säkerhetsenhet kontaktades när rapporten skickades" in texts
    assert item(data, "3.1.1")["done_by_sending"]["what"] == (
        "Kommunens säkerhetsenhet är kontaktad."
    )
    assert_no_people("\n".join(texts))
    assert_no_people(json.dumps(data, ensure_ascii=False))


def file_lines(file: CaseFile, keys: tuple[str, ...]) -> list[str]:
    """The parts of a case file as its reader reads them, as lines of text."""
    lines = []
    for section in (s for s in file.sections if s.key in keys):
        lines += ["", f"    ## {section.title}"]
        lines += [f"    {section.note}"] if section.note else []
        lines += [
            f"    {e.label} — {e.text}" if e.label else f"    {e.text}" for e in section.entries
        ]
    return lines


async def test_311_sent_to_unit_in_the_case_file_sv(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    """Golden: Sara reads the case on the web console, Kent asks for its PDF in the chat
    and reads its checklist and timeline, the operator exports it for the archive."""
    switch_on(demo_app, "https://trygg.example.se")
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara", "kent")
    t = Transcript("casefile_311_sent_to_unit_sv", demo_app)
    kent, sara = t.person("kent"), t.person("sara")
    clock.advance(days=3)
    t.note("Anna's report about her assignment went to Pia and, by the plan, to Sara at the unit")
    t.note("Three days later Sara documents the case on the web console")
    async with browser(demo_app, secure=True) as client:
        await sign_in(client, link_in(await sara.say("/webb")))
        page = await client.get(f"/cases/{ref}")
        t.page("sara", "GET", f"/cases/{ref}", page.status_code, page.text)
    t.note("Kent, the municipal director, asks for the case file in the chat")
    await t.say(kent, f"/arende {ref}")
    await t.press(kent, EXPORT, "PDF för polisanmälan")
    file, _data = await read_as(demo_app, "kent", ref, police=True)
    t.note("What Kent's PDF says in its checklist and timeline")
    t.lines += file_lines(file, ("checklist", "timeline"))
    t.note("The operator exports the case for the archive (trygg case export REF --json)")
    data = await operator_json(demo_app, ref, tmp_path / "case.json", "sv")
    shown = {"checklist": data["checklist"][:2], "timeline": data["timeline"]}
    t.lines += [""] + [
        f"    {line}" for line in json.dumps(shown, indent=2, ensure_ascii=False).splitlines()
    ]
    t.check()
    said = t.text()
    assert said.count(SENT_SV) == 3, said  # the web page, Kent's PDF, the archive
    assert "3.1.1 Har kommunens säkerhetsstrateg kontaktats? — " + CONTACTED_SV in said
