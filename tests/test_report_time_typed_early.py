"""When it happened, typed where options are asked: "igår kväll 22.40" at "Vad var det, och
hur kom det?" was kept as "Annat: igår kväll 22.40" there, and "När och var hände det?"
came after as if she had said nothing. It is kept as when and where, said back as that
question says it, the question she is at is asked again, and "När och var" is not asked.
Words that tell more than the time, and questions that take her own words, keep them."""

from __future__ import annotations

from typing import Any

from bot.app import App
from conversations.report.form import ReportStep
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import open_step
from tests.test_report import answers, told

S = ReportStep
STORY = "Han skrev i ett sms att han vet var jag bor."  # the clock: Sunday 22 November, 23.00
YESTERDAY_22_40 = {"text": "igår kväll 22.40", "day": "2026-11-21", "time": "22:40"}


async def skip_to_summary(person: Chat) -> str:
    """Press "Skip" at every question left; return the summary."""
    reply = ""
    while await open_step(person) is not S.SUMMARY:
        reply = str(await person.press("nav:skip"))
    return reply


async def test_a_time_at_the_kinds_is_when_and_when_is_not_asked(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await told(anna, STORY)
    reply = await anna.say("igår kväll 22.40")  # a moment after the story: not more of it
    assert reply.startswith(
        "Jag skrev: i går kl. 22.40.\nJag sparade det som ”När och var”.\n"
        "Vad var det, och hur kom det?"
    ), reply
    stored = await answers(demo_app, "anna")
    assert stored["when"] == YESTERDAY_22_40 and stored["what"] == {"text": STORY}
    assert "nature" not in stored and await open_step(anna) is S.NATURE
    reply = await anna.say("hot, sms")
    assert "Jag kryssade: Hot om våld, Sms/mms." in reply and "När och var" not in reply
    assert await open_step(anna) is S.WITNESSES
    summary = await skip_to_summary(anna)
    assert "När och var: igår kväll 22.40 – i går kl. 22.40" in summary, summary
    assert "Annat" not in summary


async def test_a_time_at_the_first_question_is_when_not_a_note(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say("igår kväll 22.40")
    assert reply.startswith("Jag skrev: i går kl. 22.40.\nJag sparade det som ”När och var”.")
    assert "Vem gäller det?" in reply and await open_step(anna) is S.WHO
    stored = await answers(demo_app, "anna")
    assert stored["when"] == YESTERDAY_22_40 and "_notes" not in stored


async def test_a_time_at_the_category_in_english(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("/report")
    await bo.say("It happened to me")
    await bo.say("councillor, social services board")
    reply = await bo.say("Yesterday evening")
    assert reply.startswith(
        "I noted: yesterday evening.\nI kept that as “When and where”.\n"
        "What do you think it is connected to?"
    ), reply
    stored = await answers(demo_app, "bo")
    assert "category" not in stored
    assert stored["when"] == {"text": "Yesterday evening", "day": "2026-11-21", "part": "evening"}
    await bo.press("opt:party")
    await bo.say("A note under the door saying they know where I live.")
    reply = await bo.press("done")
    assert "When and where" not in reply and await open_step(bo) is S.WITNESSES, reply


async def test_words_that_tell_more_than_the_time_stay_where_typed(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """ "a man followed me" is no time; a sentence with a day in it tells more than when,
    and numbers alone ("1, 13": 1 November 2013 to the date reader) choose options."""
    bo: Chat = chat("bo")
    await told(bo, "A note under the door.", "/report")
    clock.advance(minutes=1)  # not the rest of the story
    for typed in ("a man followed me", "he shouted at me outside the town hall yesterday", "1, 13"):
        reply = await bo.say(typed)
        assert "I kept it in your own words" in reply and "I noted" not in reply, reply
        assert await open_step(bo) is S.WHEN  # asked next, as before
        stored = await answers(demo_app, "bo")
        assert stored["nature"]["text"].endswith(typed) and "when" not in stored
        await bo.press("nav:back")  # her earlier words stay, these are added to them


async def test_a_question_that_takes_own_words_keeps_a_time_as_written(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    await anna.press("nav:skip")
    await anna.press("opt:party")
    reply = await anna.say("igår kväll 22.40")  # at "Vad hände?"
    assert "Jag skrev" not in reply and "Vad var det, och hur kom det?" in reply
    stored = await answers(demo_app, "anna")
    assert stored["what"] == {"text": "igår kväll 22.40"} and "when" not in stored
    await anna.press("done")
    assert await open_step(anna) is S.WHEN  # when is still asked


async def test_a_time_after_when_was_answered_stays_the_answer_typed(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await told(anna, STORY)
    await anna.press("done")
    await anna.say("Hemma i kväll ca 22.40")
    await anna.press("nav:skip")  # witnesses
    await anna.press("nav:skip")  # who did it
    reply = await anna.say("igår kväll")  # at "grupp eller falang"
    assert "som ”Annat”" in reply and "Jag skrev" not in reply, reply
    stored = await answers(demo_app, "anna")
    assert stored["group"] == {"text": "igår kväll"}
    assert (stored["when"]["day"], stored["when"]["time"]) == ("2026-11-22", "22:40")


async def test_a_time_after_when_was_skipped_is_when(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await told(bo, "A note under the door.", "/report")
    await bo.press("done")
    await bo.press("nav:skip")  # when and where
    await bo.press("nav:skip")  # witnesses
    await bo.press("nav:skip")  # who did it
    reply = await bo.say("yesterday at 22:40")  # at "group or faction"
    assert reply.startswith("I noted: yesterday 22:40.\nI kept that as “When and where”.")
    assert await open_step(bo) is S.GROUP
    assert (await answers(demo_app, "bo"))["when"]["time"] == "22:40"


SV = (
    "/rapportera",
    "det hände mig",
    "Ledamot i byggnadsnämnden",
    "partiet",
    STORY,
    "igår kväll 22.40",  # the time, where what it was is asked
    "hot, sms",
    "nej",
    "Okänd man, runt 50",
    "vet inte",
    "bygglovet på Storgatan",
    "inte än",
    "skrämmande",
    "ja",
    "nej",
    "Skicka",
)
EN = (
    "/report",
    "it happened to me",
    "councillor, social services board",
    "Yesterday evening",  # the time, where what it is connected to is asked
    "the party",
    "A note under my door saying they know where I live.",
    "threat, letter",
    "no",
    "unknown",
    "a man, about 50",
    "no",
    "no",
    "not yet",
    "frightening",
    "yes",
    "no",
    "Send",
)


async def test_a_report_with_the_time_typed_where_options_are_asked(demo_app: App) -> None:
    for name, writer, reader, typed in (
        ("report_time_typed_early_sv", "anna", "pia", SV),
        ("report_time_typed_early_en", "bo", "britt", EN),
    ):
        t = Transcript(name, demo_app)
        person, contact = t.person(writer), t.person(reader)
        await contact.say("/start")  # she has used Trygg on this console before (not recorded)
        for line in typed:
            await t.say(person, line)
        await t.deliver()
        t.note(f"{reader} opens the report from the alert")
        await t.say(contact, "2")
        t.check()
        text = t.text()
        asked = ("När och var hände det?", "When and where did it happen?")
        assert not any(question in text for question in asked)
    # her words already say what was understood: not "Yesterday evening – yesterday evening"
    assert "    When and where: Yesterday evening\n" in text
