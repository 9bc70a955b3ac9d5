"""/start: welcome, choose a language, and a plain-language privacy notice."""

from __future__ import annotations

import re
from enum import StrEnum

from conversations import identity
from conversations.events import Button, InboundEvent, phrase_of
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.i18n import N_, SUPPORTED, place_name
from conversations.invite_code import invite_code
from conversations.menu import NAMED_IN, TELLING, stale_button
from conversations.report.entry import keep_told
from conversations.texts import HANDLING, choose_hint, menu_buttons
from conversations.words import says_nothing
from conversations.written_in import written_in
from storage.bindings import BindingRepo
from storage.directory import DirectoryRepo, PlaceName
from storage.errors import NotAllowed
from storage.invites import InviteError, InviteLimited, InviteOutdated, InviteRepo, IssuerGone
from storage.models import Role
from storage.phones import PHONE, international
from storage.trust import AuditRepo
from storage.viewer import Sender, Viewer

ROLE_AS = {
    "official": N_("an elected official"),
    "party_security": N_("a party security contact"),
    "municipal_security": N_("the municipal security unit"),
    "municipal_director": N_("the municipal director"),
    "admin": N_("an administrator"),
}
"""A role as a sentence names a person by it: "you are registered as an elected official"."""


class Start(StrEnum):
    CHOOSE_LANGUAGE = "choose_language"
    NAME = "name"  # an invited person the directory has no name for
    PHONE = "phone"


LANGUAGE_BUTTONS = [[Button("lang:sv", "svenska"), Button("lang:en", "English")]]
LANGUAGE_NAMES = {
    name: locale
    for locale, names in {
        "sv": ("svenska", "svensk", "swedish", "sv"),
        "en": ("english", "engelska", "engelsk", "en"),
    }.items()
    for name in names
}
"""A language typed by its name, in either language, instead of pressing its button."""


async def redeem(ctx: Context, code: str, address: tuple[str, str] | None = None) -> bool:
    """Use an invite code from a deep link (/start CODE): the account gets its role; a
    hold on the address it came from (``address``: channel, address) ends."""
    _ = ctx._
    try:
        person = await DirectoryRepo(ctx.session).person(ctx.person.id)
        redeemed = await InviteRepo(ctx.session, ctx.keyring).redeem(person, code, ctx.now, address)
    except InviteLimited:
        ctx.reply(
            _(
                "You have typed a wrong code too many times, so I did not check this one. "
                "Try again in an hour, or ask for a new invitation."
            )
        )
        return False
    except InviteOutdated:
        ctx.reply(
            _(
                "This invitation was made before your role changed, so it is not valid any "
                "more. Ask the municipality's security unit for a new one."
            )
        )
        return False
    except IssuerGone:
        ctx.reply(
            _(
                "The person who gave you this invitation no longer hands out roles, so it is "
                "not valid. Ask the municipality's security unit for a new one."
            )
        )
        return False
    except InviteError:
        ctx.reply(_("That invitation code is not valid (used or expired). Ask for a new one."))
        return False
    person = redeemed.person
    await ctx.session.refresh(person, ["party", "municipality"])
    ctx.person = Sender.of(person, person.party, person.municipality)
    ctx.viewer = Viewer.of(person)
    if person.locale:  # the directory says which language they speak
        ctx.switch_locale(ctx.catalogs.pick(person.locale))
        _ = ctx._
    AuditRepo(ctx.session).record(
        person.handle, "role_granted", person.handle, person.municipality_id, ctx.now
    )
    place = person.municipality and place_name(ctx.locale, PlaceName.of(person.municipality))
    where = ", ".join(x for x in (person.party and person.party.name, place) if x)
    ctx.reply(
        _("Your invitation is accepted: you are registered as {role} ({where}).").format(
            role=_(ROLE_AS.get(redeemed.role.value, redeemed.role.value)), where=where
        )
    )
    return True


async def _greeting(ctx: Context) -> list[str]:
    _ = ctx._
    name = ctx.person.display_name if ctx.viewer.registered else None
    return [
        _("Welcome to Trygg, {name}.").format(name=name) if name else _("Welcome to Trygg."),
        _(
            "I help elected officials who are threatened, harassed or attacked: "
            "what to do right now, and who to call."
        ),
        _("In danger now: call {number}.").format(number="112"),
        *await _handling(ctx),
    ]


