"""Words in a check-in's answer that tell of something new ("han har skrivit igen i natt",
"they came to my house again"), not only how she is ("bättre, tack", "jag sover dåligt"):
those handling her case are told it is news. A needless "something new" costs a read; a
missed one leaves news waiting behind a routine notice."""

from __future__ import annotations

from conversations.akut_words import DENIED
from conversations.events import words_of

AGAIN = frozenset(
    {
        *("igen", "nytt", "nya", "ännu", "fortsätter", "återigen", "tillbaka"),
        *("again", "new", "another", "continues", "back"),
    }
)
"""Words that it happened again or anew, unless denied just before ("inget nytt")."""
ACTORS = frozenset(
    {"han", "hon", "hen", "någon", "de", "dom", "he", "she", "someone", "somebody", "they"}
)
DID = frozenset(
    {
        *("skrev", "skrivit", "ringde", "ringt", "kom", "kommit", "stod", "skickade", "skickat"),
        *("hotade", "hotat", "följde", "följt", "mejlade", "mejlat", "postade", "sms:ade"),
        *("wrote", "written", "called", "phoned", "came", "come", "stood", "sent", "threatened"),
        *("followed", "emailed", "posted", "texted", "messaged", "showed"),
    }
)
"""What someone did ("han ringde", "they came"), right after who did it."""
NEAR = 3  # words
NOT = DENIED | {"aldrig", "never", "hasn't", "haven't", "didn't", "hasnt", "havent", "didnt"}


def tells_news(text: str) -> bool:
    """Whether a check-in's answer tells of something new: it happened again or anew
    ("igen", "ett nytt brev"), or someone did something ("han ringde i natt"); not when
    denied ("inget nytt", "han har inte hört av sig")."""
    words = words_of(text)
    for i, word in enumerate(words):
        if word in AGAIN and not NOT & set(words[max(0, i - NEAR) : i]):
            return True
        if word in ACTORS:
            after = words[i + 1 : i + 1 + NEAR]
            for done in after:
                if done in NOT:
                    break
                if done in DID:
                    return True
    return False
