"""The menu's words typed where a button was expected ("Ärenden", "Meny"), a case reference
typed, and "Visa rapporten" typed: each does what it says. In a case they had been kept as
internal notes that nobody could remove, and from an alert they did nothing."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import CaseNote, Report
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import SKIPPED, Script, write_report
from tests.test_case import MONDAY_10
from tests.test_transcripts_list import bind, report


async def test_menu_words_and_references_typed_do_what_they_say(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("menu_words_typed_sv", demo_app)
    clock.now = MONDAY_10  # by day: the director is told at once
    await bind(t, "pia", "sara", "kent")
    await report(t, "anna", "assignment", police=True)
    await t.deliver()
    async with demo_app.db.unit_of_work() as session:
        ref = (await session.scalars(select(Report.ref))).one()
    clock.advance(minutes=2)
    sara, anna = t.person("sara"), t.person("anna")
    t.note("Sara, woken by the alert, types instead of pressing")
    shown = await t.say(sara, "visa rapporten")
    assert f"Incidentrapport {ref}" in shown
    await t.say(sara, f"öppna {ref}")
    listed = await t.say(sara, "Ärenden")
    assert "Öppna ärenden:" in listed and ref in listed
    await t.say(sara, ref)
    menu = await t.say(sara, "meny")
    assert "Det här kan jag hjälpa dig med:" in menu
    t.note("Anna, in the middle of a new report, looks for her contacts")
    await t.say(anna, "/rapportera")
    contacts = await t.say(anna, "Mina kontakter")
    assert "Pia Lind" in contacts
    own = await t.say(anna, "Visa rapporten")
    assert f"Incidentrapport {ref}" in own
    t.check()
    to_kent = t.text().split("bot → kent:")[1].split("\n\n")[0]  # what he must do, and whom to ask
    assert "Polisanmälan görs om den utsatta beslutar så." in to_kent
    assert (
        "Pia Lind (+46 70 174 06 11) och Sara Strand (+46 8 465 004 11) har rapporten och kan "
        "berätta vad som har hänt."
    ) in to_kent
    spoken = ref.lower().replace("-", " ")  # as read aloud on the phone
    assert f"Ärende {ref} – öppet" in await sara.say(f"ärende {spoken}")
    async with demo_app.db.unit_of_work() as session:
        assert (await session.scalars(select(CaseNote))).all() == []  # nothing kept as a note


async def test_a_contacts_words_at_the_menu_point_to_her_cases_not_a_report(
    demo_app: App,
) -> None:
    """Pia asking "vad ska jag göra nu?" got "I fara nu: ring 112. Jag sparade det du skrev i
    en rapport": a report in her own name that nobody would read."""
    pia = Chat(demo_app, "pia")
    await pia.say("/meny")
    said = await pia.say("vad ska jag göra nu?")
    assert said.startswith("Gäller det ett ärende? Öppna det och skriv där"), said
    assert "rapport som du kan fortsätta med" not in said
    async with demo_app.db.unit_of_work() as session:
        assert (await session.scalars(select(Report))).all() == []


async def test_words_told_at_akut_go_to_her_open_case(demo_app: App, clock: FakeClock) -> None:
    """With her case open, "han står utanför mitt hus" typed at /akut went into a new draft
    that nobody reads; Pia and Per, who hold her case, were not told."""
    t = Transcript("akut_words_with_open_case_sv", demo_app)
    await bind(t, "pia", "per")
    await report(t, "anna", "party")
    await t.deliver()
    clock.advance(hours=3)
    anna = t.person("anna")
    await t.say(anna, "akut")
    said = await t.say(anna, "han står utanför mitt hus nu och ringer på")
    sent = await t.deliver()
    t.check()
    assert said.startswith("I fara nu: ring 112.")
    assert "Jag har sparat det du skrev i ditt ärende" in said and "/rapportera" not in said
    assert {to for to, reply in sent if "har skrivit till dig" in reply.text} == {"pia"}
    async with demo_app.db.unit_of_work() as session:
        statuses = (await session.scalars(select(Report.status))).all()
        assert len(statuses) == 1  # no draft beside the case


async def test_a_case_reported_for_someone_names_her_to_those_who_read_it(
    demo_app: App,
) -> None:
    """Anna reported for Eva: the lists and the case named only Anna, and Eva, whom the
    case is about, appeared nowhere the contact looks first."""
    anna, pia, kent = (Chat(demo_app, h) for h in ("anna", "pia", "kent"))
    for chat in (pia, kent):
        await chat.say("/hjalp")
    script = Script(skip=SKIPPED, for_someone=("Anna Berg, partikamrat", "Eva Ek, kulturnämnden"))
    await write_report(anna, script)
    async with demo_app.db.unit_of_work() as session:
        ref = (await session.scalars(select(Report.ref))).one()
    assert f"{ref} – Eva Ek (rapporterat av Anna Berg)" in await pia.say("/arenden")
    assert "Rapporterat för: Eva Ek" in await pia.say(f"/arende {ref}")
    listed = await kent.say("/arenden")  # he never reads the report: nor this name from it
    assert f"{ref} – rapporterat av Anna Berg" in listed and "Eva Ek" not in listed
    assert "Eva Ek" not in await kent.say(f"/arende {ref}")


async def test_asking_for_a_report_in_words_opens_it(demo_app: App) -> None:
    """ "rapport" as Anna's first message, and "jag vill rapportera något" at the menu, showed
    the menu again with nothing said about her words."""
    anna = Chat(demo_app, "anna")
    first = await anna.say("rapport")
    assert "Vem gäller det?" in first, first
    bo = Chat(demo_app, "bo")
    await bo.say("/menu")
    assert "Who is this about?" in await bo.say("I want to report something")
    sara = Chat(demo_app, "sara")
    await sara.say("/meny")
    assert "Vem gäller det?" in await sara.say("Jag vill rapportera något.")
