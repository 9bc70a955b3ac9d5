"""The incident report (/rapportera) as transcripts through the conversation core.

Each script step is ``(what the person types, expected substrings, forbidden substrings)``;
input is typed as in the console: a /command, a button label or number, or free text.
Most tests run on SQLite and PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from bot.app import App
from conversations.alerts import ALERT
from conversations.events import Attachment, EventKind, InboundEvent
from conversations.packs import PackLibrary
from conversations.report_form import STEPS, R
from storage.crypto import DecryptionFailed
from storage.errors import NotFound
from storage.models import Alert, Evidence, OutboxMessage, Person, Report, ReportStatus
from storage.reports import ReportRepo
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock

Step = tuple[str, Sequence[str], Sequence[str]]

REFERENCE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
PACK = PackLibrary().get("oxelosund")
MB = 1024 * 1024

# Distinctive answers: they must show up in the summary, and never in clear in the database.
SV_WHAT_1 = "Hotbrevet kom i brevlådan på tisdagen"
SV_WHAT_2 = "Det stod att de vet var mina barn går i skolan"
SV_WHERE = "Hemma på Ekgatan, efter kommunfullmäktige"
SV_WITNESSES = "Min granne Lisa såg brevbäraren"
SV_PERP = "Man runt femtio, skånsk dialekt, grå jacka"
SV_GROUP = "Nordfrontens lokalavdelning"
SV_FEELING = "Jag sover dåligt och vågar inte gå ut ensam"
EN_WHAT_1 = "A man shouted at me outside the library"
EN_WHAT_2 = "He said he would burn down my house"
EN_WHERE = "Outside the town library after the council meeting"
EN_WITNESSES = "My colleague Kim heard everything"
EN_PERP = "Young man, about twenty, northern accent"
EN_GROUP = "The Harbour Boys"
EN_FEELING = "I keep checking the window at night"

SV_SKIP = "Hoppa över"
EN_SKIP = "Skip"
SV_SUMMARY = "Din rapport – kontrollera innan du skickar:"
EN_SUMMARY = "Your report – check it before sending:"


# --- helpers ---------------------------------------------------------------------------------


async def run(person: Chat, script: Sequence[Step]) -> str:
    """Play a script; every expected piece must be in the reply, no forbidden piece."""
    reply = ""
    for n, (typed, expected, forbidden) in enumerate(script, 1):
        reply = await person.say(typed)
        for piece in expected:
            assert piece in reply, f"step {n} {typed!r}: expected {piece!r} in\n{reply}"
        for piece in forbidden:
            assert piece not in reply, f"step {n} {typed!r}: {piece!r} must not be in\n{reply}"
        assert "Traceback" not in reply
    return reply


def labels(person: Chat) -> list[str]:
    return [shown for _, shown, _ in person.buttons]


def event(person: Chat, kind: EventKind, **fields: Any) -> InboundEvent:
    return InboundEvent(f"t-{uuid.uuid4().hex}", person.channel, person.address, kind, **fields)


async def attach(
    person: Chat, content: bytes | None, *, size: int | None = None, kind: str = "photo"
) -> str:
    """Send a file the way a transport would (the bytes already fetched)."""
    attachment = Attachment(
        kind=kind,
        file_ref=f"file-{uuid.uuid4().hex[:8]}",
        size=len(content) if size is None and content is not None else size,
        mime_type="image/jpeg",
        name="hotbrev.jpg",
        content=content,
    )
    replies = await person.send(event(person, EventKind.ATTACHMENT, attachment=attachment))
    return Chat.text(replies)


async def sticker(person: Chat) -> str:
    return Chat.text(await person.send(event(person, EventKind.UNSUPPORTED)))


async def person_id(app: App, handle: str) -> int:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.id).where(Person.handle == handle))).one()


async def reports(app: App, handle: str) -> list[Report]:
    """The person's reports, oldest first."""
    pid = await person_id(app, handle)
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(Report).where(Report.reporter_id == pid).order_by(Report.created_at)
        )
        return list(rows.all())


async def only_report(app: App, handle: str) -> Report:
    found = await reports(app, handle)
    assert len(found) == 1, f"{handle} has {len(found)} reports"
    return found[0]


async def opened(app: App, report: Report) -> dict[str, Any]:
    """Open a report's sealed answers."""
    async with app.db.unit_of_work() as session:
        return ReportRepo(session, app.keyring).answers(report)


async def answers(app: App, handle: str) -> dict[str, Any]:
    """Open the sealed answers of the person's only report."""
    return await opened(app, await only_report(app, handle))


async def evidence_rows(app: App, report_id: str) -> list[Evidence]:
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(select(Evidence).where(Evidence.report_id == report_id))
        return list(rows.all())


async def outbox(app: App) -> list[tuple[str, str, dict[str, Any]]]:
    """(recipient handle, kind, payload) of every outbox row."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Person.handle, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.recipient_id == Person.id)
            .order_by(OutboxMessage.id)
        )
        return [(handle, m.kind, dict(m.payload)) for handle, m in rows.all()]


async def alerted(app: App) -> set[tuple[str, str | None]]:
    """(recipient handle, report id) of every alert push queued in the outbox."""
    async with app.db.unit_of_work() as session:
        reports_of = dict((await session.execute(select(Alert.id, Alert.report_id))).all())
    return {(h, reports_of[p["alert"]]) for h, kind, p in await outbox(app) if kind == ALERT}


def question(key: str, locale: str = "sv") -> str:
    """The pack's wording of a question (the first line the bot shows for it)."""
    return PACK.questions[key].text.get(locale)


def label(field: str, choice_id: str, locale: str = "sv") -> str:
    choices = getattr(PACK, field)
    return next(c.label.get(locale) for c in choices if c.id == choice_id)


def action_items(category: str, locale: str) -> list[str]:
    return [item.get(locale) for item in PACK.action_lists["targeted"][category].items]


async def skip_to_summary(person: Chat, skip: str, summary: str, limit: int = 40) -> str:
    """Press Skip on every question until the summary shows; return the summary."""
    reply = ""
    for _ in range(limit):
        reply = await person.say(skip)
        if summary in reply:
            return reply
        assert skip in labels(person), f"no {skip!r} on an optional question:\n{reply}"
    pytest.fail(f"the summary never came:\n{reply}")


