"""/logg: the audit log in words the municipal security unit reads (names, not handles).

Entries are stored with internal action names and handles (storage.trust); here each one
becomes a line like "fredag 4 dec. 22.58  Pia Lind läste rapporten i ärende 3JNK-6PD7".
"""

from __future__ import annotations

from sqlalchemy import select

from conversations.events import InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.i18n import N_
from storage.errors import NotFound
from storage.models import AuditEntry, Person
from storage.trust import AuditRepo

# What was done; ``{subject}`` is a case reference, a person's name, a role or a count.
ACTIONS = {
    "case_opened": N_("opened case {subject}"),
    "case_denied": N_("tried to open case {subject} (refused)"),
    "report_submitted": N_("sent the report of case {subject}"),
    "report_viewed": N_("read the report of case {subject}"),
    "evidence_opened": N_("opened a file in case {subject}"),
    "evidence_denied": N_("tried to open a file (refused)"),
    "checklist_answered": N_("answered a checklist item in case {subject}"),
    "checklist_changed": N_("changed a checklist answer in case {subject}"),
    "note_written": N_("wrote a note in case {subject}"),
    "alert_written": N_("wrote to {subject} about their alert"),
    "followup_documented": N_("documented a follow-up call in case {subject}"),
    "call_booked": N_("booked a follow-up call in case {subject}"),
    "case_closed": N_("closed case {subject}"),
    "case_reopened": N_("opened case {subject} again"),
    "case_handed_over": N_("handed case {subject} over"),
    "case_exported": N_("exported case {subject} as a PDF"),
    "case_export_denied": N_("tried to export a case as a PDF (refused)"),
    "hold": N_("kept case {subject} from being purged"),
    "purged": N_("purged case {subject}"),
    "erased": N_("had their data erased"),
    "invite_created": N_("created an invitation ({subject})"),
    "invite_failed": N_("tried an invitation code that does not work"),
    "invite_issuer_gone": N_("tried an invitation whose issuer may no longer give roles"),
    "role_granted": N_("got a role through an invitation"),
    "role_revoked": N_("took the role of {subject} away"),
    "role_changed": N_("changed the role of {subject} (org file)"),
    "role_removed": N_("removed the role of {subject} (no longer in the org file)"),
    "restored": N_("put {subject} back in the directory"),
    "identity_confirmed": N_("confirmed the new chat address of {subject}"),
    "keys_rotated": N_("changed the encryption key"),
    "drill_started": N_("started drill {subject}"),
    "drill_ended": N_("ended drill {subject}"),
    "stats_exported": N_("exported the statistics of {subject}"),
    "audit_viewed": N_("read the audit log"),
}
NAMED = ("role_revoked", "role_changed", "role_removed", "restored", "alert_written")
"""Actions whose subject is a person (by handle): shown by name."""
PURGED = N_("purged {subject} old records")
OTHER = N_("did something Trygg has no words for yet")
ACTORS = {"system": N_("Trygg"), "operator": N_("the operator")}
ROLES = {
    "official": N_("elected official"),
    "party_security": N_("party security contact"),
    "municipal_security": N_("municipal security unit"),
    "municipal_director": N_("municipal director"),
    "admin": N_("administrator"),
}


async def names_of(ctx: Context, entries: list[AuditEntry]) -> dict[str, str | None]:
    """The names of the people the entries mention, by handle (None: no name given)."""
    handles = {e.actor for e in entries} | {e.subject for e in entries}
    rows = await ctx.session.execute(
        select(Person.handle, Person.display_name).where(Person.handle.in_(handles))
    )
    return {handle: name for handle, name in rows.all()}


def who(ctx: Context, handle: str, names: dict[str, str | None]) -> str:
    if handle in ACTORS:
        return ctx._(ACTORS[handle])
    if handle.startswith("erased-"):
        return ctx._("(erased person)")
    if handle not in names:
        return ctx._("a person no longer in Trygg")
    return names[handle] or ctx._("a person without a name in Trygg")


def line(ctx: Context, entry: AuditEntry, names: dict[str, str | None]) -> str:
    """One entry as a sentence: when, who, what."""
    _ = ctx._
    subject = entry.subject
    if entry.action.startswith("purged_"):
        what = _(PURGED).format(subject=subject)
    else:
        if entry.action in NAMED:
            subject = who(ctx, subject, names)
        elif entry.action == "invite_created":
            subject = _(ROLES[subject]) if subject in ROLES else subject
        what = (
            _(ACTIONS[entry.action]).format(subject=subject)
            if entry.action in ACTIONS
            else _(OTHER)
        )
    return f"{ctx.when(entry.at)}  {who(ctx, entry.actor, names)} {what}"


async def show_log(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the municipality's recent audit entries to its security unit (/logg)."""
    _ = ctx._
    try:
        entries = await AuditRepo(ctx.session).entries(ctx.viewer, limit=30)
    except NotFound:
        ctx.reply(_("The audit log is only for the municipal security unit."))
        return END
    if not entries:
        ctx.reply(_("The audit log is empty."))
        return END
    names = await names_of(ctx, entries)
    lines = [_("Audit log (newest first):"), *(f"• {line(ctx, e, names)}" for e in entries)]
    ctx.reply("\n".join(lines))
    return END
