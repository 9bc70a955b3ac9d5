"""Typed text in /arende is never thrown away (language.md rule 4): at a Ja / Nej / Inte
aktuellt item, in the follow-up and closing questions, and in the case view, words typed
instead of a button press answer the question or are kept (and the bot says where)."""

from __future__ import annotations

from typing import Any

from bot.app import App
from conversations.case.checklist import read_typed
from storage.cases import CaseRepo
from storage.models import Report
from tests.conftest import FakeClock
from tests.test_case import MONDAY_10, Submitted, submit_report, take
from tests.test_case_check import delivered, the_unit_case

ASKED_AGAIN = "Har kommunens säkerhetsstrateg kontaktats?"


async def in_the_unit_case(
    chat: Any, clock: FakeClock, handle: str, category: str = "assignment"
) -> tuple[Submitted, Any]:
    """The unit's case, opened by ``handle`` (/arende REF); the case and their chat."""
    case = await the_unit_case(chat, clock, category)
    person = chat(handle)
    await person.say(f"/arende {case.ref}")
    return case, person


async def test_typed_words_at_a_checklist_item_answer_it_or_are_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    _case, pia = await in_the_unit_case(chat, clock, "pia", "party")  # 3.1.1 is hers
    await pia.press("case:check")
    # Words that are not an answer: kept as an internal note, the item asked again.
    kept = await pia.say("Försökte ringa Sara, inget svar")
    assert kept.startswith(
        "Jag har sparat det du skrev som en intern anteckning i ärendet. "
        "Välj nu svaret på punkt 3.1.1:\n"
    )
    assert ASKED_AGAIN in kept
    assert [i for i, _, _ in pia.buttons][:3] == ["check:yes", "check:no", "check:na"]
    # A typed answer, any case and punctuation, answers it.
    saved = await pia.say("NEJ.")
    assert saved.startswith("Sparat: Nej.")
    view = await pia.press("check:skip")
    view = await pia.press("case:view")
    assert "✗ 3.1.1 Har kommunens säkerhetsstrateg kontaktats? – Nej, Pia Lind" in view
    assert "Intern anteckning (Pia Lind, i dag kl. 10.00): Försökte ringa Sara, inget svar" in (
        view
    )
    # An answer with words after it: the answer, and the words kept whole as its comment.
    await pia.press("case:change")
    await pia.press("chg:3.1.1")
    changed = await pia.say("Ja, hon ringde tillbaka kl. 11")
    assert changed.startswith(  # "Ja": the strategist was contacted, Sara has the case now
        "Sparat: Ja, med det du skrev som intern kommentar.\n"
        "Sara Strand på kommunens säkerhetsenhet har nu ärendet och sin del av checklistan.\n"
        "Ändrat."
    ), changed
    assert "Checklista" not in changed  # said, not the whole case again
    changed = await pia.press("case:view")
    assert "✓ 3.1.1 Har kommunens säkerhetsstrateg kontaktats? – Ja, Pia Lind" in changed
    assert "    Intern anteckning: Ja, hon ringde tillbaka kl. 11" in changed


