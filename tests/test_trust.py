"""Issue 7, trust: tests that try to break who-is-who, access, encryption, audit and erasure.

Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture). People are the
demo organisation: anna (official, gp), pia and per (gp security), bo (official, bp),
britt (bp security), sara (municipal security unit), kent (municipal director), all in
sjovik; helpers add a second municipality, norrby, with its own unit and director.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

import bot.dispatcher
from bot.app import App
from bot.dispatcher import Dispatcher, Flood
from bot.settings import Settings
from conversations import notices
from conversations.events import Delivery, EventKind, InboundEvent, action_of
from conversations.followups import PURGE, PURGE_WARNING, schedule_retention
from conversations.i18n import DISPLAY_TZ
from conversations.report.form import ReportStep as S
from storage.cases import CaseRepo
from storage.crypto import DecryptionFailed, KeyMissing, Keyring
from storage.directory import DirectoryRepo
from storage.invites import InviteError, InviteRepo
from storage.models import (
    Alert,
    AuditEntry,
    ChannelBinding,
    Evidence,
    Invite,
    Municipality,
    OutboxMessage,
    Person,
    Report,
    ReportStatus,
    Role,
    Timer,
    TimerState,
)
from storage.reports import REF_ALPHABET, ReportRepo, new_reference
from storage.rotation import SEALED, remaining, rotate_batch
from storage.trust import PeopleRepo
from storage.viewer import Viewer
from tests.conftest import TEST_KEYS, Chat, FakeClock
from tests.reporting import Script, attach, write_report

# --- what is typed, and what must never leak ---------------------------------------------------

WHAT = "Brevet i brevlådan hotade att bränna ned Kvarnbacken 7 – ZEBRA-FJORD-1138"
WHAT_MORE = "Han skrev också att han vet var barnen går i skolan (QUOKKA-5521)"
WHERE = "Utanför biblioteket vid Storgatan – MARMOT-3307"
PERP = "Man i 50-årsåldern, grön jacka, skånsk dialekt – PELIKAN-8842"
FEELING = "Jag sover dåligt sedan dess – GIRAFF-4410"
EVIDENCE = b"\x89PNG\r\n\x1a\nEVIDENCE-BYTES-\x00\xff\xfe-NARWHAL-0042-" + bytes(range(256))
EVIDENCE_NAME = "skarmbild-hotbrev-OKAPI-77.png"
EVIDENCE_CAPTION = "Skärmbild från Facebook – TAPIR-9090"
SECRETS = (WHAT, WHAT_MORE, WHERE, PERP, FEELING, EVIDENCE_NAME, EVIDENCE_CAPTION)
# the distinctive core of each answer (a database might store a JSON-escaped form)
MARKERS = (
    "ZEBRA-FJORD-1138",
    "QUOKKA-5521",
    "MARMOT-3307",
    "PELIKAN-8842",
    "GIRAFF-4410",
    "OKAPI-77",
    "TAPIR-9090",
    "Kvarnbacken",
)

ANNA = ("Anna Berg", "+46 70 174 06 10")
PIA = ("Pia Lind", "+46 70 174 06 11")
PER = ("Per Ek", "+46 70 174 06 12")
BO = ("Bo Sand", "+46 70 174 06 20")
BRITT = ("Britt Holm", "+46 70 174 06 21")
SARA = ("Sara Strand", "+46 8 465 004 11")
KENT = ("Kent Dahl", "+46 8 465 004 12")
UNIT_PHONE = "+46 8 465 004 10"  # published: the municipality's security unit
SWITCHBOARD = "+46 8 465 004 00"  # published: the municipal switchboard
PEOPLE = (*ANNA, *PIA, *PER, *BO, *BRITT, *SARA, *KENT)

NOT_AVAILABLE = (
    "inte tillgänglig",  # det ärendet/larmet är inte tillgängligt, den rapporten ... tillgänglig
    "Det finns inget ärende",
    "not available to you",  # bo speaks English
    "There is no case",
)
SORRY = "Något gick fel hos mig"
# Logic that does not depend on the database backend runs on SQLite only (time budget).
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REF_RE = re.compile(r"ärende ([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})")


# --- small helpers ------------------------------------------------------------------------------


def ids(person: Chat) -> list[str]:
    """What the buttons on the keyboard do (a case card's without the case they name)."""
    return [action_of(b[0]) for b in person.buttons]


async def press(person: Chat, button_id: str) -> str:
    """Press a button the bot really offered (fails loudly if it is not on the keyboard)."""
    assert button_id in ids(person), f"{button_id!r} not offered: {person.buttons}"
    return await person.press(button_id)


async def forge(person: Chat, button_id: str, token: str = notices.NOTICE_TOKEN) -> str:
    """Press a button that was never offered to this person (forged or replayed data)."""
    return await person.press(button_id, token=token)


async def file_report(
    person: Chat,
    *,
    category: str = "party",
    what: Sequence[str] = (WHAT,),
    texts: dict[S, str] | None = None,
    evidence: Sequence[tuple[bytes, str, str]] = (),
    choose: Iterable[int] = (),
    unregistered: bool = False,
    submit: bool = True,
) -> str:
    """Write a report through the real flow; return the reply after sending (or the summary).

    ``texts`` answers questions in the person's own words; every other question gets the
    form's own example (tests/reporting.py). Internal cases show the recipients step, where
    nobody is chosen in advance: ``choose`` picks people there before sending."""
    script = Script(
        category=category,
        what=what,
        answers=texts or {},
        evidence=[(content, name, caption) for content, name, caption in evidence],
        choose=list(choose),
    )
    reply = await write_report(person, script, submit=submit)
    if submit:
        assert REF_RE.search(reply), reply
    return reply


def ref_of(reply: str) -> str:
    found = REF_RE.search(reply)
    assert found, reply
    return found.group(1)


async def full_report(person: Chat, **kwargs: Any) -> str:
    """A report with every distinctive answer and a photo; return its reference."""
    reply = await file_report(
        person,
        what=(WHAT, WHAT_MORE),
        texts={S.WHEN: WHERE, S.PERPETRATOR: PERP, S.EXPERIENCE: FEELING},
        evidence=[(EVIDENCE, EVIDENCE_NAME, EVIDENCE_CAPTION)],
        **kwargs,
    )
    return ref_of(reply)


async def pid(app: App, handle: str) -> int:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.id).where(Person.handle == handle))).one()


