"""Conversations as people live them, kept as golden transcripts in tests/transcripts/.

Each test plays a scenario through the conversation core and the outbox (console channel)
and compares what everyone read with its file; a wording change shows up as a diff there.
The scenarios are the ones the report issue asks for: onboarding by invitation, /akut on
first use, a report written the way people write (typing at button questions, a file in the
middle, editing from the summary), and reporting for someone else; plus /hjalp per role and
a check-in answered in words. Swedish and English.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from conversations.report.form import ReportStep as S
from storage.directory import DirectoryRepo
from storage.models import OutboxMessage, OutboxStatus, Person, Report, Role
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import Script, attach, write_report
from tests.test_transcripts_checkin_words import checked_in
from tests.test_trust import invite

# What must never reach a person who is not in the directory, or someone of another party.
GP_CONTACTS = ("Pia Lind", "Per Ek", "+46 70 174 06 11", "+46 70 174 06 12")
EVERYONE_ELSE = (
    *GP_CONTACTS,
    "Britt Holm",
    "+46 70 174 06 21",
    "Sara Strand",
    "Anna Berg",
    "Bo Sand",
    "Kent Dahl",
    "Sjöviks kommun",
)
PEOPLE = tuple(piece for piece in EVERYONE_ELSE if piece != "Sjöviks kommun")
"""No one's name or number; the security unit's number is published (conversations/unit_numbers)."""
PHOTO = b"\x89PNG\r\n\x1a\n a photo of the letter" * 40


async def alerts(app: App) -> list[tuple[str, OutboxStatus]]:
    """(recipient handle, status) of every alert queued so far."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Person.handle, OutboxMessage.status)
            .join(OutboxMessage, OutboxMessage.recipient_id == Person.id)
            .where(OutboxMessage.kind == "alert")
            .order_by(OutboxMessage.id)
        )
        return [(handle, status) for handle, status in rows.all()]


async def locale_of(app: App, handle: str) -> str | None:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.locale).where(Person.handle == handle))).one()


# --- onboarding -------------------------------------------------------------------------------


async def test_onboarding_by_invitation(demo_app: App) -> None:
    for name, handle, hint, switch in (
        ("onboarding_invite_sv", "anna", "sv", "English"),
        ("onboarding_invite_en", "bo", "en", "svenska"),
    ):
        code = await invite(
            demo_app, Role.OFFICIAL, person=handle, party="gp" if handle == "anna" else "bp"
        )
        t = Transcript(name, demo_app)
        phone = t.person(f"ny-{handle}", locale_hint=hint)
        t.note(f"{handle}'s security contact sent her the invitation link; she opens it")
        await t.say(phone, f"/start {code}")
        assert "Vilket språk" not in phone.text(phone.last)  # the directory says which
        t.note("the language button works at once (it went stale before)")
        await t.say(phone, switch)
        await t.say(phone, "/hjalp")
        t.check()


async def test_a_new_invitee_gives_a_name_and_number_that_the_contact_then_sees(
    demo_app: App,
) -> None:
    """An invitation for someone not in the org file: without a name she would be shown to
    Pia by her chat handle, with no number to call."""
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    t = Transcript("onboarding_new_invitee_sv", demo_app)
    eva, pia = t.person("eva"), t.person("pia")
    await pia.say("/hjalp")
    t.note("Pia sent Eva an invitation link; Eva opens it")
    await t.say(eva, f"/start {code}")
    await t.press(eva, "lang:sv", "svenska")
    await t.say(eva, "Jag heter Eva Ek.")
    await t.say(eva, "vet inte")
    await t.say(eva, "070-555 12 34")
    t.note("that night she needs help")
    await t.say(eva, "akut")
    await t.press(eva, "akut:alert", "Larma Pia Lind")
    await t.deliver()
    t.check()
    to_pia = t.text().split("bot → pia:")[-1]
    assert "Eva Ek" in to_pia and "+46 70 555 12 34" in to_pia  # as the org file's numbers
    assert "eva" not in to_pia.replace("Eva", "")  # never her chat handle


async def test_a_number_typed_as_the_example_is_shown_as_the_org_files(demo_app: App) -> None:
    """Eva typed her number as the question's example, "070-123 45 67": she was told "Trygg
    visar +46 70-123 45 67" and Pia read it so beside "+46 70 174 06 12" from the org file."""
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    t = Transcript("onboarding_phone_typed_sv", demo_app)
    eva, pia = t.person("eva"), t.person("pia")
    await pia.say("/hjalp")
    t.note("Eva opens her invitation and types her number as the example shows it")
    await t.say(eva, f"/start {code}")
    await t.press(eva, "lang:sv", "svenska")
    await t.say(eva, "Eva Ek")
    await t.say(eva, "070-123 45 67")
    t.note("she asks for help: Pia reads her number in the same form as the others'")
    await t.say(eva, "akut")
    await t.press(eva, "akut:alert", "Larma Pia Lind")
    await t.deliver()
    t.check()
    said = t.text()
    assert "Tack. Trygg visar +46 70 123 45 67 för dem som behöver ringa dig." in said
    assert "Ring: +46 70 123 45 67" in said.split("bot → pia:")[-1]
    assert "70-123" not in said.split("eva> 070-123 45 67")[-1]
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle("eva")
        assert person is not None and person.phone == "+46 70 123 45 67"  # stored so


