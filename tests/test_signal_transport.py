"""The Signal transport end to end: the real SignalBot against the fake signal-cli daemon.

Invites, /akut and an alert taken by typing its number, numbered choices pressed by number
or label, commands without the slash, evidence from the daemon, and Signal's failures
(unregistered, rate limited) mapped onto the outbox. The fake checks every request against
the reference (its assert_valid() runs after each test, in the fake_signal fixture).
"""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.transports.base import DeliveryFailed
from bot.transports.signal import SignalTransport
from bot.transports.signal_choices import Choices, numbered
from bot.transports.signal_envelopes import Incoming
from bot.transports.signal_inbound import event_for
from bot.transports.signal_rpc import SignalRpc
from conversations.events import Button, Delivery, EventKind, FileRef, InboundEvent, Reply
from conversations.registry import COMMANDS
from storage.models import Evidence, OutboxMessage, OutboxStatus, Report, Role
from storage.reports import ReportRepo
from tests.conftest import FakeClock
from tests.fakesignal import FakeSignal
from tests.reporting import Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.telegram_harness import eventually
from tests.test_trust import (
    EVIDENCE,
    EVIDENCE_CAPTION,
    EVIDENCE_NAME,
    REF_RE,
    SQLITE_ONLY,
    WHAT,
    WHAT_MORE,
    invite,
)

ALERT_LABEL = "Larma Pia Lind"
ACI = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"


def incoming(text: str) -> Incoming:
    return Incoming(ACI, 1767225600000, text)


def test_commands_work_with_or_without_the_slash_and_free_text_stays_text() -> None:
    choices = Choices()
    for typed, command, rest in [
        ("akut", "akut", ""),
        ("/akut", "akut", ""),
        ("Akut", "akut", ""),
        ("start ABCD-EFGH-JKLM", "start", "ABCD-EFGH-JKLM"),
        ("/start ABCD-EFGH-JKLM", "start", "ABCD-EFGH-JKLM"),
        ("abcd-efgh-jklm", "start", "ABCD-EFGH-JKLM"),
    ]:
        event = event_for(incoming(typed), choices, COMMANDS)
        assert (event.kind, event.command, event.text) == (EventKind.COMMAND, command, rest), typed
    for typed in ("Start of it was at the station", "rensa bort det han skrev", "3"):
        event = event_for(incoming(typed), choices, COMMANDS)
        assert (event.kind, event.text) == (EventKind.TEXT, typed), typed
    event = event_for(incoming("akut"), choices, COMMANDS)
    assert event.channel == "signal" and event.address == ACI
    assert event.event_id == event_for(incoming("x"), choices, COMMANDS).event_id  # per message
    assert ACI not in event.event_id


def test_choices_are_numbered_and_pressed_by_number_or_label_until_the_next_message() -> None:
    reply = Reply("Vill du?", ((Button("check:yes", "Ja"), Button("check:no", "Nej")),), token="7")
    assert numbered(reply) == "Vill du?\n\n1 Ja · 2 Nej"
    choices = Choices()
    choices.sent(ACI, reply)
    for typed, pressed in [("2", "check:no"), (" ja ", "check:yes"), ("NEJ", "check:no")]:
        event = event_for(incoming(typed), choices, COMMANDS)
        assert (event.kind, event.button, event.token) == (EventKind.BUTTON, pressed, "7")
    # no third: it presses nothing (the conversation says so), and is no answer
    third = event_for(incoming("3"), choices, COMMANDS)
    assert (third.kind, third.button, third.token) == (EventKind.BUTTON, "", "7")
    assert event_for(incoming("Ja, igår"), choices, COMMANDS).kind is EventKind.TEXT
    choices.sent(ACI, Reply("Sparat som bevis."))  # no buttons: the choices stay usable
    assert event_for(incoming("2"), choices, COMMANDS).button == "check:no"
    choices.sent(ACI, Reply("Nu?", ((Button("go", "Ja"),),), token="8"))
    event = event_for(incoming("2"), choices, COMMANDS)
    assert (event.kind, event.button) == (EventKind.BUTTON, "")  # only the latest buttons count


