"""Prometheus metrics: counts and durations only, never a person, a handle or a text.

Every label is from a small fixed set (an event's kind, a channel, a message kind, a
failure's reason, a timer's kind, a priority). Each App has a registry of its own, so two
apps in one test run never share a count.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from bot.transports.base import GONE, IDENTITY, DeliveryFailed
from conversations.events import Delivery, InboundEvent
from storage.outbox import CONVERSATION, ROUTINE, URGENT

__all__ = ["CONTENT_TYPE", "Metrics", "failure_reason"]

EVENT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
TAKE_BUCKETS = (30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400)
LATE_BUCKETS = (0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600, 86400)

disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: they double the output and say nothing here


def failure_reason(exc: BaseException) -> str:
    """What kind of delivery failure this was, as a label (never its message)."""
    if not isinstance(exc, DeliveryFailed):
        return "other"
    if exc.retry_after:
        return "rate_limited"
    if exc.kind == GONE:
        return "unregistered"
    if exc.kind == IDENTITY:
        return "identity"
    if exc.permanent:
        return "blocked"
    return "network"


class Metrics:
    """The metric objects of one process, on one registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.events = Counter(
            "trygg_events_handled",
            "Events handled (each in its own unit of work), by kind and outcome",
            ["kind", "outcome"],
            registry=r,
        )
        self.event_seconds = Histogram(
            "trygg_event_handling_seconds",
            "Time to handle one event, unit of work and commit included",
            ["kind"],
            buckets=EVENT_BUCKETS,
            registry=r,
        )
        self.outbox_depth = Gauge(
            "trygg_outbox_depth",
            "Messages waiting in the outbox, by priority (0 urgent); read at scrape time",
            ["priority"],
            registry=r,
        )
        self.sent = Counter(
            "trygg_messages_sent",
            "Messages handed to a platform: replies, and outbox messages by kind",
            ["channel", "kind"],
            registry=r,
        )
        self.failures = Counter(
            "trygg_delivery_failures",
            "Sends that failed, by reason (rate_limited, blocked, unregistered, ...)",
            ["channel", "reason"],
            registry=r,
        )
        self.alert_take = Histogram(
            "trygg_alert_time_to_take_seconds",
            "From an alert's creation to its first acknowledgement (drills left out)",
            ["kind"],
            buckets=TAKE_BUCKETS,
            registry=r,
        )
        self.timers_pending = Gauge(
            "trygg_timers_pending", "Timers waiting to fire; read at scrape time", registry=r
        )
        self.timers_due = Gauge(
            "trygg_timers_due",
            "Pending timers whose due time has passed; read at scrape time",
            registry=r,
        )
        self.timers_fired = Counter(
            "trygg_timers_fired", "Timers fired, by kind", ["kind"], registry=r
        )
        self.timer_lateness = Histogram(
            "trygg_timer_lateness_seconds",
            "How long after its due time a timer fired",
            ["kind"],
            buckets=LATE_BUCKETS,
            registry=r,
        )

    def handled(self, event: InboundEvent, delivery: Delivery | None, seconds: float) -> None:
        """Count one handled event and what its unit of work measured."""
        kind = event.kind.value
        outcome = "failed" if delivery is not None and delivery.retry else "ok"
        self.events.labels(kind, outcome).inc()
        self.event_seconds.labels(kind).observe(seconds)
        if delivery is not None and delivery.alert_taken is not None:
            alert_kind, after = delivery.alert_taken
            self.alert_take.labels(alert_kind).observe(max(after, 0.0))

    def delivered(self, channel: str, kind: str) -> None:
        self.sent.labels(channel, kind).inc()

    def failed(self, channel: str, exc: BaseException) -> None:
        self.failures.labels(channel, failure_reason(exc)).inc()

    def fired(self, kind: str, late: float) -> None:
        self.timers_fired.labels(kind).inc()
        self.timer_lateness.labels(kind).observe(max(late, 0.0))

    def set_outbox_depth(self, depth: dict[int, int]) -> None:
        self.outbox_depth.clear()
        every = {URGENT: 0, CONVERSATION: 0, ROUTINE: 0, **depth}  # an empty lane shows 0
        for priority, count in sorted(every.items()):
            self.outbox_depth.labels(str(priority)).set(count)

    def set_timers(self, pending: int, due: int) -> None:
        self.timers_pending.set(pending)
        self.timers_due.set(due)

    def text(self) -> bytes:
        """The registry in Prometheus's text format."""
        return generate_latest(self.registry)
