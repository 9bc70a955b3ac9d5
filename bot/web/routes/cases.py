"""The case list: the cases the person may access (the chat's rule), filtered by status,
category and party, each with the next step due for them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.desk import signed_in
from bot.web.render import page
from conversations.case.listing import CaseRow, case_row
from conversations.i18n import N_
from storage.caselist import CaseListRepo
from storage.models import Party

STATUSES = (("open", N_("Open")), ("closed", N_("Closed")), ("all", N_("All")))


def _kept(row: CaseRow, status: str, category: str, party: str) -> bool:
    if (status == "open" and row.closed) or (status == "closed" and not row.closed):
        return False
    if category and row.category_id != category:
        return False
    return not party or str(row.party_id) == party


async def case_list(request: Request) -> Response:
    """List the person's cases, as the filters in the address ask."""
    query = request.query_params
    status = query.get("status", "open")
    status = status if status in dict(STATUSES) else "open"
    category, party = query.get("category", "")[:40], query.get("party", "")[:12]
    async with signed_in(request) as desk:
        ctx = desk.ctx
        found = await CaseListRepo(ctx.session).cases(ctx.viewer, ctx.now)
        rows = [await case_row(ctx, f) for f in found]
        categories = sorted(
            {(r.category_id, r.category) for r in rows if r.category_id and r.category}
        )
        party_ids = sorted({r.party_id for r in rows if r.party_id is not None})
        party_names = {
            p.id: p.name for p in [await ctx.session.get(Party, pid) for pid in party_ids] if p
        }
        shown = [r for r in rows if _kept(r, status, category, party)]
        return page(
            request,
            desk,
            "cases.html",
            rows=shown,
            any_cases=bool(rows),
            statuses=STATUSES,
            categories=categories,
            parties=[(str(pid), name) for pid, name in party_names.items()],
            party_names=party_names,
            chosen={"status": status, "category": category, "party": party},
        )


ROUTES = [Route("/cases", case_list)]
