"""Timers after a report: nudges and check-ins on the right days, quiet hours across DST,
downtime, two workers on one database, and the organisation's recurring duties."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from bot.timers import TimerRunner
from conversations.alerts import SystemContext, TimerHandler
from conversations.events import Reply
from conversations.notices import NOTICE_TOKEN
from conversations.schedule import days_after
from storage.models import Alert, AlertStatus, Timer, TimerState
from storage.timers import TimerRepo
from tests.conftest import REPO, FakeClock
from tests.test_case import (
    MONDAY_10,
    Submitted,
    about,
    last_outbox_id,
    outbox,
    pending_timers,
    submit_report,
    take,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Tests of the conversation logic run on SQLite only; the storage-sensitive ones on both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POSTGRESQL_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@dataclass
class Transport:
    """Keeps what would be sent, with the buttons."""

    channel: str = "console"
    sent: list[tuple[str, Reply]] = field(default_factory=list)

    async def send(self, address: str, replies: Sequence[Reply], priority: int = 3) -> None:
        self.sent += [(address, reply) for reply in replies]

    def to(self, address: str) -> list[Reply]:
        return [reply for a, reply in self.sent if a == address]


CALLED = (
    "I fara nu: ring 112.\nJag har bett Pia Lind att ringa dig.\n"
    "Om ingen tar det inom 10 minuter larmar jag Per Ek."
)


async def connect(chat, *handles: str) -> None:  # type: ignore[no-untyped-def]
    """Give people a console address, so the outbox can reach them."""
    for handle in handles:
        await chat(handle).say("/hjalp")


async def news(app: App, case: Submitted, mark: int) -> list[tuple[str, str]]:
    return about(await outbox(app, mark), case)


async def taken_monday(chat, clock: FakeClock) -> Submitted:  # type: ignore[no-untyped-def]
    """Monday 10:00: Anna's party report, taken by Pia (both have chatted)."""
    clock.now = MONDAY_10
    await connect(chat, "anna", "pia")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    return case


async def run_at(
    app: App, clock: FakeClock, when: datetime, case: Submitted
) -> list[tuple[str, str]]:
    """Move the clock, run what is due, return (recipient, kind) of what it sent about the case."""
    mark = await last_outbox_id(app)
    clock.now = when
    await app.timer_runner().run_due()
    return await news(app, case, mark)


# --- nudges and check-ins on the right days --------------------------------------------------


