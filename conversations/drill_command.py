"""/ovning: the municipal security unit starts a drill, or ends the one running."""

from __future__ import annotations

from conversations import drills
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import shown_name
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


async def name_of(ctx: Context, person_id: int) -> str:
    """The person's name as the directory has it now."""
    try:
        card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person_id)
    except NotFound:
        return ctx._("(erased person)")
    return shown_name(ctx._, card)


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
    officials = await offered(ctx, municipality_id)
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
                Button(f"{ACTION}:start:{pid}", _("Drill with {name}").format(name=name)),
            ]
            for pid, name in officials
        ],
    )
    return None


async def offered(ctx: Context, municipality_id: int) -> list[tuple[int, str]]:
    """The officials offered to drill with: (person id, name)."""
    officials = await DrillRepo(ctx.session).officials(municipality_id, CHOICES)
    return [(pid, await name_of(ctx, pid)) for pid in officials]


async def stop(ctx: Context, municipality_id: int, drill_id: int) -> tuple[bool, str]:
    """End the municipality's drill now: (ended, what to say)."""
    _ = ctx._
    drill = await DrillRepo(ctx.session).get(drill_id)
    allowed = await may_start(ctx.session, ctx.viewer, municipality_id)
    if drill is None or drill.municipality_id != municipality_id or not allowed:
        return False, _("Drills are started by the municipality's security unit.")
    if drill.ended_at is not None:
        return False, _("That drill has already ended.")
    await drills.end(ctx.session, drill, ctx.now, ctx.person.handle)
    return True, _("The drill has ended. The report comes in a moment.")


async def begin(
    ctx: Context, municipality_id: int, subject_id: int, speed: int = drills.DEFAULT_SPEED
) -> tuple[int | None, list[str]]:
    """Start a drill with the chosen official: (the drill's id or None, lines to say)."""
    _ = ctx._
    if await DrillRepo(ctx.session).running(municipality_id) is not None:
        return None, [_("A drill is already running. Wait for its report, or end it with /ovning.")]
    try:
        started = await drills.start(
            ctx.session,
            ctx.packs,
            ctx.viewer,
            municipality_id,
            ctx.now,
            speed=speed,
            subject_id=subject_id,
            keyring=ctx.keyring,
            story=_(drills.STORY),
        )
    except NotAllowed:
        return None, [_("Drills are started by the municipality's security unit.")]
    if started is None:
        return None, [_("There is nobody in Trygg to alert for that person, so there is no drill.")]
    ctx.drill_id = started.drill_id  # what the unit is told now is part of the drill too
    subject = await ctx.session.get(Person, started.subject_id)
    first = ", ".join([await name_of(ctx, pid) for pid in started.levels[0]])
    wait = (started.ends_at - ctx.now).total_seconds()
    return started.drill_id, [
        _("The drill has started."),
        _("{name} is told it is a drill. The alert has gone to {names}.").format(
            name=await name_of(ctx, subject.id) if subject else "", names=first
        ),
        _("You get the report in about {wait}.").format(wait=_seconds(ctx, wait)),
    ]


async def act(ctx: Context, event: InboundEvent) -> StateResult:
    """Start the drill with the chosen official, or end the running one now."""
    _ = ctx._
    _prefix, what, number = [*event.button.split(":"), "", ""][:3]
    municipality_id = ctx.person.municipality_id
    if municipality_id is None or not number.isdigit():
        ctx.reply(_("Drills are started by the municipality's security unit."))
        return None
    if what == "end":
        _ended, said = await stop(ctx, municipality_id, int(number))
        ctx.reply(said)
        return None
    drill_id, lines = await begin(ctx, municipality_id, int(number))
    if drill_id is None:
        ctx.reply("\n".join(lines))
        return None
    ctx.reply("\n".join(lines), [[Button(f"{ACTION}:end:{drill_id}", _("End the drill"))]])
    return None
