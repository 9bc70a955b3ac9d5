"""The signal-cli JSON-RPC client against the fake daemon: ids, timeouts, reconnects, failures."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.transports.signal_envelopes import Incoming, parse_receive
from bot.transports.signal_errors import (
    AllRateLimited,
    CaptchaRejected,
    DaemonIOError,
    Disconnected,
    IdentityChanged,
    InternalError,
    InvalidPreKey,
    NetworkFailure,
    ProofRequired,
    ProtocolError,
    RateLimited,
    RpcTimeout,
    SignalRpcError,
    Unregistered,
    UntrustedIdentities,
    UserError,
)
from bot.transports.signal_rpc import Backoff, SignalRpc
from tests.fakesignal import FakeSignal

WAIT = 10.0
FAST = Backoff(first=0.01, factor=2.0, cap=0.05, jitter=0.2)


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeSignal]:
    async with FakeSignal(data_dir=tmp_path) as f:
        yield f
        f.assert_valid()


@pytest.fixture
async def rpc(fake: FakeSignal) -> AsyncIterator[SignalRpc]:
    async with SignalRpc(fake.address, timeout=WAIT, backoff=FAST) as client:
        await asyncio.wait_for(client.connected.wait(), WAIT)
        yield client


async def next_message(rpc: SignalRpc) -> Incoming:
    note = await asyncio.wait_for(rpc.next_notification(), WAIT)
    assert note["method"] == "receive"
    incoming = parse_receive(note["params"])
    assert incoming is not None
    return incoming


async def test_send_returns_the_outcome(fake: FakeSignal, rpc: SignalRpc) -> None:
    anna = fake.person(number="+46701111111")
    outcome = await rpc.send([anna.aci], "Hej")
    assert outcome.timestamp is not None and 10**12 <= outcome.timestamp < 10**13
    assert [(r.aci, r.ok) for r in outcome.results] == [(anna.aci, True)]
    assert outcome.failures() == []
    (req,) = fake.calls("send")
    assert req["params"] == {"recipient": [anna.aci], "message": "Hej"}
    assert isinstance(req["id"], str)


async def test_replies_out_of_order_reach_their_callers(fake: FakeSignal, rpc: SignalRpc) -> None:
    fake.hold("send")
    slow = asyncio.create_task(rpc.send([fake.person().aci], "först"))
    await fake.held("send")
    assert await rpc.call("version") == {"version": "0.14.7-SNAPSHOT"}
    assert not slow.done()
    fake.release("send")
    outcome = await asyncio.wait_for(slow, WAIT)
    assert outcome.results[0].ok
    ids = [r["id"] for r in fake.requests]
    assert len(set(ids)) == len(ids)


async def test_a_silent_request_times_out(fake: FakeSignal, rpc: SignalRpc) -> None:
    fake.silence("send")
    with pytest.raises(RpcTimeout):
        await rpc.send([fake.person().aci], "x", reply_within=0.2)
    assert await rpc.call("version") == {"version": "0.14.7-SNAPSHOT"}  # still usable


async def test_a_request_while_the_daemon_is_away_times_out(fake: FakeSignal) -> None:
    await fake.stop()
    async with SignalRpc(fake.address, backoff=FAST) as rpc:
        with pytest.raises(RpcTimeout):
            await rpc.call("version", reply_within=0.2)
    await fake.restart()


async def test_a_drop_fails_waiting_requests(fake: FakeSignal, rpc: SignalRpc) -> None:
    fake.hold("send")
    waiting = asyncio.create_task(rpc.send([fake.person().aci], "x"))
    await fake.held("send")
    await fake.drop()
    with pytest.raises(Disconnected):
        await asyncio.wait_for(waiting, WAIT)
    fake.release("send")


async def test_reconnects_and_gets_what_came_meanwhile(fake: FakeSignal, rpc: SignalRpc) -> None:
    anna = fake.person()
    await fake.push_text(anna, "före")
    assert (await next_message(rpc)).text == "före"
    await fake.stop()
    await fake.push_text(anna, "under avbrottet")  # waits on the server (on-connection)
    await fake.restart()
    got = await next_message(rpc)
    assert (got.source_aci, got.text) == (anna.aci, "under avbrottet")
    assert rpc.connects == 2 and fake.accepted == 2
    assert (await rpc.send([anna.aci], "tillbaka")).results[0].ok


async def test_unix_socket(tmp_path: Path) -> None:
    with tempfile.TemporaryDirectory() as short:  # socket paths have a length limit
        fake = await FakeSignal().start(socket_path=Path(short) / "s")
        try:
            async with SignalRpc(fake.address, backoff=FAST) as rpc:
                assert await rpc.call("version", reply_within=WAIT)
        finally:
            await fake.stop()


async def test_attachment_arrives_and_is_fetched(fake: FakeSignal, rpc: SignalRpc) -> None:
    anna = fake.person()
    att = await fake.push_attachment(anna, b"\xff\xd8jpeg", "image/jpeg", text="bild")
    got = await next_message(rpc)
    assert got.text == "bild" and len(got.attachments) == 1
    (a,) = got.attachments
    assert (a.id, a.content_type, a.size) == (att["id"], "image/jpeg", 6)
    assert await rpc.get_attachment(a.id) == b"\xff\xd8jpeg"
    with pytest.raises(UserError):
        await rpc.get_attachment("gone.jpg")


async def test_every_recipient_failure_is_typed(fake: FakeSignal, rpc: SignalRpc) -> None:
    ok = fake.person()
    kinds = {
        "RATE_LIMIT_FAILURE": RateLimited,
        "UNREGISTERED_FAILURE": Unregistered,
        "IDENTITY_FAILURE": IdentityChanged,
        "NETWORK_FAILURE": NetworkFailure,
        "INVALID_PRE_KEY_FAILURE": InvalidPreKey,
    }
    people = {kind: fake.person() for kind in kinds}
    for kind, p in people.items():
        fake.fail_recipient(p.aci, kind, retry_after=42 if kind == "RATE_LIMIT_FAILURE" else None)
    captcha = fake.person()
    fake.fail_recipient(captcha.aci, "RATE_LIMIT_FAILURE", retry_after=5, token="t0k")
    recipients = [ok.aci, *(p.aci for p in people.values()), captcha.aci]
    outcome = await rpc.send(recipients, "larm")
    failures = {f.result.aci: f for f in outcome.failures()}
    assert ok.aci not in failures
    for kind, p in people.items():
        assert type(failures[p.aci]) is kinds[kind]
    limited = failures[people["RATE_LIMIT_FAILURE"].aci]
    assert isinstance(limited, RateLimited) and limited.retry_after == 42
    proof = failures[captcha.aci]
    assert isinstance(proof, ProofRequired) and proof.result.token == "t0k"


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("IDENTITY_FAILURE", UntrustedIdentities),
        ("RATE_LIMIT_FAILURE", AllRateLimited),
        ("UNREGISTERED_FAILURE", UserError),
    ],
)
async def test_no_one_reached_raises_with_the_outcome(
    fake: FakeSignal, rpc: SignalRpc, kind: str, error: type[SignalRpcError]
) -> None:
    p = fake.person()
    fake.fail_recipient(p.aci, kind, retry_after=9)
    with pytest.raises(error) as caught:
        await rpc.send([p.aci], "x")
    assert caught.value.outcome is not None
    (failure,) = caught.value.outcome.failures()
    assert failure.result.aci == p.aci and failure.result.type == kind


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (-32700, ProtocolError),
        (-32600, ProtocolError),
        (-32601, ProtocolError),
        (-32602, ProtocolError),
        (-32603, InternalError),
        (-1, UserError),
        (-3, DaemonIOError),
        (-4, UntrustedIdentities),
        (-5, AllRateLimited),
        (-6, CaptchaRejected),
        (-99, SignalRpcError),
    ],
)
async def test_error_codes_are_typed(
    fake: FakeSignal, rpc: SignalRpc, code: int, error: type[SignalRpcError]
) -> None:
    fake.fail_next("submitRateLimitChallenge", code, "Nope")
    with pytest.raises(error) as caught:
        await rpc.call(
            "submitRateLimitChallenge", {"challenge": "c", "captcha": "signalcaptcha://x"}
        )
    assert type(caught.value) is error and caught.value.code == code


async def test_unknown_method_is_a_protocol_error(fake: FakeSignal, rpc: SignalRpc) -> None:
    with pytest.raises(ProtocolError):
        await rpc.call("sendMessage", {"recipient": ["x"]})
    fake.violations.clear()


async def test_account_is_sent_when_configured(fake: FakeSignal) -> None:
    async with SignalRpc(fake.address, backoff=FAST, account=fake.account) as rpc:
        await rpc.call("version", reply_within=WAIT)
    (req,) = fake.calls("version")
    assert req["params"] == {"account": fake.account}
    fake.violations.clear()  # single-account daemon: `account` is an unknown key there


def test_backoff_grows_is_capped_and_jittered() -> None:
    b = Backoff(first=1.0, factor=2.0, cap=30.0, jitter=0.2)
    assert all(0.8 <= b.delay(0) <= 1.2 for _ in range(50))
    assert all(b.delay(n) <= 30.0 for n in range(200))
    assert len({b.delay(3) for _ in range(20)}) > 1
    assert b.delay(1000) <= 30.0


def test_invalid_address_is_refused() -> None:
    with pytest.raises(ValueError):
        SignalRpc("127.0.0.1:7583")


def test_receive_shapes() -> None:
    env = {"sourceUuid": "a-c-i", "sourceNumber": None, "timestamp": 1767225600000,
           "dataMessage": {"timestamp": 1767225600000, "message": "hej",
                           "quote": {"id": 1767225500000}}}  # fmt: skip
    auto = parse_receive({"envelope": env, "account": "+46700000000"})
    manual = parse_receive({"subscription": 0, "result": {"envelope": env, "account": "+4670"}})
    assert auto is not None and manual is not None
    assert (auto.source_aci, auto.text, auto.quote_timestamp) == ("a-c-i", "hej", 1767225500000)
    assert manual.text == "hej"
    receipt = {"sourceUuid": "a", "timestamp": 1, "receiptMessage": {"isRead": True}}
    assert parse_receive({"envelope": receipt}) is None
    assert parse_receive({"envelope": env, "exception": {"message": "m", "type": "T"}}) is None
    reaction = env | {"dataMessage": {"timestamp": 1767225600000, "message": None}}
    assert parse_receive({"envelope": reaction}) is None


async def test_logs_hold_no_text_numbers_or_acis(
    fake: FakeSignal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    anna = fake.person(number="+46709999999", name="Anna")
    fake.silence("getUserStatus")
    async with SignalRpc(fake.address, backoff=FAST, timeout=WAIT) as rpc:
        fake.fail_recipient(anna.aci, "IDENTITY_FAILURE")
        with pytest.raises(UntrustedIdentities):
            await rpc.send([anna.aci], "hemlig text")
        with pytest.raises(RpcTimeout):
            await rpc.call("getUserStatus", {"recipient": anna.number}, reply_within=0.1)
        await fake.push_text(anna, "hemligt svar")
        await asyncio.wait_for(rpc.next_notification(), WAIT)
        await fake.drop()
        await fake.push_text(anna, "igen")
        await asyncio.wait_for(rpc.next_notification(), WAIT)
    assert caplog.records
    for secret in ("hemlig", "+46709999999", "709999999", anna.aci, "Anna"):
        assert secret not in caplog.text


async def test_undecryptable_message_is_no_message(fake: FakeSignal, rpc: SignalRpc) -> None:
    anna = fake.person()
    env = fake.envelope(anna, {"message": None})
    await fake.push(env, exception={"message": "untrusted", "type": "UntrustedIdentityException"})
    note = await asyncio.wait_for(rpc.next_notification(), WAIT)
    assert "exception" in note["params"] and parse_receive(note["params"]) is None


async def test_a_closed_client_refuses_at_once(fake: FakeSignal) -> None:
    rpc = SignalRpc(fake.address, backoff=FAST)
    await rpc.start()
    await rpc.close()
    with pytest.raises(Disconnected):
        await rpc.call("version", reply_within=WAIT)
