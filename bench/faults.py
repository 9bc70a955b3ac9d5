"""``python -m bench.faults``: the crash test with many SIGKILLs (on demand, not in CI).

Runs the scenario of tests/test_fault_crash.py (tests/crash_harness.py: the bot as a child
process on an SQLite file against a fake Bot API, officials writing reports while the bot
is SIGKILLed at seeded random moments and started again) with as many kills as asked, and
prints the same figures as the CI run: answers checked, alerts, duplicates, lost.

The reports must last long enough for the kills, so there are more officials than needed
(10 per kill, at least 100, unless given); once every kill is done no new report begins,
and the figures count the officials who began one.

Options:
  --kills N         SIGKILLs (default 100)
  --officials N     officials who each write one report (default max(100, 10 × kills))
  --concurrent N    officials writing at once (default 10)
  --seed S          another seeded run (default TRYGG_FAULT_SEED or the CI test's)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from storage import migrate
from tests.crash_harness import SEED, Scenario, run_crash


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--officials", type=int, default=0)
    parser.add_argument("--concurrent", type=int, default=10)
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args(argv)


def _report(result_figures: dict[str, object], problems: list[str]) -> str:
    """The figures as a short report, then one ``FAULTS_JSON`` line."""
    f = result_figures
    lines = [
        f"reports            {f['reports']}",
        f"kills survived     {f['kills_survived']} (starts {f['starts']})",
        f"answers checked    {f['answers_checked']} (lost {f['answers_lost']})",
        f"alerts             {f['alerts']} (lost {f['alerts_lost']}, "
        f"duplicates {f['duplicates_seen']}, at most one per kill allowed)",
        f"replies re-sent    {f['replies_resent_after_kill']} after a kill "
        f"(at most {f['resends_max_per_official']} for one official)",
        f"try-again answers  {f['try_again_answers']}",
        f"seconds            {f['seconds']} (bot CPU {f['bot_cpu_seconds']} s)",
    ]
    lines += [f"LOST: {p}" for p in problems[:20]]
    lines.append("FAULTS_JSON " + json.dumps(f))
    return "\n".join(lines)


async def _run(args: argparse.Namespace, path: Path, template: Path) -> int:
    officials = args.officials or max(100, 10 * args.kills)
    scenario = Scenario(
        officials=officials,
        concurrent=args.concurrent,
        kills=(args.kills, args.kills),
        seed=args.seed,
        run_timeout=max(150.0, 30.0 * args.kills),
        until_kills=True,
    )
    began = time.monotonic()
    print(f"{officials} officials, {args.kills} kills, seed {args.seed} …", flush=True)
    result = await run_crash(path, template, scenario)
    result.figures["wall_seconds"] = round(time.monotonic() - began, 1)
    print(_report(result.figures, result.problems))
    failed = (
        result.problems
        or result.duplicates > result.kills
        or result.resent_max > result.kills
        or result.sorry
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    with tempfile.TemporaryDirectory(prefix="trygg-faults-") as tmp:
        path = Path(tmp)
        template = path / "template.db"
        migrate.upgrade(f"sqlite+aiosqlite:///{template}")  # blocking: before the loop
        run_dir = path / "run"
        run_dir.mkdir()
        return asyncio.run(_run(args, run_dir, template))


if __name__ == "__main__":
    sys.exit(main())
