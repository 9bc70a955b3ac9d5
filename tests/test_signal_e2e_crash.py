"""Signal end to end: a full report with a photo and a PDF, and the bot dying twice in the
middle, each time after committing an answer and before its reply went out.

The crash (tests/signal_harness.py ``crash``) ends every task of the bot where it stands and
takes its database away; a new bot (a new App) starts on the same database and daemon. What
the person typed while it was down waits on the daemon (``on-connection``). Checked: the
reply the crash swallowed is sent at start without her writing again; what she typed is
kept, in order; each file is fetched through ``getAttachment``, hashed and sealed once,
also when the daemon delivers its message a second time; the report reaches Pia.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

from bot.app import App
from storage.evidence import EvidenceRepo
from storage.models import Person as DirectoryPerson
from storage.models import Report, ReportStatus
from storage.reports import ReportRepo
from storage.viewer import Viewer
from tests.conftest import FakeClock
from tests.fakesignal import Person
from tests.reporting import Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.telegram_harness import eventually
from tests.test_signal_transport import ALERT_LABEL
from tests.test_trust import REF_RE, WHAT, WHAT_MORE

PHOTO = b"\x89PNG\r\n\x1a\n" + b"bilden av bilen vid grinden " * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256))
TYPED_WHILE_DOWN = "Och han stod kvar vid grinden i en timme (ORCA-3141)"
MIME = {"png": "image/png", "pdf": "application/pdf"}


class CrashingWriter:
    """Anna on Signal as tests/reporting.py's writer; the bot dies at the inputs named in
    ``crash_on`` (a text, or a file's name) once their answer is committed."""

    channel = "signal"

    def __init__(self, sg: SignalHarness, user: Person, clock: FakeClock) -> None:
        self.sg, self.user, self.clock = sg, user, clock
        self.address = user.aci
        self.crash_on: dict[str, Callable[[], Awaitable[Any]]] = {}  # input -> done while down
        self.lost: list[str] = []  # replies a crash kept from her
        self.envelopes: dict[str, dict[str, Any]] = {}  # the files' messages, by name

    @property
    def app(self) -> App:
        return self.sg.app

    def button_ids(self) -> list[str]:
        return self.sg.button_ids(self.user)

    async def say(self, text: str) -> str:
        if text in self.crash_on:
            return await self._crash(lambda: self.sg.fake.push_text(self.user, text), text)
        return "\n".join(await self.sg.say(self.user, text))

    async def press(self, button_id: str) -> str:
        return await self.say(str(self.button_ids().index(button_id) + 1))

    async def attach(self, content: bytes, *, name: str, caption: str) -> str:
        mime = MIME[name.rsplit(".", 1)[1]]
        if name not in self.crash_on:
            return "\n".join(await self.sg.attach(self.user, content, mime, name, caption))
        fake = self.sg.fake
        fake.attachments[name] = content
        file = {"contentType": mime, "filename": name, "id": name, "size": len(content),
                "width": None, "height": None, "caption": None,
                "uploadTimestamp": fake.timestamp()}  # fmt: skip
        envelope = fake.envelope(self.user, {"message": caption, "attachments": [file]})
        self.envelopes[name] = envelope
        return await self._crash(lambda: fake.push(envelope), name)

    async def _crash(self, push: Callable[[], Awaitable[Any]], key: str) -> str:
        old, fake = self.sg, self.sg.fake
        seen = len(old.texts(self.user))
        fake.hold("send")
        await push()
        await fake.held("send")  # committed; its reply is on the way
        self.lost += old.texts(self.user)[seen:]
        await old.crash()
        fake.release("send")
        await self.crash_on[key]()  # she goes on while the bot is down
        self.sg = await old.restarted(self.clock)
        await old.app.close()
        await eventually(lambda: self.sg.bot.handled >= 1, "what she wrote meanwhile")
        await self.sg.bot.dispatcher.drain()
        if not self.button_ids():
            # No choices on her screen (the crash came before they were sent): she asks
            # for her report again and goes on from the question it shows.
            await self.sg.say(self.user, "/rapportera")
            await self.press("resume:continue")
        return "\n".join(self.sg.texts(self.user)[seen:])


async def test_a_report_with_a_photo_and_a_pdf_survives_two_crashes(
    sg: SignalHarness, clock: FakeClock
) -> None:
    anna, pia = await sg.bind("anna"), await sg.bind("pia")
    writer = CrashingWriter(sg, anna, clock)

    async def typed_meanwhile() -> None:
        await sg.fake.push_text(anna, TYPED_WHILE_DOWN)

    async def delivered_again() -> None:  # the daemon hands the same message over twice
        await sg.fake.push(writer.envelopes["brev.pdf"])

    writer.crash_on = {WHAT: typed_meanwhile, "brev.pdf": delivered_again}
    script = Script(
        what=(WHAT, WHAT_MORE),
        evidence=[(PHOTO, "bild.png", "Bilen vid grinden"), (PDF, "brev.pdf", "Brevet")],
    )
    try:
        sent = await write_report(writer, script)
        found = REF_RE.search(sent)
        assert found, sent
        await writer.sg.wait_text(pia, found.group(1))  # the alert reaches Pia
        everything = writer.sg.texts(anna)
        assert len(writer.lost) == 2, writer.lost
        for lost in writer.lost:  # sent again at the start, without her writing again
            assert everything.count(lost) >= 2, (lost, everything)
        assert len(sg.fake.calls("getAttachment")) >= 2  # the bytes came from the daemon
        await check_stored(writer.app, found.group(1))
    finally:
        if writer.sg is not sg:
            await writer.sg.stop()
            await writer.sg.app.close()


async def check_stored(app: App, ref: str) -> None:
    """Her words all there, in order; each file sealed once, its hash that of its bytes."""
    async with app.db.unit_of_work() as session:
        who = select(DirectoryPerson).where(DirectoryPerson.handle == "anna")
        anna = (await session.scalars(who)).one()
        mine = select(Report).where(Report.reporter_id == anna.id)
        [report] = (await session.scalars(mine)).all()
        assert report.status is ReportStatus.SUBMITTED
        what = ReportRepo(session, app.keyring).answers(report)["what"]["text"]
        at = [what.index(part) for part in (WHAT, TYPED_WHILE_DOWN, WHAT_MORE)]
        assert at == sorted(at), what
        items = await EvidenceRepo(session, app.keyring).listing(Viewer.of(anna), report)
        items.sort(key=lambda i: i.name)  # the test's clock stands still: same received_at
        kept = [(i.kind, i.name) for i in items]
        assert kept == [("photo", "bild.png"), ("document", "brev.pdf")]
        for item, content in zip(items, (PHOTO, PDF), strict=True):
            assert item.sha256 == hashlib.sha256(content).hexdigest()
            opened = await EvidenceRepo(session, app.keyring).open(Viewer.of(anna), item.id)
            assert opened.content == content


async def test_after_a_restart_the_number_she_types_still_presses_her_choice(
    sg: SignalHarness, clock: FakeClock
) -> None:
    anna = await sg.bind("anna")
    await sg.bind("pia")
    await sg.say(anna, "akut")
    number = sg.choices(anna)[ALERT_LABEL]
    await sg.stop()  # a clean restart: every reply was sent and marked
    again = await sg.restarted(clock)
    try:
        pressed = await again.say(anna, number)
        assert any("Jag har larmat Pia Lind" in t for t in pressed), pressed
    finally:
        await again.stop()
        await again.app.close()
