"""Words typed alone in a report that answer nothing by their own meaning: done, enough,
a bare yes or thanks, a refusal, a skip."""

from __future__ import annotations

from conversations.report.typed import normalised

DONE = frozenset({"klar", "klart", "färdig", "färdigt", "done", "finished"})
"""Words typed alone for the "Done" button: at a question with several choices, some ticked,
they finish it; anywhere else they follow an answer already saved, and answer nothing."""
ENOUGH = DONE | {
    *("nej", "nej tack", "nej det räcker", "det räcker", "inget", "inget mer", "vet inte"),
    *("no", "no thanks", "no that s enough", "that s enough", "nothing", "don t know"),
    *("tack", "tack så mycket", "thanks", "thank you", "thanks a lot"),  # courtesy adds nothing
}
"""Typed alone where her earlier words are already kept, these keep them as they are."""
BARE = frozenset(
    {"ja", "jo", "japp", "nej", "ok", "okej", "tack", "yes", "yeah", "no", "okay", "thanks"}
)
"""Words typed alone that answer a yes-or-no question, not one whose options say neither."""
DECLINED = frozenset(
    normalised(words)
    for words in (
        *("nej", "nej tack", "vet inte", "vet ej", "jag vet inte", "osäker", "ingen aning"),
        *("inget", "ingen", "inga", "ingenting", "vill inte", "vill inte säga", "hoppa över"),
        *("no", "nope", "no thanks", "don't know", "dont know", "i don't know", "not sure"),
        *("none", "nothing", "no idea", "rather not", "rather not say", "i'd rather not say"),
        "skip",
    )
)
"""Typed alone at a question that may be skipped (Question.declinable): no answer, a skip."""
SKIP = frozenset(
    normalised(words)
    for words in (
        *("hoppa över", "hoppa över den", "hoppa över frågan", "skippa", "nästa fråga"),
        *("skip", "skip it", "skip this", "skip this one", "next question", "pass"),
    )
)
"""Typed alone for the "Skip" button: a question that may be skipped is; one that needs an
answer says so (they were kept as its answer: "Kategori: Hoppa över")."""
