"""Envelopes the fake signal-cli daemon (tests/fakesignal.py) delivers besides plain messages:
an `editMessage`, and receipts, typing, sync, call and story messages (protocol.md §3)."""

from __future__ import annotations

from typing import Any

from tests.fakesignal import FakeSignal, Person


async def push_edit(fake: FakeSignal, sender: Person, target: int, text: str) -> int:
    """`sender` edits their message `target` to read `text`; the edit's timestamp."""
    envelope = fake.envelope(sender, {"message": text})
    data = envelope.pop("dataMessage")
    envelope["editMessage"] = {"targetSentTimestamp": target, "dataMessage": data}
    await fake.push(envelope)
    return int(envelope["timestamp"])


async def push_other(fake: FakeSignal, sender: Person, key: str, body: dict[str, Any]) -> None:
    """An envelope from `sender` with `key` (e.g. `receiptMessage`) and no `dataMessage`."""
    envelope = fake.envelope(sender, {})
    del envelope["dataMessage"]
    envelope[key] = body
    await fake.push(envelope)