@SQLITE_ONLY
async def test_an_invite_then_akut_alerts_a_contact_on_signal_who_takes_it_with_1(
    sg: SignalHarness, sg_app: App
) -> None:
    code = await invite(sg_app, Role.PARTY_SECURITY, person="pia")
    pia = sg.fake.person(number="+46701112233", name="Pia")
    welcome = await sg.say(pia, f"start {code}")
    assert any("Välkommen till Trygg, Pia Lind." in t for t in welcome), welcome
    anna = await sg.bind("anna")
    shown = await sg.say(anna, "akut")  # without the slash
    assert ALERT_LABEL in sg.choices(anna), shown
    pressed = await sg.say(anna, sg.choices(anna)[ALERT_LABEL])
    assert any("Jag har larmat Pia Lind" in t for t in pressed), pressed
    alert = await sg.wait_text(pia, "BRÅDSKANDE")
    assert "Anna Berg" in alert
    assert sg.choices(pia)["Jag tar det"] == "1"
    taken = await sg.say(pia, "1")
    assert any("det är ditt" in t for t in taken), taken
    await sg.wait_text(anna, "Pia Lind har sett ditt larm")
    for params in sg.fake.calls("send"):  # the bot addresses ACIs, never numbers
        assert "+46701112233" not in (params["params"].get("recipient") or ())


@SQLITE_ONLY
async def test_a_new_person_sends_a_bare_code_and_gets_the_invited_role(
    sg: SignalHarness, sg_app: App
) -> None:
    code = await invite(sg_app, Role.PARTY_SECURITY, person="pia")
    pia = sg.fake.person(name="Pia")
    welcome = await sg.say(pia, code.lower())
    assert any("Välkommen till Trygg, Pia Lind." in t for t in welcome), welcome


class SignalWriter:
    """A Signal user as tests/reporting.py's writer: buttons pressed by typing numbers."""

    channel = "signal"

    def __init__(self, sg: SignalHarness, user: object) -> None:
        self.sg, self.app, self.user = sg, sg.app, user
        self.address = user.aci  # type: ignore[attr-defined]

    def _ids(self) -> list[str]:
        offered = self.sg.bot.transport.choices._offered.get(self.address)
        return [b.id for b in offered.buttons] if offered else []

    def button_ids(self) -> list[str]:
        return self._ids()

    async def say(self, text: str) -> str:
        return "\n".join(await self.sg.say(self.user, text))  # type: ignore[arg-type]

    async def press(self, button_id: str) -> str:
        number = self._ids().index(button_id) + 1
        return await self.say(str(number))

    async def attach(self, content: bytes, *, name: str, caption: str) -> str:
        sent = await self.sg.attach(self.user, content, "image/png", name, caption)  # type: ignore[arg-type]
        return "\n".join(sent)


@SQLITE_ONLY
async def test_a_report_with_a_photo_from_the_daemon_is_kept_as_evidence(
    sg: SignalHarness, sg_app: App
) -> None:
    anna = await sg.bind("anna")
    pia = await sg.bind("pia")
    script = Script(
        what=(WHAT, WHAT_MORE),
        answers={},
        evidence=[(EVIDENCE, EVIDENCE_NAME, EVIDENCE_CAPTION)],
    )
    sent = await write_report(SignalWriter(sg, anna), script)
    found = REF_RE.search(sent)
    assert found, sent
    assert sg.fake.calls("getAttachment")  # the bytes came from the daemon
    async with sg_app.db.unit_of_work() as session:
        rows = list(await session.scalars(select(Evidence)))
    assert len(rows) == 1
    [row] = rows
    kept = sg_app.keyring.open(row.content, table="evidence", column="content", row=row.id)
    assert kept == EVIDENCE  # the very bytes the person sent, sealed at rest
    # the contact gets the alert on Signal with the reference
    await sg.wait_text(pia, found.group(1))


