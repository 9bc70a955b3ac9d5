"""Files in replies: their bytes are fetched at send time, through the access-checked
repository, for the person the reply goes to (a reply only names its file). A made file
(a statistics chart) is built then, for the person as they are at that moment."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.events import Delivery, FileRef, Reply
from conversations.i18n import Catalogs
from conversations.packs import PackLibrary
from conversations.registry import FILES
from storage.crypto import Keyring
from storage.db import Database
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.evidence import EvidenceRepo
from storage.models import Person
from storage.viewer import Viewer


async def with_files(
    db: Database,
    keyring: Keyring,
    catalogs: Catalogs,
    delivery: Delivery,
    packs: PackLibrary | None = None,
) -> Delivery:
    """Fill in the bytes of each file a delivery sends, if its recipient may still read it;
    a file they may not read becomes a short refusal."""
    if not any(r.file is not None and r.file.content is None for r in delivery.replies):
        return delivery
    refusal = catalogs.gettext(delivery.locale)("That file is not available to you.")
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
