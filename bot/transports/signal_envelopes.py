"""Turn a signal-cli `receive` notification into a plain incoming message.

Both notification shapes are read (protocol.md §2): `{"envelope", "account"}` and, for
`subscribeReceive`, `{"subscription", "result": {"envelope", "account"}}`. People are keyed by
their ACI (`sourceUuid`), never the number (`sourceNumber`, when the sender shares it, is
only carried along: a new person's number to call). Only a `dataMessage` (text,
attachments, quote) is a message for the bot, and an `editMessage` (the person changed an
earlier one: its `targetSentTimestamp` names it); receipts, typing, sync, calls,
reactions, remote deletes and decrypt failures are not. A sticker or a shared contact is
answered: the bot can't use it. A long text arrives whole: signal-cli merges its
long-text attachment back into `message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Attachment:
    """An incoming file as the daemon describes it; fetch the bytes with `getAttachment`."""

    id: str
    content_type: str | None
    filename: str | None
    size: int | None


@dataclass(frozen=True)
class Incoming:
    """A message to the bot: who (ACI), when (ms, its Signal id), text, files, quoted id."""

    source_aci: str
    timestamp: int
    text: str | None
    attachments: tuple[Attachment, ...] = ()
    quote_timestamp: int | None = None
    group_id: str | None = None
    account: str | None = None
    edit_of: int | None = None  # an edit: the timestamp of the message it changes
    unsupported: bool = False  # something the bot cannot use (a sticker, a shared contact)
    source_number: str | None = None  # the sender's phone number, if Signal gives it


# What a person may send on purpose that the bot cannot use: they are told so, kindly (as on
# Telegram), rather than met with silence.
UNUSABLE = ("sticker", "contacts", "pollCreate", "payment")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def envelope_of(params: Any) -> tuple[dict[str, Any], str | None] | None:
    """The envelope and account of a `receive` notification's params, in either shape."""
    if not isinstance(params, dict):
        return None
    inner = params.get("result") if "subscription" in params else params
    if not isinstance(inner, dict) or "exception" in inner:
        return None
    envelope = inner.get("envelope")
    if not isinstance(envelope, dict):
        return None
    return envelope, _str(inner.get("account"))


def parse_receive(params: Any) -> Incoming | None:
    """The message in a `receive` notification, or None if it holds none for the bot."""
    found = envelope_of(params)
    if found is None:
        return None
    envelope, account = found
    aci, data = _str(envelope.get("sourceUuid")), envelope.get("dataMessage")
    edit_of = None
    edit = envelope.get("editMessage")
    if data is None and isinstance(edit, dict):
        data, edit_of = edit.get("dataMessage"), _int(edit.get("targetSentTimestamp"))
        if edit_of is None:
            return None
    if aci is None or not isinstance(data, dict):
        return None
    timestamp = _int(data.get("timestamp")) or _int(envelope.get("timestamp"))
    if timestamp is None:
        return None
    attachments = tuple(
        Attachment(
            a["id"], _str(a.get("contentType")), _str(a.get("filename")), _int(a.get("size"))
        )
        for a in data.get("attachments") or ()
        if isinstance(a, dict) and isinstance(a.get("id"), str)
    )
    quote = data.get("quote")
    group = data.get("groupInfo")
    text = _str(data.get("message"))
    unsupported = text is None and not attachments and any(data.get(k) for k in UNUSABLE)
    if text is None and not attachments and not unsupported:
        return None  # reactions, deletes, expiry updates, receipts: nothing to answer
    return Incoming(
        source_aci=aci,
        timestamp=timestamp,
        text=text,
        attachments=attachments,
        quote_timestamp=_int(quote.get("id")) if isinstance(quote, dict) else None,
        group_id=_str(group.get("groupId")) if isinstance(group, dict) else None,
        account=account,
        edit_of=edit_of,
        unsupported=unsupported,
        source_number=_str(envelope.get("sourceNumber")),
    )


@dataclass(frozen=True)
class Untrusted:
    """A message the daemon could not accept: its sender's identity (safety number) changed."""

    source_aci: str
    timestamp: int
    account: str | None = None


def untrusted_of(params: Any) -> Untrusted | None:
    """The sender of a `receive` notification whose `exception` is an untrusted identity."""
    if not isinstance(params, dict):
        return None
    inner = params.get("result") if "subscription" in params else params
    if not isinstance(inner, dict):
        return None
    exception, envelope = inner.get("exception"), inner.get("envelope")
    if not isinstance(exception, dict) or not isinstance(envelope, dict):
        return None
    if "untrustedidentity" not in str(exception.get("type") or "").lower():
        return None
    aci, timestamp = _str(envelope.get("sourceUuid")), _int(envelope.get("timestamp"))
    if aci is None or timestamp is None:
        return None
    return Untrusted(aci, timestamp, _str(inner.get("account")))
