"""Signal features end to end, against the fake daemon: /rensa with remoteDelete, numbered
choices that survive a restart, files from signal-cli's attachments directory, edits,
envelopes the bot ignores, and long texts. The fake checks every request (assert_valid()
after each test, in the fake_signal fixture)."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.transports import signal as signal_module
from bot.transports.signal import SignalTransport
from bot.transports.signal_choices import Offered
from bot.transports.signal_envelopes import parse_receive
from bot.transports.signal_files import safe_id
from bot.transports.signal_rpc import SignalRpc
from conversations.capabilities import Capabilities
from conversations.events import Attachment, Button, Delivery, EventKind, InboundEvent, Reply
from conversations.report.form import ReportStep
from storage.directory import DirectoryRepo
from storage.models import OfferedChoices, Report, SentMessage
from storage.reports import ReportRepo
from tests.fakesignal import FakeSignal, Person
from tests.fakesignal_push import push_other
from tests.reporting import Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.telegram_harness import eventually
from tests.test_signal_transport import ACI, ALERT_LABEL, SignalWriter
from tests.test_trust import EVIDENCE, REF_RE, SQLITE_ONLY, WHAT

MINUTE_MS = 60_000


def later(fake: FakeSignal, ms: int = MINUTE_MS) -> None:
    """Let the fake's Signal time move on (its timestamps stay unique and increasing)."""
    fake._last_ts += ms


def sent_to(fake: FakeSignal, user: Person) -> set[int]:
    return {ts for ts, to, _text in fake.sent if to == user.aci}


def gettext(app: App) -> Any:
    return app.catalogs.gettext(app.catalogs.default)


async def answers_of(app: App, handle: str) -> dict[str, Any]:
    async with app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_by_handle(handle)
        assert person is not None
        [row] = await session.scalars(select(Report).where(Report.reporter_id == person.id))
        return ReportRepo(session, app.keyring).answers(row)


# --------------------------------------------------------------------------- /rensa


@SQLITE_ONLY
async def test_rensa_deletes_exactly_the_bots_messages_of_the_report_and_says_what_to_do(
    sg: SignalHarness, sg_app: App
) -> None:
    anna, pia = await sg.bind("anna"), await sg.bind("pia")
    await sg.say(anna, "/hjalp")
    before = sent_to(sg.fake, anna)
    assert before
    later(sg.fake)
    sent = await write_report(SignalWriter(sg, anna), Script())
    found = REF_RE.search(sent)
    assert found, sent
    await sg.wait_text(pia, found.group(1))  # the alert to the contact went out meanwhile
    during = sent_to(sg.fake, anna) - before
    to_pia = sent_to(sg.fake, pia)
    assert len(during) > 5
    later(sg.fake)
    [answer] = await sg.say(anna, "rensa")  # without the slash, as on Signal
    deleted = sg.fake.deleted
    assert {to for to, _ts in deleted} == {anna.aci}
    assert sorted(ts for _to, ts in deleted) == sorted(during)  # each once, no more
    assert not {ts for _to, ts in deleted} & (before | to_pia)
    _ = gettext(sg_app)
    assert _("I cannot delete your own messages. Press and hold each one, then Delete.") in answer
    assert (
        _(
            "Tip: turn on disappearing messages for this chat. Tap the chat's name, then "
            "Disappearing messages."
        )
        in answer
    )
    await sg.bot.transport.close()  # what was sent is written
    async with sg_app.db.unit_of_work() as session:
        kept = set(await session.scalars(select(SentMessage.platform_id)))
    assert not kept & {str(ts) for ts in during}  # deleted ones are forgotten
    assert {str(ts) for ts in before} <= kept
    # a second /rensa finds nothing more of the report to delete
    later(sg.fake)
    await sg.say(anna, "/rensa")
    assert len(sg.fake.deleted) <= len(during) + 1  # at most the first /rensa's own answer
    count = len(sg.fake.deleted)
    await sg.bot.transport.clear(anna.aci, 5, sg.fake.timestamp())  # another platform's ids
    assert len(sg.fake.deleted) == count


@SQLITE_ONLY
async def test_rensa_after_signals_delete_window_deletes_nothing_and_says_how_to(
    sg: SignalHarness, sg_app: App, clock: Any
) -> None:
    anna = await sg.bind("anna")
    await sg.bind("pia")
    await write_report(SignalWriter(sg, anna), Script())
    clock.advance(hours=3)
    [answer] = await sg.say(anna, "/rensa")
    assert not sg.fake.deleted
    _ = gettext(sg_app)
    assert _("You can delete the messages yourself: press and hold one, then Delete.") in answer
    assert "Disappearing messages" in answer or "Försvinnande" in answer


