"""The checklist as the targeted person reads it in her own case: the routine's questions are
written for staff ("Har den utsatta fått initialt stöd?"); where she is asked or shown an
item she reads the pack's words for her ("Har du valt en stödperson?"). Someone who reported
for another person reads them with that person's name ("Har Eva Ek valt en stödperson?")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.packs import PackLibrary, Reader
from storage.models import Alert, Report
from tests.conftest import Chat, FakeClock
from tests.reporting import SKIPPED, Script, write_report
from tests.test_case import MONDAY_10, PIA, WHAT, Submitted, answer_items, her_taken_case, take

STAFF_WORDS = ("den utsatta", "den utsattas", "person targeted", "targeted person")


def test_every_item_that_speaks_of_her_has_words_for_her() -> None:
    for pack in PackLibrary().packs.values():
        for item in pack.checklist:
            for locale in ("sv", "en"):
                staff = item.check.get(locale)
                if any(words in staff for words in STAFF_WORDS):
                    assert item.own is not None and item.named is not None, (pack.id, item.id)
                for reader in (Reader(own=True), Reader(name="Eva Ek")):
                    said = item.asked(locale, reader)
                    assert not any(words in said for words in STAFF_WORDS), (pack.id, item.id)
                    assert "{" not in said
                if item.named is not None:
                    assert "Eva Ek" in item.asked(locale, Reader(name="Eva Ek"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_she_reads_the_items_done_in_her_case_addressed_to_her(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia answered 3.2.1; Anna read "✓ Har den utsatta fått initialt stöd i den utsatta
    situationen?" and "Har den utsatta valt en stödperson?" in her own case."""
    case, anna = await her_taken_case(chat, clock)
    asked = await anna.say(f"/arende {case.ref}")
    assert "Har du eller Pia Lind kontaktat kommunens" in asked, asked
    asked = await anna.press("case:check")
    assert asked.startswith("En fråga om ditt ärende:\nHar du eller Pia Lind kontaktat"), asked
    await anna.press("case:view")
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await answer_items(pia, PIA[:4], demo_app)
    view = await anna.say(f"/arende {case.ref}")
    assert "✓ Har någon stöttat dig, så att du inte har lämnats ensam? – Ja, Pia Lind" in view
    assert "✗ Har dina anhöriga fått veta vad som har hänt? – Nej, Pia Lind" in view
    assert "✓ Har du valt en stödperson? – Ja, Pia Lind" in view
    assert "Det här är ditt att svara på:\n· Har du och de som hanterar ditt ärende bedömt" in view
    assert "den utsatta" not in view, view
    changes = await anna.press("case:change")
    assert "Har du eller Pia Lind kontaktat" in changes, changes
    assert "3.1.1" not in changes and "den utsatta" not in changes
    # Pia, who handles it, reads the routine's own words
    staff = await pia.say(f"/arende {case.ref}")
    assert "3.2.1 Har den utsatta valt en stödperson? – Ja, Pia Lind" in staff, staff


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_bo_reads_them_in_english_addressed_to_him(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    bo: Chat = chat("bo")
    await write_report(bo, Script(what=(WHAT,), skip=SKIPPED))
    ref = await _latest(demo_app)
    britt = chat("britt")
    await take(chat, "britt", ref)
    await britt.say(f"/arende {ref.ref}")
    await britt.press("case:check")
    await britt.press("check:yes")  # 3.1.1
    await britt.press("check:skip")
    await britt.press("check:yes")  # 3.2.1 initial support
    view = await bo.say(f"/arende {ref.ref}")
    assert "✓ Has someone supported you, so that you were not left alone? – Yes" in view, view
    assert "Have you and those handling your case assessed whether you need" in view
    assert "targeted" not in view


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_someone_who_reported_for_another_reads_her_name(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    anna: Chat = chat("anna")
    script = Script(what=(WHAT,), skip=SKIPPED, for_someone=("Anna Berg, kamrat", "Eva Ek, KS"))
    await write_report(anna, script)
    case = await _latest(demo_app)
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await answer_items(pia, PIA[:4], demo_app)
    view = await anna.say(f"/arende {case.ref}")
    assert "✓ Har Eva Ek valt en stödperson? – Ja, Pia Lind" in view, view
    assert "✓ Har Eva Ek fått initialt stöd av någon i situationen? – Ja, Pia Lind" in view
    assert "✗ Har anhöriga till Eva Ek informerats? – Nej, Pia Lind" in view
    assert "Har du valt en stödperson" not in view and "stöttat dig" not in view
    assert "den utsatta valt" not in view


async def _latest(app: App) -> Submitted:
    async with app.db.unit_of_work() as session:
        latest = select(Report).order_by(Report.submitted_at.desc())
        report = (await session.scalars(latest)).first()
        assert report is not None
        alert = (await session.scalars(select(Alert).where(Alert.report_id == report.id))).one()
        return Submitted(report.id, report.ref, alert.id)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_she_is_not_asked_311_when_the_plan_sent_it_to_the_unit(  # type: ignore[no-untyped-def]
    demo_app: App, clock: FakeClock
) -> None:
    """A case about her assignment goes to Sara at the unit at once: the strategist has it,
    so Anna reads that as done and is asked her next item instead of 3.1.1."""
    from tests.test_transcripts_check import reported_and_taken

    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara")
    anna = Chat(demo_app, "anna")
    view = await anna.say(f"/arende {ref}")
    assert "✓ Kommunens säkerhetsenhet är kontaktad (Sara Strand)." in view, view
    assert "kommunens säkerhetsstrateg?" not in view, view
    asked = await anna.press("case:check")
    assert "säkerhetsstrateg" not in asked, asked
    listed = await anna.say("/arende")
    assert "1 fråga för dig att svara på" in listed, listed  # 3.2.4 only


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_she_is_asked_311_about_the_contact_who_took_it(  # type: ignore[no-untyped-def]
    demo_app: App, clock: FakeClock
) -> None:
    """A party case Pia took: Anna is asked about Pia, by name, not "partiets
    säkerhetsansvariga"."""
    from tests.test_transcripts_check import reported_and_taken

    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "party")
    asked = await Chat(demo_app, "anna").say(f"/arende {ref}")
    assert "· Har du eller Pia Lind kontaktat kommunens säkerhetsstrateg?" in asked, asked
