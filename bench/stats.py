"""Figures: percentiles, the longest pause without a completed event, resident memory."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import resource
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.fakeapi import now

PAGE = os.sysconf("SC_PAGE_SIZE")


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def longest_pause(completions: list[float], start: float, end: float | None = None) -> float:
    """The longest time in which no event completed: between the first completion and the
    last (or ``end``, for a run cut off at a deadline)."""
    if not completions:
        return (end or start) - start
    times = sorted(completions)
    if end is not None:
        times.append(end)
    return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


@dataclass
class Tally:
    """What the simulated people saw: one latency and one completion time per event."""

    latencies: list[float] = field(default_factory=list)
    completions: list[float] = field(default_factory=list)
    reports: int = 0
    failures: Counter[str] = field(default_factory=Counter)

    def done(self, latency: float, at: float) -> None:
        self.latencies.append(latency)
        self.completions.append(at)

    @property
    def events(self) -> int:
        return len(self.latencies)


def rss_bytes() -> int:
    """Resident memory now (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE


def max_rss_bytes() -> int:
    """The process's peak resident memory so far (ru_maxrss, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class RssSampler:
    """Samples resident memory while a run lasts; ``peak`` is the highest sample."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.before = rss_bytes()
        self.peak = self.before
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_bytes())
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self.before = rss_bytes()
        self.peak = self.before
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        self.peak = max(self.peak, rss_bytes())
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


@dataclass
class Run:
    """One throughput run, summarised."""

    name: str
    delay_ms: int
    events: int
    reports: int
    seconds: float
    latencies: list[float]
    completions: list[float]
    start: float
    end: float | None = None  # set for runs cut off at a deadline
    failures: dict[str, int] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, delay: float, tally: Tally, seconds: float, start: float) -> Run:
        """A whole run (every reporter to the end) from what its people saw."""
        return cls(
            name,
            round(delay * 1000),
            tally.events,
            tally.reports,
            seconds,
            tally.latencies,
            tally.completions,
            start,
            failures=dict(tally.failures),
        )

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, object]:
        return {
            "events": self.events,
            "reports": self.reports,
            "seconds": round(self.seconds, 3),
            "events_per_s": round(self.events_per_s, 1),
            "latency_p50_ms": ms(percentile(self.latencies, 50)),
            "latency_p99_ms": ms(percentile(self.latencies, 99)),
            "longest_pause_ms": ms(longest_pause(self.completions, self.start, self.end)),
            "failures": dict(self.failures),
            **self.extra,
        }


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


async def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` passed; return whether it held."""
    deadline = now() + seconds
    while now() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


def events_per_s(run: Run) -> float | None:
    return run.events_per_s


def all_cores_ceiling(run: Run) -> float | None:
    return run.extra.get("all_cores_ceiling_events_per_s")


def p99(run: Run) -> float | None:
    return percentile(run.latencies, 99)


def paired_ratio(
    ours: list[Run],
    theirs: list[Run],
    figure: Callable[[Run], float | None] = events_per_s,
    their_figure: Callable[[Run], float | None] | None = None,
) -> float | None:
    """The median of the ratios of a figure (events/s unless given) of runs made one after
    the other; ``their_figure``: another figure of the other runs."""
    of_theirs = their_figure or figure
    pairs = [
        mine / other
        for mine, other in ((figure(a), of_theirs(b)) for a, b in zip(ours, theirs, strict=True))
        if mine is not None and other
    ]
    return round(statistics.median(pairs), 2) if pairs else None