async def test_old_sent_ids_are_pruned_when_new_ones_are_kept(sg_app: App, clock: Any) -> None:
    store = signal_module.transport_for(sg_app, SignalRpc("tcp://127.0.0.1:1")).store
    assert store is not None
    store.sent("a", [1767225600000], None)
    await store.flush()
    store._pruned_at = None  # as a new process would: prunes on its first write
    clock.advance(hours=4)
    store.sent("a", [1767225700000], None)
    await store.flush()
    async with sg_app.db.unit_of_work() as session:
        kept = list(await session.scalars(select(SentMessage.platform_id)))
    assert kept == ["1767225700000"]


async def test_an_offer_replaces_the_last_one_kept_for_an_address(sg_app: App) -> None:
    store = signal_module.transport_for(sg_app, SignalRpc("tcp://127.0.0.1:1")).store
    assert store is not None
    for token, labels in (("1", ("Ja", "Nej")), ("2", ("Skicka", "Ändra", "Avbryt"))):
        buttons = tuple(Button(f"b{n}", label) for n, label in enumerate(labels))
        store.sent("a", [], Offered(buttons, token))
        await store.flush()
    kept = await store.offered("a")
    assert kept is not None and kept.token == "2"
    assert [b.label for b in kept.buttons] == ["Skicka", "Ändra", "Avbryt"]
    assert await store.offered("b") is None


# --------------------------------------------------------------------------- choices


@SQLITE_ONLY
async def test_a_number_still_presses_the_right_button_after_a_restart(
    sg: SignalHarness, sg_app: App
) -> None:
    anna = await sg.bind("anna")
    await sg.bind("pia")
    await sg.say(anna, "akut")
    number = sg.choices(anna)[ALERT_LABEL]
    await sg.restart()  # a crash: the new bot's memory holds no choices
    async with sg_app.db.unit_of_work() as session:
        [row] = await session.scalars(select(OfferedChoices))
    assert row.channel == "signal" and row.address == anna.aci
    assert [label for _id, label in row.buttons][int(number) - 1] == ALERT_LABEL
    assert not sg.bot.transport.choices.known(anna.aci)
    pressed = await sg.say(anna, number)
    assert any("Jag har larmat Pia Lind" in t for t in pressed), pressed


# --------------------------------------------------------------------------- files


async def test_files_are_read_from_the_attachments_directory_and_traversal_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FakeSignal(data_dir=tmp_path) as fake:
        rpc = SignalRpc(fake.address, timeout=5)
        await rpc.start()
        try:
            folder = tmp_path / "attachments"
            transport = SignalTransport(rpc, attachments=folder)
            anna = fake.person()
            att = await fake.push_attachment(anna, EVIDENCE, "image/png", "bild.png")

            def incoming(att_id: str, size: int | None = None) -> Attachment:
                return Attachment("photo", att_id, size, "image/png", None)

            got = await transport.fetch(incoming(att["id"], att["size"]))
            assert got.content == EVIDENCE and not fake.calls("getAttachment")  # read there
            dash = "-" + att["id"][1:]  # base64url server ids may begin with "-"
            (folder / dash).write_bytes(EVIDENCE)
            assert safe_id(dash) and (await transport.fetch(incoming(dash))).content == EVIDENCE
            outside = tmp_path / "secret.txt"
            outside.write_bytes(b"not for the bot")
            for bad in ("../secret.txt", "..", ".hidden", "a/../../secret.txt", "/etc/passwd"):
                assert not safe_id(bad), bad
                assert (await transport.fetch(incoming(bad))).content is None
            assert not fake.calls("getAttachment")  # a refused id is not asked for either
            (folder / "link.png").symlink_to(outside)
            fake.attachments["link.png"] = b"from the daemon"
            assert (await transport.fetch(incoming("link.png"))).content == b"from the daemon"
            fake.attachments["gone.png"] = b"only at the daemon"  # the file is absent
            assert (await transport.fetch(incoming("gone.png"))).content == b"only at the daemon"
            assert len(fake.calls("getAttachment")) == 2
            monkeypatch.setattr(signal_module, "DOWNLOAD_LIMIT", 10)
            big = await transport.fetch(incoming(att["id"]))  # size not said: the file says
            assert big.content is None and big.size == len(EVIDENCE)
            unset = SignalTransport(rpc)  # no directory set: from the daemon
            assert (await unset.fetch(incoming(att["id"]))).size == len(EVIDENCE)
        finally:
            await rpc.close()
        fake.assert_valid()


