"""`trygg drill start|end`: the operator runs a drill (övning) for a municipality."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.app import App
from conversations import drills
from storage.drills import DrillRepo
from storage.models import Municipality, Person
from storage.viewer import Viewer


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `trygg drill …` to the command line."""
    drill = sub.add_parser("drill", help="drills (övningar): an alert for practice, sped up")
    drill_sub = drill.add_subparsers(dest="drill_command", required=True)
    start = drill_sub.add_parser("start", help="start a drill; the unit gets a report at the end")
    start.add_argument("--municipality", required=True, help="the municipality's key")
    start.add_argument(
        "--people",
        help="handles, comma-separated: the first elected official is the one the alert is "
        "about, the others the contacts alerted (default: an official and their whole chain)",
    )
    start.add_argument(
        "--speed", type=int, default=drills.DEFAULT_SPEED, help="how many times faster time runs"
    )
    end = drill_sub.add_parser("end", help="end the municipality's running drill now")
    end.add_argument("--municipality", required=True, help="the municipality's key")


async def run(app: App, args: argparse.Namespace) -> int:
    """Start or end a drill; 1 if there is nothing to do it with."""
    now = app.clock()
    async with app.db.unit_of_work() as session:
        municipality = (
            await session.scalars(select(Municipality).where(Municipality.key == args.municipality))
        ).first()
        if municipality is None:
            print(f"No municipality with the key {args.municipality!r}.")
            return 1
        if args.drill_command == "end":
            drill = await DrillRepo(session).running(municipality.id)
            if drill is None:
                print("No drill is running there.")
                return 1
            await drills.end(session, drill, now, "operator")
            print(f"Drill {drill.id} ended; the security unit gets the report.")
            return 0
        subject_id, chosen = None, None
        if args.people:
            handles = [h.strip() for h in args.people.split(",") if h.strip()]
            people = (
                await session.scalars(
                    select(Person).where(
                        Person.handle.in_(handles), Person.municipality_id == municipality.id
                    )
                )
            ).all()
            if len(people) != len(set(handles)):
                print("Not everyone given is in that municipality's directory.")
                return 1
            by_handle = {p.handle: p for p in people}
            subject = next(
                (by_handle[h] for h in handles if by_handle[h].role.value == "official"), None
            )
            if subject is None:
                print("--people needs an elected official (the alert is about them).")
                return 1
            subject_id = subject.id
            chosen = {p.id for p in people if p.id != subject.id}
        if await DrillRepo(session).running(municipality.id) is not None:
            print("A drill is already running there (`trygg drill end` ends it).")
            return 1
        started = await drills.start(
            session,
            app.packs,
            Viewer.operator(),
            municipality.id,
            now,
            speed=args.speed,
            subject_id=subject_id,
            chosen=chosen,
            keyring=app.keyring,
            story=app.catalogs.gettext(app.settings.default_locale)(drills.STORY),
        )
        if started is None:
            print("Nobody to alert in that drill: no official with security contacts given.")
            return 1
    count = sum(len(level) for level in started.levels)
    wait = round((started.ends_at - now).total_seconds())
    print(
        f"Drill {started.drill_id} started: {len(started.levels)} levels, {count} people; "
        f"it ends in about {wait} s (the running bot sends the messages)."
    )
    return 0
