"""Who a notice is about, as its recipient reads it: the person's name with party and
municipality, their phone and language, and the case's category in neutral words."""

from __future__ import annotations

from conversations.i18n import N_, NAMELESS, after_label, place_name, shown_name
from conversations.notice_context import RenderContext
from storage.directory import DirectoryRepo
from storage.models import Alert, Person, Report
from storage.reports import ReportRepo
from storage.viewer import Viewer


async def subject_of(rc: RenderContext, alert: Alert) -> tuple[str, str | None, str]:
    """Who the alert is about: their name with party and municipality, phone, and name."""
    if alert.subject_id is None:
        return rc._("(erased person)"), None, rc._("(erased person)")
    card, party, municipality = await DirectoryRepo(rc.session).describe(
        Viewer.of(rc.recipient), alert.subject_id
    )
    place = place_name(rc.locale, municipality) if municipality else None
    where = ", ".join(x for x in (party, place) if x)
    name = shown_name(rc._, card)
    if card.nameless and where:
        return (
            rc._("A new person in Trygg ({where}, no name yet)").format(where=where),
            card.phone,
            name,
        )
    return (f"{name} ({where})" if where else name), card.phone, name


async def party_member(rc: RenderContext, alert: Alert) -> str | None:
    """The name of the person an alert is about, if they belong to a party."""
    subject = await rc.session.get(Person, alert.subject_id) if alert.subject_id else None
    if subject is None or subject.party_id is None:
        return None
    return subject.display_name or rc._(NAMELESS)


def category_line(rc: RenderContext, report: Report) -> str:
    """The category in neutral words; if the reporter wrote her own, say so (the words
    themselves are report text: never in a push that a lock screen may show)."""
    _ = rc._
    if report.category == "unknown" and rc.keyring is not None:
        answer = ReportRepo(rc.session, rc.keyring).answers(report).get("category")
        if isinstance(answer, dict) and answer.get("text") and not answer.get("choice"):
            return _("Category: in their own words (see the report)")
    pack = rc.packs.get(report.pack)
    label = next(
        (c.shown(rc.locale, neutral=True) for c in pack.categories if c.id == report.category),
        report.category or "",
    )
    return _("Category: {category}").format(category=after_label(label))


LANGUAGES = {"sv": N_("Swedish"), "en": N_("English")}


async def language_of(rc: RenderContext, person_id: int | None) -> str | None:
    """The language a person chose, as the recipient names it."""
    person = await rc.session.get(Person, person_id) if person_id else None
    name = LANGUAGES.get(person.locale or "") if person is not None else None
    return rc._(name) if name else None