@SQLITE_ONLY
async def test_a_file_over_the_limit_in_the_directory_gets_the_kind_answer(
    sg: SignalHarness, sg_app: App, tmp_path: Path
) -> None:
    anna = await sg.bind("anna")
    folder = tmp_path / "attachments"
    folder.mkdir()
    sg.bot.transport.attachments = folder
    limit = sg.bot.transport.capabilities.max_download_bytes
    assert limit is not None
    with open(folder / "huge.mp4", "wb") as file:
        file.truncate(limit + 1)  # sparse: no 20 MB written
    att = {"contentType": "video/mp4", "filename": None, "id": "huge.mp4", "size": None,
           "width": None, "height": None, "caption": None,
           "uploadTimestamp": sg.fake.timestamp()}  # fmt: skip
    seen, handled = len(sg.texts(anna)), sg.bot.handled
    await sg.fake.push(sg.fake.envelope(anna, {"message": None, "attachments": [att]}))
    await eventually(lambda: sg.bot.handled > handled and len(sg.texts(anna)) > seen, "the answer")
    _ = gettext(sg_app)
    too_large = _(
        "That file is larger than {limit} MB, the most I can receive. Keep the original, "
        "and send a smaller copy (e.g. a screenshot), or give it to your security contact "
        "another way."
    ).format(limit=limit // (1024 * 1024))
    assert too_large in sg.texts(anna)[seen]
    assert not sg.fake.calls("getAttachment")
    assert os.path.getsize(folder / "huge.mp4") == limit + 1


# --------------------------------------------------------------------------- edits


class StopAt(Exception):
    """The scripted writer reached the message to edit."""


class StoppingWriter(SignalWriter):
    def __init__(self, sg: SignalHarness, user: Person, at: str) -> None:
        super().__init__(sg, user)
        self.at = at

    async def say(self, text: str) -> str:
        said = await super().say(text)
        if text == self.at:
            raise StopAt(said)
        return said


@SQLITE_ONLY
async def test_an_edit_changes_the_answer_just_given_as_on_telegram(
    sg: SignalHarness, sg_app: App
) -> None:
    anna = await sg.bind("anna")
    await sg.bind("pia")
    seen: list[InboundEvent] = []
    submit = sg.bot.dispatcher.submit

    def recorded(event: InboundEvent) -> asyncio.Future[Delivery | None]:
        seen.append(event)
        return submit(event)

    sg.bot.dispatcher.submit = recorded  # type: ignore[method-assign]
    with pytest.raises(StopAt):
        await write_report(StoppingWriter(sg, anna, WHAT), Script(what=(WHAT,)))
    target = sg.last_ts
    changed = WHAT.replace("bränna ned", "sätta eld på")
    replies = await sg.edit(anna, target, changed)
    assert seen[-1].kind is EventKind.EDIT and seen[-1].ref == str(target)
    _ = gettext(sg_app)
    assert replies[0] == _("I updated your last message in the report.")
    answers = await answers_of(sg_app, "anna")
    assert answers[ReportStep.WHAT.value]["text"] == changed
    # an edit of an older message changes nothing and says so
    replies = await sg.edit(anna, target - 1, "något annat")
    assert replies[0].startswith("Du ändrade ett tidigare meddelande.")
    await sg.bot.dispatcher.drain()


def test_an_edit_envelope_reads_as_an_edit_of_its_target() -> None:
    data = {"timestamp": 1767225700000, "message": "rättat"}
    edit = {"targetSentTimestamp": 1767225600000, "dataMessage": data}
    envelope: dict[str, Any] = {"sourceUuid": ACI, "timestamp": 1767225700000, "editMessage": edit}
    incoming = parse_receive({"envelope": envelope, "account": "+46700000000"})
    assert incoming is not None
    assert (incoming.edit_of, incoming.text, incoming.timestamp) == (
        1767225600000,
        "rättat",
        1767225700000,
    )
    del edit["targetSentTimestamp"]
    assert parse_receive({"envelope": envelope}) is None


# --------------------------------------------------------------------------- ignored


@SQLITE_ONLY
async def test_receipts_typing_sync_and_reactions_are_ignored_safely_a_sticker_answered(
    sg: SignalHarness,
) -> None:
    anna = await sg.bind("anna")
    fake = sg.fake
    seen: list[InboundEvent] = []
    submit = sg.bot.dispatcher.submit

    def recorded(event: InboundEvent) -> asyncio.Future[Delivery | None]:
        seen.append(event)
        return submit(event)

    sg.bot.dispatcher.submit = recorded  # type: ignore[method-assign]
    await sg.say(anna, "/hjalp")
    [mine] = sorted(sent_to(fake, anna))[-1:]
    ts = fake.timestamp()
    others = [
        ("receiptMessage", {"when": ts, "isDelivery": True, "isRead": False,
                            "isViewed": False, "timestamps": [mine]}),
        ("typingMessage", {"action": "STARTED", "timestamp": ts}),
        ("syncMessage", {"sentMessage": {"destination": None, "destinationNumber": None,
                                         "destinationUuid": anna.aci, "timestamp": ts,
                                         "message": "akut"}}),
        ("syncMessage", {"readMessages": [{"sender": None, "senderUuid": anna.aci,
                                           "timestamp": mine}]}),
        ("callMessage", {"offerMessage": {"id": 1, "type": "AUDIO_CALL"}}),
        ("storyMessage", {"allowsReplies": True}),
    ]  # fmt: skip
    for key, body in others:
        await push_other(fake, anna, key, body)
    reaction = {"emoji": "👍", "targetAuthor": fake.account, "targetAuthorNumber": fake.account,
                "targetAuthorUuid": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
                "targetSentTimestamp": mine, "isRemove": False}  # fmt: skip
    await fake.push_text(anna, None, reaction=reaction)
    await fake.push_text(anna, None, sticker={"packId": "00ff", "stickerId": 3})
    await fake.push_text(anna, None, remoteDelete={"timestamp": mine - 1})
    await fake.push_text(anna, None, isExpirationUpdate=True, expiresInSeconds=3600)
    await fake.push(fake.envelope(anna, {"message": "akut"}), {"message": "x", "type": "t"})
    await fake.push(
        fake.envelope(anna, {"message": "akut", "groupInfo": {"groupId": "AAAA",
                                                               "type": "DELIVER"}})
    )  # fmt: skip
    answered = await sg.say(anna, "akut")  # the next real message is handled as ever
    assert any("112" in t for t in answered), answered
    # the sticker (sent on purpose) is answered as on Telegram: the bot can't use it
    kinds = [EventKind.COMMAND, EventKind.UNSUPPORTED, EventKind.COMMAND]
    assert [e.kind for e in seen] == kinds
    assert len(sg.texts(anna)) == len(sent_to(fake, anna))
    await sg.bot.dispatcher.drain()


# --------------------------------------------------------------------------- long texts


@SQLITE_ONLY
async def test_a_long_swedish_text_arrives_whole_and_long_answers_go_whole(
    sg: SignalHarness, sg_app: App
) -> None:
    anna = await sg.bind("anna")
    await sg.bind("pia")
    sentence = (
        "Han stod utanför kommunhuset på Storgatan och skrek åt mig att jag skulle akta mig. "
    )
    long_text = (sentence * 80)[:6000].strip()
    assert len(long_text.encode()) > 2000 * 3  # signal-cli folds it; the daemon merges it back
    await write_report(SignalWriter(sg, anna), Script(what=(long_text,)))
    answers = await answers_of(sg_app, "anna")
    assert answers[ReportStep.WHAT.value]["text"] == long_text
    before = len(sg.sends(anna))
    await sg.bot.transport.send(anna.aci, [Reply(long_text)])  # a long answer: one message
    assert [p["message"] for p in sg.sends(anna)[before:]] == [long_text]


@SQLITE_ONLY
async def test_rensa_in_another_channels_chat_clears_nothing_of_the_signal_report(
    sg: SignalHarness, sg_app: App
) -> None:
    anna = await sg.bind("anna")
    await sg.bind("pia")
    await write_report(SignalWriter(sg, anna), Script())
    sg_app.core.capabilities["other"] = Capabilities(delete_window=timedelta(hours=47))
    async with sg_app.db.unit_of_work() as session:
        repo = DirectoryRepo(session)
        person = await repo.person_by_handle("anna")
        assert person is not None
        await repo.bind("other", "x1", person)
    event = InboundEvent("other-1", "other", "x1", EventKind.COMMAND, command="rensa", ref="9" * 13)
    delivery = await sg_app.dispatcher(lambda _d: asyncio.sleep(0)).process(event)
    assert delivery is not None and delivery.clear_range is None
    _ = gettext(sg_app)
    assert [r.text for r in delivery.replies] == [
        _("There is no recent report conversation to clear here.")
    ]
