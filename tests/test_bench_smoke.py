"""The benchmark's machinery works end to end (small and fast; no timing targets here)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator

import pytest

from bench.__main__ import main
from bench.cluster import main as cluster_main
from bench.people import EVENTS_PER_REPORT
from bench.trygg import split
from bench.unit_cost import measure as measure_unit_cost
from tests.conftest import _pg_create_database, _pg_drop_database, _pg_reachable, pg_url


def test_bench_runs_and_reports_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--quick", "--reporters", "5", "--delays", "0", "--skip-baseline", "--skip-priority"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    results = json.loads(line.removeprefix("BENCH_JSON "))

    trygg = results["delays"]["0"]["trygg"]
    assert trygg["reports"] == 5 and trygg["failures"] == {}
    assert trygg["reports_complete"] == 5  # stored, both parts of "what happened" in order
    assert trygg["persons_in_order"] == 5
    assert trygg["events"] == 5 * EVENTS_PER_REPORT
    for key in (
        "events_per_s",
        "latency_p50_ms",
        "latency_p99_ms",
        "longest_pause_ms",
        "alert_p50_ms",
        "alert_p99_ms",
        "startup_s",
        "rss_peak_mb",
        "rss_per_conversation_kb",
        "cpu_ms_per_event",
        "unit_ms_per_event",
        "rest_ms_per_event",
        "ceiling_events_per_s",
    ):
        assert trygg[key] is not None, key
    assert trygg["alerts"] == 5
    assert trygg["unit_ms_per_event"] + trygg["rest_ms_per_event"] == pytest.approx(
        trygg["cpu_ms_per_event"], abs=0.002
    )

    signal = results["delays"]["0"]["signal"]  # the same reporters on Signal
    assert signal["reports"] == 5 and signal["failures"] == {}
    assert signal["reports_complete"] == 5 and signal["persons_in_order"] == 5
    assert signal["events"] == 5 * EVENTS_PER_REPORT
    assert signal["alerts"] == 5 and signal["protocol_violations"] == 0
    assert signal["events_per_s"] > 0 and signal["startup_s"] is not None
    assert results["delays"]["0"]["signal_vs_telegram"] is not None
    assert "Signal 0ms:" in out and "0ms_signal_in_order" in out

    timers = results["timers"]
    assert timers["fired"] == timers["due"] == timers["fired_distinct"]
    assert timers["double_fired"] == 0 and timers["due_left_pending"] == 0
    assert {"peak_rss_mb", "targets", "machine", "date"} <= results.keys()
    assert "targets:" in out  # the table was printed too


def test_repeated_runs_take_turns_and_the_ratio_is_the_median_of_pairs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--quick", "--reporters", "3", "--delays", "0", "--repeat", "2"]
    argv += ["--skip-priority", "--skip-timers", "--pickle-seconds", "1"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = captured.out
    said = [x.split(":")[0] for x in captured.err.splitlines() if x.startswith("[0 ms]")]
    turn = [
        "[0 ms] Trygg",
        "[0 ms] Trygg on Signal",
        "[0 ms] PTB ConversationHandler, in memory ...",
        "[0 ms] PTB ConversationHandler, concurrent_updates ...",
    ]
    assert said[:8] == turn * 2
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    entry = json.loads(line.removeprefix("BENCH_JSON "))["delays"]["0"]
    ours = entry["trygg"]["repeats_events_per_s"]
    theirs = entry["ptb_memory"]["repeats_events_per_s"]
    assert len(ours) == len(theirs) == 2
    paired = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    assert entry["ratios"]["events_per_s_vs_ptb_memory"] == pytest.approx(sum(paired) / 2, abs=0.01)
    signal = entry["signal"]["repeats_events_per_s"]
    paired = sorted(a / b for a, b in zip(signal, theirs, strict=True))
    assert len(signal) == 2
    assert entry["ratios"]["signal_events_per_s_vs_ptb_memory"] == pytest.approx(
        sum(paired) / 2, abs=0.01
    )
    concurrent = entry["ptb_concurrent"]  # PTB's fastest setting, all reporters, to the end
    assert concurrent["reports"] == 3 and len(concurrent["repeats_events_per_s"]) == 2
    paired = sorted(a / b for a, b in zip(ours, concurrent["repeats_events_per_s"], strict=True))
    assert entry["ratios"]["events_per_s_vs_ptb_concurrent"] == pytest.approx(
        sum(paired) / 2, abs=0.01
    )
    assert entry["ratios"]["latency_p99_vs_ptb_memory"] is not None
    # no run gets more out of the machine than all its CPU per event over every core
    ratios = entry["ratios"]
    assert ratios["all_cores_ceiling_vs_ptb_memory"] >= ratios["events_per_s_vs_ptb_memory"]
    assert ratios["all_cores_ceiling_vs_ptb_concurrent"] >= ratios["events_per_s_vs_ptb_concurrent"]
    assert "ceiling 0ms (Trygg's CPU per event over every core" in out
    assert {"0ms_vs_ptb_memory", "0ms_p99_vs_ptb_memory"} <= set(
        json.loads(line.removeprefix("BENCH_JSON "))["targets"]
    )


def test_the_split_of_cpu_time_gives_the_ceiling_of_everything_but_the_core() -> None:
    # 10 s of run, 8 s of CPU, 5 s of it in 1,000 events' units of work
    figures = split(10.0, 8.0, 5.0, 1000, sqlite=True, cores=2)
    assert figures == {
        "cpu_busy_pct": 80.0,
        "cpu_ms_per_event": 8.0,
        "unit_ms_per_event": 5.0,
        "rest_ms_per_event": 3.0,
        "ceiling_events_per_s": 333.3,
        "all_cores_ceiling_events_per_s": 250.0,
    }
    # on PostgreSQL a unit of work's time includes the server's: no split
    assert set(split(10.0, 8.0, 5.0, 1000, sqlite=False).values()) == {None}
    assert set(split(10.0, 8.0, 5.0, 0, sqlite=True).values()) == {None}


@pytest.fixture
def scratch_postgresql() -> Iterator[str]:
    """A PostgreSQL database of this test's own (the benchmark drops its schema)."""
    reason = asyncio.run(_pg_reachable())
    if reason:
        pytest.skip(reason)
    name = f"trygg_bench_{os.getpid()}"
    asyncio.run(_pg_create_database(name))
    yield pg_url(name)
    asyncio.run(_pg_drop_database(name))


