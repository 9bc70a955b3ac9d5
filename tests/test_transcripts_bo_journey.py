"""Bo Sand, who reads English, walks his whole journey: /start, /akut to Britt and then to
the unit, a report typed partly in his own words, Britt taking it, the check-ins and the
case closed. Every message he reads is English, with no Swedish word or date in it."""

from __future__ import annotations

from bot.app import App
from tests.conftest import FakeClock
from tests.golden import Transcript

SWEDISH = ("kommun", "kl.", "i dag", "i går", "ärende", "Jag ", "Ring ")
"""Swedish words and Swedish date formats, none of which Bo should read."""

REPORT = (
    "It happened to me",
    "skip",
    "I don't know",
    "A man shouted at me outside the town hall that he knows where my children go to school",
    "threats",
    "yesterday at 10 pm",
    "No",
    "I don't know",
    "a man, about 50",
    "no",
    "the school closure vote",
    "nothing yet",
    "scared",
    "no",
    "Send",
)


async def test_bo_walks_his_journey_in_english(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("bo_journey_en", demo_app)
    bo, britt, sara = t.person("bo"), t.person("britt"), t.person("sara")
    await britt.say("/hjalp")
    await sara.say("/hjalp")
    await t.say(bo, "/start")
    await t.say(bo, "/akut")
    await t.say(bo, "Alert Britt Holm")
    await t.deliver()
    t.note("Britt takes the alert")
    await t.say(britt, "Jag tar det")
    await t.deliver()
    clock.advance(hours=1)
    t.note("later Bo alerts the municipality's security unit")
    await t.say(bo, "/akut")
    await t.say(bo, "alert the security unit")
    await t.deliver()
    await t.say(sara, "Jag tar det")
    await t.deliver()
    clock.advance(hours=1)
    t.note("Bo writes a report")
    await t.say(bo, "/report")
    for typed in REPORT:
        await t.say(bo, typed)
    await t.deliver()
    await t.say(britt, "Jag tar det")
    await t.deliver()
    t.note("the next morning and the day after, Trygg asks Bo how he is")
    await _until_bo_is_asked(t, demo_app, clock)
    await t.say(bo, "not so good")
    await t.deliver()
    await t.say(bo, "yes please")
    await t.deliver()
    await _until_bo_is_asked(t, demo_app, clock)
    await t.say(bo, "better")
    await t.deliver()
    await t.say(bo, "/cases")
    await t.say(bo, "1")
    t.note("Britt closes the case")
    await t.say(britt, "/arenden")
    await t.say(britt, "1")
    await t.say(britt, "Avsluta ärendet")
    await t.say(britt, "Avsluta ändå")
    await t.say(britt, "Ja")
    await t.say(britt, "Inget att tillägga")
    await t.say(britt, "Inget att tillägga")
    await t.deliver()
    await t.say(bo, "/cases")
    t.check()
    read = "\n".join(_read_by_bo(t.text()))
    assert "Security unit of Sjövik Municipality: +46 8 465 004 10" in read, read
    for swedish in SWEDISH:
        assert swedish not in read, swedish


async def _until_bo_is_asked(t: Transcript, app: App, clock: FakeClock) -> None:
    """Move the clock an hour at a time until Trygg writes to Bo (at most three days)."""
    for _ in range(72):
        clock.advance(hours=1)
        await app.timer_runner().run_due()
        if any(address == "bo" for address, _ in await t.deliver()):
            return
    raise AssertionError("no check-in reached Bo")


def _read_by_bo(transcript: str) -> list[str]:
    """The lines of every message Trygg sent Bo."""
    lines, his = [], False
    for line in transcript.splitlines():
        if line and not line.startswith("    "):  # who speaks next ("" is inside a message)
            his = line == "bot → bo:"
        elif his:
            lines.append(line)
    return lines
