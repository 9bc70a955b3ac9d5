"""The `trygg` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot import cli_backup, cli_case, cli_drill, cli_signal, cli_stats, orgfile
from bot.app import App, configure_logging
from bot.settings import Settings
from conversations.alerts import directory_changed
from conversations.i18n import DISPLAY_TZ, CatalogMissing
from storage.crypto import CryptoError, Keyring
from storage.directory import DirectoryRepo
from storage.errors import DirectoryError, NotAllowed, NotFound, StorageError
from storage.invites import InviteError, InviteRepo
from storage.models import Role
from storage.rotation import remaining, rotate_batch, unsealed_invites
from storage.trust import AuditRepo, PeopleRepo
from storage.viewer import Viewer

DEMO_ORG = Path(__file__).resolve().parent / "demo" / "org.yaml"
DEMO_HANDLE = "anna"
MIN_HOURS, MAX_HOURS = 1, 336  # an invite code lives at most 14 days


def _hours(text: str) -> int:
    """An invite's validity in hours: a whole number from MIN_HOURS to MAX_HOURS."""
    try:
        hours = int(text)
    except ValueError:
        hours = 0
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of hours from {MIN_HOURS} to {MAX_HOURS} (14 days)"
        )
    return hours


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trygg", description="Trygg: help at 23:00.")
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="chat with the bot in the terminal")
    chat.add_argument("--as", dest="handle", required=True, metavar="HANDLE")

    sub.add_parser("demo", help="load the demo organisation and chat as one of its officials")

    org = sub.add_parser("org", help="the organisation directory")
    org_sub = org.add_subparsers(dest="org_command", required=True)
    load = org_sub.add_parser("load", help="load or update the directory from a YAML file")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--prune", action="store_true", help="remove the roles of people no longer in the file"
    )
    load.add_argument(
        "--restore",
        action="append",
        default=[],
        metavar="HANDLE",
        help="load again someone who was erased at their request (repeatable)",
    )
    org_sub.add_parser("show", help="print the directory, one person per line")

    db = sub.add_parser("db", help="the database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations up to head")
    cli_backup.add_parser(sub)

    invite = sub.add_parser("invite", help="one-time invitation codes that grant roles")
    invite_sub = invite.add_subparsers(dest="invite_command", required=True)
    create = invite_sub.add_parser("create", help="print a new code and its Telegram deep link")
    create.add_argument(
        "--role",
        required=True,
        choices=["official", "party_security", "municipal_security", "municipal_director", "admin"],
    )
    create.add_argument("--municipality", required=True, metavar="KEY")
    create.add_argument("--party", metavar="KEY")
    create.add_argument("--person", metavar="HANDLE", help="bind the code to this directory person")
    create.add_argument("--by", metavar="HANDLE", help="issue as this municipal security person")
    create.add_argument(
        "--channel",
        choices=["telegram", "signal"],
        default="telegram",
        help="how the person is invited (default telegram)",
    )
    create.add_argument(
        "--hours",
        type=_hours,
        default=72,
        help=f"valid for {MIN_HOURS}–{MAX_HOURS} hours (default 72)",
    )

    person = sub.add_parser("person", help="people")
    person_sub = person.add_subparsers(dest="person_command", required=True)
    revoke = person_sub.add_parser("revoke", help="take a person's role away at once")
    revoke.add_argument("handle")

    cli_case.add_parser(sub)

    audit = sub.add_parser("audit", help="print the audit log")
    audit.add_argument("--limit", type=int, default=100)

    keys = sub.add_parser("keys", help="encryption keys for data at rest")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("new", help="print a new key line to put first in TRYGG_KEYS")
    keys_sub.add_parser("rotate", help="re-encrypt everything under the current (first) key")

    cli_signal.add_parser(sub)
    cli_stats.add_parser(sub)
    cli_drill.add_parser(sub)

    sub.add_parser(
        "web", help="serve the web console (TRYGG_WEB_URL, TRYGG_WEB_LISTEN, TRYGG_WEB_PORT)"
    )
    run = sub.add_parser(
        "run", help="run the bot on Telegram and/or Signal (TELEGRAM_BOT_TOKEN, TRYGG_SIGNAL_RPC)"
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="serve a webhook at this public https URL instead of long polling",
    )
    return parser


async def _with_app(settings: Settings, work: Callable[[App], Awaitable[int]]) -> int:
    app = App.create(settings)
    try:
        if app.db.sqlite:
            await app.migrate()
        return await work(app)
    finally:
        await app.close()


