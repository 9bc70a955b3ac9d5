"""Typed answers to a question with several choices, read as people write them: the words
of a longer choice name only that choice (language.md rule 5: say what was understood,
and understand it right)."""

from __future__ import annotations

import pytest

from conversations.report.form import BY_STEP, ReportStep
from conversations.report.typed import read

NATURE = BY_STEP[ReportStep.NATURE]
SV = [
    ("harassment", "Trakasserier, stalkning"),
    ("threat", "Hot om våld"),
    ("violence", "Våld, skadegörelse"),
    ("hate", "Hat"),
    ("phone", "Telefonsamtal"),
    ("in_person", "Personligt framfört"),
]
EN = [
    ("threat", "Threat of violence"),
    ("violence", "Violence, vandalism"),
    ("hate", "Hate"),
    ("phone", "Phone call"),
]


@pytest.mark.parametrize(
    ("options", "typed", "chosen"),
    [
        (SV, "hot om våld, telefon", ["threat", "phone"]),  # not also "Våld, skadegörelse"
        (SV, "våld", ["violence"]),
        (SV, "hot om våld och sedan våld", ["threat", "violence"]),
        (SV, "trakasserier och personligt", ["harassment", "in_person"]),
        (EN, "threat of violence by phone", ["threat", "phone"]),
        (EN, "vandalism and hate", ["violence", "hate"]),
    ],
)
def test_the_words_of_a_longer_choice_name_only_it(
    options: list[tuple[str, str]], typed: str, chosen: list[str]
) -> None:
    reading = read(NATURE, options, typed)
    assert reading.answer["choices"] == chosen
    assert reading.answer["text"] == typed  # the words are kept as written
