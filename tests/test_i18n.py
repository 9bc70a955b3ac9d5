"""The catalogs: the template is current, and every Swedish string is there and well-formed."""

from __future__ import annotations

import string
import subprocess
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from tests.conftest import REPO

SV_PO = REPO / "locales" / "sv" / "LC_MESSAGES" / "messages.po"
POT = REPO / "locales" / "messages.pot"


def messages(path: Path = SV_PO) -> list[Message]:
    with path.open("rb") as f:
        return [m for m in read_po(f) if m.id]


def forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def placeholders(text: str) -> set[str]:
    """The names of the ``{name}`` fields in a str.format template."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_template_is_current() -> None:
    result = subprocess.run(
        ["scripts/i18n.sh", "check"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_template_string_is_in_the_swedish_catalog() -> None:
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in messages(POT)}
    swedish = {m.id if isinstance(m.id, str) else m.id[0] for m in messages()}
    assert sorted(template - swedish) == []


def test_every_swedish_string_is_translated() -> None:
    catalog = messages()
    assert len(catalog) > 20
    untranslated = [m.id for m in catalog if not all(s.strip() for s in forms(m.string or ""))]
    fuzzy = [m.id for m in catalog if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_swedish_placeholders_match_the_english() -> None:
    mismatched = []
    for message in messages():
        wanted = set().union(*(placeholders(i) for i in forms(message.id)))
        for translation in forms(message.string):
            if placeholders(translation) != wanted:
                mismatched.append((forms(message.id)[0], translation))
    assert mismatched == []
    # (the parser is what the check relies on: literal braces are not placeholders)
    assert placeholders("Ring {{inte}} {number}, {name}.") == {"number", "name"}


def test_every_english_command_name_is_the_same_command() -> None:
    from conversations.menu import NAMED_IN
    from conversations.registry import COMMANDS

    for swedish, english in NAMED_IN["en"].items():
        assert COMMANDS[english].handler is COMMANDS[swedish].handler, english
        assert COMMANDS[english].flow is COMMANDS[swedish].flow, english


async def test_the_english_help_and_menu_name_english_commands(chat) -> None:  # type: ignore[no-untyped-def]
    said = await chat("bo").say("/help")
    assert "/report – " in said and "/cases – " in said and "/forget – " in said, said
    assert "/rapportera" not in said and "/glom" not in said
    assert "/rapportera – " in await chat("anna").say("/hjalp")
