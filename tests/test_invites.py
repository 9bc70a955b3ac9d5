"""Invitation codes under attack and over time: wrong codes are audited and limited per
person, a code survives a key rotation, and `trygg invite create --hours` is bounded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.settings import Settings
from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.directory import DirectoryRepo
from storage.errors import NotAllowed, NotFound
from storage.invites import InviteError, code_hash
from storage.models import AuditEntry, Invite, Person, Report, Role
from storage.phones import international
from storage.rotation import SEALED, remaining, rotate_batch
from storage.viewer import Viewer
from tests.conftest import TEST_KEYS, Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import write_report
from tests.test_trust import SQLITE_ONLY, database_text, invite
from tests.test_trust_cli import CODE, trygg

WRONG = ("AAAA-BBBB-CCCC", "2345-6789-ABCD", "ZZZZ-ZZZZ-ZZZZ", "QQQQ-RRRR-SSSS", "HHHH-JJJJ-KKKK")
LIMITED_SV = "Du har skrivit fel kod för många gånger, så jag kontrollerade inte den här."
LIMITED_EN = "You have typed a wrong code too many times, so I did not check this one."
NOT_VALID_SV = "Inbjudningskoden gäller inte (använd eller för gammal)"


async def failures(app: App) -> list[tuple[str, str, str]]:
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "invite_failed").order_by(AuditEntry.id)
        )
        return [(e.actor, e.action, e.subject) for e in rows]


async def role_of(app: App, handle: str) -> Role:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.role).where(Person.handle == handle))).one()


async def others_sealed(session: Any) -> int:
    """Sealed values other than invitation codes (gerd's conversation, say)."""
    count = 0
    for model, column, _pk in SEALED:
        if model is not Invite:
            col = getattr(model, column)
            count += len((await session.scalars(select(col).where(col.is_not(None)))).all())
    return count


# --- failed redemptions ------------------------------------------------------------------


async def test_wrong_codes_are_audited_and_after_five_in_an_hour_not_even_checked(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    code = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    gustav = chat("gustav")
    for wrong in WRONG:
        assert NOT_VALID_SV in await gustav.say(f"/start {wrong}")
        clock.advance(minutes=5)
    assert await failures(demo_app) == [("gustav", "invite_failed", "-")] * 5
    dump = await database_text(demo_app)
    for typed in WRONG:  # the audit log (and everything else) never holds a typed code
        assert typed.encode() not in dump and typed.replace("-", "").encode() not in dump
    # the sixth try, even with a good code, is refused without looking at it
    reply = await gustav.say(f"/start {code}")
    assert LIMITED_SV in reply and NOT_VALID_SV not in reply, reply
    assert "Vilket språk vill du ha?" in reply  # the welcome still goes on
    assert await role_of(demo_app, "gustav") is Role.UNREGISTERED
    assert len(await failures(demo_app)) == 5  # a refused try is not counted again
    # someone else is not held back by gustav's mistakes
    assert "Din inbjudan är godkänd" in await chat("greta").say(f"/start {code}")
    # an hour after the first wrong code, gustav may try again
    other = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    clock.advance(minutes=35)  # 60 min since the first of the five, which no longer counts
    assert "Din inbjudan är godkänd" in await gustav.say(f"/start {other}")
    assert await role_of(demo_app, "gustav") is Role.OFFICIAL


@SQLITE_ONLY
async def test_the_pause_after_wrong_codes_reads_well_in_both_languages(
    demo_app: App, clock: FakeClock
) -> None:
    for language in ("sv", "en"):
        t = Transcript(f"invite_wrong_codes_{language}", demo_app)
        person = t.person(f"ny-{language}", locale_hint=language)
        t.note("Five wrong invitation codes within an hour, then a sixth try")
        for wrong in WRONG:
            await person.say(f"/start {wrong}")
        await t.say(person, f"/start {WRONG[0]}")
        t.check()
        assert (LIMITED_SV if language == "sv" else LIMITED_EN) in t.text()


@SQLITE_ONLY
async def test_an_invite_is_valid_for_one_hour_to_two_weeks(demo_app: App) -> None:
    for hours in (0.5, 337):
        with pytest.raises(InviteError, match="valid for 1 to 336 hours"):
            await invite(demo_app, Role.OFFICIAL, hours=hours)
    assert await invite(demo_app, Role.OFFICIAL, hours=1)
    assert await invite(demo_app, Role.OFFICIAL, hours=336)


@SQLITE_ONLY
async def test_invite_create_refuses_hours_outside_1_to_336(
    demo_app: App, settings: Settings
) -> None:
    base = ("invite", "create", "--role", "official", "--municipality", "sjovik", "--party", "gp")
    for hours in ("0", "337", "-5", "100000", "1.5", "lång"):
        done = trygg(settings, *base, "--hours", hours)
        assert done.returncode == 2, (hours, done)
        assert "must be a whole number of hours from 1 to 336 (14 days)" in done.stderr
        assert not re.search(CODE, done.stdout)
    for hours in ("1", "336"):
        done = trygg(settings, *base, "--hours", hours)
        assert done.returncode == 0, done.stderr
        assert f"(single use, valid {hours} h)" in done.stdout
    async with demo_app.db.unit_of_work() as session:
        assert len((await session.scalars(select(Invite))).all()) == 2


# --- key rotation --------------------------------------------------------------------------


async def test_an_invite_code_survives_a_key_rotation_and_the_old_key_being_dropped(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    code = await invite(demo_app, Role.OFFICIAL, issuer="sara")  # made under key A
    spent = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    stale = await invite(demo_app, Role.OFFICIAL, issuer="sara", hours=1)
    assert "Din inbjudan är godkänd" in await Chat(demo_app, "gerd").say(f"/start {spent}")
    clock.advance(hours=2)  # `stale` has expired
    new_line = Keyring.new_key_line()
    both = Keyring.parse(f"{new_line},{TEST_KEYS}")
    async with demo_app.db.unit_of_work() as session:
        before = {i.id: (i.code_hash, i.code) for i in await session.scalars(select(Invite))}
        codes = [c for c in before.values() if c[1] is not None]
        assert len(codes) == 2  # the open code and the expired one (a used code is not kept)
        assert await remaining(session, both) == await others_sealed(session) + 2
    while True:
        async with demo_app.db.unit_of_work() as session:
            if not await rotate_batch(session, both, limit=1, now=clock.now):
                break
    async with demo_app.db.unit_of_work() as session:
        assert await remaining(session, both) == 0
        after = {i.id: (i.code_hash, i.code) for i in await session.scalars(select(Invite))}
    (open_id,) = [i for i, (_h, sealed) in after.items() if sealed is not None]
    assert after[open_id][0] == code_hash(both, code) != before[open_id][0]
    assert Keyring.key_id_of(after[open_id][1] or b"") == both.current
    assert sum(sealed is None for _h, sealed in after.values()) == 2  # used, expired: dropped
    app = App.create(
        Settings(
            DATABASE_URL=settings.database_url,
            TRYGG_DATA_DIR=settings.data_dir,
            TRYGG_DEFAULT_LOCALE="sv",
            TRYGG_KEYS=new_line,  # key A is gone
        ),
        clock=clock,
    )
    try:
        assert NOT_VALID_SV in await Chat(app, "gun").say(f"/start {stale}")
        assert "Din inbjudan är godkänd" in await Chat(app, "gunnar").say(f"/start {code}")
    finally:
        await app.close()


@SQLITE_ONLY
async def test_keys_rotate_moves_invite_codes_and_warns_of_codes_it_cannot_move(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    clock.now = datetime.now(UTC)  # the command line runs on the real clock
    code = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    older = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    async with demo_app.db.unit_of_work() as session:  # as an older Trygg made it
        row = (await session.scalars(select(Invite).where(Invite.code.is_not(None)))).all()[1]
        row.code = None
    new_line = Keyring.new_key_line()
    done = trygg(settings, "keys", "rotate", TRYGG_KEYS=f"{new_line},{TEST_KEYS}")
    assert done.returncode == 0, done.stderr
    assert (
        "1 open invitation code(s) were made by an older Trygg and cannot move to the new key: "
        "they stop working when the old key leaves TRYGG_KEYS. Create new ones if they are "
        "still needed."
    ) in done.stdout
    app = App.create(
        Settings(
            DATABASE_URL=settings.database_url,
            TRYGG_DATA_DIR=settings.data_dir,
            TRYGG_DEFAULT_LOCALE="sv",
            TRYGG_KEYS=new_line,
        ),
        clock=clock,
    )
    try:
        assert "Din inbjudan är godkänd" in await Chat(app, "gunnar").say(f"/start {code}")
        assert NOT_VALID_SV in await Chat(app, "gun").say(f"/start {older}")
    finally:
        await app.close()


async def test_a_used_code_is_not_kept(demo_app: App, chat: Any, clock: FakeClock) -> None:
    code = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    async with demo_app.db.unit_of_work() as session:
        (sealed,) = (await session.scalars(select(Invite.code))).all()
    assert sealed is not None and code.replace("-", "").encode() not in sealed
    clock.advance(minutes=1)
    await chat("gunilla").say(f"/start {code}")
    async with demo_app.db.unit_of_work() as session:
        assert (await session.scalars(select(Invite.code))).all() == [None]


async def test_only_a_person_outside_the_org_file_names_themselves(demo_app: App) -> None:
    """The org file is authoritative: Anna cannot rename herself from the chat; an
    unregistered person has no card to give; an invited newcomer can."""
    async with demo_app.db.unit_of_work() as session:
        directory = DirectoryRepo(session)
        anna = await directory.person_by_handle("anna")
        assert anna is not None
        with pytest.raises(NotAllowed):
            await directory.set_own_card(Viewer.of(anna), name="Someone Else")
        stranger = await directory.create_unregistered("stranger", "sv")
        with pytest.raises(NotFound):
            await directory.set_own_card(Viewer.of(stranger), phone="+46 70 000 00 00")
        anna_after = await directory.person_by_handle("anna")
        assert anna_after is not None and anna_after.display_name == "Anna Berg"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0701234567", "+46 70 123 45 67"),
        # the org file's form, however it is typed: "070-123 45 67" was "+46 70-123 45 67"
        ("070-123 45 67", "+46 70 123 45 67"),
        ("070 - 123 45 67", "+46 70 123 45 67"),
        ("0701-23 45 67", "+46 70 123 45 67"),
        ("0046 70 123 45 67", "+46 70 123 45 67"),
        ("+46 70 123 45 67", "+46 70 123 45 67"),
        ("+46701234567", "+46 70 123 45 67"),
        ("+46 070-123 45 67", "+46 70 123 45 67"),  # the 0 kept after +46
        ("076-555 12 34", "+46 76 555 12 34"),
        # landlines: Stockholm, a two-digit area, a three-digit one (Oxelösund)
        ("08-465 004 10", "+46 8 465 004 10"),
        ("08-12 34 56", "+46 8 12 34 56"),
        ("031-123 45 67", "+46 31 123 45 67"),
        ("0155-123 45", "+46 155 123 45"),
        ("0155-12 34 56", "+46 155 12 34 56"),
        ("020-12 34 56", "+46 20 12 34 56"),
        # what it cannot read for sure stays as typed
        ("070-123 45 6", "070-123 45 6"),  # a digit short
        ("070-123 45 678", "070-123 45 678"),  # a digit too many
        ("0771-123 456", "0771-123 456"),  # not a mobile nor an area
        ("123 45 67", "123 45 67"),  # no area code
        ("+47 912 34 567", "+47 912 34 567"),  # Norway
        ("0047 912 34 567", "+47 912 34 567"),  # Norway, dialled from Sweden
    ],
)
def test_a_number_typed_is_kept_callable_from_abroad(typed: str, kept: str) -> None:
    assert international(typed) == kept


async def test_a_report_begun_before_the_code_goes_to_the_party_she_joins(
    demo_app: App, clock: FakeClock
) -> None:
    """Words she wrote before opening her invitation began a report with nowhere to go: sent
    after she joined, it reached nobody ("There is nobody in Trygg to send it to")."""
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    eva = Chat(demo_app, "eva")
    kept = await eva.say("han skrev att han vet var jag bor, jag är rädd")
    assert "/rapportera" in kept
    await eva.say(f"/start {code}")
    await eva.press("lang:sv")
    await eva.say("Eva Ek")
    await eva.say("0701234567")
    clock.advance(minutes=1)
    sent = await write_report(eva, fresh=False)
    assert "Pia Lind" in sent, sent
    assert "Det finns ingen i Trygg" not in sent
    async with demo_app.db.unit_of_work() as session:
        report = (await session.scalars(select(Report))).one()
        assert report.municipality_id is not None and report.party_id is not None
        alerted = await AlertRepo(session).open_for([await _id(session, "pia")])
        assert [a.report_id for a in alerted] == [report.id]


async def _id(session: Any, handle: str) -> int:
    person = await DirectoryRepo(session).person_by_handle(handle)
    assert person is not None
    return person.id


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        ("en", "my mobile is 070 174 06 99", "Trygg shows +46 70 174 06 99"),
        ("sv", "mitt nummer är 0701740699.", "Trygg visar +46 70 174 06 99"),
    ],
)
async def test_a_number_given_in_a_sentence_is_kept(
    demo_app: App, language: str, typed: str, said: str
) -> None:
    """The sentence had been taken for someone telling what happened: the number was lost,
    and the sign-up ended with "In danger now: call 112"."""
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    newcomer = Chat(demo_app, "newcomer")
    await newcomer.say(f"/start {code}")
    await newcomer.press(f"lang:{language}")
    await newcomer.say("Nils Holm")
    reply = await newcomer.say(typed)
    assert said in reply and "112" not in reply.splitlines()[0]
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle("newcomer")
        assert person is not None and person.phone == "+46 70 174 06 99"


