"""An invitation code is read however it is typed, on every channel: lower case, with
spaces, without dashes, alone or after ``start``/``/start``. A wrong code typed any of
those ways gets the kind 'not valid' answer, never the plain menu."""

from __future__ import annotations

import io

import pytest

from bot.app import App
from bot.transports.console import ConsoleTransport
from bot.transports.signal_choices import Choices
from bot.transports.signal_envelopes import Incoming
from bot.transports.signal_inbound import event_for as signal_event
from bot.transports.telegram_updates import event_for as telegram_event
from conversations.events import EventKind
from conversations.invite_code import invite_code
from storage.models import Role
from tests.conftest import Chat
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_invites import NOT_VALID_SV, role_of
from tests.test_trust import SQLITE_ONLY, invite

FORMS = [
    "4W26-RQ9A-GDTQ",
    "4w26-rq9a-gdtq",
    "4w26 rq9a gdtq",
    "4W26RQ9AGDTQ",
    "start 4w26 rq9a gdtq",
    "Start 4W26RQ9AGDTQ",
    "/start 4w26 rq9a gdtq",
    "/start 4W26-RQ9A-GDTQ",
]
NOT_CODES = ["trakasserade", "anna berg karl", "Start of it was at the station", "akut", "1"]


def typed_ways(code: str) -> list[str]:
    """A real code typed the ways people type it."""
    bare = code.replace("-", "")
    spaced = code.replace("-", " ").lower()
    return [f"start {spaced}", bare, spaced, f"/start {bare.lower()}", code.lower()]


def test_one_reading_of_a_code_in_every_form() -> None:
    for typed in FORMS:
        assert invite_code(typed) == "4W26-RQ9A-GDTQ", typed
    for typed in NOT_CODES:
        assert invite_code(typed) is None, typed


@pytest.mark.parametrize("typed", FORMS)
def test_every_channel_reads_a_typed_code_as_start(typed: str) -> None:
    signal = signal_event(Incoming("aci", 1767225600000, typed), Choices(), {"start", "akut"})
    telegram = telegram_event(
        {
            "update_id": 7,
            "message": {
                "message_id": 3,
                "date": 1767225600,
                "chat": {"id": 42, "type": "private"},
                "from": {"id": 42},
                "text": typed,
            },
        }
    )
    console = ConsoleTransport("ny", io.StringIO()).event_for(typed)
    for event in (signal, telegram, console):
        assert event is not None
        assert (event.kind, event.command, event.text) == (
            EventKind.COMMAND,
            "start",
            "4W26-RQ9A-GDTQ",
        ), (event.channel, typed)


@pytest.mark.parametrize("typed", NOT_CODES[:3])
def test_words_stay_words_on_every_channel(typed: str) -> None:
    signal = signal_event(Incoming("aci", 1767225600000, typed), Choices(), {"start", "akut"})
    console = ConsoleTransport("ny", io.StringIO()).event_for(typed)
    assert signal.kind is EventKind.TEXT and console.kind is EventKind.TEXT


@SQLITE_ONLY
async def test_a_code_typed_in_lower_case_with_spaces_is_accepted_on_signal(
    sg: SignalHarness, sg_app: App
) -> None:
    code = await invite(sg_app, Role.OFFICIAL, person="anna")
    anna = await sg.bind("anna")
    welcome = await sg.say(anna, "start " + code.replace("-", " ").lower())
    assert any("Din inbjudan är godkänd" in t for t in welcome), welcome


@SQLITE_ONLY
async def test_a_code_without_dashes_is_accepted_on_signal(sg: SignalHarness, sg_app: App) -> None:
    code = await invite(sg_app, Role.OFFICIAL, person="anna")
    anna = await sg.bind("anna")
    welcome = await sg.say(anna, code.replace("-", ""))
    assert any("Din inbjudan är godkänd" in t for t in welcome), welcome
    assert await role_of(sg_app, "anna") is Role.OFFICIAL


@SQLITE_ONLY
async def test_a_wrong_code_in_any_form_gets_the_kind_answer_on_signal(
    sg: SignalHarness, sg_app: App
) -> None:
    user = sg.fake.person(number="+46701740699", name="Ny")
    for typed in typed_ways("EMWX-C2AM-QPKU"):
        answer = await sg.say(user, typed)
        assert any(NOT_VALID_SV in t for t in answer), (typed, answer)


async def test_a_code_typed_any_way_in_the_console_is_accepted(demo_app: App) -> None:
    for handle, way in zip(("gerd", "greta", "gustav"), (0, 1, 2), strict=True):
        code = await invite(demo_app, Role.OFFICIAL, issuer="sara")
        typed = typed_ways(code)[way]
        event = ConsoleTransport(handle, io.StringIO()).event_for(typed)
        assert "Din inbjudan är godkänd" in Chat.text(await Chat(demo_app, handle).send(event))


LETTERS_ONLY = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # one code in thirty or so has no digit


@SQLITE_ONLY
async def test_a_code_of_letters_alone_typed_in_lower_case_is_accepted_from_a_stranger(
    sg: SignalHarness, sg_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.invites.CODE_ALPHABET", LETTERS_ONLY)
    code = await invite(sg_app, Role.OFFICIAL)
    assert not any(c.isdigit() for c in code)
    lisa = sg.fake.person(number=None, name="lisa")
    welcome = await sg.say(lisa, code.replace("-", " ").lower())
    assert any("Din inbjudan är godkänd" in t for t in welcome), welcome
    assert any("Vilket språk vill du ha?" in t for t in welcome), welcome


async def test_a_code_of_letters_alone_in_the_console_and_words_of_a_registered_person(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.invites.CODE_ALPHABET", LETTERS_ONLY)
    code = await invite(demo_app, Role.OFFICIAL, issuer="sara")
    for typed in (code.replace("-", " ").lower(), code.replace("-", "").lower()):
        event = ConsoleTransport("gerd", io.StringIO()).event_for(typed)
        assert event.kind is EventKind.TEXT  # the transport cannot tell: the core can
    said = Chat.text(await Chat(demo_app, "gerd").send(event))
    assert "Din inbjudan är godkänd" in said, said
    # Anna has her role: the same shape from her is words, not a code to refuse
    said = await Chat(demo_app, "anna").say("anna berg karl")
    assert NOT_VALID_SV not in said and "inbjudan" not in said, said
