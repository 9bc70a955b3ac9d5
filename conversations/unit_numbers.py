"""The security units' published numbers, for someone not yet in Trygg: "ring kommunens
säkerhetsenhet" is no help at 23:00 without the number. Few municipalities are listed;
among many, the one she names ("/kontakter Sjövik")."""

from __future__ import annotations

from conversations.flow import Context
from conversations.i18n import place_name
from conversations.words import folded
from storage.directory import DirectoryRepo

LISTED = 5  # municipalities: this few are all shown; more, and she names hers


async def unit_lines(ctx: Context, named: str = "") -> list[str]:
    """The published numbers of the security units she may call: those of the municipality
    she named, else of all of them when they are few; else how to ask for hers."""
    _ = ctx._
    units = await DirectoryRepo(ctx.session).unit_numbers()
    wanted = folded(named.strip())
    if wanted:
        units = [
            u
            for u in units
            if any(folded(n).startswith(wanted) for n in (u[0].name, u[0].name_en or ""))
        ] or units
    if not units:
        return []
    if len(units) > LISTED:
        return [
            _(
                "Write /kontakter and your municipality, for example /kontakter {name}, and I "
                "will show its security unit's number."
            ).format(name=place_name(ctx.locale, units[0][0]).split()[0])
        ]
    lines = [
        ctx.ngettext(
            "The municipal security unit in Trygg:",
            "Municipal security units in Trygg:",
            len(units),
        )
    ]
    for name, phone, switchboard in units:
        line = _("{municipality}: {phone}").format(
            municipality=place_name(ctx.locale, name), phone=phone
        )
        if switchboard:
            line += " " + _("(switchboard {phone})").format(phone=switchboard)
        lines.append("• " + line)
    return lines
