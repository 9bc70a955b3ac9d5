"""The one place a drill's messages get their ÖVNING mark."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conversations.events import Reply


def marked(reply: Reply, _: Callable[[str], str]) -> Reply:
    """Return the message with the drill mark on its first line."""
    return replace(reply, text=_("DRILL") + "\n" + reply.text)