async def _handling(ctx: Context) -> list[str]:
    """For a contact, the unit or the director: what comes to them here."""
    if ctx.viewer.role not in HANDLING:
        return []
    _ = ctx._
    _card, party, municipality = await DirectoryRepo(ctx.session).describe(
        ctx.viewer, ctx.person.id
    )
    place = place_name(ctx.locale, municipality) if municipality else None
    where = ", ".join(n for n in (party, place) if n)
    command = NAMED_IN.get(ctx.locale, {}).get("arenden", "arenden")
    comes = (
        _("You are {role} ({where}): the checklist items you answer for come here.")
        if ctx.viewer.role is Role.MUNICIPAL_DIRECTOR
        else _("You are {role} ({where}): alerts and reports for you come here.")
    )
    return [
        "",
        comes.format(role=_(ROLE_AS[ctx.viewer.role.value]), where=where),
        _("The cases you handle: /{command}.").format(command=command),
    ]


async def welcome(ctx: Context, event: InboundEvent) -> StateResult:
    """Greet the person (using an invitation code if given); ask for a language unless the
    directory or an earlier choice already says which."""
    _ = ctx._
    redeemed = False
    if event.text.strip():
        code = invite_code(event.text) or event.text.strip()  # not one: it is refused
        redeemed = await redeem(ctx, code, (event.channel, event.address))
        if await BindingRepo(ctx.session).is_held(event.channel, event.address):
            return await identity.held(ctx, event)  # not redeemed: still nothing more here
    ctx.menu_changed = True
    # the welcome is the message just above (she opened the chat, then the invitation
    # link): after "your invitation is accepted" only what is new to her, not all of it again
    if ctx.person.locale:
        ctx.switch_locale(ctx.catalogs.pick(ctx.person.locale))
    greeting = (await _handling(ctx))[1:] if redeemed and _greeted(ctx) else await _greeting(ctx)
    if ctx.person.locale:
        if _nameless(ctx):
            return ask_name(ctx, greeting)
        privacy_and_menu(ctx, greeting)
        return END
    lines = [*greeting, ""] if greeting else []
    ctx.reply(
        "\n".join([*lines, _("Which language do you want? / Vilket språk vill du ha?")]),
        LANGUAGE_BUTTONS,
    )
    return Start.CHOOSE_LANGUAGE


def _greeted(ctx: Context) -> bool:
    """Whether the question she was last asked is the welcome's choice of language."""
    return ctx.prompt is not None and "lang:sv" in ctx.prompt.button_ids


def privacy_and_menu(ctx: Context, lead: list[str]) -> None:
    """How data is handled, in a few lines, then the menu (and another language)."""
    _ = ctx._
    lines = [
        *([*lead, ""] if lead else []),
        _("How your data is handled:"),
        _(
            "• Trygg stores what you tell it here, encrypted, so that nothing is lost "
            "if you stop halfway."
        ),
    ]
    if ctx.viewer.role in HANDLING:  # they read others' cases: what that asks of them
        lines += [
            _("• Every case you open or change is logged: who, what and when."),
            _("• Pass on only what is needed, and only to those the targeted person agrees to."),
        ]
    else:
        lines += [
            _(
                "• Only the people your organisation's plan names see it: your party's "
                "security contact and, where the plan says so, the municipality's "
                "security unit."
            ),
            _(
                "• The municipal director, who files a police report if you decide so, sees "
                "only that your case exists and its checklist, never what you wrote."
            ),
            _("• A report to Trygg is not a police report. You decide about that."),
        ]
    lines.append(_("• You can ask for your data to be erased."))
    if not ctx.viewer.registered:
        lines += [
            "",
            _(
                "You are not registered in Trygg yet. You can still get help here. To be "
                "connected to your party's security contact, ask them or your "
                "municipality's security unit for an invitation."
            ),
        ]
    other = [b for b in LANGUAGE_BUTTONS[0] if b.id != f"lang:{ctx.locale}"]
    ctx.reply("\n".join(lines), [*menu_buttons(ctx), other], rest=True)


async def choose_language(ctx: Context, event: InboundEvent) -> StateResult:
    """Remember the chosen language, then explain privacy and show the menu."""
    locale = event.button.removeprefix("lang:")
    if locale not in SUPPORTED:  # forged or stale: nothing changes
        return await stale_button(ctx, event)
    return await _speak(ctx, locale)


