"""Signal end to end: a security contact of another party cannot see or take a case.

Anna Berg (Gröna partiet) reports on Signal; the alert goes to Pia Lind. Britt Holm (Blå
partiet's contact), also on Signal, tries every way in: the list of cases, opening it by
its reference, and choices forged into her own chat (Pia's "take it", "show the case" and
"call" buttons, under Britt's own step and under Pia's). She learns nothing of the case,
takes nothing, and Pia still can. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from conversations.events import Button, Reply
from storage.models import Alert, AlertStatus
from tests.fakesignal import Person
from tests.reporting import SKIPPED, Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.telegram_harness import eventually
from tests.test_signal_transport import SignalWriter
from tests.test_trust import REF_RE, WHAT


def forge(sg: SignalHarness, user: Person, buttons: list[str], token: str) -> None:
    """Put choices the bot never offered her into her chat (as a tampered client might)."""
    row = tuple(Button(b, f"val {n}") for n, b in enumerate(buttons, 1))
    sg.bot.transport.choices.sent(user.aci, Reply("", (row,), token=token))


def leaks(texts: list[str], ref: str) -> list[str]:
    """The texts that give away anything of Anna's case."""
    given_away = ("Anna Berg", WHAT[:30], "det är ditt", f"Ärende {ref}", f"• {ref}")
    return [t for t in texts if any(s in t for s in given_away)]


async def test_a_contact_of_another_party_cannot_see_or_take_the_case_on_signal(
    sg: SignalHarness, sg_app: App
) -> None:
    anna, pia, britt = await sg.bind("anna"), await sg.bind("pia"), await sg.bind("britt")
    sent = await write_report(SignalWriter(sg, anna), Script(what=(WHAT,), skip=SKIPPED))
    found = REF_RE.search(sent)
    assert found, sent
    ref = found.group(1)
    await sg.wait_text(pia, ref)
    await eventually(lambda: "Jag tar det" in sg.choices(pia) and sg.button_ids(pia), "choices")
    pia_buttons = sg.button_ids(pia)
    [ack] = [b for b in pia_buttons if b.startswith("ack:")]
    pia_token = sg.bot.transport.choices._offered[pia.aci].token

    tried: list[str] = []
    for typed in ("arenden", "/arenden"):
        tried += await sg.say(britt, typed)
    for typed in (f"/arende {ref}", f"/arende {ref.lower()}"):
        opened = await sg.say(britt, typed)
        assert any("Det finns inget ärende" in t for t in opened), opened  # as if none
        tried += opened
    await sg.say(britt, "akut")  # her own chat with choices: a step token of her own
    own_token = sg.bot.transport.choices._offered[britt.aci].token
    for token in (own_token, pia_token):
        for n in range(len(pia_buttons)):
            forge(sg, britt, pia_buttons, token)
            tried += await sg.say(britt, str(n + 1))
    refused = [t for t in tried if "inte tillgänglig" in t]  # "… is not available to you"
    assert len(refused) == 2 * len(pia_buttons), tried  # each forged press: refused, kindly
    assert leaks(tried, ref) == [], leaks(tried, ref)
    assert not leaks(sg.texts(britt), ref)

    alert_id = ack.split(":")[1]
    async with sg_app.db.unit_of_work() as session:
        alert = await session.get(Alert, alert_id)
        assert alert is not None and alert.status is AlertStatus.OPEN
    assert not [t for t in sg.texts(anna) if "Britt Holm" in t]

    taken = await sg.say(pia, sg.choices(pia)["Jag tar det"])  # Pia still can
    assert any("det är ditt" in t for t in taken), taken
    async with sg_app.db.unit_of_work() as session:
        status = await session.scalar(select(Alert.status).where(Alert.id == alert_id))
        assert status is AlertStatus.ACKNOWLEDGED
