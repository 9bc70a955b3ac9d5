"""People's roles change while a case is live: each test tries a break that happens in real
life (a contact leaves the party, an official moves, an invite outlives its issuer) and
fails if the break works.

Demo people (all in sjovik): anna (official, gp), pia and per (gp security, in that order),
bo (official, bp), britt (bp security), sara (municipal security unit), kent (director).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.cli import _revoke
from conversations.notices import NOTICE_TOKEN
from storage.directory import DirectoryRepo
from storage.models import Invite, Person, Role
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.test_alerts import ALERT_NOT_YOURS, ack, outbox, submit_report
from tests.test_case import MONDAY_10, last_outbox_id, take
from tests.test_trust import invite
from tests.test_trust_recheck import move, rendered
from tests.test_web_case import anna_reports, refused_everywhere
from tests.web_support import browser, csrf_in, signed_in_as

WORDS = "Han stod utanför mitt hus igen i kväll"
NOT_VALID = "Inbjudningskoden gäller inte"
ISSUER_GONE = "Den som gav dig inbjudan delar inte längre ut roller"


# --- 1. Pia holds Anna's case, then leaves the party -------------------------------------------


async def test_queued_case_words_never_reach_the_contact_who_left(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Anna's new words and a check-in answer are queued to Pia; then Pia leaves the role.
    Nothing of the case may reach her, Per gets the case and Anna is told whom to call."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    anna: Chat = chat("anna")
    await anna.say(f"/arende {case.ref}")
    mark = await last_outbox_id(demo_app)
    await anna.say(WORDS)  # queued to Pia: a checkin_reply carrying her words
    assert ("pia", "checkin_reply") in [(h, k) for _, h, k, _ in await outbox(demo_app, mark)]
    await move(demo_app, "pia", role=Role.OFFICIAL)  # `org load --prune` of a changed file
    await demo_app.timer_runner().run_due()
    to_pia = await rendered(demo_app, "pia")
    assert not any(WORDS in text or "Anna" in text for text in to_pia), to_pia
    # her old button and the reference give her nothing
    assert ALERT_NOT_YOURS in await ack(chat("pia"), case.alert_id)
    shown = await chat("pia").say(f"/arende {case.ref}")
    assert WORDS not in shown and "Anna Berg" not in shown, shown
    # Per is paged for the case now; Anna is not told Pia sees what she writes
    to_per = await rendered(demo_app, "per")
    assert any("Anna Berg" in text for text in to_per), to_per
    await take(chat, "per", case)
    await anna.say(f"/arende {case.ref}")
    said = await anna.say("Nu ringde han också")
    assert "Pia Lind" not in said, said
    to_anna = await rendered(demo_app, "anna")
    assert any("Per Ek" in text for text in to_anna), to_anna


async def test_an_alert_taken_then_the_taker_revoked_before_anna_hears_of_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """ "Pia Lind har tagit ditt larm och ringer dig" is queued to Anna; Pia is revoked before
    it goes out. Anna must not wait for a call from someone who no longer has her case."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await chat("anna").say("/meny")  # bound, so the outbox reaches her
    await take(chat, "pia", case)
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    to_anna = await rendered(demo_app, "anna")
    assert not any("Pia Lind" in text and "ringer dig" in text for text in to_anna), to_anna


# --- 2. moved, or of another party: no more than the role allows ------------------------------


