"""The statistics file: one CSV row per case, ids, months and counts only.

The CSV carries no names and no free text: the month the case was sent, the municipality's
and party's keys, category, kinds (Brå's categories and the pack's kind ids), channels,
police report ("yes"; "decided": chosen in the report, not yet confirmed in the checklist;
"no": the checklist says it was not made; "unknown": neither), time to first take and
whether it is closed. Each row is numbered, not referenced: a case reference is a key back
to the person's case (pseudonymised data is still personal data), and a statistics file is
made to leave Trygg (the council, Brå).

`trygg stats --csv` writes it for the operator (every case); the web console for a
municipal unit or party contact (only the cases they may open themselves: a row is a count
of one, and the "< 3" rule hides such counts from anyone who may not read the case).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.packs import PackLibrary
from conversations.stats import ptu
from conversations.stats.figures import (
    category_of,
    channel_ids,
    kinds_of,
    month_of,
    police_state,
    whole_minutes,
)
from conversations.stats.periods import Period
from storage.crypto import Keyring
from storage.models import Municipality, Party
from storage.stats import CaseFacts, StatsRepo
from storage.trust import AuditRepo
from storage.viewer import Viewer

EXPORTED = "stats_exported"  # the audit action of a statistics file

COLUMNS = (
    "row",
    "month",
    "municipality",
    "party",
    "category",
    *(f"ptu_{c}" for c in ptu.CATEGORIES),
    "kinds",
    "channels",
    "police_reported",
    "first_take_minutes",
    "closed",
)


def rows(
    facts: Sequence[CaseFacts],
    keys: dict[int | None, str],
    party_keys: dict[int | None, str],
    known: frozenset[str],
) -> list[list[str]]:
    """The CSV rows: ids, months and counts only (``known``: the kind and channel ids the
    packs define; nothing else a case holds is written)."""
    out = []
    for number, case in enumerate(facts, 1):
        kinds = kinds_of(case)
        take = case.first_take
        out.append(
            [
                str(number),
                f"{month_of(case):%Y-%m}",
                keys.get(case.municipality_id, ""),
                party_keys.get(case.party_id, ""),
                category_of(case),
                *("1" if c in kinds else "0" for c in ptu.CATEGORIES),
                ";".join(sorted(k for k in case.choices & known if k in ptu.OF_KIND)),
                ";".join(sorted(k for k in case.choices & known if k not in ptu.OF_KIND)),
                police_state(case),
                "" if take is None else str(whole_minutes(take)),
                "yes" if case.closed else "no",
            ]
        )
    return out


def known_ids(packs: PackLibrary) -> frozenset[str]:
    """The kind and channel ids a row may name: what the packs define, nothing typed."""
    return channel_ids(packs) | frozenset(ptu.OF_KIND)


def csv_text(table: list[list[str]]) -> str:
    """The header and the rows as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(table)
    return out.getvalue()


def subject_of(period: Period) -> str:
    """The period as the audit log names an export: "2026-01..2026-12"."""
    return f"{period.first:%Y-%m}..{period.last:%Y-%m}"


async def keys_of(session: AsyncSession) -> tuple[dict[int | None, str], dict[int | None, str]]:
    """The municipalities' and parties' keys by id (what a row names them by)."""
    municipalities: dict[int | None, str] = {
        m.id: m.key for m in await session.scalars(select(Municipality))
    }
    parties: dict[int | None, str] = {p.id: p.key for p in await session.scalars(select(Party))}
    return municipalities, parties


@dataclass(frozen=True, slots=True)
class Export:
    """A statistics file made for someone: its text and how many cases it has."""

    text: str
    count: int


async def export_for(
    session: AsyncSession,
    keyring: Keyring,
    packs: PackLibrary,
    viewer: Viewer,
    actor: str,
    period: Period,
    now: datetime,
) -> Export:
    """The viewer's statistics file of the period (the cases they may open themselves),
    recorded in the audit log with ``actor`` as who exported it."""
    start, end = period.bounds()
    facts = await StatsRepo(session, keyring).cases(viewer, start, end, readable_only=True)
    keys, party_keys = await keys_of(session)
    table = rows(facts, keys, party_keys, known_ids(packs))
    AuditRepo(session).record(actor, EXPORTED, subject_of(period), viewer.municipality_id, now)
    return Export(csv_text(table), len(table))
