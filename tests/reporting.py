"""Writing a report through the real flow, the way a person would, with the answers taken
from the form's own examples (conversations/report/form.py): adding a question changes the
form, the catalogs, and nothing here.

The driver asks the draft which question is open (as the flow itself does) and answers it:
by pressing the option a person would (``typed=False``), or by typing every answer."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.app import App
from conversations.events import Attachment, EventKind, InboundEvent
from conversations.report.form import BY_STEP, ReportStep
from conversations.report.legacy import upgrade
from storage.directory import DirectoryRepo
from storage.reports import ReportRepo
from storage.viewer import Viewer
from tests.conftest import Chat

S = ReportStep
SKIPPED = tuple(q.step for q in BY_STEP.values() if not q.required)  # only what must be said
CATEGORY_WORDS = {
    "party": "partiet",
    "assignment": "uppdraget",
    "internal": "internt",
    "unknown": "vet inte",
}


@dataclass
class Script:
    """How a person answers: everything not given here comes from the form's examples."""

    category: str = "party"
    typed: bool = False  # type every answer, never press
    what: Sequence[str] = ("Ett sms i kväll: han vet var jag bor och att jag ska akta mig.",)
    answers: Mapping[ReportStep, str] = field(default_factory=dict)  # typed, for these
    skip: Iterable[ReportStep] = ()  # press "Skip" at these
    none_ticked: Iterable[ReportStep] = ()  # press "Done" with nothing ticked at these
    ticks: Mapping[ReportStep, Sequence[str]] = field(default_factory=dict)  # options, then Done
    for_someone: tuple[str, str] | None = None  # (who I am, who was targeted)
    municipality: str = "sjovik"  # an unregistered person names it
    choose: Sequence[int] | None = ()  # an internal case: whom (ids; None: the first three)
    evidence: Sequence[tuple[bytes, str, str]] = ()  # (content, name, caption), at the summary
    inputs: int = 0  # how many messages and presses it took (filled in by write_report)


class Writer(Protocol):
    """Someone writing to the bot: the console chat of tests/conftest.py, or a Telegram chat."""

    app: App
    channel: str
    address: str

    async def say(self, text: str) -> Any: ...
    async def press(self, button_id: str) -> Any: ...


def offered(person: Any) -> list[str]:
    """The button ids of the keyboard the person sees."""
    if hasattr(person, "button_ids"):
        return list(person.button_ids())
    return [b[0] for b in person.buttons]


async def attach(
    person: Chat,
    content: bytes,
    *,
    name: str = "skarmbild.png",
    caption: str = "",
    kind: str = "photo",
    album: str = "",
) -> str:
    """Send a file as the person, as a transport would (``album``: one of several files
    sent as one message)."""
    if hasattr(person, "attach") and not album:
        return str(await person.attach(content, name=name, caption=caption))
    event = InboundEvent(
        f"t-{uuid.uuid4().hex}",
        person.channel,
        person.address,
        EventKind.ATTACHMENT,
        text=caption,
        attachment=Attachment(
            kind,
            file_ref=f"file-{uuid.uuid4().hex}",
            size=len(content),
            mime_type="image/png",
            name=name,
            content=content,
            album=album,
        ),
    )
    return person.text(await person.send(event))


async def open_step(person: Writer) -> ReportStep | None:
    """The step the person's draft is at (None: no draft)."""
    async with person.app.db.unit_of_work() as session:
        found = await DirectoryRepo(session).person_for_address(person.channel, person.address)
        if found is None:
            return None
        repo = ReportRepo(session, person.app.keyring)
        draft = await repo.draft(Viewer.of(found))
        if draft is None:
            return None
        at = upgrade(repo.answers(draft)).get("_at")
        return ReportStep(at) if at else None


async def _act(person: Writer, script: Script, typed: str | None = None, press: str = "") -> str:
    script.inputs += 1
    if press:
        assert press in offered(person), f"{press!r} not offered: {offered(person)}"
        return str(await person.press(press))
    return str(await person.say(typed or ""))


async def write_report(
    person: Writer, script: Script | None = None, *, submit: bool = True, fresh: bool = True
) -> str:
    """Write a whole report; return the reply after sending (or the summary). ``fresh``: a
    new report (else the unfinished one goes on)."""
    script = script or Script()
    reply = await _act(person, script, "/rapportera")
    if "resume:new" in offered(person):
        reply = await _act(person, script, press="resume:new" if fresh else "resume:continue")
    skips = set(script.skip)
    for _ in range(80):
        step = await open_step(person)
        if step is None:
            return reply  # sent (or the draft is gone)
        if step is S.SUMMARY:
            for content, name, caption in script.evidence:
                kept = await attach(person, content, name=name, caption=caption)
                assert "Sparat som bevis" in kept or "Saved as evidence" in kept, kept
                script.inputs += 1
            script.evidence = ()
            if not submit:
                return reply
            reply = await _act(person, script, press="send")
            continue
        if step is S.RECIPIENTS:
            rcpt = [i for i in offered(person) if i.startswith("rcpt:")][:3]
            chosen = rcpt if script.choose is None else [f"rcpt:{i}" for i in script.choose]
            for button in chosen:
                reply = await _act(person, script, press=button)
            reply = await _act(person, script, press="send")
            continue
        question = BY_STEP[step]
        if step in skips:
            reply = await _act(person, script, press="nav:skip")
        elif step in script.none_ticked:
            reply = await _act(person, script, press="done")
        elif step in script.ticks:
            for option in script.ticks[step]:
                await _act(person, script, press=f"tog:{option}")
            reply = await _act(person, script, press="done")
        elif step in script.answers:
            reply = await _act(person, script, script.answers[step])
        elif step is S.WHO:
            choice = "other" if script.for_someone else "self"
            reply = await (
                _act(person, script, "Någon annan" if choice == "other" else "Det hände mig")
                if script.typed
                else _act(person, script, press=f"opt:{choice}")
            )
        elif step in (S.PROXY, S.TARGET) and script.for_someone:
            reply = await _act(person, script, script.for_someone[step is S.TARGET])
        elif step is S.CATEGORY and script.typed:
            reply = await _act(person, script, CATEGORY_WORDS[script.category])
        elif step is S.CATEGORY:
            reply = await _act(person, script, press=f"opt:{script.category}")
        elif step is S.MUNICIPALITY:
            reply = await _act(person, script, press=f"opt:{script.municipality}")
        elif step is S.WHAT:
            for part in script.what:
                reply = await _act(person, script, part)
        elif script.typed or not question.example_press:
            if question.example:
                reply = await _act(person, script, question.example)
            else:
                reply = await _act(
                    person, script, press="done" if question.kind == "multi" else "nav:skip"
                )
        else:
            reply = await _act(person, script, press=f"opt:{question.example_press}")
    raise AssertionError(f"the report did not end: {reply}")
