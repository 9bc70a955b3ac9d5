"""Alerts end to end through the console transport, each person a real `trygg chat` process.

Anna alerts her security contact; Pia opens her chat, sees the alert with its buttons and
takes it by typing the button's number; Anna, opening hers, learns that Pia will call.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_console import DEMO_ORG, button_number, chat, trygg

ALERT_LABEL = "Larma Pia Lind"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where `trygg org load bot/demo/org.yaml` has run once."""
    data_dir = tmp_path_factory.mktemp("demo-db")
    done = trygg(data_dir, "org", "load", str(DEMO_ORG))
    assert done.returncode == 0, done.stderr
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, demo_db: Path) -> Path:
    """A fresh data directory holding a copy of the loaded demo database and its key."""
    for file in demo_db.glob("trygg.*"):  # the database and its key file
        shutil.copy(file, tmp_path / file.name)
    return tmp_path


def test_contact_sees_the_alert_takes_it_and_the_person_is_told(data_dir: Path) -> None:
    shown = chat(data_dir, "anna", "/akut\n")
    pressed = chat(data_dir, "anna", f"{button_number(shown, ALERT_LABEL)}\n")
    assert "Jag har larmat Pia Lind och bett om ett samtal till dig nu." in pressed

    # Per is the next level: nothing for him yet.
    per = chat(data_dir, "per", "/arenden\n")
    assert "BRÅDSKANDE" not in per
    assert "Du har inga öppna ärenden." in per

    # Pia's first chat: the alert comes last, so "1" is "Jag tar det", not a language.
    pia = chat(data_dir, "pia", "1\n")
    before, _, after = pia.partition("BRÅDSKANDE – larm från Trygg")
    assert after, pia
    assert "Välkommen till Trygg, Pia Lind." in before
    notice, _, answered = after.partition("[1] Jag tar det  [2] Ring upp\n")
    assert answered, pia
    assert "Anna Berg (Gröna partiet, Sjöviks kommun) behöver dig nu." in notice
    assert "Ring: +46 70 174 06 10" in notice
    assert "Tack – det är ditt. Ring Anna Berg nu: +46 70 174 06 10" in answered
    assert "svenska" not in answered  # the 1 took the alert, not the language question

    again = chat(data_dir, "pia", "/arenden\n")
    assert "BRÅDSKANDE" not in again  # delivered once, not again on every start
    assert "larm – Anna Berg" in again
    assert "taget" in again

    told = chat(data_dir, "anna")
    assert "Pia Lind har sett ditt larm och kontaktar dig." in told
    assert "I fara nu: ring 112." in told


def test_an_alert_she_left_untaken_comes_first_each_time_she_opens_the_chat(
    data_dir: Path,
) -> None:
    """Pia, woken by the push, closed the chat without taking it; opening it again she read
    only "Välkommen tillbaka. Här var vi:" and her menu, and nothing of Anna's alert."""
    chat(data_dir, "pia", "/hjalp\n")
    chat(data_dir, "anna", "/akut\n1\n")
    woken = chat(data_dir, "pia")
    assert "BRÅDSKANDE – larm från Trygg" in woken  # the push, once
    assert "är inte taget än" not in woken  # delivered in this sitting: not shown twice
    for _sitting in range(2):  # every time she comes back while it waits
        again = chat(data_dir, "pia")
        assert again.startswith("Larmet om Anna Berg från i dag kl. "), again
        first = again.split("\n\n")[0]
        assert "är inte taget än." in first and "Ring Anna Berg: +46 70 174 06 10" in first
        assert "\n[1] Jag tar det  [2] Ring upp  [3] Jag behöver hjälp nu  " in first, again
        assert "BRÅDSKANDE" not in again
    taken = chat(data_dir, "pia", "1\n")  # "1" is "Jag tar det", not "Jag behöver hjälp nu"
    assert "Tack – det är ditt. Ring Anna Berg nu: +46 70 174 06 10" in taken, taken
    assert "Är du i fara just nu?" not in taken, taken
    after = chat(data_dir, "pia")
    assert "är inte taget än" not in after, after
    assert after.startswith("Välkommen tillbaka. Här var vi:"), after  # the alert she has
    assert "[1] Skriv till Anna Berg" in after, after
