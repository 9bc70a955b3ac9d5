"""Words of danger that, in the phrase they stand in, tell of none: thanks for help ("tack för
hjälpen") and food crushed or smashed ("krossade tomater", "smashed avocado"). Only such
phrases, word for word: a missed cry is worse than a needless guidance."""

from __future__ import annotations

from collections.abc import Sequence

THANKS = frozenset({"tack", "tackar", "thanks", "thank", "thx"})
FOR = frozenset({"för", "for"})
ALL = frozenset({"all", "allt", "din", "er", "the", "your"})
"""Between "för" and the help thanked for ("tack för all hjälp", "thanks for your help")."""
HELP = ("hjälp", "hjalp", "help")

CRUSHED = ("krossa", "smash")
"""Beginnings of words of damage that also crush food ("krossade", "smashed")."""
FOOD = frozenset(
    {
        *("tomat", "tomaten", "tomater", "tomaterna", "vitlök", "vitlöken", "vitlöksklyftor"),
        *("nötter", "nötterna", "mandel", "mandlar", "mandlarna", "ananas", "kardemumma"),
        *("peppar", "svartpeppar", "kex", "kexen", "havre", "linfrö", "oliver", "bär", "hallon"),
        *("jordgubbar", "potatis", "potatisen", "kikärtor", "bönor", "ingefära", "koriander"),
        *("mynta", "chili", "frön", "is", "isen", "isbitar", "kakor", "pepparkakor"),
        *("tomato", "tomatoes", "garlic", "nuts", "walnuts", "hazelnuts", "peanuts", "almonds"),
        *("pineapple", "pepper", "peppercorns", "avocado", "avocados", "potato", "potatoes"),
        *("peas", "berries", "biscuits", "crackers", "ginger", "chickpeas", "burger", "burgers"),
        *("beans", "ice", "cookies"),
    }
)
"""Words of food crushed ("krossade tomater", "smashed avocado"), whole words only ("bärbara"
is no "bär")."""
FOOD_ENDS = ("tomat", "tomater", "tomaterna", "nötter", "potatis", "mandlar")
"""Ends of Swedish compounds of food ("körsbärstomater", "hasselnötter")."""
BETWEEN = frozenset(
    {
        *("färsk", "färska", "konserverade", "frysta", "rostade", "hela", "lite", "röda"),
        *("fresh", "canned", "frozen", "roasted", "whole", "some", "the", "a", "red"),
    }
)
"""Words that may stand between the crushing and the food ("krossade färska tomater")."""


def harmless(said: Sequence[str], at: int) -> bool:
    """Whether the word at ``at`` in ``said`` (a message's words, casefolded), a word of danger,
    tells of none in its phrase: help thanked for ("tack för hjälpen", "thank you for all your
    help"), food crushed ("vi åt krossade tomater"); not "tack, hjälp han är här"."""
    word = said[at]
    if word.startswith(HELP):
        return _thanked(said, at)
    if word.startswith(CRUSHED):
        after = [*said[at + 1 : at + 3], "", ""]  # the food, or a word and then the food
        return _food(after[1] if after[0] in BETWEEN else after[0])
    return False


def _thanked(said: Sequence[str], at: int) -> bool:
    """Whether the help at ``at`` is thanked for: "för"/"for" right before it (or before one of
    ALL right before it), after a word of thanks."""
    before = list(said[:at])
    while before and before[-1] in ALL:
        before.pop()
    return bool(before) and before[-1] in FOR and bool(THANKS & set(before[:-1]))


def _food(word: str) -> bool:
    """Whether a word names food ("tomater", "körsbärstomater", "avocado")."""
    return word in FOOD or (len(word) > 6 and word.endswith(FOOD_ENDS))