@SQLITE_ONLY
async def test_a_number_with_no_such_choice_is_no_answer(sg: SignalHarness, sg_app: App) -> None:
    """Anna's "7" at "Vem gäller det?" (two choices) became "Också skrivet: 7" in the report
    staff read, and "9" at a question of five its answer."""
    anna = await sg.bind("anna")
    await sg.say(anna, "/rapportera")
    said = await sg.say(anna, "7")
    assert said[0] == "Det finns inget sådant val här.", said
    assert any("Vem gäller det?" in t for t in said[1:]), said  # the question again
    async with sg_app.db.unit_of_work() as session:
        draft = await session.scalar(select(Report))
        assert draft is not None
        answers = ReportRepo(session, sg_app.keyring).answers(draft)
        assert not [key for key in answers if not key.startswith("_")], answers


async def outbox_rows(app: App) -> list[OutboxMessage]:
    async with app.db.unit_of_work() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def alert_pia(sg: SignalHarness) -> None:
    anna = await sg.bind("anna")
    await sg.say(anna, "/akut")
    pressed = await sg.say(anna, sg.choices(anna)[ALERT_LABEL])
    assert any("Jag har larmat Pia Lind" in t for t in pressed), pressed


@SQLITE_ONLY
async def test_an_unregistered_contact_fails_for_good_and_the_escalation_goes_on(
    sg: SignalHarness, sg_app: App
) -> None:
    pia, per = await sg.bind("pia"), await sg.bind("per")
    sg.fake.fail_recipient(pia.aci, "UNREGISTERED_FAILURE")
    await alert_pia(sg)
    failed: list[OutboxMessage] = []
    for _ in range(500):
        failed[:] = [r for r in await outbox_rows(sg_app) if r.last_error == "unregistered"]
        if failed:
            break
        await asyncio.sleep(0.02)
    [to_pia] = failed
    assert to_pia.status is OutboxStatus.FAILED and to_pia.sent_at is None
    sg.bot.waker.poke()  # the escalation is due now (the waker's safety tick finds it too)
    escalated = await sg.wait_text(per, "BRÅDSKANDE")  # the next level, not after the wait
    assert "Anna Berg" in escalated
    assert len(sg.sends(pia)) == 1  # tried once, never again


@SQLITE_ONLY
async def test_a_rate_limit_waits_as_long_as_signal_says(
    sg: SignalHarness, sg_app: App, clock: FakeClock
) -> None:
    pia = await sg.bind("pia")
    sg.fake.fail_recipient(pia.aci, "RATE_LIMIT_FAILURE", retry_after=90, times=1)
    await alert_pia(sg)
    await eventually(lambda: sg.sends(pia), "a first try to Pia")
    rows: list[OutboxMessage] = []

    async def waiting() -> bool:
        rows[:] = [r for r in await outbox_rows(sg_app) if r.last_error == "rate limited"]
        return bool(rows) and rows[0].status is OutboxStatus.PENDING

    for _ in range(200):
        if await waiting():
            break
        await asyncio.sleep(0.02)
    [row] = rows
    assert row.due_at - clock() >= timedelta(seconds=89)  # as long as Signal said
    await asyncio.sleep(1.5)  # the outbox loop runs meanwhile: nothing goes before its time
    assert len(sg.sends(pia)) == 1
    clock.advance(seconds=91)
    await eventually(lambda: len(sg.sends(pia)) >= 2, "the alert to go again after the wait")
    assert "BRÅDSKANDE" in sg.texts(pia)[1]
    for _ in range(200):
        [row] = [r for r in await outbox_rows(sg_app) if r.id == row.id]
        if row.status is OutboxStatus.SENT:
            break
        await asyncio.sleep(0.02)
    assert row.status is OutboxStatus.SENT


