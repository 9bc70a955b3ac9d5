"""Which of Trygg's languages a message is written in, from its commonest words.

Only for a person who has not chosen a language yet: what they type first is answered in
the language they typed it in (a Swedish phone may run in English), and the other language
is always one button away. Two languages, told apart by words no message can do without;
a message with no such word, or as many of each, says nothing.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SWEDISH = _words(
    """
    jag du han hon hen vi ni de dem mig dig sig min mitt mina din ditt oss er
    och att det den som är var har hade ska skulle kan kunde vill inte nej ja men eller
    en ett på av för till från med om när hur vad vem var varför där här nu sen
    någon något nån nåt några alla blev blivit fick sa sagt skrev vet bor hem hemma
    igår idag ikväll natt kväll morgon efter innan hotad hotade hotar rädd hjälp
    """
)
_ENGLISH = _words(
    """
    me you he she we they them him her us my mine your our their its it
    and the that this is am are was were has have had will would can could want not no yes
    but or an of to from with about when how what who why where there here now then
    someone something somebody anyone all got been said told wrote know live lives home
    yesterday today tonight night evening morning after before threatened threat scared help
    """
)
_SWEDISH_LETTERS = frozenset("åäöÅÄÖ")


def written_in(text: str) -> str | None:
    """Return "sv" or "en" if the text is plainly in that language, else None."""
    words = [w.strip(".,!?:;\"'()-…").casefold() for w in text.split()]
    swedish = sum(w in _SWEDISH for w in words)
    english = sum(w in _ENGLISH for w in words)
    if any(c in _SWEDISH_LETTERS for c in text):
        swedish += 2
    if swedish > english:
        return "sv"
    if english > swedish:
        return "en"
    return None
