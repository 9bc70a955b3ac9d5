"""What flows receive (inbound events) and what they give back (replies)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


def words_of(text: str) -> list[str]:
    """A message's words as they are matched: casefolded, without punctuation around them."""
    return [w.strip(".,!?:;\"'()”“") for w in text.casefold().split()]


def phrase_of(text: str) -> str:
    """A whole message as one phrase to look up ("Skicka!" -> "skicka")."""
    return " ".join(words_of(text))


SUBJECT = "@"
"""Between a button's action and what it acts on, in its id: ``case:note@<report id>``."""


def about(action: str, subject: str) -> str:
    """Return the id of a button that names what it acts on: pressed on an older message,
    it still acts on that, not on whatever the person is at now."""
    return f"{action}{SUBJECT}{subject}"


def action_of(button_id: str) -> str:
    """Return what a button does, without what it acts on (``case:note``)."""
    return button_id.partition(SUBJECT)[0]


def subject_of(button_id: str) -> str:
    """Return what a button acts on ("" if it names nothing)."""
    return button_id.partition(SUBJECT)[2]


class EventKind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    ATTACHMENT = "attachment"
    EDIT = "edit"  # the person edited an earlier message; ``ref`` names it
    UNSUPPORTED = "unsupported"  # stickers, locations, polls ... things we cannot use


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the person sent; the transport fetches the bytes when a flow asks."""

    kind: str  # photo | document | voice | video | audio | video_note | forward
    file_ref: str
    size: int | None = None
    mime_type: str | None = None
    name: str | None = None
    forwarded: bool = False
    content: bytes | None = field(default=None, repr=False)  # fetched by the transport
    origin: str = ""  # a forwarded message: who first sent it, as the platform names them
    origin_at: datetime | None = None  # and when, where the platform tells
    album: str = ""  # several files sent as one message share it (each arrives on its own)


@dataclass(frozen=True, slots=True)
class InboundEvent:
    """One thing a person did, translated from a platform update by a transport."""

    event_id: str
    channel: str
    address: str
    kind: EventKind
    text: str = ""
    command: str = ""
    button: str = ""
    token: str = ""
    attachment: Attachment | None = None
    locale_hint: str | None = None
    ref: str = ""  # platform id of the message this event refers to (edits)
    sent_at: datetime | None = None  # when the person sent it, if the platform says
    phone: str | None = None  # the sender's phone number, if the platform vouches for one

    @property
    def action(self) -> str:
        """What the pressed button does, without what it acts on (see :func:`about`)."""
        return action_of(self.button)

    @property
    def subject(self) -> str:
        """What the pressed button acts on ("" if it names nothing)."""
        return subject_of(self.button)


@dataclass(frozen=True, slots=True)
class Button:
    """A choice: a stable id the flows match on, and a translated label people read."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file to send with a reply: which one, never its bytes (replies are kept with the
    conversation until sent). The bytes are fetched, access-checked, at send time: a kept
    piece of evidence by its id, or a file made then for the recipient (``made`` names the
    kind, e.g. a statistics chart, and ``spec`` what to make, e.g. its period)."""

    evidence_id: str
    kind: str  # photo | document | voice | ... as it was received
    name: str  # the file name to give it
    content: bytes | None = field(default=None, repr=False, compare=False)  # filled at send
    made: str = ""
    spec: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"evidence": self.evidence_id, "kind": self.kind, "name": self.name}
        if self.made:
            data["made"] = self.made
            data["spec"] = dict(self.spec)
        return data

    @classmethod
    def from_json(cls, data: Any) -> FileRef | None:
        if not isinstance(data, dict):
            return None
        kind, name = str(data.get("kind", "")), str(data.get("name", ""))
        if data.get("made"):
            spec = data.get("spec")
            spec = spec if isinstance(spec, dict) else {}
            pairs = tuple(sorted((str(k), str(v)) for k, v in spec.items()))
            return cls("", kind, name, made=str(data["made"]), spec=pairs)
        if not data.get("evidence"):
            return None
        return cls(str(data["evidence"]), kind, name)


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to show: text plus optional rows of buttons, tagged with their step token;
    with ``file``, the text is the file's caption; ``lead``: how many characters at its
    start answer what was just done ("Jag skrev: i går kl. 22.40."), said once.

    What someone coming back to the chat sees of it, when it is the last question: ``rest``,
    nothing is in progress under it (the welcome, the menu): a short greeting and the menu,
    not all of it again; ``anew``, the command (with its arguments) that shows it as things
    are now ("arenden 2": her cases, one taken or closed since)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    token: str = ""
    file: FileRef | None = None
    lead: int = 0
    rest: bool = False
    anew: str = ""

    @property
    def button_ids(self) -> list[str]:
        return [b.id for row in self.buttons for b in row]

    def asked_again(self) -> Reply:
        """Return the message without its lead, to show the open question once more."""
        return replace(self, text=self.text[self.lead :], lead=0) if self.lead else self

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "buttons": [[[b.id, b.label] for b in row] for row in self.buttons],
            "token": self.token,
        }
        if self.lead:
            data["lead"] = self.lead
        if self.file is not None:
            data["file"] = self.file.to_json()
        if self.rest:
            data["rest"] = True
        if self.anew:
            data["anew"] = self.anew
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        return cls(
            text=str(data.get("text", "")),
            buttons=tuple(
                tuple(Button(str(i), str(label)) for i, label in row)
                for row in data.get("buttons", [])
            ),
            token=str(data.get("token", "")),
            file=FileRef.from_json(data.get("file")),
            lead=int(data.get("lead") or 0),
            rest=bool(data.get("rest")),
            anew=str(data.get("anew") or ""),
        )


@dataclass(slots=True)
class Delivery:
    """Replies for the person who sent the event, after the unit of work committed."""

    channel: str
    address: str
    replies: list[Reply] = field(default_factory=list)
    locale: str = "sv"
    notices: int = 0  # messages queued for other people in the same commit
    clear_range: tuple[int, int] | None = None  # delete these message ids, if possible
    accepted: bool = True  # False when a pressed button was refused (old or forged)
    retry: bool = False  # nothing was applied (e.g. the database was away): try the same again
    menu: tuple[str, str] | None = None  # (role, locale): give this person their command menu
    person_id: int | None = None  # whose conversation keeps these replies until sent ...
    reply_no: int = 0  # ... under this number (0: not kept)
    resend: bool = False  # replies lost in a crash, sent again
    # an alert was taken in this unit of work: (its kind, seconds since it was raised), for
    # the operator's metrics (bot.metrics); counts only, nothing about who
    alert_taken: tuple[str, float] | None = None
