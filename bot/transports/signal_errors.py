"""Signal-cli's failures as Python types: JSON-RPC error codes and per-recipient send results.

Codes and result types per ../shared/signal-cli/protocol.md §4-5. Exception texts hold the
code or result type only; the daemon's own message (which may name a number) is in `detail`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SignalRpcError(Exception):
    """A signal-cli request failed; `code` is the JSON-RPC error code when there is one."""

    def __init__(self, code: int | None = None, detail: str = "", data: Any = None) -> None:
        super().__init__(f"signal-cli error {code}" if code is not None else type(self).__name__)
        self.code, self.detail, self.data = code, detail, data
        self.outcome = _outcome_from(data)


class RpcTimeout(SignalRpcError):
    """No reply came in time (the request may or may not have run)."""


class Disconnected(SignalRpcError):
    """The connection went away before the reply came (the request may or may not have run)."""


class ProtocolError(SignalRpcError):
    """The daemon rejected the request's shape (-32700, -32600, -32601, -32602): fix the client."""


class InternalError(SignalRpcError):
    """-32603: unexpected daemon error, incl. a send I/O error or a bad attachment."""


class UserError(SignalRpcError):
    """-1: user error, or every recipient failed (see `outcome`)."""


class DaemonIOError(SignalRpcError):
    """-3: I/O error; retry with backoff."""


class UntrustedIdentities(SignalRpcError):
    """-4: every recipient's identity is untrusted (see `outcome`)."""


class AllRateLimited(SignalRpcError):
    """-5: every recipient was rate limited (see `outcome`)."""


class CaptchaRejected(SignalRpcError):
    """-6: the rate-limit challenge's captcha was rejected."""


_BY_CODE: dict[int, type[SignalRpcError]] = {
    -32700: ProtocolError,
    -32600: ProtocolError,
    -32601: ProtocolError,
    -32602: ProtocolError,
    -32603: InternalError,
    -1: UserError,
    -3: DaemonIOError,
    -4: UntrustedIdentities,
    -5: AllRateLimited,
    -6: CaptchaRejected,
}


def error_from(error: Any) -> SignalRpcError:
    """The typed exception for a JSON-RPC `error` object."""
    if not isinstance(error, dict):
        return SignalRpcError(None, "malformed error")
    code = error.get("code")
    code = code if isinstance(code, int) else None
    cls = _BY_CODE.get(code, SignalRpcError) if code is not None else SignalRpcError
    return cls(code, str(error.get("message") or ""), error.get("data"))


class RecipientFailure(Exception):
    """One recipient of a send was not reached."""

    def __init__(self, result: RecipientResult) -> None:
        super().__init__(result.type)
        self.result = result


class RateLimited(RecipientFailure):
    """Wait `retry_after` seconds (None: not said) before sending to this recipient again."""

    @property
    def retry_after(self) -> int | None:
        """Seconds to wait, as the daemon said."""
        return self.result.retry_after


class ProofRequired(RateLimited):
    """A captcha is needed (`token`): the operator solves it; `submitRateLimitChallenge`."""


class Unregistered(RecipientFailure):
    """The recipient is not (any longer) on Signal."""


class IdentityChanged(RecipientFailure):
    """The recipient's safety number changed: not trusted until confirmed."""


class NetworkFailure(RecipientFailure):
    """Could not reach the Signal server for this recipient; a resend is a new message."""


class InvalidPreKey(RecipientFailure):
    """The recipient's pre-keys were invalid."""


_BY_TYPE: dict[str, type[RecipientFailure]] = {
    "RATE_LIMIT_FAILURE": RateLimited,
    "UNREGISTERED_FAILURE": Unregistered,
    "IDENTITY_FAILURE": IdentityChanged,
    "NETWORK_FAILURE": NetworkFailure,
    "INVALID_PRE_KEY_FAILURE": InvalidPreKey,
}


@dataclass(frozen=True)
class RecipientResult:
    """One recipient's send result."""

    type: str
    aci: str | None = None
    number: str | None = None
    retry_after: int | None = None
    token: str | None = None
    group_id: str | None = None

    @property
    def ok(self) -> bool:
        """Whether this recipient got the message."""
        return self.type == "SUCCESS"

    def failure(self) -> RecipientFailure | None:
        """The typed failure, or None on success."""
        if self.ok:
            return None
        if self.type == "RATE_LIMIT_FAILURE" and self.token:
            return ProofRequired(self)
        return _BY_TYPE.get(self.type, RecipientFailure)(self)


@dataclass(frozen=True)
class SendOutcome:
    """A send's result: the message `timestamp` (its id) and one result per recipient."""

    timestamp: int | None
    results: tuple[RecipientResult, ...]

    def failures(self) -> list[RecipientFailure]:
        """The recipients not reached, as typed failures."""
        return [f for r in self.results if (f := r.failure()) is not None]

    @classmethod
    def parse(cls, value: Any) -> SendOutcome:
        """Read `{timestamp, results}`; unknown fields are ignored."""
        value = value if isinstance(value, dict) else {}
        ts = value.get("timestamp")
        results = []
        for r in value.get("results") or ():
            if not isinstance(r, dict):
                continue
            raw_addr = r.get("recipientAddress")
            addr: dict[str, Any] = raw_addr if isinstance(raw_addr, dict) else {}
            retry = r.get("retryAfterSeconds")
            results.append(
                RecipientResult(
                    type=str(r.get("type") or "UNKNOWN"),
                    aci=addr.get("uuid"),
                    number=addr.get("number"),
                    retry_after=retry if isinstance(retry, int) else None,
                    token=r.get("token"),
                    group_id=r.get("groupId"),
                )
            )
        return cls(ts if isinstance(ts, int) else None, tuple(results))


def _outcome_from(data: Any) -> SendOutcome | None:
    if isinstance(data, dict) and isinstance(data.get("response"), dict):
        return SendOutcome.parse(data["response"])
    return None
