"""A seeded set of sent cases for the statistics tests and the README chart: inserted
directly (sealed answers, report alerts, recipients, checklist answers), fast and the same
on every run for the same seed.

The cases are in the demo municipality (Sjövik: Gröna partiet with Pia and Per, Blå partiet
with Britt, Sara in the security unit) and in a second one (Östvik) none of them belong to.
Every case carries the same free-text answer and the targeted person's name, so a test can
assert that neither leaves Trygg in an export.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from storage.models import (
    Alert,
    AlertRecipient,
    AlertStatus,
    ChecklistAnswer,
    Municipality,
    Party,
    Person,
    Report,
    ReportStatus,
)
from storage.reports import new_reference

SECRET_WHAT = "Han skrev att han vet var jag bor på Ekvägen 7 och att jag ska akta mig."
TARGETED = "Anna Berg"
KINDS = ("threat", "harassment", "hate", "violence", "blackmail", "corruption")
CHANNELS = ("letter", "phone", "sms_mms", "email", "social_media", "in_person")
CATEGORIES = ("party", "assignment", "internal", "unknown", None)
FIRST = datetime(2025, 1, 1, tzinfo=UTC)
LAST = datetime(2026, 11, 20, tzinfo=UTC)


@dataclass
class Seeded:
    """What was inserted: the people by handle and the report ids."""

    people: dict[str, int]
    sjovik: int
    ostvik: int
    parties: dict[str, int]  # gp, bp (Sjövik), ost (Östvik)
    reports: list[str] = field(default_factory=list)


async def ostvik(app: App) -> tuple[int, int]:
    """Add a second municipality with a party of its own; return (municipality, party)."""
    async with app.db.unit_of_work() as session:
        found = await session.scalar(select(Municipality).where(Municipality.key == "ostvik"))
        if found is None:
            found = Municipality(
                key="ostvik", name="Östviks kommun", security_unit_phone="+46 8 465 004 40"
            )
            found.pack = "vasteras"
            session.add(found)
            await session.flush()
            session.add(Party(municipality_id=found.id, key="gp", name="Gröna partiet"))
            await session.flush()
        party = await session.scalar(select(Party).where(Party.municipality_id == found.id))
        assert party is not None
        return found.id, party.id


async def directory(app: App) -> Seeded:
    other, other_party = await ostvik(app)
    async with app.db.unit_of_work() as session:
        people = {p.handle: p.id for p in await session.scalars(select(Person))}
        sjovik = await session.scalar(select(Municipality.id).where(Municipality.key == "sjovik"))
        assert sjovik is not None
        parties = {
            p.key: p.id
            for p in await session.scalars(select(Party).where(Party.municipality_id == sjovik))
        }
    return Seeded(people, sjovik, other, {**parties, "ost": other_party})


async def add_case(
    app: App,
    seeded: Seeded,
    *,
    submitted: datetime,
    party: str = "gp",
    category: str | None = "party",
    kinds: tuple[str, ...] = ("threat",),
    channels: tuple[str, ...] = ("sms_mms",),
    measures: tuple[str, ...] = (),
    recipients: tuple[str, ...] = ("pia",),
    taken_after: timedelta | None = None,
    checklist: tuple[tuple[str, str], ...] = (),
    closed: bool = False,
) -> str:
    """Insert one sent case with its report alert; return its id."""
    async with app.db.unit_of_work() as session:
        case = _case(app, seeded, submitted, party, category, kinds, channels, measures, closed)
        session.add(case)
        await session.flush()
        session.add_all(_alert(seeded, case, recipients, taken_after, checklist))
    seeded.reports.append(case.id)
    return case.id


def _case(
    app: App,
    seeded: Seeded,
    submitted: datetime,
    party: str,
    category: str | None,
    kinds: tuple[str, ...],
    channels: tuple[str, ...],
    measures: tuple[str, ...],
    closed: bool,
) -> Report:
    report_id = uuid.uuid4().hex
    answers = {
        "_v": 2,
        "targeted": {"text": f"{TARGETED}, byggnadsnämnden"},
        "what": {"text": SECRET_WHAT},
        "nature": {"choices": [*kinds, *channels], "text": "och på Facebook"},
        "measures": {"choices": list(measures)},
    }
    if category is not None:
        answers["category"] = {"choice": category}
    municipality = seeded.ostvik if party == "ost" else seeded.sjovik
    return Report(
        id=report_id,
        ref=new_reference(),
        status=ReportStatus.CLOSED if closed else ReportStatus.SUBMITTED,
        reporter_id=seeded.people["anna"],
        targeted_id=seeded.people["anna"],
        municipality_id=municipality,
        party_id=seeded.parties[party],
        pack="vasteras" if party == "ost" else "oxelosund",
        category=category,
        answers=app.keyring.seal_json(answers, table="report", column="answers", row=report_id),
        created_at=submitted - timedelta(minutes=12),
        updated_at=submitted,
        submitted_at=submitted,
        closed_at=submitted + timedelta(days=20) if closed else None,
    )


def _alert(
    seeded: Seeded,
    case: Report,
    recipients: tuple[str, ...],
    taken_after: timedelta | None,
    checklist: tuple[tuple[str, str], ...],
) -> list[object]:
    submitted = case.submitted_at
    assert submitted is not None
    alert = Alert(
        id=uuid.uuid4().hex,
        kind="report",
        report_id=case.id,
        municipality_id=case.municipality_id,
        party_id=case.party_id,
        status=AlertStatus.ACKNOWLEDGED if taken_after is not None else AlertStatus.OPEN,
        level=1,
        levels=2,
        ack_minutes=120,
        acknowledged_by=seeded.people[recipients[0]] if taken_after and recipients else None,
        acknowledged_at=submitted + taken_after if taken_after is not None else None,
        created_at=submitted,
    )
    rows: list[object] = [alert]
    rows += [
        AlertRecipient(
            alert_id=alert.id, person_id=seeded.people[h], level=1, notified_at=submitted
        )
        for h in recipients
    ]
    rows += [
        ChecklistAnswer(
            report_id=case.id,
            item_id=item,
            answer=answer,
            answered_at=submitted + timedelta(hours=n + 1),
        )
        for n, (item, answer) in enumerate(checklist)
    ]
    return rows


async def seed(app: App, count: int = 500, seed: int = 20) -> Seeded:
    """Insert ``count`` random sent cases (the same ones for the same seed)."""
    rng = random.Random(seed)
    seeded = await directory(app)
    span = (LAST - FIRST).total_seconds()
    later: list[object] = []
    async with app.db.unit_of_work() as session:
        for _ in range(count):
            party = rng.choices(("gp", "bp", "ost"), (50, 35, 15))[0]
            category = rng.choice(CATEGORIES)
            submitted = FIRST + timedelta(seconds=int(rng.random() * span))
            kinds = tuple(rng.sample(KINDS, rng.choice((0, 1, 1, 1, 2, 3))))
            channels = tuple(rng.sample(CHANNELS, rng.choice((0, 1, 1, 2))))
            measures = ("police_report",) if rng.random() < 0.2 else ()
            if rng.random() < 0.2:
                measures += ("protective",)
            contacts = {"gp": ("pia", "per"), "bp": ("britt",), "ost": ()}[party]
            recipients = tuple(h for h in contacts if rng.random() < 0.8)
            if party != "ost" and (category == "assignment" or rng.random() < 0.4):
                recipients += ("sara",)
            taken = timedelta(minutes=rng.randint(1, 600)) if rng.random() < 0.7 else None
            checklist: tuple[tuple[str, str], ...] = ()
            if rng.random() < 0.15:
                checklist = (("3.1.3", "no"), ("3.1.3", "yes"))
            elif rng.random() < 0.1:
                checklist = (("3.1.3", "yes"), ("3.1.3", "no"))  # a change of answer
            case = _case(
                app,
                seeded,
                submitted,
                party,
                category,
                kinds,
                channels,
                measures,
                rng.random() < 0.3,
            )
            session.add(case)
            later += _alert(seeded, case, recipients, taken if recipients else None, checklist)
            seeded.reports.append(case.id)
        await session.flush()  # the reports first: alerts and answers point at them
        session.add_all(later)
    return seeded
