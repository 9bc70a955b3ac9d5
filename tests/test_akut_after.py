"""What she writes around her /akut alert reaches those it went to (and nobody else): the
words she told before pressing go with it, words after it are pushed to whoever took it or,
while nobody has, to everyone it went to; saying afterwards that the threat comes from
inside her party withdraws the party's alert and alerts the unit instead."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from storage.alert_notes import AlertNotes
from storage.errors import NotFound
from storage.models import Alert, AlertNote, AlertStatus
from storage.retention import RetentionRepo
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript, delivered
from tests.test_alerts import NOTICE_TOKEN, Recording, outbox, submit_report
from tests.test_case import last_outbox_id
from tests.test_followup_calls import viewer

KNIFE = "han står utanför dörren nu och har en kniv"


async def akut_alerts(app: App) -> list[Alert]:
    async with app.db.unit_of_work() as session:
        stmt = select(Alert).where(Alert.kind == "akut").order_by(Alert.created_at, Alert.id)
        return list((await session.scalars(stmt)).all())


async def read_as(app: App, handle: str, alert_id: str) -> list[str]:
    """What she wrote with the alert, as storage gives it to ``handle`` (NotFound: nothing)."""
    async with app.db.unit_of_work() as session:
        notes = AlertNotes(session, app.keyring)
        return [w.text for w in await notes.read(await viewer(app, handle), alert_id)]


async def alerted_then_wrote(chat: Any) -> Chat:
    """Anna alerts Pia from /akut, then writes that he has a knife; her chat."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.say("1")
    await anna.say(KNIFE)
    return anna


async def pia_alerted(chat: Any, app: App) -> tuple[Chat, Chat, Alert]:
    """Anna alerts Pia from /akut (Pia has opened Trygg before); their chats and the alert."""
    anna, pia = chat("anna"), chat("pia")
    await pia.say("/hjalp")
    await anna.say("/akut")
    await anna.press("akut:alert")
    (alert,) = await akut_alerts(app)
    return anna, pia, alert


async def awake(t: Transcript, *chats: Chat) -> None:
    """The contacts have opened Trygg before (their chats are known); not recorded."""
    for chat in chats:
        await chat.say("/hjalp")
    await t.deliver()
    t.lines.clear()


async def test_words_after_the_alert_reach_those_alerted_sv(demo_app: App) -> None:
    t = Transcript("akut_words_after_alert_sv", demo_app)
    anna, pia, per = t.person("anna"), t.person("pia"), t.person("per")
    await awake(t, pia, per)
    t.note("23:00: Anna writes, then presses to alert Pia")
    await t.say(anna, "hjälp jag har blivit hotad")
    alerted = await t.say(anna, "1")
    t.note("then she writes more, before anyone has taken it")
    after = await t.say(anna, KNIFE)
    sent = await t.deliver()
    t.note("Pia is woken by the pushes and reads what Anna wrote")
    read = await t.say(pia, "1")
    await t.say(pia, "Jag tar det")
    await t.deliver()
    t.note("Anna writes again: now only Pia, who has the alert, is told")
    later = await t.say(anna, "nu går han mot bilen")
    later_sent = await t.deliver()
    t.check()
    assert "Det du skrev följer med larmet." in alerted
    assert after.startswith("I fara nu: ring 112.\nIngen har tagit ditt larm än. Pia Lind ser")
    assert [to for to, reply in sent if "har skrivit till dig efter larmet" in reply.text] == [
        pia.address
    ]
    assert KNIFE not in "".join(reply.text for _to, reply in sent)  # never in a push
    assert "hjälp jag har blivit hotad" in read and KNIFE in read
    assert "Pia Lind har ditt larm och ser det du skrev." in later
    # untaken, every answer says whom to call herself; taken, Pia calls her
    call = "Ringer ingen: ring Pia Lind på +46 70 174 06 11, eller säkerhetsenheten på"
    assert call in after, after
    assert "Ringer ingen" not in later, later
    assert [to for to, _reply in later_sent] == [pia.address]
    alert = (await akut_alerts(demo_app))[0]
    assert "nu går han mot bilen" in await read_as(demo_app, "pia", alert.id)
    assert per.address not in {to for to, _reply in later_sent}


