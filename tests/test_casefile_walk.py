"""A rich case read whole, as Sara and Kent met it: Anna's long story with a link, the
category she chose, checklist items answered by Pia, follow-up call 1 booked. The link in
the case file can be copied; the category reads the same in both places on the web page; a
checklist question has its own routine words above it; the police's file says nothing of the
follow-up calls it says it leaves out."""

from __future__ import annotations

import itertools
from pathlib import Path

from bot.app import App
from bot.casefile_pdf import FAMILY, _Pages, _wrapped
from conversations.case.export import EXPORT, EXPORT_WHOLE
from conversations.casefile.model import CaseFile
from tests.conftest import FakeClock
from tests.test_case import MONDAY_10, Submitted, take
from tests.test_casefile import (
    NEEDS_POPPLER,
    export_from_chat,
    flat,
    report_with_evidence,
    sent_pdf,
    text_of,
)
from tests.web_support import browser, signed_in_as, switch_on

pytestmark = NEEDS_POPPLER

URL = "https://www.facebook.com/groups/123456789/posts/987654321?comment_id=9876543210"
LONG_STORY = (
    "Någon skrev under mitt inlägg om detaljplanen att de vet var jag bor och att jag borde "
    "tänka på mina barn innan nästa möte i fullmäktige. Kommentaren finns här: "
    f"{URL} och den har fått flera gillamarkeringar sedan i går kväll. Jag har tagit "
    "skärmdumpar av allt och sparat dem i telefonen."
)
SUPPORT_PERSON = "Den utsatta har valt en stödperson"


async def rich_case(chat, clock: FakeClock) -> Submitted:  # type: ignore[no-untyped-def]
    """Anna reports (category: the party); Pia takes it, answers 3.2.1 and books call 1."""
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), LONG_STORY, category="party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:book")
    await pia.say("tisdag 14:00")
    return case


async def test_a_long_link_in_the_story_stays_whole_in_the_case_file(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    """The link was cut in its last number ("comment_id=98765432" / "10"): not copyable."""
    case = await rich_case(chat, clock)
    pia = chat("pia")
    for button, name in ((EXPORT, "police"), (EXPORT_WHOLE, "whole")):
        reply = await export_from_chat(pia, case, button)
        pdf = await sent_pdf(demo_app, "pia", reply)
        assert pdf is not None
        lines = [line.strip() for page in text_of(pdf, tmp_path, name) for line in page.split("\n")]
        assert URL in lines, [line for line in lines if "facebook" in line]
        whole = flat("\n".join(lines))
        assert flat(LONG_STORY) in whole  # the rest of the story around it, every word


def test_a_link_too_long_for_a_line_breaks_only_between_its_parts() -> None:
    pdf = _Pages(CaseFile("r", "t", "s", "h", "m", "g", "p", ()))
    pdf.set_font(FAMILY, "", 10)
    long = URL + "&ref=" + "1234567890" * 3 + "/posts/2468"
    text = _wrapped(pdf, f"se {long} nu", 100)
    assert text.replace("\n", "") == f"se {long} nu"  # nothing added, nothing lost
    pieces = text.removeprefix("se ").removesuffix(" nu").split("\n")
    assert len(pieces) > 1
    assert all(pdf.get_string_width(piece) <= 100 for piece in pieces), pieces
    for left, right in itertools.pairwise(pieces):
        assert left.endswith(("/", "&")) or right.startswith(("?", "=", "&", "#")), (left, right)


async def test_the_police_file_leaves_out_the_follow_up_calls_it_says_it_leaves_out(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    """Kent's 'Underlag för polisanmälan' listed 'Uppföljningssamtal 1 planerat' in its
    timeline, above 'Utelämnat' saying follow-up calls are not in the file. The director
    reads a case's header and checklist (the police report is his, 3.1.3), not its support
    in the longer term."""
    case = await rich_case(chat, clock)
    for handle in ("kent", "pia"):
        pdf = await sent_pdf(demo_app, handle, await export_from_chat(chat(handle), case))
        assert pdf is not None
        whole = flat("\n".join(text_of(pdf, tmp_path, handle)))
        assert "uppföljningssamtal och utvärderingen av rutinen finns inte" in whole
        assert "Uppföljningssamtal 1" not in whole, whole
        assert "Händelseförlopp" in whole and "Rapporterat" in whole  # the rest is there
    # Pia, who handles it, still reads the booked call in her whole file
    pia = chat("pia")
    whole_pdf = await sent_pdf(demo_app, "pia", await export_from_chat(pia, case, EXPORT_WHOLE))
    assert whole_pdf is not None
    whole = flat("\n".join(text_of(whole_pdf, tmp_path, "pia_whole")))
    assert "Uppföljningssamtal 1 planerat" in whole


async def test_the_category_reads_the_same_in_about_the_case_and_in_the_report(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Sara read "Kategori: Partiet" under "Om ärendet" and "partiet" in the report."""
    switch_on(demo_app)
    case = await rich_case(chat, clock)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        html = (await client.get(f"/cases/{case.ref}")).text
    assert "<dd>partiet</dd>" in html, html
    assert "Partiet" not in html.replace("Gröna partiet", "")


async def test_a_checklist_question_has_only_its_own_routine_words_above_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """'Den utsatta har valt en stödperson …' stood above 'Har den utsattas anhöriga
    informerats?' too: the form has that check with no action of its own."""
    case = await rich_case(chat, clock)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    seen: dict[str, str] = {}
    for _ in range(8):
        asked = await pia.say("Svara på nästa punkt")
        if "3.1" in asked.split(":")[0]:
            await pia.say("Ja")
        else:
            seen[asked] = asked
            await pia.say("Inte aktuellt")
        if "Skriv en kommentar" in pia.last[-1].text:
            await pia.say("Hoppa över")
        await pia.say(f"/arende {case.ref}")
    relatives = [a for a in seen if "anhöriga informerats" in a]
    support = [a for a in seen if "Har den utsatta valt en stödperson?" in a]
    assert relatives and support, list(seen)
    assert relatives[0].startswith("3.2.1: Har den utsattas anhöriga informerats?")
    assert SUPPORT_PERSON not in relatives[0]
    assert support[0].startswith(f"3.2.1: {SUPPORT_PERSON}")
