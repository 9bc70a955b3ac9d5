"""The incident report through the console as a real subprocess (`trygg chat --as HANDLE`).

SQLite only: each test works in its own data directory holding a copy of a database where
`trygg org load bot/demo/org.yaml` has run, from a working directory without a ``.env``.
"""

from __future__ import annotations

import os
import queue
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import IO

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_ORG = REPO / "bot" / "demo" / "org.yaml"
TIMEOUT = 60
REFERENCE = re.compile(r"ärende ([A-Z2-9]{4}-[A-Z2-9]{4})")
MENU = "[1] Jag behöver hjälp nu"
WELCOME_BACK = "Välkommen tillbaka. Här var vi:"
SUMMARY = "Din rapport – kontrollera innan du skickar:"

WHAT_1 = "Ett hotbrev låg i brevlådan i morse"
WHAT_2 = "Det var skrivet för hand och nämnde mitt beslut om skolan"
WHERE = "2025-06-01, hemma i Sjövik dagen efter nämndmötet"
TRIGGER = "Beslutet om skolan i Norrby"
PERP = "Troligen två män, en med stockholmsdialekt"
FEELING = "Jag är rädd för att lämna barnen ensamma"
EVIDENCE = b"\xff\xd8\xff\xe0 fake jpeg of the threat letter " * 100  # 3,500 bytes


def script(photo: Path) -> list[tuple[str, str, str | None]]:
    """(typed line, a line of the reply to wait for, what the summary then shows)."""
    return [
        ("/rapportera", "Vem gäller det?", None),
        ("Det hände mig", "Vilket uppdrag har du?", "Vem det gäller: Det hände mig"),
        (
            "Ledamot i byggnadsnämnden",
            "Vad tror du att det hänger ihop med?",
            "Uppdrag: Ledamot i byggnadsnämnden",
        ),
        ("Mitt kommunala uppdrag", "Vad hände?", "Kategori: Mitt kommunala uppdrag"),
        (WHAT_1, "Vad var det, och hur kom det?", WHAT_1),
        (WHAT_2, "Jag lade till det under ”Vad hände”.", WHAT_2),  # the story goes on
        ("Hot om våld", "✓ Hot om våld", "Vad och hur: Hot om våld, Hat, Brev"),
        ("Hat", "✓ Hat", None),
        ("Brev", "✓ Brev", None),
        ("Klar", "När och var hände det?", None),
        (WHERE, "Jag skrev: 1 juni 2025.", f"När och var: {WHERE}"),
        ("Ingen annan såg det", "Vem gjorde det?", "Vittnen: Ingen annan såg det"),
        (PERP, "Tror du att personen tillhör", f"Förövare: {PERP}"),
        ("Nej", "Finns det något som utlöste det", "Grupp eller falang: Nej"),
        ("En särskild politisk fråga", "Vilken? Med dina egna ord.", None),
        (TRIGGER, "Har något beslutats", f"Vilken fråga eller vilket beslut: {TRIGGER}"),
        ("Inget ännu", "Jag kryssade: Inget ännu.", "Beslutade åtgärder: Inget ännu"),
        ("Skrämmande", "Tror du att det var allvarligt menat?", "Upplevelse: Skrämmande"),
        ("Nej", "Vill du berätta mer?", "   Allvarligt menat: Nej"),
        (f"/bifoga {photo}", "Sparat som bevis: foto, 3 kB", "Bevis: 1 fil"),
        (FEELING, SUMMARY, f"Mer: {FEELING}"),
    ]


# --- running the CLI -------------------------------------------------------------------------


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
    }
    env["TRYGG_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def trygg(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        _command(*args),
        input=stdin.encode(),
        capture_output=True,
        cwd=data_dir,
        env=_env(data_dir),
        timeout=TIMEOUT,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
    )