async def test_the_next_level_sees_the_words_in_its_push(chat: Any, demo_app: App) -> None:
    await alerted_then_wrote(chat)
    alert = (await akut_alerts(demo_app))[0]
    with pytest.raises(NotFound):  # Per was not alerted yet: nothing to read
        await read_as(demo_app, "per", alert.id)
    for handle in ("britt", "kent", "bo"):  # another party, the director, another official
        with pytest.raises(NotFound):
            await read_as(demo_app, handle, alert.id)
    assert await read_as(demo_app, "anna", alert.id) == [KNIFE]  # her own words


async def test_the_words_are_sealed_and_go_when_she_is_forgotten(chat: Any, demo_app: App) -> None:
    anna = await alerted_then_wrote(chat)
    async with demo_app.db.unit_of_work() as session:
        rows = (await session.scalars(select(AlertNote))).all()
        assert rows and all(b"kniv" not in row.text for row in rows)
    await anna.say("/glom")
    await anna.press("forget:yes")
    async with demo_app.db.unit_of_work() as session:
        assert (await session.scalars(select(AlertNote))).all() == []


async def test_inside_the_party_after_the_party_alert_goes_to_the_unit_sv(
    demo_app: App,
) -> None:
    t = Transcript("akut_inside_after_party_alert_sv", demo_app)
    anna, pia, sara = t.person("anna"), t.person("pia"), t.person("sara")
    await awake(t, pia, t.person("per"), sara)
    t.note("Anna alerts Pia, then says it is Per, her party's other contact, who threatens her")
    await t.say(anna, "/akut")
    await t.say(anna, "1")
    await t.deliver()
    told = await t.say(anna, "det är Per Ek som hotar mig")
    sent = await t.deliver()
    t.note("Sara reads what Anna wrote")
    read = await t.say(sara, "2")
    t.check()
    alerts = await akut_alerts(demo_app)
    party = next(a for a in alerts if a.party_id is not None)
    unit = next(a for a in alerts if a.party_id is None)
    assert party.status is AlertStatus.WITHDRAWN and unit.party_id is None
    assert "Jag har larmat Sara Strand" in told
    assert "Jag har återkallat larmet till Pia Lind." in told
    recipients = {to for to, _reply in sent}
    assert sara.address in recipients and "per" not in " ".join(recipients)
    withdrawn = next(r.text for to, r in sent if to == pia.address)
    # whose alert it was, never why: the threat may come from inside her party
    assert withdrawn.startswith("Anna Berg har tagit tillbaka sitt larm som du fick"), withdrawn
    assert "kommun" not in withdrawn and "inifrån" not in withdrawn
    assert "det är Per Ek som hotar mig" in read
    for handle in ("pia", "per"):  # the party reads nothing of hers, on either alert
        for alert in (party, unit):
            with pytest.raises(NotFound):
                await read_as(demo_app, handle, alert.id)


