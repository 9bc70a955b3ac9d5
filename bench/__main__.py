"""``python -m bench``: Trygg against python-telegram-bot's ConversationHandler.

Runs in one process, side by side, for each round-trip delay:

1. Trygg: N reporters write full reports concurrently (~22 events each) through the real
   TelegramBot, dispatcher, conversation core and storage (a fresh SQLite file in WAL mode,
   or ``--database-url``), against an in-process fake Bot API; then the same N reporters on
   Signal: the real SignalBot against the fake signal-cli daemon (bench.signal_run),
   typing the numbers of the choices.
2. Baseline: the same dialogue as a PTB ConversationHandler in PTB's default sequential
   mode, in memory and with PicklePersistence, and with ``concurrent_updates`` (its fastest
   setting, which gives up per-person order), against the same fake.
3. Priority: 10,000 nudges queued behind a 30 messages/s limit while people press /akut
   and answer a report: how long until their alerts and replies reach the Bot API.

and once: 4. Timers: 100,000 pending timers, start-up load time, 5,000 due ones fire once.

It prints a table and one line ``BENCH_JSON {...}``.

Options:
  --reporters N        simulated reporters (default 1000)
  --delays 0,50        Bot API round trips to run, in milliseconds (default 0,50)
  --skip-baseline      don't run python-telegram-bot
  --database-url URL   PostgreSQL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/bench,
                       a database you created for this: its public schema is dropped and
                       recreated); default: a fresh SQLite file (WAL) in a temporary directory
  --quick              a small smoke run (20 reporters, short windows, fewer nudges/timers)
  --repeat R           run Trygg and PTB in memory R times each, taking turns; report the
                       median run and the median of the R ratios (default 1)
  --window S           how long PTB's sequential runs with a delay are measured (default 20 s;
                       1000 full reports would take it more than half an hour), with
                       WINDOW_REPORTERS people so that the window sees whole reports
  --pickle-seconds S   how long the PicklePersistence runs last (default 70 s, so that its
                       default 60 s save interval falls inside)
  --skip-priority / --skip-timers   leave out scenario 3 / 4
  --skip-signal        leave out the Signal run of scenario 1
  --also-postgresql URL  after each Trygg run on SQLite, the same run on this PostgreSQL
                       database (dropped and recreated as with --database-url): the ratio
                       PostgreSQL/SQLite of one process each, made minutes apart
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.stats import (
    Run,
    all_cores_ceiling,
    events_per_s,
    max_rss_bytes,
    p99,
    paired_ratio,
)

WINDOW_REPORTERS = 4  # people writing to PTB in a time-bounded run (see --window)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Trygg against python-telegram-bot's ConversationHandler.",
    )
    parser.add_argument("--reporters", type=int, default=1000, help="simulated reporters")
    parser.add_argument("--delays", default="0,50", help="Bot API round trips in ms, e.g. 0,50")
    parser.add_argument("--skip-baseline", action="store_true", help="don't run PTB")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (a fresh database)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--repeat", type=int, default=1, help="median of R throughput runs")
    parser.add_argument("--window", type=float, default=20.0, help="PTB runs with a delay (s)")
    parser.add_argument("--pickle-seconds", type=float, default=70.0, help="PicklePersistence (s)")
    parser.add_argument("--skip-priority", action="store_true", help="leave out scenario 3")
    parser.add_argument("--skip-timers", action="store_true", help="leave out scenario 4")
    parser.add_argument("--skip-signal", action="store_true", help="leave out the Signal run")
    parser.add_argument("--also-postgresql", default=None, help="PostgreSQL URL to pair with")
    args = parser.parse_args(argv)
    args.delays = [int(d) for d in str(args.delays).split(",") if d.strip()]
    args.nudges, args.priority_seconds, args.akut_people = 10_000, 20.0, 40
    args.timers, args.due_timers = 100_000, 5_000
    if args.quick:
        args.reporters = min(args.reporters, 20)
        args.window, args.pickle_seconds = 3.0, 3.0
        args.nudges, args.priority_seconds, args.akut_people = 500, 6.0, 10
        args.timers, args.due_timers = 5_000, 500
    return args


def median_run(runs: list[Run]) -> Run:
    """The run with the median events/s (its figures are reported together)."""
    ordered = sorted(runs, key=lambda r: r.events_per_s)
    chosen = ordered[(len(ordered) - 1) // 2]
    chosen.extra["repeats_events_per_s"] = [round(r.events_per_s, 1) for r in runs]
    return chosen


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


async def bench(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from bench import signal_run, trygg
    from bench.baseline import baseline

    n = args.reporters
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "reporters": n,
        "database": "postgresql" if args.database_url else "sqlite (WAL, file)",
        "delays": {},
    }
    for delay_ms in args.delays:
        delay = delay_ms / 1000
        entry: dict[str, Any] = {}

        async def trygg_once(delay: float = delay) -> Run:
            population = await trygg.populate(
                args.database_url, workdir, "run", n, trygg.COUNCIL_PARTIES
            )
            return await trygg.run_trygg(population, delay)

        chats = [trygg.OFFICIAL_CHAT + i for i in range(n)]
        contact_of = {chat: trygg.CONTACT_CHAT for chat in chats}
        window = None if delay_ms == 0 else args.window
        # PTB's sequential default handles one update at a time, so how many people wait does
        # not change its rate; but with all of them, a time-bounded window would see only
        # their first event (/rapportera, one call) and not the report's mix of 2.5 calls.
        ptb_chats = chats if window is None else chats[:WINDOW_REPORTERS]

        async def ptb_once(
            delay: float = delay,
            window: float | None = window,
            chats: list[int] = ptb_chats,
            contact_of: dict[int, int] = contact_of,
        ) -> Run:
            return await baseline(delay, chats, contact_of, seconds=window)

        async def concurrent_once(
            delay: float = delay, chats: list[int] = chats, contact_of: dict[int, int] = contact_of
        ) -> Run:
            return await baseline(delay, chats, contact_of, concurrent=True)

        async def signal_once(delay: float = delay) -> Run:
            population = await signal_run.populate(
                args.database_url, workdir, "signal", n, trygg.COUNCIL_PARTIES
            )
            return await signal_run.run_signal(population, delay)

        # Trygg (Telegram, then Signal) and PTB take turns, so that each ratio compares runs
        # minutes apart on a machine whose speed drifts; the figure reported is the median of
        # those ratios.
        trygg_runs: list[Run] = []
        signal_runs: list[Run] = []
        memory_runs: list[Run] = []
        concurrent_runs: list[Run] = []
        postgresql_runs: list[Run] = []
        for _ in range(max(1, args.repeat)):
            say(f"[{delay_ms} ms] Trygg: {n} reporters ...")
            trygg_runs.append(await trygg_once())
            say(f"  {trygg_runs[-1].events_per_s:.0f} events/s")
            if args.also_postgresql:
                say(f"[{delay_ms} ms] Trygg on PostgreSQL: {n} reporters ...")
                population = await trygg.populate(
                    args.also_postgresql, workdir, "pg", n, trygg.COUNCIL_PARTIES
                )
                postgresql_runs.append(await trygg.run_trygg(population, delay))
                say(f"  {postgresql_runs[-1].events_per_s:.0f} events/s")
            if not args.skip_signal:
                say(f"[{delay_ms} ms] Trygg on Signal: {n} reporters ...")
                signal_runs.append(await signal_once())
                say(f"  {signal_runs[-1].events_per_s:.0f} events/s")
            if not args.skip_baseline:
                say(f"[{delay_ms} ms] PTB ConversationHandler, in memory ...")
                memory_runs.append(await ptb_once())
                say(f"  {memory_runs[-1].events_per_s:.0f} events/s")
                say(f"[{delay_ms} ms] PTB ConversationHandler, concurrent_updates ...")
                concurrent_runs.append(await concurrent_once())
                say(f"  {concurrent_runs[-1].events_per_s:.0f} events/s")
        run = median_run(trygg_runs)
        entry["trygg"] = run.summary()
        if postgresql_runs:
            entry["postgresql"] = median_run(postgresql_runs).summary()
            entry["postgresql_vs_sqlite"] = paired_ratio(postgresql_runs, trygg_runs)
        if signal_runs:
            entry["signal"] = median_run(signal_runs).summary()
            entry["signal_vs_telegram"] = paired_ratio(signal_runs, trygg_runs)
        if not args.skip_baseline:
            memory = median_run(memory_runs)
            entry["ptb_memory"] = memory.summary()
            entry["ptb_concurrent"] = median_run(concurrent_runs).summary()
            say(f"[{delay_ms} ms] PTB with PicklePersistence, {args.pickle_seconds:.0f} s ...")
            pickled = await baseline(
                delay,
                ptb_chats,
                contact_of,
                pickle=workdir / "ptb.pickle",
                seconds=args.pickle_seconds,
            )
            entry["ptb_pickle"] = pickled.summary()
            say(f"  {pickled.events_per_s:.0f} events/s")
            entry["ratios"] = {
                "events_per_s_vs_ptb_memory": paired_ratio(trygg_runs, memory_runs),
                "signal_events_per_s_vs_ptb_memory": (
                    paired_ratio(signal_runs, memory_runs) if signal_runs else None
                ),
                "events_per_s_vs_ptb_concurrent": paired_ratio(trygg_runs, concurrent_runs),
                "events_per_s_vs_ptb_pickle": ratio(run.events_per_s, pickled.events_per_s),
                "latency_p99_vs_ptb_memory": paired_ratio(trygg_runs, memory_runs, p99),
                # what no design could beat on this machine: all of Trygg's CPU per event
                # spread over every core, against PTB on one
                "all_cores_ceiling_vs_ptb_memory": paired_ratio(
                    trygg_runs, memory_runs, all_cores_ceiling, events_per_s
                ),
                "all_cores_ceiling_vs_ptb_concurrent": paired_ratio(
                    trygg_runs, concurrent_runs, all_cores_ceiling, events_per_s
                ),
            }
        if not args.skip_priority:
            say(f"[{delay_ms} ms] priority: {args.nudges} nudges at 30 messages/s ...")
            population = await trygg.populate(
                args.database_url, workdir, "priority", max(n, 200), 20
            )
            entry["priority"] = await trygg.run_priority(
                population,
                delay,
                nudges=args.nudges,
                seconds=args.priority_seconds,
                akut_people=args.akut_people,
                reporters=max(1, args.akut_people // 8),
            )
        results["delays"][str(delay_ms)] = entry
    if not args.skip_timers:
        say(f"timers: {args.timers} pending, {args.due_timers} due ...")
        results["timers"] = await trygg.run_timers(
            args.database_url, workdir, pending=args.timers, due=args.due_timers
        )
    results["peak_rss_mb"] = round(max_rss_bytes() / 2**20, 1)
    results["targets"] = targets(results, n)
    return results


def targets(results: dict[str, Any], n: int) -> dict[str, dict[str, Any]]:
    """Each target (issues 8 and 22) with the measured figure and whether it was met."""
    found: dict[str, dict[str, Any]] = {}

    def check(name: str, value: Any, goal: str, met: bool | None) -> None:
        found[name] = {"value": value, "goal": goal, "met": met}

    def at_most(value: float | None, limit: float) -> bool | None:
        return None if value is None else value <= limit

    def at_least(value: float | None, limit: float) -> bool | None:
        return None if value is None else value >= limit

    for delay, entry in results["delays"].items():
        t = entry["trygg"]
        ratios = entry.get("ratios", {})
        if delay == "0":
            r = ratios.get("events_per_s_vs_ptb_memory")
            check("0ms_vs_ptb_memory", r, ">= 0.8", at_least(r, 0.8))
            r = ratios.get("latency_p99_vs_ptb_memory")
            check("0ms_p99_vs_ptb_memory", r, "<= 1.0", at_most(r, 1.0))
        else:
            r = ratios.get("events_per_s_vs_ptb_concurrent")
            check(f"{delay}ms_vs_ptb_concurrent", r, ">= 1.0", at_least(r, 1.0))
            r = ratios.get("events_per_s_vs_ptb_memory")
            check(f"{delay}ms_vs_ptb_default", r, ">= 75", at_least(r, 75))
        check(
            f"{delay}ms_in_order",
            f"{t['persons_in_order']}/{n}",
            "every person's events in order",
            t["persons_in_order"] == n and t["reports_complete"] == n,
        )
        if "postgresql_vs_sqlite" in entry:
            r = entry["postgresql_vs_sqlite"]
            check(f"{delay}ms_postgresql_vs_sqlite", r, ">= 0.5 (one process)", at_least(r, 0.5))
        sg = entry.get("signal")
        if sg:
            check(
                f"{delay}ms_signal_in_order",
                f"{sg['persons_in_order']}/{n}",
                "on Signal too",
                sg["persons_in_order"] == n and sg["reports_complete"] == n,
            )
        pause = t["longest_pause_ms"]
        check(f"{delay}ms_longest_pause_ms", pause, "<= 100", at_most(pause, 100))
        per = t["rss_per_conversation_kb"]
        check(f"{delay}ms_rss_per_conversation_kb", per, "<= 50", at_most(per, 50))
        check(f"{delay}ms_startup_s", t["startup_s"], "<= 1", at_most(t["startup_s"], 1))
        p = entry.get("priority")
        if p:
            worst = max(p["alert_p99_ms"] or 1e9, p["reply_p99_ms"] or 1e9)
            check(f"{delay}ms_priority_p99_ms", worst, "<= 1000", worst <= 1000)
    timers = results.get("timers")
    if timers:
        check("timers_load_s", timers["load_s"], "<= 2", timers["load_s"] <= 2)
        once = timers["fired_distinct"] == timers["due"] and timers["double_fired"] == 0
        check("timers_fire_once", f"{timers['fired']}/{timers['due']}", "each once", once)
    return found


# --- the table ------------------------------------------------------------------------------

ROWS = (
    ("events/s", "events_per_s"),
    ("events", "events"),
    ("reports done", "reports"),
    ("seconds", "seconds"),
    ("CPU busy %", "cpu_busy_pct"),
    ("CPU ms/event", "cpu_ms_per_event"),
    ("unit of work ms/event", "unit_ms_per_event"),
    ("the rest ms/event", "rest_ms_per_event"),
    ("ceiling, core free", "ceiling_events_per_s"),
    ("ceiling, every core busy", "all_cores_ceiling_events_per_s"),
    ("latency p50 ms", "latency_p50_ms"),
    ("latency p99 ms", "latency_p99_ms"),
    ("longest pause ms", "longest_pause_ms"),
    ("alert p50 ms", "alert_p50_ms"),
    ("alert p99 ms", "alert_p99_ms"),
    ("start-up s", "startup_s"),
    ("RSS peak MB", "rss_peak_mb"),
    ("RSS/conversation KB", "rss_per_conversation_kb"),
    ("in order (persons)", "persons_in_order"),
    ("reports stored", "reports_complete"),
    ("final save s", "final_save_s"),
    ("errors logged", "errors_logged"),
    ("daemon protocol faults", "protocol_violations"),
)


def cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and abs(value) < 10:
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


def table(results: dict[str, Any]) -> str:
    columns: list[tuple[str, dict[str, Any]]] = []
    for delay, entry in results["delays"].items():
        for key in ("trygg", "signal", "postgresql", "ptb_memory", "ptb_concurrent", "ptb_pickle"):
            if key in entry:
                columns.append((f"{key} {delay}ms", entry[key]))
    width = max(14, *(len(name) for name, _ in columns)) if columns else 14
    lines = [f"{'':22}" + "".join(f"{name:>{width + 2}}" for name, _ in columns)]
    for label, key in ROWS:
        if any(key in figures for _, figures in columns):
            values = "".join(f"{cell(figures.get(key)):>{width + 2}}" for _, figures in columns)
            lines.append(f"{label:22}{values}")
    for delay, entry in results["delays"].items():
        ratios = entry.get("ratios")
        if ratios:
            lines.append(
                f"ratios {delay}ms: Trygg/PTB memory {cell(ratios['events_per_s_vs_ptb_memory'])}×"
                f", Trygg/PTB concurrent {cell(ratios['events_per_s_vs_ptb_concurrent'])}×"
                f", Trygg/PTB pickle {cell(ratios['events_per_s_vs_ptb_pickle'])}× (events/s);"
                f" p99 latency Trygg/PTB memory {cell(ratios['latency_p99_vs_ptb_memory'])}×"
            )
            lines.append(
                f"ceiling {delay}ms (Trygg's CPU per event over every core, against PTB):"
                f" {cell(ratios['all_cores_ceiling_vs_ptb_memory'])}× PTB memory,"
                f" {cell(ratios['all_cores_ceiling_vs_ptb_concurrent'])}× PTB concurrent"
            )
        if "signal" in entry:
            vs_ptb = (ratios or {}).get("signal_events_per_s_vs_ptb_memory")
            lines.append(
                f"Signal {delay}ms: {cell(entry['signal']['events_per_s'])} events/s beside "
                f"Telegram's {cell(entry['trygg']['events_per_s'])}: Signal/Telegram "
                f"{cell(entry['signal_vs_telegram'])}×, Signal/PTB memory {cell(vs_ptb)}×"
            )
        p = entry.get("priority")
        if p:
            lines.append(
                f"priority {delay}ms: alerts p50/p99 {cell(p['alert_p50_ms'])}/"
                f"{cell(p['alert_p99_ms'])} ms (n={p['alerts']}), replies p50/p99 "
                f"{cell(p['reply_p50_ms'])}/{cell(p['reply_p99_ms'])} ms (n={p['replies']}), "
                f"{p['nudges_sent']} nudges sent, {p['sendMessage_per_s']} messages/s"
            )
    timers = results.get("timers")
    if timers:
        lines.append(
            f"timers: {timers['pending']:,} pending, load {timers['load_s']} s; "
            f"{timers['fired']}/{timers['due']} due fired in {timers['fire_all_s']} s, "
            f"{timers['double_fired']} twice, {timers['due_left_pending']} due left, "
            f"{timers['future_still_pending']:,} future still pending"
        )
    lines.append(f"peak RSS (ru_maxrss) {results['peak_rss_mb']} MB")
    lines.append("targets:")
    for name, t in results["targets"].items():
        verdict = {True: "met", False: "NOT MET", None: "n/a"}[t["met"]]
        lines.append(f"  {name:34} {cell(t['value']):>12}  {t['goal']:32} {verdict}")
    return "\n".join(lines)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # "skipped: maximum number of running instances reached": a wake-up while the timer
    # runner is busy (harmless, but one line per commit under load)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="trygg-bench-") as tmp:
        results = asyncio.run(bench(args, Path(tmp)))
    print(table(results))
    print("BENCH_JSON " + json.dumps(results, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
