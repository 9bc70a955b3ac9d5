"""What a typed answer means for a question: one of its options, several, or the person's
own words, kept as written. Buttons are shortcuts; typing is never wrong."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from conversations.report.form import Question

_WORD = re.compile(r"[\w/]+", re.UNICODE)


def normalised(text: str) -> str:
    """Casefolded, accents kept (å ä ö matter), punctuation and extra spaces gone."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(_WORD.findall(text))


@dataclass(frozen=True, slots=True)
class Reading:
    """A typed answer as understood: the answer to store, and whether it matched options."""

    answer: dict[str, Any] = field(default_factory=dict)
    matched: bool = False  # it named one or more of the question's options
    kept_as_note: bool = False  # the question takes no own words: kept beside the report
    numbered: bool = False  # the options' numbers alone ("1, 3 och 4"): as if pressed
    several: bool = False  # several options' numbers where one answer is asked ("1 och 2")


def _says(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _phrases(question: Question, option: str, label: str) -> list[str]:
    words = [normalised(label)]
    words += [normalised(w) for w in (question.synonyms or {}).get(option, ())]
    return [w for w in words if w]


def _named(question: Question, options: Sequence[tuple[str, str]], text: str) -> list[str]:
    """The options the text names, in their order; words inside a longer option's words
    name only that one ("hot om våld" is a threat of violence, not also violence)."""
    found: list[tuple[int, int, str]] = []
    for option, label in options:
        for phrase in _phrases(question, option, label):
            pattern = rf"(?<!\w){re.escape(phrase)}(?!\w)"
            found += [(m.start(), m.end(), option) for m in re.finditer(pattern, text)]

    def inside_another(start: int, end: int, option: str) -> bool:
        return any(
            s <= start and end <= e and (e - s) > (end - start) and other != option
            for s, e, other in found
        )

    named = {option for start, end, option in found if not inside_another(start, end, option)}
    return [option for option, _label in options if option in named]


def is_option_word(question: Question, chosen: Sequence[str], typed: str) -> bool:
    """Whether typed words were just another way of naming the options chosen ("nej")."""
    text = normalised(typed)
    return not text or any(
        text in _phrases(question, option, "") or text == normalised(option) for option in chosen
    )


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_NUMBERS = re.compile(r"\d{1,2}(?:\s*(?:,|&|\+|och|and|\s)\s*\d{1,2})+")


def only_numbers(typed: str) -> bool:
    """Whether a message is options' numbers alone ("1, 9"): a choice, never a day."""
    return _NUMBERS.fullmatch(typed.strip()) is not None


JOINERS = frozenset(("och", "samt", "eller", "via", "på", "per", "med", "genom", "and", "or"))
OPTIONS_WORDS = 12  # words: more than this names no options alone ("hot om våld, sms, …")
JOINERS_EN = frozenset(("by", "via", "on", "in", "over", "through", "with"))


def only_options(question: Question, options: Sequence[tuple[str, str]], typed: str) -> bool:
    """Whether typed words name options and say nothing else ("hot om våld, personligen"),
    however many they are: an answer, not a sentence that goes on with the story."""
    text = _told(typed)
    if len(text.split()) > OPTIONS_WORDS:  # a story, however its words sound
        return False
    for option, label in options:
        for phrase in _phrases(question, option, label):
            text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", text)
    left = [w for w in re.findall(r"\w+", text) if w not in JOINERS | JOINERS_EN]
    return not left and text != _told(typed)


def _told(typed: str) -> str:
    """The words that tell, without the questions asked in them: "not yet. should I call the
    police now??" decides nothing about the police."""
    told = [s for s in _SENTENCE.findall(typed) if not s.rstrip().endswith("?")]
    return normalised(" ".join(told))


# How a question about the question is asked ("vad menas med falang?"). The first ones
# ask nothing else, question mark or not, when they begin a short message.
ASKED_WITHIN = 10  # words: a question about the question is short
SHORT_ASK = 5  # words: without a question mark, "vad betyder det" alone
_MEANING = ("vad betyder", "vad menas", "vad menar du", "what does that mean", "what do you mean")
_ASKING = (
    *_MEANING,
    "what does",
    "vad innebär",
    "vad är en",
    "vad är ett",
    "förstår inte frågan",
    "fattar inte frågan",
    "förstår inte vad du menar",
    "vad ska jag svara",
    "what is meant",
    "what s meant",
    "what is a",
    "what s a",
    "don t understand the question",
    "do not understand the question",
    "don t understand what you mean",
    "what should i answer",
    "what should i write",
)


def asks_back(typed: str) -> bool:
    """Whether the person asks what the question means, rather than answering it."""
    words = normalised(typed)  # "don't" reads "don t"
    said = words.split()
    if len(said) > ASKED_WITHIN:  # a story with a question in it: an answer
        return False
    if typed.rstrip().endswith("?"):  # asked at the start: "vad menas …?", "ja, vad är en …?"
        return any(_opens(" ".join(said[start:]), _ASKING) for start in (0, 1))
    return len(said) <= SHORT_ASK and _opens(words, _MEANING)


def _opens(words: str, phrases: Sequence[str]) -> bool:
    """Whether the words begin with one of the phrases, as whole words."""
    return any(words == phrase or words.startswith(phrase + " ") for phrase in phrases)


def _by_number(options: Sequence[tuple[str, str]], text: str) -> list[str]:
    """The options a message of their numbers alone names ("1, 3 och 4"), as they were
    offered in order; none if a number is not one of them."""
    if not _NUMBERS.fullmatch(text):
        return []
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if not all(0 < n <= len(options) for n in numbers):
        return []
    return [option for n, (option, _label) in enumerate(options, 1) if n in numbers]


def read(question: Question, options: Sequence[tuple[str, str]], typed: str) -> Reading:
    """Understand ``typed`` as an answer to ``question``, whose options are (id, label as
    shown). The typed words are always kept with the answer."""
    text = normalised(typed)
    if question.kind == "multi":
        numbered = _by_number(options, typed.strip())
        if numbered:  # pressed by their numbers: nothing else was said
            return Reading({"choices": numbered}, matched=True, numbered=True)
        chosen = _named(question, options, _told(typed))
        if question.doubts is not None and question.doubts(typed):  # "not decided yet"
            chosen = [option for option in chosen if option in question.alone]
        return Reading({"choices": chosen, "text": typed}, matched=bool(chosen))
    if len(_by_number(options, typed.strip())) > 1:  # "1 och 2": which one is not said
        return Reading({}, several=True)
    for option, label in options:
        if (
            option in question.within
            and any(_says(text, phrase) for phrase in _phrases(question, option, label))
            and not (question.doubts is not None and question.doubts(typed))
        ):
            return Reading({"choice": option, "text": typed}, matched=True)
    exact = [option for option, label in options if text in _phrases(question, option, label)]
    if exact:
        return Reading({"choice": exact[0], "text": typed}, matched=True)
    if question.kind == "choice" and question.leading:
        # "Nej, inte vad jag vet": an answer that starts with an option's words means it
        starts = [
            option
            for option, label in options
            if any(text.startswith(p + " ") for p in _phrases(question, option, label))
        ]
        if starts:
            return Reading({"choice": starts[0], "text": typed}, matched=True)
    if question.kind == "choice" and not question.other_ok:
        return Reading({}, kept_as_note=True)
    return Reading({"text": typed})