async def test_danger_told_instead_of_a_name_is_not_taken_as_one(demo_app: App) -> None:
    """At the name question she writes what is happening: 112 first, her words kept, the
    alert one press away; the name is asked another time. 'hoppa över.' skips the number."""
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    ivy = Chat(demo_app, "ivy")
    await ivy.say(f"/start {code}")
    await ivy.press("lang:sv")
    said = await ivy.say("han står utanför mitt hus nu")  # what to do now, the alert offered
    assert said.startswith("Är du i fara just nu? Ring 112.")
    assert "Tack, han" not in said and "telefonnummer" not in said
    assert next(i for i, _l, _t in ivy.buttons) == "akut:alert"
    said = await ivy.say("/start")  # another time: the name is asked
    assert "Vad heter du?" in said
    await ivy.say("Ivy Lund")
    said = await ivy.say("hoppa över.")
    assert "Så hanteras dina uppgifter" in said and "telefonnummer" not in said
    await ivy.say("akut")
    said = await ivy.press("akut:alert")  # nobody can call her back: she is not promised it
    assert "Jag har larmat Pia Lind. Trygg har inget telefonnummer till dig: ring själv." in said


async def test_a_contact_is_welcomed_as_one_and_her_menu_opens_the_cases(
    demo_app: App,
) -> None:
    """Pia, woken by a push, looks for the case, not the officials' report form."""
    t = Transcript("welcome_contact_sv", demo_app)
    pia, anna = t.person("pia"), t.person("anna")
    said = await t.say(pia, "/start")
    await t.say(pia, "ok")
    t.check()
    assert "Du är partiets säkerhetsansvariga (Gröna partiet, Sjöviks kommun)" in said
    assert "Varje ärende du öppnar eller ändrar loggas" in said  # staff, not official, lines
    assert "Det bestämmer du själv om" not in said
    assert [i for i, _l, _t in pia.buttons][:2] == ["cmd:akut", "cmd:arenden"]
    said = await anna.say("/start")
    assert "Du är" not in said and "cmd:arenden" not in [i for i, _l, _t in anna.buttons]
    said = await Chat(demo_app, "kent").say("/start")  # the director gets checklist items
    assert "Du är kommunchef (Sjöviks kommun): punkterna i checklistan som du ansvarar" in said


async def test_a_new_person_chooses_a_language_and_sees_no_names(demo_app: App) -> None:
    t = Transcript("onboarding_unregistered_sv", demo_app)
    eve = t.person("eve")
    await t.say(eve, "/start")
    await t.say(eve, "tyska")  # the question insists, kindly
    await t.say(eve, "svenska")
    await t.say(eve, "/akut")
    await t.say(eve, "/kontakter")
    t.check()
    said = t.text()
    assert not any(piece in said for piece in PEOPLE)  # the unit's number is published
    assert await alerts(demo_app) == []
    assert await locale_of(demo_app, "eve") == "sv"


# --- /akut ------------------------------------------------------------------------------------


async def alert_on_first_use(app: App, name: str, handle: str, cry: str, take: str) -> int:
    """The first message after onboarding is a cry for help; return how many inputs it took
    to alert the security contact."""
    t = Transcript(name, app)
    person, contact = t.person(handle), t.person("pia" if handle == "anna" else "britt")
    await contact.say("/hjalp")  # the contact's chat exists, so the alert reaches it
    t.note("it is 23:00; the threat has just arrived")
    await t.say(person, cry)
    await t.say(person, "1")
    await t.deliver()
    await t.say(contact, take)
    await t.deliver()
    t.check()
    return 2


async def test_akut_on_first_use(demo_app: App) -> None:
    inputs = await alert_on_first_use(
        demo_app, "akut_first_use_sv", "anna", "hjälp jag har blivit hotad", "Jag tar det"
    )
    inputs_en = await alert_on_first_use(
        demo_app, "akut_first_use_en", "bo", "help, I have been threatened", "Jag tar det"
    )
    assert inputs == inputs_en == 2
    assert [h for h, _s in await alerts(demo_app)] == ["pia", "britt"]


