"""At 23:00 she types what happened and asks what to do: "vad ska jag göra?", alone or after
"någon krossade min ruta", had got the menu or "I fara nu: ring 112. Jag sparade det du
skrev …": no 112 / 114 14, no contacts, no alert. Asking what to do, and violence against
property (the form's "Våld, skadegörelse"), open the guidance as words of threat do."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from conversations.akut_words import tells_danger
from conversations.registry import WORDS
from conversations.what_now_words import asks_what_to_do, only_asks_what_to_do
from tests.conftest import Chat, FakeClock
from tests.golden import delivered
from tests.test_akut_after import pia_alerted
from tests.test_core import alert_count
from tests.test_report import answers, reports

GUIDANCE = "Är du i fara just nu? Ring 112.\nInte akut: polisen på 114 14."
GUIDANCE_EN = "Are you in danger right now? Call 112.\nNot urgent: the police on 114 14."

QUESTIONS = [
    "vad ska jag göra?",
    "Vad gör jag nu",
    "hur ska jag göra",
    "vad ska vi göra nu?",
    "hej, jag vet inte vad jag ska göra",
    "what should I do?",
    "what do I do now",
    "I don't know what to do",
]
DAMAGE = [
    "någon krossade min ruta",
    "de kastade sten genom fönstret",
    "bilen är sönderslagen",
    "någon har slagit sönder rutan på min bil",
    "skadegörelse på mitt hus i natt",
    "de vandaliserade mitt kontor",
    "en sten kom in genom köksfönstret",
    "someone smashed my window",
    "they threw a rock through my window",
    "my car was vandalised",
    "someone broke my window",
    "my tyres were slashed",
]
ORDINARY = [
    "Stenberg ringde om mötet",
    "det är stenhårt motstånd i nämnden",
    "Per Stenberg kastade en blick på mig",
    "jag kastade bort kuvertet",
    "min telefon gick sönder",
    "bilen är sönder igen",
    "vi var på Vandalorum i helgen",
    "ingen skadegörelse den här gången",
    "rocket science",
    "my car broke down",
    "the car is broken",
    "vad ska jag skriva här?",
    "vad ska jag göra med skärmdumparna?",
]


@pytest.mark.parametrize("typed", QUESTIONS + DAMAGE)
def test_asking_what_to_do_and_damage_open_the_guidance(typed: str) -> None:
    assert WORDS.means_command(typed, in_flow=False)


@pytest.mark.parametrize(
    "typed",
    [
        "de kastade sten genom fönstret",
        "någon har kastat sten på mitt hus",
        "en sten kom in genom köksfönstret",
        "they threw a rock through my window",
    ],
)
def test_a_stone_thrown_tells_of_danger_now(typed: str) -> None:
    """In words written to a case, too: those handling it are asked to read them now."""
    assert tells_danger(typed)


@pytest.mark.parametrize(
    "typed", ["Someone has slashed the tyres of my car again.", "bilen är vandaliserad igen"]
)
def test_damage_found_is_no_danger_now_by_itself(typed: str) -> None:
    """It opens the guidance, but a report of it in calm words may wait for the morning."""
    assert WORDS.means_command(typed, in_flow=False)
    assert not tells_danger(typed)


@pytest.mark.parametrize("typed", ORDINARY)
def test_ordinary_words_open_nothing(typed: str) -> None:
    assert not WORDS.means_command(typed, in_flow=False)
    assert not tells_danger(typed)


def test_inside_a_flow_the_question_opens_nothing() -> None:
    """ "vad ska jag göra?" at a question of a report is for that question."""
    assert not WORDS.means_command("vad ska jag göra?", in_flow=True)
    assert not WORDS.means_command("någon krossade min ruta", in_flow=True)


def test_a_bare_question_tells_nothing_to_keep() -> None:
    assert only_asks_what_to_do("hej, hjälp! vad ska vi göra nu då?")
    assert not only_asks_what_to_do("någon krossade min ruta, vad ska jag göra")
    assert asks_what_to_do("någon krossade min ruta med en sten nyss vad ska jag göra")
    assert not asks_what_to_do("vad ska jag göra med bevisen?")  # asks something else


@pytest.mark.parametrize(("handle", "typed"), [("anna", q) for q in QUESTIONS[:5]])
async def test_a_bare_question_gets_the_guidance_and_keeps_nothing(
    chat: Any, demo_app: App, handle: str, typed: str
) -> None:
    person: Chat = chat(handle)
    await person.say("/hjalp")
    said = await person.say(typed)
    assert said.startswith(GUIDANCE), said
    assert "[1] Larma Pia Lind" in said
    assert "Jag sparade" not in said and await reports(demo_app, handle) == []
    assert await alert_count(demo_app) == 0  # offered, not raised: she chooses


async def test_in_english_too(chat: Any, demo_app: App) -> None:
    bo: Chat = chat("bo")
    await bo.say("/help")
    said = await bo.say("what should I do?")
    assert said.startswith(GUIDANCE_EN), said
    assert "[1] Alert Britt Holm" in said
    said = await bo.say("/help")
    said = await bo.say("they threw a rock through my window")
    assert said.startswith(GUIDANCE_EN), said
    assert (await answers(demo_app, "bo"))["what"]["text"] == "they threw a rock through my window"


@pytest.mark.parametrize(
    "typed",
    [
        "någon krossade min ruta med en sten nyss, vad ska jag göra",
        "någon krossade min ruta",
        "bilen är sönderslagen",
    ],
)
async def test_what_she_told_is_kept_with_the_guidance(
    chat: Any, demo_app: App, typed: str
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say(typed)
    assert said.startswith(GUIDANCE), said
    assert "[1] Larma Pia Lind" in said
    assert "Jag sparade det du skrev i en rapport" in said
    assert (await answers(demo_app, "anna"))["what"]["text"] == typed  # all of it


async def test_ordinary_words_at_the_menu_get_no_guidance(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    for typed in ("min telefon gick sönder", "Per Stenberg kastade en blick på mig"):
        said = await anna.say(typed)
        assert "Är du i fara just nu" not in said, said
        assert "Larma Pia Lind" not in [label for _, label, _ in anna.buttons]


async def test_inside_a_report_the_question_is_the_report_s(chat: Any, demo_app: App) -> None:
    """ "vad ska jag skriva här?" and "någon krossade min ruta" inside a report are what they
    were: for its question, not the guidance."""
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")  # now: "Vilket uppdrag har du?"
    said = await anna.say("vad ska jag skriva här?")
    assert "Är du i fara just nu" not in said, said
    await anna.say("Att jag representerar partiet")  # now: what happened, in her own words
    said = await anna.say("någon krossade min ruta i natt")
    assert "Är du i fara just nu" not in said, said
    stored = await answers(demo_app, "anna")
    assert stored["what"]["text"] == "någon krossade min ruta i natt", stored


async def test_a_contact_under_an_alert_is_shown_the_alert(chat: Any, demo_app: App) -> None:
    """Pia, woken by Anna's alert, asks "vad ska jag göra?": the alert and whom to call, not
    her own guidance with "Larma Per Ek"."""
    _anna, pia, _alert = await pia_alerted(chat, demo_app)
    await delivered(demo_app)
    said = await pia.say("vad ska jag göra?")
    assert said.startswith("Larmet om Anna Berg från"), said


async def test_a_day_after_the_guidance_damage_opens_it_again(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Anna opened /akut yesterday and wrote nothing since: "någon krossade min ruta" had
    been taken as words after a silence ("I fara nu: ring 112. Jag sparade …"), not as
    words outside any flow."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    clock.advance(days=1)
    said = await anna.say("någon krossade min ruta, vad ska jag göra")
    assert said.startswith(GUIDANCE), said
    assert "[1] Larma Pia Lind" in said
    assert (await answers(demo_app, "anna"))["what"]["text"] == (
        "någon krossade min ruta, vad ska jag göra"
    )


async def test_someone_unregistered_is_told_what_is_true_for_her(chat: Any, demo_app: App) -> None:
    """Lisa is not registered, and writes for her mother: the numbers, not alone, the
    evidence, whom to call and how to get connected; no contacts, no alert offered."""
    lisa: Chat = chat("lisa")
    typed = (
        "hej min mamma är politiker och någon har kastat sten genom hennes fönster nu "
        "ikväll, vad ska vi göra"
    )
    said = await lisa.say(typed)
    guidance = said[said.index(GUIDANCE) :]  # after the welcome
    assert "Var inte ensam" in guidance
    assert "ta skärmdumpar eller foton" in guidance
    assert (
        "Du är inte registrerad i Trygg ännu, så jag kan inte larma någon åt dig. Ring "
        "partiets säkerhetsansvariga eller kommunens säkerhetsenhet. Be dem om en inbjudan "
        "till Trygg, så kan jag larma dem åt dig härifrån."
    ) in guidance
    assert "ditt partis" not in guidance and "Larma" not in guidance
    assert "Jag sparade det du skrev i en rapport" in guidance
    assert (await answers(demo_app, "lisa"))["what"]["text"] == typed
    assert await alert_count(demo_app) == 0
    said = await lisa.say("vad ska vi göra?")  # again, at the guidance: nothing more to keep
    assert said == "I fara nu: ring 112.", said
    assert (await answers(demo_app, "lisa"))["what"]["text"] == typed
