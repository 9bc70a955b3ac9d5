"""Drills in the console (the municipal unit only): the municipality's drills with what
they showed, starting one with a chosen official, and ending the one running."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.desk import Desk, signed_in, web_of
from bot.web.forms import ERROR_MARK, form_of, see
from bot.web.render import page
from conversations import drill_command, drills
from conversations.flow import Context
from conversations.stats.view import span
from storage.drills import DrillRepo, may_start
from storage.errors import NotFound
from storage.models import Drill

SPEEDS = (drills.DEFAULT_SPEED, 1)


@dataclass(frozen=True, slots=True)
class DrillRow:
    """One drill as the table shows it."""

    started_at: datetime
    ended_at: datetime | None
    started_by: str
    official: str
    alerted: int | None
    reached: int | None
    taken: str
    speed: int


async def _named(ctx: Context, person_id: int | None) -> str:
    if person_id is None:
        return ctx._("(erased person)")
    return await drill_command.name_of(ctx, person_id)


def _after(ctx: Context, seconds: int) -> str:
    return span(max(1, round(seconds / 60)), ctx.ngettext)


async def drill_row(ctx: Context, drill: Drill) -> DrillRow:
    """A drill with the numbers of its summary (none yet while it runs)."""
    summary: dict[str, Any] = drill.summary or {}
    alerts = summary.get("alerts", [])
    if drill.ended_at is None:  # no summary yet: the official from the running alert
        running = await DrillRepo(ctx.session).alerts(drill.id)
        alerts = [{"subject": a.subject_id} for a in running[:1]]
    first = alerts[0] if alerts else {}
    people = [p for a in alerts for p in a.get("people", []) if p.get("alerted_after") is not None]
    taken = "–"
    if drill.ended_at is not None:
        taken = ctx._("Nobody")
        if first.get("taken_by") is not None and first.get("taken_after") is not None:
            taken = ctx._("{name}, after {span}").format(
                name=await _named(ctx, first["taken_by"]), span=_after(ctx, first["taken_after"])
            )
    return DrillRow(
        started_at=drill.started_at,
        ended_at=drill.ended_at,
        started_by=await _named(ctx, drill.started_by),
        official=await _named(ctx, first.get("subject")) if first else "–",
        alerted=len(people) if drill.ended_at is not None else None,
        reached=sum(1 for p in people if p.get("reached")) if drill.ended_at else None,
        taken=taken,
        speed=drill.speed,
    )


def _unit_of(desk: Desk) -> int:
    """The municipality of the signed-in security unit (404 for anyone else)."""
    viewer = desk.ctx.viewer
    if viewer.municipality_id is None:
        raise NotFound("drills")
    return viewer.municipality_id


async def drill_list(request: Request) -> Response:
    """List the municipality's drills; offer to start one, or to end the one running."""
    async with signed_in(request) as desk:
        ctx = desk.ctx
        municipality_id = _unit_of(desk)
        listed = await DrillRepo(ctx.session).listed(ctx.viewer)
        running = await DrillRepo(ctx.session).running(municipality_id)
        return page(
            request,
            desk,
            "drills.html",
            rows=[await drill_row(ctx, d) for d in listed],
            running=running,
            officials=[] if running else await drill_command.offered(ctx, municipality_id),
            speeds=SPEEDS,
            default_speed=drills.DEFAULT_SPEED,
        )


async def start(request: Request) -> Response:
    """Start a drill with the official chosen, at the speed chosen."""
    form = await form_of(request)
    started = False
    async with signed_in(request, form) as desk:
        ctx = desk.ctx
        municipality_id = _unit_of(desk)
        if not await may_start(ctx.session, ctx.viewer, municipality_id):
            raise NotFound("drills")
        chosen = form.get("official", "")
        speed = int(form.get("speed", "")) if form.get("speed", "").isdigit() else 0
        if not chosen.isdigit() or speed not in SPEEDS:
            desk.notice = ERROR_MARK + ctx._("Choose who should drill, and how fast.")
        else:
            drill_id, lines = await drill_command.begin(ctx, municipality_id, int(chosen), speed)
            started = drill_id is not None
            desk.notice = ("" if started else ERROR_MARK) + " ".join(lines)
    if started:
        web_of(request).on_commit()  # the drill's messages are in the outbox
    return see("/drills")


async def end(request: Request) -> Response:
    """End the running drill now: the unit gets its report."""
    form = await form_of(request)
    ended = False
    async with signed_in(request, form) as desk:
        ctx = desk.ctx
        municipality_id = _unit_of(desk)
        if not await may_start(ctx.session, ctx.viewer, municipality_id):
            raise NotFound("drills")
        number = form.get("drill", "")
        if not number.isdigit():
            desk.notice = ERROR_MARK + ctx._("That drill has already ended.")
        else:
            ended, said = await drill_command.stop(ctx, municipality_id, int(number))
            desk.notice = ("" if ended else ERROR_MARK) + said
    if ended:
        web_of(request).on_commit()  # the report is in the outbox
    return see("/drills")


ROUTES = [
    Route("/drills", drill_list),
    Route("/drills/start", start, methods=["POST"]),
    Route("/drills/end", end, methods=["POST"]),
]
