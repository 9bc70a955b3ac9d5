"""Words typed at /akut and cries typed inside a flow, as a frightened person writes them
(language.md rules 1, 2 and 4): asking for the alert in words alerts; "ok tack" gets the
way out and a pointer to the choice, not the whole guidance again; a cry in the middle of
a report is answered with 112 and the alert, and its words are kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from storage.models import Alert, AlertRecipient, Person
from tests.conftest import Chat, FakeClock
from tests.test_alerts import ack, outbox, submit_report
from tests.test_case import last_outbox_id
from tests.test_core import alert_count
from tests.test_report import answers, reports

POINTER = "Ska jag larma Pia Lind nu?\n[1] Larma Pia Lind"


async def test_ok_tack_gets_the_way_out_once_and_the_button_still_works(
    chat: Any, demo_app: App
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    token = anna.buttons[0][2]
    assert await anna.say("ok tack") == f"I fara nu: ring 112.\n{POINTER}"
    assert await alert_count(demo_app) == 0
    assert await reports(demo_app, "anna") == []  # nothing in "ok tack" to keep
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert", token=token)


async def test_asking_for_the_alert_in_words_alerts(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    reply = await anna.say("larma pia snälla")
    assert reply.startswith("I fara nu: ring 112.\nJag har larmat Pia Lind"), reply
    assert "Jag sparade" not in reply  # nothing in those words to keep
    assert await alert_count(demo_app) == 1


async def test_in_english_too(chat: Any, demo_app: App) -> None:
    bo: Chat = chat("bo")
    await bo.say("/akut")
    assert "I have alerted Britt Holm" in await bo.say("call britt now")
    assert await alert_count(demo_app) == 1


async def test_not_alerting_is_not_taken_for_alerting(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    for typed in ("larma inte", "nej", "ok"):
        assert "Jag har larmat" not in await anna.say(typed)
    assert await alert_count(demo_app) == 0


async def test_a_cry_at_the_guidance_alerts_and_keeps_the_words(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    reply = await anna.say("hjälp han står utanför dörren")
    assert "Jag har larmat Pia Lind" in reply
    assert "Jag sparade det du skrev" in reply
    assert (await answers(demo_app, "anna"))["what"]["text"] == "hjälp han står utanför dörren"


async def test_a_cry_inside_a_report_is_answered_with_112_and_the_alert(
    chat: Any, demo_app: App
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")  # now: "Vilket uppdrag har du?"
    reply = await anna.say("hjälp han står utanför dörren nu")
    assert reply.startswith("Är du i fara just nu? Ring 112."), reply
    assert "[1] Larma Pia Lind" in reply
    stored = await answers(demo_app, "anna")
    assert stored["what"]["text"] == "hjälp han står utanför dörren nu"  # kept, not lost
    assert "assignment" not in stored  # and not taken for the answer to the question


async def test_an_answer_that_mentions_help_is_still_an_answer(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    reply = await anna.say("ledamot, jag har bett om hjälp förut")
    assert "Är du i fara just nu?" not in reply
    assert (await answers(demo_app, "anna"))["assignment"]["text"].startswith("ledamot")


async def test_larma_typed_anywhere_alerts_and_a_second_time_says_so(
    chat: Any, demo_app: App
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/kontakter")
    first = await anna.say("larma pia")  # no guidance first: she asked for the alert itself
    assert first.startswith("I fara nu: ring 112.\nJag har larmat Pia Lind"), first
    again = await anna.say("larma")
    assert "Jag larmade Pia Lind i dag kl. 23.00" in again, again
    assert await alert_count(demo_app) == 1
    assert await reports(demo_app, "anna") == []  # "larma" is not a report


async def test_after_alerting_pia_the_unit_can_still_be_alerted(chat: Any, demo_app: App) -> None:
    """Anna alerted Pia, then sees that the threat comes from inside her party: 'Larma
    säkerhetsenheten' is another alert, not the same one pressed again."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    token = anna.buttons[0][2]
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert", token=token)
    unit = await anna.press("akut:unit", token=token)  # the older /akut message's button
    assert "Jag har larmat Sara Strand" in unit, unit
    assert await alert_count(demo_app) == 2


