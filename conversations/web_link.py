"""/webb: a one-time link into the web console, for the people who handle cases."""

from __future__ import annotations

from conversations.events import InboundEvent
from conversations.flow import Context, StateResult
from storage.errors import NotAllowed
from storage.web_access import LINK_VALID, TooManyLinks, WebAccessRepo

LOGIN_PATH = "/login/"


async def send_link(ctx: Context, event: InboundEvent) -> StateResult:
    """Send the person a single-use login link, if their role handles cases."""
    _ = ctx._
    if not ctx.web_url:
        ctx.reply(_("The web console is not switched on here. Ask your administrator."))
        return None
    try:
        token = await WebAccessRepo(ctx.session).issue_link(ctx.viewer, ctx.now)
    except TooManyLinks:
        ctx.reply(_("You have asked for several links in a short time. Try again in an hour."))
        return None
    except NotAllowed:
        ctx.reply(
            _(
                "The web console is for those who handle cases: the municipality's security "
                "unit and the parties' security contacts."
            )
        )
        return None
    minutes = int(LINK_VALID.total_seconds() // 60)
    link = f"{ctx.web_url.rstrip('/')}{LOGIN_PATH}{token}"
    ctx.reply(
        "\n".join(
            (
                _("Your link to the web console:"),
                link,
                "",
                ctx.ngettext(
                    "It works once, for {n} minute, and only for you. Don't pass it on.",
                    "It works once, for {n} minutes, and only for you. Don't pass it on.",
                    minutes,
                ).format(n=minutes),
                _("Log out in the browser when you are done."),
            )
        )
    )
    return None