async def _speak(ctx: Context, locale: str, typed: str | None = None) -> StateResult:
    """Speak ``locale`` from now on, say so, explain privacy and show the menu (an invited
    person without a name is asked it first); first keep the ``typed`` words that told what
    happened. The language they already speak, chosen again (on Signal "1" at the name
    question presses the old "svenska"), only asks the name once more."""
    again = ctx.person.locale == locale and ctx.locale == locale
    if again and _nameless(ctx) and not typed:
        return _name_wanted(ctx)
    await DirectoryRepo(ctx.session).set_locale(ctx.viewer, locale)
    ctx.switch_locale(locale)
    ctx.menu_changed = True
    if typed:
        ctx.reply(await keep_told(ctx, typed))
    _ = ctx._
    said = _("I will speak English with you.") if locale == "en" else _("I will speak Swedish.")
    if _nameless(ctx) and not typed:  # someone telling what happened is not asked it now
        return ask_name(ctx, [said])
    privacy_and_menu(ctx, [said])
    return END


SAYS_NAME = re.compile(r"^(?:jag heter|mitt namn är|my name is|i am|i'm)\b\s*", re.IGNORECASE)
LONGEST_NAME = 7  # words: a name is shorter; more is someone telling what happened


SKIP = frozenset({"hoppa över", "skip", "nej", "no", "inget", "vill inte", "nej tack"})
"""Words typed at the phone question that mean Skip."""


def _telling(typed: str) -> bool:
    """Whether words typed for a name or a number tell what happened ("han står utanför
    mitt hus nu"): a sentence plainly in a language, or longer than any name."""
    words = typed.split()
    return len(words) >= LONGEST_NAME or (len(words) >= 3 and written_in(typed) is not None)


async def _told_instead(ctx: Context, event: InboundEvent) -> StateResult:
    """Someone telling what happened is not asked for a name now: the way out first, the
    words kept, and 'I need help now' one press away (the name is asked at /start)."""
    ctx.reply(await keep_told(ctx, event.text.strip()), menu_buttons(ctx))
    return END


def _nameless(ctx: Context) -> bool:
    """Whether this is an invited person the directory has no name for."""
    return ctx.viewer.registered and not ctx.person.display_name


def ask_name(ctx: Context, lead: list[str]) -> StateResult:
    """Ask an invited person for their name: those who help them must know who writes."""
    _ = ctx._
    ask = _(
        "What is your name? Write your first and last name: that is how others in Trygg "
        "will see you."
    )
    ctx.reply("\n".join([*lead, "", ask] if lead else [ask]))
    return Start.NAME


def _name_wanted(ctx: Context) -> StateResult:
    """Say once more, in one line, what the name question wants (not the whole greeting)."""
    ctx.reply(
        ctx._("I need your name here: write your first and last name, for example Anna Andersson.")
    )
    return Start.NAME


async def name_again(ctx: Context) -> StateResult:
    """Ask the name once more, to someone coming back to the chat (it has no button to keep)."""
    return ask_name(ctx, [])


