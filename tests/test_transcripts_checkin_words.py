"""A check-in answered in her own words, as people answer it days later: "mår bättre tack,
inga nya hot sen sist" had opened /akut (the word "hot"), and "jo de e bra nu" a week later
was read as "yes, alert Pia" there: an urgent alert for someone who said she was fine.
"ja, ring mig" typed had done nothing but ask again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.checkin_words import asks_for_call, checkin_answer
from conversations.words import says_nothing
from storage.models import Alert, CaseNote, Report
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import Script, write_report
from tests.test_outbox import FakeTransport


async def checked_in(demo_app: App, clock: FakeClock, t: Transcript) -> str:
    """Anna's report, taken by Pia; a day later Trygg asks how she is. Return the case id."""
    anna, pia = Chat(demo_app, "anna"), Chat(demo_app, "pia")
    await pia.say("/hjalp")
    await write_report(anna, Script())
    async with demo_app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert))).one()
    await pia.press(f"ack:{alert.id}", token="n")
    clock.advance(days=1, hours=10)  # the first check-in, after the quiet hours
    await demo_app.timer_runner().run_due()
    t.lines.append("# a day later Trygg asks Anna how she is")
    await t.deliver()
    return str(alert.report_id)


async def _alerts(demo_app: App) -> list[str]:
    async with demo_app.db.unit_of_work() as session:
        return list(await session.scalars(select(Alert.kind).order_by(Alert.created_at)))


async def test_a_check_in_answered_in_her_own_words(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("checkin_typed_answers_sv", demo_app)
    case = await checked_in(demo_app, clock, t)
    anna = t.person("anna")
    kept = await t.say(anna, "mår bättre tack, inga nya hot sen sist")
    assert kept.startswith("I fara nu: ring 112.\nTack. Jag har sparat det du skrev"), kept
    assert "Vill du att någon ringer dig?" in kept  # asked once
    pushed = await t.deliver()
    assert [reply.text.split("\n")[0] for _, reply in pushed] == [
        f"Ärende {(await _ref(demo_app))}: Anna Berg har skrivit till dig."
    ]
    clock.advance(minutes=3)
    more = await t.say(anna, "sover lite dåligt bara")
    assert "Vill du att någon ringer dig?" not in more  # not the same question again
    assert more.startswith("I fara nu: ring 112.\nTack. Jag har sparat det du skrev"), more
    await t.deliver()
    clock.advance(days=6)
    t.note("six days later, in the same chat")
    await t.say(anna, "jo de e bra nu")
    assert await _alerts(demo_app) == ["report"]  # nobody was paged
    await demo_app.timer_runner().run_due()  # the day-7 check-in, due: she has just written
    assert not [r for _, r in await t.deliver() if "Hur mår du?" in r.text]
    clock.advance(days=1)
    t.note("the next morning, the check-in, answered by typing what the button says")
    await demo_app.timer_runner().run_due()
    await t.deliver()
    called = await t.say(anna, "ja, ring mig")
    assert called.startswith("I fara nu: ring 112.\nJag har bett Pia Lind att ringa dig."), called
    assert await _alerts(demo_app) == ["report", "checkin"]
    stopped = await t.say(anna, "sluta fråga")
    assert stopped == "Jag slutar fråga hur du mår. Du kan alltid skriva till mig.\n[1] Fråga igen"
    async with demo_app.db.unit_of_work() as session:
        assert (await session.get(Report, case)).checkins is False  # type: ignore[union-attr]
    t.check()


async def _ref(demo_app: App) -> str:
    async with demo_app.db.unit_of_work() as session:
        return str((await session.scalars(select(Report.ref))).one())


async def test_yes_long_after_the_akut_guidance_alerts_nobody(
    demo_app: App, clock: FakeClock
) -> None:
    """A "ja" an hour or more after /akut's "shall I alert Pia?" is not that answer."""
    anna = Chat(demo_app, "anna")
    await anna.say("/akut")
    clock.advance(minutes=5)
    asked = await anna.say("ok tack")
    assert "Ska jag larma Pia Lind nu?" in asked  # still the guidance, minutes later
    clock.advance(days=2)
    later = await anna.say("ja")
    assert await _alerts(demo_app) == []
    assert "Det här kan jag hjälpa dig med:" in later, later


async def test_a_cry_word_said_to_be_absent_opens_no_akut(chat) -> None:  # type: ignore[no-untyped-def]
    bo = chat("bo")
    told = await bo.say("better thanks, no new threats and not scared any more")
    assert "akut:alert" not in [i for i, _, _ in bo.buttons], told  # not /akut's guidance
    assert "I kept what you wrote" in told  # and the words are kept
    anna = chat("anna")
    await anna.say("jag är inte rädd men han hotade mig igen")
    assert "akut:alert" in [i for i, _, _ in anna.buttons]  # a threat told: /akut


async def test_short_words_after_sending_are_kept_with_her_case(
    demo_app: App, clock: FakeClock
) -> None:
    """ "passar ej" after Pia proposed a time got the menu, and the words were gone; so were
    her words a month on, although Trygg had just checked in about the case."""
    anna = Chat(demo_app, "anna")
    await write_report(anna, Script())
    async with demo_app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert))).one()
    await Chat(demo_app, "pia").press(f"ack:{alert.id}", token="n")  # check-ins are planned
    clock.advance(hours=10)
    kept = await anna.say("passar ej")
    assert "Jag har sparat det du skrev i ditt ärende" in kept, kept
    assert "Hej! Vad vill du göra?" in await anna.say("hej")  # a greeting: a kind word, the menu
    sender = demo_app.outbox_sender(transport := FakeTransport())
    for _day in range(31):  # day by day, at ten in the morning: the check-in of day 30
        clock.advance(days=1)
        await demo_app.timer_runner().run_due()
        await sender.deliver_due()
    assert sum("Hur mår du?" in text for text in transport.texts("anna")) == 3
    clock.advance(days=5)
    later = await anna.say("mår ok nu, det har lugnat sig")
    assert "Jag har sparat det du skrev i ditt ärende" in later, later
    async with demo_app.db.unit_of_work() as session:
        notes = list(await session.scalars(select(CaseNote.id)))
    assert len(notes) == 2


