"""Whom a report is about, read from its stored answers.

Below conversations.report, so that the notices (which the report's own modules import)
can ask it too. The keys are the stored names of the report's steps (ReportStep values).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WHO = "who"  # ReportStep.WHO: "self" or "other"
TARGET = "target"  # ReportStep.TARGET: "Eva Ek, kulturnämnden"


def about_someone_else(answers: Mapping[str, Any]) -> bool:
    """Whether the report is about someone other than the person writing it."""
    who = answers.get(WHO)
    return isinstance(who, dict) and who.get("choice") == "other"


def named_target(answers: Mapping[str, Any]) -> str | None:
    """The targeted person's name as the reporter wrote it (their first words), if any."""
    target = answers.get(TARGET)
    text = str(target.get("text", "")) if isinstance(target, dict) else ""
    name = text.replace("\n", ",").split(",")[0].strip()
    return name if 0 < len(name) <= 40 else None