async def _load_org(
    app: App, path: Path, *, prune: bool = False, restore: Sequence[str] = ()
) -> int:
    org = orgfile.parse(path)
    async with app.db.unit_of_work() as session:
        gone = await orgfile.missing(session, org)
    confirmed: list[str] = []
    if gone:
        print(
            f"{_people(len(gone))} with a role from an earlier file "
            f"{'is' if len(gone) == 1 else 'are'} not in {path}:"
        )
        for e in gone:
            print(f"  {e.handle}\t{e.role}\t{e.party}\t{e.municipality}")
        if prune or (sys.stdin.isatty() and _confirm("Remove their roles? [y/N] ")):
            confirmed = [e.handle for e in gone]
    async with app.db.unit_of_work() as session:
        result = await orgfile.apply(
            session, org, app.keyring, now=app.clock(), prune=confirmed, restore=restore
        )
        # alerts waiting on people who lost or changed their role go on to whoever may act
        await directory_changed(session, result.changed, app.clock())
    print(
        f"Loaded {result.municipalities} municipalities, {result.parties} parties, "
        f"{result.people} people from {path}."
    )
    if result.removed:
        print(f"Roles removed: {', '.join(e.handle for e in result.removed)}.")
    if result.kept:
        print(
            f"They keep their roles: {', '.join(e.handle for e in result.kept)}. "
            f"To remove them: trygg org load {path} --prune"
        )
    if result.erased:
        print(
            f"Erased at their request; not loaded: {', '.join(result.erased)}. "
            "To load someone again on purpose: --restore HANDLE"
        )
    if result.restored:
        print(f"Loaded again (erased earlier): {', '.join(result.restored)}.")
    if result.withheld:
        print(
            f"Revoked or removed earlier, so no role until invited again: "
            f"{', '.join(result.withheld)}."
        )
    return 0


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _confirm(question: str) -> bool:
    """Ask the operator at the terminal; only "y" or "yes" is a yes."""
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}


async def _show_org(app: App) -> int:
    async with app.db.unit_of_work() as session:
        rows = await DirectoryRepo(session).listing(Viewer.operator())
    for handle, role, party, municipality in rows:
        print(f"{handle}\t{role}\t{party}\t{municipality}")
    return 0


async def _invite(app: App, args: argparse.Namespace) -> int:
    now = app.clock()
    async with app.db.unit_of_work() as session:
        directory = DirectoryRepo(session)
        municipality = await directory.municipality_by_key(args.municipality)
        if municipality is None:
            print(f"Unknown municipality {args.municipality!r}.", file=sys.stderr)
            return 1
        party = None
        if args.party:
            party = await directory.party_by_key(municipality.id, args.party)
            if party is None:
                print(f"Unknown party {args.party!r} in {args.municipality!r}.", file=sys.stderr)
                return 1
        named = await directory.person_by_handle(args.person) if args.person else None
        if args.person and named is None:
            print(f"Unknown person {args.person!r}.", file=sys.stderr)
            return 1
        issuer = Viewer.operator()
        if args.by:
            by = await directory.person_by_handle(args.by)
            if by is None:
                print(f"Unknown issuer {args.by!r}.", file=sys.stderr)
                return 1
            issuer = Viewer.of(by)
        try:
            code = await InviteRepo(session, app.keyring).create(
                issuer,
                role=Role(args.role),
                municipality=municipality,
                party=party,
                person=named,
                now=now,
                valid_for=timedelta(hours=args.hours),
            )
        except InviteError as exc:
            print(f"Not created: {exc}.", file=sys.stderr)
            return 1
        AuditRepo(session).record(
            args.by or "operator", "invite_created", args.role, municipality.id, now
        )
    print(f"Code: {code}  (single use, valid {args.hours} h)")
    if args.channel == "signal":
        number = app.settings.signal_account or "<the bot's Signal number>"
        print(f"Signal: ask them to send this as their first message to {number}:")
        print(f"  start {code}")
        return 0
    bot = app.settings.telegram_bot_username or "<your_bot>"
    print(f"Telegram: https://t.me/{bot}?start={code.replace('-', '')}")
    print(f"Console: trygg chat --as NEW_HANDLE, then /start {code}")
    return 0


async def _revoke(app: App, handle: str) -> int:
    async with app.db.unit_of_work() as session:
        try:
            person = await PeopleRepo(session).revoke(handle, app.clock())
        except NotAllowed:
            print(f"{handle} has no role to revoke: nothing was changed.", file=sys.stderr)
            return 1
        except NotFound:
            print(f"Unknown person {handle!r}.", file=sys.stderr)
            return 1
        AuditRepo(session).record(
            "operator", "role_revoked", handle, person.municipality_id, app.clock()
        )
        # alerts waiting on them go on to whoever may act now, at once
        await directory_changed(session, [person.id], app.clock())
    print(f"{handle}: role revoked; their chats lose access at once.")
    return 0


async def _audit(app: App, limit: int) -> int:
    async with app.db.unit_of_work() as session:
        entries = await AuditRepo(session).entries(Viewer.operator(), limit=limit)
    for e in entries:  # Stockholm's time, as the operator reads it, with its offset
        at = e.at.astimezone(DISPLAY_TZ).isoformat(timespec="seconds")
        print(f"{at}\t{e.actor}\t{e.action}\t{e.subject}")
    return 0


