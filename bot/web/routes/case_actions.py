"""What a handler does to a case from its page: answer the checklist, write a note, book and
document follow-up calls, hand the case over, close or reopen it. Each form is one unit of
work through conversations.desk, the same operations the chat's /arende uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.desk import signed_in
from bot.web.forms import form_of, refused, see
from conversations.desk import calls, checklist, closing, followup, handover, notes, words
from conversations.desk.checklist import ItemRow
from conversations.desk.errors import Refused
from conversations.flow import Context
from conversations.i18n import DISPLAY_TZ, N_
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import Report, ReportStatus

Form = dict[str, str]
Operation = Callable[[Context, Report, Access, Form], Awaitable[str]]

SUPPORT = (("yes", N_("Yes")), ("no", N_("No")))
PROFESSIONAL = (
    ("not_needed", N_("Not needed")),
    ("assessed", N_("Needed")),
    ("ordered", N_("Ordered via occupational health")),
)
APPLIED = (("yes", N_("Yes")), ("no", N_("No")))
ANSWERS = tuple(words.ANSWERS.items())  # a checklist item's yes / no / not applicable


def _day(ctx: Context, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Refused(ctx._("Choose a date.")) from None


def _moment(ctx: Context, day: str, clock: str) -> datetime:
    """A date and time field, as meant in Sweden, in UTC."""
    try:
        at = time.fromisoformat(clock.strip())
    except ValueError:
        raise Refused(ctx._("Choose a time.")) from None
    return datetime.combine(_day(ctx, day), at, tzinfo=DISPLAY_TZ)


async def _answer(ctx: Context, report: Report, access: Access, form: Form) -> str:
    answer = form.get("answer", "")
    comment = form.get("comment", "").strip() or None
    return await checklist.answer_item(ctx, report, access, form.get("item", ""), answer, comment)


async def _note(ctx: Context, report: Report, access: Access, form: Form) -> str:
    return await notes.add_note(ctx, report, access, form.get("kind", ""), form.get("text", ""))


async def _book(ctx: Context, report: Report, access: Access, form: Form) -> str:
    when = _moment(ctx, form.get("day", ""), form.get("time", ""))
    return await calls.book_call(ctx, report, access, when)


async def _document(ctx: Context, report: Report, access: Access, form: Form) -> str:
    return await followup.document_followup(
        ctx,
        report,
        access,
        _day(ctx, form.get("held_on", "")),
        form.get("present", ""),
        form.get("notes", ""),
        form.get("support", ""),
        form.get("professional", ""),
    )


async def _hand_over(ctx: Context, report: Report, access: Access, form: Form) -> str:
    chosen = form.get("person", "")
    if not chosen.isdigit():
        raise Refused(ctx._("That person cannot take over this case."))
    return await handover.hand_over(ctx, report, access, int(chosen))


async def _close(ctx: Context, report: Report, access: Access, form: Form) -> str:
    routine, plan = form.get("routine", "").strip(), form.get("plan", "").strip()
    return await closing.close_case(ctx, report, access, form.get("applied", ""), routine, plan)


async def _reopen(ctx: Context, report: Report, access: Access, form: Form) -> str:
    return await closing.reopen_case(ctx, report, access)


def _action(operation: Operation, anchor: str) -> Callable[[Request], Awaitable[Response]]:
    async def act(request: Request) -> Response:
        form = await form_of(request)
        ref = request.path_params["ref"]
        back = f"/cases/{ref}#{anchor}"
        try:
            async with signed_in(request, form) as desk:
                ctx = desk.ctx
                report, access = await CaseRepo(ctx.session, ctx.keyring).by_ref(ctx.viewer, ref)
                desk.notice = await operation(ctx, report, access, form)
        except Refused as refusal:
            return await refused(request, refusal.message, back)
        return see(back)

    act.__doc__ = operation.__doc__
    return act


@dataclass(frozen=True, slots=True)
class Actions:
    """What the case page offers this viewer to do (empty where they may not)."""

    checklist: list[ItemRow]
    may_handle: bool  # notes, calls, hand-over
    may_close: bool
    closed: bool
    calls: list[Any]
    next_followup: int  # 0: none left to document
    candidates: list[tuple[int, str]]
    written: frozenset[str]  # items answered in words, not yes/no
    reporter: str  # the targeted person's name, as the viewer may see it
    answers: tuple[tuple[str, str], ...] = ANSWERS
    support: tuple[tuple[str, str], ...] = SUPPORT
    professional: tuple[tuple[str, str], ...] = PROFESSIONAL
    applied: tuple[tuple[str, str], ...] = APPLIED

    @property
    def rows(self) -> dict[str, ItemRow]:
        """The checklist's rows by item id (the case page's table finds its forms here)."""
        return {row.id: row for row in self.checklist}


async def actions_for(ctx: Context, report: Report, access: Access) -> Actions:
    """Gather what the case page's forms need, through the desk operations' own reads."""
    handler = access is Access.HANDLER
    closed = report.status is ReportStatus.CLOSED
    repo = CaseRepo(ctx.session, ctx.keyring)
    rows = await checklist.checklist_rows(ctx, report, access)
    return Actions(
        checklist=rows,
        may_handle=handler,
        may_close=handler and await repo.may_close(ctx.viewer, report),
        closed=closed,
        calls=await calls.calls(ctx, report, access) if handler else [],
        next_followup=await followup.next_followup_number(ctx, report) if handler else 0,
        candidates=(
            await handover.handover_candidates(ctx, report, access)
            if handler and not closed
            else []
        ),
        reporter=await words.name_of(ctx, report.reporter_id),
        written=frozenset(i.id for i in ctx.packs.get(report.pack).checklist if i.answer == "text"),
    )


ROUTES = [
    Route("/cases/{ref}/checklist", _action(_answer, "checklist"), methods=["POST"]),
    Route("/cases/{ref}/notes", _action(_note, "notes"), methods=["POST"]),
    Route("/cases/{ref}/calls", _action(_book, "calls"), methods=["POST"]),
    Route("/cases/{ref}/followups", _action(_document, "calls"), methods=["POST"]),
    Route("/cases/{ref}/handover", _action(_hand_over, "handover"), methods=["POST"]),
    Route("/cases/{ref}/close", _action(_close, "closing"), methods=["POST"]),
    Route("/cases/{ref}/reopen", _action(_reopen, "closing"), methods=["POST"]),
]
