"""The organisation file against hostile or careless input: alias bombs, huge files,
duplicate keys, control characters. Each is refused at once, with file and line, and the
problem shown never carries the raw control characters.

Inputs that would exhaust memory on a regressed parser run in a child process with an
address-space limit, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot import orgfile, strict_yaml
from storage.errors import DirectoryError
from tests.test_orgfile import VALID, changed, line_of, the_problem

REPO = Path(__file__).resolve().parent.parent

# under 400 bytes that expand to 9^9 (387 million) strings when aliases are followed
ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def parse_in_child(path: Path, timeout: float = 60) -> tuple[str, float]:
    """Parse ``path`` in a child limited to 1 GB of memory; return (stderr, seconds)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot import orgfile\n"
        "from storage.errors import DirectoryError\n"
        "try:\n"
        "    orgfile.parse(Path(sys.argv[1]))\n"
        "except DirectoryError as exc:\n"
        "    sys.stderr.write('\\n'.join(exc.problems))\n"
        "    sys.exit(1)\n"
    )

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=limit_memory,  # the child has no threads before exec
        timeout=timeout,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.stderr, elapsed


def has_control(text: str) -> bool:
    return orgfile.CONTROL.search(text) is not None


# --- anchors, aliases and other YAML an organisation file has no use for ------------------


def test_the_alias_bomb_is_refused_at_its_first_anchor_in_a_moment(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB.encode()) < 400
    problem, seconds = parse_in_child(path)
    assert problem == (
        f"{path}:1: a: anchors and aliases (& and *) are not allowed in an organisation file: "
        "write each value out"
    )
    assert seconds < 10, seconds  # the interpreter's start is most of it


def test_an_alias_is_refused_with_its_line_even_where_it_would_be_harmless(
    tmp_path: Path,
) -> None:
    text = changed("    name: Anna Berg\n", "    name: &anna Anna Berg\n")
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(
        f"{path}:{line_of(text, '&anna')}: people.0.name: anchors and aliases"
    )
    text = changed("    name: Pia Lind\n", "    name: *anna\n", VALID + "x: &anna Anna\n")
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(
        f"{path}:{line_of(text, '*anna')}: people.1.name: anchors and aliases"
    )


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("    role: official\n", "    role: !!str official\n", "!!str", "people.0.role: tags (!)"),
        (
            "    name: Anna Berg\n",
            "    name: !!python/name:os.system\n",
            "!!python",
            "people.0.name: tags (!)",
        ),
        ("people:\n", "---\npeople:\n", "---", "(file): one document only"),
        ("people:\n", "? [a]\n: b\npeople:\n", "? [a]", "(file): a key must be a plain value"),
    ],
)
def test_tags_complex_keys_and_second_documents_are_refused_with_their_line(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    text = changed(old, new)
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(f"{path}:{line_of(text, needle)}: "), problem
    assert message in problem, problem


def test_nesting_and_the_number_of_values_are_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = "municipalities: " + "[" * 200 + "]" * 200 + "\npeople: []\n"
    path, problem = the_problem(tmp_path, deep)
    assert problem.startswith(f"{path}:1: municipalities") and "nested too deeply" in problem
    monkeypatch.setattr(strict_yaml, "MAX_NODES", 100)
    many = "municipalities: []\npeople:\n" + "  - x\n" * 200
    path, problem = the_problem(tmp_path, many)
    # five values before the list (the mapping, two keys, two lists): the 96th item is one too many
    assert problem == f"{path}:{line_of(many, '- x') + 95}: (file): more than 100 values"


def test_a_merge_key_is_just_an_unknown_field_and_a_lone_equals_sign_just_text(
    tmp_path: Path,
) -> None:
    text = changed("    language: sv\n", "    language: sv\n    <<: {phone: x}\n")
    path, problem = the_problem(tmp_path, text)
    assert problem == f"{path}:{line_of(text, '<<:')}: people.0.<<: Extra inputs are not permitted"
    path = tmp_path / "equals.yaml"
    path.write_text(changed("    name: Pia Lind\n", "    name: =\n"), encoding="utf-8")
    assert orgfile.parse(path).people[1].name == "="


# --- duplicate keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "first"),
    [
        ("people:\n", "people: []\npeople:\n", "people", "people: []"),
        ("    role: official\n", "    role: admin\n    role: official\n", "people.0.role",
         "role: admin"),
        ("        name: Blå partiet\n", "        name: Blå\n        name: Blå partiet\n",
         "municipalities.0.parties.1.name", "name: Blå\n"),
    ],
)  # fmt: skip
def test_a_key_given_twice_at_any_level_is_an_error_with_both_lines(
    tmp_path: Path, old: str, new: str, field: str, first: str
) -> None:
    text = changed(old, new)
    path, problem = the_problem(tmp_path, text)
    key = field.rsplit(".", 1)[-1]
    first_line = line_of(text, first.rstrip("\n"))
    assert problem == (
        f"{path}:{first_line + 1}: {field}: '{key}' appears twice in one mapping "
        f"(first at line {first_line})"
    )