async def test_a_link_opened_after_the_welcome_does_not_repeat_it(demo_app: App) -> None:
    """She opened the chat (its welcome asks for a language), then the invitation link:
    after 'accepted' only the language question, not the whole welcome again."""
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    lisa = Chat(demo_app, "lisa")
    assert (await lisa.say("/start")).count("Välkommen till Trygg") == 1
    said = await lisa.say(f"/start {code}")
    assert "Din inbjudan är godkänd" in said
    assert "Välkommen till Trygg" not in said and "I fara nu" not in said
    assert "Vilket språk vill du ha? / Which language do you want?" in said
    assert [i for i, _l, _t in lisa.buttons] == ["lang:sv", "lang:en"]
    assert "Vad heter du?" in await lisa.press("lang:sv")


async def test_a_contact_whose_link_follows_the_welcome_learns_what_comes_to_her(
    demo_app: App,
) -> None:
    """What is new after the link: a contact is told alerts come here, and where her cases are."""
    code = await invite(demo_app, Role.PARTY_SECURITY, party="gp")
    nora = Chat(demo_app, "nora")
    await nora.say("/start")
    said = await nora.say(f"/start {code}")
    assert "Välkommen till Trygg" not in said
    assert "larm och rapporter till dig kommer hit" in said and "/arenden" in said
