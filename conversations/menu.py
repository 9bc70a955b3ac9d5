"""One-shot answers and fallbacks: the menu, contacts, help, and kind replies to odd input."""

from __future__ import annotations

from conversations.events import BOT_DOWNLOAD_LIMIT, EventKind, InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.texts import contact_lines, contacts_of, menu_buttons, police_lines


async def show_menu(ctx: Context, event: InboundEvent) -> StateResult:
    """Show what the person can do."""
    _ = ctx._
    if event.kind is EventKind.ATTACHMENT:
        ctx.reply(_("Keep the original of what you sent – don't delete it; it may be evidence."))
    ctx.reply(_("This is what I can help you with:"), menu_buttons(ctx))
    return END


async def show_contacts(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the person's security contacts and the police numbers."""
    _ = ctx._
    contacts = await contacts_of(ctx)
    lines = contact_lines(ctx, contacts)
    if not ctx.viewer.registered:
        lines.append(
            _(
                "You are not registered in Trygg yet, so I cannot show your party's "
                "contacts. Ask your party's security contact or your municipality's "
                "security unit for an invitation."
            )
        )
    lines += ["", *police_lines(ctx)]
    ctx.reply("\n".join(lines), menu_buttons(ctx))
    return END


async def show_help(ctx: Context, event: InboundEvent) -> StateResult:
    """Explain what the bot can do."""
    _ = ctx._
    ctx.reply(
        "\n".join(
            [
                _("Trygg helps elected officials who are threatened, harassed or attacked."),
                "",
                _("/akut – what to do right now, and alert your security contact"),
                _("/kontakter – your security contacts and the police numbers"),
                _("/start – welcome, language and how your data is handled"),
                _("/hjalp – this text"),
                "",
                _("In danger now: call {number}.").format(number="112"),
            ]
        ),
        menu_buttons(ctx),
    )
    return END


async def unknown_command(ctx: Context, event: InboundEvent) -> StateResult:
    """Say the command is unknown and show what exists."""
    _ = ctx._
    ctx.reply(_("I don't know the command /{command}.").format(command=event.command[:32]))
    return show_open_question(ctx)


def show_open_question(ctx: Context) -> StateResult:
    """Show the open question again with its buttons; with none open, the menu."""
    _ = ctx._
    if not ctx.again():
        ctx.reply(_("This is what I can help you with:"), menu_buttons(ctx))
    return None


async def stale_button(ctx: Context, event: InboundEvent) -> StateResult:
    """Refuse a button from an earlier message and show the current question."""
    _ = ctx._
    if event.button:
        ctx.reply(_("That button belongs to an earlier message, so I did nothing with it."))
    else:
        ctx.reply(_("There is no such choice here."))
    return show_open_question(ctx)


async def unsupported(ctx: Context, event: InboundEvent) -> StateResult:
    """Say kindly that this kind of message cannot be used here."""
    _ = ctx._
    ctx.reply(_("I can't use that here – please write, or send a photo."))
    return show_open_question(ctx)


async def unexpected(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the person to answer the open question with its buttons."""
    _ = ctx._
    ctx.reply(_("Please choose one of the buttons below."))
    return show_open_question(ctx)


async def too_large(ctx: Context, event: InboundEvent) -> StateResult:
    """Explain the download limit for files."""
    _ = ctx._
    ctx.reply(
        _(
            "That file is larger than {limit} MB, the most I can receive. Keep the original, "
            "and send a smaller copy (e.g. a screenshot), or give it to your security contact "
            "another way."
        ).format(limit=BOT_DOWNLOAD_LIMIT // (1024 * 1024))
    )
    ctx.again()
    return None


async def edited(ctx: Context, event: InboundEvent) -> StateResult:
    """Say that an edit of an earlier message did not change anything."""
    _ = ctx._
    ctx.reply(
        _(
            "You edited an earlier message. I have not changed anything: send the correction "
            "as a new message."
        )
    )
    ctx.again()
    return None