async def test_someone_unregistered_gets_the_number_of_the_municipality_they_named(
    chat: Any, demo_app: App
) -> None:
    """Kalle is not registered, so Trygg can alert nobody for him; having named Sjöviks
    kommun in his report, /akut and /kontakter give him its security unit's published
    number (never a person's name or number)."""
    from tests.reporting import SKIPPED, Script, write_report

    kalle: Chat = chat("kalle")
    before = await kalle.say("/akut")
    # he has named no municipality yet: the published numbers of all (here, one)
    assert "Kommunens säkerhetsenhet i Trygg:\n• Sjöviks kommun: +46 8 465 004 10" in before
    await write_report(kalle, Script(skip=SKIPPED, municipality="sjovik"), submit=False)
    for command in ("/akut", "/kontakter"):
        said = await kalle.say(command)
        assert "Säkerhetsenheten, Sjöviks kommun: +46 8 465 004 10" in said, said
        assert "Sara Strand" not in said and "+46 8 465 004 11" not in said
        assert "Kommunens säkerhetsenhet i Trygg" not in said  # his, not the list again


async def _alerted(app: App) -> list[list[str]]:
    """Who each alert went to first, oldest alert first."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Alert.id, Person.handle)
            .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
            .join(Person, Person.id == AlertRecipient.person_id)
            .where(AlertRecipient.notified_at.is_not(None))
            .order_by(Alert.created_at, Person.handle)
        )
        by_alert: dict[str, list[str]] = {}
        for alert_id, handle in rows:
            by_alert.setdefault(alert_id, []).append(handle)
        return list(by_alert.values())


async def test_yes_to_the_inside_question_alerts_the_unit_not_the_party(
    chat: Any, demo_app: App
) -> None:
    """The guidance ends "Kommer hotet inifrån ditt parti? Då kan du larma kommunens
    säkerhetsenhet i stället." "ja, det kommer inifrån partiet" had alerted Pia."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    reply = await anna.say("ja, det kommer inifrån partiet")
    assert "Jag har larmat Sara Strand" in reply and "Pia" not in reply, reply
    assert await _alerted(demo_app) == [["sara"]]
    assert (await answers(demo_app, "anna"))["what"]["text"] == "ja, det kommer inifrån partiet"
    bo: Chat = chat("bo")
    await bo.say("/akut")
    assert "Britt" not in await bo.say("yes, it is someone inside my party")
    assert await _alerted(demo_app) == [["sara"], ["sara"]]


