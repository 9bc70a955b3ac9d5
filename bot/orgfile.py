"""The organisation file (YAML): validated as a whole, loaded in one transaction.

An invalid file is rejected with file, line, field and reason; nothing is half-loaded.
Loading it again updates people in place, lists who is no longer in it (and removes their
roles when asked), and never brings back someone erased at their own request unless the
operator restores them by name.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import strict_yaml
from conversations.followups import ensure_duties
from conversations.packs import PackLibrary
from storage.crypto import Keyring
from storage.directory import DirectoryEntry, DirectoryRepo
from storage.errors import DirectoryError
from storage.models import Person, Role
from storage.phones import PHONE
from storage.timers import TimerRepo
from storage.trust import AuditRepo, Tombstones
from storage.viewer import Viewer

KEY = r"^[a-z0-9][a-z0-9_-]{0,63}$"
DIRECTORY_ROLES = Literal[
    "official", "party_security", "municipal_security", "municipal_director", "admin"
]
PARTY_ROLES = {"official", "party_security"}
# C0 and C1 controls (line breaks, tabs, ESC, NUL, …), Unicode line and paragraph
# separators, and the bidi embeddings, overrides and isolates that make text read backwards
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_PROBLEMS = 50  # a file wrong on every line is reported with its first problems


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if not PHONE.match(value):
        raise ValueError("not a phone number (digits, spaces, dashes, optional leading +)")
    return value


def printable(text: str) -> str:
    """Show control characters as escapes (a problem quotes what the file says)."""
    return CONTROL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and (found := CONTROL.search(value)):
            raise ValueError(
                f"contains an invisible or control character (U+{ord(found.group()):04X}): "
                "write the value on one line without it"
            )
        return value


class PartyIn(_Strict):
    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=200)
    pack: str | None = None  # a party pack (e.g. kavlinge-m) on top of the municipality's


class MunicipalityIn(_Strict):
    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=200)
    # its name in English text ("Sjövik Municipality"); without it, English says ``name``
    name_en: str | None = Field(None, min_length=1, max_length=200)
    security_unit_phone: str
    switchboard: str | None = None
    pack: str = "oxelosund"  # the municipality's routine pack
    retention_months: int = Field(default=24, ge=1, le=120)  # archive/gallring decision
    alert_retention_months: int = Field(default=12, ge=1, le=120)  # /akut alerts
    audit_retention_months: int = Field(default=60, ge=1, le=120)  # the audit log
    # no reminders or check-ins from the first hour until the second (alerts always go)
    quiet_hours: str = Field(default="21-08", pattern=r"^([01]\d|2[0-3])-([01]\d|2[0-3])$")
    parties: list[PartyIn] = Field(default_factory=list)

    _check_phones = field_validator("security_unit_phone", "switchboard")(_phone)

    @model_validator(mode="after")
    def _unique_parties(self) -> MunicipalityIn:
        keys = [p.key for p in self.parties]
        if len(keys) != len(set(keys)):
            raise ValueError("a party key appears twice in this municipality")
        return self


class PersonIn(_Strict):
    handle: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=200)
    role: DIRECTORY_ROLES
    municipality: str | None = None
    party: str | None = None
    phone: str | None = None
    language: Literal["sv", "en"] | None = None
    # function and committee (the paper form asks for it; the report then does not)
    assignment: str | None = Field(None, min_length=1, max_length=200)

    _check_phone = field_validator("phone")(_phone)

    @model_validator(mode="after")
    def _party_roles(self) -> PersonIn:
        if self.role in PARTY_ROLES and not (self.party and self.municipality):
            raise ValueError(f"role {self.role} needs a municipality and a party")
        if self.role in {"municipal_security", "municipal_director"} and not self.municipality:
            raise ValueError(f"role {self.role} needs a municipality")
        if self.role == "party_security" and not self.phone:
            raise ValueError("a party security contact needs a phone number")
        return self


class OrgFile(_Strict):
    municipalities: list[MunicipalityIn] = Field(min_length=1)
    people: list[PersonIn] = Field(default_factory=list)


def _reference_problems(org: OrgFile, packs: PackLibrary) -> list[tuple[tuple[Any, ...], str]]:
    """Check keys are unique and every reference points at something that exists."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    by_key: dict[str, MunicipalityIn] = {}
    for index, m in enumerate(org.municipalities):
        loc = ("municipalities", index)
        if m.key in by_key:
            problems.append(((*loc, "key"), f"{m.key!r} appears twice"))
        by_key[m.key] = m
        municipal = packs.packs.get(m.pack)
        if municipal is None or municipal.kind != "municipality":
            known = sorted(k for k, p in packs.packs.items() if p.kind == "municipality")
            problems.append(((*loc, "pack"), f"unknown municipality pack {m.pack!r} ({known})"))
        for p_index, party in enumerate(m.parties):
            if party.pack and packs.party_pack(party.pack) is None:
                problems.append(
                    ((*loc, "parties", p_index, "pack"), f"unknown party pack {party.pack!r}")
                )
    handles: set[str] = set()
    for index, person in enumerate(org.people):
        loc = ("people", index)
        if person.handle in handles:
            problems.append(((*loc, "handle"), f"{person.handle!r} appears twice"))
        handles.add(person.handle)
        municipality = by_key.get(person.municipality or "")
        if person.municipality and municipality is None:
            problems.append(
                ((*loc, "municipality"), f"unknown municipality {person.municipality!r}")
            )
        elif person.party and municipality is None:
            problems.append(((*loc, "party"), "a party needs a municipality"))
        elif (
            person.party
            and municipality is not None
            and person.party not in {p.key for p in municipality.parties}
        ):
            problems.append(
                (
                    (*loc, "party"),
                    f"party {person.party!r} is not listed under municipality "
                    f"{person.municipality!r}",
                )
            )
    return problems


