"""Whether a check-in's answer tells of something new. Only an answer that is recognisably
calm and short is not news: how she is ("bättre, tack", "jag sover dåligt", "fine thanks")
and news denied ("inget nytt", "han har inte hört av sig"). Anything else with words in it
is news ("Jag fick ett mejl i morse", "någon ringde mitt jobb"): a needless "something new"
costs a read; news missed waits behind a routine notice."""

from __future__ import annotations

import re

from conversations.events import words_of

CALM = frozenset(
    {
        *("jag", "mig", "mitt", "min", "det", "de", "dom", "e", "är", "har", "var", "blir"),
        *("mår", "bra", "bättre", "okej", "ok", "okay", "okey", "lugnt", "lugn", "lugnare"),
        *("lugnat", "lugnade", "sig", "stilla", "tyst", "tystare", "fint", "hyfsat", "skönt"),
        *("helt", "ganska", "rätt", "lite", "mycket", "så", "bara", "nu", "ju", "väl", "nog"),
        *("tack", "tackar", "snälla", "jo", "ja", "nej", "nä", "sover", "sovit", "sova"),
        *("dåligt", "sämre", "trött", "orolig", "oroligt", "rädd", "ledsen", "stressad"),
        *("fortfarande", "som", "vanligt", "förut", "innan", "samma", "allt", "klarar"),
        *("går", "gått", "framåt", "sen", "sedan", "sist", "senast", "dess", "i", "dag"),
        *("idag", "för", "att", "ni", "frågar", "frågan", "en", "taget", "kämpar", "på"),
        *("i'm", "im", "i", "am", "me", "my", "it", "it's", "its", "is", "has", "have"),
        *("fine", "good", "well", "better", "calm", "calmer", "quiet", "alright", "all"),
        *("right", "thanks", "thank", "you", "yes", "no", "still", "a", "bit", "little"),
        *("tired", "sleeping", "sleep", "badly", "poorly", "worried", "anxious", "scared"),
        *("sad", "stressed", "much", "so", "far", "same", "as", "before", "usual", "okay"),
        *("doing", "feeling", "feel", "getting", "there", "things", "settled", "down"),
        *("calmed", "for", "asking", "the", "day", "today", "at", "time", "now", "just"),
        *("du", "varit", "been", "great", "pretty", "quite", "very", "jättebra"),
    }
)
"""Words of how she is and of a calm answer ("det har lugnat sig", "fine thanks")."""
DENIABLE = frozenset(
    {
        *("han", "hon", "hen", "någon", "något", "ingen", "honom", "henne", "dem", "från"),
        *("hört", "hörts", "av", "hänt", "skrivit", "ringt", "kommit", "varit", "synts"),
        *("sett", "kontaktat", "mejlat", "hot", "hotet", "brev", "mejl", "mail", "sms"),
        *("meddelanden", "meddelande", "samtal", "kommentarer", "nytt", "nya", "mer", "fler"),
        *("igen", "he", "she", "they", "someone", "anyone", "anything", "him", "her", "them"),
        *("from", "heard", "happened", "written", "called", "come", "been", "seen"),
        *("contacted", "threats", "messages", "emails", "calls", "letters", "contact"),
        *("new", "more", "again", "any", "since", "last"),
    }
)
"""What a denial may deny ("inga nya hot", "he hasn't written again")."""
NOT = frozenset(
    {
        *("inte", "ej", "inga", "inget", "ingen", "ingenting", "aldrig", "not", "never"),
        *("nothing", "nobody", "none", "hasn't", "haven't", "hasnt", "havent", "didn't"),
        *("didnt", "isn't", "wasn't", "don't", "doesn't"),
    }
)
ACTORS = frozenset({"han", "hon", "hen", "någon", "he", "she", "they", "someone", "somebody"})
JOINS = frozenset({"men", "och", "but", "and"})
SHORT = 14  # words: a longer answer is read as news
_CLAUSES = re.compile(r"[,.;:!?\n]+")


def tells_news(text: str) -> bool:
    """Whether a check-in's answer is anything but short and recognisably calm."""
    said = [w for w in words_of(text.replace("’", "'")) if any(c.isalnum() for c in w)]
    if len(said) > SHORT:
        return True
    return not all(_calm(clause) for clause in _clauses(text))


def _clauses(text: str) -> list[list[str]]:
    """Split an answer into clauses at punctuation and at "men", "och", "but", "and"."""
    clauses: list[list[str]] = []
    for part in _CLAUSES.split(text.replace("’", "'")):
        clause: list[str] = []
        for word in words_of(part):
            if not any(c.isalnum() for c in word):
                continue  # "👍", "-"
            if word in JOINS:
                clauses.append(clause)
                clause = []
            else:
                clause.append(word)
        clauses.append(clause)
    return [c for c in clauses if c]


def _calm(clause: list[str]) -> bool:
    """Whether a clause only says how she is, or denies that anything happened ("inget
    nytt"); "no" before someone is an answer, not a denial ("no he called again")."""
    denied = any(
        w in NOT or (w == "no" and i + 1 < len(clause) and clause[i + 1] not in ACTORS)
        for i, w in enumerate(clause)
    )
    allowed = CALM | DENIABLE | NOT if denied else CALM
    return all(w in allowed for w in clause)
