"""The organisation file: validation with file, line, field and reason; all or nothing.

Most cases call ``bot.orgfile.parse`` directly (fast); a few drive ``trygg org load`` as a
subprocess for the exit code and the guarantee that a rejected file changes nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import orgfile
from storage.errors import DirectoryError

REPO = Path(__file__).resolve().parent.parent
DEMO_ORG = REPO / "bot" / "demo" / "org.yaml"
TIMEOUT = 60

VALID = """\
municipalities:
  - key: sjovik
    name: Sjöviks kommun
    security_unit_phone: "+46 8 465 004 10"
    switchboard: "+46 8 465 004 00"
    parties:
      - key: gp
        name: Gröna partiet
      - key: bp
        name: Blå partiet
  - key: norrby
    name: Norrby kommun
    security_unit_phone: "+46 8 465 004 30"
    parties:
      - key: rp
        name: Röda partiet

people:
  - handle: anna
    name: Anna Berg
    role: official
    municipality: sjovik
    party: gp
    phone: "+46 70 174 06 10"
    language: sv
  - handle: pia
    name: Pia Lind
    role: party_security
    municipality: sjovik
    party: gp
    phone: "+46 70 174 06 11"
  - handle: sara
    name: Sara Strand
    role: municipal_security
    municipality: sjovik
    phone: "+46 8 465 004 11"
  - handle: admin
    name: Trygg Admin
    role: admin
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the n-th occurrence of ``needle``."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) >= occurrence, f"{needle!r} not in the text {occurrence} times"
    return lines[occurrence - 1]


def changed(old: str, new: str, text: str = VALID) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def problems_of(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        orgfile.parse(path)
    assert caught.value.problems, "a rejected file must say why"
    return path, caught.value.problems


def the_problem(tmp_path: Path, text: str) -> tuple[Path, str]:
    path, problems = problems_of(tmp_path, text)
    assert len(problems) == 1, problems
    return path, problems[0]


# --- parse: one kind of mistake each ---------------------------------------------------


def test_valid_file_parses(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(VALID, encoding="utf-8")
    org = orgfile.parse(path)
    assert [m.key for m in org.municipalities] == ["sjovik", "norrby"]
    assert [p.handle for p in org.people] == ["anna", "pia", "sara", "admin"]
    assert org.people[0].language == "sv"


def test_demo_file_parses() -> None:
    org = orgfile.parse(DEMO_ORG)
    assert len(org.people) == 8


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = changed("    name: Sjöviks kommun\n", "   name: Sjöviks kommun\n")
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(f"{path}:{line_of(text, '   name: Sjöviks kommun')}: ")
    assert "expected" in problem


def test_not_a_mapping(tmp_path: Path) -> None:
    path, problem = the_problem(tmp_path, "- anna\n- pia\n")
    assert problem.startswith(f"{path}:1: ")
    assert "expected a mapping with 'municipalities' and 'people'" in problem


def test_empty_file(tmp_path: Path) -> None:
    path, problem = the_problem(tmp_path, "# nothing here\n")
    assert problem.startswith(str(path))
    assert "expected a mapping" in problem


def test_unknown_role(tmp_path: Path) -> None:
    text = changed("    role: official\n", "    role: mayor\n")
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(f"{path}:{line_of(text, 'role: mayor')}: people.0.role: ")
    assert "'official'" in problem
    assert "'party_security'" in problem


def test_party_security_without_phone(tmp_path: Path) -> None:
    text = changed('    phone: "+46 70 174 06 11"\n', "")
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(f"{path}:{line_of(text, 'handle: pia')}: people.1: ")
    assert "party security contact needs a phone number" in problem


def test_person_in_unknown_municipality(tmp_path: Path) -> None:
    text = changed("    municipality: sjovik\n", "    municipality: nowhere\n")
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, "municipality: nowhere")
    assert problem == f"{path}:{line}: people.0.municipality: unknown municipality 'nowhere'"


def test_party_not_listed_under_the_persons_municipality(tmp_path: Path) -> None:
    text = changed("    party: gp\n", "    party: rp\n")  # rp exists, but in norrby
    path, problem = the_problem(tmp_path, text)
    assert problem == (
        f"{path}:{line_of(text, 'party: rp')}: people.0.party: "
        "party 'rp' is not listed under municipality 'sjovik'"
    )


def test_duplicate_handle(tmp_path: Path) -> None:
    text = changed("  - handle: sara\n", "  - handle: anna\n")
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, "handle: anna", occurrence=2)
    assert problem == f"{path}:{line}: people.2.handle: 'anna' appears twice"


def test_duplicate_municipality_key(tmp_path: Path) -> None:
    text = changed("  - key: norrby\n", "  - key: sjovik\n")
    text = changed("      - key: rp\n", "      - key: gp\n", text)  # keep people valid
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, "  - key: sjovik", occurrence=2)
    assert problem == f"{path}:{line}: municipalities.1.key: 'sjovik' appears twice"


def test_duplicate_party_in_one_municipality(tmp_path: Path) -> None:
    text = changed("      - key: bp\n", "      - key: gp\n")
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(f"{path}:{line_of(text, '  - key: sjovik')}: municipalities.0: ")
    assert "party key appears twice" in problem


@pytest.mark.parametrize("phone", ["abc", "070", "+46 70 174 06 10 ext. 5", "++4670"])
def test_bad_phone_number(tmp_path: Path, phone: str) -> None:
    text = changed('    phone: "+46 70 174 06 10"\n', f'    phone: "{phone}"\n')
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, f'phone: "{phone}"')
    assert problem == (
        f"{path}:{line}: people.0.phone: "
        "not a phone number (digits, spaces, dashes, optional leading +)"
    )


