"""Files in replies: their bytes are fetched at send time, through the access-checked
repository, for the person the reply goes to (a reply only names its file). A made file
(a statistics chart, a case file as PDF) is built then, from what that person may read
at that moment."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.casefile_pdf import render
from conversations.case.export import CASE_FILE, POLICE_FILE
from conversations.casefile.build import build, reader_context
from conversations.events import Delivery, FileRef, Reply
from conversations.i18n import Catalogs
from conversations.packs import PackLibrary
from conversations.registry import FILES
from storage.access import Access
from storage.cases import CaseRepo
from storage.crypto import Keyring
from storage.db import Database
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.evidence import EvidenceRepo
from storage.models import Party, Person, Report
from storage.trust import AuditRepo
from storage.viewer import Sender, Viewer


async def case_file_pdf(
    session: AsyncSession,
    keyring: Keyring,
    catalogs: Catalogs,
    packs: PackLibrary,
    person: Sender,
    viewer: Viewer,
    report_id: str,
    locale: str,
    now: datetime,
    *,
    police: bool = False,
) -> bytes:
    """The case file as the viewer may read it now, as PDF bytes; NotFound if they may not.
    ``police``: only what a police report needs."""
    report = await session.get(Report, report_id[:64])
    if report is None:
        raise NotFound("case")
    access = await CaseRepo(session, keyring).access(viewer, report)
    if access is Access.NONE:
        raise NotFound("case")
    ctx = reader_context(
        session, person, viewer, locale, catalogs, keyring, packs, now, document=True
    )
    return render(await build(ctx, report, access, police=police), now)


async def _case_file(
    session: AsyncSession,
    keyring: Keyring,
    catalogs: Catalogs,
    packs: PackLibrary | None,
    person: Person,
    file: FileRef,
    locale: str,
    now: datetime,
) -> bytes:
    if packs is None:
        raise NotFound("case")
    party = await session.get(Party, person.party_id) if person.party_id is not None else None
    sender = Sender.of(person, party)
    try:
        return await case_file_pdf(
            session,
            keyring,
            catalogs,
            packs,
            sender,
            Viewer.of(person),
            file.evidence_id,
            locale,
            now,
            police=file.kind == POLICE_FILE,
        )
    except NotFound:
        AuditRepo(session).record(
            person.handle, "case_export_denied", "-", person.municipality_id, now
        )
        raise


async def with_files(
    db: Database,
    keyring: Keyring,
    catalogs: Catalogs,
    delivery: Delivery,
    *,
    packs: PackLibrary | None = None,
    now: datetime | None = None,
) -> Delivery:
    """Fill in the bytes of each file a delivery sends, if its recipient may still read it;
    a file they may not read becomes a short refusal. ``packs``: needed for case files."""
    if not any(r.file is not None and r.file.content is None for r in delivery.replies):
        return delivery
    refusal = catalogs.gettext(delivery.locale)("That file is not available to you.")
    moment = now or datetime.now(UTC)
    replies: list[Reply] = []
    async with db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_for_address(delivery.channel, delivery.address)
        repo = EvidenceRepo(session, keyring)
        for reply in delivery.replies:
            file = reply.file
            if file is None or file.content is not None:
                replies.append(reply)
                continue
            try:
                if person is None:
                    raise NotFound("person")
                if file.made:
                    content = await _make(session, keyring, packs, catalogs, delivery, person, file)
                elif file.kind in (CASE_FILE, POLICE_FILE):
                    content = await _case_file(
                        session, keyring, catalogs, packs, person, file, delivery.locale, moment
                    )
                else:
                    content = (await repo.open(Viewer.of(person), file.evidence_id)).content
            except NotFound:
                replies.append(Reply(refusal))
                continue
            replies.append(replace(reply, file=replace(file, content=content)))
    return replace(delivery, replies=replies)


async def _make(
    session: AsyncSession,
    keyring: Keyring,
    packs: PackLibrary | None,
    catalogs: Catalogs,
    delivery: Delivery,
    person: Person,
    file: FileRef,
) -> bytes:
    """Build a made file for the person now (NotFound: unknown kind, or not for them)."""
    maker = FILES.get(file.made)
    if maker is None:
        raise NotFound("file")
    made = await maker(
        session,
        keyring,
        packs or PackLibrary(),
        Viewer.of(person),
        dict(file.spec),
        delivery.locale,
        catalogs.gettext(delivery.locale),
    )
    if made is None:
        raise NotFound("file")
    return made