# --- control characters ------------------------------------------------------------------

CONTROLS = {
    "line break": ("\\n", 0x0A),
    "tab": ("\\t", 0x09),
    "escape": ("\\e", 0x1B),
    "NUL": ("\\0", 0x00),
    "right-to-left override": ("\\u202E", 0x202E),
    "right-to-left isolate": ("\\u2067", 0x2067),
    "next line (C1)": ("\\N", 0x85),
}
FIELDS = {
    "name": ('    name: Anna Berg\n', '    name: "Anna{c}Berg"\n', "people.0.name"),
    "handle": ("  - handle: pia\n", '  - handle: "pi{c}a"\n', "people.1.handle"),
    "key": ("  - key: norrby\n", '  - key: "norr{c}by"\n', "municipalities.1.key"),
    "phone": ('    phone: "+46 70 174 06 10"\n', '    phone: "+46 70{c}174 06 10"\n',
              "people.0.phone"),
    "party name": ("        name: Blå partiet\n", '        name: "Blå{c}partiet"\n',
                   "municipalities.0.parties.1.name"),
}  # fmt: skip


@pytest.mark.parametrize("where", sorted(FIELDS))
@pytest.mark.parametrize("what", sorted(CONTROLS))
def test_control_characters_in_names_handles_keys_and_phones_are_errors(
    tmp_path: Path, where: str, what: str
) -> None:
    escape, code = CONTROLS[what]
    old, new, field = FIELDS[where]
    text = changed(old, new.format(c=escape))
    path, problem = the_problem(tmp_path, text)
    line = line_of(text, new.format(c=escape).strip())
    assert problem == (
        f"{path}:{line}: {field}: contains an invisible or control character "
        f"(U+{code:04X}): write the value on one line without it"
    )


def test_a_raw_bidi_override_in_the_file_is_caught_and_never_echoed(tmp_path: Path) -> None:
    text = changed("    name: Pia Lind\n", "    name: Pia \u202edniL\n")
    path, problem = the_problem(tmp_path, text)
    assert problem.startswith(f"{path}:{line_of(text, 'dniL')}: people.1.name: ")
    assert "U+202E" in problem and not has_control(problem)


def test_a_raw_escape_in_the_file_is_refused_at_its_line(tmp_path: Path) -> None:
    text = changed("    name: Pia Lind\n", "    name: Pia \x1b[2J Lind\n")
    path, problem = the_problem(tmp_path, text)
    assert problem == (
        f"{path}:{line_of(text, 'Pia')}: character U+001B is not allowed (a control character)"
    )


def test_problems_quote_the_files_control_characters_escaped(tmp_path: Path) -> None:
    text = changed("    language: sv\n", '    language: sv\n    "\\e]0;pwned\\a\\e[2J": 1\n')
    path, problem = the_problem(tmp_path, text)
    assert problem == (
        f"{path}:{line_of(text, 'pwned')}: people.0.\\u001b]0;pwned\\u0007\\u001b[2J: "
        "Extra inputs are not permitted"
    )


