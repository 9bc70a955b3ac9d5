"""The fake signal-cli daemon answers raw JSON-RPC lines the way the reference says."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakesignal import FakeSignal

WAIT = 10.0


class Raw:
    """A bare line-by-line socket client."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def send(self, obj: Any) -> None:
        line = obj if isinstance(obj, str) else json.dumps(obj)
        self.writer.write(line.encode() + b"\n")
        await self.writer.drain()

    async def read(self) -> Any:
        line = await asyncio.wait_for(self.reader.readline(), WAIT)
        assert line.endswith(b"\n")
        return json.loads(line)

    async def call(self, method: str, params: Any = None, rid: Any = "1") -> Any:
        req: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": rid}
        if params is not None:
            req["params"] = params
        await self.send(req)
        return await self.read()


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeSignal]:
    async with FakeSignal(data_dir=tmp_path) as f:
        yield f


@pytest.fixture
async def raw(fake: FakeSignal) -> AsyncIterator[Raw]:
    reader, writer = await asyncio.open_connection(fake.host, fake.port)
    yield Raw(reader, writer)
    writer.close()


def code(reply: dict[str, Any]) -> int:
    assert reply["error"]["data"] is None or "response" in reply["error"]["data"]
    return int(reply["error"]["code"])


async def test_send_answers_timestamp_and_results(fake: FakeSignal, raw: Raw) -> None:
    anna = fake.person(number="+46701111111")
    reply = await raw.call("send", {"recipient": [anna.aci], "message": "Hej"}, rid=7)
    assert reply["id"] == 7 and reply["jsonrpc"] == "2.0"
    result = reply["result"]
    assert 10**12 <= result["timestamp"] < 10**13
    assert result["results"] == [
        {
            "recipientAddress": {"uuid": anna.aci, "number": "+46701111111", "username": None},
            "type": "SUCCESS",
        }
    ]
    again = await raw.call("send", {"recipients": anna.aci, "message": "igen"})
    assert again["result"]["timestamp"] > result["timestamp"]
    fake.assert_valid()


async def test_bad_lines_and_requests_get_the_reference_codes(fake: FakeSignal, raw: Raw) -> None:
    await raw.send("{not json")
    reply = await raw.read()
    assert code(reply) == -32700 and reply["id"] is None
    await raw.send({"jsonrpc": "1.0", "method": "send", "id": "a"})
    assert code(await raw.read()) == -32600
    assert code(await raw.call("sendMessage", {"recipient": "x"})) == -32601
    await raw.send([])
    assert code(await raw.read()) == -32600
    assert len(fake.violations) == 4


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"message": "no recipient"}, -1),
        ({"recipient": "+46701111111"}, -1),  # no content
        ({"recipient": 46701111111, "message": "x"}, -32600),
        ({"recipient": ["+46701111111"], "message": 5}, -32600),
        ({"recipient": "+46701111111", "message": "x", "quoteTimestamp": 1767225600}, -32600),
        ({"recipient": "+46701111111", "message": "x", "quoteTimestamp": 1767225600000}, -1),
        ({"recipient": "+46701111111", "message": "x", "editTimestamp": "1767225600000"}, -32600),
        ({"recipient": "+46701111111", "attachment": "/no/such/file"}, -32603),
        ({"recipient": "+46701111111", "message": "x", "textStyle": "0:1:LOUD"}, -32600),
        ({"groupId": "not base64!", "message": "x"}, -32600),
        ({"recipient": "+46701111111", "message": "x", "viewOnce": "yes"}, -32600),
    ],
)
async def test_send_rejects_what_the_daemon_rejects(
    fake: FakeSignal, raw: Raw, params: dict[str, Any], expected: int
) -> None:
    assert code(await raw.call("send", params)) == expected
    assert fake.violations


async def test_unknown_params_are_ignored_but_noted(fake: FakeSignal, raw: Raw) -> None:
    reply = await raw.call("send", {"recipient": "+46701111111", "text": "x", "message": "y"})
    assert reply["result"]["results"][0]["type"] == "SUCCESS"
    assert fake.violations == ["send: unknown param 'text' (ignored by daemon)"]
    with pytest.raises(AssertionError):
        fake.assert_valid()


async def test_data_uri_attachment_and_quote_are_accepted(fake: FakeSignal, raw: Raw) -> None:
    uri = "data:image/png;filename=a.png;base64," + base64.b64encode(b"png").decode()
    params = {"recipient": "+46701111111", "attachments": [uri], "quoteTimestamp": 1767225600000,
              "quoteAuthor": "+46702222222", "mention": "0:1:+46702222222"}  # fmt: skip
    assert "result" in await raw.call("send", params)
    fake.assert_valid()


