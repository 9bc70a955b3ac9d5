""" "Hoppa över" typed instead of pressed. At "Vad tror du att det hänger ihop med?", which
needs an answer, it was kept as the category ("Kategori: Hoppa över"); at "Vad hände?" it
became the story; "skip" at "Vad var det?" was added to the story. Now a question that may
be skipped is skipped, as by its button, and one that needs an answer says so and is asked
again, with nothing kept. "Hoppa över", typed or pressed after ticking options, threw the
ticks away; they are kept, as by "Klar"."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from conversations.report.form import ReportStep as S
from tests.conftest import Chat
from tests.reporting import open_step
from tests.test_report import answers

STORY = "Ett sms i kväll: han vet var jag bor och att jag ska akta mig."


async def at_category(anna: Chat) -> None:
    await anna.say("/rapportera")
    await anna.press("opt:self")
    await anna.press("nav:skip")
    assert await open_step(anna) is S.CATEGORY


@pytest.mark.parametrize("typed", ["Hoppa över", "hoppa över!", "skip"])
async def test_skip_typed_where_an_answer_is_needed_asks_again(
    demo_app: App, chat: Any, typed: str
) -> None:
    anna: Chat = chat("anna")
    await at_category(anna)
    reply = await anna.say(typed)
    assert reply.startswith("Den här frågan behöver ett svar. Välj det som stämmer nedan"), reply
    assert await open_step(anna) is S.CATEGORY
    stored = await answers(demo_app, "anna")
    assert "category" not in stored and typed not in stored.get("_notes", []), stored


async def test_skip_typed_at_the_story_asks_for_it(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await at_category(anna)
    await anna.press("opt:party")
    reply = await anna.say("hoppa över")
    assert reply.startswith("Den här frågan behöver ett svar. Skriv det med egna ord."), reply
    assert await open_step(anna) is S.WHAT
    assert "what" not in await answers(demo_app, "anna")


async def test_skip_typed_at_a_question_that_may_be_skipped_skips_it(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await at_category(anna)
    await anna.press("opt:party")
    await anna.say(STORY)
    assert await open_step(anna) is S.NATURE
    await anna.say("skip")
    stored = await answers(demo_app, "anna")
    assert stored["what"] == {"text": STORY}, stored  # "skip" is not the story
    assert stored["nature"] is None
    assert await open_step(anna) is S.WHEN


@pytest.mark.parametrize("skipping", ["Hoppa över", "skippa", "nav:skip"])
async def test_skipping_after_ticking_keeps_the_ticks(
    demo_app: App, chat: Any, skipping: str
) -> None:
    anna: Chat = chat("anna")
    await at_category(anna)
    await anna.press("opt:party")
    await anna.say(STORY)
    await anna.press("tog:threat")
    if skipping.startswith("nav:"):
        await anna.press(skipping)
    else:
        await anna.say(skipping)
    assert (await answers(demo_app, "anna"))["nature"]["choices"] == ["threat"]
    assert await open_step(anna) is S.WHEN