async def start_minimal(person: Chat, what: str, category: str = "party") -> str:
    """Swedish: answer the required questions, stop at the question after 'what happened'."""
    return await run(
        person,
        [
            ("/rapportera", [question("reporter")], []),
            ("Det hände mig", [question("targeted")], []),
            (SV_SKIP, [question("category")], []),
            (label("categories", category), [question("kinds")], []),
            (SV_SKIP, [question("channels")], []),
            (SV_SKIP, [question("what")], []),
            (what, ["Sparat. Skriv mer, eller tryck Klar."], []),
            ("Klar", [question("when_where")], []),
        ],
    )


async def minimal_summary(person: Chat, what: str, category: str = "party") -> str:
    await start_minimal(person, what, category)
    return await skip_to_summary(person, SV_SKIP, SV_SUMMARY)


# --- 1. a full report, every question answered -----------------------------------------------

SV_FULL: list[Step] = [
    (
        "/rapportera",
        [
            "Vi skriver rapporten tillsammans. Allt du svarar sparas direkt",
            "I fara nu: ring 112.",
            question("reporter"),
            "[1] Det hände mig  [2] Jag rapporterar för någon annan",
        ],
        [SV_SKIP],
    ),
    ("Det hände mig", [question("targeted"), "Skriv ditt svar, eller tryck Hoppa över."], []),
    ("Byggnadsnämnden", [question("category"), label("categories", "party")], [SV_SKIP]),
    (label("categories", "party"), [question("kinds"), "Välj allt som stämmer"], ["✓"]),
    ("Hot om våld", ["✓ Hot om våld", "] Hat  ["], ["✓ Hat"]),
    ("Hat", ["✓ Hot om våld", "✓ Hat"], []),
    ("Trakasserier, stalkning", ["✓ Trakasserier, stalkning"], []),
    ("✓ Trakasserier, stalkning", ["] Trakasserier, stalkning  [", "✓ Hat"], ["✓ Trakasserier"]),
    ("Klar", [question("channels")], []),
    ("Brev", ["✓ Brev"], []),
    ("Sociala medier", ["✓ Brev", "✓ Sociala medier"], []),
    ("Klar", [question("what")], [SV_SKIP]),
    (SV_WHAT_1, ["Sparat. Skriv mer, eller tryck Klar."], []),
    (SV_WHAT_2, ["Sparat. Skriv mer, eller tryck Klar."], []),
    ("Klar", [question("when_where"), "[1] Just nu  [2] I dag  [3] I går  [4] En annan dag"], []),
    ("I går", ["Var hände det, och i vilket sammanhang?"], []),
    (SV_WHERE, [question("witnesses"), "Ingen annan såg det"], []),
    (SV_WITNESSES, [question("reached")], []),
    ("Ja", [question("perpetrator")], []),
    ("Känd", ["En eller flera personer?"], []),
    ("En", ["Beskriv om du kan: kön, ungefärlig ålder, dialekt"], []),
    (SV_PERP, ["Har förövaren utsatt andra förtroendevalda?"], []),
    ("Nej", [question("group")], []),
    ("Ja", ["Vilken grupp eller falang?"], []),
    (SV_GROUP, [question("trigger")], []),
    ("Ett beslut", [question("measures")], []),
    ("Polisanmälan gjord", ["Skyddsåtgärder som redan beslutats eller som du önskar?"], []),
    ("Skyddsåtgärder för den utsatte", ["✓ Skyddsåtgärder för den utsatte"], []),
    ("Klar", [question("experience")], []),
    ("Skrämmande", ["Tror du att det var allvarligt menat?"], []),
    ("Ja", ["Något mer om hur det kändes?"], []),
    (SV_FEELING, [question("evidence"), "[1] Jag har inga bevis"], []),
]
SV_SUMMARY_LINES = [
    SV_SUMMARY,
    "Vem rapporterar: Det hände mig",
    "Nämnd/styrelse: Byggnadsnämnden",
    f"Varifrån det kommer: {label('categories', 'party')}",
    "Vilken sorts: Hot om våld, Hat",
    "Hur det kom fram: Brev, Sociala medier",
    f"Vad hände: {SV_WHAT_1}\n{SV_WHAT_2}",
    "När: 2026-11-21",
    f"Var: {SV_WHERE}",
    f"Vittnen: {SV_WITNESSES}",
    "Nådde fram till mottagaren: Ja",
    "Förövare: Känd",
    "   Antal: En",
    f"   Beskrivning: {SV_PERP}",
    "   Har utsatt andra: Nej",
    "Grupp eller falang: Ja",
    f"   Vilken grupp: {SV_GROUP}",
    "Utlösande faktor: Ett beslut",
    "Åtgärder: Polisanmälan gjord",
    "   Skyddsåtgärder: Skyddsåtgärder för den utsatte",
    "Hur det upplevdes: Skrämmande",
    "   Allvarligt menat: Ja",
    f"   Mer om hur det kändes: {SV_FEELING}",
    "Bevis: 1 fil",
]

