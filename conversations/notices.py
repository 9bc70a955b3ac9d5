"""Messages to other people (the outbox), rendered in the recipient's language on delivery.

An outbox row stores only a kind and ids; names and numbers are looked up when the
message is sent, so no personal data sits in the queue and the text is always current.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import drill_notices, identity
from conversations.akut_notices import (
    ALERT_MESSAGE,
    ALERT_WORDS,
    render_alert_message,
    render_alert_words,
)
from conversations.alert_push import render_alert
from conversations.alert_replies import (
    render_acked,
    render_linked,
    render_taken,
    render_taker_gone,
    render_unanswered,
)
from conversations.capabilities import UNDECLARED, Capabilities
from conversations.case_notices import (
    ABOUT_A_CASE_TO_ANYONE,
    CASE_RENDERERS,
    FOR_THE_HANDLERS,
    FOR_THE_REPORTER,
)
from conversations.drill_mark import marked
from conversations.events import Reply
from conversations.followup_notices import (
    render_checkin,
    render_checkin_reply,
    render_followup_booked,
    render_followup_nudge,
    render_followup_overdue,
)
from conversations.handover_notices import render_handed_over, render_new_handler
from conversations.i18n import Catalogs
from conversations.notice_context import NOTICE_TOKEN as NOTICE_TOKEN  # imported from here
from conversations.notice_context import RenderContext, Renderer
from conversations.packs import PackLibrary
from conversations.plan_notices import render_duty, render_purge_idle_notice, render_purge_notice
from conversations.withdrawn_notices import render_withdrawn
from storage.access import Access, case_access
from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.models import Alert, OutboxMessage, Person, Report
from storage.viewer import Viewer

ALERT = "alert"
ALERT_ACKED = "alert_acked"
ALERT_TAKEN = "alert_taken"
ALERT_LINKED = "alert_linked"
CASE_HANDED_OVER = "case_handed_over"
CASE_NEW_HANDLER = "case_new_handler"
ALERT_UNANSWERED = "alert_unanswered"
ALERT_TAKER_GONE = "alert_taker_gone"  # to her: who took her alert may no longer handle it
ALERT_WITHDRAWN = "alert_withdrawn"
FOLLOWUP_NUDGE = "followup_nudge"
FOLLOWUP_OVERDUE = "followup_overdue"
FOLLOWUP_BOOKED = "followup_booked"  # to the targeted person: a call with her is booked
CHECKIN_ASK = "checkin_ask"
CHECKIN_REPLY = "checkin_reply"
DUTY = "duty"
PURGE_NOTICE = "purge_notice"
PURGE_IDLE_NOTICE = "purge_idle_notice"
# Kinds that go to every channel the recipient is bound on (taking an alert on one of them
# settles it on all); everything else goes to the channel they last wrote on.
EVERY_CHANNEL = frozenset({ALERT})

RENDERERS: dict[str, Renderer] = {
    **CASE_RENDERERS,
    **drill_notices.RENDERERS,
    **identity.IDENTITY_RENDERERS,
    PURGE_NOTICE: render_purge_notice,
    PURGE_IDLE_NOTICE: render_purge_idle_notice,
    FOLLOWUP_NUDGE: render_followup_nudge,
    FOLLOWUP_OVERDUE: render_followup_overdue,
    FOLLOWUP_BOOKED: render_followup_booked,
    CHECKIN_ASK: render_checkin,
    CHECKIN_REPLY: render_checkin_reply,
    DUTY: render_duty,
    CASE_HANDED_OVER: render_handed_over,
    CASE_NEW_HANDLER: render_new_handler,
    ALERT: render_alert,
    ALERT_ACKED: render_acked,
    ALERT_TAKEN: render_taken,
    ALERT_LINKED: render_linked,
    ALERT_UNANSWERED: render_unanswered,
    ALERT_TAKER_GONE: render_taker_gone,
    ALERT_WITHDRAWN: render_withdrawn,
    ALERT_WORDS: render_alert_words,
    ALERT_MESSAGE: render_alert_message,
}


# for the people alerted, not the person it is about
ABOUT_AN_ALERT = {ALERT, ALERT_TAKEN, ALERT_LINKED, ALERT_WORDS}
ABOUT_A_CASE = {  # for those who handle it
    CASE_HANDED_OVER,
    CHECKIN_REPLY,
    FOLLOWUP_NUDGE,
    FOLLOWUP_OVERDUE,
    PURGE_NOTICE,
    PURGE_IDLE_NOTICE,
}


async def may_receive(session: AsyncSession, recipient: Person, message: OutboxMessage) -> bool:
    """Check, as the directory is now, that the recipient may still get this message: a
    contact revoked, removed or moved since it was queued gets nothing about the case."""
    viewer = Viewer.of(recipient)
    if message.kind == identity.IDENTITY_HELD:
        return await identity.may_receive(session, recipient, message)
    if message.kind in ABOUT_AN_ALERT:
        alert = await session.get(Alert, str(message.payload.get("alert", "")))
        return alert is None or await AlertRepo(session).may_act(alert, recipient.id)
    if message.kind in ABOUT_A_CASE | FOR_THE_HANDLERS:
        report = await session.get(Report, str(message.payload.get("report", "")))
        return report is None or await case_access(session, viewer, report) is Access.HANDLER
    if message.kind in ABOUT_A_CASE_TO_ANYONE | FOR_THE_REPORTER:
        report = await session.get(Report, str(message.payload.get("report", "")))
        if report is None:
            return True
        level = await case_access(session, viewer, report)
        return level is Access.OWN if message.kind in FOR_THE_REPORTER else level > Access.NONE
    return True


async def render(
    session: AsyncSession,
    catalogs: Catalogs,
    packs: PackLibrary,
    recipient: Person,
    message: OutboxMessage,
    keyring: Keyring | None = None,
    capabilities: Capabilities = UNDECLARED,
) -> Reply | None:
    """Render an outbox message for its recipient, in their language, for the channel of
    ``capabilities``; None if they may no longer receive it (it is then dropped, never sent)."""
    if not await may_receive(session, recipient, message):
        return None
    locale = catalogs.pick(recipient.locale)
    rc = RenderContext(
        session,
        recipient,
        catalogs.gettext(locale),
        locale,
        packs,
        keyring,
        catalogs.ngettext(locale),
        capabilities,
    )
    reply = await RENDERERS[message.kind](rc, message)
    return reply if message.drill_id is None else marked(reply, rc._)
