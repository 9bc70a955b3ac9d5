"""The packs' incident kinds in the categories of Brå's survey of elected officials' safety.

Brå's *Politikernas trygghetsundersökning* (PTU) counts what elected officials are exposed
to as threats, harassment, violence, damage and improper influence. Each pack kind id maps
to one of them here, in one place (tests/test_stats.py checks that every kind of every pack
is mapped):

| pack kind | PTU category | why |
|---|---|---|
| threat | threats | *hot, hot om våld* |
| harassment | harassment | *trakasserier, stalkning, förföljelse* |
| hate | harassment | PTU counts insults and abuse (*kränkningar*) as harassment |
| violence | violence | the packs' "Våld, skadegörelse": one kind, shown as "violence or damage" |
| damage, vandalism | damage | for a pack that asks about *skadegörelse* on its own |
| blackmail | improper influence | Västerås: pressure meant to sway a decision |
| corruption | improper influence | *otillbörliga erbjudanden* (bribes, improper offers) |

A pack without a damage kind of its own (all packs today: Oxelösund asks "Våld,
skadegörelse" as one) cannot tell damage from violence: its statistics show one category,
"violence or damage", rather than a damage count that would always read 0.

A case may name several kinds. The summary counts every kind named; the chart stacks each
case once, under its most serious category (SEVERITY), so a month's bar is its cases.
"""

from __future__ import annotations

from conversations.i18n import N_

THREATS = "threats"
HARASSMENT = "harassment"
VIOLENCE = "violence"
DAMAGE = "damage"
INFLUENCE = "improper_influence"
UNSTATED = "unstated"  # the case names no kind

CATEGORIES = (THREATS, HARASSMENT, VIOLENCE, DAMAGE, INFLUENCE)
"""In the order Brå lists them and the summary says them."""

SEVERITY = (VIOLENCE, THREATS, DAMAGE, INFLUENCE, HARASSMENT)
"""Most serious first: the category a case with several kinds is stacked under."""

OF_KIND = {
    "threat": THREATS,
    "harassment": HARASSMENT,
    "hate": HARASSMENT,
    "violence": VIOLENCE,
    "damage": DAMAGE,
    "vandalism": DAMAGE,
    "blackmail": INFLUENCE,
    "corruption": INFLUENCE,
}

LABELS = {
    THREATS: N_("threats"),
    HARASSMENT: N_("harassment"),
    VIOLENCE: N_("violence"),
    DAMAGE: N_("damage"),
    INFLUENCE: N_("improper influence"),
    UNSTATED: N_("kind not stated"),
}

POLICE_MEASURE = "police_report"
"""The measure "Polisanmälan" chosen in the report (question 9)."""

POLICE_CHECKS = frozenset({"3.1.3"})
"""Checklist items that say the incident was reported to the police ("Har händelsen
polisanmälts?"), answered yes."""


VIOLENCE_OR_DAMAGE = N_("violence or damage")
"""The violence label where the pack asks about violence and damage in one kind."""


def labels_for(kind_ids: frozenset[str]) -> dict[str, str]:
    """The categories a pack's kinds can fill, with their labels (msgids), in Brå's order:
    without a damage kind of its own, damage is counted with violence and said so."""
    reached = {OF_KIND[k] for k in kind_ids if k in OF_KIND}
    labels = {c: LABELS[c] for c in CATEGORIES if c in reached}
    if VIOLENCE in labels and DAMAGE not in reached:
        labels[VIOLENCE] = VIOLENCE_OR_DAMAGE
    labels[UNSTATED] = LABELS[UNSTATED]
    return labels


def categories_of(kind_ids: frozenset[str]) -> frozenset[str]:
    """The PTU categories of the kind ids a case names (other ids, e.g. channels, ignored)."""
    return frozenset(OF_KIND[k] for k in kind_ids if k in OF_KIND)


def most_serious(categories: frozenset[str]) -> str:
    """The category a case is stacked under in the chart."""
    return next((c for c in SEVERITY if c in categories), UNSTATED)