EN_FULL: list[Step] = [
    (
        "/report",
        [
            "Let's write the report together.",
            question("reporter", "en"),
            "[1] It happened to me  [2] I report for someone else",
        ],
        [EN_SKIP],
    ),
    ("It happened to me", [question("targeted", "en"), "Write your answer, or press Skip."], []),
    ("Planning committee", [question("category", "en")], [EN_SKIP]),
    (label("categories", "assignment", "en"), [question("kinds", "en")], ["✓"]),
    ("Blackmail", ["✓ Blackmail"], []),
    ("Threat of violence", ["✓ Blackmail", "✓ Threat of violence"], []),
    ("Done", [question("channels", "en")], []),
    ("In person", ["✓ In person"], []),
    ("Done", [question("what", "en")], [EN_SKIP]),
    (EN_WHAT_1, ["Saved. Write more, or press Done."], []),
    (EN_WHAT_2, ["Saved. Write more, or press Done."], []),
    ("Done", [question("when_where", "en"), "[3] Yesterday"], []),
    ("Yesterday", ["Where did it happen, and in what context?"], []),
    (EN_WHERE, [question("witnesses", "en"), "Nobody else saw it"], []),
    (EN_WITNESSES, [question("reached", "en")], []),
    ("No", [question("perpetrator", "en")], []),
    ("Unknown", ["One person or several?"], []),
    ("Several", ["Describe them if you can"], []),
    (EN_PERP, ["Have they targeted other elected officials?"], []),
    ("Yes", [question("group", "en")], []),
    ("Yes", ["Which group or faction?"], []),
    (EN_GROUP, [question("trigger", "en")], []),
    ("A political issue", [question("measures", "en")], []),
    ("Not decided yet", ["Protective measures already decided or wanted?"], []),
    ("Police report", ["✓ Police report"], []),
    ("Done", [question("experience", "en")], []),
    ("Somewhat", ["Do you think it was seriously meant?"], []),
    ("Don't know", ["Anything else about how it felt?"], []),
    (EN_FEELING, [question("evidence", "en"), "[1] I have no evidence"], []),
]
EN_SUMMARY_LINES = [
    EN_SUMMARY,
    "Who reports: It happened to me",
    "Committee/board: Planning committee",
    f"Where it comes from: {label('categories', 'assignment', 'en')}",
    "What kind: Blackmail, Threat of violence",
    "How it came: In person",
    f"What happened: {EN_WHAT_1}\n{EN_WHAT_2}",
    "When: 2026-11-21",
    f"Where: {EN_WHERE}",
    f"Witnesses: {EN_WITNESSES}",
    "Reached the recipient: No",
    "Perpetrator: Unknown",
    "   How many: Several",
    f"   Description: {EN_PERP}",
    "   Targeted others: Yes",
    "Group or faction: Yes",
    f"   Which group: {EN_GROUP}",
    "Trigger: A political issue",
    "Measures: Not decided yet",
    "   Protective measures: Police report",
    "How it felt: Somewhat",
    "   Seriously meant: Don't know",
    f"   More about how it felt: {EN_FEELING}",
    "Evidence: 1 file",
]

ESCALATE_AFTER = 121  # minutes: the pack's ack_minutes_report (120) have passed


@dataclass(frozen=True)
class FullCase:
    handle: str
    locale: str
    script: list[Step]
    summary: list[str]
    category: str
    told_now: str  # the reply names who is alerted now ...
    told_later: str | None  # ... and who next if nobody takes it
    not_told: list[str]
    alerted_now: set[str]
    alerted_later: list[set[str]]  # each time nobody has taken it in time, the next level


FULL_CASES = {
    "anna-sv": FullCase(
        "anna",
        "sv",
        SV_FULL,
        SV_SUMMARY_LINES,
        "party",
        "Det här får veta nu: Pia Lind.",
        "Om ingen tar det inom 2 timmar larmar jag Per Ek.",
        ["Britt Holm"],
        {"pia"},
        [{"per"}, {"sara"}],
    ),
    # The municipal assignment: the plan tells the municipal security unit at once.
    "bo-en": FullCase(
        "bo",
        "en",
        EN_FULL,
        EN_SUMMARY_LINES,
        "assignment",
        "Who is told now: Britt Holm, Sara Strand.",
        None,
        ["Pia Lind", "Per Ek", "If nobody takes it"],
        {"britt", "sara"},
        [],
    ),
}


@pytest.mark.parametrize("case", list(FULL_CASES))
async def test_full_report_every_question_answered(
    demo_app: App, chat: Any, case: str, clock: FakeClock
) -> None:
    c = FULL_CASES[case]
    person = chat(c.handle)
    await run(person, c.script)

    # Evidence: the reply names its size; the row keeps size and SHA-256, sealed content.
    photo = b"\x89PNG-fake-threat-letter-" * 200  # 5,000 bytes
    reply = await attach(person, photo)
    saved = {"sv": "Sparat som bevis (photo, 4 kB", "en": "Saved as evidence (photo, 4 kB"}
    assert saved[c.locale] in reply, reply
    report = await only_report(demo_app, c.handle)
    [row] = await evidence_rows(demo_app, report.id)
    assert (row.kind, row.size) == ("photo", len(photo))
    assert row.sha256 is None  # in clear it would confirm a known file: sealed in the meta
    assert row.received_at == clock.now
    assert photo not in row.content
    reporter = await person_id(demo_app, c.handle)
    async with demo_app.db.unit_of_work() as session:
        owner = Viewer.of(await session.get_one(Person, reporter))
        repo = ReportRepo(session, demo_app.keyring)
        assert repo.open_evidence(owner, report, row) == photo
        assert repo.meta_of(row.id, row.meta)["sha256"] == hashlib.sha256(photo).hexdigest()
        [info] = await repo.evidence(owner, report)
        assert info.sha256 == hashlib.sha256(photo).hexdigest()

    summary = await person.say("Klar" if c.locale == "sv" else "Done")
    for line in c.summary:
        assert line in summary, f"{line!r} not in the summary:\n{summary}"
    assert (await only_report(demo_app, c.handle)).status is ReportStatus.DRAFT
    assert await outbox(demo_app) == []  # nobody is told before "Send"

    sent = await person.say("Skicka" if c.locale == "sv" else "Send")
    reference = REFERENCE.search(sent)
    assert reference is not None, sent
    assert c.told_now in sent
    if c.told_later:
        assert c.told_later in sent
    for name in c.not_told:
        assert name not in sent
    for item in action_items(c.category, c.locale):
        assert item in sent
    advice = PACK.police_report_advice
    assert advice is not None
    assert advice.get(c.locale) in sent
    assert ("åtkomstskyddad" if c.locale == "sv" else "access-protected") in sent

    report = await only_report(demo_app, c.handle)
    assert report.status is ReportStatus.SUBMITTED
    assert report.ref == reference.group()
    assert report.category == c.category
    assert report.submitted_at == clock.now
    assert report.targeted_id == reporter
    assert await alerted(demo_app) == {(h, report.id) for h in c.alerted_now}
    for _h, _kind, payload in await outbox(demo_app):
        assert set(payload) <= {"alert", "escalated", "reminder"}  # ids only, no report text

    # Nobody takes it: the plan's next level is told, one level at a time.
    told = set(c.alerted_now)
    for level in [*c.alerted_later, set()]:
        clock.advance(minutes=ESCALATE_AFTER)
        await demo_app.timer_runner().run_due()
        told |= level
        assert {h for h, _ in await alerted(demo_app)} == told


