"""Crash safety: the Telegram bot as a subprocess, SIGKILLed at random moments.

The bot runs as a child process (the CLI's `run`, as `python -m bot.cli run` does it) on
an SQLite file, talking to a FakeBotApi in this test's event loop on 127.0.0.1. A driver plays
officials who each write a short report (/rapportera, "it happened to me", a category,
skips, a "what happened" text, Done, ..., no evidence, Send), CONCURRENT at a time, reading
the button ids from the keyboards the fake received. Meanwhile the bot is killed with
SIGKILL 8–12 times at seeded random moments (some during start-up) and started again; new
reports begin until every kill is done (at least 100 must be written whole), so that a
fast machine does not finish them before the kills.

Afterwards:
- every answer the driver saw acknowledged (the bot's next prompt arrived) is stored, as
  read back from the database with the same keys;
- every reply arrived without the official writing again: where the process died after
  committing an answer but before sending its reply (the redelivered update is then
  recognised as handled and says nothing), the driver just waits, and the next start
  sends the reply; each official got at most one such re-send per kill;
- every submitted report produced its alert in the security contact's chat: at least
  once, and no more duplicates than kills;
- nobody is stuck: every official gets an answer to /hjalp, and the bot stops cleanly.

Replies sent again after a start may repeat one the official already had (the process
died after sending it, before marking it sent): the driver answers the newest question
only, as a person would, recognising it by its step (the token in its buttons).

Two things are tuned for the test only, in the child process: Telegram's own send limits
(1 s per chat, 30/s overall) are lifted, or 100 reports would take minutes; and the
outbox lease (60 s) is shortened so an alert claimed just before a kill is re-sent within
seconds. Neither changes what is under test. TRYGG_FAULT_SEED reproduces another run.

The scenario itself is in tests/crash_harness.py, shared with ``python -m bench.faults``
(the same run with as many kills as asked).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.crash_harness import Scenario, run_crash
from tests.fault_support import report_figures

OFFICIALS = 300  # more than the kills need: reports begin until every kill is done
AT_LEAST = 100  # reports written whole through the kills, however fast the machine


async def test_sigkill_at_random_moments_loses_no_acknowledged_answer_and_no_alert(
    tmp_path: Path, sqlite_template: Path
) -> None:
    result = await run_crash(
        tmp_path,
        sqlite_template,
        Scenario(officials=OFFICIALS, kills=(8, 12), until_kills=True, at_least=AT_LEAST),
    )
    summary = "fault-crash: " + json.dumps(result.figures)
    report_figures("fault-crash", result.figures, tmp_path)
    assert not result.problems, "\n".join(result.problems[:20]) + "\n" + summary
    assert result.kills >= 8, summary
    assert result.checked >= AT_LEAST * 12, summary
    assert result.duplicates <= result.kills, summary  # at most one duplicate per kill
    # a lost reply is re-sent once per start
    assert result.resent_max <= result.kills, summary
    assert result.sorry == 0, summary  # the file database never "failed"
