"""`trygg signal status`: the Signal account's state for the operator, counts only."""

from __future__ import annotations

import argparse

from bot.app import App
from storage.bindings import BindingRepo
from storage.models import TransportStatus
from storage.transport_status import (
    CONNECTED,
    PROOF_REQUIRED,
    StatusRepo,
    connection_key,
)

CHANNEL = "signal"
NEEDS_ACTION = 1


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `trygg signal …` to the command line."""
    signal = sub.add_parser("signal", help="the Signal account (signal-cli)")
    signal_sub = signal.add_subparsers(dest="signal_command", required=True)
    signal_sub.add_parser(
        "status", help="account and connection state, and what is waiting (exit 1: act now)"
    )


def _since(row: TransportStatus) -> str:
    return row.since.strftime("%Y-%m-%d %H:%M UTC")


async def status(app: App) -> int:
    """Print the account state, the connection, and counts; 1 if the operator must act."""
    async with app.db.unit_of_work() as session:
        repo = StatusRepo(session)
        account = await repo.get(CHANNEL)
        connection = await repo.get(connection_key(CHANNEL))
        dead, held = await BindingRepo(session).counts(CHANNEL)
        pending = await repo.pending(CHANNEL)
    code = 0
    if account is None:
        print("Signal account: nothing sent yet (no state recorded)")
    elif account.state == PROOF_REQUIRED:
        code = NEEDS_ACTION
        print(f"Signal account: PROOF REQUIRED since {_since(account)} – messages wait.")
        print("  Signal asks this account to solve a captcha before it sends more:")
        print(f"  {account.detail or 'see signal-cli submitRateLimitChallenge'}")
        print("  Open the captcha page in a browser and solve it; the signalcaptcha://… link it")
        print("  ends with is CAPTCHA_LINK. Over the daemon's JSON-RPC the same is the method")
        print('  submitRateLimitChallenge {"challenge": …, "captcha": …}.')
        print("  Messages then go out again by themselves; this says ok after the next send.")
    else:
        print(f"Signal account: {account.state} since {_since(account)}")
    if connection is None:
        print("Connection to signal-cli: unknown (the bot has not connected yet)")
    elif connection.state == CONNECTED:
        print(f"Connection to signal-cli: connected since {_since(connection)}")
    else:
        code = NEEDS_ACTION
        print(
            f"Connection to signal-cli: {connection.state.upper()} since {_since(connection)} "
            "– are the signal-cli daemon (TRYGG_SIGNAL_RPC) and `trygg run` running?"
        )
    print(f"Signal addresses no longer registered (marked dead): {dead}")
    print(
        f"Signal addresses held after a safety number change: {held} "
        "(the municipal security unit confirms them, or the person redeems a new invite)"
    )
    print(f"Messages waiting for people on Signal: {pending}")
    return code