async def test_once_she_asked_for_a_call_ok_is_not_a_note_nor_asked_again(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("unused", demo_app)
    await checked_in(demo_app, clock, t)
    anna = Chat(demo_app, "anna")
    await anna.say("ja ring mig")
    said = await anna.say("ok")
    assert "Jag har sparat" not in said and "Vill du att någon ringer dig?" not in said, said
    later = await anna.say("sover dåligt bara")
    assert "Vill du att någon ringer dig?" not in later, later  # she has asked for the call
    async with demo_app.db.unit_of_work() as session:
        notes = list(await session.scalars(select(CaseNote.id)))
    assert len(notes) == 1  # "sover dåligt bara"; not "ok"
    assert await _alerts(demo_app) == ["report", "checkin"]


async def test_no_dont_call_is_no(demo_app: App, clock: FakeClock) -> None:
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    said = await Chat(demo_app, "anna").say("nej, ring inte")
    assert said == "Tack. Då ringer ingen dig nu. Skriv till mig när du behöver.", said


async def test_a_greeting_or_a_number_is_not_filed_in_her_case(
    demo_app: App, clock: FakeClock
) -> None:
    anna = Chat(demo_app, "anna")
    await write_report(anna, Script())
    for said in ("ok tack", "Hej!", "tusen tack", "Skicka"):  # "Skicka" again after sending
        assert "Jag har sparat" not in await anna.say(said)
    async with demo_app.db.unit_of_work() as session:
        assert list(await session.scalars(select(CaseNote.id))) == []
    # a button's number typed where there are no buttons (as on Signal) says nothing either
    assert says_nothing("1") and says_nothing("2.") and not says_nothing("mår bra")
    assert not says_nothing("skicka hit polisen")


async def test_a_check_in_answered_in_the_middle_of_a_new_report_goes_to_her_case(
    demo_app: App, clock: FakeClock
) -> None:
    """She had begun a new report when the check-in came; "sover dåligt" became her answer
    to the report's open question, and Pia never saw it."""
    anna, pia = Chat(demo_app, "anna"), Chat(demo_app, "pia")
    await write_report(anna, Script())
    async with demo_app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert))).one()
    await pia.press(f"ack:{alert.id}", token="n")
    clock.advance(days=1, hours=9)  # 10.00 the next day: a new report begun
    await anna.say("/rapportera")
    await anna.say("det hände mig")
    clock.advance(hours=1)  # the check-in comes
    await demo_app.timer_runner().run_due()
    await demo_app.outbox_sender(FakeTransport()).deliver_due()
    clock.advance(minutes=40)
    said = await anna.say("sover dåligt")
    assert "Jag har sparat det du skrev i ditt ärende" in said, said
    assert "Din påbörjade rapport finns kvar: /rapportera" in said


