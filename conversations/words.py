"""Typed words that work like commands or buttons: a cry for help, "jag tar det", a menu's
own labels ("Ärenden"), a case reference ("öppna K7M4-QX2P")."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.events import EventKind, InboundEvent, phrase_of, words_of
from conversations.flow import Handler
from storage.cases import normalised_ref
from storage.viewer import Viewer

# Words that greet or thank and tell nothing ("hej", "ok tack", "thanks a lot").
COURTESY = frozenset(
    (
        *("hej", "hallå", "hejsan", "tjena", "tja", "då", "god", "morgon", "kväll"),
        *("tack", "så", "mycket", "tusen", "ok", "okej", "okay"),
        *("hello", "hi", "hey", "good", "morning", "evening", "thanks", "thank", "you"),
        *("a", "lot", "very", "much"),
    )
)


PRESSED = frozenset(("skicka", "klar", "klart", "färdig", "send", "done", "finished"))
"""A button's word typed again once its question has passed ("Skicka" after sending)."""


_FOLDED = str.maketrans("åäö", "aao")


def folded(text: str) -> str:
    """Words as typed without å, ä, ö and case ("/Ärenden" is /arenden, "sjovik" Sjövik)."""
    return text.casefold().translate(_FOLDED)


def says_nothing(text: str) -> bool:
    """Whether a message tells nothing to keep: a greeting or thanks ("hej", "ok tack"), a
    number alone (a button's number typed where no buttons are), or a button's word typed
    once its question has passed ("Skicka")."""
    said = phrase_of(text)
    words = set(said.split())
    return (
        words <= COURTESY
        or not said.replace(" ", "").strip("0123456789")
        or (bool(words) and words <= COURTESY | PRESSED)
    )


YES_FIRST = frozenset(("ja", "jo", "japp", "jadå", "ok", "okej", "okay", "yes", "yeah", "yep"))
"""A yes said before the words of a button ("ja, skicka"): it adds nothing to them."""
_AFTER = frozenset(("tack", "snälla", "please", "pls", "thanks", "nu", "now"))
_THANKS = frozenset(("tack", "thanks", "thank"))
_THANKS_MORE = frozenset(("så", "mycket", "tusen", "you", "a", "lot", "very", "much"))


def yes_or_thanks(text: str) -> bool:
    """Whether a message is only a yes or a thanks ("ja", "ok", "Ja tack!", "thank you"):
    it answers no question whose options say neither, and tells a report nothing."""
    words = set(phrase_of(text).split())
    return bool(words & (YES_FIRST | _THANKS)) and words <= YES_FIRST | _THANKS | _THANKS_MORE


def button_said(text: str, words: Mapping[str, Iterable[str]]) -> str | None:
    """The button (id) whose words a whole message says, in ``words`` (id: phrases): a yes
    before them ("ja skicka") and courtesy after them ("skicka den tack") change nothing,
    other words do ("skicka inte" says no button). None if it says none."""
    said = phrase_of(text.replace("’", "'")).split()
    while len(said) > 1 and said[-1] in _AFTER:
        said.pop()
    tries = [" ".join(said)]
    if len(said) > 1 and said[0] in YES_FIRST:
        tries.append(" ".join(said[1:]))
    for button, phrases in words.items():
        if any(phrase_of(p) in tries for p in phrases):
            return button
    return None


_GOES_ON = frozenset(("slutar", "sluta", "upphör", "stop", "stops", "stopped", "quit"))
POLITE = frozenset(("tack", "snälla", "please", "pls", "thanks"))
"""Courtesy words said after an answer or a request; they change nothing."""
_MORE = frozenset(("nya", "fler", "mer", "några", "new", "more", "further", "any"))