async def _rotate(app: App) -> int:
    total = 0
    while True:
        async with app.db.unit_of_work() as session:
            done = await rotate_batch(session, app.keyring, now=app.clock())
        total += done
        if done == 0:
            break
    async with app.db.unit_of_work() as session:
        left = await remaining(session, app.keyring)
        older = await unsealed_invites(session, app.clock())
        AuditRepo(session).record(
            "operator", "keys_rotated", app.keyring.current, None, app.clock()
        )
    print(f"Re-encrypted {total} values under key {app.keyring.current}; {left} left.")
    if older:
        print(
            f"{older} open invitation code(s) were made by an older Trygg and cannot move to "
            "the new key: they stop working when the old key leaves TRYGG_KEYS. Create new "
            "ones if they are still needed."
        )
    return 0 if left == 0 else 1


async def _chat(app: App, handle: str) -> int:
    from bot.transports.console import run_console

    await run_console(app, handle)
    return 0


async def _demo(app: App) -> int:
    await _load_org(app, DEMO_ORG)
    print(f"Chatting as {DEMO_HANDLE} (an official). Ctrl-D to quit.\n")
    return await _chat(app, DEMO_HANDLE)


async def _db_upgrade(settings: Settings) -> int:
    app = App.create(settings)
    try:
        await app.migrate()
    finally:
        await app.close()
    print("Database is at the latest schema.")
    return 0


async def _run(app: App, webhook: str | None) -> int:
    telegram, signal_rpc = app.settings.telegram_bot_token, app.settings.signal_rpc
    if not telegram and not signal_rpc:
        print(
            "Neither TELEGRAM_BOT_TOKEN nor TRYGG_SIGNAL_RPC is set: see the README "
            "(Telegram, Signal).",
            file=sys.stderr,
        )
        return 2
    from bot.run_all import run_configured

    await run_configured(app, webhook)
    return 0


async def _web(app: App) -> int:
    if not app.settings.web_url:
        print(
            "TRYGG_WEB_URL is not set: the public address of the console (behind your "
            "reverse proxy), e.g. https://trygg.example.se. See docs/web.md.",
            file=sys.stderr,
        )
        return 2
    from bot.web.server import serve

    await serve(app)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = _parser().parse_args(argv)
    settings = Settings()
    configure_logging("WARNING" if args.command in {"chat", "demo"} else settings.log_level)
    try:
        if args.command == "chat":
            return asyncio.run(_with_app(settings, lambda app: _chat(app, args.handle)))
        if args.command == "demo":
            return asyncio.run(_with_app(settings, _demo))
        if args.command == "org" and args.org_command == "load":
            return asyncio.run(
                _with_app(
                    settings,
                    lambda app: _load_org(app, args.file, prune=args.prune, restore=args.restore),
                )
            )
        if args.command == "org":
            return asyncio.run(_with_app(settings, _show_org))
        if args.command == "db":
            return asyncio.run(_db_upgrade(settings))
        if args.command in ("backup", "restore"):
            return cli_backup.run(settings, args)
        if args.command == "invite":
            return asyncio.run(_with_app(settings, lambda app: _invite(app, args)))
        if args.command == "person":
            return asyncio.run(_with_app(settings, lambda app: _revoke(app, args.handle)))
        if args.command == "case":
            return asyncio.run(_with_app(settings, lambda app: cli_case.export(app, args)))
        if args.command == "audit":
            return asyncio.run(_with_app(settings, lambda app: _audit(app, args.limit)))
        if args.command == "keys" and args.keys_command == "new":
            print(Keyring.new_key_line())
            return 0
        if args.command == "keys":
            return asyncio.run(_with_app(settings, _rotate))
        if args.command == "signal":
            return asyncio.run(_with_app(settings, cli_signal.status))
        if args.command == "stats":
            return asyncio.run(_with_app(settings, lambda app: cli_stats.run(app, args)))
        if args.command == "drill":
            return asyncio.run(_with_app(settings, lambda app: cli_drill.run(app, args)))
        if args.command == "web":
            return asyncio.run(_with_app(settings, _web))
        return asyncio.run(_with_app(settings, lambda app: _run(app, args.webhook)))
    except DirectoryError as exc:
        print("The organisation file was not loaded (nothing was changed):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except CatalogMissing as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except CryptoError as exc:
        print(f"Encryption keys: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (e.g. `| head`)
        return 0
    except (StorageError, SQLAlchemyError, ConnectionError) as exc:
        print(
            f"Database problem: {type(exc).__name__} (is the database reachable and "
            "migrated? `trygg db upgrade`)",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:  # a file the operator named: its reason, never a traceback
        print(
            f"A file could not be read or written: {exc.strerror or type(exc).__name__}.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