async def test_nobody_taking_her_call_request_is_not_called_an_alert(
    demo_app: App, clock: FakeClock
) -> None:
    """ "Ja, ring mig" left untaken ended in "Ingen i Trygg har svarat på ditt larm än": she
    had asked for a call, not raised an alarm."""
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    await Chat(demo_app, "anna").say("ja ring mig")
    sender = demo_app.outbox_sender(transport := FakeTransport())
    for _level in range(4):  # Pia, Per, the unit: ten minutes each, then nobody is left
        clock.advance(minutes=11)
        await demo_app.timer_runner().run_due()
        await sender.deliver_due()
    told = "\n".join(transport.texts("anna"))
    assert "Ingen i Trygg har svarat än på att du vill att någon ringer dig." in told, told
    assert "larm" not in told, told


async def test_fine_in_her_own_words_answers_the_check_in(demo_app: App, clock: FakeClock) -> None:
    """ "fine", "okay thanks" or "mår bra tack" were kept as notes and answered with the
    check-in's own question again; "sluta fråga tack" did not stop the check-ins."""
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    anna = Chat(demo_app, "anna")
    assert (
        await anna.say("mår bra tack")
        == "Tack. Då ringer ingen dig nu. Skriv till mig när du behöver."
    )
    assert await anna.say("sluta fråga tack") == (
        "Jag slutar fråga hur du mår. Du kan alltid skriva till mig.\n[1] Fråga igen"
    )
    async with demo_app.db.unit_of_work() as session:
        assert list(await session.scalars(select(CaseNote.id))) == []


async def test_yes_with_a_courtesy_word_asks_for_the_call(demo_app: App, clock: FakeClock) -> None:
    """ "ja ring mig gärna" was kept as a note and asked "Vill du att någon ringer dig?" again:
    nobody was asked to call her."""
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    called = await Chat(demo_app, "anna").say("ja ring mig gärna")
    assert called.startswith("I fara nu: ring 112.\nJag har bett Pia Lind att ringa dig."), called
    assert await _alerts(demo_app) == ["report", "checkin"]


async def test_calm_now_answers_the_check_in(demo_app: App, clock: FakeClock) -> None:
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    said = await Chat(demo_app, "anna").say("nej det är lugnt nu")
    assert said == "Tack. Då ringer ingen dig nu. Skriv till mig när du behöver.", said
    assert await _alerts(demo_app) == ["report"]


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("no thanks, I'm ok", "no"),
        ("ring mig inte", "no"),
        ("ja ring mig gärna", "yes"),
        ("yes please call me", "yes"),
        ("ja han ringde igen nu", None),  # her own words
    ],
)
def test_a_check_in_answer_typed_with_more_words(typed: str, answer: str | None) -> None:
    assert checkin_answer(typed) == answer


@pytest.mark.parametrize(
    "typed", ["jag vill prata med någon", "kan någon ringa mig?", "I want to talk to someone"]
)
async def test_asking_for_a_call_in_her_own_words_asks_for_the_call(
    demo_app: App, clock: FakeClock, typed: str
) -> None:
    """ "jag vill prata med någon" after a check-in was kept as a note: Pia got a routine
    "Anna Berg har skrivit till dig", and nobody was asked to call."""
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    called = await Chat(demo_app, "anna").say(typed)
    assert called.startswith("I fara nu: ring 112.\nJag har bett Pia Lind att ringa dig."), called
    assert await _alerts(demo_app) == ["report", "checkin"]
    async with demo_app.db.unit_of_work() as session:
        assert len(list(await session.scalars(select(CaseNote.id)))) == 1  # her words kept


async def test_asking_for_a_call_with_no_check_in_open_asks_for_the_call(
    demo_app: App, clock: FakeClock
) -> None:
    anna = Chat(demo_app, "anna")
    await write_report(anna, Script())
    clock.advance(hours=2)
    called = await anna.say("kan någon ringa mig?")
    assert "Jag har bett Pia Lind att ringa dig." in called, called
    assert await _alerts(demo_app) == ["report", "checkin"]


async def test_he_calls_me_is_not_asking_for_a_call(demo_app: App, clock: FakeClock) -> None:
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    said = await Chat(demo_app, "anna").say("han slutar inte ringa mig")
    assert "Jag har bett" not in said, said
    assert await _alerts(demo_app) == ["report"]


async def test_okej_to_a_check_in_is_asked_not_taken_as_no(demo_app: App, clock: FakeClock) -> None:
    """ "okej" to "Vill du att någon ringer dig?" was read as "Nej, jag klarar mig"."""
    await checked_in(demo_app, clock, Transcript("unused", demo_app))
    anna = Chat(demo_app, "anna")
    said = await anna.say("okej")
    assert (
        said.splitlines()[0] == "Jag är inte säker på vad du menar. Vill du att någon ringer dig?"
    )
    assert await _alerts(demo_app) == ["report"]
    called = await anna.say("ja")
    assert "Jag har bett Pia Lind att ringa dig." in called, called


