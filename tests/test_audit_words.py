"""The audit log says in words what was done to a case: /logg read "Kent Dahl gjorde något
som Trygg ännu saknar ord för" for every PDF taken out, and first answers to the checklist
and notes were not logged at all, though everyone is told that every change is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.web.routes.audit import ACTIONS as WEB_ACTIONS
from conversations.logbook import ACTIONS
from tests.conftest import FakeClock
from tests.test_case_check import the_unit_case

REPO = Path(__file__).resolve().parent.parent
RECORDED = re.compile(r"\.record\(\s*[^,()]+,\s*\"([a-z_]+)\"", re.S)


def test_every_action_recorded_has_words() -> None:
    sources = [*REPO.glob("conversations/**/*.py"), *REPO.glob("storage/*.py")]
    recorded = {m for path in sources for m in RECORDED.findall(path.read_text())}
    assert {"case_exported", "checklist_answered", "followup_documented"} <= recorded
    assert recorded <= set(ACTIONS), recorded - set(ACTIONS)
    assert recorded <= set(WEB_ACTIONS), recorded - set(WEB_ACTIONS)


async def test_the_unit_reads_each_answer_note_and_export_in_words(
    chat: Any, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:check")
    await pia.press("check:yes")
    await pia.press("check:skip")
    await pia.press("case:view")
    await pia.press("case:note")
    await pia.say("Ringde Anna.")
    await pia.press("note:internal")
    await pia.press("case:view")  # the card's buttons are on the card
    await pia.press("case:pdf")
    log = await chat("sara").say("/logg")
    for line in (
        f"Pia Lind svarade på en punkt i checklistan i ärende {case.ref}",
        f"Pia Lind skrev en anteckning i ärende {case.ref}",
        f"Pia Lind tog ut ärende {case.ref} som PDF",
    ):
        assert line in log, log
    assert "saknar ord" not in log and "Ringde Anna" not in log