async def test_a_contact_of_another_party_gets_nothing_by_reference(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    for handle in ("britt", "bo"):
        shown = await chat(handle).say(f"/arende {case.ref}")
        assert shown in (
            f"Det finns inget ärende {case.ref} som du kan se.",
            f"There is no case {case.ref} that you can see.",
        ), (handle, shown)
        forged = await chat(handle).press(f"ack:{case.alert_id}", token=NOTICE_TOKEN)
        assert "Anna Berg" not in forged, forged


async def test_a_contact_who_moved_party_loses_the_case_and_the_old_party_keeps_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    await move(demo_app, "pia", party="bp")  # Pia now a contact of bp
    await demo_app.timer_runner().run_due()
    shown = await chat("pia").say(f"/arende {case.ref}")
    assert "Anna Berg" not in shown, shown
    assert "Anna Berg" not in await chat("pia").say("/arenden")


async def test_the_director_reads_the_checklist_not_the_words(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party", what=WORDS)
    shown = await chat("kent").say(f"/arende {case.ref}")
    assert case.ref in shown and WORDS not in shown, shown
    # once Kent is no longer director, not even the checklist
    await move(demo_app, "kent", role=Role.OFFICIAL, party="gp")
    shown = await chat("kent").say(f"/arende {case.ref}")
    assert "Anna Berg" not in shown, shown


async def test_the_unit_reads_a_party_case_only_once_it_is_sent_to_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party", what=WORDS)  # Pia, Per, then Sara
    shown = await chat("sara").say(f"/arende {case.ref}")
    assert WORDS not in shown, shown


# --- 3. invitations ----------------------------------------------------------------------------


async def test_an_invite_used_twice_grants_its_role_once(demo_app: App, chat: Any) -> None:
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara")
    assert "Din inbjudan är godkänd" in await chat("gun").say(f"/start {code}")
    assert NOT_VALID in await chat("gustav").say(f"/start {code}")
    assert await role_of(demo_app, "gustav") is Role.UNREGISTERED


async def test_an_invite_used_after_it_expired_grants_nothing(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara", hours=1)
    clock.advance(hours=1)
    assert NOT_VALID in await chat("gun").say(f"/start {code}")
    assert await role_of(demo_app, "gun") is Role.UNREGISTERED


async def test_an_invite_from_a_unit_member_who_lost_the_role_grants_nothing(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """Sara made a code for a security contact, then left the unit. The code must not make
    someone a contact of gp (and give them Anna's next alert) on her word."""
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara")
    assert await _revoke(demo_app, "sara") == 0
    reply = await chat("gun").say(f"/start {code}")
    assert ISSUER_GONE in reply, reply
    assert "kommunens säkerhetsenhet" in reply, reply
    assert await role_of(demo_app, "gun") is Role.UNREGISTERED
    async with demo_app.db.unit_of_work() as session:
        row = (await session.scalars(select(Invite))).one()
        assert row.used_at is None  # not spent: the unit may vouch for it again


async def test_an_invite_from_someone_moved_out_of_the_unit_grants_nothing(
    demo_app: App, chat: Any
) -> None:
    """Sara is an official of gp now (the org file changed): her old code is not."""
    code = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    await move(demo_app, "sara", role=Role.OFFICIAL, party="gp")
    assert ISSUER_GONE in await chat("gun").say(f"/start {code}")
    assert await role_of(demo_app, "gun") is Role.UNREGISTERED


async def test_an_invite_from_the_operator_still_works(demo_app: App, chat: Any) -> None:
    code = await invite(demo_app, Role.OFFICIAL)
    assert "Din inbjudan är godkänd" in await chat("gun").say(f"/start {code}")


async def role_of(app: App, handle: str) -> Role | None:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(Person.role).where(Person.handle == handle))


# --- 1b. the web console session she had -------------------------------------------------------


async def test_the_browser_she_had_open_shows_nothing_once_she_moved_party(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia is signed in with Anna's case open when the org file moves her to Blå partiet: she
    is still a security contact (her session lives on), but every door to Anna's case is
    shut, the case file too; revoked, the session itself ends."""
    case = await anna_reports(chat, demo_app, clock)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        page = await client.get(f"/cases/{case.ref}")
        assert page.status_code == 200 and "Anna" in page.text
        token = csrf_in(page.text)
        await move(demo_app, "pia", party="bp")
        await demo_app.timer_runner().run_due()
        await refused_everywhere(client, case.ref, token)
        listed = await client.get("/cases")
        assert case.ref not in listed.text and "Anna" not in listed.text
        assert await _revoke(demo_app, "pia") == 0
        after = await client.get(f"/cases/{case.ref}")
        assert "Anna" not in after.text and after.status_code in (302, 303, 401, 403, 404)


# --- 3b. an invitation made for who someone was ------------------------------------------------

OUTDATED = "Inbjudan gjordes innan din roll ändrades"


async def test_a_pending_invite_naming_pia_does_not_bring_her_back_after_she_left(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Sara made Pia a code for her new phone; before Pia used it she left the party and was
    revoked. The code must not make her gp's contact again, with Anna's case."""
    case = await submit_report(chat, "anna", "party")
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara", person="pia")
    clock.advance(minutes=5)
    assert await _revoke(demo_app, "pia") == 0
    reply = await chat("pias-nya-telefon").say(f"/start {code}")
    assert "Din inbjudan är godkänd" not in reply, reply
    assert await role_of(demo_app, "pia") is Role.UNREGISTERED
    shown = await chat("pias-nya-telefon").say(f"/arende {case.ref}")
    assert "Anna Berg" not in shown, shown


async def test_an_unnamed_code_she_held_does_not_undo_her_revocation(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara")
    await chat("pia").say("/meny")
    clock.advance(minutes=5)
    assert await _revoke(demo_app, "pia") == 0
    reply = await chat("pia").say(f"/start {code}")
    assert OUTDATED in reply and "kommunens säkerhetsenhet" in reply, reply
    assert await role_of(demo_app, "pia") is Role.UNREGISTERED
    # a new code, made after she was revoked, gives her role back as before
    clock.advance(minutes=5)
    again = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara")
    assert "Din inbjudan är godkänd" in await chat("pia").say(f"/start {again}")


async def test_a_pending_invite_naming_her_goes_when_the_org_file_moves_her(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """The org file makes Pia an official of gp (no longer a contact): the code naming her as
    a contact, made before, must not undo the file."""
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara", person="pia")
    async with demo_app.db.unit_of_work() as session:
        directory = DirectoryRepo(session)
        pia = await directory.person_by_handle("pia")
        sjovik = await directory.municipality_by_key("sjovik")
        assert pia is not None and sjovik is not None
        await directory.upsert_person(
            Viewer.operator(),
            handle="pia",
            name="Pia Lind",
            role=Role.OFFICIAL,
            municipality=sjovik,
            party=await directory.party_by_key(sjovik.id, "gp"),
            phone=pia.phone,
            locale=pia.locale,
        )
    reply = await chat("pias-nya-telefon").say(f"/start {code}")
    assert "Din inbjudan är godkänd" not in reply, reply
    assert await role_of(demo_app, "pia") is Role.OFFICIAL


async def test_anna_hears_at_once_that_pia_no_longer_has_her_case(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Anna was told "Pia Lind har sett din rapport och kontaktar dig"; Pia is revoked. Until
    Per takes the case, Anna is told nothing and waits for a call from Pia that will not come."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await chat("anna").say("/meny")
    await take(chat, "pia", case)
    await rendered(demo_app, "anna")  # "Pia Lind har sett din rapport och kontaktar dig."
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    assert await rendered(demo_app, "anna") != []
