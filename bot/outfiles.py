"""Files in replies: their bytes are fetched at send time, through the access-checked
repository, for the person the reply goes to (a reply only names its file)."""

from __future__ import annotations

from dataclasses import replace

from conversations.events import Delivery, Reply
from conversations.i18n import Catalogs
from storage.crypto import Keyring
from storage.db import Database
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.evidence import EvidenceRepo
from storage.viewer import Viewer


async def with_files(
    db: Database, keyring: Keyring, catalogs: Catalogs, delivery: Delivery
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
                opened = await repo.open(Viewer.of(person), file.evidence_id)
            except NotFound:
                replies.append(Reply(refusal))
                continue
            replies.append(replace(reply, file=replace(file, content=opened.content)))
    return replace(delivery, replies=replies)
