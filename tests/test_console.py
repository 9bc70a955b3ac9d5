"""The console transport driven as a real subprocess (`trygg chat --as HANDLE`), piped stdin.

Every test runs the CLI in its own data directory (SQLite, no DATABASE_URL) and from a
working directory without a ``.env`` file, so nothing on the developer's machine leaks in.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_ORG = REPO / "bot" / "demo" / "org.yaml"
TIMEOUT = 60

ANNA_PHONE = "+46 70 174 06 10"
PIA = "Pia Lind, +46 70 174 06 11"
PER = "Per Ek, +46 70 174 06 12"
UNIT = "Säkerhetsenheten, Sjöviks kommun: +46 8 465 004 10"
LANGUAGE_BUTTONS = "[1] svenska  [2] English"
ALERT_LABEL = "Larma Pia Lind"


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
    }
    env["TRYGG_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def trygg(
    data_dir: Path, *args: str, stdin: str | bytes = b"", **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion with piped stdin; return it with decoded output."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    done = subprocess.run(
        _command(*args),
        input=data,
        capture_output=True,
        cwd=data_dir,
        env=_env(data_dir, **env),
        timeout=TIMEOUT,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
    )


def chat(data_dir: Path, handle: str, stdin: str | bytes = b"", **env: str) -> str:
    """Chat as ``handle``; assert a clean exit; return stdout."""
    done = trygg(data_dir, "chat", "--as", handle, stdin=stdin, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where `trygg org load bot/demo/org.yaml` has run once."""
    data_dir = tmp_path_factory.mktemp("demo-db")
    done = trygg(data_dir, "org", "load", str(DEMO_ORG))
    assert done.returncode == 0, done.stderr
    assert "8 people" in done.stdout
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, demo_db: Path) -> Path:
    """A fresh data directory holding a copy of the loaded demo database and its key."""
    for file in demo_db.glob("trygg.*"):  # the database and its key file
        shutil.copy(file, tmp_path / file.name)
    return tmp_path


def button_number(output: str, label: str) -> str:
    """The number printed before ``label`` on the last keyboard line that shows it."""
    numbers: list[str] = re.findall(
        rf"\[(\d+)\] {re.escape(label)}(?:  |$)", output, flags=re.MULTILINE
    )
    assert numbers, f"no button {label!r} in:\n{output}"
    return numbers[-1]


def assert_alert_for_anna(output: str) -> None:
    assert "BRÅDSKANDE" in output
    assert "Anna Berg" in output
    assert ANNA_PHONE in output


def test_akut_shows_own_contacts_and_alert_reaches_the_first_party_contact(data_dir: Path) -> None:
    shown = chat(data_dir, "anna", "/akut\n")
    assert PIA in shown
    assert PER in shown
    assert UNIT in shown
    assert "112" in shown
    assert "114 14" in shown
    assert "Britt Holm" not in shown  # the other party's contact is not hers

    number = button_number(shown, ALERT_LABEL)
    pressed = chat(data_dir, "anna", f"{number}\n")
    assert "Välkommen tillbaka. Här var vi:" in pressed
    assert "Jag har larmat Pia Lind och bett om ett samtal till dig nu." in pressed
    assert "ring Pia Lind på +46 70 174 06 11" in pressed  # if nobody calls
    # Per Ek and the municipal unit are the next levels, alerted only if nobody takes it.
    assert "Om ingen tar det inom 10 minuter larmar jag Per Ek." in pressed

    assert_alert_for_anna(chat(data_dir, "pia"))
    for other in ("per", "britt", "sara"):
        shown = chat(data_dir, other)
        assert "BRÅDSKANDE" not in shown, other
        assert "Anna Berg" not in shown, other

    again = chat(data_dir, "pia")
    assert "BRÅDSKANDE" not in again  # delivered once, not on every start


def test_alert_button_pressed_by_its_exact_label(data_dir: Path) -> None:
    out = chat(data_dir, "anna", f"/akut\n{ALERT_LABEL}\n")
    assert "Jag har larmat Pia Lind" in out
    assert "larmar jag Per Ek" in out
    assert_alert_for_anna(chat(data_dir, "pia"))