# --- 2. every optional question can be skipped; required ones cannot --------------------------


async def test_every_optional_step_skipped_still_reaches_summary(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    reply = await anna.say("/rapportera")
    assert question("reporter") in reply
    assert SV_SKIP not in labels(anna)  # required: who reports
    reply = await anna.say(SV_SKIP)  # typed, it is not a button here: nothing is skipped
    assert question("reporter") in reply
    assert "Det hände mig" in labels(anna)

    await anna.say("Det hände mig")
    assert SV_SKIP in labels(anna)  # committee/board is optional
    reply = await anna.say(SV_SKIP)
    assert question("category") in reply
    assert SV_SKIP not in labels(anna)  # required: where it comes from
    await anna.say(label("categories", "assignment"))
    reply = await anna.say(SV_SKIP)  # kinds
    reply = await anna.say(SV_SKIP)  # channels
    assert question("what") in reply
    assert SV_SKIP not in labels(anna)  # required: what happened
    assert "Klar" not in labels(anna)  # nothing written yet, so nothing to finish
    # Forcing the Skip button with the current token does not skip a required question.
    reply = await anna.press("nav:skip", token=anna.buttons[0][2])
    assert question("what") in reply
    assert "what" not in await answers(demo_app, "anna")
    await anna.say("Någon klottrade hot på min bil")
    await anna.say("Klar")

    optional_after_what = [
        s.state
        for s in STEPS[[step.state for step in STEPS].index(R.WHAT) + 1 :]
        if s.optional and s.applies({})
    ]
    skips = 0
    reply = ""
    while SV_SUMMARY not in reply:
        assert SV_SKIP in labels(anna), reply
        reply = await anna.say(SV_SKIP)
        skips += 1
        assert skips <= len(optional_after_what), reply
    assert skips == len(optional_after_what)

    stored = await answers(demo_app, "anna")
    for state in optional_after_what:
        assert stored[state] is None, state
    assert "Vem rapporterar: Det hände mig" in reply
    assert "Nämnd/styrelse: –" in reply
    assert "Vad hände: Någon klottrade hot på min bil" in reply
    assert "Bevis: –" in reply

    sent = await anna.say("Skicka")
    assert REFERENCE.search(sent), sent
    # The municipal assignment: the plan tells the municipal security unit at once too.
    assert "Det här får veta nu: Pia Lind, Sara Strand." in sent
    assert "Om ingen tar det inom 2 timmar larmar jag Per Ek." in sent
    for item in action_items("assignment", "sv"):
        assert item in sent
    report = await only_report(demo_app, "anna")
    assert report.status is ReportStatus.SUBMITTED
    assert await alerted(demo_app) == {("pia", report.id), ("sara", report.id)}


# --- 3. Back ---------------------------------------------------------------------------------


async def test_back_returns_to_the_previous_question_and_keeps_answers(
    demo_app: App, chat: Any
) -> None:
    anna = chat("anna")
    await run(
        anna,
        [
            ("/rapportera", [question("reporter")], []),
            ("Det hände mig", [question("targeted")], []),
            ("Kulturnämnden", [question("category")], []),
            (label("categories", "internal"), [question("kinds")], []),
            ("Utpressning", ["✓ Utpressning"], []),
            ("Tillbaka", [question("category")], [question("kinds")]),
            ("Tillbaka", [question("targeted")], [question("category")]),
            ("Tillbaka", [question("reporter")], [question("targeted")]),
        ],
    )
    stored = await answers(demo_app, "anna")
    assert stored[R.WHO] == "self"
    assert stored[R.COMMITTEE] == "Kulturnämnden"
    assert stored[R.CATEGORY] == "internal"
    assert stored[R.KINDS] == ["blackmail"]

    await run(
        anna,
        [
            ("Det hände mig", [question("targeted")], []),
            ("Hoppa över", [question("category")], []),  # skipping now clears the committee
            (label("categories", "internal"), [question("kinds"), "✓ Utpressning"], []),
            ("Klar", [question("channels")], []),
            ("Klar", [question("what")], []),
            ("Han ringde mitt i natten", ["Sparat."], []),
            ("Tillbaka", [question("channels")], []),
            ("Klar", [question("what"), "] Klar"], []),  # the text is still there: Done shown
            ("Klar", [question("when_where")], []),
            ("En annan dag", ["Vilken dag?"], []),
            ("2026-11-01", ["Var hände det"], []),
            ("Tillbaka", ["Vilken dag?"], []),
            ("Tillbaka", [question("when_where")], []),
            ("Tillbaka", [question("what"), "] Klar"], []),
        ],
    )
    stored = await answers(demo_app, "anna")
    assert stored[R.COMMITTEE] is None
    assert stored[R.WHAT] == ["Han ringde mitt i natten"]
    assert stored["when_date"] == "2026-11-01"


# --- 4. edit from the summary ------------------------------------------------------------------


async def test_edit_from_the_summary(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    summary = await minimal_summary(anna, "Första versionen av händelsen")
    assert "Vad hände: Första versionen av händelsen" in summary
    assert "Vad hände" in labels(anna)

    reply = await anna.say("Vad hände")
    assert question("what") in reply
    assert "] Klar" in reply  # what was written is kept until Done
    await anna.say("Rättelse: det var två personer")
    summary = await anna.say("Klar")
    assert SV_SUMMARY in summary
    assert "Rättelse: det var två personer" in summary
    assert "Första versionen" not in summary  # the edit replaced the old text
    assert "När: –" in summary  # other answers untouched; no question asked again

    # "Someone else" opens the proxy sub-questions, then goes back to the summary.
    reply = await anna.say("Vem rapporterar")
    assert question("reporter") in reply
    await run(
        anna,
        [
            ("Jag rapporterar för någon annan", ["Vem är du? Ditt namn"], [SV_SKIP]),
            ("Lena Ek, gruppledare, kollega", ["Vem utsattes? Personens namn."], [SV_SKIP]),
            (
                "Anna Berg",
                [
                    SV_SUMMARY,
                    "Vem rapporterar: Jag rapporterar för någon annan",
                    "   Rapportör: Lena Ek, gruppledare, kollega",
                    "Utsatt: Anna Berg",
                    "Rättelse: det var två personer",
                ],
                [],
            ),
        ],
    )
    stored = await answers(demo_app, "anna")
    assert stored[R.WHO] == "other"
    assert stored[R.PROXY] == "Lena Ek, gruppledare, kollega"

    # Edit a single choice: straight back to the summary.
    await anna.say("Varifrån det kommer")
    summary = await anna.say(label("categories", "unknown"))
    assert SV_SUMMARY in summary
    assert f"Varifrån det kommer: {label('categories', 'unknown')}" in summary
    assert (await only_report(demo_app, "anna")).category == "unknown"
    sent = await anna.say("Skicka")
    assert REFERENCE.search(sent), sent


# --- 5. dates --------------------------------------------------------------------------------


async def test_a_future_date_is_refused_and_day_month_accepted(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    await start_minimal(anna, "Ett hotfullt sms")
    refused = "Det är i framtiden. När hände det? Skriv ett datum till och med i dag."
    await run(
        anna,
        [
            ("2030-01-01", [refused, question("when_where")], ["Var hände det"]),
            ("En annan dag", ["Vilken dag? Skriv datumet"], []),
            ("2026-12-24", [refused, "Vilken dag?"], ["Var hände det"]),
            ("23/11", [refused], ["Var hände det"]),  # tomorrow (the clock says 22 Nov, 23:00)
            ("22/11 23:30", [refused], ["Var hände det"]),  # today, but half an hour ahead
            ("igår kväll", ["Jag förstod inte datumet."], ["Var hände det"]),
            ("31/02", ["Jag förstod inte datumet."], ["Var hände det"]),
        ],
    )
    stored = await answers(demo_app, "anna")
    assert stored[R.WHEN] == "other"
    assert stored[R.WHEN_DATE] is None  # nothing stored from the refused dates

    await run(anna, [("20/11", ["Var hände det, och i vilket sammanhang?"], [refused])])
    assert (await answers(demo_app, "anna"))["when_date"] == "2026-11-20"
    await run(
        anna,
        [
            ("Tillbaka", ["Vilken dag?"], []),
            ("20/11 21:30", ["Var hände det"], []),
            ("Tillbaka", ["Vilken dag?"], []),
            ("22.11.2026 22:45", ["Var hände det"], []),
        ],
    )
    assert (await answers(demo_app, "anna"))["when_date"] == "2026-11-22T22:45+01:00"
    # A date typed at the quick buttons is taken as well.
    await run(
        anna,
        [
            ("Tillbaka", ["Vilken dag?"], []),
            ("Tillbaka", [question("when_where")], []),
            ("2026-11-19", ["Var hände det"], []),
        ],
    )
    assert (await answers(demo_app, "anna"))["when_date"] == "2026-11-19"
    summary = await skip_to_summary(anna, SV_SKIP, SV_SUMMARY)
    assert "När: 2026-11-19" in summary


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_day_month_in_january_means_last_december(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    clock.now = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
    anna = chat("anna")
    await start_minimal(anna, "Ett brev kom till jul")
    await run(
        anna,
        [
            ("En annan dag", ["Vilken dag?"], []),
            ("5/6", ["Det är i framtiden."], ["Var hände det"]),  # not last June: a typo?
            ("28/12", ["Var hände det"], ["framtiden"]),
        ],
    )
    assert (await answers(demo_app, "anna"))["when_date"] == "2026-12-28"


# --- 6. resume ---------------------------------------------------------------------------------


async def test_resume_continue_new_and_delete(demo_app: App, chat: Any, clock: FakeClock) -> None:
    anna = chat("anna")
    await run(
        anna,
        [
            ("/rapportera", [question("reporter")], []),
            ("Det hände mig", [question("targeted")], []),
            ("Socialnämnden", [question("category")], []),
            ("/akut", ["Ring 112"], [question("category")]),
            (
                "/rapportera",
                [
                    "Du har en påbörjad rapport från",
                    "[1] Fortsätt rapporten  [2] Börja en ny rapport  [3] Radera utkastet",
                ],
                [question("reporter")],
            ),
            ("Fortsätt rapporten", [question("category")], ["Vi skriver rapporten"]),
            (label("categories", "party"), [question("kinds")], []),
        ],
    )
    stored = await answers(demo_app, "anna")
    assert stored[R.COMMITTEE] == "Socialnämnden"
    assert stored[R.CATEGORY] == "party"
    first = (await only_report(demo_app, "anna")).id

    # "Start a new report": the old draft goes, a fresh one starts at the first question.
    await run(
        anna,
        [
            ("/meny", [], []),
            ("/rapportera", ["Du har en påbörjad rapport från"], []),
            ("Börja en ny rapport", ["Vi skriver rapporten", question("reporter")], []),
        ],
    )
    fresh = await only_report(demo_app, "anna")
    assert fresh.id != first
    assert await answers(demo_app, "anna") == {"_at": "who"}

    # "Delete the draft": nothing is left.
    await run(
        anna,
        [
            ("/akut", [], []),
            ("/rapportera", ["Du har en påbörjad rapport från"], []),
            ("Radera utkastet", ["Utkastet är raderat."], [question("reporter")]),
        ],
    )
    assert await reports(demo_app, "anna") == []

    # After 31 minutes of silence the next message is not taken as an answer.
    await run(
        anna,
        [
            ("/rapportera", [question("reporter")], ["påbörjad"]),
            ("Det hände mig", [question("targeted")], []),
        ],
    )
    clock.advance(minutes=31)
    reply = await anna.say("Miljönämnden")
    assert "Du har en påbörjad rapport från" in reply
    assert "23:00" in reply  # from the last answer (22:00 UTC), not from now
    assert "23:31" not in reply
    assert "Fortsätt rapporten" in reply
    assert R.COMMITTEE not in await answers(demo_app, "anna")
    await run(
        anna,
        [
            ("Fortsätt rapporten", [question("targeted")], []),
            ("Miljönämnden", [question("category")], []),
        ],
    )
    assert (await answers(demo_app, "anna"))[R.COMMITTEE] == "Miljönämnden"

    # 29 minutes is not silence.
    clock.advance(minutes=29)
    await run(anna, [(label("categories", "party"), [question("kinds")], ["påbörjad"])])


async def test_resume_at_the_summary_and_while_writing(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    anna = chat("anna")
    await start_minimal(anna, "Det första jag minns")
    await anna.say("Tillbaka")  # back at 'what happened', written text kept
    await anna.say("Det andra jag minns")
    clock.advance(days=3)
    reply = await anna.say("/rapportera")
    assert "Du har en påbörjad rapport från" in reply
    reply = await anna.say("Fortsätt rapporten")
    assert question("what") in reply
    assert "] Klar" in reply
    assert (await answers(demo_app, "anna"))[R.WHAT] == [
        "Det första jag minns",
        "Det andra jag minns",
    ]


# --- 7. /avbryt --------------------------------------------------------------------------------


async def test_cancel_asks_before_discarding(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    await run(
        anna,
        [
            ("/avbryt", ["Det finns inget att avbryta."], []),
            ("/rapportera", [question("reporter")], []),
            ("Det hände mig", [question("targeted")], []),
            ("Fritidsnämnden", [question("category")], []),
            (
                "/avbryt",
                [
                    "Vill du radera den påbörjade rapporten? Det går inte att ångra.",
                    "[1] Ja, radera  [2] Nej, fortsätt",
                ],
                [],
            ),
            ("Nej, fortsätt", [question("category")], ["raderad"]),
        ],
    )
    assert (await answers(demo_app, "anna"))[R.COMMITTEE] == "Fritidsnämnden"
    await run(
        anna,
        [
            (label("categories", "party"), [question("kinds")], []),
            ("/avbryt", ["Vill du radera den påbörjade rapporten?"], []),
            ("Ja, radera", ["Rapporten är raderad. Inget skickades."], [question("kinds")]),
        ],
    )
    assert await reports(demo_app, "anna") == []
    assert await outbox(demo_app) == []
    await run(anna, [("/avbryt", ["Det finns inget att avbryta."], [])])


# --- 8. bad input ------------------------------------------------------------------------------


async def test_unsupported_input_leaves_the_report_unchanged(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    await run(
        anna,
        [
            ("/rapportera", [], []),
            ("Det hände mig", [], []),
            ("Byggnadsnämnden", [], []),
            (label("categories", "party"), [], []),
            ("Hot om våld", ["✓ Hot om våld"], []),
        ],
    )
    before = await answers(demo_app, "anna")
    buttons = anna.buttons
    reply = await sticker(anna)
    assert "Det kan jag inte använda här – skriv, eller skicka en bild." in reply
    assert question("kinds") in reply  # the open question again
    assert await answers(demo_app, "anna") == before
    assert anna.buttons == buttons  # same keyboard, same token: still usable
    reply = await anna.say("Hat")
    assert "✓ Hot om våld" in reply
    assert "✓ Hat" in reply

    # A file before the evidence question is not taken as an answer.
    reply = await attach(anna, b"early photo")
    assert "Jag frågar efter bevis i slutet av rapporten" in reply
    assert (await answers(demo_app, "anna"))[R.KINDS] == ["threat", "hate"]
    report = await only_report(demo_app, "anna")
    assert await evidence_rows(demo_app, report.id) == []


async def test_editing_an_earlier_message_never_overwrites_another(
    demo_app: App, chat: Any
) -> None:
    anna = chat("anna")
    await run(
        anna,
        [
            ("/rapportera", [], []),
            ("Det hände mig", [], []),
            (SV_SKIP, [], []),
            (label("categories", "party"), [], []),
            (SV_SKIP, [], []),
            (SV_SKIP, [question("what")], []),
        ],
    )
    for ref, written in (("101", "Först kom ett sms"), ("102", "Sedan ringde han")):
        reply = Chat.text(await anna.send(event(anna, EventKind.TEXT, text=written, ref=ref)))
        assert "Sparat. Skriv mer" in reply
    done = next(token for i, _, token in anna.buttons if i == "done")
    reply = Chat.text(await anna.send(event(anna, EventKind.EDIT, text="Först ett mms", ref="101")))
    assert "Du ändrade ett tidigare meddelande. Jag har inte ändrat något" in reply
    assert (await answers(demo_app, "anna"))[R.WHAT] == ["Först kom ett sms", "Sedan ringde han"]
    reply = Chat.text(
        await anna.send(event(anna, EventKind.EDIT, text="Sedan ringde hon", ref="102"))
    )
    assert "Jag uppdaterade ditt senaste meddelande i rapporten." in reply
    assert (await answers(demo_app, "anna"))[R.WHAT] == ["Först kom ett sms", "Sedan ringde hon"]
    await anna.press("done", token=done)  # the keyboard under the messages is still valid
    summary = await skip_to_summary(anna, SV_SKIP, SV_SUMMARY)
    assert "Vad hände: Först kom ett sms\nSedan ringde hon" in summary


async def test_very_long_text_is_stored_whole(demo_app: App, chat: Any) -> None:
    long_text = "".join(f"Rad {n:05d}: han stod utanför igen. " for n in range(400))[:10_000]
    assert len(long_text) == 10_000
    anna = chat("anna")
    await start_minimal(anna, long_text)
    assert (await answers(demo_app, "anna"))[R.WHAT] == [long_text]
    summary = await skip_to_summary(anna, SV_SKIP, SV_SUMMARY)
    assert long_text[:200] in summary
    assert long_text not in summary  # the summary shows an excerpt only
    assert "…" in summary
    assert REFERENCE.search(await anna.say("Skicka"))
    report = await only_report(demo_app, "anna")
    assert report.status is ReportStatus.SUBMITTED
    assert (await opened(demo_app, report))[R.WHAT] == [long_text]


async def test_bad_evidence_is_refused(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    await start_minimal(anna, "Ett paket med hotbrev")
    for _ in range(40):
        if "Jag har inga bevis" in labels(anna):
            break
        await anna.say(SV_SKIP)
    report = await only_report(demo_app, "anna")

    reply = await attach(anna, None, size=21 * MB, kind="video")
    assert "20 MB" in reply
    assert question("evidence") in reply  # asked again
    reply = await attach(anna, b"", kind="document")
    assert "Filen är tom, så jag sparade den inte." in reply
    assert await evidence_rows(demo_app, report.id) == []
    reply = await sticker(anna)
    assert "Det kan jag inte använda här" in reply

    reply = await attach(anna, b"x" * 20 * MB, kind="document")  # exactly the limit is fine
    assert "Sparat som bevis (document, 20480 kB" in reply
    reply = await attach(anna, b"voice message", kind="voice")
    assert "Sparat som bevis (voice, 1 kB" in reply
    assert len(await evidence_rows(demo_app, report.id)) == 2
    # "Skip" after sending files keeps them, and the summary says so.
    summary = await anna.say(SV_SKIP)
    assert "Bevis: 2 filer" in summary
    summary = await anna.say("Bevis")
    assert "Sparat hittills: 2." in summary
    summary = await anna.say("Klar")
    assert "Bevis: 2 filer" in summary


async def test_old_buttons_do_not_change_the_current_report(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    await start_minimal(anna, "Någon följde efter mig")
    await anna.say(SV_SKIP)  # when
    await anna.say(SV_SKIP)  # where
    await anna.say(SV_SKIP)  # witnesses
    reached = {i: t for i, _, t in anna.buttons}
    await run(anna, [("Ja", [question("perpetrator")], [])])
    stale = "Den knappen hör till ett tidigare meddelande, så jag gjorde ingenting med den."
    reply = await anna.press("opt:no", token=reached["opt:no"])
    assert stale in reply
    assert question("perpetrator") in reply  # the open question, again
    stored = await answers(demo_app, "anna")
    assert stored[R.REACHED] == "yes"
    assert R.PERP_KNOWN not in stored
    # A button id the open question offers, but with the old token: also refused.
    reply = await anna.press("nav:skip", token=reached["nav:skip"])
    assert stale in reply
    assert R.PERP_KNOWN not in await answers(demo_app, "anna")

    # After sending, the summary's buttons belong to a finished report.
    summary = await skip_to_summary(anna, SV_SKIP, SV_SUMMARY)
    assert "Nådde fram till mottagaren: Ja" in summary
    tokens = {i: t for i, _, t in anna.buttons}
    assert REFERENCE.search(await anna.say("Skicka"))
    for pressed in ("edit:what", "send"):
        reply = await anna.press(pressed, token=tokens[pressed])
        assert stale in reply
    report = await only_report(demo_app, "anna")
    assert report.status is ReportStatus.SUBMITTED
    # A new report is not touched by the old report's buttons either.
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    reply = await anna.press("edit:what", token=tokens["edit:what"])
    assert stale in reply
    assert question("targeted") in reply
    drafts = [r for r in await reports(demo_app, "anna") if r.status is ReportStatus.DRAFT]
    assert len(drafts) == 1


# --- 9. two people at once ----------------------------------------------------------------------


async def test_two_people_reporting_at_once_see_only_their_own(demo_app: App, chat: Any) -> None:
    anna, bo = chat("anna"), chat("bo")
    anna_script = [
        "/rapportera",
        "Det hände mig",
        "Annas nämnd",
        label("categories", "party"),
        "Klar",
        "Klar",
        "Anna fick ett hotbrev",
        "Klar",
    ]
    bo_script = [
        "/report",
        "It happened to me",
        "Bo's board",
        label("categories", "assignment", "en"),
        "Done",
        "Done",
        "Bo was followed home",
        "Done",
    ]
    for a, b in zip(anna_script, bo_script, strict=True):
        await asyncio.gather(anna.say(a), bo.say(b))
    for _ in range(30):
        a_reply, b_reply = await asyncio.gather(anna.say(SV_SKIP), bo.say(EN_SKIP))
        if SV_SUMMARY in a_reply:
            break
    assert SV_SUMMARY in a_reply
    assert EN_SUMMARY in b_reply
    assert "Anna fick ett hotbrev" in a_reply
    assert "Annas nämnd" in a_reply
    assert "Bo was followed home" not in a_reply
    assert "Bo's board" not in a_reply
    assert "Bo was followed home" in b_reply
    assert "Anna fick ett hotbrev" not in b_reply
    assert "Annas nämnd" not in b_reply

    a_sent, b_sent = await asyncio.gather(anna.say("Skicka"), bo.say("Send"))
    a_ref, b_ref = REFERENCE.search(a_sent), REFERENCE.search(b_sent)
    assert a_ref and b_ref and a_ref.group() != b_ref.group()
    a_report = await only_report(demo_app, "anna")
    b_report = await only_report(demo_app, "bo")
    assert a_report.ref == a_ref.group()
    assert b_report.ref == b_ref.group()
    assert a_report.reporter_id == await person_id(demo_app, "anna")
    assert b_report.reporter_id == await person_id(demo_app, "bo")
    assert (await opened(demo_app, a_report))[R.WHAT] == ["Anna fick ett hotbrev"]
    assert (await opened(demo_app, b_report))[R.WHAT] == ["Bo was followed home"]
    assert await alerted(demo_app) == {
        ("pia", a_report.id),
        ("britt", b_report.id),
        ("sara", b_report.id),
    }


# --- 10. privacy at rest ------------------------------------------------------------------------

SECRETS = [SV_WHAT_1, SV_WHAT_2, SV_WHERE, SV_WITNESSES, SV_PERP, SV_GROUP, SV_FEELING]
EVIDENCE_BYTES = b"EVIDENCE-PLAINTEXT-the-letter-said-we-know-where-you-live" * 20


async def _raw_values(app: App) -> list[bytes]:
    """Every value of every column of every table, as stored (PostgreSQL)."""
    values: list[bytes] = []
    async with app.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        for table in tables:
            rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).all()  # noqa: S608
            for row in rows:
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        values.append(bytes(value))
                    elif value is not None:
                        values.append(str(value).encode())
            # and the same cast to text, as the database itself would print it
            columns = await conn.run_sync(lambda c, t=table: inspect(c).get_columns(t))
            for column in columns:
                name = column["name"]
                cast = await conn.execute(text(f'SELECT "{name}"::text FROM "{table}"'))  # noqa: S608
                values += [str(v).encode() for (v,) in cast.all() if v is not None]
    return values


async def test_answers_and_evidence_are_not_stored_in_clear(
    demo_app: App, chat: Any, database_url: str
) -> None:
    anna = chat("anna")
    await run(anna, SV_FULL)
    await attach(anna, EVIDENCE_BYTES)
    summary = await anna.say("Klar")
    for secret in SECRETS:
        assert secret in summary  # they are really in the report...
    assert REFERENCE.search(await anna.say("Skicka"))

    needles = [s.encode() for s in SECRETS] + [EVIDENCE_BYTES[:40]]
    if demo_app.db.sqlite:
        path = Path(make_url(database_url).database or "")
        blobs = [p.read_bytes() for p in path.parent.glob(path.name + "*")]
        assert blobs and any(len(b) > 0 for b in blobs)
        assert any(p.name.endswith("-wal") for p in path.parent.glob(path.name + "*"))
        assert any(b"Anna Berg" in b for b in blobs)  # the scan does see clear text
    else:
        blobs = await _raw_values(demo_app)
        assert any(b"Anna Berg" in b for b in blobs)  # the scan does see clear text columns
    for needle in needles:
        assert not any(needle in blob for blob in blobs), f"{needle!r} is stored in clear"


async def test_a_ciphertext_moved_to_another_row_does_not_open(demo_app: App, chat: Any) -> None:
    anna, bo = chat("anna"), chat("bo")
    await minimal_summary(anna, "Annas hemliga text")
    await anna.say("Skicka")
    await run(bo, [("/report", [], []), ("It happened to me", [], [])])
    a_report = await only_report(demo_app, "anna")
    b_report = await only_report(demo_app, "bo")
    async with demo_app.db.unit_of_work() as session:
        await session.execute(
            text(
                "UPDATE report SET answers = (SELECT answers FROM report WHERE id = :a) "
                "WHERE id = :b"
            ),
            {"a": a_report.id, "b": b_report.id},
        )
    moved = await only_report(demo_app, "bo")
    assert moved.answers == a_report.answers
    with pytest.raises(DecryptionFailed):
        await opened(demo_app, moved)
    assert (await opened(demo_app, a_report))[R.WHAT] == ["Annas hemliga text"]
    # Bo's conversation now fails safely: a kind message, no crash, nobody else's text.
    reply = await bo.say("Planning committee")
    assert "112" in reply
    assert "Annas hemliga text" not in reply
    assert "Traceback" not in reply


# --- 11. the pack drives the questions ----------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_questions_and_choices_come_from_the_pack(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    reply = await anna.say("/rapportera")
    assert question("reporter") + "\n(" + PACK.questions["reporter"].help.sv + ")" in reply  # type: ignore[union-attr]
    await anna.say("Det hände mig")
    reply = await anna.say(SV_SKIP)
    assert labels(anna)[: len(PACK.categories)] == [c.label.sv for c in PACK.categories]
    for category in PACK.categories:
        assert f"• {category.label.sv}: {category.help.sv}" in reply  # type: ignore[union-attr]
    await anna.say(PACK.categories[0].label.sv)
    assert labels(anna)[: len(PACK.kinds)] == [k.label.sv for k in PACK.kinds]
    await anna.say("Klar")
    assert labels(anna)[: len(PACK.channels)] == [c.label.sv for c in PACK.channels]
    reply = await anna.say("Klar")
    assert reply.splitlines()[0] == PACK.questions["what"].text.sv
    assert PACK.questions["what"].help.sv in reply  # type: ignore[union-attr]

    bo = chat("bo")
    reply = await bo.say("/report")
    assert question("reporter", "en") in reply
    assert PACK.questions["reporter"].text.sv not in reply


# --- 12. submitting: the draft row, its ORM copy and the database agree -------------------------


async def test_submit_keeps_the_draft_row_its_orm_copy_and_the_database_in_step(
    demo_app: App, clock: FakeClock
) -> None:
    anna_id, bo_id = await person_id(demo_app, "anna"), await person_id(demo_app, "bo")
    async with demo_app.db.unit_of_work() as session:
        anna = Viewer.of(await session.get_one(Person, anna_id))
        repo = ReportRepo(session, demo_app.keyring)
        created = await repo.create_draft(
            anna, pack="default", municipality_id=None, party_id=None, now=clock.now
        )
    clock.advance(minutes=5)
    async with demo_app.db.unit_of_work() as session:
        anna = Viewer.of(await session.get_one(Person, anna_id))
        bo = Viewer.of(await session.get_one(Person, bo_id))
        repo = ReportRepo(session, demo_app.keyring)
        row = await repo.draft(anna)
        assert row is not None and row.id == created.id
        with pytest.raises(NotFound):  # somebody else's draft
            await repo.submit(bo, row, clock.now)
        loaded = await repo.entity(row)  # an ORM copy in this unit of work too
        assert await repo.submit(anna, row, clock.now) == created.ref
        assert (row.status, row.submitted_at) == (ReportStatus.SUBMITTED, clock.now)
        assert (loaded.status, loaded.submitted_at) == (ReportStatus.SUBMITTED, clock.now)
        with pytest.raises(NotFound):  # no longer a draft
            await repo.submit(anna, row, clock.now)
        # queued for the commit: a query in this unit of work still finds the draft
        assert await repo.draft(anna) is not None
    stored = await only_report(demo_app, "anna")
    assert (stored.status, stored.submitted_at, stored.updated_at) == (
        ReportStatus.SUBMITTED,
        clock.now,
        clock.now,
    )
    async with demo_app.db.unit_of_work() as session:
        anna = Viewer.of(await session.get_one(Person, anna_id))
        assert await ReportRepo(session, demo_app.keyring).draft(anna) is None


async def test_a_submit_that_fails_later_in_its_unit_of_work_leaves_the_draft(
    demo_app: App, clock: FakeClock
) -> None:
    anna_id = await person_id(demo_app, "anna")
    async with demo_app.db.unit_of_work() as session:
        anna = Viewer.of(await session.get_one(Person, anna_id))
        await ReportRepo(session, demo_app.keyring).create_draft(
            anna, pack="default", municipality_id=None, party_id=None, now=clock.now
        )
    with pytest.raises(RuntimeError):
        async with demo_app.db.unit_of_work() as session:
            anna = Viewer.of(await session.get_one(Person, anna_id))
            repo = ReportRepo(session, demo_app.keyring)
            row = await repo.draft(anna)
            assert row is not None
            await repo.submit(anna, row, clock.now)
            raise RuntimeError("the alert could not be created")
    assert (await only_report(demo_app, "anna")).status is ReportStatus.DRAFT