@SQLITE_ONLY
async def test_several_files_in_one_message_are_one_event_each_in_order(
    sg: SignalHarness,
) -> None:
    anna = await sg.bind("anna")
    seen: list[InboundEvent] = []
    submit = sg.bot.dispatcher.submit

    def recorded(event: InboundEvent) -> asyncio.Future[Delivery | None]:
        seen.append(event)
        return submit(event)

    sg.bot.dispatcher.submit = recorded  # type: ignore[method-assign]
    files = []
    for n, content in enumerate((b"first-photo", b"second-photo")):
        att_id = f"att{n}.jpg"
        sg.fake.attachments[att_id] = content
        files.append({"contentType": "image/jpeg", "filename": None, "id": att_id,
                      "size": len(content), "width": None, "height": None, "caption": None,
                      "uploadTimestamp": sg.fake.timestamp()})  # fmt: skip
    handled = sg.bot.handled
    await sg.fake.push(sg.fake.envelope(anna, {"message": "två bilder", "attachments": files}))
    await eventually(lambda: sg.bot.handled > handled, "the message to be taken")
    assert [e.attachment.content for e in seen if e.attachment] == [
        b"first-photo",
        b"second-photo",
    ]
    assert [e.text for e in seen] == ["två bilder", ""]
    assert len({e.event_id for e in seen}) == 2
    await sg.bot.dispatcher.drain()


async def test_a_file_goes_as_a_data_uri_with_its_text_as_caption_and_failures_map() -> None:
    async with FakeSignal() as fake:
        rpc = SignalRpc(fake.address, timeout=5)
        await rpc.start()
        try:
            transport = SignalTransport(rpc)
            user = fake.person()
            file = FileRef("ev1", "photo", "bild.png", content=EVIDENCE)
            await transport.send(user.aci, [Reply("Här är bilden.", file=file)])
            [sent] = fake.calls("send")
            params = sent["params"]
            assert params["recipient"] == [user.aci] and params["message"] == "Här är bilden."
            [uri] = params["attachment"]
            head, _, data = uri.partition(";base64,")
            assert head == "data:image/png;filename=bild.png"
            assert base64.b64decode(data) == EVIDENCE
            cases = [
                ({"kind": "UNREGISTERED_FAILURE"}, True, 0),
                ({"kind": "IDENTITY_FAILURE"}, True, 0),
                ({"kind": "RATE_LIMIT_FAILURE", "retry_after": 42}, False, 42),
                ({"kind": "RATE_LIMIT_FAILURE", "token": "t", "retry_after": 7}, False, 7),
                ({"kind": "NETWORK_FAILURE"}, False, 0),
            ]
            for failure, permanent, wait in cases:
                fake.fail_recipient(user.aci, **failure)  # type: ignore[arg-type]
                with pytest.raises(DeliveryFailed) as caught:
                    await transport.send(user.aci, [Reply("Hej")])
                assert (caught.value.permanent, caught.value.retry_after) == (permanent, wait)
            fake.clear_failures()
            fake.silence("send")  # no answer in time: retried later, never hangs
            with pytest.raises(DeliveryFailed) as caught:
                await transport._send_one(user.aci, "Hej", [], within=0.2)
            assert not caught.value.permanent
        finally:
            await rpc.close()
        fake.assert_valid()


@SQLITE_ONLY
async def test_a_slow_download_holds_up_only_its_sender_who_stays_in_order(
    sg: SignalHarness,
) -> None:
    anna, pia = await sg.bind("anna"), await sg.bind("pia")
    seen: list[InboundEvent] = []
    submit = sg.bot.dispatcher.submit

    def recorded(event: InboundEvent) -> asyncio.Future[Delivery | None]:
        seen.append(event)
        return submit(event)

    sg.bot.dispatcher.submit = recorded  # type: ignore[method-assign]
    sg.fake.hold("getAttachment")
    await sg.fake.push_attachment(anna, EVIDENCE, "image/png", "bild.png")
    await sg.fake.held("getAttachment")
    await sg.fake.push_text(anna, "akut")  # after her file: it must wait for it
    answered = await sg.say(pia, "akut")  # someone else is not held up
    assert any("112" in t for t in answered), answered
    assert [e.address for e in seen] == [pia.aci]
    sg.fake.release("getAttachment")
    await eventually(lambda: len(seen) == 3, "Anna's file and text")
    assert [(e.address, e.kind) for e in seen[1:]] == [
        (anna.aci, EventKind.ATTACHMENT),
        (anna.aci, EventKind.COMMAND),
    ]
    await sg.bot.dispatcher.drain()