async def test_a_bare_yes_is_asked_whom_it_means(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    asked = await anna.say("ja")
    assert asked == (
        "I fara nu: ring 112.\nVem ska jag larma? Välj:\n"
        "[1] Larma Pia Lind  [2] Larma säkerhetsenheten"
    )
    assert await alert_count(demo_app) == 0
    assert "Jag har larmat Sara Strand" in await anna.say("2")


async def test_naming_the_contact_as_the_threat_does_not_alert_her(
    chat: Any, demo_app: App
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:unit", token=anna.buttons[0][2])
    said = await anna.say("Pia Lind hotar mig, hon står utanför min dörr")
    assert "Jag har larmat Pia Lind" not in said, said
    assert await _alerted(demo_app) == [["sara"]]
    kept = (await answers(demo_app, "anna"))["what"]["text"]
    assert kept == "Pia Lind hotar mig, hon står utanför min dörr"  # kept, for her only


async def test_akut_words_naming_the_party_stay_out_of_the_party_case(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """With a case Pia handles open, "Per Ek från partiet står utanför" had gone into it (and
    Pia was told) before Anna could choose the unit."""
    case = await submit_report(chat, "anna", "party")
    await ack(chat("pia"), case.alert_id)
    mark = await last_outbox_id(demo_app)
    said = await chat("anna").say("hjälp, Per Ek från partiet står utanför min dörr")
    assert "Pia Lind ser det" not in said, said
    assert [k for _, _, k, _ in await outbox(demo_app, mark) if k == "checkin_reply"] == []
    near = await chat("anna").say("han står utanför mitt hus nu")  # no one in the party named
    assert "och bett Pia Lind och Sara Strand att läsa det nu" in near, near  # the unit too


async def test_a_courtesy_word_alone_is_not_taking_an_alert(chat: Any, demo_app: App) -> None:
    """ "snälla" at /akut had been read as "jag tar det … snälla": "Det finns inget larm som
    väntar på att du tar det", and nobody was alerted."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("snälla")
    assert "Jag har larmat Pia Lind" in said, said
    pia: Chat = chat("pia")
    assert "det är ditt" not in await pia.say("tack")  # nor does "tack" take Anna's alert


async def test_a_threat_that_goes_on_opens_akut(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("han slutar inte hota mig")
    assert "akut:alert" in [i for i, _, _ in anna.buttons]


async def test_alert_after_naming_someone_in_the_party_goes_to_the_unit(
    chat: Any, demo_app: App
) -> None:
    """ "Per Ek hotar mig", then "larma": Pia was alerted, with Per Ek next."""
    anna: Chat = chat("anna")
    await anna.say("Per Ek hotar mig")
    pointed = await anna.say("ok")
    assert "Ska jag larma säkerhetsenheten nu?" in pointed, pointed
    said = await anna.say("larma")
    assert "Jag har larmat Sara Strand" in said and "Per Ek" not in said, said
    assert await _alerted(demo_app) == [["sara"]]


async def test_saying_it_is_not_the_party_does_not_alert_the_unit(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("nej det är inte någon i partiet")
    assert "Sara" not in said, said
    assert await _alerted(demo_app) == []


async def test_asking_for_the_unit_in_words_alerts_the_unit(chat: Any, demo_app: App) -> None:
    """ "alert the unit", "larma kommunen", "larma Sara" had alerted the party's contact."""
    for handle, typed in (("bo", "alert the unit"), ("anna", "larma kommunen")):
        person: Chat = chat(handle)
        await person.say("/akut")
        said = await person.say(typed)
        assert "Sara Strand" in said.split("\n")[1], said
    assert await _alerted(demo_app) == [["sara"], ["sara"]]


async def test_yes_please_to_whom_is_asked_again(chat: Any, demo_app: App) -> None:
    bo: Chat = chat("bo")
    await bo.say("/akut")
    await bo.say("yes")
    again = await bo.say("yes please")
    assert "Whom shall I alert?" in again, again
    assert await _alerted(demo_app) == []


async def test_naming_a_party_contact_first_offers_only_the_unit(chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("Britt Holm threatens me")
    offered = [i for i, _, _ in bo.buttons]
    assert "akut:unit" in offered and "akut:alert" not in offered, offered


async def test_a_weapon_named_in_a_first_message_opens_the_guidance(
    chat: Any, demo_app: App
) -> None:
    """ "det står en man med kniv vid min dörr" names no threat word, but a knife is danger
    now: the guidance (112 first, the alert one press away), and the words kept."""
    anna: Chat = chat("anna")
    reply = await anna.say("det står en man med kniv vid min dörr")
    assert reply.startswith("Är du i fara just nu? Ring 112."), reply
    assert "[1] Larma Pia Lind" in reply
    assert (await answers(demo_app, "anna"))["what"]["text"] == (
        "det står en man med kniv vid min dörr"
    )


@pytest.mark.parametrize(
    ("handle", "typed", "alert"),
    [
        ("anna", "det står en man utanför mitt hus och skriker", "Larma Pia Lind"),
        ("bo", "a man is standing outside my house shouting", "Alert Britt Holm"),
        ("anna", "någon har skrivit att de vet var jag bor", "Larma Pia Lind"),
        ("anna", "jag fick ett brev med en kula i", "Larma Pia Lind"),
        ("bo", "he wrote that he knows where I live", "Alert Britt Holm"),
    ],
)
async def test_someone_standing_outside_opens_what_to_do_now(
    chat: Any, demo_app: App, handle: str, typed: str, alert: str
) -> None:
    """ "det står en man utanför mitt hus och skriker", "de vet var jag bor", "ett brev med en
    kula i" got "I fara nu: ring 112. Jag sparade det du skrev i en rapport …" and the menu:
    no guidance, no one offered to alert."""
    person: Chat = chat(handle)
    await person.say("/start")
    reply = await person.say(typed)
    assert alert in [label for _, label, _ in person.buttons], reply
    assert await alert_count(demo_app) == 0  # offered, not raised: she chooses
    assert (await answers(demo_app, handle))["what"]["text"] == typed  # kept


@pytest.mark.parametrize(
    "typed",
    ["bilen står utanför mitt hus", "jag är utanför stan i helgen", "det var kul i kulturhuset"],
)
async def test_a_car_or_herself_outside_is_not_danger(chat: Any, demo_app: App, typed: str) -> None:
    anna: Chat = chat("anna")
    await anna.say("/start")
    await anna.say(typed)
    assert "Larma Pia Lind" not in [label for _, label, _ in anna.buttons]


@pytest.mark.parametrize(
    "typed", ["ring polisen", "kan du ringa polisen åt mig?", "snälla ring 112", "Ring polisen nu!"]
)
async def test_asking_trygg_to_call_the_police_is_answered(
    chat: Any, demo_app: App, typed: str
) -> None:
    """Asked "kan du ringa polisen åt mig?", she got "I kept what you wrote in a report"; "ring
    polisen" got the menu. She is told Trygg cannot call, with 112 and the alert at once."""
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say(typed)
    assert said.startswith("Jag kan inte ringa åt dig.\nÄr du i fara just nu? Ring 112."), said
    assert next(i for i, _l, _t in anna.buttons) == "akut:alert"
    assert "Jag sparade" not in said and await reports(demo_app, "anna") == []  # a request
    assert await alert_count(demo_app) == 0
    said = await anna.say("kan du ringa polisen?")  # again, at the guidance
    assert said.startswith("Jag kan inte ringa åt dig.\nI fara nu: ring 112."), said
    assert await reports(demo_app, "anna") == []


async def test_asking_for_a_call_in_english_and_with_more_told(chat: Any, demo_app: App) -> None:
    bo: Chat = chat("bo")
    await bo.say("/help")
    said = await bo.say("Can you call the police for me?")
    assert said.startswith("I cannot call anyone for you.\nAre you in danger right now?"), said
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say("ring polisen, han har krossat fönstret")  # what she tells is kept
    way_out = "Är du i fara just nu? Ring 112.\nInte akut: polisen på 114 14."
    assert said.startswith(f"{way_out}\nJag kan inte ringa åt dig."), said  # danger first
    assert "Jag sparade det du skrev i en rapport" in said


@pytest.mark.parametrize(
    "typed", ["jag ska ringa polisen i morgon om brevet", "polisen ringde mig i går om det"]
)
async def test_telling_of_a_call_to_the_police_is_not_asking_for_one(
    chat: Any, demo_app: App, typed: str
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say(typed)
    assert "Jag kan inte ringa" not in said and "Är du i fara just nu" not in said, said


@pytest.mark.parametrize(
    "words",
    [
        "jag får tio hot per dag och nu står någon utanför mitt hus",
        "det är en man under en ek utanför mitt hus och han skriker",
        "Per Andersson står utanför mitt hus och skriker",
    ],
)
async def test_a_word_that_is_also_a_contacts_name_does_not_move_the_alert(
    chat: Any, demo_app: App, words: str
) -> None:
    """ "tio hot per dag" named Per Ek as the threat: her alert went to the unit, not to
    Pia. A part of a name that is an everyday word ("per", "ek") names him only written as
    a name ("Per", "Ek"); "Per Andersson" is someone else."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    asked = await anna.say(words)
    assert "Ska jag larma Pia Lind nu?" in asked, asked
    said = await anna.say("larma")
    assert "Jag har larmat Pia Lind" in said, said
    assert await _alerted(demo_app) == [["pia"]]


async def test_his_first_name_written_as_a_name_still_names_him(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("det är Per som står utanför mitt hus och hotar mig")
    assert "Jag har larmat Sara Strand" in said and "Per Ek" not in said, said
    assert await _alerted(demo_app) == [["sara"]]