async def take_name(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the name as written; ask for a phone number."""
    _ = ctx._
    name = SAYS_NAME.sub("", " ".join(event.text.split())).strip(" .!")
    if len(name) < 2 or not any(c.isalpha() for c in name) or says_nothing(name):
        # "1", "?", "x", "hej", "ok tack": not a name
        return _name_wanted(ctx)
    if _telling(name):
        return await _told_instead(ctx, event)
    language = _only_a_language(name)
    if language is not None:  # "English please" at the name question: the language, not her name
        return await _speak(ctx, language)
    try:
        await DirectoryRepo(ctx.session).set_own_card(ctx.viewer, name=name)
    except NotAllowed:  # the org file names them: it is not changed from the chat
        privacy_and_menu(ctx, [])
        return END
    return _ask_phone(ctx, _("Thank you, {name}.").format(name=name))


def _ask_phone(ctx: Context, lead: str) -> StateResult:
    """Ask for the number to show; one the platform gave is shown, and kept unless changed."""
    _ = ctx._
    if ctx.person.phone:
        ask = choose_hint(
            ctx,
            _(
                "Trygg shows {phone}, the number you write from, to those who need to call "
                "you. Is another number better? Write it, or press Keep."
            ),
            _(
                "Trygg shows {phone}, the number you write from, to those who need to call "
                "you. Is another number better? Write it, or answer “Keep”."
            ),
        ).format(phone=ctx.person.phone)
        ctx.reply(f"{lead}\n{ask}", [[Button("phone:skip", _("Keep"))]])
        return Start.PHONE
    ask = _(
        "Which phone number should Trygg show to those who need to call you? "
        "For example 070-123 45 67."
    )
    ctx.reply(f"{lead}\n{ask}", [[Button("phone:skip", _("Skip"))]])
    return Start.PHONE


NUMBER_IN = re.compile(r"\+?[0-9][0-9 \-]{5,24}[0-9]")
AROUND_A_NUMBER = 4  # words: "mitt nummer är 070 …" says a number; more tells something


def _number_in(typed: str) -> str | None:
    """The phone number in a short sentence that gives one ("my mobile is 070 174 06 99")."""
    found = NUMBER_IN.search(typed)
    if found is None or found.group() == typed:
        return None
    around = f"{typed[: found.start()]} {typed[found.end() :]}".split()
    return found.group().strip() if len(around) <= AROUND_A_NUMBER else None


def _shown(ctx: Context, phone: str) -> str:
    return ctx._("Thank you. Trygg shows {phone} to those who need to call you.").format(
        phone=phone
    )


async def take_phone(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the phone number (or none), then explain privacy and show the menu."""
    _ = ctx._
    typed = " ".join(event.text.split())
    lead: list[str] = []
    if phrase_of(typed) in SKIP or event.button == "phone:skip":
        typed = ""
        if ctx.person.phone:  # the number the platform gave stays
            lead = [_shown(ctx, ctx.person.phone)]
    typed = _number_in(typed) or typed
    if typed and _telling(typed):
        return await _told_instead(ctx, event)
    if typed:
        if not PHONE.match(typed):
            return _ask_phone(
                ctx,
                _("That does not look like a phone number."),
            )
        typed = international(typed)
        await DirectoryRepo(ctx.session).set_own_card(ctx.viewer, phone=typed)
        lead = [_shown(ctx, typed)]
    privacy_and_menu(ctx, lead)
    return END


async def words_instead(ctx: Context, event: InboundEvent) -> StateResult:
    """Take a language typed by name; words that tell what happened choose the language
    they are written in and are kept; anything shorter asks once more."""
    typed = event.text.strip()
    named = _language_named(typed)
    if named is not None:
        return await _speak(ctx, named)
    if len(typed.split()) >= TELLING:  # ctx.locale is already the one they wrote in
        return await _speak(ctx, ctx.locale, typed)
    return await ask_language_again(ctx, event)


def _language_named(typed: str) -> str | None:
    """The language a short answer names ("svenska", "Svenska tack", "English please");
    None when it names none, or both."""
    whole = LANGUAGE_NAMES.get(typed.strip(".,!?").casefold())
    if whole is not None:
        return whole
    words = typed.casefold().replace(",", " ").split()
    if len(words) >= TELLING:
        return None
    named = {LANGUAGE_NAMES[w.strip(".!?")] for w in words if len(w.strip(".!?")) > 2
             and w.strip(".!?") in LANGUAGE_NAMES}  # fmt: skip
    return named.pop() if len(named) == 1 else None


ASKING_FOR = frozenset(
    {"tack", "gärna", "på", "jag", "vill", "ha", "prata", "please", "in", "i", "speak", "thanks"}
)
"""Words beside a language's name that ask for it ("på svenska tack", "in English please")."""


def _only_a_language(typed: str) -> str | None:
    """The language words typed for a name ask for, and nothing else ("English please");
    None for a name, even one a language's word is in ("Ann English")."""
    words = [w.strip(".,!?") for w in typed.casefold().split()]
    named = {LANGUAGE_NAMES[w] for w in words if w in LANGUAGE_NAMES and len(w) > 2}
    rest = [w for w in words if w not in LANGUAGE_NAMES and w not in ASKING_FOR]
    return named.pop() if len(named) == 1 and not rest else None


async def ask_language_again(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask for the language once more, as the channel lets them choose."""
    _ = ctx._
    ctx.reply(
        choose_hint(
            ctx,
            _("Please choose a language with the buttons. / Välj språk med knapparna."),
            _(
                "Please answer 1 for Swedish or 2 for English. / "
                "Svara 1 för svenska eller 2 för engelska."
            ),
        )
    )
    ctx.again()
    return None


FLOW = Flow(
    name="start",
    states=Start,
    entry=welcome,
    table={
        Start.CHOOSE_LANGUAGE: {
            "lang:sv": choose_language,
            "lang:en": choose_language,
            Input.TEXT: words_instead,
            Input.ATTACHMENT: ask_language_again,
        },
        Start.NAME: {Input.TEXT: take_name},
        Start.PHONE: {"phone:skip": take_phone, Input.TEXT: take_phone},
    },
    takes_words=False,
    shown_anew={Start.NAME: name_again},
)