async def test_nudges_and_check_ins_come_on_the_right_days(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    await connect(chat, "anna", "pia", "sara", "bo", "britt")
    anna_case = await submit_report(chat, "anna", "party")
    bo_case = await submit_report(chat, "bo", "party")
    await take(chat, "pia", anna_case)
    await take(chat, "britt", bo_case)
    transport = Transport()
    sender = demo_app.outbox_sender(transport)
    await sender.deliver_due()
    transport.sent.clear()

    # day: (just before → nothing; at the time → these, for Anna's and Bo's cases).
    # Britt documents follow-up 1 with Bo on day 3: his case gets no reminder or escalation.
    expected = {
        1: ([("anna", "checkin_ask")], [("bo", "checkin_ask")]),
        2: ([("pia", "followup_nudge")], [("britt", "followup_nudge")]),
        7: ([("anna", "checkin_ask")], [("bo", "checkin_ask")]),
        10: ([("pia", "followup_nudge")], []),
        14: ([("sara", "followup_overdue")], []),
    }
    stages = []
    for day, (for_anna, for_bo) in expected.items():
        due = days_after(MONDAY_10, day)
        assert due.astimezone(STOCKHOLM).strftime("%H:%M") == "10:00"
        mark = await last_outbox_id(demo_app)
        assert await run_at(demo_app, clock, due - timedelta(minutes=1), anna_case) == []
        assert await news(demo_app, bo_case, mark) == []
        assert await run_at(demo_app, clock, due, anna_case) == for_anna, day
        assert await news(demo_app, bo_case, mark) == for_bo, day
        stages += [
            p.get("stage") for _, _, k, p in await outbox(demo_app, mark) if k == "followup_nudge"
        ]
        if day == 1:  # The check-in reaches Anna with its three buttons.
            await sender.deliver_due()
            [ask] = transport.to("anna")
            assert ask.text == (
                f"Hej, det är Trygg, om det som hände (ärende {anna_case.ref}). Hur mår du? "
                "Vill du att någon ringer dig?"
            )
            assert [(b.id, b.label) for row in ask.buttons for b in row] == [
                (f"checkin:{anna_case.id}:yes", "Ja, ring mig"),
                (f"checkin:{anna_case.id}:no", "Nej, jag klarar mig"),
                (f"checkin:{anna_case.id}:stop", "Sluta fråga"),
            ]
            assert ask.token == NOTICE_TOKEN
        if day == 2:
            clock.now = days_after(MONDAY_10, 3)
            britt = chat("britt")
            await britt.say(f"/arende {bo_case.ref}")
            await britt.press("case:followup")
            await britt.press("fu:today")
            await britt.say("Bo och Britt")
            await britt.say("Bo mår bra.")
            await britt.press("fu:no")
            assert "dokumenterat" in await britt.press("fu:not_needed")
            assert "behövs inte" in await britt.press("next:none")
    assert stages == ["nudge", "nudge", "remind"]
    await sender.deliver_due()
    assert [r.text for r in transport.to("pia")] == [
        f"Ärende {anna_case.ref}: boka uppföljningssamtal 1 med Anna Berg – det ska hållas inom "
        "två veckor efter händelsen.",
        f"Ärende {anna_case.ref}: uppföljningssamtal 1 är inte dokumenterat än. Det ska hållas "
        "inom två veckor; därefter meddelas kommunens säkerhetsenhet.",
    ]
    assert [r.text for r in transport.to("sara")] == [
        f"Ärende {anna_case.ref}: uppföljningssamtal 1 har inte dokumenterats inom två veckor. "
        "Se till att personen följs upp."
    ]

    # "Yes, call me": an alert to the security contact, who acknowledges it.
    anna, pia = chat("anna"), chat("pia")
    reply = await anna.press(f"checkin:{anna_case.id}:yes", token=NOTICE_TOKEN)
    assert reply == CALLED, reply  # the way out first, and who comes next
    async with demo_app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert).where(Alert.kind == "checkin"))).one()
    assert (alert.report_id, alert.status) == (anna_case.id, AlertStatus.OPEN)
    await sender.deliver_due()
    [call] = transport.to("pia")[-1:]
    assert call.text.startswith(
        f"Avstämning från Trygg: Anna Berg (Gröna partiet, Sjöviks kommun) vill att någon ringer "
        f"(ärende {anna_case.ref})."
    )
    assert f"ack:{alert.id}" in [b.id for row in call.buttons for b in row]
    assert "Tack – det är ditt" in await pia.press(f"ack:{alert.id}", token=NOTICE_TOKEN)
    async with demo_app.db.unit_of_work() as session:
        acked = await session.get(Alert, alert.id)
        assert acked is not None
        assert (acked.status, acked.acknowledged_at) == (AlertStatus.ACKNOWLEDGED, clock.now)
        escalations = await TimerRepo(session).pending("alert_escalate", alert.id)
        assert escalations == []  # taken: it will not escalate
    await sender.deliver_due()
    assert "Pia Lind ringer dig." in transport.to("anna")[-1].text  # a check-in

    # "No, I'm fine" changes nothing; "Stop asking" ends the check-ins: day 30 stays quiet.
    reply = await anna.press(f"checkin:{anna_case.id}:no", token=NOTICE_TOKEN)
    assert reply == "Tack. Då ringer ingen dig nu. Skriv till mig när du behöver."
    reply = await anna.press(f"checkin:{anna_case.id}:stop", token=NOTICE_TOKEN)
    assert reply == "Jag slutar fråga hur du mår. Du kan alltid skriva till mig.\n[1] Fråga igen"
    mark = await last_outbox_id(demo_app)
    assert await run_at(demo_app, clock, days_after(MONDAY_10, 30), anna_case) == []
    assert await news(demo_app, bo_case, mark) == [("bo", "checkin_ask")]  # Bo didn't opt out
    # Someone else can't answer (or stop) Anna's check-ins.
    reply = await chat("bo").press(f"checkin:{anna_case.id}:yes", token=NOTICE_TOKEN)
    assert reply == "That case is not available to you."