async def report_by_ref(app: App, ref: str) -> Report:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Report).where(Report.ref == ref))).one()


async def alert_of(app: App, ref: str) -> Alert:
    async with app.db.unit_of_work() as session:
        return (
            await session.scalars(
                select(Alert)
                .join(Report, Report.id == Alert.report_id)
                .where(Report.ref == ref)
                .order_by(Alert.created_at)
            )
        ).first() or pytest.fail(f"no alert for {ref}")


async def audit(app: App) -> list[tuple[str, str, str, datetime]]:
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor, e.action, e.subject, e.at) for e in rows]


TABLES = (
    "person",
    "channel_binding",
    "report",
    "evidence",
    "alert",
    "alert_recipient",
    "timer",
    "outbox",
    "audit",
    "checklist_answer",
    "followup",
    "invite",
)


async def snapshot(app: App) -> dict[str, list[str]]:
    """Every row of the tables an attempt could change (not conversation state), but the
    audit entries that record refused attempts themselves."""
    state: dict[str, list[str]] = {}
    # writing at all records when (and on which channel) the person last wrote
    columns = {"channel_binding": "id, channel, address, person_id, dead_at, held_at"}
    async with app.db.unit_of_work() as session:
        for table in TABLES:
            query = f"SELECT {columns.get(table, '*')} FROM {table}"  # noqa: S608
            rows = (await session.execute(text(query))).all()
            state[table] = sorted(
                repr(tuple(row)) for row in rows if "'case_denied'" not in repr(tuple(row))
            )
    return state


