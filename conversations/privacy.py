"""/glom (forget me) and /logg (the audit log for the municipal security unit)."""

from __future__ import annotations

from enum import StrEnum

from conversations.alert_next import ESCALATE
from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.followups import CHECKIN
from conversations.notices import ALERT, ALERT_WITHDRAWN
from conversations.texts import choose_below, menu_buttons
from storage.directory import DirectoryRepo
from storage.outbox import URGENT
from storage.trust import AuditRepo, ErasureKinds, PeopleRepo

KINDS = ErasureKinds(escalation_timer=ESCALATE, alert_message=ALERT, checkin_timer=CHECKIN)


class Forget(StrEnum):
    CONFIRM = "confirm"


async def ask_forget(ctx: Context, event: InboundEvent) -> StateResult:
    """Explain what erasure does and ask before doing it."""
    _ = ctx._
    lines = [
        _("Do you want Trygg to forget you?"),
        _(
            "I erase your name, phone number, language, unfinished reports and the link "
            "to this chat."
        ),
        _(
            "Reports you have already sent must stay documented for the municipal "
            "security unit: they are kept without your name and number."
        ),
    ]
    open_alerts = len(await PeopleRepo(ctx.session).open_alerts(ctx.person.id))
    if open_alerts:
        # someone who asked for help may still be in danger: the way out comes first
        lines.insert(0, _("In danger now: call {number}.").format(number="112"))
        lines.append(
            ctx.ngettext(
                "Your open alert is withdrawn too: nobody will call you about it.",
                "Your open alerts are withdrawn too: nobody will call you about them.",
                open_alerts,
            )
        )
    ctx.reply(
        "\n".join(lines),
        [[Button("forget:yes", _("Yes, forget me")), Button("forget:no", _("No"))]],
    )
    return Forget.CONFIRM


async def forget(ctx: Context, event: InboundEvent) -> StateResult:
    """Erase the person (or keep everything, if they said no) and say exactly what was done."""
    _ = ctx._
    if event.button != "forget:yes":
        ctx.reply(_("Nothing was erased."), menu_buttons(ctx), rest=True)
        return END
    municipality = ctx.person.municipality_id
    person = await DirectoryRepo(ctx.session).person(ctx.person.id)
    from_org_file = person.in_org_file or person.display_name is not None
    result = await PeopleRepo(ctx.session).erase(person, ctx.now, keyring=ctx.keyring, kinds=KINDS)
    for recipient_id, alert_id in result.withdrawn:
        ctx.notify(recipient_id, ALERT_WITHDRAWN, {"alert": alert_id}, URGENT)
    # the erased person's new, meaningless handle: the log keeps no trace of who it was
    AuditRepo(ctx.session).record(person.handle, "erased", person.handle, municipality, ctx.now)
    lines = [_("Done. Trygg has forgotten you:")]
    lines.append(_("• erased: your name, phone number, language and the link to this chat"))
    if result.drafts_deleted:
        lines.append(
            ctx.ngettext(
                "• erased: {n} unfinished report",
                "• erased: {n} unfinished reports",
                result.drafts_deleted,
            ).format(n=result.drafts_deleted)
        )
    if result.reports_pseudonymised:
        lines.append(
            ctx.ngettext(
                "• kept without your name and number: {n} sent report (the municipal security "
                "unit must keep it documented)",
                "• kept without your name and number: {n} sent reports (the municipal security "
                "unit must keep them documented)",
                result.reports_pseudonymised,
            ).format(n=result.reports_pseudonymised)
        )
    if result.alerts_withdrawn:
        lines.append(
            ctx.ngettext(
                "• withdrawn: {n} open alert (whoever got it is told nothing more is needed)",
                "• withdrawn: {n} open alerts (whoever got them is told nothing more is needed)",
                result.alerts_withdrawn,
            ).format(n=result.alerts_withdrawn)
        )
    if result.checkins_cancelled:
        lines.append(_("• stopped: the check-ins Trygg had planned with you"))
    if from_org_file:
        lines.append(_("• your organisation's list will not add you again unless you ask"))
    lines.append(_("If you write again, you start as a new, unregistered person."))
    ctx.reply("\n".join(lines))
    ctx.forgotten = True
    return END


async def repeat(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask again."""
    ctx.reply(choose_below(ctx))
    ctx.again()
    return None


FLOW = Flow(
    name="forget",
    states=Forget,
    entry=ask_forget,
    table={Forget.CONFIRM: {"forget:*": forget, Input.TEXT: repeat}},
)