@SQLITE_ONLY
async def test_check_ins_can_be_stopped_and_started_again_from_the_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat)
    await take(chat, "pia", case)
    anna = chat("anna")
    assert await run_at(demo_app, clock, days_after(MONDAY_10, 1), case) == [
        ("anna", "checkin_ask")
    ]
    reply = await anna.press(f"checkin:{case.id}:stop", token=NOTICE_TOKEN)
    assert reply.startswith("Jag slutar fråga hur du mår.")
    seen = await chat("pia").say(f"/arende {case.ref}")  # Pia sees that she stopped them
    assert "Anna Berg har bett Trygg att sluta med avstämningarna." in seen, seen
    await anna.say(f"/arende {case.ref}")
    assert [label for _, label, _ in anna.buttons][-1] == "Starta avstämningarna igen"
    started = await anna.press("case:start_checkins")
    assert "Jag hör av mig till dig igen. Nästa avstämning: måndag 30 november kl. 10.00" in started
    # said, with one press to take it back: not her whole case again
    assert [label for _, label, _ in anna.buttons][-2:] == ["Stoppa avstämningarna", "Visa ärendet"]
    assert "Det här har gjorts i ditt ärende" not in started
    # Started again: the day-7 check-in comes.
    mark = await last_outbox_id(demo_app)
    clock.now = days_after(MONDAY_10, 7)
    await demo_app.timer_runner().run_due()
    assert ("anna", "checkin_ask") in await news(demo_app, case, mark)
    # Stopped from the case view: day 30 stays quiet.
    await anna.say(f"/arende {case.ref}")
    assert "Jag slutar fråga hur du mår." in await anna.press("case:stop_checkins")
    mark = await last_outbox_id(demo_app)
    clock.now = days_after(MONDAY_10, 30)
    await demo_app.timer_runner().run_due()
    assert ("anna", "checkin_ask") not in await news(demo_app, case, mark)
    # Started again after the last one planned (day 30): one more comes a week later.
    await anna.say(f"/arende {case.ref}")
    started = await anna.press("case:start_checkins")
    assert "Nästa avstämning: onsdag 30 december kl. 10.00" in started, started
    mark = await last_outbox_id(demo_app)
    clock.now = days_after(MONDAY_10, 37)
    await demo_app.timer_runner().run_due()
    assert ("anna", "checkin_ask") in await news(demo_app, case, mark)


# --- quiet hours across a daylight-saving change ---------------------------------------------


