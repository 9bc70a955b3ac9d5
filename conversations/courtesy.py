"""A kind word back to a greeting, thanks or goodbye typed outside any question ("tack så
mycket", "hej", "god natt", "ok"), with the menu; only when the message says nothing else."""

from __future__ import annotations

from enum import StrEnum

from conversations.events import words_of
from conversations.flow import Context
from conversations.harmless_words import HELP, harmless
from conversations.i18n import N_
from conversations.texts import menu_buttons


class Courtesy(StrEnum):
    """What a message of courtesy only says, the first that fits."""

    THANKS = "thanks"
    PARTING = "parting"
    GREETING = "greeting"
    OK = "ok"


SAYS: dict[Courtesy, frozenset[str]] = {
    Courtesy.THANKS: frozenset({"tack", "tackar", "thanks", "thank", "thx", "🙏"}),
    Courtesy.PARTING: frozenset(
        {"natt", "natti", "hejdå", "hörs", "ses", "night", "goodnight", "bye", "goodbye", "later"}
    ),
    Courtesy.GREETING: frozenset(
        {
            *("hej", "hejsan", "hallå", "hallo", "tjena", "tja", "tjabba", "morsning"),
            *("morgon", "kväll", "hello", "hi", "hey", "morning", "afternoon", "evening"),
        }
    ),
    Courtesy.OK: frozenset(
        {
            *("ok", "okej", "okay", "oki", "bra", "fint", "toppen", "perfekt", "uppfattat"),
            *("fine", "great", "perfect", "alright", "noted", "👍"),
        }
    ),
}
"""The words that say each courtesy ("hej då" is read as "hejdå")."""
AROUND = frozenset(
    {
        *("god", "så", "mycket", "jättemycket", "stort", "tusen", "för", "all", "allt", "din"),
        *("er", "och", "igen", "då", "vi", "dig", "trygg", "verkligen", "good", "you", "a"),
        *("lot", "very", "much", "so", "for", "the", "your", "and", "again", "then", "see"),
        *("really",),
    }
)
"""Words that go with courtesy and tell nothing ("tack så mycket", "god natt", "see you")."""
LONGEST = 8  # words: a longer message says more than courtesy

ANSWERS = {
    Courtesy.THANKS: N_("You're welcome. Write whenever you need me again."),
    Courtesy.PARTING: N_("Take care. Write whenever you need me again."),
    Courtesy.GREETING: N_("Hi! What do you want to do?"),
    Courtesy.OK: N_("Okay. Write whenever you need me."),
}
"""What Trygg says back to each (msgids)."""


def courtesy_of(text: str) -> Courtesy | None:
    """What a message says if it is courtesy only ("tack så mycket", "hej hej", "god natt",
    "thank you for your help"); None if it says anything else ("hej, jag blir hotad")."""
    said = " ".join(words_of(text)).replace("hej då", "hejdå").split()
    if not said or len(said) > LONGEST:
        return None
    known = frozenset().union(*SAYS.values(), AROUND)
    for i, word in enumerate(said):
        thanked = word.startswith(HELP) and harmless(said, i)  # "tack för hjälpen"
        if word not in known and not thanked:
            return None
    return next((kind for kind, words in SAYS.items() if words & set(said)), None)


def answer_courtesy(ctx: Context, text: str) -> bool:
    """Answer a greeting, thanks or goodbye with a kind word and the menu; False if the
    message says anything else."""
    kind = courtesy_of(text)
    if kind is None:
        return False
    ctx.reply(ctx._(ANSWERS[kind]), menu_buttons(ctx), rest=True)
    return True
