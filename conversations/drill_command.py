"""/ovning: the municipal security unit starts a drill, or ends the one running."""

from __future__ import annotations

from conversations import drills
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from storage.directory import DirectoryRepo
from storage.drills import DrillRepo, may_start
from storage.errors import NotAllowed, NotFound
from storage.models import Person

ACTION = "drill"  # drill:start:<person id> | drill:end:<drill id>
CHOICES = 4  # officials offered to drill with


def _seconds(ctx: Context, seconds: float) -> str:
    """A short wait in plain words: "40 seconds", "2 minutes"."""
    if seconds < 90:
        n = max(1, round(seconds))
        return ctx.ngettext("{n} second", "{n} seconds", n).format(n=n)
    n = round(seconds / 60)
    return ctx.ngettext("{n} minute", "{n} minutes", n).format(n=n)


async def _name(ctx: Context, person_id: int) -> str:
    try:
        card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person_id)
    except NotFound:
        return ctx._("(erased person)")
    return card.name


async def ask(ctx: Context, event: InboundEvent) -> StateResult:
    """Explain the drill and offer whom to drill with; or offer to end the one running."""
    _ = ctx._
    municipality_id = ctx.person.municipality_id
    if municipality_id is None or not await may_start(ctx.session, ctx.viewer, municipality_id):
        ctx.reply(_("Drills are started by the municipality's security unit."))
        return None
    running = await DrillRepo(ctx.session).running(municipality_id)
    if running is not None:
        ctx.reply(
            _("A drill is running. It ends by itself, or you can end it now."),
            [[Button(f"{ACTION}:end:{running.id}", _("End the drill"))]],
        )
        return None
    officials = await DrillRepo(ctx.session).officials(municipality_id, CHOICES)
    if not officials:
        ctx.reply(_("There is no elected official in Trygg to drill with yet."))
        return None
    ctx.reply(
        "\n".join(
            [
                _("A drill shows how an alert goes through, as with /akut."),
                _(
                    "The person you choose gets a message marked DRILL. The alert goes to "
                    "their party's security contacts and to you, as a real one would."
                ),
                _(
                    "Time runs {speed} times faster. At the end you get a report, and "
                    "everything from the drill is removed."
                ).format(speed=drills.DEFAULT_SPEED),
                _("Who should drill?"),
            ]
        ),
        [
            [
                Button(
                    f"{ACTION}:start:{pid}",
                    _("Drill with {name}").format(name=await _name(ctx, pid)),
                )
            ]
            for pid in officials
        ],
    )
    return None


async def act(ctx: Context, event: InboundEvent) -> StateResult:
    """Start the drill with the chosen official, or end the running one now."""
    _ = ctx._
    _prefix, what, number = [*event.button.split(":"), "", ""][:3]
    municipality_id = ctx.person.municipality_id
    if municipality_id is None or not number.isdigit():
        ctx.reply(_("Drills are started by the municipality's security unit."))
        return None
    if what == "end":
        drill = await DrillRepo(ctx.session).get(int(number))
        allowed = await may_start(ctx.session, ctx.viewer, municipality_id)
        if drill is None or drill.municipality_id != municipality_id or not allowed:
            ctx.reply(_("Drills are started by the municipality's security unit."))
            return None
        if drill.ended_at is not None:
            ctx.reply(_("That drill has already ended."))
            return None
        await drills.end(ctx.session, drill, ctx.now, ctx.person.handle)
        ctx.reply(_("The drill has ended. The report comes in a moment."))
        return None
    if await DrillRepo(ctx.session).running(municipality_id) is not None:
        ctx.reply(_("A drill is already running. Wait for its report, or end it with /ovning."))
        return None
    try:
        started = await drills.start(
            ctx.session,
            ctx.packs,
            ctx.viewer,
            municipality_id,
            ctx.now,
            subject_id=int(number),
            keyring=ctx.keyring,
            story=_(drills.STORY),
        )
    except NotAllowed:
        ctx.reply(_("Drills are started by the municipality's security unit."))
        return None
    if started is None:
        ctx.reply(_("There is nobody in Trygg to alert for that person, so there is no drill."))
        return None
    ctx.drill_id = started.drill_id  # what the unit is told now is part of the drill too
    subject = await ctx.session.get(Person, started.subject_id)
    first = ", ".join([await _name(ctx, pid) for pid in started.levels[0]])
    wait = (started.ends_at - ctx.now).total_seconds()
    ctx.reply(
        "\n".join(
            [
                _("The drill has started."),
                _("{name} is told it is a drill. The alert has gone to {names}.").format(
                    name=await _name(ctx, subject.id) if subject else "", names=first
                ),
                _("You get the report in about {wait}.").format(wait=_seconds(ctx, wait)),
            ]
        ),
        [[Button(f"{ACTION}:end:{started.drill_id}", _("End the drill"))]],
    )
    return None
