"""The one error a case operation raises for input or access it does not allow."""

from __future__ import annotations


class Refused(Exception):
    """An operation refused; ``message`` is already translated for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
