"""A case card is shown as it is now when she comes back to the chat. Britt, woken by Bo's
report at night, opened the case, pressed "Jag tar det" on its card and closed the chat;
opening `trygg chat` again she read "Välkommen tillbaka. Här var vi:" over the card as it
had been: "Ingen har tagit ärendets larm än." with "[1] Jag tar det", and "1" took it again."""

from __future__ import annotations

from bot.app import App
from storage.trust import PeopleRepo
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_alert_on_return import resumed
from tests.test_transcripts_list import bind, report

NOBODY = "Ingen har tagit ärendets larm än."


async def card_opened(t: Transcript) -> str:
    """Anna's report has reached Pia, who opens its card from her case list."""
    await bind(t, "pia", "per")
    await report(t, "anna", "party")
    await t.deliver()
    t.note("Pia opens the case from her list")
    await t.say(t.person("pia"), "/arenden")
    return await t.say(t.person("pia"), "1")


async def test_the_card_she_comes_back_to_is_as_the_case_is_now(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("case_on_return_sv", demo_app)
    card = await card_opened(t)
    assert NOBODY in card and "Jag tar det" in card, card
    pia = t.person("pia")
    t.note("she takes it on its card")
    taken = await t.say(pia, "Jag tar det")
    assert "Tack – det är ditt." in taken, taken
    t.note("she closes the chat; in the morning she opens it again")
    clock.advance(hours=9)
    again = await resumed(t, "pia")
    assert again[0].text == "Välkommen tillbaka. Här var vi:", again
    shown = "\n".join(reply.text for reply in again)
    assert NOBODY not in shown, shown
    assert "Hanteras av: dig" in shown, shown  # her own card: not herself by name
    assert "Pia Lind" not in shown, shown
    labels = [b.label for reply in again for row in reply.buttons for b in row]
    assert "Jag tar det" not in labels, labels
    t.note("its first button is the card's first action now, and it acts")
    answered = await t.say(pia, "1")
    assert "Har kommunens säkerhetsstrateg kontaktats?" in answered, answered
    t.check()


async def test_a_case_she_may_no_longer_read_is_not_shown_again(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("case_on_return_revoked", demo_app)
    card = await card_opened(t)
    assert "Rapporterat av: Anna Berg" in card, card
    async with demo_app.db.unit_of_work() as session:  # she is no longer a contact
        await PeopleRepo(session).revoke("pia", clock.now)
    again = await resumed(t, "pia")
    shown = "\n".join(reply.text for reply in again)
    assert "Anna Berg" not in shown, shown
    assert "Ärende" not in shown, shown


async def test_the_case_list_she_comes_back_to_is_as_the_cases_are_now(
    demo_app: App, clock: FakeClock
) -> None:
    """Kent read his list while Anna's case waited for someone; Pia took it since. Back in
    the chat he read the list as it had been ("väntar på att någon tar det")."""
    t = Transcript("caselist_on_return_sv", demo_app)
    await bind(t, "pia", "per", "kent")
    await report(t, "anna", "party")
    await t.deliver()
    t.note("Kent asks for his cases, and closes the chat")
    listed = await t.say(t.person("kent"), "/arenden")
    assert "väntar på att någon tar det" in listed, listed
    t.note("Pia takes the case from its alert")
    await t.say(t.person("pia"), "Jag tar det")
    clock.advance(hours=2)
    again = await resumed(t, "kent")
    assert again[0].text == "Välkommen tillbaka. Här var vi:", again
    shown = "\n".join(reply.text for reply in again)
    assert "taget av Pia Lind" in shown, shown
    assert "väntar på att någon tar det" not in shown, shown
    t.note("its button opens the case")
    opened = await t.say(t.person("kent"), "1")
    assert "Hanteras av: Pia Lind, +46 70 174 06 11" in opened, opened
    t.check()