def parse(path: Path, packs: PackLibrary | None = None) -> OrgFile:
    """Read and validate an organisation file; raise DirectoryError listing its problems."""
    try:
        doc = strict_yaml.load(strict_yaml.read_text(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise DirectoryError([f"{path}: cannot read the file ({type(exc).__name__})"]) from exc
    except strict_yaml.YamlProblem as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise DirectoryError([printable(f"{where}: {exc.message}")]) from exc
    if not isinstance(doc.data, dict):
        where = f"{path}:{doc.root_line}" if doc.root_line else str(path)
        raise DirectoryError(
            [f"{where}: (file): expected a mapping with 'municipalities' and 'people'"]
        )
    located: list[tuple[tuple[Any, ...], str]] = []
    try:
        org = OrgFile.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
            located.append((loc, error["msg"].removeprefix("Value error, ")))
    else:
        located = _reference_problems(org, packs or PackLibrary())
    if located:
        problems = []
        for loc, message in located[:MAX_PROBLEMS]:
            line_no = doc.line_for(loc)
            field = ".".join(str(p) for p in loc) or "(file)"
            where = f"{path}:{line_no}" if line_no else str(path)
            problems.append(printable(f"{where}: {field}: {message}"))
        if len(located) > MAX_PROBLEMS:
            problems.append(f"… and {len(located) - MAX_PROBLEMS} more problems")
        raise DirectoryError(problems)
    return org


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load did, and whose open alerts must be routed again (``changed``)."""

    municipalities: int
    parties: int
    people: int  # people loaded from the file
    changed: tuple[int, ...]  # ids: role, party or municipality changed, or role removed
    removed: tuple[DirectoryEntry, ...]  # no longer in the file: roles removed
    kept: tuple[DirectoryEntry, ...]  # no longer in the file: roles kept (not pruned)
    erased: tuple[str, ...]  # handles in the file of people erased at their request: skipped
    restored: tuple[str, ...]  # handles the operator restored on purpose
    withheld: tuple[str, ...]  # revoked earlier: in the file, but no role until invited


async def missing(session: AsyncSession, org: OrgFile) -> list[DirectoryEntry]:
    """People who hold a role from an earlier organisation file and are not in this one."""
    handles = {person.handle for person in org.people}
    listed = await DirectoryRepo(session).org_file_people(Viewer.operator())
    return [entry for entry in listed if entry.handle not in handles]


async def apply(
    session: AsyncSession,
    org: OrgFile,
    keyring: Keyring,
    *,
    now: datetime | None = None,
    prune: Collection[str] = (),
    restore: Collection[str] = (),
) -> LoadResult:
    """Insert or update everything in the file, audited, and report what changed."""
    # People erased at their request are skipped unless named in ``restore``. People an
    # earlier file gave a role who are missing now lose it if named in ``prune``; the others
    # keep it and are listed. Each municipality's recurring duties get a pending reminder.
    now = now or datetime.now(UTC)
    repo, operator, audit = DirectoryRepo(session), Viewer.operator(), AuditRepo(session)
    tombstones = Tombstones(session, keyring)
    erased = await tombstones.erased_among(p.handle for p in org.people)
    _check_restore(org, erased, restore)
    packs = PackLibrary()
    municipalities, parties = {}, {}
    for m in org.municipalities:
        place = await repo.upsert_municipality(
            operator, m.key, m.name, m.security_unit_phone, m.switchboard, m.pack, m.name_en
        )
        place.retention_months = m.retention_months
        place.alert_retention_months = m.alert_retention_months
        place.audit_retention_months = m.audit_retention_months
        place.quiet_hours = m.quiet_hours
        municipalities[m.key] = place
        await ensure_duties(TimerRepo(session), packs, place, now)
        for p in m.parties:
            parties[(m.key, p.key)] = await repo.upsert_party(
                operator, place, p.key, p.name, p.pack
            )
    before = await _placements(session)
    changed: list[int] = []
    loaded: list[str] = []
    withheld: list[str] = []
    for person in org.people:
        if person.handle in erased and person.handle not in restore:
            continue
        row = await repo.upsert_person(
            operator,
            handle=person.handle,
            name=person.name,
            role=Role(person.role),
            municipality=municipalities.get(person.municipality or ""),
            party=parties.get((person.municipality or "", person.party or "")),
            phone=person.phone,
            locale=person.language,
            assignment=person.assignment,
        )
        loaded.append(person.handle)
        if row.revoked_at is not None:
            withheld.append(person.handle)
        if person.handle in erased:
            await tombstones.lift(person.handle)
            audit.record("operator", "restored", person.handle, row.municipality_id, now)
        old = before.get(person.handle)
        if old is not None and old != (row.role, row.party_id, row.municipality_id):
            changed.append(row.id)
            for where in _places(old[2], row.municipality_id):
                audit.record("operator", "role_changed", person.handle, where, now)
    removed: list[DirectoryEntry] = []
    kept: list[DirectoryEntry] = []
    for entry in await missing(session, org):
        if entry.handle not in prune:
            kept.append(entry)
            continue
        gone = await repo.remove_role(operator, entry.person_id, now)
        audit.record("operator", "role_removed", entry.handle, gone.municipality_id, now)
        changed.append(gone.id)
        removed.append(entry)
    return LoadResult(
        municipalities=len(municipalities),
        parties=len(parties),
        people=len(loaded),
        changed=tuple(changed),
        removed=tuple(removed),
        kept=tuple(kept),
        erased=tuple(sorted(erased - set(restore))),
        restored=tuple(sorted(erased & set(restore))),
        withheld=tuple(withheld),
    )


def _check_restore(org: OrgFile, erased: set[str], restore: Collection[str]) -> None:
    """Refuse a ``--restore`` that names nobody erased in the file (a typo restores no one)."""
    handles = {person.handle for person in org.people}
    problems = [
        f"--restore {printable(h)}: "
        + ("not in the file" if h not in handles else "was not erased; nothing to restore")
        for h in restore
        if h not in erased
    ]
    if problems:
        raise DirectoryError(problems)


async def _placements(session: AsyncSession) -> dict[str, tuple[Role, int | None, int | None]]:
    """Everyone's (role, party id, municipality id) by handle, before the load changes it."""
    rows = await session.execute(
        select(Person.handle, Person.role, Person.party_id, Person.municipality_id)
    )
    return {handle: (role, party, place) for handle, role, party, place in rows}


def _places(old: int | None, new: int | None) -> list[int | None]:
    """The municipalities whose unit sees a change: the one left and the one joined."""
    return [old] if old == new else [p for p in (old, new) if p is not None]