@pytest.mark.parametrize(
    ("typed", "asks"),
    [
        ("kan någon ringa mig?", True),
        ("Ring mig när ni kan", True),
        ("I want to talk to someone", True),
        ("kan du ringa min man?", False),  # a call to someone else
        ("can someone call my husband", False),
        ("han slutar inte ringa mig", False),
        ("he said he would call me", False),
        ("ring mig inte", False),
    ],
)
def test_what_asks_for_a_call(typed: str, asks: bool) -> None:
    assert asks_for_call(typed) is asks


@pytest.mark.parametrize(
    ("text", "news"),
    [
        ("han har skrivit igen i natt", True),
        ("they came to my house again", True),
        ("Han ringde i natt", True),
        ("Jag har fått ett nytt brev", True),
        ("bättre, tack", False),
        ("Det är okej men jag sover dåligt", False),
        ("mår bättre tack, inga nya hot sen sist", False),
        ("Jag mår bättre, han har inte hört av sig", False),
        ("No, nothing new", False),
        ("he hasn't written again", False),
        ("jo de e bra nu", False),
        ("Jag fick ett mejl i morse", True),  # no word of "again": news all the same
        ("Det kom ett brev till kansliet", True),
        ("någon ringde mitt jobb", True),
        ("they posted my address online", True),
        ("I got an email this morning", True),
        ("a letter came to the office", True),
        ("inget nytt, men han ringde i går", True),
        ("nej han har ringt igen", True),
        ("no he called again", True),
        ("han har inte slutat skriva", True),
        ("bra", False),
        ("lugnt", False),
        ("inget nytt", False),
        ("det har lugnat sig", False),
        ("Bättre, tack!", False),
        ("sover lite dåligt bara", False),
        ("fine thanks", False),
        ("nothing new", False),
        ("No new messages, I'm ok", False),
        ("things have calmed down", False),
        ("👍", False),
        ("mår bra, tack för att du frågar", False),
        ("Det har varit lugnt", False),
        ("It has been quiet", False),
        ("not great, sleeping badly", False),
    ],
)
def test_news_in_a_check_ins_answer(text: str, news: bool) -> None:
    from conversations.news_words import tells_news

    assert tells_news(text) is news


async def test_a_check_in_answered_with_news(demo_app: App, clock: FakeClock) -> None:
    """ "han har skrivit igen i natt" after "Hur mår du?" is news: Pia is told so, not the
    push she gets for "bättre, tack"; words of danger after it are urgent, as anywhere. No
    push carries Anna's words."""
    t = Transcript("checkin_news_sv", demo_app)
    await checked_in(demo_app, clock, t)
    anna = t.person("anna")
    await t.say(anna, "han har skrivit igen i natt")
    pushed = [reply.text for _, reply in await t.deliver()]
    ref = await _ref(demo_app)
    assert pushed == [
        f"Ärende {ref}: Anna Berg svarade på avstämningen med något nytt.\n"
        "Öppna ärendet och läs det."
    ], pushed
    clock.advance(minutes=20)
    t.note("twenty minutes later she writes again: words of danger")
    await t.say(anna, "Nu står han utanför mitt hus igen")
    pushed = [reply.text for _, reply in await t.deliver()]
    assert len(pushed) == 1 and pushed[0].startswith("BRÅDSKANDE – Trygg\n"), pushed
    assert "svarade på avstämningen med något nytt" in pushed[0]
    assert "Läs det nu: det kan vara ny fara." in pushed[0]
    assert not any("skrivit igen" in p or "utanför" in p for p in pushed)  # lock screen
    t.check()


async def test_a_check_in_answered_calmly_is_no_news(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("-", demo_app)
    await checked_in(demo_app, clock, t)
    await t.say(t.person("anna"), "bättre, tack")
    pushed = [reply.text for _, reply in await t.deliver()]
    assert pushed == [
        f"Ärende {await _ref(demo_app)}: Anna Berg har skrivit till dig.\n"
        "Öppna ärendet för att läsa det."
    ], pushed


async def test_a_check_in_answered_with_news_in_plain_words(
    demo_app: App, clock: FakeClock
) -> None:
    """ "Jag fick ett mejl i morse" has no word of "again" nor of someone doing something: it
    is not a calm answer, so Pia is told it is news; the push does not carry the words."""
    t = Transcript("-", demo_app)
    await checked_in(demo_app, clock, t)
    await t.say(t.person("anna"), "Jag fick ett mejl i morse")
    pushed = [reply.text for _, reply in await t.deliver()]
    assert pushed == [
        f"Ärende {await _ref(demo_app)}: Anna Berg svarade på avstämningen med något nytt.\n"
        "Öppna ärendet och läs det."
    ], pushed