def test_bad_security_unit_phone(tmp_path: Path) -> None:
    text = changed('security_unit_phone: "+46 8 465 004 30"', 'security_unit_phone: "ring oss"')
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, "ring oss")
    assert problem.startswith(f"{path}:{line}: municipalities.1.security_unit_phone: ")


def test_unknown_extra_field(tmp_path: Path) -> None:
    text = changed("    language: sv\n", "    language: sv\n    colour: green\n")
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, "colour: green")
    assert problem == f"{path}:{line}: people.0.colour: Extra inputs are not permitted"


def test_unknown_top_level_field(tmp_path: Path) -> None:
    text = VALID + "partys: []\n"
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, "partys:")
    assert problem == f"{path}:{line}: partys: Extra inputs are not permitted"


def test_missing_municipalities(tmp_path: Path) -> None:
    text = VALID[VALID.index("people:") :]
    path, problem = the_problem(tmp_path, text)
    assert problem == f"{path}:1: municipalities: Field required"


def test_empty_municipalities(tmp_path: Path) -> None:
    path, problem = the_problem(tmp_path, "municipalities: []\npeople: []\n")
    assert problem.startswith(f"{path}:1: municipalities: ")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = changed("    role: official\n", "    role: mayor\n")
    text = changed('    phone: "+46 70 174 06 11"\n', '    phone: "x"\n', text)
    text = changed("    role: admin\n", "    role: admin\n    shoe_size: 42\n", text)
    path, problems = problems_of(tmp_path, text)
    assert [p.split(": ")[1] for p in problems] == [
        "people.0.role",
        "people.1.phone",
        "people.3.shoe_size",
    ]
    assert all(p.startswith(f"{path}:") for p in problems)


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(DirectoryError, match=r"missing\.yaml: cannot read the file"):
        orgfile.parse(missing)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00municipalities")
    with pytest.raises(DirectoryError, match=r"binary\.yaml: cannot read the file"):
        orgfile.parse(binary)


# --- the CLI: exit code, and nothing half-loaded --------------------------------------


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
    }
    env["TRYGG_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    return env


def trygg(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=data_dir,
        env=_env(data_dir),
        timeout=TIMEOUT,
        check=False,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done


def org_show(data_dir: Path) -> list[str]:
    done = trygg(data_dir, "org", "show")
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


DEMO_LISTING = [
    "admin\tadmin\t-\t-",
    "anna\tofficial\tgp\tsjovik",
    "bo\tofficial\tbp\tsjovik",
    "britt\tparty_security\tbp\tsjovik",
    "kent\tmunicipal_director\t-\tsjovik",
    "per\tparty_security\tgp\tsjovik",
    "pia\tparty_security\tgp\tsjovik",
    "sara\tmunicipal_security\t-\tsjovik",
]
PIA_OLD = "Pia Lind, +46 70 174 06 11"
PIA_NEW = "Pia Lind, +46 70 174 06 99"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where the demo file was loaded once; `org show` lists everyone."""
    data_dir = tmp_path_factory.mktemp("demo-db")
    done = trygg(data_dir, "org", "load", str(DEMO_ORG))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Loaded 1 municipalities, 2 parties, 8 people from {DEMO_ORG}."
    assert org_show(data_dir) == DEMO_LISTING  # handle<TAB>role<TAB>party<TAB>municipality
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, demo_db: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir(mode=0o700)  # as Trygg makes it: a looser one is tightened, with a warning
    for file in demo_db.glob("trygg.*"):  # the database and its key file
        shutil.copy(file, target / file.name)
    return target


def test_cli_rejects_invalid_file_on_empty_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(changed("    role: official\n", "    role: mayor\n"), encoding="utf-8")
    done = trygg(tmp_path, "org", "load", str(bad))
    assert done.returncode == 1
    assert "nothing was changed" in done.stderr
    assert f"{bad}:{line_of(bad.read_text(), 'role: mayor')}: people.0.role: " in done.stderr
    assert org_show(tmp_path) == []


def test_cli_rejected_file_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    demo = DEMO_ORG.read_text(encoding="utf-8")
    # Valid changes first (a new phone for pia, a new person), then one mistake at the end.
    text = changed('"+46 70 174 06 11"', '"+46 70 174 06 99"', demo)
    text += "  - handle: nils\n    name: Nils Ny\n    role: official\n"
    text += "    municipality: sjovik\n    party: xp\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")

    done = trygg(data_dir, "org", "load", str(bad))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "The organisation file was not loaded (nothing was changed):",
        f"  {bad}:{line_of(text, 'party: xp')}: people.8.party: "
        "party 'xp' is not listed under municipality 'sjovik'",
    ]
    assert org_show(data_dir) == DEMO_LISTING
    contacts = trygg(data_dir, "chat", "--as", "anna", stdin="/kontakter\n")
    assert contacts.returncode == 0
    assert PIA_OLD in contacts.stdout
    assert PIA_NEW not in contacts.stdout


def test_cli_loading_a_modified_file_updates_without_duplicates(
    data_dir: Path, tmp_path: Path
) -> None:
    modified = tmp_path / "org.yaml"
    demo = DEMO_ORG.read_text(encoding="utf-8")
    modified.write_text(changed('"+46 70 174 06 11"', '"+46 70 174 06 99"', demo))

    done = trygg(data_dir, "org", "load", str(modified))
    assert done.returncode == 0, done.stderr
    assert "8 people" in done.stdout
    assert org_show(data_dir) == DEMO_LISTING  # updated in place: nobody twice

    contacts = trygg(data_dir, "chat", "--as", "anna", stdin="/kontakter\n")
    assert contacts.returncode == 0, contacts.stderr
    assert PIA_NEW in contacts.stdout
    assert PIA_OLD not in contacts.stdout
    assert "Per Ek, +46 70 174 06 12" in contacts.stdout
