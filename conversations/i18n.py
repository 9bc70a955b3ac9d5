"""Translations (gettext catalogs compiled from locales/*.po) and Swedish-first formatting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.support import NullTranslations, Translations

from storage.directory import ContactCard, PlaceName

SUPPORTED = ("sv", "en")
DEFAULT_LOCALE = "sv"
DISPLAY_TZ = ZoneInfo("Europe/Stockholm")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"


class CatalogMissing(RuntimeError):
    """A compiled catalog (.mo) is missing: the set-up step compiles them from .po."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def normalise_locale(hint: str | None) -> str | None:
    """Map a platform language code (e.g. 'en-GB', 'sv') to a supported locale."""
    if not hint:
        return None
    base = hint.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else None


class Catalogs:
    """Loaded catalogs per locale; load once at start-up, share everywhere."""

    def __init__(self, directory: Path = LOCALE_DIR, default: str = DEFAULT_LOCALE) -> None:
        self.directory = directory
        self.default = normalise_locale(default) or DEFAULT_LOCALE
        self._catalogs: dict[str, NullTranslations] = {}
        for locale in SUPPORTED:
            mo = directory / locale / "LC_MESSAGES" / "messages.mo"
            if not mo.is_file():
                raise CatalogMissing(
                    f"{mo} is missing: compile the catalogs first (./dev setup, or "
                    "pybabel compile -d locales -D messages)"
                )
            self._catalogs[locale] = Translations.load(str(directory), [locale], "messages")

    def pick(self, *candidates: str | None) -> str:
        """Return the first supported locale among the candidates, else the default."""
        for candidate in candidates:
            locale = normalise_locale(candidate)
            if locale:
                return locale
        return self.default

    def gettext(self, locale: str) -> Callable[[str], str]:
        return self._catalogs.get(locale, self._catalogs[self.default]).gettext

    def ngettext(self, locale: str) -> Callable[[str, str, int], str]:
        return self._catalogs.get(locale, self._catalogs[self.default]).ngettext


NEAR_DAYS = {
    "sv": {-1: "i går", 0: "i dag", 1: "i morgon"},
    "en": {-1: "yesterday", 0: "today", 1: "tomorrow"},
}
"""Days said by their name, by how many days they are from today."""


def format_day(day: date, today: date | None, locale: str, weekday: bool = True) -> str:
    """Say a day as "fredag 27 november", the year only when it is not ``today``'s (None:
    a document read long after, always with the year)."""
    year = " y" if today is None or day.year != today.year else ""
    return format_date(day, ("EEEE " if weekday else "") + "d MMMM" + year, locale=locale)


def format_when(moment: datetime, locale: str, now: datetime | None = None) -> str:
    """Say a moment in Europe/Stockholm as language.md writes it: "i dag kl. 17.40",
    "fredag 4 december kl. 17.40", "Friday 4 December, 17:40", the year only when it is not
    ``now``'s. Without ``now`` (a document read long after): weekday, date and year."""
    locale = locale if locale in NEAR_DAYS else DEFAULT_LOCALE
    local = moment.astimezone(DISPLAY_TZ)
    swedish = locale == "sv"
    clock = local.strftime("kl. %H.%M" if swedish else "%H:%M")
    today = now.astimezone(DISPLAY_TZ).date() if now is not None else None
    near = NEAR_DAYS[locale].get((local.date() - today).days) if today is not None else None
    if near is not None:
        return f"{near} {clock}"
    day = format_day(local.date(), today, locale)
    return f"{day} {clock}" if swedish else f"{day}, {clock}"


def format_clock(moment: time, locale: str) -> str:
    """A time of day as language.md writes it: "21.00" in Swedish, "21:00" in English."""
    return moment.strftime("%H.%M" if locale != "en" else "%H:%M")


def after_label(text: str) -> str:
    """A value as it reads after its label: "Kategori: kommunalt uppdrag" (a capital that
    only starts the phrase is lowered; "SMS" and names with a second capital stay)."""
    if len(text) > 1 and text[1:2].islower():
        return text[0].lower() + text[1:]
    return text


def shown_name(gettext: Callable[[str], str], who: str | ContactCard) -> str:
    """A name from the directory as a person reads it: someone erased has none; someone
    invited who has not given one yet is described (a handle is never shown)."""
    if isinstance(who, str):
        return who or gettext("(erased person)")
    if who.name:
        return who.name
    return gettext(NAMELESS) if who.nameless else gettext("(erased person)")


def place_name(locale: str, place: PlaceName) -> str:
    """A municipality's name in the reader's language: in English, its English name when the
    org file gives one ("Sjövik Municipality"), else the name it has ("Sjöviks kommun")."""
    return place.name_en if locale == "en" and place.name_en else place.name


NAMELESS = N_("A new person in Trygg (no name yet)")


def names_list(gettext: Callable[[str], str], names: list[str]) -> str:
    """Join names as people write them: "Anna Berg, Sara Strand and Kent Dahl"."""
    if len(names) <= 1:
        return "".join(names)
    return gettext("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])
