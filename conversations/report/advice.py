"""What she does now, after sending: the plans' lists for her, each thing said once, and
nothing the report has already done. Someone who reported for another person reads the
plans' lists for a helper, with that person's name."""

from __future__ import annotations

from conversations.about import about_someone_else, named_target
from conversations.events import InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import names_list
from conversations.packs import LIST_FOR, TOPICS, ActionList, Pack
from conversations.words_to_case import names_of
from storage.access import INTERNAL
from storage.cases import CaseRepo
from storage.models import Party, Report, Role
from storage.reports import ReportRepo

DONE_BY: dict[Role, TOPICS] = {
    Role.PARTY_SECURITY: "tell_party",
    Role.MUNICIPAL_SECURITY: "tell_unit",
}
"""Whom a report that reached them has told: the plans' "tell them now" is done."""


async def advice(ctx: Context, event: InboundEvent) -> StateResult:
    """Say what the plans ask of her now, for a report of hers."""
    _ = ctx._
    report = await ctx.session.get(Report, event.button.partition(":")[2])
    if report is None or report.reporter_id != ctx.person.id:
        ctx.reply(_("That report is not available to you."))
        return None
    cases = CaseRepo(ctx.session, ctx.keyring)
    reached = await cases.reached_roles(report)
    done: set[TOPICS] = {DONE_BY[role] for role in reached if role in DONE_BY}
    lines: list[str] = []
    pack = ctx.packs.get(report.pack)
    party_pack = ctx.packs.party_pack(ctx.person.party_pack) if report.party_id else None
    if report.category == INTERNAL:  # she chose whom to tell: the party is not told for her
        done |= {"tell_party", "tell_unit"}
        party_pack = None  # its lists speak of the party's own people
    answers = ReportRepo(ctx.session, ctx.keyring).answers(report)
    # reported for someone else: the lists for a helper, naming the person ("Är Eva Ek i fara")
    reader: LIST_FOR = "helper" if about_someone_else(answers) else "targeted"
    name = named_target(answers) or _("the person")
    said = 0
    for source in (pack, party_pack):
        action_list = _list_for(source, report.category, reader)
        if source is None or action_list is None:
            continue
        items = []
        for item in action_list.items:
            if item.topics and set(item.topics) <= done:
                continue  # done already, or said in the plan before
            done.update(item.topics)
            text = item.get(ctx.locale).replace("{name}", name)
            items.append("• " + await _in_own_words(ctx, source, text))
        if items:
            title = await _in_own_words(ctx, source, action_list.title.get(ctx.locale))
            lines += [title + ":", *items, ""]
            said += len(items)
    advice_text = pack.police_report_advice
    if not said:  # danger first, then the plan's police advice if it has one
        lines = [_("In danger now: call 112. Not urgent: the police on 114 14.")]
        lines += [advice_text.get(ctx.locale)] if advice_text is not None else []
        lines.append("")
    # the plans' lists begin with the way out (112); who has her report comes after
    lines.append(await who_has_it(ctx, cases, report))
    ctx.reply("\n".join(lines))
    return None


def _list_for(source: Pack | None, category: str | None, reader: LIST_FOR) -> ActionList | None:
    """One list per plan for the reader: the category's own, else the general one (a plan
    with no list for a helper has nothing to say to them)."""
    if source is None:
        return None
    lists = source.action_lists.get(reader, {})
    return lists.get(category or "unknown") or lists.get("all")


async def who_has_it(ctx: Context, cases: CaseRepo, report: Report) -> str:
    """Who has her report now: whoever took it, else those it went to."""
    _ = ctx._
    handlers = await cases.handlers(report)
    if not handlers:
        return _("Your report is kept in Trygg.")
    if await cases.taken_by(report) in handlers:
        name = (await names_of(ctx, handlers[:1]))[0]
        return _("{name} has your case and will contact you.").format(name=name)
    names = await names_of(ctx, handlers)
    return ctx.ngettext(
        "{names} has your report and will contact you.",
        "{names} have your report and will contact you.",
        len(names),
    ).format(names=names_list(_, names))


async def _in_own_words(ctx: Context, pack: Pack, text: str) -> str:
    """A party's plan speaks of its own association by name: for a member of another party
    that adopted the plan, say their party's name instead."""
    if pack.kind != "party" or ctx.person.party_id is None:
        return text
    party = await ctx.session.get(Party, ctx.person.party_id)
    if party is None:
        return text
    for written in (pack.name.sv, pack.name.en):
        text = text.replace(written, party.name)
    return text