def test_the_same_run_on_postgresql_is_paired_with_sqlites(
    capsys: pytest.CaptureFixture[str], scratch_postgresql: str
) -> None:
    argv = ["--quick", "--reporters", "3", "--delays", "0", "--skip-baseline"]
    argv += ["--skip-priority", "--skip-timers", "--skip-signal", "--repeat", "2"]
    assert main([*argv, "--also-postgresql", scratch_postgresql]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    results = json.loads(line.removeprefix("BENCH_JSON "))
    entry = results["delays"]["0"]
    on_pg = entry["postgresql"]
    assert on_pg["reports"] == 3 and on_pg["persons_in_order"] == 3
    assert on_pg["reports_complete"] == 3 and on_pg["failures"] == {}
    ours, theirs = on_pg["repeats_events_per_s"], entry["trygg"]["repeats_events_per_s"]
    paired = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    assert entry["postgresql_vs_sqlite"] == pytest.approx(sum(paired) / 2, abs=0.01)
    assert "0ms_postgresql_vs_sqlite" in results["targets"]


def test_the_cluster_bench_runs_processes_on_both_databases_and_checks_every_report(
    capsys: pytest.CaptureFixture[str], scratch_postgresql: str
) -> None:
    argv = ["--postgresql", scratch_postgresql, "--processes", "2", "--reporters", "4"]
    assert cluster_main([*argv, "--repeat", "1", "--connections", "4", "--ptb"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("CLUSTER_JSON "))
    results = json.loads(line.removeprefix("CLUSTER_JSON "))
    assert results["problems"] == []
    runs = results["runs"]
    processes = {"sqlite_1": 1, "postgresql_2": 2, "ptb": 1, "ptb_concurrent": 1}
    for name, count in processes.items():
        run = runs[name]
        assert run["events"] == 4 * EVENTS_PER_REPORT and run["failures"] == {}, name
        assert run["alerts_delivered"] == 4 and run["exit_codes"] == [0] * count, name
        assert sum(run["posts_per_process"]) == 4 * EVENTS_PER_REPORT, name
        assert len(run["cpu_ms_per_event_per_process"]) == count, name
    assert runs["sqlite_1"]["reports_complete"] == runs["postgresql_2"]["reports_complete"] == 4
    assert all(runs["postgresql_2"]["posts_per_process"])  # the balancer spread the calls
    ratio = runs["postgresql_2"]["events_per_s"] / runs["sqlite_1"]["events_per_s"]
    assert results["ratios"]["postgresql_2_vs_sqlite_1"] == pytest.approx(ratio, abs=0.02)
    assert set(results["ratios"]) == {
        "postgresql_2_vs_sqlite_1",
        "sqlite_1_vs_ptb_concurrent",
        "postgresql_2_vs_ptb_concurrent",
        "sqlite_1_vs_ptb",
        "postgresql_2_vs_ptb",
    }


def test_the_unit_cost_bench_measures_each_way() -> None:
    figures = asyncio.run(measure_unit_cost(n=200, group=10))
    assert set(figures) == {"unit_us", "grouped_us", "shared_us", "statement_us"}
    assert all(value > 0 for value in figures.values())
    assert figures["statement_us"] < figures["unit_us"]  # a unit is more than its statement
