"""The bot's own account on a channel, as its platform last said: recorded for
`trygg signal status`, and told to the operator in the log once per change."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from storage.db import Database
from storage.transport_status import (
    CONNECTED,
    DISCONNECTED,
    OK,
    PROOF_REQUIRED,
    StatusRepo,
    connection_key,
)

log = logging.getLogger(__name__)


def proof_detail(token: str | None) -> str:
    """What the operator must do to submit a captcha (no personal data)."""
    return (
        f"signal-cli -a BOT_NUMBER submitRateLimitChallenge --challenge {token or 'TOKEN'} "
        "--captcha CAPTCHA_LINK (captcha from https://signalcaptchas.org/challenge/generate.html)"
    )[:200]


class AccountStatus:
    """Records a channel's account and connection states; writes only on a change."""

    def __init__(self, db: Database, channel: str, clock: Callable[[], datetime]) -> None:
        self.db, self.channel, self.clock = db, channel, clock
        self._account: str | None = None  # unknown until the first send or failure
        self._connection: str | None = None

    async def proof_required(self, detail: str) -> None:
        """The platform asks for a captcha: record it; tell the operator once."""
        if self._account == PROOF_REQUIRED:
            return
        self._account = PROOF_REQUIRED
        log.warning(
            "%s: the platform asks this account to solve a captcha (proof required); "
            "messages wait until the operator submits it: run `trygg %s status`",
            self.channel,
            self.channel,
        )
        await self._record(self.channel, PROOF_REQUIRED, detail)

    async def ok(self) -> None:
        """A send went through: the account is fine (again)."""
        if self._account == OK:
            return
        if self._account == PROOF_REQUIRED:
            log.warning("%s: sending works again (the captcha was accepted)", self.channel)
        self._account = OK
        await self._record(self.channel, OK, None)

    async def connection(self, connected: bool) -> None:
        """The connection to the platform came up or went down."""
        state = CONNECTED if connected else DISCONNECTED
        if self._connection == state:
            return
        self._connection = state
        await self._record(connection_key(self.channel), state, None)

    async def _record(self, key: str, state: str, detail: str | None) -> None:
        try:
            async with self.db.unit_of_work(urgent=True) as session:
                await StatusRepo(session).record(key, state, detail, self.clock())
        except Exception as exc:  # a status is never worth failing a send for
            log.warning("%s: recording the account state failed (%s)", key, type(exc).__name__)