async def test_quiet_hours_across_the_spring_dst_change(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    reported = datetime(2026, 3, 26, 22, 30, tzinfo=STOCKHOLM)  # Thursday, CET (+01:00)
    clock.now = reported.astimezone(UTC)
    case = await submit_report(chat, "anna", "party", police=True)  # Pia, then Per, then Sara

    timers = await pending_timers(demo_app, case.id)
    local = [
        (due.astimezone(STOCKHOLM).strftime("%a %d %b %H:%M %z"), kind) for kind, due in timers
    ]
    assert local == [  # each at the report's wall time (22:30), moved out of quiet hours
        ("Sat 28 Mar 08:00 +0100", "checkin"),  # day 1: still CET
        # day 2, Sunday: the contact's reminder waits for Monday; CEST since Sunday 02:00
        ("Mon 30 Mar 08:00 +0200", "followup_first"),
        ("Fri 03 Apr 08:00 +0200", "checkin"),  # day 7
        ("Tue 07 Apr 08:00 +0200", "followup_first"),  # day 10: remind (not annandag påsk)
        ("Fri 10 Apr 08:00 +0200", "followup_first"),  # day 14: escalate
        ("Sun 26 Apr 08:00 +0200", "checkin"),  # day 30
    ]
    nudge = min(due for kind, due in timers if kind == "followup_first")
    assert nudge == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)

    # Alerts are not moved: nobody took the report, so it escalates in the night.
    night = await run_at(demo_app, clock, clock.now + timedelta(hours=2), case)
    assert night == [("per", "alert"), ("pia", "alert")]  # Per now, Pia reminded once
    assert clock.now.astimezone(STOCKHOLM).strftime("%H:%M") == "00:30"
    night = await run_at(demo_app, clock, clock.now + timedelta(hours=2), case)
    assert night == [("sara", "alert"), ("per", "alert")]
    assert clock.now.astimezone(STOCKHOLM).strftime("%H:%M") == "02:30"
    await take(chat, "pia", case)

    # Day 1 (Friday 22:30) is moved to Saturday 08:00, still in CET.
    first = datetime(2026, 3, 28, 8, 0, tzinfo=STOCKHOLM)
    # the director's item, told when the night's quiet hours ended (Friday 08:00)
    assert await run_at(demo_app, clock, datetime(2026, 3, 27, 22, 30, tzinfo=STOCKHOLM), case) == [
        ("kent", "item_owned")
    ]
    assert await run_at(demo_app, clock, first - timedelta(minutes=1), case) == []
    assert await run_at(demo_app, clock, first, case) == [("anna", "checkin_ask")]
    assert clock.now == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)

    # The nudge is not sent at the report's wall time two days later (22:30), nor at night,
    # nor on the Sunday: on Monday at 08:00, in CEST.
    for moment in (
        datetime(2026, 3, 28, 22, 30, tzinfo=STOCKHOLM),
        datetime(2026, 3, 29, 1, 59, tzinfo=STOCKHOLM),
        datetime(2026, 3, 29, 3, 0, tzinfo=STOCKHOLM),  # 02:00 CET became 03:00 CEST
        datetime(2026, 3, 29, 8, 0, tzinfo=STOCKHOLM),
        datetime(2026, 3, 30, 7, 59, tzinfo=STOCKHOLM),
    ):
        assert ("pia", "followup_nudge") not in await run_at(demo_app, clock, moment, case)
    sent = await run_at(demo_app, clock, datetime(2026, 3, 30, 8, 0, tzinfo=STOCKHOLM), case)
    assert sent == [("pia", "followup_nudge")]
    assert clock.now == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)

    # Down from before the day-7 check-in (Fri 08:00) until 22:15: it is due, but it is night.
    late = datetime(2026, 4, 3, 22, 15, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, late, case) == []
    moved = [due for kind, due in await pending_timers(demo_app, case.id) if kind == "checkin"]
    assert moved[0] == datetime(2026, 4, 4, 8, 0, tzinfo=STOCKHOLM)
    async with demo_app.db.unit_of_work() as session:
        fired = (
            await session.scalars(
                select(Timer).where(Timer.kind == "checkin", Timer.state == TimerState.FIRED)
            )
        ).all()
    assert sorted(t.due_at.astimezone(STOCKHOLM).day for t in fired) == [3, 28]
    assert await run_at(demo_app, clock, moved[0] - timedelta(minutes=1), case) == []
    assert await run_at(demo_app, clock, moved[0], case) == [("anna", "checkin_ask")]


