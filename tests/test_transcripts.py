"""Transcripts through the conversation core: (what the person types, what the bot must say).

Each step of a script is ``(input, expected substrings, forbidden substrings)``; the input
is typed as in the console: ``/command``, a button label or number, or free text.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.app import App
from storage.models import Alert, OutboxMessage, OutboxStatus, Person
from tests.conftest import Chat

Step = tuple[str, Sequence[str], Sequence[str]]

# What must never reach a person who is not in the directory, or someone of another party.
GP_CONTACTS = ("Pia Lind", "Per Ek", "+46 70 174 06 11", "+46 70 174 06 12")
BP_CONTACTS = ("Britt Holm", "+46 70 174 06 21")
EVERYONE_ELSE = (
    *GP_CONTACTS,
    *BP_CONTACTS,
    "Sara Strand",
    "Anna Berg",
    "Bo Sand",
    "Kent Dahl",
    "+46 8 465 004",
    "Sjöviks kommun",
)

# A menu keyboard: "I need help now" first, then more (the menu grows with later flows).
SV_MENU = "[1] Jag behöver hjälp nu  [2] "
EN_MENU = "[1] I need help now  [2] "


async def run(person: Chat, script: Sequence[Step]) -> None:
    """Play a script; every expected piece must be in the reply, no forbidden piece."""
    for n, (typed, expected, forbidden) in enumerate(script, 1):
        reply = await person.say(typed)
        for piece in expected:
            assert piece in reply, f"step {n} {typed!r}: expected {piece!r} in\n{reply}"
        for piece in forbidden:
            assert piece not in reply, f"step {n} {typed!r}: {piece!r} must not be in\n{reply}"
        assert "Traceback" not in reply


async def alerts(app: App) -> list[tuple[str, str, int, OutboxStatus, int | None]]:
    """Return (recipient handle, kind, priority, status, alerting person's id) of every
    outbox row (the row carries only the alert's id; the person is the alert's subject)."""
    async with app.db.unit_of_work() as session:
        rows = (
            await session.execute(
                select(Person.handle, OutboxMessage)
                .join(OutboxMessage, OutboxMessage.recipient_id == Person.id)
                .order_by(OutboxMessage.id)
            )
        ).all()
        result = []
        for handle, m in rows:
            alert = await session.get(Alert, str(m.payload["alert"]))
            assert alert is not None
            result.append((handle, m.kind, m.priority, m.status, alert.subject_id))
        return result


async def person_id(app: App, handle: str) -> int:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.id).where(Person.handle == handle))).one()


async def locale_of(app: App, handle: str) -> str | None:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.locale).where(Person.handle == handle))).one()


SWEDISH_OFFICIAL: list[Step] = [
    (
        "/start",
        [
            "Välkommen till Trygg, Anna Berg.",
            "I fara nu: ring 112.",
            "Vilket språk vill du ha?",
            "[1] svenska  [2] English",
        ],
        [],
    ),
    (
        "svenska",
        [
            "Jag pratar svenska med dig.",
            "Så hanteras dina uppgifter:",
            "inte en polisanmälan",
            "raderas",
            SV_MENU,
        ],
        ["I will speak", "inte registrerad"],
    ),
    (
        "/akut",
        [
            "Är du i fara just nu? Ring 112.",
            "Inte akut: polisen på 114 14.",
            "Var inte ensam",
            "Dina säkerhetsansvariga i partiet:",
            "• Pia Lind, +46 70 174 06 11",
            "• Per Ek, +46 70 174 06 12",
            "Säkerhetsenheten, Sjöviks kommun: +46 8 465 004 10",
            "Spara bevisen",
            "[1] Larma min säkerhetsansvarige",
        ],
        BP_CONTACTS,
    ),
    (
        "Larma min säkerhetsansvarige",
        [
            "Jag har larmat Pia Lind (+46 70 174 06 11). De har ombetts att ringa dig nu.",
            # nobody takes it within the plan's time: the next levels, named in order
            "Om ingen tar det inom 10 minuter larmar jag Per Ek.",
            "ring kommunens säkerhetsenhet på +46 8 465 004 10",
            "I fara nu: ring 112.",
            SV_MENU,
        ],
        BP_CONTACTS,
    ),
    (
        "/kontakter",
        [
            "• Pia Lind, +46 70 174 06 11",
            "• Per Ek, +46 70 174 06 12",
            "Säkerhetsenheten, Sjöviks kommun: +46 8 465 004 10",
            "I fara nu: ring 112.",
            "Inte akut: polisen på 114 14.",
            SV_MENU,
        ],
        BP_CONTACTS,
    ),
    (
        "/hjalp",
        [
            "Trygg hjälper förtroendevalda",
            "/akut – vad du ska göra nu",
            "/kontakter – dina säkerhetsansvariga",
            "/start – välkommen",
            "I fara nu: ring 112.",
            SV_MENU,
        ],
        [],
    ),
    (
        "Någon har skrivit hotfulla saker till mig på Facebook",
        ["Det här kan jag hjälpa dig med:", SV_MENU, "] Mina kontakter", "] Vad kan Trygg göra?"],
        [],
    ),
    ("/foo", ["Jag känner inte igen kommandot /foo."], ["/akut –"]),
    # a menu button is the same as the command
    ("Mina kontakter", ["• Pia Lind, +46 70 174 06 11", SV_MENU], []),
    ("1", ["Är du i fara just nu? Ring 112.", "Larma min säkerhetsansvarige"], []),
]


async def test_swedish_official_transcript(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna")
    await run(anna, SWEDISH_OFFICIAL)

    anna_id = await person_id(demo_app, "anna")
    # Only the first level is alerted now; Per Ek and the unit only if nobody takes it.
    assert await alerts(demo_app) == [("pia", "alert", 0, OutboxStatus.PENDING, anna_id)]


ENGLISH_OFFICIAL: list[Step] = [
    (
        "/start",
        ["Welcome to Trygg, Bo Sand.", "In danger now: call 112.", "[1] svenska  [2] English"],
        ["Välkommen"],
    ),
    ("English", ["I will speak English with you.", "How your data is handled:", EN_MENU], []),
    (
        "/akut",
        [
            "Are you in danger right now? Call 112.",
            "Not urgent: the police on 114 14.",
            "Don't stay alone",
            "Your party security contact:",
            "• Britt Holm, +46 70 174 06 21",
            "Security unit of Sjöviks kommun: +46 8 465 004 10",
            "Save the evidence",
            "[1] Alert my security contact",
        ],
        GP_CONTACTS,
    ),
    (
        "Alert my security contact",
        [
            "I have alerted Britt Holm (+46 70 174 06 21).",
            "If nobody takes it within 10 minutes, I alert Sara Strand.",
            "municipality's security unit on +46 8 465 004 10",
            "In danger now: call 112.",
            EN_MENU,
        ],
        GP_CONTACTS,
    ),
    (
        "/kontakter",
        [
            "• Britt Holm, +46 70 174 06 21",
            "Security unit of Sjöviks kommun: +46 8 465 004 10",
            "Not urgent: the police on 114 14.",
            EN_MENU,
        ],
        GP_CONTACTS,
    ),
    ("/hjalp", ["Trygg helps elected officials", "/akut – what to do right now", EN_MENU], []),
    ("/help", ["Trygg helps elected officials", EN_MENU], []),
    (
        "I got a threatening letter",
        ["This is what I can help you with:", EN_MENU, "] My contacts", "] What can Trygg do?"],
        [],
    ),
    ("/foo", ["I don't know the command /foo."], []),
]


async def test_english_official_transcript(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    bo = chat("bo")
    await run(bo, ENGLISH_OFFICIAL)

    bo_id = await person_id(demo_app, "bo")
    assert await alerts(demo_app) == [("britt", "alert", 0, OutboxStatus.PENDING, bo_id)]


UNREGISTERED_ENGLISH: list[Step] = [
    ("/start", ["Welcome to Trygg.", "In danger now: call 112.", "[1] svenska  [2] English"], []),
    (
        "English",
        ["I will speak English with you.", "You are not registered in Trygg yet.", EN_MENU],
        EVERYONE_ELSE,
    ),
    (
        "/akut",
        [
            "Are you in danger right now? Call 112.",
            "Not urgent: the police on 114 14.",
            "Don't stay alone",
            "Save the evidence",
            "so I cannot alert anyone for you",
            "] My contacts  [",
            "] What can Trygg do?",
        ],
        [*EVERYONE_ELSE, "Alert my security contact", "I need help now"],
    ),
    (
        "/kontakter",
        ["I cannot show your party's contacts", "In danger now: call 112.", "114 14", EN_MENU],
        EVERYONE_ELSE,
    ),
    ("/hjalp", ["Trygg helps elected officials", EN_MENU], EVERYONE_ELSE),
    ("hello?", ["This is what I can help you with:", EN_MENU], EVERYONE_ELSE),
    ("/foo", ["I don't know the command /foo."], EVERYONE_ELSE),
]


async def test_unregistered_person_gets_guidance_but_no_alert_and_no_names(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    newcomer = chat("nybörjare", locale_hint="en")
    await run(newcomer, UNREGISTERED_ENGLISH)

    # Even a hand-made alert press does nothing for someone nobody can be alerted for.
    reply = await newcomer.press("akut:alert", token=newcomer.buttons[0][2])
    assert "I have alerted" not in reply
    assert not any(piece in reply for piece in EVERYONE_ELSE)
    assert await alerts(demo_app) == []


async def test_unregistered_person_without_hint_is_spoken_to_in_swedish(chat) -> None:  # type: ignore[no-untyped-def]
    await run(
        chat("okänd"),
        [
            ("/akut", ["Är du i fara just nu? Ring 112.", "inte registrerad"], EVERYONE_ELSE),
            ("/foo", ["Jag känner inte igen kommandot /foo."], []),
        ],
    )


LANGUAGE_SWITCH: list[Step] = [
    ("/hjalp", ["Trygg hjälper förtroendevalda"], ["Trygg helps"]),
    ("/start", ["Vilket språk vill du ha?"], []),
    ("English", ["I will speak English with you.", EN_MENU], ["Jag pratar svenska"]),
    ("/hjalp", ["Trygg helps elected officials", EN_MENU], ["Trygg hjälper"]),
    ("/akut", ["Are you in danger right now?", "Alert my security contact"], ["Är du i fara"]),
    ("/start", ["Welcome to Trygg, Anna Berg.", "Which language do you want?"], []),
    ("svenska", ["Jag pratar svenska med dig.", SV_MENU], ["I will speak"]),
    ("/hjalp", ["Trygg hjälper förtroendevalda", SV_MENU], ["Trygg helps"]),
]


async def test_language_choice_is_remembered(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna")
    await run(anna, LANGUAGE_SWITCH[:4])
    assert await locale_of(demo_app, "anna") == "en"

    # A fresh connection (no hint, a new Chat) still gets English: it is stored.
    await run(chat("anna"), [("/kontakter", ["Your party security contacts:"], ["Dina"])])

    await run(anna, LANGUAGE_SWITCH[4:])
    assert await locale_of(demo_app, "anna") == "sv"


async def test_english_speaker_can_switch_to_swedish(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    await run(
        chat("bo"),
        [
            ("/hjalp", ["Trygg helps elected officials"], []),
            ("/start", ["Welcome to Trygg, Bo Sand."], []),
            ("svenska", ["Jag pratar svenska med dig.", SV_MENU], []),
            ("/hjalp", ["Trygg hjälper förtroendevalda", SV_MENU], ["Trygg helps"]),
            ("/akut", ["• Britt Holm, +46 70 174 06 21", "Larma min"], GP_CONTACTS),
        ],
    )
    assert await locale_of(demo_app, "bo") == "sv"


async def test_language_question_insists_on_a_choice(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    await run(
        chat("anna"),
        [
            ("/start", ["Vilket språk vill du ha?"], []),
            ("tyska", ["Välj språk med knapparna.", "[1] svenska  [2] English"], []),
            ("2", ["I will speak English with you."], []),
        ],
    )
    assert await locale_of(demo_app, "anna") == "en"


async def test_first_menu_button_is_always_help_now(chat) -> None:  # type: ignore[no-untyped-def]
    for handle, hint, language, akut_choice, label in [
        ("anna", None, "svenska", "Larma min säkerhetsansvarige", "Jag behöver hjälp nu"),
        ("bo", None, "English", "Alert my security contact", "I need help now"),
        ("nybörjare", "en", "English", "My contacts", "I need help now"),
    ]:
        person: Chat = chat(handle, hint)
        for inputs in [
            ["hej"],
            ["/kontakter"],
            ["/hjalp"],
            ["/meny"],
            ["/foo"],
            ["/start", language],
            ["/akut", akut_choice],
        ]:
            for typed in inputs:
                await person.say(typed)
            first_id, first_label, _ = person.buttons[0]
            assert (first_id, first_label) == ("cmd:akut", label), (handle, inputs)


async def test_help_now_button_opens_akut(chat) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    reply = await anna.say("Jag behöver hjälp nu")
    assert "Är du i fara just nu? Ring 112." in reply
    assert "• Pia Lind, +46 70 174 06 11" in reply


async def test_text_inside_akut_repeats_the_question(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    await run(
        chat("anna"),
        [
            ("/akut", ["Larma min säkerhetsansvarige"], []),
            (
                "vad ska jag göra",
                ["Välj en av knapparna nedan", "[1] Larma min säkerhetsansvarige"],
                [],
            ),
            ("1", ["Jag har larmat Pia Lind"], []),
        ],
    )
    assert [a[0] for a in await alerts(demo_app)] == ["pia"]
