"""Issue 16, the console: what others typed never reaches a terminal as control characters,
and `/bifoga` takes regular files only (no symlinks, no devices, FIFOs or /proc files,
nothing over the size cap), never saving a path that did not work as text or evidence.

In process: the console transport (`run_console`, as `trygg chat` runs it) on the demo
organisation, with the report written through the conversation core.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.transports.console import DOWNLOAD_LIMIT as BOT_DOWNLOAD_LIMIT
from bot.transports.console import ConsoleTransport, run_console
from conversations.events import Button, Reply
from conversations.report.form import ReportStep as S
from storage.models import Evidence
from tests.conftest import Chat
from tests.golden import Transcript, render
from tests.reporting import Script, write_report
from tests.test_trust import SQLITE_ONLY, WHAT, _at_evidence_step, file_report, ids, press

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x9b31m\rHIDDEN\x08\x7f"
SHOWN = "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\x0dHIDDEN\\x08\\x7f"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NOT_FETCHED = "Jag kunde inte hämta filen. Skicka den igen."
TOO_LARGE = "Filen är större än 20 MB"
SECRET = b"root:$6$SECRET-SHADOW-HASH-7781:19000:0:99999:7:::\n"


async def console(app: App, handle: str, *typed: str) -> str:
    """Run `trygg chat --as HANDLE` in process with these lines typed; return its stdout."""
    out = io.StringIO()
    await run_console(app, handle, io.StringIO("".join(f"{line}\n" for line in typed)), out)
    return out.getvalue()


async def evidence_count(app: App) -> int:
    async with app.db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(Evidence)) or 0)


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
        texts={S.WHEN: f"Storgatan{ESCAPES}", S.EXPERIENCE: f"Rädd {ESCAPES}"},
    )
    printed = await console(demo_app, "pia", "2")  # [2] Visa rapporten, on the alert
    assert "Visa rapporten" in printed
    assert f"Brevet i brevlådan {SHOWN}" in printed  # the report itself was shown
    assert f"Storgatan{SHOWN}" in printed and f"Rädd {SHOWN}" in printed
    assert not RAW.search(printed), repr(RAW.findall(printed))


def _unusable(tmp_path: Path) -> dict[str, str]:
    """Paths `/bifoga` must refuse, by what they are."""
    secret = tmp_path / "shadow"
    secret.write_bytes(SECRET)
    (tmp_path / "skarmbild.png").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo.png")
    (tmp_path / "mapp.png").mkdir()
    paths = {
        "a symlink to a secret file": str(tmp_path / "skarmbild.png"),
        "a device that never ends": "/dev/zero",
        "a FIFO": str(tmp_path / "fifo.png"),
        "a directory": str(tmp_path / "mapp.png"),
        "a missing path": str(tmp_path / "finns-inte.png"),
        "no path at all": "",
        "a NUL byte": f"{tmp_path}/a\x00b.png",
        "an unknown user's home": "~ingen-sadan-anvandare-4711/bild.png",
    }
    if Path("/proc/self/environ").exists():  # reached through a symlink, reports size 0
        paths["the process's environment"] = "/proc/self/environ"
    return paths


@SQLITE_ONLY
async def test_bifoga_takes_regular_files_only_and_keeps_nothing_of_other_paths(
    demo_app: App, chat: Any, tmp_path: Path
) -> None:
    anna: Chat = chat("anna")
    await _at_evidence_step(anna)
    transport = ConsoleTransport("anna", io.StringIO())
    paths = _unusable(tmp_path)
    for what, path in paths.items():
        reply = anna.text(await anna.send(transport.event_for(f"/bifoga {path}")))
        assert NOT_FETCHED in reply, (what, reply)
        assert "nav:back" in ids(anna), what  # still at the same question
    assert await evidence_count(demo_app) == 0

    large = tmp_path / "film.mp4"
    with large.open("wb") as file:
        file.truncate(BOT_DOWNLOAD_LIMIT + 1)  # sparse: nothing is written or read
    reply = anna.text(await anna.send(transport.event_for(f"/bifoga {large}")))
    assert TOO_LARGE in reply, reply
    assert await evidence_count(demo_app) == 0

    photo = tmp_path / "hotbrev.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n a photo of the letter")
    reply = anna.text(await anna.send(transport.event_for(f"/bifoga {photo}")))
    assert "Sparat som bevis: foto, 1 kB" in reply, reply
    assert await evidence_count(demo_app) == 1

    summary = await write_report(anna, Script(), submit=False, fresh=False)
    assert "Bevis: 1 fil" in summary, summary
    for path in (*paths.values(), str(large)):
        assert (path or "/bifoga") not in summary, path
    assert "SECRET-SHADOW" not in summary


@SQLITE_ONLY
async def test_a_path_that_did_not_work_is_never_saved_as_an_answer(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    missing = "/hemma/anna/hotbrev-som-inte-finns.png"
    transport = ConsoleTransport("anna", io.StringIO())
    await anna.say("/rapportera")
    await press(anna, "opt:self")
    await press(anna, "nav:skip")  # the assignment
    await press(anna, "opt:party")
    reply = anna.text(await anna.send(transport.event_for(f"/bifoga {missing}")))
    assert "Jag kunde inte hämta filen" in reply, reply
    assert "Vad var det" in await anna.say(WHAT)  # the next question: the path was not an answer
    summary = await write_report(anna, Script(), submit=False, fresh=False)
    assert f"Vad hände: {WHAT}\n" in summary and missing not in summary, summary


@SQLITE_ONLY
@pytest.mark.parametrize(("handle", "name"), [("anna", "sv"), ("bo", "en")])
async def test_transcript_of_files_that_bifoga_refuses(
    demo_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handle: str, name: str
) -> None:
    monkeypatch.chdir(tmp_path)  # the paths typed are relative: the transcript stays stable
    _unusable(tmp_path)
    Path("hotbrev.png").write_bytes(b"\x89PNG\r\n\x1a\n a photo of the letter")
    with Path("film.mp4").open("wb") as file:
        file.truncate(BOT_DOWNLOAD_LIMIT + 1)
    t = Transcript(f"console_bifoga_{name}", demo_app)
    person = t.person(handle)
    await _at_evidence_step(person)
    t.note("At the evidence question of a report, on the console (`trygg chat`).")
    transport = ConsoleTransport(handle, io.StringIO())
    for path in ("finns-inte.png", "mapp.png", "skarmbild.png", "film.mp4", "hotbrev.png"):
        typed = f"/bifoga {path}"
        t.lines += ["", f"{handle}> {typed}"]
        for reply in await person.send(transport.event_for(typed)):
            shown = [f"    {line}" if line else "" for line in render(reply)]
            t.lines += [f"bot → {handle}:", *shown]
    t.check()