async def test_no_id_no_answer_and_batches_answer_as_array(fake: FakeSignal, raw: Raw) -> None:
    await raw.send({"jsonrpc": "2.0", "method": "version"})
    await raw.send(
        [
            {"jsonrpc": "2.0", "method": "version", "id": 1},
            {"jsonrpc": "2.0", "method": "nope", "id": 2},
            {"jsonrpc": "2.0", "method": "version"},
        ]
    )
    batch = await raw.read()
    assert isinstance(batch, list) and sorted(r["id"] for r in batch) == [1, 2]
    assert {r["id"]: "error" in r for r in batch} == {1: False, 2: True}


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["IDENTITY_FAILURE"], -4),
        (["RATE_LIMIT_FAILURE"], -5),
        (["UNREGISTERED_FAILURE"], -1),
        (["RATE_LIMIT_FAILURE", "IDENTITY_FAILURE"], -1),
    ],
)
async def test_no_success_at_all_is_an_error_with_the_response(
    fake: FakeSignal, raw: Raw, kinds: list[str], expected: int
) -> None:
    people = [fake.person() for _ in kinds]
    for p, kind in zip(people, kinds, strict=True):
        fake.fail_recipient(p.aci, kind, retry_after=30 if kind == "RATE_LIMIT_FAILURE" else None)
    reply = await raw.call("send", {"recipient": [p.aci for p in people], "message": "x"})
    assert code(reply) == expected
    results = reply["error"]["data"]["response"]["results"]
    assert [r["type"] for r in results] == kinds


async def test_partial_failure_is_a_result(fake: FakeSignal, raw: Raw) -> None:
    ok, limited = fake.person(), fake.person()
    fake.fail_recipient(limited.aci, "RATE_LIMIT_FAILURE", retry_after=60, token="tok", times=1)
    reply = await raw.call("send", {"recipient": [ok.aci, limited.aci], "message": "x"})
    second = reply["result"]["results"][1]
    assert second["type"] == "RATE_LIMIT_FAILURE"
    assert second["retryAfterSeconds"] == 60 and second["token"] == "tok"
    reply = await raw.call("send", {"recipient": limited.aci, "message": "x"})
    assert reply["result"]["results"][0]["type"] == "SUCCESS"  # `times=1` used up


async def test_messages_wait_for_a_connection_then_arrive(fake: FakeSignal, tmp_path: Path) -> None:
    anna = fake.person(number="+46701111111", name="Anna")
    await fake.push_text(anna, "akut")
    att = await fake.push_attachment(anna, b"%PDF-1.4", "application/pdf", "hot.pdf")
    assert (tmp_path / "attachments" / att["id"]).read_bytes() == b"%PDF-1.4"
    reader, writer = await asyncio.open_connection(fake.host, fake.port)
    raw = Raw(reader, writer)
    first, second = await raw.read(), await raw.read()
    assert "id" not in first and first["method"] == "receive"
    env = first["params"]["envelope"]
    assert first["params"]["account"] == fake.account
    assert env["sourceUuid"] == anna.aci and env["dataMessage"]["message"] == "akut"
    assert 10**12 <= env["timestamp"] < 10**13
    assert second["params"]["envelope"]["dataMessage"]["attachments"][0]["id"] == att["id"]
    reply = await raw.call("getAttachment", {"id": att["id"]})
    assert base64.b64decode(reply["result"]["data"]) == b"%PDF-1.4"
    assert code(await raw.call("getAttachment", {"id": "missing.jpg"})) == -1
    writer.close()


async def test_held_replies_come_out_of_order(fake: FakeSignal, raw: Raw) -> None:
    fake.hold("send")
    await raw.send({"jsonrpc": "2.0", "method": "send", "id": "slow",
                    "params": {"recipient": "+46701111111", "message": "x"}})  # fmt: skip
    await fake.held("send")
    fake.release("send")
    await raw.send({"jsonrpc": "2.0", "method": "version", "id": "fast"})
    ids = {(await raw.read())["id"], (await raw.read())["id"]}
    assert ids == {"slow", "fast"}


async def test_fail_next_and_drop(fake: FakeSignal, raw: Raw) -> None:
    fake.fail_next("getUserStatus", -3, "I/O")
    assert code(await raw.call("getUserStatus", {"recipient": "+46701111111"})) == -3
    await fake.drop()
    assert await asyncio.wait_for(raw.reader.read(), WAIT) == b""
