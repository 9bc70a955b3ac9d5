"""The Signal transport at DEBUG, logging set up as `trygg run` sets it up: an invite, a
report with a photo, the alert, a captcha wait, a changed safety number (held, the unit
told and confirming, the daemon told to trust), a message from a changed identity and a
contact no longer on Signal write no phone number, ACI, invite code, answer or name
anywhere."""

from __future__ import annotations

import pytest

from bot.app import App
from storage.models import Role
from tests.fakesignal import FakeSignal
from tests.reporting import Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
)
from tests.test_privacy_logs import (  # noqa: F401
    assert_clean,
    configure_as_trygg_run,
    logging_restored_fixture,
)
from tests.test_signal_transport import ALERT_LABEL, SignalWriter
from tests.test_trust import (
    EVIDENCE,
    EVIDENCE_CAPTION,
    EVIDENCE_NAME,
    REF_RE,
    SQLITE_ONLY,
    WHAT,
    WHAT_MORE,
    invite,
)

PIA_NUMBER, ANNA_NUMBER = "+46701112233", "+46709998877"


@SQLITE_ONLY
async def test_the_signal_bot_at_debug_logs_nothing_personal(
    logging_restored: None,
    sg_app: App,
    fake_signal: FakeSignal,
    capfd: pytest.CaptureFixture[str],
) -> None:
    configure_as_trygg_run("DEBUG")
    sg = SignalHarness(sg_app, fake_signal)
    await sg.start()
    try:
        code = await invite(sg_app, Role.PARTY_SECURITY, person="pia")
        pia = fake_signal.person(number=PIA_NUMBER, name="Pia Lind")
        await sg.say(pia, f"start {code}")
        anna = await sg.bind("anna")
        fake_signal.people[ANNA_NUMBER] = anna
        anna.number = ANNA_NUMBER
        script = Script(
            what=(WHAT, WHAT_MORE),
            answers={},
            evidence=[(EVIDENCE, EVIDENCE_NAME, EVIDENCE_CAPTION)],
        )
        sent = await write_report(SignalWriter(sg, anna), script)
        found = REF_RE.search(sent)
        assert found, sent
        await sg.wait_text(pia, found.group(1))
        await sg.say(pia, "1")
        fake_signal.fail_recipient(anna.aci, "RATE_LIMIT_FAILURE", token="captcha-token", times=1)
        await sg.say(anna, "/akut")  # the reply waits for the captcha
        fake_signal.fail_recipient(anna.aci, "IDENTITY_FAILURE", times=1)
        await sg.say(anna, sg.choices(anna).get(ALERT_LABEL, "hej"))
        sara = await sg.bind("sara")
        await sg.wait_text(sara, "Bekräfta")
        fake_signal.change_identity(anna.aci)  # still untrusted on the daemon
        await sg.say(sara, "1")
        await sg.wait_text(anna, "Välkommen tillbaka")
        await fake_signal.push_untrusted(pia)  # Pia's phone changed too
        await sg.wait_text(sara, "Pia Lind")
        fake_signal.fail_recipient(pia.aci, "UNREGISTERED_FAILURE")
        await sg.say(pia, "meny")
        await sg.bot.dispatcher.drain()
    finally:
        await sg.stop()
    out, err = capfd.readouterr()
    logged = out + err
    assert_clean(logged)
    for secret in (code, PIA_NUMBER, ANNA_NUMBER, pia.aci, anna.aci, "captcha-token"):
        assert secret not in logged, f"{secret!r} is in the log"
    assert "captcha" in logged  # the operator is told, without the token
    assert "safety number changed" in logged
    assert "held until its new identity is confirmed" in logged
    assert "new safety number is trusted now" in logged
    assert "DEBUG bot." in logged