async def denied(app: App) -> list[tuple[str, str]]:
    """(who, which reference) of every refused /arende, from the audit log."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.subject)
            .where(AuditEntry.action == "case_denied")
            .order_by(AuditEntry.id)
        )
        return [(actor, subject) for actor, subject in rows]


async def add_norrby(app: App) -> None:
    """A second municipality with its own security unit, director and party contact."""
    async with app.db.unit_of_work() as session:
        repo, operator = DirectoryRepo(session), Viewer.operator()
        norrby = await repo.upsert_municipality(
            operator, "norrby", "Norrby kommun", "+46 8 465 004 90", None
        )
        party = await repo.upsert_party(operator, norrby, "gp", "Gröna partiet Norrby")
        for handle, name, role, phone in (
            ("nils", "Nils Norr", Role.MUNICIPAL_SECURITY, "+46 8 465 004 91"),
            ("karl", "Karl Kron", Role.MUNICIPAL_DIRECTOR, "+46 8 465 004 92"),
            ("nora", "Nora Nord", Role.PARTY_SECURITY, "+46 70 174 06 90"),
        ):
            await repo.upsert_person(
                operator,
                handle=handle,
                name=name,
                role=role,
                municipality=norrby,
                party=party if role is Role.PARTY_SECURITY else None,
                phone=phone,
                locale="sv",
            )


async def invite(
    app: App,
    role: Role,
    *,
    issuer: str | None = None,
    municipality: str = "sjovik",
    party: str | None = "gp",
    person: str | None = None,
    hours: float = 72,
) -> str:
    """Create an invite code as the operator (or as the person ``issuer``)."""
    async with app.db.unit_of_work() as session:
        directory = DirectoryRepo(session)
        place = await directory.municipality_by_key(municipality)
        assert place is not None
        by = Viewer.operator()
        if issuer is not None:
            found = await directory.person_by_handle(issuer)
            assert found is not None
            by = Viewer.of(found)
        named = await directory.person_by_handle(person) if person else None
        return await InviteRepo(session, app.keyring).create(
            by,
            role=role,
            municipality=place,
            party=await directory.party_by_key(place.id, party) if party else None,
            person=named,
            now=app.clock(),
            valid_for=timedelta(hours=hours),
        )


async def database_text(app: App) -> bytes:
    """Everything the database holds, as bytes: SQLite's files (and WAL) as they are on
    disk, plus every value of every column of every table (both backends)."""
    chunks: list[bytes] = []
    if app.db.sqlite:
        database = make_url(app.db.url).database
        assert database
        for path in Path(database).parent.glob(Path(database).name + "*"):
            chunks.append(path.read_bytes())
    async with app.db.unit_of_work() as session:
        if app.db.sqlite:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        tables = list((await session.scalars(text(sql))).all())
        assert "report" in tables and "evidence" in tables
        for table in tables:
            for row in (await session.execute(text(f'SELECT * FROM "{table}"'))).all():  # noqa: S608
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        chunks.append(bytes(value))
                    elif isinstance(value, dict | list):
                        chunks.append(json.dumps(value, ensure_ascii=False).encode())
                        chunks.append(json.dumps(value).encode())
                    else:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


def assert_no_people(reply: str, allowed: Sequence[str] = ()) -> None:
    for piece in PEOPLE:
        if piece not in allowed:
            assert piece not in reply, f"{piece!r} leaked in:\n{reply}"


def refused(reply: str) -> None:
    assert any(p in reply for p in NOT_AVAILABLE), reply
    assert SORRY not in reply and "Something went wrong" not in reply, reply
    assert "Traceback" not in reply, reply


# --- 1. invitations -----------------------------------------------------------------------------


async def test_an_invite_grants_its_role_once_and_binds_the_account_that_used_it(
    demo_app: App, chat: Any
) -> None:
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara")
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
    gunilla = chat("gunilla")  # an address the directory does not know
    reply = await gunilla.say(f"/start {code}")
    assert "Din inbjudan är godkänd" in reply and "Gröna partiet" in reply, reply
    assert "Vilket språk vill du ha?" in reply
    async with demo_app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == "gunilla"))).one()
        assert (person.role, person.revoked_at) == (Role.PARTY_SECURITY, None)
        used = (await session.scalars(select(Invite))).one()
        assert used.used_by == person.id and used.used_at == demo_app.clock()
    # the same code again, from another account and from the same one: refused kindly
    before = await snapshot(demo_app)
    for other in (chat("gustav"), gunilla):
        reply = await other.say(f"/start {code}")
        assert "Inbjudningskoden gäller inte (använd eller för gammal)" in reply, reply
        assert "Vilket språk vill du ha?" in reply  # the welcome still goes on
    after = await snapshot(demo_app)
    # gustav now exists (unregistered) and has a binding; nothing else changed
    assert [r for r in after["person"] if "gustav" not in r] == before["person"]
    assert after["invite"] == before["invite"]
    async with demo_app.db.unit_of_work() as session:
        gustav = (await session.scalars(select(Person).where(Person.handle == "gustav"))).one()
        assert gustav.role is Role.UNREGISTERED
    # the database keeps only a keyed hash of the code
    dump = await database_text(demo_app)
    for form in (code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()):
        assert form.encode() not in dump, form
    # codes that never existed, or garbage, are refused the same way (no crash)
    for attempt in ("AAAA-BBBB-CCCC", code.replace("-", "")[:-1] + "2", "x" * 500, "' OR 1=1 --"):
        reply = await chat("gustav").say(f"/start {attempt}")
        assert "Inbjudningskoden gäller inte" in reply and SORRY not in reply


@SQLITE_ONLY
async def test_an_invite_expires_after_72_hours_by_default(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    early = await invite(demo_app, Role.OFFICIAL)
    late = await invite(demo_app, Role.OFFICIAL)
    short = await invite(demo_app, Role.OFFICIAL, hours=1)
    clock.advance(hours=1)
    assert "Inbjudningskoden gäller inte" in await chat("h1").say(f"/start {short}")
    clock.advance(hours=70, minutes=59)  # 71 h 59 min after creation
    assert "Din inbjudan är godkänd" in await chat("h2").say(f"/start {early}")
    clock.advance(minutes=1)  # exactly 72 h
    assert "Inbjudningskoden gäller inte" in await chat("h3").say(f"/start {late}")
    async with demo_app.db.unit_of_work() as session:
        roles = dict(
            (
                await session.execute(
                    select(Person.handle, Person.role).where(Person.handle.in_(["h1", "h2", "h3"]))
                )
            ).all()
        )
    assert roles == {"h1": Role.UNREGISTERED, "h2": Role.OFFICIAL, "h3": Role.UNREGISTERED}


async def test_an_invite_for_a_directory_person_moves_that_identity_to_the_new_account(
    demo_app: App, chat: Any
) -> None:
    await chat("pia").say("/hjalp")  # her old account (the console handle "pia")
    ref = ref_of(await file_report(chat("anna")))  # pia is alerted: she has a case
    code = await invite(demo_app, Role.PARTY_SECURITY, person="pia")
    stranger = chat("okand-adress")
    reply = await stranger.say(f"/start {code}")
    assert "Välkommen till Trygg, Pia Lind." in reply, reply
    assert "Din inbjudan är godkänd" in reply
    # this chat is pia now: it sees her case
    assert ref in await stranger.say("/arenden")
    pia = await pid(demo_app, "pia")
    async with demo_app.db.unit_of_work() as session:
        binding = (
            await session.scalars(
                select(ChannelBinding).where(ChannelBinding.address == "okand-adress")
            )
        ).one()
        assert binding.person_id == pia
        # the new account replaces the old one: only it gets her alerts from now on
        addresses = await session.scalars(
            select(ChannelBinding.address).where(ChannelBinding.person_id == pia)
        )
        assert list(addresses) == ["okand-adress"]
    # the Telegram deep link: /start CODE arrives as a command with the code as its text
    code = await invite(demo_app, Role.PARTY_SECURITY, person="per")
    event = InboundEvent(
        "tg-1",
        "telegram",
        "987654321",
        EventKind.COMMAND,
        command="start",
        text=code.replace("-", "").lower(),
    )
    delivery = await demo_app.dispatcher(_ignore).process(event)
    assert delivery is not None
    assert "Välkommen till Trygg, Per Ek." in Chat.text(delivery.replies)
    per = await pid(demo_app, "per")
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_for_address("telegram", "987654321")
        assert person is not None and person.id == per
        assert person.role is Role.PARTY_SECURITY


async def _ignore(delivery: Delivery) -> None:
    return None


@SQLITE_ONLY
async def test_only_an_admin_or_the_municipalitys_own_unit_issues_roles(
    demo_app: App,
) -> None:
    await add_norrby(demo_app)
    for issuer in ("anna", "pia", "britt", "kent", "nils", "karl", "nora"):
        with pytest.raises(InviteError):
            await invite(demo_app, Role.OFFICIAL, issuer=issuer)
    with pytest.raises(InviteError):  # the unit may not make admins
        await invite(demo_app, Role.ADMIN, issuer="sara", party=None)
    with pytest.raises(InviteError):  # party roles need a party
        await invite(demo_app, Role.PARTY_SECURITY, issuer="sara", party=None)
    # the unit may not hand out another municipality's people (their cases would follow)
    with pytest.raises(InviteError):
        await invite(demo_app, Role.OFFICIAL, issuer="sara", person="nora")
    with pytest.raises(InviteError):
        await invite(demo_app, Role.OFFICIAL, issuer="sara", person="admin")
    with pytest.raises(InviteError):
        await invite(demo_app, Role.MUNICIPAL_DIRECTOR, issuer="sara", party=None, person="karl")
    async with demo_app.db.unit_of_work() as session:  # nor another municipality's party
        directory = DirectoryRepo(session)
        sjovik = await directory.municipality_by_key("sjovik")
        norrby = await directory.municipality_by_key("norrby")
        sara = await directory.person_by_handle("sara")
        assert sjovik and norrby and sara
        with pytest.raises(InviteError):
            await InviteRepo(session, demo_app.keyring).create(
                Viewer.of(sara),
                role=Role.PARTY_SECURITY,
                municipality=sjovik,
                party=await directory.party_by_key(norrby.id, "gp"),
                person=None,
                now=demo_app.clock(),
            )
    assert await invite(demo_app, Role.OFFICIAL, issuer="sara")
    assert await invite(demo_app, Role.PARTY_SECURITY, issuer="sara", person="pia")
    assert await invite(demo_app, Role.OFFICIAL, issuer="nils", municipality="norrby")
    assert await invite(demo_app, Role.ADMIN, party=None)  # the operator
    async with demo_app.db.unit_of_work() as session:
        assert len((await session.scalars(select(Invite))).all()) == 4
        await PeopleRepo(session).revoke("sara", demo_app.clock())
    with pytest.raises(InviteError):  # a revoked unit issues nothing any more
        await invite(demo_app, Role.OFFICIAL, issuer="sara")


# --- 2. revocation ------------------------------------------------------------------------------


async def test_a_revoked_contact_loses_access_at_once_but_still_gets_help(
    demo_app: App, chat: Any
) -> None:
    ref = ref_of(await file_report(chat("anna")))
    alert = await alert_of(demo_app, ref)
    pia = chat("pia")
    assert "Tack – det är ditt" in await forge(pia, f"ack:{alert.id}")
    opened = await pia.say(f"/arende {ref}")
    assert f"Ärende {ref}" in opened and "case:followup" in ids(pia)
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("pia", demo_app.clock())
    before = await snapshot(demo_app)
    # the keyboard she is looking at no longer works
    assert "Det ärendet är inte tillgängligt" in await press(pia, "case:followup")
    refused(await pia.say(f"/arende {ref}"))
    refused(await forge(pia, f"show:{alert.report_id}"))
    refused(await forge(pia, f"ack:{alert.id}"))
    refused(await forge(pia, f"call:{alert.id}"))
    refused(await forge(pia, f"cmd:arende {ref}"))
    cases = await pia.say("/arenden")
    assert "Du har inga öppna ärenden" in cases and ref not in cases
    assert await snapshot(demo_app) == before
    assert await denied(demo_app) == [("pia", ref), ("pia", ref)]  # typed, and the button
    # /akut still helps her, as anyone unregistered: no names, no numbers but 112/114 14
    help_now = await pia.say("/akut")
    assert "112" in help_now and "114 14" in help_now
    assert "inte registrerad" in help_now
    assert_no_people(help_now)
    assert "akut:alert" not in ids(pia)


# --- 3. cross-access ----------------------------------------------------------------------------


async def test_nobody_else_gets_at_a_case_by_forged_buttons_or_guessed_references(
    demo_app: App, chat: Any
) -> None:
    await add_norrby(demo_app)
    ref = await full_report(chat("anna"))  # party case: pia, then per, then sara
    alert = await alert_of(demo_app, ref)
    report_id = alert.report_id
    attackers = {
        handle: chat(handle)
        for handle in ("bo", "britt", "per", "sara", "kent", "nils", "karl", "nora", "admin", "eve")
    }
    for person in attackers.values():
        await person.say("/meny")  # they exist and are bound before the snapshot
    before = await snapshot(demo_app)
    for handle, person in attackers.items():
        for button in (
            f"show:{report_id}",
            f"ack:{alert.id}",
            f"call:{alert.id}",
            f"checkin:{report_id}:yes",
            f"checkin:{report_id}:stop",
            f"hold:{report_id}",
        ):
            for token in ("n", "7"):
                reply = await forge(person, button, token)
                refused(reply)
                assert_no_people(reply)
                assert not any(m in reply for m in MARKERS), reply
        if handle != "kent":  # the director of sjovik may see the checklist (below)
            for typed in (
                f"/arende {ref}",
                f"/arende {ref.lower()}",
                f"/arende {ref.replace('-', '')}",
                f"/arende  {ref[:4]} {ref[5:]} ",
            ):
                reply = await person.say(typed)
                refused(reply)
                assert_no_people(reply)
            refused(await forge(person, f"cmd:arende {ref}"))
        listed = await person.say("/arenden")
        assert report_id not in listed
        # the director of sjovik finds it again (its checklist is partly his), nobody else
        assert (ref in listed) is (handle == "kent"), (handle, listed)
    # references guessed at random (and odd input) find nothing, and nothing breaks
    bo = attackers["bo"]
    for _ in range(20):
        refused(await bo.say(f"/arende {new_reference()}"))
    for odd in ("%", "_", "'; DROP TABLE report; --", "Ö" * 30, "x" * 300, "\x00"):
        refused(await bo.say(f"/arende {odd}"))
        for button in (f"show:{odd}", f"ack:{odd}", f"call:{odd}", f"hold:{odd}"):
            reply = await forge(bo, button)
            if odd == "\x00" and not demo_app.db.sqlite:
                # PostgreSQL refuses NUL in text: a kind "try again", no crash
                assert "112" in reply and "Traceback" not in reply, reply
            else:
                refused(reply)
    assert await snapshot(demo_app) == before
    # every refused /arende is in the audit log: who tried which reference (never other text)
    tried = await denied(demo_app)
    assert ("britt", ref) in tried and ("eve", ref) in tried and ("bo", "-") in tried
    assert not any(m in subject for _who, subject in tried for m in ("DROP", "%", "Ö"))
    # positive controls: the ids were right, the people entitled do see it
    pia = chat("pia")
    shown = await forge(pia, f"show:{report_id}")
    assert WHAT in shown and WHERE in shown
    checklist = await attackers["kent"].say(f"/arende {ref}")
    assert f"Ärende {ref}" in checklist and WHAT not in checklist


async def test_a_contact_left_out_of_an_internal_case_never_sees_it(
    demo_app: App, chat: Any
) -> None:
    pia_id, per_id = await pid(demo_app, "pia"), await pid(demo_app, "per")
    anna = chat("anna")
    reply = await file_report(anna, category="internal", choose=[per_id])
    ref = ref_of(reply)
    assert "Per Ek" in reply and "Pia Lind" not in reply
    report = await report_by_ref(demo_app, ref)
    pia, per, kent = chat("pia"), chat("per"), chat("kent")
    refused(await forge(pia, f"show:{report.id}"))
    refused(await pia.say(f"/arende {ref}"))
    assert ref not in await pia.say("/arenden")
    refused(await kent.say(f"/arende {ref}"))  # the director never sees internal cases
    assert WHAT in await forge(per, f"show:{report.id}")
    # later the targeted person asks for a call through a check-in: the contact left out
    # must not be alerted (and so must not get access) now either
    asked = await forge(anna, f"checkin:{report.id}:yes")
    assert "Jag har bett" in asked and "Pia Lind" not in asked, asked
    async with demo_app.db.unit_of_work() as session:
        recipients = (
            await session.scalars(
                text(
                    "SELECT r.person_id FROM alert_recipient r JOIN alert a ON a.id = r.alert_id"
                    " WHERE a.report_id = :id"
                ),
                {"id": report.id},
            )
        ).all()
    assert pia_id not in recipients and per_id in recipients
    refused(await forge(pia, f"show:{report.id}"))
    refused(await pia.say(f"/arende {ref}"))


async def rendered(app: App, handle: str) -> list[str]:
    """Every message queued for a person, rendered as they would receive it."""
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient_id == person.id)
            .order_by(OutboxMessage.id)
        )
        return [
            Chat.text([await notices.render(session, app.catalogs, app.packs, person, row)])
            for row in rows.all()
        ]


@SQLITE_ONLY
async def test_an_unregistered_person_sees_no_names_or_numbers_but_published_ones(
    demo_app: App, chat: Any
) -> None:
    await full_report(chat("anna"))  # there is something to find
    eve = chat("eve")
    seen = [await eve.say("/start"), await press(eve, "lang:sv")]
    for typed in ("/akut", "/kontakter", "/meny", "/hjalp", "/arenden", "/logg", "hej"):
        seen.append(await eve.say(typed))
    reply = await file_report(eve, unregistered=True)
    ref = ref_of(reply)
    alert = await alert_of(demo_app, ref)
    # the unit is alerted at once; sara takes it and eve is told someone has it
    assert "Tack – det är ditt" in await forge(chat("sara"), f"ack:{alert.id}")
    seen.append(await eve.say(f"/arende {ref}"))  # her own case
    seen.append(await forge(eve, f"checkin:{alert.report_id}:yes"))
    seen += await rendered(demo_app, "eve")
    assert any("Kommunens säkerhetsenhet har sett din rapport" in s for s in seen), seen
    assert any("Jag har bett kommunens säkerhetsenhet att ringa dig" in s for s in seen)
    # 3.1.1 done by the sending, without the name of whom at the unit ("(Sara Strand)")
    assert any("✓ Kommunens säkerhetsenhet är kontaktad.\n" in s for s in seen), seen
    for shown in seen:
        assert_no_people(shown)
        assert "+46 70" not in shown and "+46 8 465 004 1" not in shown.replace(UNIT_PHONE, "")


@SQLITE_ONLY
async def test_an_unregistered_reporter_is_not_told_the_names_of_who_gets_the_report(
    demo_app: App, chat: Any
) -> None:
    reply = await file_report(chat("eve"), unregistered=True)
    assert_no_people(reply)


# --- 4. encryption at rest ----------------------------------------------------------------------


async def test_the_database_holds_none_of_the_answers_or_evidence(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    ref = await full_report(anna)
    alert = await alert_of(demo_app, ref)
    pia = chat("pia")
    await forge(pia, f"ack:{alert.id}")
    shown = await forge(pia, f"show:{alert.report_id}")
    assert WHAT in shown and WHAT_MORE in shown and PERP in shown  # it is all there...
    await anna.say("/rapportera")  # ...and a draft with an answer in its prompt
    await press(anna, "opt:self")
    await anna.say(f"Nämnden för {WHERE}")
    dump = await database_text(demo_app)
    for secret in (*SECRETS, *MARKERS):
        for encoded in (secret.encode(), secret.encode("utf-16-le")):
            assert encoded not in dump, f"{secret!r} is readable in the database"
        assert json.dumps(secret).encode() not in dump
    assert EVIDENCE not in dump
    assert b"NARWHAL-0042" not in dump and EVIDENCE[-64:] not in dump


@SQLITE_ONLY
async def test_a_ciphertext_copied_to_another_row_does_not_open(demo_app: App, chat: Any) -> None:
    anna = chat("anna")
    first = await full_report(anna)
    second = ref_of(await file_report(anna, what=("Ett annat brev, helt ofarligt",)))
    a, b = await report_by_ref(demo_app, first), await report_by_ref(demo_app, second)
    async with demo_app.db.unit_of_work() as session:
        await session.execute(update(Report).where(Report.id == b.id).values(answers=a.answers))
        evidence = (await session.scalars(select(Evidence).where(Evidence.report_id == a.id))).one()
        # a sealed value is bound to its table, column and row
        keyring = demo_app.keyring
        with pytest.raises(DecryptionFailed):
            keyring.open(a.answers, table="report", column="answers", row=b.id)
        with pytest.raises(DecryptionFailed):
            keyring.open(evidence.content, table="evidence", column="meta", row=evidence.id)
        with pytest.raises(DecryptionFailed):
            keyring.open(evidence.content, table="report", column="answers", row=evidence.id)
        flipped = bytearray(evidence.content)
        flipped[-1] ^= 1
        with pytest.raises(DecryptionFailed):
            keyring.open(bytes(flipped), table="evidence", column="content", row=evidence.id)
        assert (
            keyring.open(evidence.content, table="evidence", column="content", row=evidence.id)
            == EVIDENCE
        )
    # the recipient opens B: a kind answer, not a crash, and not A's text
    pia = chat("pia")
    alert_b = await alert_of(demo_app, second)
    reply = await forge(pia, f"show:{alert_b.report_id}")
    assert SORRY in reply and "112" in reply, reply
    assert not any(m in reply for m in MARKERS)
    # A is still fine
    assert WHAT in await forge(pia, f"show:{a.id}")


@SQLITE_ONLY
async def test_references_are_random_and_easy_to_read_aloud(demo_app: App) -> None:
    refs = [new_reference() for _ in range(100)]
    assert len(set(refs)) == 100
    pattern = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
    assert all(pattern.fullmatch(r) for r in refs)
    assert not set("0O1I") & set(REF_ALPHABET) and len(REF_ALPHABET) == 32
    used = {c for r in refs for c in r.replace("-", "")}
    assert used == set(REF_ALPHABET)  # 800 random characters use the whole alphabet
    values = [
        int("".join(str(REF_ALPHABET.index(c)).zfill(2) for c in r.replace("-", ""))) for r in refs
    ]
    steps = {b - a for a, b in itertools.pairwise(values)}
    assert len(steps) > 90  # no counter, no constant stride
    assert sorted(refs) != refs
    # the references of drafts created one after the other, as stored
    async with demo_app.db.unit_of_work() as session:
        anna = await DirectoryRepo(session).person_by_handle("anna")
        assert anna is not None
        repo = ReportRepo(session, demo_app.keyring)
        stored = [
            (
                await repo.create_draft(
                    Viewer.of(anna),
                    pack="oxelosund",
                    municipality_id=None,
                    party_id=None,
                    now=demo_app.clock(),
                )
            ).ref
            for _ in range(20)
        ]
    assert all(pattern.fullmatch(r) for r in stored) and len(set(stored)) == 20
    assert sorted(stored) != stored


# --- 5. key rotation ----------------------------------------------------------------------------


async def _seal_everything(app: App, chat: Any) -> Report:
    """A report whose every sealed column holds something (answers to follow-up notes)."""
    anna = chat("anna")
    await anna.say("/akut")
    await anna.say("larma pia, WOLF-5 står utanför")  # an /akut alert with her words
    assert isinstance(app.clock, FakeClock)
    app.clock.advance(minutes=61)  # the report later: a new one, not the words just kept
    ref = await full_report(anna)
    alert = await alert_of(app, ref)
    await forge(chat("pia"), f"ack:{alert.id}")
    async with app.db.unit_of_work() as session:
        report = (await session.scalars(select(Report).where(Report.ref == ref))).one()
        pia = await DirectoryRepo(session).person_by_handle("pia")
        assert pia is not None
        cases, now = CaseRepo(session, app.keyring), app.clock()
        await cases.answer_item(
            Viewer.of(pia),
            report,
            "3.1.1",
            "yes",
            "HERON-1 ringde",
            now,
            responsible=["party_security"],
        )
        await cases.document_followup(Viewer.of(pia), report, 1, {"situation": "BISON-2"}, now)
        await cases.save_evaluation(Viewer.of(pia), report, {"plan": "LYNX-3"})
        await cases.add_note(Viewer.of(pia), report, "checkin", "OTTER-4 sover dåligt", now)
    return report


async def _sealed_values(app: App) -> list[tuple[str, str, object, bytes]]:
    values = []
    async with app.db.unit_of_work() as session:
        for model, column, pk in SEALED:
            col, key = getattr(model, column), getattr(model, pk)
            for row_id, blob in await session.execute(select(key, col).where(col.is_not(None))):
                values.append((model.__tablename__, column, row_id, blob))
    return values


async def test_keys_rotate_in_resumable_batches_and_everything_still_opens(
    demo_app: App, chat: Any, settings: Settings, clock: FakeClock
) -> None:
    report = await _seal_everything(demo_app, chat)
    code = await invite(demo_app, Role.OFFICIAL)  # made under the old key
    before = await _sealed_values(demo_app)
    assert {(t, c) for t, c, _r, _b in before} == {(m.__tablename__, c) for m, c, _p in SEALED}
    new_line = Keyring.new_key_line()
    spec = f"{new_line},{TEST_KEYS}"
    both, old = Keyring.parse(spec), Keyring.parse(TEST_KEYS)
    assert both.current == new_line.split(":")[0] != old.current
    async with demo_app.db.unit_of_work() as session:
        assert await remaining(session, both) == len(before)
        assert await rotate_batch(session, both, limit=2) == 2
    # interrupted in the middle of a batch: that batch rolls back, nothing is half-done
    flaky, calls = Keyring.parse(spec), []

    def seal_then_crash(plaintext: bytes, **where: Any) -> bytes:
        calls.append(where)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return both.seal(plaintext, **where)

    flaky.seal = seal_then_crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        async with demo_app.db.unit_of_work() as session:
            await rotate_batch(session, flaky, limit=5)
    async with demo_app.db.unit_of_work() as session:
        assert await remaining(session, both) == len(before) - 2
    batches = 0
    while True:  # and it simply continues
        async with demo_app.db.unit_of_work() as session:
            done = await rotate_batch(session, both, limit=3)
        if done == 0:
            break
        batches += 1
    assert batches == -(-(len(before) - 2) // 3)
    after = await _sealed_values(demo_app)
    assert len(after) == len(before)
    for table, column, row_id, blob in after:
        assert Keyring.key_id_of(blob) == both.current
        both.open(blob, table=table, column=column, row=row_id)
        with pytest.raises(KeyMissing):
            old.open(blob, table=table, column=column, row=row_id)
    # the bot runs on the new key alone now; the old invite code still works with both
    for keys in (spec, new_line):
        app = App.create(
            Settings(
                DATABASE_URL=settings.database_url,
                TRYGG_DATA_DIR=settings.data_dir,
                TRYGG_DEFAULT_LOCALE="sv",
                TRYGG_KEYS=keys,
            ),
            clock=clock,
        )
        try:
            shown = await Chat(app, "pia").press(f"show:{report.id}", token="n")
            assert WHAT in shown and PERP in shown, shown
            case = await Chat(app, "pia").say(f"/arende {report.ref}")
            assert "HERON-1 ringde" in case
            if keys == spec:
                assert "Din inbjudan är godkänd" in await Chat(app, "nykomling").say(
                    f"/start {code}"
                )
        finally:
            await app.close()


# --- 6. audit -----------------------------------------------------------------------------------


async def test_views_openings_and_role_grants_are_audited_for_the_unit_only(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    await add_norrby(demo_app)
    ref = await full_report(chat("anna"), category="assignment")  # Pia and the unit at once
    alert = await alert_of(demo_app, ref)
    pia = chat("pia")
    await forge(pia, f"ack:{alert.id}")
    clock.advance(minutes=5)
    await forge(pia, f"show:{alert.report_id}")
    clock.advance(minutes=5)
    await pia.say(f"/arende {ref}")
    code = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    await chat("greta").say(f"/start {code}")
    refused(await forge(chat("bo"), f"show:{alert.report_id}"))  # refusals are not views
    entries = await audit(demo_app)
    start = datetime(2026, 11, 22, 22, 0, tzinfo=clock.now.tzinfo)
    assert ("pia", "report_viewed", ref, start + timedelta(minutes=5)) in entries
    assert ("pia", "case_opened", ref, start + timedelta(minutes=10)) in entries
    assert ("greta", "role_granted", "greta", start + timedelta(minutes=10)) in entries
    assert not [e for e in entries if e[0] == "bo"]
    log = await chat("sara").say("/logg")
    assert "Logg (senaste först):" in log
    for line in (
        f"Pia Lind läste rapporten i ärende {ref}",
        f"Pia Lind öppnade ärende {ref}",
        "en person utan namn i Trygg fick en roll genom en inbjudan",  # greta, just invited
    ):
        assert line in log, log
    assert log.index("öppnade ärende") < log.index("läste rapporten")  # newest first
    # in words, never the internal names of actions or people's handles
    assert "case_opened" not in log and "report_viewed" not in log and "  pia " not in log
    assert WHAT not in log and not any(m in log for m in MARKERS)
    for handle in ("pia", "anna", "kent", "bo", "eve"):
        reply = await chat(handle).say("/logg")
        assert (
            "Loggen är bara för kommunens säkerhetsenhet" in reply
            or "The audit log is only for the municipal security unit" in reply  # bo
        ), reply
        assert ref not in reply
    other = await chat("nils").say("/logg")  # another municipality's unit
    assert ref not in other and "pia" not in other and "greta" not in other
    assert ref in await chat("admin").say("/logg")


# --- 7. forget me -------------------------------------------------------------------------------


async def test_forget_me_erases_drafts_and_pseudonymises_sent_reports_and_says_which(
    demo_app: App, chat: Any
) -> None:
    anna = chat("anna")
    anna_id = await pid(demo_app, "anna")
    ref = await full_report(anna)
    alert = await alert_of(demo_app, ref)
    await file_report(anna, evidence=[(b"draft evidence", "d.png", "")], submit=False)
    async with demo_app.db.unit_of_work() as session:
        draft = (
            await session.scalars(
                select(Report).where(
                    Report.reporter_id == anna_id, Report.status == ReportStatus.DRAFT
                )
            )
        ).one()
    # "No" erases nothing
    asked = await anna.say("/glom")
    assert "Vill du att Trygg glömmer dig?" in asked and "forget:yes" in ids(anna)
    before = await snapshot(demo_app)
    assert "Inget raderades." in await press(anna, "forget:no")
    assert await snapshot(demo_app) == before
    # "Yes" erases, and says exactly what
    await anna.say("/glom")
    done = await press(anna, "forget:yes")
    assert "Klart. Trygg har glömt dig:" in done
    assert "raderat: 1 påbörjad rapport" in done, done
    assert "sparad utan ditt namn och nummer: 1 skickad rapport" in done, done
    assert_no_people(done)
    async with demo_app.db.unit_of_work() as session:
        person = await session.get(Person, anna_id)
        assert person is not None and person.erased_at is not None
        assert (person.display_name, person.phone, person.locale) == (None, None, None)
        assert person.handle != "anna" and person.role is Role.UNREGISTERED
        assert person.party_id is None and person.municipality_id is None
        assert await session.get(Report, draft.id) is None
        assert not (
            await session.scalars(select(Evidence).where(Evidence.report_id == draft.id))
        ).all()
        kept = await session.get(Report, alert.report_id)
        assert kept is not None and kept.status is ReportStatus.SUBMITTED
        assert not (
            await session.scalars(select(ChannelBinding).where(ChannelBinding.person_id == anna_id))
        ).all()
        pseudonym = person.handle
    assert (pseudonym, "erased", pseudonym) in [e[:3] for e in await audit(demo_app)]
    # the unit and the contact keep the case, without her name and number
    pia = chat("pia")
    case = await pia.say(f"/arende {ref}")
    assert f"Ärende {ref}" in case and "Rapporterat av: (raderad person)" in case
    assert pseudonym not in case  # an internal id is nothing a person reads
    shown = await forge(pia, f"show:{alert.report_id}")
    assert WHAT in shown
    for text_ in (case, shown, await pia.say("/arenden"), *await rendered(demo_app, "pia")):
        assert ANNA[0] not in text_ and ANNA[1] not in text_, text_
    # whoever writes from her old chat starts anew and sees nothing of it
    again = chat("anna")
    refused(await again.say(f"/arende {ref}"))
    refused(await forge(again, f"show:{alert.report_id}"))
    assert "Välkommen till Trygg." in await again.say("/start")


# --- 8. retention -------------------------------------------------------------------------------


async def _close(person: Chat, ref: str) -> None:
    await person.say(f"/arende {ref}")
    await press(person, "case:close")
    await press(person, "close:confirm")  # the checklist is still open
    await press(person, "applied:yes")
    await press(person, "close:skip")
    assert f"Ärende {ref} är avslutat" in await press(person, "close:skip")


async def _replies_for(app: App, handle: str, kind: str) -> list[Any]:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.recipient_id == person.id, OutboxMessage.kind == kind
            )
        )
        return [
            await notices.render(session, app.catalogs, app.packs, person, row)
            for row in rows.all()
        ]


async def test_closed_cases_are_warned_about_held_or_purged_after_retention(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    await add_norrby(demo_app)
    anna, pia = chat("anna"), chat("pia")
    kept_ref = ref_of(await file_report(anna))
    gone_ref = await full_report(anna)
    for ref in (kept_ref, gone_ref):
        await forge(pia, f"ack:{(await alert_of(demo_app, ref)).id}")
        await _close(pia, ref)
    kept, gone = await report_by_ref(demo_app, kept_ref), await report_by_ref(demo_app, gone_ref)
    local = clock.now.astimezone(DISPLAY_TZ)  # 22 Nov 2026, 23:00
    due = datetime.combine(local.date().replace(year=local.year + 2), time(9), DISPLAY_TZ)
    async with demo_app.db.unit_of_work() as session:
        timers = {
            (t.kind, t.subject): t.due_at
            for t in await session.scalars(select(Timer).where(Timer.state == TimerState.PENDING))
        }
    assert timers[(PURGE, gone.id)] == due  # 24 months by default
    assert timers[(PURGE_WARNING, gone.id)] == due - timedelta(days=7)
    runner = demo_app.timer_runner()
    clock.now = due - timedelta(days=7) + timedelta(minutes=1)
    await runner.run_due()
    # told: whoever may handle the cases (pia took both); nobody else learns of them
    warnings = await _replies_for(demo_app, "pia", notices.PURGE_NOTICE)
    assert len(warnings) == 2
    for handle in ("anna", "kent", "bo", "britt", "nils", "nora"):
        assert not await _replies_for(demo_app, handle, notices.PURGE_NOTICE), handle
    for reply in warnings:
        assert reply.token == notices.NOTICE_TOKEN
        assert [b.label for row in reply.buttons for b in row] == ["Behåll ärendet"]
    assert {b.id for r in warnings for row in r.buttons for b in row} == {
        f"hold:{kept.id}",
        f"hold:{gone.id}",
    }
    # only someone who may handle the case can hold it
    others = [chat(handle) for handle in ("anna", "kent", "britt", "nils")]
    for person in others:
        await person.say("/meny")
    before = await snapshot(demo_app)
    for person in others:
        refused(await forge(person, f"hold:{kept.id}"))
    assert await snapshot(demo_app) == before
    assert f"Ärende {kept_ref} behålls; det gallras inte." in await forge(pia, f"hold:{kept.id}")
    clock.now = due + timedelta(minutes=1)
    await runner.run_due()
    async with demo_app.db.unit_of_work() as session:
        assert await session.get(Report, kept.id) is not None
        assert await session.get(Report, gone.id) is None
        for model, column in ((Evidence, Evidence.report_id), (Alert, Alert.report_id)):
            assert not (await session.scalars(select(model).where(column == gone.id))).all()
    entries = [e[:3] for e in await audit(demo_app)]
    assert ("pia", "hold", kept_ref) in entries
    assert ("system", "purged", gone_ref) in entries
    assert ("system", "purged", kept_ref) not in entries
    refused(await pia.say(f"/arende {gone_ref}"))
    dump = await database_text(demo_app)
    assert gone_ref.encode() in dump  # the audit log still names it ...
    assert not any(m.encode() in dump for m in MARKERS)  # ... and nothing of it is readable


@SQLITE_ONLY
async def test_the_municipalitys_own_retention_period_is_honoured(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    ref = ref_of(await file_report(chat("anna")))
    await forge(chat("pia"), f"ack:{(await alert_of(demo_app, ref)).id}")
    async with demo_app.db.unit_of_work() as session:
        await session.execute(update(Municipality).values(retention_months=6))
        report = (await session.scalars(select(Report).where(Report.ref == ref))).one()
        pia = await DirectoryRepo(session).person_by_handle("pia")
        assert pia is not None
        await CaseRepo(session, demo_app.keyring).close(Viewer.of(pia), report, {}, clock.now)
        await schedule_retention(session, report, clock.now)
    due = datetime(2027, 5, 22, 9, 0, tzinfo=DISPLAY_TZ)
    async with demo_app.db.unit_of_work() as session:
        purge = (
            await session.scalars(
                select(Timer).where(Timer.kind == PURGE, Timer.subject == report.id)
            )
        ).one()
        warning = (
            await session.scalars(
                select(Timer).where(Timer.kind == PURGE_WARNING, Timer.subject == report.id)
            )
        ).one()
    assert purge.due_at == due and warning.due_at == due - timedelta(days=7)


# --- 10. floods and evidence limits -------------------------------------------------------------


class _SlowAsyncio:
    """bot.dispatcher's view of asyncio: sleeping waits for the test's gate, then moves the
    fake monotonic clock on by the time slept (no real waiting)."""

    def __init__(self, clock: list[float]) -> None:
        self.clock = clock
        self.gate = asyncio.Event()
        self.slept: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float) -> None:
        if delay == 0:  # a turn of the loop (the dispatcher's fairness), not a flood wait
            await asyncio.sleep(0)
            return
        self.slept.append(delay)
        await self.gate.wait()
        self.clock[0] += delay


@SQLITE_ONLY
async def test_a_flood_is_slowed_with_one_kind_note_loses_nothing_and_never_slows_others(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monotonic = [1000.0]
    slow = _SlowAsyncio(monotonic)
    monkeypatch.setattr(bot.dispatcher, "asyncio", slow)
    sent: list[Delivery] = []

    async def send(delivery: Delivery) -> None:
        sent.append(delivery)

    dispatcher = Dispatcher(
        demo_app.db,
        demo_app.core,
        demo_app.catalogs,
        send,
        Flood(per_minute=60, monotonic=lambda: monotonic[0]),
    )
    handled: list[tuple[str, str]] = []
    process = dispatcher.process

    async def recording(event: InboundEvent) -> Delivery | None:
        handled.append((event.address, event.text))
        return await process(event)

    dispatcher.process = recording  # type: ignore[method-assign]

    def event(address: str, n: int) -> InboundEvent:
        return InboundEvent(f"{address}-{n}", "console", address, EventKind.TEXT, text=f"m{n:03}")

    flood = [dispatcher.submit(event("anna", n)) for n in range(100)]
    for _ in range(2000):  # until the bucket is empty and anna's worker waits
        if slow.slept:
            break
        await asyncio.sleep(0.005)
    assert slow.slept, "the flood was never slowed down"
    assert len([a for a, _t in handled if a == "anna"]) == 60
    # bo is served at once while anna's queue waits
    answered = await asyncio.wait_for(dispatcher.submit(event("bo", 0)), timeout=10)
    assert answered is not None and answered.replies
    assert len([a for a, _t in handled if a == "anna"]) == 60
    assert not any(f.done() for f in flood[60:])
    slow.gate.set()
    await asyncio.wait_for(dispatcher.drain(), timeout=60)
    assert [t for a, t in handled if a == "anna"] == [f"m{n:03}" for n in range(100)]
    assert all(f.done() and f.result() is not None for f in flood)
    notes = [
        d for d in sent if any("Du skickar väldigt många meddelanden" in r.text for r in d.replies)
    ]
    assert len(notes) == 1 and notes[0].address == "anna"
    assert "inget går förlorat" in notes[0].replies[0].text and "112" in notes[0].replies[0].text
    assert len(slow.slept) == 40 and all(0 < s <= 1.0 for s in slow.slept)
    assert len([d for d in sent if d.address == "anna"]) == 101  # 100 answers and the note


async def _at_evidence_step(person: Chat) -> None:
    """Start a new report: evidence is taken at any question."""
    await person.say("/rapportera")
    await press(person, "opt:self")


@SQLITE_ONLY
async def test_evidence_is_limited_per_report_in_count_and_total_size(
    demo_app: App, chat: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conversations.report.evidence as report_flow

    anna = chat("anna")
    await _at_evidence_step(anna)
    for n in range(report_flow.MAX_EVIDENCE_FILES):
        assert "Sparat som bevis" in await attach(anna, f"file {n}".encode(), name=f"{n}.png")
    refused_file = await attach(anna, b"one too many")
    assert "Rapporten har redan så mycket bevis som jag kan spara (30 filer)" in refused_file
    assert "nav:back" in ids(anna)  # the question is still open
    # the total size: a smaller limit stands in for 200 MB
    monkeypatch.setattr(report_flow, "MAX_EVIDENCE_BYTES", 1000)
    britt = chat("britt")
    await _at_evidence_step(britt)
    assert "Sparat som bevis" in await attach(britt, b"a" * 600)
    assert "så mycket bevis" in await attach(britt, b"b" * 600)
    assert "Sparat som bevis" in await attach(britt, b"c" * 400)
    async with demo_app.db.unit_of_work() as session:
        sizes = sorted(
            (
                await session.execute(
                    select(Person.handle, Evidence.size)
                    .join(Report, Report.id == Evidence.report_id)
                    .join(Person, Person.id == Report.reporter_id)
                )
            ).all()
        )
    assert len([h for h, _s in sizes if h == "anna"]) == 30
    assert [s for h, s in sizes if h == "britt"] == [400, 600]