class LineReader:
    """Reads a process's output on a thread so the test can wait with a deadline."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                pytest.fail("the chat ended early:\n" + "".join(self.seen))
            self.seen.append(line)
            if wanted(line):
                return
        pytest.fail("timed out waiting; output so far:\n" + "".join(self.seen))


def _wait_marked_sent(data_dir: Path, timeout: float = TIMEOUT) -> None:
    """Wait until every reply the chat committed is marked as sent (printed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.closing(sqlite3.connect(data_dir / "trygg.db", timeout=TIMEOUT)) as db:
            if not db.execute("SELECT 1 FROM conversation WHERE reply_no > sent_no").fetchall():
                return
        time.sleep(0.02)
    pytest.fail("the replies were never marked as sent")


def test_sigkill_mid_flow_resumes_and_language_choice_is_remembered(data_dir: Path) -> None:
    proc = subprocess.Popen(
        _command("chat", "--as", "nykomling"),  # new: asked which language she wants
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=data_dir,
        env=_env(data_dir),
        text=True,
        encoding="utf-8",
    )
    assert proc.stdin is not None and proc.stdout is not None
    reader = LineReader(proc.stdout)
    try:
        reader.wait_for(lambda line: LANGUAGE_BUTTONS in line)  # first contact: /start
        proc.stdin.write("/start\n")
        proc.stdin.flush()
        reader.wait_for(lambda line: LANGUAGE_BUTTONS in line)  # the /start we typed
        # Killed once the reply is marked as printed; killed before, the next start prints
        # it again instead of "welcome back" (tests/test_resend.py).
        _wait_marked_sent(data_dir)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=TIMEOUT) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        reader.thread.join(TIMEOUT)  # the pipe reaches EOF once the process is gone
        proc.stdin.close()
        proc.stdout.close()
    assert "Välkommen till Trygg." in "".join(reader.seen)

    resumed = chat(data_dir, "nykomling", "2\n")
    assert "Välkommen tillbaka. Här var vi:" in resumed
    assert "Vilket språk vill du ha?" in resumed
    assert LANGUAGE_BUTTONS in resumed
    assert "I will speak English with you." in resumed
    assert resumed.index("Välkommen tillbaka") < resumed.index("I will speak English with you.")

    third = chat(data_dir, "nykomling", "/hjalp\n")
    assert "Welcome back." in third
    assert "Trygg helps elected officials who are threatened, harassed or attacked." in third
    assert "/akut – what to do right now" in third


BAD_LINES = [
    b"x" * 10_000,
    b"",
    b"   ",
    b"",
    b"/finnsinte",
    b"9",
    b"0",
    b"\x00\x01\x07\x1b[31m\xff\xfe\xc3(\r",
    b"/",
    b"/akut",
    b"9",
    b"a" * 5_000,
    b"/hjalp",
]


@pytest.mark.parametrize(
    "io_encoding",
    [None, "utf-8:strict"],
    ids=["default-locale", "strict-utf8-locale"],
)
def test_bad_input_gets_clear_answers_and_never_a_traceback(
    data_dir: Path, io_encoding: str | None
) -> None:
    # "utf-8:strict" is what Python uses for stdin under e.g. sv_SE.UTF-8.
    env = {"PYTHONIOENCODING": io_encoding} if io_encoding else {}
    typed = b"\n".join(BAD_LINES) + b"\n"  # anna's language is in the directory
    done = trygg(data_dir, "chat", "--as", "anna", stdin=typed, **env)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout
    assert "Traceback" not in done.stderr
    out = done.stdout
    assert "Jag känner inte igen kommandot /finnsinte." in out
    assert out.count("Det finns inget sådant val här.") == 3  # 9 and 0 in the menu, 9 in /akut
    assert "Jag sparade det du skrev i en rapport" in out  # text in /akut is kept
    assert "Det här kan jag hjälpa dig med:" in out
    assert "x" * 100 not in out  # overlong text is not echoed back
    assert PIA in out  # /akut still worked after the garbage
    last_line = out.rstrip().splitlines()[-1]
    assert last_line.startswith("[1] Jag behöver hjälp nu  [2] ")  # the menu after /hjalp
    assert "/hjalp – " in out  # the last line was answered too


def test_demo_loads_the_organisation_and_chats_as_anna(tmp_path: Path) -> None:
    done = trygg(tmp_path, "demo", stdin="/akut\n")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "Loaded 1 municipalities, 2 parties, 8 people" in done.stdout
    assert "Välkommen till Trygg, Anna Berg." in done.stdout
    assert PIA in done.stdout
    assert PER in done.stdout
    assert f"] {ALERT_LABEL}" in done.stdout
    assert (tmp_path / "trygg.db").exists()
