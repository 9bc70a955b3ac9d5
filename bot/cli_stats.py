"""`trygg stats`: the operator's statistics of a period, printed, and one CSV row per case.

The CSV (conversations.stats.export, shared with the web console) carries no names and no
free text. The file is written owner-only (0600). The printed counts follow the "< 3"
rule; the operator may access every case, so nothing is hidden from them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from conversations.packs import PackLibrary
from conversations.stats import ptu
from conversations.stats.export import COLUMNS, EXPORTED, csv_text, known_ids, rows, subject_of
from conversations.stats.figures import (
    DECIDED,
    NO,
    NOT_KNOWN,
    UNKNOWN_CATEGORY,
    YES,
    Figures,
    channel_ids,
    figures,
)
from conversations.stats.periods import Period, say
from conversations.stats.periods import month_of as read_month
from conversations.stats.view import in_list, median_span
from storage.files import why_not_writable, write_owner_only
from storage.models import Municipality, Party
from storage.stats import Cell, StatsRepo
from storage.trust import AuditRepo
from storage.viewer import Viewer

__all__ = ["COLUMNS", "add_parser", "rows", "run"]


def _month(text: str) -> str:
    try:
        read_month(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a month as YYYY-MM, e.g. 2026-01") from None
    return text.strip()


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `trygg stats` to the command line."""
    stats = sub.add_parser(
        "stats", help="statistics of a period; --csv writes one row per case (no names, no text)"
    )
    stats.add_argument("--from", dest="first", required=True, type=_month, metavar="YYYY-MM")
    stats.add_argument("--to", dest="last", required=True, type=_month, metavar="YYYY-MM")
    stats.add_argument("--municipality", metavar="KEY")
    stats.add_argument("--party", metavar="KEY", help="a party key (in --municipality if given)")
    stats.add_argument("--csv", type=Path, metavar="FILE", help="write one row per case here")


def _english(singular: str, plural: str, n: int) -> str:
    """The English plural of the chat's time spans (their msgids are English)."""
    return singular if n == 1 else plural


POLICE = (
    (YES, "reported"),
    (DECIDED, "decided but not confirmed"),
    (NO, "not reported"),
    (NOT_KNOWN, "not known"),
)
"""The police report states as the chat says them in English."""

CATEGORIES = ("party", "assignment", "internal", UNKNOWN_CATEGORY)


def _line(label: str, cells: dict[str, Cell], order: Sequence[tuple[str, str]]) -> str:
    return f"{label}: " + ", ".join(f"{name} {cells.get(k, Cell()).shown()}" for k, name in order)


def _labels(packs: PackLibrary, field: str) -> dict[str, str]:
    """Each id's English label (neutral, as the chat lists it): the default pack's, then
    the other municipality packs', then the party packs' (the operator counts across packs)."""
    first = packs.get(None)
    others = sorted(
        (p for p in packs.packs.values() if p is not first), key=lambda p: p.kind != "municipality"
    )
    labels: dict[str, str] = {}
    for pack in (first, *others):
        for choice in getattr(pack, field):
            labels.setdefault(choice.id, in_list(choice.shown("en", neutral=True)))
    return labels


def printed(figs: Figures, packs: PackLibrary) -> list[str]:
    """The period's counts, as the operator reads them ("< 3" where it applies), in the
    packs' English words (no internal ids)."""
    kind_ids = frozenset(k for p in packs.packs.values() for k in (c.id for c in p.kinds))
    kinds = [(k, label) for k, label in ptu.labels_for(kind_ids).items() if k != ptu.UNSTATED]
    channels = list(_labels(packs, "channels").items())
    named = _labels(packs, "categories")
    categories = [(c, named.get(c, c)) for c in CATEGORIES]
    lines = [f"Cases {say(figs.period, 'en')}: {figs.total.shown()}"]
    lines.append(_line("By kind (Brå PTU; a case may be several)", figs.kinds, kinds))
    lines.append(_line("By channel", figs.channels, channels))
    lines.append(_line("By category", figs.categories, categories))
    lines.append(_line("Reported to the police", figs.police, POLICE))
    if figs.median_take is not None:  # said as the chat says it, by the same rule
        lines.append(f"Median time to first take: {median_span(figs.median_take, _english)}")
    per_month = ", ".join(
        f"{month:%Y-%m} {sum(c.n for c in cells.values())}" for month, cells in figs.monthly.items()
    )
    lines.append(f"Per month: {per_month}")
    return lines


async def run(app: App, args: argparse.Namespace) -> int:
    """Count the period for the operator; write the CSV if asked."""
    period = Period(read_month(args.first), read_month(args.last))
    if period.first > period.last:
        print("--from must not be after --to.", file=sys.stderr)
        return 1
    problem = why_not_writable(args.csv) if args.csv is not None else None
    if problem is not None:  # said before anything is counted or audited
        print(f"Cannot write the CSV: {problem}.", file=sys.stderr)
        return 1
    start, end = period.bounds()
    async with app.db.unit_of_work() as session:
        municipalities = list(await session.scalars(select(Municipality)))
        parties = list(await session.scalars(select(Party)))
        municipality_ids = None
        if args.municipality:
            municipality_ids = [m.id for m in municipalities if m.key == args.municipality]
            if not municipality_ids:
                print(f"Unknown municipality {args.municipality!r}.", file=sys.stderr)
                return 1
        party_ids = None
        if args.party:
            party_ids = [
                p.id
                for p in parties
                if p.key == args.party
                and (municipality_ids is None or p.municipality_id in municipality_ids)
            ]
            if not party_ids:
                print(f"Unknown party {args.party!r}.", file=sys.stderr)
                return 1
        facts = await StatsRepo(session, app.keyring).cases(
            Viewer.operator(),
            start,
            end,
            municipality_ids=municipality_ids,
            party_ids=party_ids,
        )
        where = municipality_ids[0] if municipality_ids and len(municipality_ids) == 1 else None
        AuditRepo(session).record("operator", EXPORTED, subject_of(period), where, app.clock())
    packs = app.packs
    channels = channel_ids(packs)
    figs = figures(facts, period, channels)
    for line in printed(figs, packs):
        print(line)
    if args.csv is not None:
        table = rows(
            facts,
            {m.id: m.key for m in municipalities},
            {p.id: p.key for p in parties},
            known_ids(packs),
        )
        write_owner_only(args.csv, csv_text(table).encode("utf-8"))
        print(f"Wrote {len(table)} rows to {args.csv} (owner-only; no names, no free text).")
    return 0