@dataclass(frozen=True, slots=True)
class Words:
    """Typed words that work like commands: ``anywhere`` alone, in any state (e.g. "akut");
    a word that starts with one of ``first`` in a message that opens no flow (e.g. "hjälp
    jag har blivit hotad"), unless it starts with one of ``not_first`` ("hotell"); inside a
    flow, a message whose first word starts with one of ``crying`` ("hjälp han står utanför
    dörren nu"): a cry, not an answer. A word of ``first`` right after one of ``denied``
    ("mår bättre, inga nya hot") says there is none, and so does one ``harmless`` in its
    phrase ("tack för hjälpen", "krossade tomater")."""

    command: str = ""
    anywhere: frozenset[str] = frozenset()
    first: tuple[str, ...] = ()
    not_first: tuple[str, ...] = ()
    crying: tuple[str, ...] = ()
    denied: frozenset[str] = frozenset()  # "inga nya hot", "no threats": not a cry
    harmless: Callable[[Sequence[str], int], bool] | None = None  # (words, at): "tack för hjälpen"
    acts: Mapping[str, Handler] = field(default_factory=dict)  # "jag tar det": take an alert
    menu: Mapping[str, str] = field(default_factory=dict)  # "meny", "ärenden": the command
    menu_labels: Sequence[tuple[str, str]] = ()  # (command, msgid): the menu's own buttons
    opens: tuple[str, ...] = ()  # "öppna K7M4-QX2P": words before a reference that open it
    # more that opens it outside a flow ("jätterädd"; "ring Pia", given the words of the
    # names of those she may mean, which ``names`` reads only for words that may need them)
    # (and who wrote them: "ring Per om ärendet" from a contact is about a case, not a cry)
    also: Callable[[str, frozenset[str], Viewer | None], bool] | None = None
    names: Callable[[AsyncSession, Viewer, str], Awaitable[frozenset[str]]] | None = None

    def act(self, text: str) -> Handler | None:
        """The handler of a phrase that acts like a button on someone else's message, typed
        alone or as the first clause of a message ("Jag tar det, jag ringer henne nu"), not
        as the start of a sentence that goes on ("Jag tar det här på största allvar")."""
        said = phrase_of(text)
        raw = text.casefold().replace("’", "'").strip()
        for phrase, handler in self.acts.items():
            after = said[len(phrase) + 1 :] if said.startswith(phrase + " ") else ""
            alone = said == phrase or after in POLITE or after in ("nu", "now")
            if alone or re.match(rf"{re.escape(phrase)}\s*[,.!:;–—-]", raw):
                return handler
        return None

    async def names_in(
        self, session: AsyncSession, viewer: Viewer, event: InboundEvent
    ) -> frozenset[str]:
        """The words of the names of people typed words may mean ("pia" in "ring Pia")."""
        if self.names is None or event.kind is not EventKind.TEXT:
            return frozenset()
        return await self.names(session, viewer, event.text)

    def means_command(
        self,
        text: str,
        in_flow: bool,
        names: frozenset[str] = frozenset(),
        viewer: Viewer | None = None,
    ) -> bool:
        """Whether typed words open the command (``viewer``: who typed them, if known)."""
        words = words_of(text)
        if not self.command or not words:
            return False
        if " ".join(words) in self.anywhere:
            return True
        if in_flow:
            return words[0].startswith(self.crying) and not words[0].startswith(self.not_first)
        return any(
            w.startswith(self.first)
            and not w.startswith(self.not_first)
            and not self._denied(words[:i])
            and not (self.harmless is not None and self.harmless(words, i))
            for i, w in enumerate(words)
        ) or (self.also is not None and self.also(text, names, viewer))

    def _denied(self, before: list[str]) -> bool:
        """Whether the words before say there is none: "inte rädd", "inga nya hot" (not "han
        slutar inte hota mig")."""
        if before and before[-1] in self.denied:
            return len(before) < 2 or before[-2] not in _GOES_ON
        return len(before) >= 2 and before[-2] in self.denied and before[-1] in _MORE

    def menu_phrases(self, translations: Iterable[Callable[[str], str]]) -> dict[str, str]:
        """Every phrase that names a command: the menu words, and the menu's labels in each
        language (``translations``: a gettext per language)."""
        phrases = dict(self.menu)
        for gettext in translations:
            for command, msgid in self.menu_labels:
                phrases.setdefault(phrase_of(gettext(msgid)), command)
        return phrases

    def command_in(self, text: str, menu: Mapping[str, str]) -> tuple[str, str] | None:
        """(command, argument) that a whole message names: a menu word or label ("Ärenden"),
        or a case reference ("öppna K7M4-QX2P", "K7M4-QX2P"); None if it names none."""
        said = phrase_of(text)
        if said in menu:
            return menu[said], ""
        words = said.split()
        if len(words) == 1 and "-" in words[0]:  # the reference alone, as it is written
            ref = normalised_ref(words[0])
        elif 2 <= len(words) <= 3 and words[0] in self.opens:
            ref = normalised_ref("".join(words[1:]))
        else:
            ref = None
        return ("arende", ref) if ref else None