def chat(data_dir: Path, handle: str, lines: list[str] | None = None) -> str:
    """Chat as ``handle`` with piped lines; assert a clean exit; return stdout."""
    stdin = "".join(f"{line}\n" for line in lines or [])
    done = trygg(data_dir, "chat", "--as", handle, stdin=stdin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


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

    def wait_for(self, wanted: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                pytest.fail(f"the chat ended before {wanted!r}:\n" + "".join(self.seen))
            self.seen.append(line)
            if wanted in line:
                return
        pytest.fail(f"timed out waiting for {wanted!r}; output so far:\n" + "".join(self.seen))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where `trygg org load bot/demo/org.yaml` has run once."""
    data_dir = tmp_path_factory.mktemp("report-demo-db")
    done = trygg(data_dir, "org", "load", str(DEMO_ORG))
    assert done.returncode == 0, done.stderr
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, demo_db: Path) -> Path:
    for file in demo_db.glob("trygg.db*"):
        shutil.copy(file, tmp_path / file.name)
    for file in demo_db.glob("trygg.keys"):
        shutil.copy(file, tmp_path / file.name)
    return tmp_path


@pytest.fixture
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evidence") / "hotbrev.jpg"
    path.write_bytes(EVIDENCE)
    return path


def _wait_marked_sent(data_dir: Path, timeout: float = TIMEOUT) -> None:
    """Wait until every reply the chat committed is marked as sent (printed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with closing(sqlite3.connect(data_dir / "trygg.db", timeout=TIMEOUT)) as db:
            if not db.execute("SELECT 1 FROM conversation WHERE reply_no > sent_no").fetchall():
                return
        time.sleep(0.02)
    pytest.fail("the replies were never marked as sent")


def pending_alerts(data_dir: Path) -> set[str]:
    """Handles with an alert still waiting in the outbox (read straight from the file)."""
    with closing(sqlite3.connect(data_dir / "trygg.db")) as db:
        rows = db.execute(
            "SELECT person.handle FROM outbox JOIN person ON person.id = outbox.recipient_id "
            "WHERE outbox.kind = 'alert' AND outbox.status = 'pending'"
        ).fetchall()
    return {handle for (handle,) in rows}


def summary_of(output: str) -> str:
    """The last summary in the output (up to its keyboard)."""
    start = output.rindex(SUMMARY)
    return output[start : output.index("[1] ", start)]


# --- tests -----------------------------------------------------------------------------------


def test_full_report_in_the_console_and_the_contact_is_told(data_dir: Path, photo: Path) -> None:
    steps = script(photo)
    out = chat(data_dir, "anna", [typed for typed, _, _ in steps] + ["Skicka"])
    position = 0
    for typed, wanted, _ in steps:  # every reply came, in order
        position = out.find(wanted, position)
        assert position >= 0, f"no {wanted!r} after typing {typed!r}:\n{out}"
    summary = summary_of(out)
    for _, _, shown in steps:
        if shown:
            assert shown in summary, f"{shown!r} not in the summary:\n{summary}"
    match = REFERENCE.search(out[position:])
    assert match, out[position:]
    reference = match.group(1)
    assert "Jag har skickat den till Pia Lind och Sara Strand, som hör av sig till dig." in out
    assert "Har ingen tagit den inom 2 timmar går den till Per Ek." in out

    # The party security contact gets a notice: the reference, never the report itself.
    pia = chat(data_dir, "pia")
    assert "Ny incidentrapport" in pia
    assert reference in pia
    assert "Anna Berg" in pia
    for secret in (WHAT_1, WHAT_2, WHERE, PERP, FEELING, TRIGGER, "byggnadsnämnden"):
        assert secret not in pia
    # The municipal assignment: the security unit is alerted at once too; Per Ek only if
    # nobody takes it; another party's contact never.
    assert pending_alerts(data_dir) == {"sara"}


# Seeds: 13 kills mid free text (after the first message), 2 after the evidence upload.
@pytest.mark.parametrize("seed", [13, 2])
def test_sigkill_at_a_random_step_loses_no_answer(data_dir: Path, photo: Path, seed: int) -> None:
    steps = script(photo)
    killed_after = random.Random(seed).randrange(2, len(steps))  # steps answered before the kill
    proc = subprocess.Popen(
        _command("chat", "--as", "anna"),
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
        reader.wait_for(MENU)  # first contact: /start (her language is in the directory)
        for typed, wanted, _ in steps[:killed_after]:
            proc.stdin.write(typed + "\n")
            proc.stdin.flush()
            reader.wait_for(wanted)  # the reply is printed after the answer is committed
        _wait_marked_sent(data_dir)  # killed before that, the next start prints it again
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=TIMEOUT) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        reader.thread.join(TIMEOUT)
        proc.stdin.close()
        proc.stdout.close()

    rest = [typed for typed, _, _ in steps[killed_after:]]
    out = chat(data_dir, "anna", [*rest, "Skicka"])
    assert out.startswith(WELCOME_BACK), out[:500]
    shown_again = out.split("\n\n")[1]  # the block after "welcome back": the open question
    last_wanted = steps[killed_after - 1][1]
    assert last_wanted in shown_again, f"step {killed_after}: {last_wanted!r} not in\n{out}"
    assert "Tillbaka" in shown_again  # with its buttons, which still work

    summary = summary_of(out)
    for typed, _, shown in steps:
        if shown:
            assert shown in summary, f"killed after {killed_after}: lost {typed!r}:\n{summary}"
    assert REFERENCE.search(out), out[-1500:]
    assert summary.count("Vad hände:") == 1
