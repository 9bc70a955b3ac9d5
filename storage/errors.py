"""Typed exceptions raised by storage; callers match on these, never on driver errors."""


class StorageError(Exception):
    """Base class for storage errors."""


class DatabaseUnavailable(StorageError):
    """The database could not be reached; the caller should ask the person to retry."""


class DirectoryError(StorageError):
    """The organisation file is invalid; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class NotFound(StorageError):
    """The thing asked for does not exist or the viewer may not see it."""


class NotAllowed(NotFound):
    """The viewer may see the thing but not do this to it (e.g. answer another role's item)."""
