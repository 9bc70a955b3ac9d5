"""The incident report as data: every question in order, what it accepts, when it is asked,
and what an answer does. The questions follow the municipality's paper form (Oxelösund,
Bilaga 5): ten questions, merged where the paper has one, follow-ups only when an answer
calls for them, and nothing the directory already knows.

The report flow (conversations.report.flow) asks whatever applies next; a question's own
hooks (``on_answer``) do what its answer implies (route the draft, read a date). Test and
benchmark scripts come from the questions' examples, so adding a question touches this
module and the catalogs only.
"""

from __future__ import annotations

from collections.abc import Sequence

from conversations.about import SOMEONE_CLOSE
from conversations.i18n import N_
from conversations.report import hooks
from conversations.report.answer_words import (
    KNOWN_WHO,
    UNKNOWN_WHO,
    YES_NO_UNKNOWN,
    YES_NO_WORDS,
    undecided,
)
from conversations.report.question import Answers as Answers
from conversations.report.question import Known as Known
from conversations.report.question import Question as Question
from conversations.report.question import ReportStep as ReportStep
from conversations.report.question import answered as answered
from conversations.report.question import chose as chose
from conversations.report.question import fixed, from_pack, without_day
from conversations.report.question import for_self as for_self

S = ReportStep
QUESTIONS: tuple[Question, ...] = (
    Question(
        S.WHO,
        "choice",
        N_("Who is this about?"),
        N_("Who is this about?"),
        N_("Who it is about"),
        fixed(("self", N_("It happened to me")), ("other", N_("I report for someone else"))),
        synonyms={
            "self": ("mig", "jag", "det hände mig", "mej", "me", "myself", "it happened to me"),
            "other": (
                *("någon annan", "en annan", "för någon annan", "annan person", "en kollega"),
                *("someone else", "for someone else", "another person", "a colleague"),
                *SOMEONE_CLOSE,  # "min man Erik", "it was my husband Erik"
            ),
        },
        required=True,
        other_ok=False,
        example_press="self",
        within=("other",),  # "jag skriver för någon annan": for someone else, wherever it is said
        means=hooks.whom,  # "Erik Berg": someone else; her own name: herself
        on_answer=hooks.target_named,  # a name in the words answers "Who was targeted?"
        tells=hooks.whom_told,  # "Igår blev min man Erik hotad": Erik, and what happened
        doubts=hooks.done_to_her,  # "Min man Erik hotade mig": not plainly about him
    ),
    Question(
        S.MUNICIPALITY,
        "choice",
        N_("Which municipality is it about? I will send the report to its security unit."),
        N_("Which municipality is it about? I will send the report to its security unit."),
        N_("Municipality"),
        required=True,
        other_ok=False,
        applies=lambda a, k: not k.registered and (not k.routed or answered(a, S.MUNICIPALITY)),
        on_answer=hooks.route_municipality,
        choices=hooks.municipalities,
    ),
    Question(
        S.PROXY,
        "text",
        N_("Who are you? Your name, your role, and how you know the person who was targeted."),
        N_("Who are you? Your name, your role, and how you know {name}."),
        N_("Reporter"),
        required=True,
        applies=lambda a, k: not for_self(a),
        parent=S.WHO,
        example="Eva Ek, gruppledare, kollega till Anna",
        ask_named=N_(
            "What is your role, and how do you know {name}? For example: group leader, a "
            "colleague on the committee."
        ),
        someone=N_("the person who was targeted"),
    ),
    Question(
        S.TARGET,
        "text",
        N_("Who was targeted? Their name, and which committee or board they sit on."),
        N_("Who was targeted? Their name, and which committee or board they sit on."),
        N_("Targeted"),
        required=True,
        applies=lambda a, k: not for_self(a),
        parent=S.WHO,
        example="Anna Berg, byggnadsnämnden",
        ask_more=N_("Which committee or board does {name} sit on?"),
        more_buttons=(("nav:keep", N_("Skip")), ("edit:replace", N_("Change the name"))),
    ),
    Question(
        S.ASSIGNMENT,
        "text",
        N_("What is your assignment? For example: member of the building committee."),
        N_("What is your assignment? For example: member of the building committee."),
        N_("Assignment"),
        applies=lambda a, k: for_self(a) and not k.assignment,
        parent=S.WHO,
        short=True,
        declinable=True,
        example="Ledamot i byggnadsnämnden",
    ),
    Question(
        S.CATEGORY,
        "choice",
        N_("What do you think it is connected to?"),
        N_("What do you think it is connected to?"),
        N_("Category"),
        from_pack("categories"),
        synonyms={
            "party": (
                *("partiet", "parti", "the party", "party", "representerar partiet"),
                *("för partiet", "representing the party", "i represent the party"),
            ),
            "assignment": (
                *("uppdraget", "uppdrag", "nämnden", "beslut", "assignment"),
                *("mitt uppdrag", "mitt kommunala uppdrag", "kommunala uppdraget"),
                *("kommunalt uppdrag", "mitt uppdrag i kommunen", "my assignment"),
                *("my municipal assignment", "municipal assignment", "the assignment"),
                *("my role", "my committee", "the committee"),
            ),
            "internal": (
                "inifrån",
                "egna partiet",
                "eget parti",
                "egna parti",
                "inom partiet",
                "någon i partiet",
                "någon i mitt parti",
                "partikamrat",
                "partikollega",
                "partivän",
                "internt",
                "within",
                "internal",
                "own party",
                "someone in the party",
                "someone in my party",
                "within the party",
                "party colleague",
            ),
            "unknown": YES_NO_WORDS["unknown"],
        },
        # someone in her own party must never get the report by mistake: said anywhere in
        # the answer, it makes the case internal (she then chooses who gets it)
        within=("internal",),
        required=True,
        on_answer=hooks.route_category,
        meaning=N_(
            "It decides who gets the report. The party: because of representing the party. "
            "The assignment: because of the work in the municipality, such as a decision. "
            "From within the party: then you choose who gets the report. If you are not "
            "sure, choose “Don't know”."
        ),
        example_press="party",
    ),
    Question(
        S.WHAT,
        "text",
        N_("What happened? Describe it in detail: what was said or written, and how."),
        N_("What happened to {name}? Describe it in detail: what was said or written, and how."),
        N_("What happened"),
        required=True,
        story=True,
        example="Ett sms i kväll: han vet var jag bor och att jag ska akta mig.",
        ask_more=N_(
            "What you wrote is already in the report:\n“{words}”\nDo you want to add anything? "
            "For example exactly what was said or written, and how."
        ),
        more_buttons=(("nav:keep", N_("No, that's enough")),),
    ),
    Question(
        S.NATURE,
        "multi",
        N_("What was it, and how did it come? Choose all that fit, or write."),
        N_("What was it, and how did it come? Choose all that fit, or write."),
        N_("What and how"),
        from_pack("kinds", "channels"),
        synonyms={
            "threat": ("hot", "hotade", "hotat", "hotelse", "threat", "threats", "threatened"),
            "harassment": (
                "trakasserier",
                "trakasserade",
                "stalkning",
                "förföljer",
                "harass",
                "harassed",
                "harassment",
                "stalking",
                "stalked",
            ),
            "violence": (
                "våld",
                "slog",
                "skadegörelse",
                "klotter",
                "violence",
                "vandal",
                "vandalism",
            ),
            "sms_mms": ("sms", "mms", "text message", "sms:et"),
            "email": ("mejl", "mail", "e-post", "epost", "e-mail", "email"),
            "phone": ("ringde", "samtal", "telefon", "called", "phone"),
            "letter": ("brev", "letter"),
            "social_media": ("facebook", "instagram", "x", "twitter", "tiktok", "sociala"),
            "in_person": ("personligen", "personligt", "ansikte", "på stan", "in person", "face"),
        },
        example="hot på sms",
    ),
    Question(
        S.WHEN,
        "text",
        N_("When and where did it happen? For example: yesterday at 22:40, at home."),
        N_("When and where did it happen? For example: yesterday at 22:40, at home."),
        N_("When and where"),
        fixed(("now", N_("Just now")), ("today", N_("Today")), ("yesterday", N_("Yesterday"))),
        on_answer=hooks.read_when,
        # a time typed at a question with options ("igår kväll 22.40" at "Vad var det?") is
        # kept here, not as "Annat: …" there, and this question is then not asked
        gathers=hooks.says_when,
        example="Hemma i kväll ca 22.40",
    ),
    Question(
        S.WHEN_DAY,
        "choice",
        N_("Which day did it happen? Write the day, or choose."),
        N_("Which day did it happen? Write the day, or choose."),
        N_("Day"),
        fixed(
            ("today", N_("Today")), ("yesterday", N_("Yesterday")), ("unknown", N_("Don't know"))
        ),
        synonyms={"unknown": YES_NO_WORDS["unknown"]},
        leading=True,
        applies=lambda a, k: without_day(a.get(S.WHEN.value)),
        parent=S.WHEN,
        on_answer=hooks.read_day,
    ),
    Question(
        S.WHERE,
        "text",
        N_("Where did it happen, and in what context?"),
        N_("Where did it happen, and in what context?"),
        N_("Where"),
        applies=lambda a, k: chose(a, S.WHEN, "now", "today", "yesterday"),
        parent=S.WHEN,
    ),
    Question(
        S.WITNESSES,
        "text",
        N_("Did anyone else see it? Did the threat reach the person it was meant for?"),
        N_("Did anyone else see it? Did the threat reach {name}?"),
        N_("Witnesses"),
        fixed(("none", N_("Nobody else saw it"))),
        synonyms={"none": ("nej", "ingen", "inga", "no", "nobody", "no one")},
        meaning=N_(
            "Whether someone else saw or heard it can matter for a police report. A threat "
            "can also be told to someone else and reach the person it was meant for that way."
        ),
        example="Nej, jag var ensam",
        someone=N_("the person it was meant for"),
    ),
    Question(
        S.PERPETRATOR,
        "text",
        N_(
            "Who did it? Describe them if you can: one or several, gender, age, dialect, and "
            "whether they have targeted other elected officials."
        ),
        N_(
            "Who did it? Describe them if you can: one or several, gender, age, dialect, and "
            "whether they have targeted other elected officials."
        ),
        N_("Perpetrator"),
        fixed(("known", N_("I know who it is")), ("unknown", N_("Unknown"))),
        synonyms={"known": KNOWN_WHO, "unknown": UNKNOWN_WHO},
        example="Okänd man, runt 50, skånsk dialekt",
    ),
    Question(
        S.PERP_NAME,
        "text",
        N_("What is the person's name?"),
        N_("What is the person's name?"),
        N_("Name of the perpetrator"),
        applies=lambda a, k: chose(a, S.PERPETRATOR, "known"),
        parent=S.PERPETRATOR,
    ),
    Question(
        S.PERP_DESC,
        "text",
        N_("Describe them if you can: one or several, gender, age, dialect, others targeted."),
        N_("Describe them if you can: one or several, gender, age, dialect, others targeted."),
        N_("Description"),
        applies=lambda a, k: chose(a, S.PERPETRATOR, "known", "unknown"),
        parent=S.PERPETRATOR,
    ),
    Question(
        S.GROUP,
        "choice",
        N_("Do you think they belong to a group or faction of some kind?"),
        N_("Do you think they belong to a group or faction of some kind?"),
        N_("Group or faction"),
        fixed(*YES_NO_UNKNOWN),
        synonyms=YES_NO_WORDS,
        leading=True,
        meaning=N_(
            "A group or faction is for example an organisation, a network or a movement that "
            "the person belongs to or says they speak for. If you don't know, choose “Don't "
            "know”."
        ),
        example="Nej",
    ),
    Question(
        S.GROUP_WHICH,
        "text",
        N_("Which group or faction?"),
        N_("Which group or faction?"),
        N_("Which group"),
        applies=lambda a, k: chose(a, S.GROUP, "yes"),
        parent=S.GROUP,
    ),
    Question(
        S.TRIGGER,
        "text",
        N_("Is there something that set it off, such as a political issue or a decision?"),
        N_("Is there something that set it off, such as a political issue or a decision?"),
        N_("Trigger"),
        fixed(
            ("issue", N_("A political issue")),
            ("decision", N_("A decision")),
            ("unknown", N_("Don't know")),
        ),
        synonyms={"unknown": YES_NO_WORDS["unknown"] + ("nej", "no")},
        example="Beslutet om bygglovet på Storgatan",
    ),
    Question(
        S.TRIGGER_WHICH,
        "text",
        N_("Which one? In your own words."),
        N_("Which one? In your own words."),
        N_("Which issue or decision"),
        applies=lambda a, k: chose(a, S.TRIGGER, "issue", "decision"),
        parent=S.TRIGGER,
    ),
    Question(
        S.MEASURES,
        "multi",
        N_("Has anything been decided, such as a police report or protection?"),
        N_("Has anything been decided, such as a police report or protection?"),
        N_("Measures decided"),
        lambda pack: [
            *from_pack("measures")(pack),
            ("none", N_("Nothing yet")),
        ],
        alone=("none",),
        doubts=undecided,  # "I haven't decided about the police yet" decides no report
        synonyms={
            "police_report": ("polisanmält", "polisanmälan", "polisen", "anmält", "police"),
            "none": (
                "nej",
                "inget",
                "inte än",
                "inte ännu",
                "inget än",
                "ingenting",
                "no",
                "nothing",
                "not yet",
                "nothing yet",
                "none",
            ),
        },
        meaning=N_(
            "Anything decided so far, by you or by others: for example a police report, a "
            "personal alarm or protection from the municipality. If nothing has been decided, "
            "choose “Nothing yet”."
        ),
        example="Inte än",
    ),
    Question(
        S.EXPERIENCE,
        "text",
        N_("How did you experience it? Frightening or not? Seriously meant or not?"),
        N_("How did {name} experience it? Frightening or not? Seriously meant or not?"),
        N_("How it was experienced"),
        fixed(
            ("frightening", N_("Frightening")),
            ("unpleasant", N_("Unpleasant")),
            ("not_frightening", N_("Not frightening")),
        ),
        # "Skrämmande eller inte?" answered "nej" was kept as "Upplevelse: nej"
        synonyms={
            "frightening": ("ja", "jo", "yes", "ja det var det", "yes it was"),
            "not_frightening": ("nej", "inte", "inte direkt", "nej inte direkt", "no"),
        },
        example="Skrämmande, jag tror att han menar allvar",
    ),
    Question(
        S.SERIOUS,
        "choice",
        N_("Do you think it was seriously meant?"),
        N_("Does {name} think it was seriously meant?"),
        N_("Seriously meant"),
        fixed(*YES_NO_UNKNOWN),
        synonyms=YES_NO_WORDS,
        leading=True,
        applies=lambda a, k: (a.get(S.EXPERIENCE.value) or {}).get("choice") is not None,
        parent=S.EXPERIENCE,
    ),
    Question(
        S.MORE,
        "text",
        N_("Do you want to tell me more? Write it, or send photos and screenshots."),
        N_("Do you want to tell me more? Write it, or send photos and screenshots."),
        N_("More"),
        fixed(("nothing", N_("Nothing more"))),
        story=True,
        synonyms={
            "nothing": (
                *("nej", "inget", "inget mer", "nej tack", "det var allt", "klar", "klart"),
                *("tack", "tack så mycket", "thanks", "thank you"),  # thanks: no more
                *("nej inget mer", "inget mer att tillägga", "ingenting", "det är allt"),
                # the summary, where Send is, comes next: "skicka" means nothing more
                *("skicka", "skicka nu", "skicka den", "skicka in", "skicka rapporten"),
                *("no", "nothing", "that's all", "done", "nothing more", "no thanks"),
                *("send", "send it", "send now", "send the report"),
            )
        },
        example="Nej",
        yes_asks=N_("Write it here, or send photos and screenshots."),
    ),
)

BY_STEP: dict[ReportStep, Question] = {q.step: q for q in QUESTIONS}
ORDER: tuple[ReportStep, ...] = tuple(q.step for q in QUESTIONS)


def next_step(answers: Answers, known: Known, after: ReportStep | None) -> ReportStep:
    """Return the first question after ``after`` that applies and is unanswered, else the
    summary."""
    start = 0 if after is None or after not in ORDER else ORDER.index(after) + 1
    for step in ORDER[start:]:
        question = BY_STEP[step]
        if question.applies(answers, known) and not answered(answers, step):
            return step
    return ReportStep.SUMMARY


def topics(answers: Answers, known: Known) -> list[Question]:
    """The questions that head a topic in the summary (follow-ups are shown under them)."""
    return [q for q in QUESTIONS if q.parent is None and q.applies(answers, known)]


def follow_ups(step: ReportStep) -> Sequence[Question]:
    return [q for q in QUESTIONS if q.parent is step]
