"""Drills (övningar): a sped-up /akut alert on the real levels, marked ÖVNING everywhere,
kept out of statistics, reported to the unit at the end, and leaving nothing behind.

Anna Berg (Gröna partiet, Sjövik) is the official the drill is about; her levels are Pia
Lind, then Per Ek (party security contacts), then Sara Strand (the municipal security
unit), who also starts the drill. The controllable clock runs the drill: nothing sleeps.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot import cli_drill
from bot.app import App
from conversations import drills
from conversations.drills import Started
from conversations.notices import NOTICE_TOKEN
from storage.drills import DrillRepo
from storage.errors import NotAllowed
from storage.models import (
    Alert,
    Base,
    ChannelBinding,
    Drill,
    OutboxMessage,
    Person,
    Report,
    Role,
    Timer,
)
from storage.stats import StatsRepo
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.test_alerts import connect, person_ids, submit_report
from tests.test_outbox import FakeTransport

# Tables a drill may leave a trace in, and why: the chat's own bookkeeping, the audit
# ("drill started/ended"), the drill's summary row, and the report to the unit.
TRACES = {"handled_event", "conversation", "audit", "drill", "outbox"}


async def table_counts(app: App) -> dict[str, int]:
    async with app.db.unit_of_work() as session:
        return {
            name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in Base.metadata.tables.items()
        }


def mark(app: App) -> str:
    """The ÖVNING mark as the Swedish catalog says it now."""
    return app.catalogs.gettext("sv")("DRILL")


async def start_with_anna(chat, app: App) -> int:  # type: ignore[no-untyped-def]
    """Sara opens /ovning and chooses Anna; return the drill's id."""
    sara: Chat = chat("sara")
    await sara.say("/ovning")
    ids = await person_ids(app)
    reply = await sara.press(f"drill:start:{ids['anna']}")
    assert reply.startswith(mark(app)), reply
    sjovik = await _sjovik(app)
    async with app.db.unit_of_work() as session:
        drill = await DrillRepo(session).running(sjovik)
        assert drill is not None
        return drill.id


async def _sjovik(app: App) -> int:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == "sara"))).one()
        assert person.municipality_id is not None
        return person.municipality_id


async def start_drill_case(app: App, clock: FakeClock) -> tuple[Started, Report]:
    """Sara starts a drill in Sjövik at speed 600, with a drill case; return it and the case."""
    ids = await person_ids(app)
    sjovik = await _sjovik(app)
    async with app.db.unit_of_work() as session:
        started = await drills.start(
            session,
            app.packs,
            Viewer(ids["sara"], Role.MUNICIPAL_SECURITY, sjovik),
            sjovik,
            clock.now,
            speed=600,
            keyring=app.keyring,
            story="ÖVNING. Ett påhittat samtal.",
        )
        assert started is not None
        [case] = await DrillRepo(session).cases(started.drill_id)
    return started, case


async def run_until_ended(
    app: App, clock: FakeClock, transport: FakeTransport, drill_id: int
) -> float:
    """Deliver, let a second pass, fire what is due, until the drill ended; return the
    seconds the clock moved."""
    runner, sender = app.timer_runner(), app.outbox_sender(transport)
    start = clock.now
    for step in range(1000):
        while await sender.deliver_due():
            pass
        async with app.db.unit_of_work() as session:
            drill = await session.get(Drill, drill_id)
            assert drill is not None
            if drill.ended_at is not None:
                break
        # half a second at a time while the alert runs; then on to the case's follow-ups
        clock.advance(seconds=0.5 if step < 120 else 5)
        await runner.run_due()
    while await sender.deliver_due():
        pass
    return (clock.now - start).total_seconds()