async def test_akut_works_from_any_state_with_one_word(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    guidance = await anna.say("akut")  # mid-report, one word
    assert "Är du i fara just nu? Ring 112." in guidance
    assert "akut:alert" in [i for i, _l, _t in anna.buttons]
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert")


# --- the report --------------------------------------------------------------------------------


async def test_a_report_written_the_way_people_write(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("report_as_people_write_sv", demo_app)
    anna, pia = t.person("anna"), t.person("pia")
    await pia.say("/hjalp")
    for typed in (
        "/rapportera",
        "det hände mig",  # a button question, answered in words
        "Ledamot i byggnadsnämnden",
        "det har med bygglovet att göra",  # no option says that: kept as her own words
        "Han skrev i ett sms att han vet var jag bor.",
        "Och att jag ska akta mig.",  # the rest of the story, a moment later
        "sms",
        "Hemma i kväll ca 22.40",
    ):
        await t.say(anna, typed)
    t.note("she sends a screenshot in the middle of the report")
    kept = await attach(anna, PHOTO, name="sms.png")
    t.lines += ["", "anna> [screenshot sms.png]", "bot → anna:", f"    {kept}"]
    for typed in (
        "nej",
        "Okänd man, runt 50, skånsk dialekt",
        "vet inte",
        "bygglovet på Storgatan",
        "inte än",
        "skrämmande, jag tror han menar allvar",
        "nej",
    ):
        await t.say(anna, typed)
    t.note("in the summary she adds to what happened, then corrects the time")
    await t.say(anna, "Vad hände")
    await t.say(anna, "Han har skickat liknande sms förut.")
    await t.say(anna, "När och var")
    await t.say(anna, "Ersätt")
    await t.say(anna, "Hemma i går kl 22.40")
    await t.say(anna, "Skicka")
    await t.deliver()
    t.check()
    text = t.text()
    assert "Han skrev i ett sms att han vet var jag bor.\n" in text
    assert "Han har skickat liknande sms förut." in text  # added, not replaced
    assert "Jag skrev: i går kl. 22.40." in text


async def test_a_report_typed_in_english_from_start_to_end(demo_app: App) -> None:
    t = Transcript("report_typed_en", demo_app)
    bo = t.person("bo")
    script = Script(typed=True, what=("Someone slashed my tyres outside the town hall.",))
    reply = await write_report(bo, script)
    t.lines += ["# bo types every answer; the bot's last word:", *reply.splitlines()]
    assert "Your report is sent: case" in reply
    assert script.inputs <= 15, script.inputs
    t.check()


async def test_reporting_for_someone_else(demo_app: App) -> None:
    for name, handle, who, target in (
        ("report_for_someone_else_sv", "anna", "Anna Berg, partikamrat", "Eva Ek, kulturnämnden"),
        ("report_for_someone_else_en", "bo", "Bo Sand, group leader", "Eva Ek, culture board"),
    ):
        t = Transcript(name, demo_app)
        person = t.person(handle)
        await t.say(person, "/rapportera")
        await t.say(person, "2")  # I report for someone else
        await t.say(person, who)
        await t.say(person, target)
        await t.say(person, "1")  # the party
        await t.say(person, "Någon skrev på hennes Facebook att hon ska passa sig.")
        t.check()
        asked = t.text()
        assert asked.count("Vem utsattes?") + asked.count("Who was targeted?") == 1
        later = asked.split(target)[-1]
        assert "Eva Ek" in later  # later questions use her name
        # the options are not in the writer's first person ("Mitt kommunala uppdrag")
        assert "Mitt kommunala uppdrag" not in later and "My municipal assignment" not in later
        assert "[2] Kommunalt uppdrag" in later or "[2] Municipal assignment" in later


# --- after the report ---------------------------------------------------------------------------


async def test_a_check_in_answered_in_words(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("checkin_answered_in_words_sv", demo_app)
    await checked_in(demo_app, clock, t)
    anna_t, pia_t = t.person("anna"), t.person("pia")
    await t.say(anna_t, "Det är okej men jag sover dåligt")
    pushed = await t.deliver()
    # the push says that she answered; her words stay inside the case (locked screens)
    assert not any("sover dåligt" in reply.text for _, reply in pushed)
    t.note("Pia opens the case from the notice")
    await t.say(pia_t, "1")
    t.check()
    # the municipal director sees the case's checklist, not what Anna wrote
    async with demo_app.db.unit_of_work() as session:
        ref = (await session.scalars(select(Report.ref))).one()
    seen = await Chat(demo_app, "kent").say(f"/arende {ref}")
    assert "Checklista" in seen and "sover dåligt" not in seen
    assert "”Det är okej men jag sover dåligt”" in t.text()  # Pia reads it in full


async def test_help_lists_what_each_role_uses(demo_app: App) -> None:
    t = Transcript("help_per_role_sv", demo_app)
    for handle in ("anna", "pia", "sara", "kent"):
        await t.say(t.person(handle), "/hjalp")
    t.check()
    said = t.text()
    assert said.count("/logg") == 1  # the unit's log, for the unit only
    assert said.count("/rapportera") >= 4


# --- how many inputs -----------------------------------------------------------------------------


async def test_inputs_needed_to_alert_and_to_report(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("hjälp jag har blivit hotad")
    alerted = await anna.say("1")
    assert "Jag har larmat Pia Lind" in alerted
    typed = Script(typed=True)
    sent = await write_report(chat("bo"), typed)
    assert "Your report is sent" in sent
    pressed = Script(skip=[S.ASSIGNMENT])
    await write_report(chat("anna"), pressed)
    print(
        f"\ninputs: alert on first use 2, full report typed {typed.inputs}, "
        f"full report with buttons {pressed.inputs}"
    )
    assert typed.inputs <= 15
    assert pressed.inputs <= 20
