"""Kind refusals when a person has sent as much as Trygg takes in a day (storage.quotas).

Each refusal starts with the way out (112, the police, the security unit when known),
says what the limit was and when the person can send again. Nothing written is lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.flow import Context
from conversations.i18n import place_name
from conversations.texts import choose_hint, contacts_of, police_lines
from storage import quotas
from storage.directory import PlaceName
from storage.models import Municipality
from storage.quotas import MB, QuotaRepo, Refusal


def files_per_report(ctx: Context) -> int:
    """Return how many files one report of this person may keep."""
    return quotas.DEFAULT.of(ctx.viewer).files_per_report


def when_text(ctx: Context, moment: datetime) -> str:
    """Say a moment within the next days as people do: 'i morgon kl. 22.01'."""
    rounded = moment + timedelta(seconds=59, microseconds=999_999)  # up to the minute
    return ctx.when(rounded.replace(second=0, microsecond=0))


async def way_out(ctx: Context, municipality_id: int | None) -> list[str]:
    """112 and the police; the security unit of the person's (or the report's) municipality."""
    lines = police_lines(ctx)
    contacts = await contacts_of(ctx)
    name, phone = contacts.municipality_name, contacts.security_unit_phone
    if name is None and municipality_id is not None:  # unregistered: the report's, published
        municipality = await ctx.session.get(Municipality, municipality_id)
        if municipality is not None:
            name = PlaceName.of(municipality)
            phone = municipality.security_unit_phone
    if name is not None:
        lines.append(
            ctx._("Security unit of {municipality}: {phone}").format(
                municipality=place_name(ctx.locale, name), phone=phone
            )
        )
    return lines


async def report_refusal(
    ctx: Context, municipality_id: int | None = None, *, written: bool = False
) -> str | None:
    """Return why one more report is refused now (None: it is not); ``written``: it is ready."""
    refusal = await QuotaRepo(ctx.session, quotas.DEFAULT).refuse_report(ctx.viewer, ctx.now)
    if refusal is None:
        return None
    lines = await way_out(ctx, municipality_id)
    said = ctx.ngettext(
        "You have sent {n} report in the last 24 hours, the most I can take in that time.",
        "You have sent {n} reports in the last 24 hours, the most I can take in that time.",
        refusal.sent,
    ).format(n=refusal.sent)
    lines.append(f"{said} {_report_again(ctx, refusal, written)}")
    return "\n".join(lines)


def _report_again(ctx: Context, refusal: Refusal, written: bool) -> str:
    _ = ctx._
    if refusal.free_again is None:
        return _("Call your security contact instead.")
    when = when_text(ctx, refusal.free_again)
    if written:
        return choose_hint(
            ctx,
            _("Your report is saved: press Send {when} and it goes."),
            _("Your report is saved: answer “Send” {when} and it goes."),
        ).format(when=when)
    return _("You can start a new one {when}.").format(when=when)


async def evidence_refusal(ctx: Context, size: int, municipality_id: int | None) -> str | None:
    """Return why a file of ``size`` bytes is refused now (None: it is not)."""
    refusal = await QuotaRepo(ctx.session, quotas.DEFAULT).refuse_evidence(
        ctx.viewer, ctx.now, size
    )
    if refusal is None:
        return None
    _ = ctx._
    lines = await way_out(ctx, municipality_id)
    if refusal.free_again is None:
        lines.append(
            _(
                "This file is larger than I can keep from you ({limit} MB). Keep it and give "
                "it to your security contact."
            ).format(limit=refusal.limit // MB)
        )
    else:
        lines.append(
            _(
                "You have sent {size} MB of evidence in the last 24 hours, the most I can keep "
                "in that time. Keep the file and send it {when}, or give it to your security "
                "contact."
            ).format(size=max(1, round(refusal.sent / MB)), when=when_text(ctx, refusal.free_again))
        )
    return "\n".join(lines)
