"""A case as one JSON document for the archive: everything the reader may read (for the
operator: everything), structured, with times in UTC (ISO 8601) for machines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from conversations.case.common import name_of
from conversations.casefile.answers import answer_entries, role_statement
from conversations.casefile.build import call_moments
from conversations.casefile.timeline import history, timeline
from conversations.desk.unit import unit_contacted, unit_reach
from conversations.flow import Context
from conversations.report.legacy import upgrade
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.evidence import EvidenceRepo
from storage.history import RAISED, SENT
from storage.models import Municipality, Party, Report
from storage.reports import ReportRepo

FORMAT = "trygg-case/1"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def _checklist(ctx: Context, report: Report) -> list[dict[str, Any]]:
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    reach = await unit_reach(ctx, report)  # 3.1.1 is done once the plan sent it there
    items = []
    for item in pack.checklist:
        done = state.get(item.id)
        by_sending = done is None and reach is not None and reach.did(item)
        entry: dict[str, Any] = {
            "item": item.id,
            "step": item.step,
            "check": item.check.get(ctx.locale),
            "done": done is not None or by_sending,
            "answer": done.answer if done else None,
        }
        if by_sending and reach is not None:  # what happened, with nobody as its answerer
            entry["done_by_sending"] = {
                "what": unit_contacted(ctx, reach.names),
                "at": _iso(reach.at),
            }
        if done is not None:
            entry |= {
                "comment": done.comment,
                "answered_by": await name_of(ctx, done.answered_by),
                "answered_at": _iso(done.answered_at),
                "previous_answer": done.previous,
                "earlier": [  # every answer it replaced, with its comment: nothing is lost
                    {
                        "answer": before.answer,
                        "comment": before.comment,
                        "answered_by": await name_of(ctx, before.answered_by),
                        "answered_at": _iso(before.answered_at),
                    }
                    for before in done.earlier
                ],
            }
        items.append(entry)
    return items


async def _followups(ctx: Context, report: Report) -> list[dict[str, Any]]:
    repo = CaseRepo(ctx.session, ctx.keyring)
    rows = await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)
    return [
        {
            "number": number,
            "status": row.status,
            "planned_for": _iso(row.planned_for),
            "planned_day": row.planned_day.isoformat() if row.planned_day else None,
            "documented_by": await name_of(ctx, row.documented_by) if row.documented_by else None,
            "documented_at": _iso(row.documented_at),
            "notes": repo.notes_of(row),
        }
        for number, row in sorted(rows.items())
    ]


async def _akut(ctx: Context, report: Report) -> list[dict[str, Any]]:
    """The /akut alerts of the person the case is about that belong to it, as the reader
    may read them: when she raised it, whether she wrote (never what), whom it went to,
    who took it and when."""
    alerts: dict[str, dict[str, Any]] = {}
    for event in await history(ctx, report):
        if event.alert_kind != "akut":
            continue
        entry = alerts.setdefault(event.alert_id, {"sent_to": [], "taken": []})
        if event.what == RAISED:
            entry |= {
                "raised_by": await name_of(ctx, event.person_id),
                "raised_at": _iso(event.at),
                "wrote": event.wrote,
            }
        else:
            key, at = ("sent_to", "sent_at") if event.what == SENT else ("taken", "taken_at")
            who = {
                "name": await name_of(ctx, event.person_id),
                "level": event.level,
                at: _iso(event.at),
            }
            entry[key].append(who)
    return list(alerts.values())


async def _handled(ctx: Context, report: Report) -> dict[str, Any]:
    """Who handles the case (took it, or had it handed over) and since when."""
    taken = await CaseRepo(ctx.session, ctx.keyring).taken(report)
    if taken is None:
        return {"handled_by": None, "handled_since": None}
    return {"handled_by": await name_of(ctx, taken[0]), "handled_since": _iso(taken[1])}


async def archive(ctx: Context, report: Report, access: Access) -> dict[str, Any]:
    """The case as the reader may read it, as JSON-ready data."""
    repo = CaseRepo(ctx.session, ctx.keyring)
    whole = access in (Access.HANDLER, Access.OWN)
    municipality = await ctx.session.get(Municipality, report.municipality_id or 0)
    party = await ctx.session.get(Party, report.party_id or 0)
    pack = ctx.packs.get(report.pack)
    state = await repo.checklist(report, ctx.viewer)
    data: dict[str, Any] = {
        "format": FORMAT,
        "ref": report.ref,
        "status": report.status.value,
        "pack": report.pack,
        "category": report.category,
        "municipality": municipality.name if municipality else None,
        "party": party.name if party else None,
        "submitted_at": _iso(report.submitted_at),
        "closed_at": _iso(report.closed_at),
        "closed_by": await name_of(ctx, report.closed_by) if report.closed_by else None,
        **await _handled(ctx, report),
        "exported_at": _iso(ctx.now),
        "language": ctx.locale,
    }
    if whole:
        data["reporter"] = await name_of(ctx, report.reporter_id)
        data["role_statement"] = await role_statement(ctx, report)
        answers = upgrade(ReportRepo(ctx.session, ctx.keyring).answers(report))
        data["answers"] = {
            "as_read": [
                {"label": e.label, "text": e.text, "follows_previous": bool(e.indent)}
                for e in await answer_entries(ctx, report)
            ],
            "stored": answers,
        }
    data["checklist"] = await _checklist(ctx, report)
    data["timeline"] = [
        {"at": m.day.isoformat() if m.day else _iso(m.at), "what": m.text}
        for m in await timeline(ctx, report, pack, state, await call_moments(ctx, report, access))
    ]
    data["akut_alerts"] = await _akut(ctx, report)
    data["notes"] = [
        {
            "kind": row.kind,
            "by": await name_of(ctx, row.author_id),
            "at": _iso(row.created_at),
            "text": text,
        }
        for row, text in await repo.notes(ctx.viewer, report)
    ]
    if access is Access.HANDLER:
        data["followups"] = await _followups(ctx, report)
        data["evaluation"] = repo.evaluation_of(report)
    if whole:
        data["evidence"] = [
            {
                "number": item.number,
                "kind": item.kind,
                "name": item.name,
                "mime_type": item.mime_type,
                "size": item.size,
                "sha256": item.sha256,
                "received_at": _iso(item.received_at),
                "caption": item.caption,
                "origin": item.origin,  # a forwarded message: who first sent it ("" if not told)
                "origin_at": _iso(item.origin_at),
            }
            for item in await EvidenceRepo(ctx.session, ctx.keyring).listing(ctx.viewer, report)
        ]
    return data