def test_a_file_wrong_everywhere_lists_its_first_fifty_problems(tmp_path: Path) -> None:
    people = "".join(f"  - handle: p{n}\n    name: P {n}\n    role: mayor\n" for n in range(120))
    path = tmp_path / "org.yaml"
    path.write_text(VALID.split("people:")[0] + "people:\n" + people, encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        orgfile.parse(path)
    problems = caught.value.problems
    assert len(problems) == 51
    assert problems[0].startswith(f"{path}:") and "people.0.role" in problems[0]
    assert problems[-1] == "… and 70 more problems"


@pytest.mark.parametrize(
    "text",
    [
        changed("    name: Pia Lind\n", "    name: Pia \x1b[2J Lind\n"),
        changed("    name: Pia Lind\n", "    name: &p Pia Lind\n"),
        changed("    role: official\n", "    role: admin\n    role: official\n"),
        changed("    name: Pia Lind\n", '    name: "Pia\\u202eLind"\n'),
        VALID,
    ],
)
def test_without_libyaml_the_answers_are_the_same(  # (syntax errors are worded differently)
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    answers = []
    for parser in (strict_yaml._PARSER, yaml.SafeLoader):
        monkeypatch.setattr(strict_yaml, "_PARSER", parser)
        try:
            answers.append(orgfile.parse(path).model_dump())
        except DirectoryError as exc:
            answers.append({"problems": exc.problems})
    assert answers[0] == answers[1]


# --- size ------------------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_by_its_size_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper
    started = time.monotonic()
    with pytest.raises(DirectoryError) as caught:
        orgfile.parse(path)
    assert time.monotonic() - started < 1
    assert caught.value.problems == [
        f"{path}: the file is larger than 16 MB, the limit "
        "(a national directory of 40,500 people takes about 8 MB)"
    ]


def test_an_endless_file_is_refused_after_the_limit(tmp_path: Path) -> None:
    problem, _seconds = parse_in_child(Path("/dev/zero"))
    assert problem == (
        "/dev/zero: the file is larger than 16 MB, the limit "
        "(a national directory of 40,500 people takes about 8 MB)"
    )


def national_directory(people: int = 40_500, municipalities: int = 290) -> str:
    """A directory the size of Sweden's: every municipality with eight parties."""
    lines = ["municipalities:"]
    for m in range(municipalities):
        lines += [
            f"  - key: kommun-{m:03d}",
            f"    name: Kommunen med nummer {m} i landet",
            f'    security_unit_phone: "+46 8 465 {m % 1000:03d} 10"',
            f'    switchboard: "+46 8 465 {m % 1000:03d} 00"',
            "    parties:",
        ]
        for p in range(8):
            lines += [f"      - key: parti-{p}", f"        name: Partiet med nummer {p}"]
    lines.append("people:")
    for n in range(people):
        lines += [
            f"  - handle: person-{n:05d}",
            f"    name: Förnamn Efternamnsson-Dubbelnamn {n}",
            f"    role: {'party_security' if n % 10 == 0 else 'official'}",
            f"    municipality: kommun-{n % municipalities:03d}",
            f"    party: parti-{n % 8}",
            f'    phone: "+46 70 {n // 10000:03d} {n % 10000 // 100:02d} {n % 100:02d}"',
            "    language: sv",
        ]
    return "\n".join(lines) + "\n"


def test_a_national_directory_fits_under_the_cap_and_parses_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "sverige.yaml"
    path.write_text(national_directory(), encoding="utf-8")
    assert 6 * 1024 * 1024 < path.stat().st_size < strict_yaml.MAX_BYTES / 2
    started = time.monotonic()
    org = orgfile.parse(path)
    seconds = time.monotonic() - started
    assert len(org.people) == 40_500 and len(org.municipalities) == 290
    assert seconds < 15, seconds  # the plain PyYAML loader took over half a minute