async def test_words_typed_with_larma_go_with_the_alert(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    reply = await anna.say("larma pia han står utanför")
    assert "Det du skrev följer med larmet." in reply
    alert = (await akut_alerts(demo_app))[0]
    assert await read_as(demo_app, "pia", alert.id) == ["larma pia han står utanför"]


async def test_a_unit_alert_nobody_took_is_still_theirs_to_take(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """The unit alone was alerted: after its 10 minutes it was 'exhausted', Sara got no
    reminder and could not take it, and Anna read that her 'case' stays open (she has none)."""
    anna, sara = chat("anna"), chat("sara")
    await sara.say("/hjalp")
    await anna.say("/akut")
    await anna.say("det är Per Ek som hotar mig")  # the unit only
    (alert,) = await akut_alerts(demo_app)
    assert alert.party_id is None
    mark = await last_outbox_id(demo_app)
    clock.advance(minutes=11)
    await demo_app.timer_runner().run_due()
    rows = await outbox(demo_app, mark)
    told = {(handle, kind, bool(payload.get("reminder"))) for _i, handle, kind, payload in rows}
    assert ("sara", "alert", True) in told and ("anna", "alert_unanswered", False) in told
    unanswered = next(text for to, text in await delivered(demo_app) if to == anna.address)
    assert "Larmet står kvar: den som tar det ringer dig." in unanswered
    assert "ärende" not in unanswered
    taken = await sara.say("jag tar det")
    assert taken.startswith("Tack – det är ditt."), taken
    assert (await akut_alerts(demo_app))[0].status is AlertStatus.ACKNOWLEDGED


async def test_her_words_go_with_the_alert_when_it_is_purged(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    await alerted_then_wrote(chat)
    clock.advance(days=400)  # past the 12 months an /akut alert is kept
    async with demo_app.db.unit_of_work() as session:
        assert await RetentionRepo(session).akut_alerts(clock.now) == 1
    async with demo_app.db.unit_of_work() as session:
        assert (await session.scalars(select(AlertNote))).all() == []


async def test_an_older_party_alert_is_withdrawn_too(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia was alerted, then the unit; naming Per withdrew nothing, since the newest alert
    (the unit's) was the only one looked at."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:alert")
    clock.advance(minutes=5)
    await anna.say("/akut")
    await anna.press("akut:unit")
    await anna.say("det är Per Ek som hotar mig")
    party = [a for a in await akut_alerts(demo_app) if a.party_id is not None]
    assert [a.status for a in party] == [AlertStatus.WITHDRAWN]


async def test_words_carried_to_the_unit_keep_the_time_she_wrote_them(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.say("han står utanför")
    await anna.press("akut:alert")
    written_at = clock.now
    clock.advance(minutes=8)
    await anna.say("det är Per Ek som hotar mig")
    unit = next(a for a in await akut_alerts(demo_app) if a.party_id is None)
    async with demo_app.db.unit_of_work() as session:
        notes = await AlertNotes(session, demo_app.keyring).read(
            await viewer(demo_app, "sara"), unit.id
        )
    assert [(n.text, n.at) for n in notes] == [
        ("han står utanför", written_at),
        ("det är Per Ek som hotar mig", clock.now),
    ]


async def test_the_guidance_does_not_offer_the_number_of_the_one_she_named(
    chat: Any, demo_app: App
) -> None:
    shown = await chat("anna").say("det är Per Ek som hotar mig")
    assert "Per Ek, +46 70 174 06 12" not in shown, shown
    assert "Pia Lind, +46 70 174 06 11" in shown and "Larma säkerhetsenheten" in shown


async def test_words_told_with_an_open_case_go_with_the_alert_too(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """With a case open, "han står utanför dörren" at the guidance went to the case only:
    the alert Pia was woken by, and Per's after it, carried nothing."""
    await submit_report(chat, "anna", "assignment")
    anna: Chat = chat("anna")
    await anna.say("/akut")
    kept = await anna.say("han står utanför dörren")
    assert "ärende" in kept  # kept with her case, as before
    alerted = await anna.press("akut:alert")
    assert "Det du skrev följer med larmet." in alerted
    alert = next(a for a in await akut_alerts(demo_app) if a.party_id is not None)
    assert await read_as(demo_app, "pia", alert.id) == ["han står utanför dörren"]


@pytest.mark.parametrize("cry", ["hjälp han har en kniv", "han hotar att slå sönder dörren"])
async def test_a_cry_after_the_alert_reaches_those_alerted(
    chat: Any, demo_app: App, cry: str
) -> None:
    """A cry or a threat word after "Larma Pia" had opened the guidance again ("Larma Pia
    Lind" offered once more) and kept the words where Pia, alerted, would not read them."""
    anna: Chat = chat("anna")
    await chat("pia").say("/hjalp")
    await anna.say("/akut")
    await anna.say("1")
    mark = await last_outbox_id(demo_app)
    said = await anna.say(cry)
    assert said.startswith("I fara nu: ring 112.\nIngen har tagit ditt larm än. Pia Lind ser")
    assert "Larma Pia Lind" not in said
    (alert,) = await akut_alerts(demo_app)
    assert await read_as(demo_app, "pia", alert.id) == [cry]
    assert [k for _, _, k, _ in await outbox(demo_app, mark)] == ["alert_words"]


async def test_the_threat_from_inside_told_after_alerting_the_unit_reaches_the_unit(
    chat: Any, demo_app: App
) -> None:
    """Anna alerted the unit and then wrote who it was ("det är Per Ek som hotar mig, han
    står vid min dörr"): she got the whole guidance again, with "Larma säkerhetsenheten" as
    if nothing had been sent, and Sara, who had the alert, never read her words."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:unit")
    said = await anna.say("det är Per Ek som hotar mig, han står vid min dörr")
    assert "Larma säkerhetsenheten" not in said and "Var inte ensam" not in said, said
    assert "Sara Strand ser det du skrev." in said, said
    (unit,) = await akut_alerts(demo_app)
    assert await read_as(demo_app, "sara", unit.id) == [
        "det är Per Ek som hotar mig, han står vid min dörr"
    ]
    with pytest.raises(NotFound):  # the party's contacts read nothing of it
        await read_as(demo_app, "per", unit.id)


async def test_an_alert_every_level_had_can_still_be_taken_from_her_words(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Every level had been alerted and nobody took it. Anna's next words reached Pia, Per
    and Sara with only "Läs vad Anna Berg skrev": no "Jag tar det" there or in the words
    read, and Sara's "Ring upp", "Nej, larma vidare" said "Larmet är inte öppet längre"."""
    anna, sara = chat("anna"), chat("sara")
    await sara.say("/hjalp")
    await anna.say("/akut")
    await anna.press("akut:alert")
    for _ in range(3):
        clock.advance(minutes=11)
        await demo_app.timer_runner().run_due()
    (alert,) = await akut_alerts(demo_app)
    assert alert.status is AlertStatus.EXHAUSTED
    await delivered(demo_app)  # what the levels were sent before
    await anna.say("hallå? är det någon där")
    transport = Recording()
    await demo_app.outbox_sender(transport).deliver_due()
    [pushed] = [r for to, r in transport.replies if to == "sara" and "efter larmet" in r.text]
    assert f"ack:{alert.id}" in [b.id for row in pushed.buttons for b in row], pushed
    read = await sara.press(f"words:{alert.id}")
    assert "hallå? är det någon där" in read
    assert f"ack:{alert.id}" in sara.last_buttons
    await sara.press(f"call:{alert.id}")
    onward = await sara.press(f"call:{alert.id}:no")
    assert "inte öppet längre" not in onward and "Det finns ingen mer att larma" in onward, onward
    taken = await sara.press(f"ack:{alert.id}")
    assert taken.startswith("Tack – det är ditt."), taken


async def test_an_alert_raised_by_mistake_can_be_taken_back(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """ "förlåt, jag tryckte fel. allt är bra" after "Larma Pia" woke Pia with "Läs det nu:
    det kan vara ny fara", and Per was paged ten minutes later: there was no way back."""
    anna, _pia, alert = await pia_alerted(chat, demo_app)
    await delivered(demo_app)
    mark = await last_outbox_id(demo_app)
    asked = await anna.say("förlåt, jag tryckte fel. allt är bra")
    assert "Vill du ta tillbaka larmet till Pia Lind? Då larmas ingen mer." in asked, asked
    assert await outbox(demo_app, mark) == []  # nobody woken while she chooses
    done = await anna.press(f"undo:{alert.id}:1")
    assert done.startswith("I fara nu: ring 112.\nJag har tagit tillbaka larmet. Pia Lind får"), (
        done
    )
    assert (await akut_alerts(demo_app))[0].status is AlertStatus.WITHDRAWN
    clock.advance(minutes=11)
    await demo_app.timer_runner().run_due()
    sent = await delivered(demo_app)
    assert not any(to == "per" for to, _text in sent), sent  # nobody more paged
    [to_pia] = [text for to, text in sent if to == "pia"]
    assert "Anna Berg har tagit tillbaka larmet från Trygg som du fick" in to_pia, to_pia
    assert "skriver att det var ett misstag" in to_pia
    assert "Är du osäker, ring Anna Berg: +46 70 174 06 10" in to_pia


async def test_the_old_buttons_of_an_alert_taken_back_say_so(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia pressing "Jag tar det" or "Ring upp" on the push after Anna took the alert back
    read "Det larmet är inte tillgängligt för dig": as if she had no part in it."""
    anna, pia, alert = await pia_alerted(chat, demo_app)
    await delivered(demo_app)
    await anna.say("förlåt, jag tryckte fel")
    await anna.press(f"undo:{alert.id}:1")
    for button in (f"ack:{alert.id}", f"call:{alert.id}"):
        said = await pia.press(button, token=NOTICE_TOKEN)
        assert said.splitlines() == [
            "Anna Berg har tagit tillbaka det larmet och skriver att det var ett misstag.",
            "Ingen mer larmas.",
            "Är du osäker, ring Anna Berg: +46 70 174 06 10",
        ], said
    assert (await akut_alerts(demo_app))[0].acknowledged_by is None  # nothing taken
    # whom it never reached learns nothing of it
    said = await chat("per").press(f"ack:{alert.id}", token=NOTICE_TOKEN)
    assert said == "Det larmet är inte tillgängligt för dig.", said


async def test_an_old_taken_back_alert_points_to_her_new_one(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia pressed the old push after Anna took that alert back and raised a real one: she
    read "Ingen mer larmas" while the new alert waited untaken."""
    anna, pia, alert = await pia_alerted(chat, demo_app)
    await anna.say("förlåt, jag tryckte fel")
    await anna.press(f"undo:{alert.id}:1")
    clock.advance(minutes=5)
    await anna.say("/akut")
    await anna.press("akut:alert")
    [new] = [a for a in await akut_alerts(demo_app) if a.id != alert.id]
    said = await pia.press(f"ack:{alert.id}", token=NOTICE_TOKEN)
    assert "Anna Berg har tagit tillbaka det larmet" in said, said
    assert "Larmet om Anna Berg från" in said and "är inte taget än." in said, said
    assert f"ack:{new.id}" in [b[0] for b in pia.buttons]


async def test_an_alert_she_lets_stand_sends_her_words_calmly(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    anna, _pia, alert = await pia_alerted(chat, demo_app)
    await delivered(demo_app)
    await anna.say("jag tryckte fel tror jag")
    said = await anna.press(f"undo:{alert.id}:keep")
    assert said.startswith("I fara nu: ring 112.\nLarmet står kvar. Pia Lind ser det du skrev."), (
        said
    )
    [to_pia] = [text for to, text in await delivered(demo_app) if to == "pia"]
    assert to_pia.startswith("Anna Berg har skrivit till dig efter larmet."), to_pia
    assert "ny fara" not in to_pia
    assert (await akut_alerts(demo_app))[0].status is AlertStatus.OPEN


async def test_a_mistake_with_danger_is_danger(chat: Any, demo_app: App) -> None:
    anna = await alerted_then_wrote(chat)
    said = await anna.say("jag tryckte fel först men nu har han en kniv")
    assert "ta tillbaka" not in said, said


async def test_only_she_may_take_back_her_alert(chat: Any, demo_app: App) -> None:
    anna = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:alert")
    (alert,) = await akut_alerts(demo_app)
    said = await chat("bo").press(f"undo:{alert.id}:0")
    assert (await akut_alerts(demo_app))[0].status is AlertStatus.OPEN, said


async def test_rapportera_without_its_slash_opens_the_report_after_the_alert(
    chat: Any, demo_app: App
) -> None:
    """ "rapportera" typed after "Larma Pia" went to Pia as "Läs det nu: det kan vara ny fara"
    and opened no report."""
    anna = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:alert")
    await delivered(demo_app)
    said = await anna.say("rapportera")
    assert "Vem gäller det?" in said, said
    assert not any(to == "pia" for to, _text in await delivered(demo_app))


async def test_a_mistake_told_after_pia_took_the_alert_reaches_her_calmly(
    chat: Any, demo_app: App
) -> None:
    """Pia had taken it: "förlåt, jag tryckte fel" reached her as "Läs det nu: det kan vara
    ny fara". It is hers now; she reads the words and calls to make sure."""
    anna, pia, alert = await pia_alerted(chat, demo_app)
    await pia.press(f"ack:{alert.id}")
    await delivered(demo_app)
    said = await anna.say("förlåt, jag tryckte fel")
    assert "Pia Lind har ditt larm" in said, said
    [to_pia] = [text for to, text in await delivered(demo_app) if to == "pia"]
    assert to_pia.startswith("Anna Berg har skrivit till dig efter larmet."), to_pia
    assert "ny fara" not in to_pia


@pytest.mark.parametrize(
    "words",
    [
        "avbryt larmet",
        "ta tillbaka larmet",
        "falskt larm",
        "det var fel knapp",
        "sorry, wrong button",
    ],
)
async def test_take_back_words_that_name_the_alarm_offer_the_take_back(
    chat: Any, demo_app: App, words: str
) -> None:
    """ "avbryt larmet" woke Pia as new danger: the word "larm" counted as a cry."""
    anna = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:alert")
    (alert,) = await akut_alerts(demo_app)
    asked = await anna.say(words)
    assert f"undo:{alert.id}:1" in anna.last_buttons, asked


async def test_an_old_take_back_does_not_hold_once_she_wrote_more(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Offered the take-back, Anna wrote "nej vänta, han står vid dörren nu"; the old "Ja"
    still withdrew the alert and told Pia to stand down. A day later it did so too."""
    anna = chat("anna")
    await anna.say("/akut")
    await anna.press("akut:alert")
    (alert,) = await akut_alerts(demo_app)
    await anna.say("förlåt, jag tryckte fel")
    await anna.say("nej vänta, han står vid dörren nu")
    said = await anna.press(f"undo:{alert.id}:1")
    assert "Larmet står kvar: du har skrivit mer sedan dess" in said, said
    assert (await akut_alerts(demo_app))[0].status is not AlertStatus.WITHDRAWN
    await anna.say("förlåt, jag tryckte fel igen")  # a new offer: three words with it now
    clock.advance(hours=20)
    said = await anna.press(f"undo:{alert.id}:3")
    assert "Larmet står kvar" in said, said
    assert (await akut_alerts(demo_app))[0].status is not AlertStatus.WITHDRAWN


@pytest.mark.parametrize("words", ["jätterädd", "någon försöker ta sig in"])
async def test_danger_in_a_compound_or_a_phrase_opens_the_guidance(
    chat: Any, demo_app: App, words: str
) -> None:
    """ "jätterädd" with nothing open got the menu, her word dropped; "någon försöker ta sig
    in" got three lines and no button to alert Pia."""
    said = await chat("anna").say(words)
    assert said.startswith("Är du i fara just nu? Ring 112."), said
    assert "Larma Pia Lind" in said


async def test_an_alert_taken_back_as_anna_and_pia_read_it_sv(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("akut_taken_back_sv", demo_app)
    anna, pia, per = t.person("anna"), t.person("pia"), t.person("per")
    await awake(t, pia, per)
    t.note("23:00: Anna presses /akut and alerts Pia, by mistake")
    await t.say(anna, "/akut")
    await t.say(anna, "1")
    await t.deliver()
    t.note("a minute later")
    clock.advance(minutes=1)
    await t.say(anna, "förlåt, jag tryckte fel. allt är bra")
    await t.say(anna, "1")
    await t.deliver()
    t.note("ten minutes on: nobody more is alerted")
    clock.advance(minutes=10)
    await demo_app.timer_runner().run_due()
    later = await t.deliver()
    t.check()
    assert later == []


@pytest.mark.parametrize(
    ("typed", "said"),
    [("nej hon svarade inte", "Jag larmar Per Ek nu."), ("ja, vi pratade", "Tack – det är ditt.")],
)
async def test_did_you_reach_her_answered_in_words(
    chat: Any, demo_app: App, typed: str, said: str
) -> None:
    """Pia pressed "Ring upp", was asked "Fick du tag på Anna Berg?" and typed "nej hon
    svarade inte": she got the menu, her answer was lost and nobody more was alerted."""
    _anna, pia, alert = await pia_alerted(chat, demo_app)
    asked = await pia.press(f"call:{alert.id}")
    assert "Fick du tag på Anna Berg?" in asked, asked
    answered = await pia.say(typed)
    assert said in answered, answered


async def test_a_mistake_after_words_of_danger_is_not_offered_to_take_back(
    chat: Any, demo_app: App
) -> None:
    """ "han står utanför min dörr", then "förlåt, jag tryckte fel": she may not be free to
    say more. The alert stands and Pia reads both, urgently."""
    anna, pia = chat("anna"), chat("pia")
    await pia.say("/hjalp")
    await anna.say("/akut")
    await anna.press("akut:alert")
    await anna.say("han står utanför min dörr")
    await delivered(demo_app)
    said = await anna.say("förlåt, jag tryckte fel")
    assert "ta tillbaka" not in said, said
    [to_pia] = [text for to, text in await delivered(demo_app) if to == "pia"]
    assert "det kan vara ny fara" in to_pia, to_pia