async def test_a_drill_at_speed_600_runs_every_level_in_under_a_minute_and_leaves_nothing(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "anna", "pia", "per", "sara")
    before = await table_counts(demo_app)
    sara: Chat = chat("sara")
    await sara.say("/ovning")
    ids = await person_ids(demo_app)
    async with demo_app.db.unit_of_work() as session:
        started = await drills.start(
            session,
            demo_app.packs,
            Viewer(ids["sara"], Role.MUNICIPAL_SECURITY, await _sjovik(demo_app)),
            await _sjovik(demo_app),
            clock.now,
            speed=600,
        )
        assert started is not None
    assert started.levels == [[ids["pia"]], [ids["per"]], [ids["sara"]]]
    transport = FakeTransport()
    took = await run_until_ended(demo_app, clock, transport, started.drill_id)
    assert took < 60

    # Every level was alerted, and Anna was told nobody answered: each message marked.
    pia, per, anna = transport.texts("pia"), transport.texts("per"), transport.texts("anna")
    assert len(pia) == 3 and len(per) == 3  # the alert, the reminder, and "the drill is over"
    assert all("Övningen är slut" in texts[-1] for texts in (pia, per, anna))
    for text in [*pia, *per, *anna]:
        assert text.startswith(mark(demo_app) + "\n"), text
    assert any("Nobody in Trygg has answered" in t or "Ingen i Trygg" in t for t in anna)
    drill_texts = [t for t in transport.texts("sara") if t.startswith(mark(demo_app))]
    assert drill_texts, "the unit got the alert at the last level, marked"

    # The unit got the report, unmarked (it is not part of the drill: it stays).
    [report] = [t for t in transport.texts("sara") if "drill is over" in t or "Övningen" in t]
    assert "Pia Lind" in report and "Per Ek" in report and "Sara Strand" in report
    assert "600" in report
    assert "10 minut" in report and "20 minut" in report

    # Nothing of the drill is left: no alert, recipient, timer or outbox row of it.
    after = await table_counts(demo_app)
    changed = {t for t in after if after[t] != before[t]}
    assert changed <= TRACES, changed
    assert after["drill"] == before["drill"] + 1
    async with demo_app.db.unit_of_work() as session:
        assert set((await DrillRepo(session).counts(started.drill_id)).values()) == {0}
        kinds = (
            await session.scalars(select(OutboxMessage.kind).where(OutboxMessage.id > 0))
        ).all()
        ended = kinds.count("drill_report") + kinds.count("drill_over")  # "it is over": stays
        assert after["outbox"] - before["outbox"] == ended
        assert (await session.scalar(select(func.count()).select_from(Alert))) == 0
        assert (await session.scalar(select(func.count()).select_from(Timer))) == before["timer"]
        drill = await session.get(Drill, started.drill_id)
        assert drill is not None and drill.summary is not None
        [alert] = drill.summary["alerts"]
        assert alert["unanswered"] is True and alert["taken_by"] is None
        assert [p["alerted_after"] for p in alert["people"]] == [0, 600, 1200]


async def test_a_take_during_a_drill_stops_its_escalation(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "anna", "pia", "per", "sara")
    drill_id = await start_with_anna(chat, demo_app)
    transport = FakeTransport()
    await demo_app.outbox_sender(transport).deliver_due()
    async with demo_app.db.unit_of_work() as session:
        [alert] = await DrillRepo(session).alerts(drill_id)
    clock.advance(seconds=3)  # three minutes, as the drill counts them
    took = await chat("pia").press(f"ack:{alert.id}", token=NOTICE_TOKEN)
    assert took.startswith(mark(demo_app) + "\n"), took
    await run_until_ended(demo_app, clock, transport, drill_id)
    assert transport.texts("per") == []  # nobody escalated to Per
    acked = [t for t in transport.texts("anna") if "Pia Lind" in t]
    assert acked and all(t.startswith(mark(demo_app)) for t in acked)
    [report] = [t for t in transport.texts("sara") if "drill is over" in t or "Övningen" in t]
    assert "3 minut" in report and "10 minut" in report and "20 minut" in report
    async with demo_app.db.unit_of_work() as session:
        drill = await session.get(Drill, drill_id)
        assert drill is not None and drill.summary is not None
        [summary] = drill.summary["alerts"]
    ids = await person_ids(demo_app)
    assert (summary["taken_by"], summary["taken_after"]) == (ids["pia"], 180)
    assert [(p["alerted_after"], p["would_after"]) for p in summary["people"]] == [
        (0, 0),
        (None, 600),  # Per would have been alerted ten minutes in
        (None, 1200),
    ]


async def test_people_not_reached_are_in_the_report(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "pia", "per", "sara")  # Anna never linked a chat
    ids = await person_ids(demo_app)
    async with demo_app.db.unit_of_work() as session:  # Per's address is gone
        await session.execute(
            update(ChannelBinding)
            .where(ChannelBinding.person_id == ids["per"])
            .values(dead_at=clock.now)
        )
    drill_id = await start_with_anna(chat, demo_app)
    transport = FakeTransport()
    await run_until_ended(demo_app, clock, transport, drill_id)
    [report] = [t for t in transport.texts("sara") if "drill is over" in t or "Övningen" in t]
    assert "Anna Berg: " in report and "Per Ek: " in report and "Pia Lind: " not in report
    async with demo_app.db.unit_of_work() as session:
        drill = await session.get(Drill, drill_id)
        assert drill is not None and drill.summary is not None
        [summary] = drill.summary["alerts"]
    assert (summary["subject_reached"], summary["subject_why"]) == (False, "no_binding")
    assert [(p["id"], p["reached"], p["why"]) for p in summary["people"]] == [
        (ids["pia"], True, None),
        (ids["per"], False, "dead"),
        (ids["sara"], True, None),
    ]