@SQLITE_ONLY
async def test_a_check_in_alert_is_not_held_back_by_quiet_hours(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 3, 28, 23, 40, tzinfo=STOCKHOLM).astimezone(UTC)
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    # Anna answers a check-in at night: the alert goes out at once and escalates in 10 minutes.
    mark = await last_outbox_id(demo_app)
    reply = await chat("anna").press(f"checkin:{case.id}:yes", token=NOTICE_TOKEN)
    assert reply == CALLED
    async with demo_app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert).where(Alert.kind == "checkin"))).one()
    assert [(h, k, p) for _, h, k, p in await outbox(demo_app, mark)] == [
        ("pia", "alert", {"alert": alert.id})
    ]
    mark = await last_outbox_id(demo_app)
    clock.advance(minutes=10)
    await demo_app.timer_runner().run_due()
    assert clock.now.astimezone(STOCKHOLM).strftime("%H:%M") == "23:50"
    assert [(h, k, p) for _, h, k, p in await outbox(demo_app, mark)] == [
        ("per", "alert", {"alert": alert.id, "escalated": True}),
        ("pia", "alert", {"alert": alert.id, "reminder": True}),
    ]


# --- durable timers: downtime, two workers ---------------------------------------------------


async def test_a_timer_due_during_downtime_fires_once_on_start(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, settings: Settings
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat)
    await take(chat, "pia", case)
    mark = await last_outbox_id(demo_app)
    await demo_app.close()  # the bot stops

    clock.now = days_after(MONDAY_10, 2) + timedelta(hours=3)  # day 1 and 2 came meanwhile
    started = App.create(settings, clock=clock)
    try:
        assert await started.timer_runner().run_due() == 2
        assert await news(started, case, mark) == [
            ("anna", "checkin_ask"),
            ("pia", "followup_nudge"),
        ]
        assert await started.timer_runner().run_due() == 0
        async with started.db.unit_of_work() as session:
            fired = (
                await session.execute(
                    select(Timer.kind, Timer.due_at, Timer.fired_at)
                    .where(Timer.subject == case.id, Timer.state == TimerState.FIRED)
                    .order_by(Timer.due_at)
                )
            ).all()
        assert [tuple(row) for row in fired] == [  # late, never lost
            ("checkin", days_after(MONDAY_10, 1), clock.now),
            ("followup_first", days_after(MONDAY_10, 2), clock.now),
        ]
        again = App.create(settings, clock=clock)  # and a restart fires nothing again
        try:
            assert await again.timer_runner().run_due() == 0
        finally:
            await again.close()
        assert len(await news(started, case, mark)) == 2
    finally:
        await started.close()


COUNT = 2000
COUNT_SQLITE = 1000


async def _due_timers(app: App, clock: FakeClock, count: int, later: int = 0) -> list[int]:
    """``count`` timers due a minute ago and ``later`` more due in an hour; their ids."""
    async with app.db.unit_of_work() as session:
        repo = TimerRepo(session)
        timers = [
            repo.schedule("count", str(n), clock.now - timedelta(minutes=1)) for n in range(count)
        ]
        timers += [
            repo.schedule("count", f"later-{n}", clock.now + timedelta(hours=1))
            for n in range(later)
        ]
        await session.flush()
        return [t.id for t in timers]


def _counting(fired: list[tuple[str, int]], name: str) -> TimerHandler:
    async def handler(sc: SystemContext, timer: Timer) -> None:
        fired.append((name, timer.id))
        await asyncio.sleep(0)

    return handler


async def _states(app: App) -> dict[TimerState, int]:
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Timer.state, func.count()).where(Timer.kind == "count").group_by(Timer.state)
        )
        return {state: n for state, n in rows}


