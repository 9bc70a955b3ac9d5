"""The choices last offered to an address on a channel without buttons, kept over restarts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OfferedChoices

_INSERT: dict[str, Any] = {"postgresql": pg_insert, "sqlite": sqlite_insert}
CHUNK = 500  # rows per statement: 5 parameters each, well under SQLite's 32,766


class OfferedChoicesRepo:
    """Keeps one address's latest numbered choices (button id, label) and their token.
    Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def put(
        self,
        channel: str,
        offers: Sequence[tuple[str, str, Sequence[tuple[str, str]]]],
        at: datetime,
    ) -> None:
        """Replace what each address was last offered: (address, token, buttons) each, one
        address once; in one statement per CHUNK addresses."""
        rows = [
            {
                "channel": channel,
                "address": address,
                "token": token,
                "buttons": [[b, label] for b, label in buttons],
                "offered_at": at,
            }
            for address, token, buttons in offers
        ]
        make = _INSERT[self.session.get_bind().dialect.name]
        for start in range(0, len(rows), CHUNK):
            insert = make(OfferedChoices).values(rows[start : start + CHUNK])
            await self.session.execute(
                insert.on_conflict_do_update(
                    index_elements=["channel", "address"],
                    set_={k: insert.excluded[k] for k in ("token", "buttons", "offered_at")},
                )
            )

    async def get(self, channel: str, address: str) -> tuple[str, list[tuple[str, str]]] | None:
        """(token, buttons) last offered to an address, or None."""
        row = (
            await self.session.execute(
                select(OfferedChoices.token, OfferedChoices.buttons).where(
                    OfferedChoices.channel == channel, OfferedChoices.address == address
                )
            )
        ).first()
        if row is None:
            return None
        token, buttons = row
        pairs = [
            (str(pair[0]), str(pair[1]))
            for pair in buttons or ()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        return str(token), pairs
