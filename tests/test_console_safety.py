"""Issue 16, the console: what others typed never reaches a terminal as control characters.

In process: the console transport (`run_console`, as `trygg chat` runs it) on the demo
organisation, with the report written through the conversation core.
"""

from __future__ import annotations

import io
import re
from typing import Any

from bot.app import App
from bot.transports.console import ConsoleTransport, run_console
from conversations.events import Button, Reply
from conversations.report_form import R
from tests.test_trust import SQLITE_ONLY, file_report

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x9b31m\rHIDDEN\x08\x7f"
SHOWN = "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\x0dHIDDEN\\x08\\x7f"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


async def console(app: App, handle: str, *typed: str) -> str:
    """Run `trygg chat --as HANDLE` in process with these lines typed; return its stdout."""
    out = io.StringIO()
    await run_console(app, handle, io.StringIO("".join(f"{line}\n" for line in typed)), out)
    return out.getvalue()


async def test_control_characters_are_printed_visibly_in_texts_and_labels() -> None:
    out = io.StringIO()
    transport = ConsoleTransport("pia", out)
    reply = Reply(f"Vad hände: {ESCAPES}\n\tmer", [[Button("x", f"Annat: {ESCAPES}")]])
    await transport.send("pia", [reply])
    printed = out.getvalue()
    assert not RAW.search(printed), repr(printed)
    assert f"Vad hände: {SHOWN}\n\tmer\n" in printed  # line breaks and tabs stay
    assert f"[1] Annat: {SHOWN}\n" in printed
    assert transport.event_for("1").button == "x"  # the button still works by number


@SQLITE_ONLY
async def test_escape_sequences_in_a_report_reach_the_contacts_console_escaped(
    demo_app: App, chat: Any
) -> None:
    await chat("pia").say("/meny")  # bound to the console, so the alert reaches her there
    await file_report(
        chat("anna"),
        what=(f"Brevet i brevlådan {ESCAPES}",),
        texts={R.WHERE: f"Storgatan{ESCAPES}", R.FEELING: f"Rädd {ESCAPES}"},
    )
    printed = await console(demo_app, "pia", "2")  # [2] Visa rapporten, on the alert
    assert "Visa rapporten" in printed
    assert f"Brevet i brevlådan {SHOWN}" in printed  # the report itself was shown
    assert f"Storgatan{SHOWN}" in printed and f"Rädd {SHOWN}" in printed
    assert not RAW.search(printed), repr(RAW.findall(printed))
