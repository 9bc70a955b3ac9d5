"""The person she names as the one who threatens her, in her own words, is never offered her
internal report: "det är Per Ek som hotar mig" written after her /akut alert, or in what
happened, as well as where the report asks who did it. Only she is told why he is not
among the names; compare with tests/transcripts/internal_named_at_akut_sv.txt and
signal_inside_the_party_sv.txt."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from storage.models import AlertRecipient
from tests.conftest import Chat
from tests.golden import Transcript
from tests.reporting import Script, offered, write_report
from tests.test_akut_after import awake
from tests.test_alerts import outbox, person_ids
from tests.test_trust_recheck import up_to_send

NAMED = "Per Ek erbjuds inte: du skrev att det var den personen."


async def test_the_contact_she_named_at_akut_is_not_offered_her_internal_report_sv(
    demo_app: App,
) -> None:
    ids = await person_ids(demo_app)
    t = Transcript("internal_named_at_akut_sv", demo_app)
    anna, pia, per, sara = (t.person(h) for h in ("anna", "pia", "per", "sara"))
    await awake(t, pia, per, sara)
    t.note("Anna alerts Pia, then writes that it is Per, her party's other contact")
    await t.say(anna, "/akut")
    await t.say(anna, "1")
    await t.say(anna, "det är Per Ek som hotar mig")
    await t.deliver()
    t.note("She writes a report on it, inside the party (not shown), and sends it")
    await up_to_send(anna)
    shown = await t.say(anna, "Skicka")
    assert NAMED in shown and f"rcpt:{ids['per']}" not in offered(anna), shown
    t.note("She picks Sara, and sends")
    await t.say(anna, "2")
    await t.say(anna, "3")
    sent = await t.deliver()
    t.check()
    assert {to for to, _reply in sent} == {"sara"}
    assert "per" not in {handle for _id, handle, _kind, _payload in await outbox(demo_app)}


async def test_named_at_akut_stays_left_out_when_her_kept_words_are_deleted(
    chat: Any, demo_app: App
) -> None:
    """What she wrote with the alert names him even when the report is a new one."""
    ids = await person_ids(demo_app)
    anna: Chat = chat("anna")
    for handle in ("pia", "per", "sara"):
        await chat(handle).say("/hjalp")
    await anna.say("/akut")
    await anna.say("1")
    await anna.say("det är Per Ek som hotar mig")
    await anna.say("/rapportera")
    await anna.say("/avbryt")
    await anna.press("cancel:yes")
    await write_report(anna, Script(category="internal"), submit=False)
    shown = await anna.press("send")
    assert NAMED in shown and f"rcpt:{ids['per']}" not in offered(anna), shown
    await anna.press(f"rcpt:{ids['per']}")  # an older button: he is never chosen
    await anna.press(f"rcpt:{ids['sara']}")
    await anna.press("send")
    async with demo_app.db.unit_of_work() as session:
        told = set((await session.scalars(select(AlertRecipient.person_id))).all())
    assert ids["sara"] in told


@pytest.mark.parametrize(
    ("what", "named"),
    [
        ("Per Ek hotade mig efter mötet i går.", True),
        ("det är per ek som trakasserar mig hela tiden", True),
        ("Per skrev att jag ska akta mig, det var ett hot.", True),
        ("Jag berättade för Per Ek om mejlet i går.", False),  # not named as the threat
        ("Jag får tio hot per dag från en granne.", False),  # "per" is not the name here
        ("Per Andersson hotade mig efter mötet.", False),  # another Per
    ],
)
async def test_named_as_the_threat_in_what_happened_is_not_offered(
    chat: Any, demo_app: App, what: str, named: bool
) -> None:
    ids = await person_ids(demo_app)
    anna: Chat = chat("anna")
    await write_report(anna, Script(category="internal", what=(what,)), submit=False)
    shown = await anna.press("send")
    assert (NAMED in shown) is named, shown
    assert (f"rcpt:{ids['per']}" in offered(anna)) is not named
