"""The audit log in the console: who did what and when, in the municipal unit's
municipality (storage.trust decides which entries it may see), a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.desk import signed_in
from bot.web.render import page
from conversations.flow import Context
from conversations.i18n import N_
from conversations.logbook import ROLES, names_of, who
from storage.errors import NotFound
from storage.models import AuditEntry, Role
from storage.trust import AuditRepo

PER_PAGE = 50
MAX_PAGE = 1000
VIEWED = "audit_viewed"

# What was done, in a few words; an id not here is shown as it is stored.
ACTIONS = {
    "case_opened": N_("Opened case"),
    "case_denied": N_("Tried to open case (refused)"),
    "report_submitted": N_("Sent report"),
    "report_viewed": N_("Read report"),
    "evidence_opened": N_("Opened file"),
    "evidence_denied": N_("Tried to open file (refused)"),
    "checklist_answered": N_("Answered checklist item"),
    "checklist_changed": N_("Changed checklist answer"),
    "note_written": N_("Wrote note"),
    "followup_documented": N_("Documented follow-up call"),
    "call_booked": N_("Booked follow-up call"),
    "case_closed": N_("Closed case"),
    "case_reopened": N_("Opened case again"),
    "case_handed_over": N_("Handed case over"),
    "case_exported": N_("Exported case"),
    "case_export_denied": N_("Tried to export case (refused)"),
    "hold": N_("Kept case from purging"),
    "purged": N_("Purged case"),
    "erased": N_("Data erased"),
    "invite_created": N_("Created invitation"),
    "invite_failed": N_("Invitation code refused"),
    "invite_issuer_gone": N_("Invitation refused (its issuer no longer gives roles)"),
    "role_granted": N_("Got a role"),
    "role_revoked": N_("Took role away"),
    "role_changed": N_("Changed role (org file)"),
    "role_removed": N_("Removed role (org file)"),
    "restored": N_("Put back in directory"),
    "identity_confirmed": N_("Confirmed new chat address"),
    "keys_rotated": N_("Changed encryption key"),
    "drill_started": N_("Started drill"),
    "drill_ended": N_("Ended drill"),
    "stats_exported": N_("Exported statistics"),
    VIEWED: N_("Read audit log"),
}
PURGED = N_("Purged old records")  # purged_<kind>: the subject is a count
ABOUT_PEOPLE = frozenset({"role_revoked", "role_changed", "role_removed", "restored"})
ABOUT_PEOPLE_TOO = frozenset({"identity_confirmed", "erased"})


@dataclass(frozen=True, slots=True)
class Row:
    """One entry as the table shows it."""

    at: object
    actor: str
    action: str
    subject: str


def row(ctx: Context, entry: AuditEntry, names: dict[str, str | None]) -> Row:
    """One entry in words: the people by name, the action in a few words (raw if unknown)."""
    _ = ctx._
    action, subject = entry.action, entry.subject
    if action.startswith("purged_"):
        words = _(PURGED)
    else:
        words = _(ACTIONS[action]) if action in ACTIONS else action
    if action in ABOUT_PEOPLE | ABOUT_PEOPLE_TOO:
        subject = who(ctx, subject, names)
    elif action == "invite_created" and subject in ROLES:
        subject = _(ROLES[subject])
    elif subject == "-":
        subject = "–"
    return Row(entry.at, who(ctx, entry.actor, names), words, subject)


def _page_of(request: Request) -> int:
    asked = request.query_params.get("page", "1")[:6]
    return min(max(int(asked), 1), MAX_PAGE) if asked.isdigit() else 1


async def audit_page(request: Request) -> Response:
    """Show a page of the audit log to the municipal unit (recorded as read)."""
    number = _page_of(request)
    async with signed_in(request) as desk:
        ctx = desk.ctx
        if ctx.viewer.role is not Role.MUNICIPAL_SECURITY or ctx.viewer.municipality_id is None:
            raise NotFound("audit log")
        found = await AuditRepo(ctx.session).entries(
            ctx.viewer, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE
        )
        entries = found[:PER_PAGE]
        names = await names_of(ctx, entries)
        rows = [row(ctx, entry, names) for entry in entries]
        AuditRepo(ctx.session).record(
            ctx.person.handle, VIEWED, str(number), ctx.viewer.municipality_id, ctx.now
        )
        return page(
            request,
            desk,
            "audit.html",
            rows=rows,
            number=number,
            earlier=number + 1 if len(found) > PER_PAGE else None,
            later=number - 1 if number > 1 else None,
        )


ROUTES = [Route("/audit", audit_page)]