async def test_only_the_security_unit_may_start_a_drill(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    ids = await person_ids(demo_app)
    sjovik = await _sjovik(demo_app)
    pia: Chat = chat("pia")
    refused = await pia.say("/ovning")
    assert "security unit" in refused or "säkerhetsenhet" in refused
    assert not any(b.startswith("drill:") for b, *_ in pia.buttons)
    await pia.press(f"drill:start:{ids['anna']}", token=NOTICE_TOKEN)
    async with demo_app.db.unit_of_work() as session:
        assert await DrillRepo(session).running(sjovik) is None
        for handle in ("anna", "pia", "kent"):
            person = await session.get(Person, ids[handle])
            assert person is not None
            with pytest.raises(NotAllowed):
                await DrillRepo(session).start(Viewer.of(person), sjovik, 60, clock.now)
        # The role is checked as it is now, not as the viewer was loaded.
        stale = Viewer(ids["sara"], Role.MUNICIPAL_SECURITY, sjovik)
        await session.execute(
            update(Person).where(Person.id == ids["sara"]).values(role=Role.OFFICIAL)
        )
        with pytest.raises(NotAllowed):
            await DrillRepo(session).start(stale, sjovik, 60, clock.now)
        with pytest.raises(NotAllowed):
            await drills.start(session, demo_app.packs, stale, sjovik, clock.now)
        await session.rollback()


async def test_drill_cases_are_not_counted_nor_listed(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "anna", "pia", "per", "sara")
    case = await submit_report(chat)
    start, end = clock.now - timedelta(days=1), clock.now + timedelta(days=1)
    async with demo_app.db.unit_of_work() as session:
        counted = await StatsRepo(session, demo_app.keyring).cases(Viewer.operator(), start, end)
        assert case.id in {c.id for c in counted}
    listed = await chat("pia").say("/arenden")
    drill_id = await start_with_anna(chat, demo_app)
    # the drill's /akut alert is not one of Pia's open cases
    assert await chat("pia").say("/arenden") == listed
    async with demo_app.db.unit_of_work() as session:
        # a drill's case (a report marked with the drill) is never counted
        await session.execute(update(Report).where(Report.id == case.id).values(drill_id=drill_id))
    async with demo_app.db.unit_of_work() as session:
        counted = await StatsRepo(session, demo_app.keyring).cases(Viewer.operator(), start, end)
        assert case.id not in {c.id for c in counted}
    async with demo_app.db.unit_of_work() as session:
        await session.execute(update(Report).where(Report.id == case.id).values(drill_id=None))


async def test_the_command_line_starts_a_drill_with_chosen_people(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    await connect(chat, "anna", "pia", "per", "sara")
    args = argparse.Namespace(
        drill_command="start", municipality="sjovik", people="anna,sara", speed=600
    )
    assert await cli_drill.run(demo_app, args) == 0
    assert "1 levels, 1 people" in capsys.readouterr().out
    ids = await person_ids(demo_app)
    async with demo_app.db.unit_of_work() as session:
        drill = await DrillRepo(session).running(await _sjovik(demo_app))
        assert drill is not None and drill.speed == 600 and drill.started_by is None
        [alert] = await DrillRepo(session).alerts(drill.id)
        assert alert.subject_id == ids["anna"]
        [timer] = [t for t in await session.scalars(select(Timer)) if t.kind == "alert_escalate"]
        assert timer.due_at == clock.now + timedelta(seconds=1)  # ten minutes, 600 times faster
    assert await cli_drill.run(demo_app, args) == 1  # one at a time
    transport = FakeTransport()
    await demo_app.outbox_sender(transport).deliver_due()
    assert transport.texts("pia") == [] and transport.texts("per") == []
    end = argparse.Namespace(drill_command="end", municipality="sjovik")
    assert await cli_drill.run(demo_app, end) == 0
    async with demo_app.db.unit_of_work() as session:
        assert set((await DrillRepo(session).counts(drill.id)).values()) == {0}


async def test_a_late_wake_up_does_not_stretch_the_reported_times(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Started from the command line, the bot sees the drill's timers at its next look (up
    to its safety interval later): the report still says ten minutes, not fifteen."""
    await connect(chat, "anna", "pia", "per", "sara")
    args = argparse.Namespace(drill_command="start", municipality="sjovik", people=None, speed=60)
    assert await cli_drill.run(demo_app, args) == 0
    clock.advance(seconds=15)  # due after 10 s, the bot wakes at 15 s
    assert await demo_app.timer_runner().run_due() == 1
    async with demo_app.db.unit_of_work() as session:
        drill = await DrillRepo(session).running(await _sjovik(demo_app))
        assert drill is not None
        await drills.end(session, drill, clock.now)
    async with demo_app.db.unit_of_work() as session:
        ended = await session.get(Drill, drill.id)
        assert ended is not None and ended.summary is not None
        [summary] = ended.summary["alerts"]
    assert [p["alerted_after"] for p in summary["people"]] == [0, 600, None]


async def test_a_drill_case_is_taken_walked_and_followed_up_then_gone(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """The drill's alert comes with a drill case: Pia takes it, opens it, answers a checklist
    item; the case's first follow-up reminder fires, 600 times faster; all marked ÖVNING,
    none of it in an export, and none of it left after."""
    await connect(chat, "anna", "pia", "per", "sara", "kent")
    before = await table_counts(demo_app)
    started, case = await start_drill_case(demo_app, clock)
    ref = case.ref
    assert case.status.value == "submitted" and case.drill_id == started.drill_id
    assert demo_app.keyring.open_json(case.answers, table="report", column="answers", row=case.id)[
        "what"
    ] == {"text": "ÖVNING. Ett påhittat samtal."}
    async with demo_app.db.unit_of_work() as session:
        [nudge] = [
            t
            for t in await session.scalars(select(Timer).where(Timer.subject == case.id))
            if t.payload.get("stage") == "nudge"
        ]
        # day two, 600 times faster: under five minutes, and the drill waits for it
        assert nudge.drill_id == started.drill_id
        assert nudge.due_at - clock.now == timedelta(days=2) / 600
        assert started.ends_at > nudge.due_at
    transport = FakeTransport()
    await demo_app.outbox_sender(transport).deliver_due()
    [alert_text] = transport.texts("pia")
    assert alert_text.startswith(mark(demo_app) + "\n")
    async with demo_app.db.unit_of_work() as session:
        [alert] = await DrillRepo(session).alerts(started.drill_id)
        assert alert.report_id == case.id
    pia = chat("pia")
    took = await pia.press(f"ack:{alert.id}", token=NOTICE_TOKEN)
    assert took.startswith(mark(demo_app) + "\n"), took

    # Pia opens the drill case and answers its first checklist item; every reply is marked.
    view = await pia.say(f"/arende {ref}")
    assert view.startswith(mark(demo_app) + "\n"), view
    assert ref in view
    assert "case:pdf" not in [i for i, _, _ in pia.buttons]  # no case file of a drill
    asked = await pia.press("case:check")
    assert asked.startswith(mark(demo_app) + "\n"), asked
    saved = await pia.press("check:yes")
    assert saved.startswith(mark(demo_app) + "\n"), saved
    # Not in anyone's case list, and not for the municipal director at all.
    assert ref not in await pia.say("/arenden")
    assert "Det finns inget ärende" in await chat("kent").say(f"/arende {ref}")
    refused = await cli_case_export(demo_app, ref)
    assert refused == 1
    async with demo_app.db.unit_of_work() as session:
        counted = await StatsRepo(session, demo_app.keyring).cases(
            Viewer.operator(), clock.now - timedelta(days=1), clock.now + timedelta(days=1)
        )
        assert case.id not in {c.id for c in counted}
        rows = await DrillRepo(session).counts(started.drill_id)
        assert rows["report"] == 1 and rows["checklist_answer"] == 1

    took_for = await run_until_ended(demo_app, clock, transport, started.drill_id)
    assert took_for < 400  # the reminder at 288 seconds, then the end
    pia_texts = transport.texts("pia")
    assert len(pia_texts) >= 2  # the alert, then the follow-up reminder
    for text in [*pia_texts, *transport.texts("anna")]:
        assert text.startswith(mark(demo_app) + "\n"), text

    [report] = [t for t in transport.texts("sara") if "drill is over" in t or "Övningen" in t]
    async with demo_app.db.unit_of_work() as session:
        drill = await session.get(Drill, started.drill_id)
        assert drill is not None and drill.summary is not None
        [summary] = drill.summary["alerts"]
        assert set((await DrillRepo(session).counts(started.drill_id)).values()) == {0}
        assert (await session.scalar(select(func.count()).select_from(Report))) == before["report"]
    first = demo_app.packs.get(summary["case"]["pack"]).checklist[0]
    assert summary["case"]["answered"] == [first.id]
    assert [(f["kind"], f["stage"]) for f in summary["case"]["fired"]][-1] == (
        "followup_first",
        "nudge",
    )
    assert first.step in report and ("2 days" in report or "2 dagar" in report), report
    after = await table_counts(demo_app)
    changed = {t for t in after if after[t] != before[t]}
    assert changed <= TRACES, changed


async def cli_case_export(app: App, ref: str) -> int:
    """`trygg case export REF --pdf …` as the operator."""
    from bot import cli_case

    args = argparse.Namespace(case_command="export", ref=ref, pdf=None, json=None, locale=None)
    return await cli_case.export(app, args)
