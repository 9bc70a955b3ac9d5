"""`trygg case export REF --pdf FILE | --json FILE`: a case for the police or the archive,
written owner-only by the operator at the server (who reads every case), and audited."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from bot.app import App
from bot.casefile_pdf import render
from conversations.casefile.archive import archive
from conversations.casefile.build import build, reader_context
from storage.cases import CaseRepo
from storage.errors import NotFound
from storage.files import why_not_writable, write_owner_only
from storage.models import Party, Role
from storage.trust import AuditRepo
from storage.viewer import Sender, Viewer

OPERATOR = "operator"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `case export` to the CLI."""
    case = sub.add_parser("case", help="cases: export one for the police or the archive")
    case_sub = case.add_subparsers(dest="case_command", required=True)
    export = case_sub.add_parser(
        "export", help="write a case as a PDF (for a police report) or as JSON (for the archive)"
    )
    export.add_argument("ref", metavar="REF", help="the case reference, e.g. K7M4-QX2P")
    out = export.add_mutually_exclusive_group(required=True)
    out.add_argument("--pdf", type=Path, metavar="FILE", help="the case file as a PDF")
    out.add_argument("--json", type=Path, metavar="FILE", help="everything, as JSON")
    export.add_argument("--locale", choices=["sv", "en"], help="language (default: the bot's)")


async def export(app: App, args: argparse.Namespace) -> int:
    """Export one case as the operator; print where it went (never what it says)."""
    target = args.pdf if args.pdf is not None else args.json
    problem = why_not_writable(target) if target is not None else None
    if problem is not None:  # said before the case is read or the export audited
        print(f"Cannot write the case file: {problem}.", file=sys.stderr)
        return 1
    now = app.clock()
    locale = args.locale or app.settings.default_locale
    viewer = Viewer.operator()
    async with app.db.unit_of_work() as session:
        try:
            report, access = await CaseRepo(session, app.keyring).by_ref(viewer, args.ref)
        except NotFound:
            print(f"No case {args.ref!r}.", file=sys.stderr)
            return 1
        if report.drill_id is not None:
            print(f"Case {args.ref!r} is a drill's: it is not exported.", file=sys.stderr)
            return 1
        party = await session.get(Party, report.party_id) if report.party_id else None
        # the operator reads the case as its party does (the party's own choices by name)
        operator = Sender(
            0,
            OPERATOR,
            None,
            Role.ADMIN,
            None,
            report.party_id,
            None,
            locale,
            None,
            party.pack if party is not None else None,
        )
        ctx = reader_context(
            session,
            operator,
            viewer,
            locale,
            app.catalogs,
            app.keyring,
            app.packs,
            now,
            document=True,
        )
        if args.pdf is not None:
            path, content = args.pdf, render(await build(ctx, report, access), now)
        else:
            data = await archive(ctx, report, access)
            path, content = args.json, orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
        write_owner_only(path, content)
        AuditRepo(session).record(
            OPERATOR, "case_exported", report.ref, report.municipality_id, now, report=report
        )
    print(f"Case {report.ref} written to {path} (owner-only). It holds sensitive personal data.")
    return 0
