"""The case file as a document that knows no format: sections of labelled entries, pictures,
and what every page carries (the reference, the page number, the sensitive-data marking)."""

from __future__ import annotations

from dataclasses import dataclass, field

KEYS = ("about", "report", "checklist", "timeline", "followups", "notes", "evaluation", "evidence")


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the document: a label and its text (no label: a paragraph)."""

    label: str
    text: str
    indent: int = 0
    key: str = ""  # what the line is about, for a page that acts on it (a checklist item's id)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the form with its heading; ``note`` says what is left out and why."""

    title: str
    entries: tuple[Entry, ...] = ()
    note: str = ""
    wide_labels: bool = False  # the labels are questions (the checklist): give them room
    key: str = ""  # which part of the case this is (KEYS), for a page that adds its actions


@dataclass(frozen=True, slots=True)
class Picture:
    """A photo kept as evidence, shown in the file under its title."""

    title: str
    content: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A whole case file, every word already in the reader's language."""

    ref: str
    title: str
    subtitle: str
    running_head: str  # on every page: "Ärende K7M4-QX2P"
    marking: str  # on every page: contains sensitive personal data
    generated: str  # when it was made, Europe/Stockholm
    page_label: str  # "Sida {page} av {pages}"
    sections: tuple[Section, ...]
    pictures: tuple[Picture, ...] = ()
    picture_heading: str = ""
    unreadable_picture: str = ""  # said in place of a photo that cannot be shown
