"""Answers written with the first version of the form (27 steps), read in today's shape, so
that an unfinished draft can be continued and a sent report read whole."""

from __future__ import annotations

from typing import Any

Answers = dict[str, Any]

# first version's step → (today's question, how the old value is read)
_CHOICE = {"who": "who", "municipality": "municipality", "category": "category", "group": "group"}
_TEXT = {
    "proxy": "proxy",
    "target": "target",
    "committee": "assignment",
    "where": "where",
    "group_which": "group_which",
    "perp_desc": "perp_desc",
}


_FELT = {"yes": "frightening", "somewhat": "unpleasant", "no": "not_frightening"}


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("option", ""))
    return "" if value is None else str(value)


def upgrade(answers: Answers) -> Answers:
    """Return answers in today's shape (unchanged if they already are)."""
    if answers.get("_v") == 2 or not answers:
        return answers
    new: Answers = {k: v for k, v in answers.items() if k.startswith("_") and k != "_at"}
    for old, step in _CHOICE.items():
        if answers.get(old):
            new[step] = {"choice": answers[old]}
    for old, step in _TEXT.items():
        if old in answers:
            new[step] = {"text": _text(answers[old])} if answers[old] else None
    if "what" in answers:
        new["what"] = {"text": _text(answers["what"])}
    nature = [*(answers.get("kinds") or []), *(answers.get("channels") or [])]
    if "kinds" in answers or "channels" in answers:
        new["nature"] = {"choices": nature}
    if "when" in answers:
        when: dict[str, Any] = {}
        stamp = str(answers.get("when_date") or "")
        if stamp:
            when["day"] = stamp[:10]
            if len(stamp) > 10:
                when["time"] = stamp[11:16]
        if answers["when"] in ("now", "today", "yesterday"):
            when["choice"] = answers["when"]
        new["when"] = when or None
    witnesses = answers.get("witnesses")
    if "witnesses" in answers or "reached" in answers:
        seen = _text(witnesses)
        if isinstance(witnesses, dict) and witnesses.get("option") == "none":
            new["witnesses"] = {"choice": "none"}
        else:
            new["witnesses"] = {"text": seen} if seen else None
        if answers.get("reached"):
            new["_notes"] = [*new.get("_notes", []), f"reached: {answers['reached']}"]
    if "perp_known" in answers:
        new["perpetrator"] = {"choice": answers["perp_known"]} if answers["perp_known"] else None
    if answers.get("trigger"):
        trigger = answers["trigger"]
        new["trigger"] = {"choice": trigger} if trigger != "other" else {}
        if answers.get("trigger_text"):
            new["trigger"]["text"] = str(answers["trigger_text"])
    if "police" in answers or "protection" in answers:
        measures = list(answers.get("protection") or [])
        if answers.get("police") == "yes":
            measures.insert(0, "police_report")
        new["measures"] = {"choices": measures}
    if "frightening" in answers:
        feeling = _text(answers.get("feeling"))
        felt = _FELT.get(str(answers["frightening"]))
        new["experience"] = {"choice": felt} if felt else {}
        if feeling:
            new["experience"]["text"] = feeling
        if "serious" in answers:
            new["serious"] = {"choice": answers["serious"]} if answers["serious"] else None
    new["_v"] = 2
    if answers.get("_at") == "summary":
        new["_at"] = "summary"  # else: the flow goes on at the first question left
    return new