async def test_two_workers_fire_each_timer_once(
    app: App, clock: FakeClock, settings: Settings
) -> None:
    fired: list[tuple[str, int]] = []
    other = App.create(settings, clock=clock)
    try:
        a = TimerRunner(app.db, app.keyring, app.packs, {"count": _counting(fired, "a")}, clock)
        b = TimerRunner(
            other.db, other.keyring, other.packs, {"count": _counting(fired, "b")}, clock
        )
        if app.db.sqlite:
            # SQLite runs one worker at a time: half the timers now, half an hour later.
            count = COUNT_SQLITE
            ids = await _due_timers(app, clock, count // 2, later=count // 2)
            assert (await a.run_due(), await b.run_due()) == (count // 2, 0)
            clock.advance(hours=1)
            assert (await b.run_due(), await a.run_due()) == (count // 2, 0)
        else:
            count = COUNT
            ids = await _due_timers(app, clock, count)
            totals = await asyncio.gather(a.run_due(), b.run_due())
            assert sum(totals) == count
            assert min(totals) > 0, totals  # both workers took part
        assert len(fired) == count
        assert Counter(timer_id for _, timer_id in fired) == Counter(ids)  # each exactly once
        assert await _states(app) == {TimerState.FIRED: count}
        assert (await a.run_due(), await b.run_due()) == (0, 0)
        # A worker holding a stale list of due timers cannot claim one that was fired.
        async with other.db.unit_of_work() as session:
            assert not await TimerRepo(session).claim(ids[0], clock.now)
    finally:
        await other.close()


WORKER = """
import asyncio, json, sys
from datetime import datetime
from bot.app import App
from bot.settings import Settings
from bot.timers import TimerRunner

async def main() -> None:
    now = datetime.fromisoformat(sys.argv[1])
    app = App.create(Settings(), clock=lambda: now)
    fired = []

    async def handler(sc, timer):
        fired.append(timer.id)
        await asyncio.sleep(0)

    runner = TimerRunner(app.db, app.keyring, app.packs, {"count": handler}, app.clock)
    await runner.next_due()  # connected
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await runner.run_due()
    await app.close()
    print(json.dumps(fired), flush=True)

asyncio.run(main())
"""


@POSTGRESQL_ONLY
async def test_two_processes_fire_each_timer_once(
    app: App, clock: FakeClock, settings: Settings, tmp_path: Path
) -> None:
    ids = await _due_timers(app, clock, COUNT)
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": settings.db_url,
        "TRYGG_KEYS": settings.keys or "",
        "TRYGG_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            clock.now.isoformat(),
            cwd=REPO,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:  # both connected before either starts
        assert worker.stdout is not None
        assert (await asyncio.wait_for(worker.stdout.readline(), 30)).strip() == b"ready"
    outputs = await asyncio.gather(*(asyncio.wait_for(w.communicate(b"go\n"), 60) for w in workers))
    assert [w.returncode for w in workers] == [0, 0]
    fired = [json.loads(out) for out, _err in outputs]
    assert sum(len(f) for f in fired) == COUNT
    assert min(len(f) for f in fired) > 0  # both processes took part
    assert Counter(i for f in fired for i in f) == Counter(ids)
    assert await _states(app) == {TimerState.FIRED: COUNT}


# --- the organisation's duties ---------------------------------------------------------------

VASTERAS_ORG = """
municipalities:
  - key: vaxby
    name: Växby stad
    security_unit_phone: "+46 8 465 004 40"
    pack: vasteras
    parties:
      - key: rp
        name: Röda partiet
people:
  - handle: vera
    name: Vera Vakt
    role: municipal_security
    municipality: vaxby
    phone: "+46 8 465 004 41"
    language: sv
  - handle: olle
    name: Olle Ord
    role: official
    municipality: vaxby
    party: rp
"""


async def test_duties_of_the_vasteras_plan_remind_the_unit(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "vaxby.yaml"
    path.write_text(VASTERAS_ORG, encoding="utf-8")
    for _ in range(2):  # loading the file again adds nothing
        async with demo_app.db.unit_of_work() as session:
            await orgfile.apply(session, orgfile.parse(path), demo_app.keyring, now=clock.now)

    async def duties() -> list[tuple[str, str, str]]:
        async with demo_app.db.unit_of_work() as session:
            rows = await session.scalars(
                select(Timer)
                .where(Timer.kind == "duty", Timer.state == TimerState.PENDING)
                .order_by(Timer.due_at)
            )
            return [
                (
                    str(t.payload["duty"]),
                    t.due_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
                    t.subject.partition(":")[2],
                )
                for t in rows
            ]

    assert await duties() == [  # from Sunday 22 November 2026
        ("training", "2027-02-01 09:00", "training"),  # half_year
        ("cooperation_meeting", "2027-03-01 09:00", "cooperation_meeting"),  # four_per_term
        ("plan_revision", "2029-09-01 09:00", "plan_revision"),  # year_before_election
        ("guideline", "2030-11-01 09:00", "guideline"),  # per_term
    ]

    await connect(chat, "vera", "olle", "sara")
    clock.now = datetime(2027, 2, 1, 9, 0, tzinfo=STOCKHOLM).astimezone(UTC)
    mark = await last_outbox_id(demo_app)
    assert await demo_app.timer_runner().run_due() == 1
    rows = await outbox(demo_app, mark)
    assert [(h, k, p) for _, h, k, p in rows] == [
        ("vera", "duty", {"pack": "vasteras", "duty": "training"})
    ]
    transport = Transport()
    await demo_app.outbox_sender(transport).deliver_due()
    [reminder] = transport.to("vera")
    title = next(d for d in demo_app.packs.get("vasteras").duties if d.id == "training").title
    assert reminder.text.startswith("Påminnelse från er plan: Samtliga förtroendevalda")
    assert reminder.text.splitlines()[0] == f"Påminnelse från er plan: {title.get('sv')}"
    assert transport.to("olle") == [] and transport.to("sara") == []
    # The next occurrence is planned: training again on 1 September.
    assert (await duties())[0] == ("cooperation_meeting", "2027-03-01 09:00", "cooperation_meeting")
    assert ("training", "2027-09-01 09:00", "training") in await duties()
    assert len(await duties()) == 4


async def test_a_check_in_about_someone_else_asks_about_them(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Anna reported what happened to Eva Ek: Pia's alert says the report is about someone
    else (not whom); the check-in asks Anna how Eva is, not how Anna is (language.md rule 3)."""
    from tests.reporting import SKIPPED, Script, write_report
    from tests.test_case_reading import latest

    clock.now = MONDAY_10
    await connect(chat, "anna", "pia")
    script = Script(skip=SKIPPED, for_someone=("Anna Berg, partikamrat", "Eva Ek, kulturnämnden"))
    await write_report(chat("anna"), script)
    case = await latest(demo_app)
    transport = Transport()
    sender = demo_app.outbox_sender(transport)
    await sender.deliver_due()
    [alert] = [r for r in transport.to("pia") if "Ny incidentrapport" in r.text]
    assert "Rapporten gäller någon annan: vem står i rapporten." in alert.text
    assert "Eva Ek" not in alert.text  # a push shows on a locked phone: the name stays inside
    await take(chat, "pia", case)
    await sender.deliver_due()
    transport.sent.clear()
    assert await run_at(demo_app, clock, days_after(MONDAY_10, 1), case) == [
        ("anna", "checkin_ask")
    ]
    await sender.deliver_due()
    [ask] = transport.to("anna")
    assert ask.text == (
        f"Hej, det är Trygg, om det som hände Eva Ek (ärende {case.ref}). Hur mår Eva Ek nu? "
        "Vill du att någon ringer dig?"
    )
    assert [b.label for row in ask.buttons for b in row] == [
        "Ja, ring mig",
        "Nej, det är bra",
        "Sluta fråga",
    ]


def test_whom_a_report_is_about_reads_the_reports_own_keys() -> None:
    from conversations import about
    from conversations.report.form import ReportStep

    assert (ReportStep.WHO.value, ReportStep.TARGET.value) == (about.WHO, about.TARGET)