async def test_the_director_types_his_answer(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    _case, kent = await in_the_unit_case(chat, clock, "kent")
    asked = await kent.press("case:check")
    assert asked.startswith("3.1.3:")
    # He may keep no notes in the case (storage): his words wait for his answer.
    told = await kent.say("Vet inte än")
    assert told.startswith(
        "Jag sparar dina ord som kommentar till 3.1.3 när du har valt svaret.\n3.1.3:"
    ), told
    saved = await kent.say("n/a")
    assert saved.startswith("Sparat: Inte aktuellt, med det du skrev som intern kommentar."), saved
    assert "Du har inga öppna punkter i checklistan för det här ärendet. Tack." in saved
    assert "    Intern anteckning: Vet inte än" in await kent.press("case:view")


async def test_the_director_types_in_the_case_view(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """ "Jag har pratat med polisen, de utreder" typed at the case view had been refused and
    lost ("Här kan jag inte spara text från dig"): it becomes his 3.1.3 answer's comment."""
    _case, kent = await in_the_unit_case(chat, clock, "kent")
    told = await kent.say("Jag har pratat med polisen, de utreder")
    assert told.startswith(
        "Jag sparar dina ord som kommentar till 3.1.3 när du har valt svaret.\n3.1.3:"
    ), told
    saved = await kent.press("check:yes")
    assert saved.startswith("Sparat: Ja, med det du skrev som intern kommentar."), saved
    saved = await kent.press("case:view")
    assert "    Intern anteckning: Jag har pratat med polisen, de utreder" in saved
    view = await kent.say("Inget mer att göra här")  # no open item left: said kindly
    assert "Här kan jag inte spara text från dig" in view


async def test_the_targeted_person_types_at_her_item(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    anna = chat("anna")
    await anna.say(f"/arende {case.ref}")
    asked = await anna.press("case:check")
    assert asked.startswith("En fråga om ditt ärende:\nHar du eller partiets säkerhets"), asked
    kept = await anna.say("Jag vet inte vem jag ska ringa")
    # kept, and she is not held at the question ("Välj nu svaret på punkt 3.2.4" again and
    # again while she typed "Stoppa avstämningarna")
    assert kept.startswith(
        "Jag har sparat det du skrev i ditt ärende. De som hanterar ärendet ser det. "
        "Jag lämnar frågan öppen.\n"
    ), kept
    assert "Välj nu svaret" not in kept and kept.endswith("\n[1] Visa ärendet"), kept
    await take(chat, "pia", case)
    seen = await chat("pia").say(f"/arende {case.ref}")
    assert "Jag vet inte vem jag ska ringa" in seen


async def test_typed_words_in_the_case_view_become_a_note(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await in_the_unit_case(chat, clock, "pia")
    anna = chat("anna")
    kept = await pia.say("Ska prata med Anna imorgon")
    assert kept.startswith("Jag har sparat det du skrev som en intern anteckning i ärendet.\n")
    view = await pia.say(f"/arende {case.ref}")
    assert "• Intern anteckning (Pia Lind, i dag kl. 10.00): Ska prata med Anna imorgon" in view
    assert "Ska prata med Anna" not in await anna.say(f"/arende {case.ref}")
    # a long note was refused ("högst 10000 tecken") and her words were lost: kept whole
    long = "".join(f"Samtal {n}: Anna beskrev hoten i detalj. " for n in range(300))
    assert len(long) > 10_000
    kept = await pia.say(long + "Slut på anteckningen.")
    assert kept.startswith("Jag har sparat det du skrev som en intern anteckning i ärendet.\n")
    view = await pia.say(f"/arende {case.ref}")
    assert "Samtal 299: Anna beskrev hoten i detalj. Slut på anteckningen." in view, view[-300:]


async def test_typed_words_in_follow_up_and_closing_are_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await in_the_unit_case(chat, clock, "pia")
    await pia.press("case:followup")
    await pia.press("fu:today")
    await pia.say("Anna Berg, Pia Lind")
    await pia.say("Anna sover dåligt men känner sig tryggare.")
    support = await pia.say("Ja, samtalsstöd varje vecka")
    assert support.startswith("Jag skrev: ”Ja, samtalsstöd varje vecka”.\n")
    professional = await pia.say("behövs inte")
    assert "Jag skrev" not in professional
    assert professional.startswith("Uppföljningssamtal 1 är dokumenterat.")
    await pia.press("next:none")
    report = await pia.press(f"show:{case.id}")
    assert "Ja, samtalsstöd varje vecka" in report
    assert "behövs inte" in report

    await pia.say(f"/arende {case.ref}")
    await pia.press("case:close")
    note = await pia.say("Sara har inte svarat på 3.1.2")
    assert note.startswith("Jag har sparat det du skrev som en intern anteckning i ärendet.\n")
    assert "Avsluta ändå?" in note
    applied = await pia.say("ja")
    assert applied.startswith(
        "Innan ärendet avslutas: fråga 1 av 3.\nKommunens rutin för hantering av hot- och"
    )
    routine = await pia.say("Delvis, strategen nåddes inte")
    assert routine.startswith("Jag skrev: ”Delvis, strategen nåddes inte”.\n")
    await pia.say("Hoppa över")  # as the button next to it: not a finding about the routine
    await pia.say("inget att tillägga.")
    closed: Any = await pia.say(f"/arende {case.ref}")
    assert "stängt" in closed or "avslutat" in closed
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        evaluation = CaseRepo(session, demo_app.keyring).evaluation_of(report)
        assert (evaluation["routine"], evaluation["plan"]) == ("", "")
    told = [reply.text for reply in await delivered(demo_app)]
    closing = next(text for text in told if f"Ditt ärende {case.ref} är avslutat" in text)
    assert closing.startswith("I fara nu: ring 112.")  # the threat may come back


async def test_a_note_typed_where_the_calls_day_is_asked_is_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Sara's "1" had become "Dokumentera ett uppföljningssamtal"; her note typed next was
    answered "Skriv dagen det hölls" and lost."""
    case, pia = await in_the_unit_case(chat, clock, "pia")
    await pia.press("case:followup")
    said = await pia.say("Anna vill vänta med polisanmälan till i morgon. Jag ringer henne kl 9.")
    assert said.startswith(
        "Jag hittade ingen dag i det, så jag sparade det som en intern anteckning i ärendet. "
        "När hölls samtalet?"
    ), said
    view = await pia.say(f"/arende {case.ref}")
    assert "Anna vill vänta med polisanmälan till i morgon" in view, view
    assert (await pia.press("case:followup")).startswith("Uppföljningssamtal 1.")
    assert (await pia.say("i går")).startswith("Vilka deltog?")  # a day is still a day


async def test_a_day_in_a_sentence_at_the_calls_day_is_said_back_and_the_words_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """ "Anna vill vänta med polisanmälan till fredag" was read as call 1 held on the Friday
    before the report; "Pratade med Anna i går kväll…" took the day and lost the words."""
    case, pia = await in_the_unit_case(chat, clock, "pia")
    clock.advance(days=2)  # Wednesday 25 November
    await pia.press("case:followup")
    said = await pia.say("Anna vill vänta med polisanmälan till fredag")
    assert said.startswith("Jag hittade ingen dag i det"), said  # that Friday came before
    said = await pia.say("Pratade med Anna i går kväll, hon mår bättre")
    assert said.startswith(
        "Jag skrev: hölls tisdag 24 november. "
        "Jag sparade också det du skrev som en intern anteckning i ärendet.\nVilka deltog?"
    ), said
    view = await pia.say(f"/arende {case.ref}")
    assert "Pratade med Anna i går kväll, hon mår bättre" in view, view
    assert "Anna vill vänta med polisanmälan till fredag" in view, view


async def test_button_words_typed_at_a_comment_are_not_the_comment(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Per typed "Tillbaka" at the comment prompt: it was kept as 3.2.1's comment."""
    case, pia = await in_the_unit_case(chat, clock, "pia")
    await pia.press("case:check")
    await pia.say("ja")
    view = await pia.say("Tillbaka")
    assert view.startswith(f"Ärende {case.ref} – öppet")
    await pia.press("case:check")
    await pia.say("nej")
    await pia.say("hoppa över")
    view = await pia.say(f"/arende {case.ref}")
    assert "Intern anteckning" not in view and "Tillbaka" not in view, view


def test_an_answer_word_without_a_comma_still_answers() -> None:
    """ "nej inte än, gör det i morgon" was kept as a note and the item asked again."""
    assert read_typed("nej inte än, gör det i morgon") == ("no", "nej inte än, gör det i morgon")
    assert read_typed("Ja hon vet") == ("yes", "Ja hon vet")
    assert read_typed("no one answered") == ("no", "no one answered")
    assert read_typed("no idea") == ("", "no idea")  # no answer: kept as a note
    assert read_typed("japp") == ("", "japp")


def test_staff_answer_in_their_own_words() -> None:
    """ "klart", "gjort igår" and a day gone were kept as a bare note and the item asked again;
    "nej, inte aktuellt" was saved as Nej; "igår" in a comment went stale."""
    now = MONDAY_10  # Monday 23 November 10:00 in Stockholm
    assert read_typed("Klart!", now) == ("yes", None)
    assert read_typed("gjort") == ("yes", None)
    assert read_typed("gjort igår", now) == ("yes", "gjort igår (söndag 22 november 2026)")
    assert read_typed("ja i går", now) == ("yes", "ja i går (söndag 22 november 2026)")
    assert read_typed("20/11", now) == ("yes", "20/11 (fredag 20 november 2026)")
    assert read_typed("gjort, anmäld och åtkomstskyddad", now) == (
        "yes",
        "gjort, anmäld och åtkomstskyddad",
    )
    assert read_typed("nej, inte aktuellt", now) == ("na", None)
    assert read_typed("Nej inte aktuellt, hon har flyttat", now) == (
        "na",
        "Nej inte aktuellt, hon har flyttat",
    )
    assert read_typed("no, not applicable", now) == ("na", None)
    # Not done yet, a clock alone, or a day long ago: no answer, the words kept
    assert read_typed("klart i morgon", now) == ("", "klart i morgon")
    assert read_typed("kl 14", now) == ("", "kl 14")
    assert read_typed("15 december", now) == ("", "15 december")
    # A sentence with a day in it is kept as written
    assert read_typed("Ja, hon ringde tillbaka kl. 11", now) == (
        "yes",
        "Ja, hon ringde tillbaka kl. 11",
    )
