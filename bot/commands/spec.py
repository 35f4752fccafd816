"""The verbs of `/presence`: the single source the parser, the help, the Slack
slash command and the Discord application-command group are all built from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.commands.levels import Level
from bot.priorities import PRIORITIES


class Kind(Enum):
    QUESTION = "question"  # 12 or #12
    USER = "user"  # <@U…>, <@123>, slack:U…, @name
    CHANNEL = "channel"  # <#C…>, #name, slack:C…
    WORD = "word"  # one token
    CHOICE = "choice"  # one of `choices`
    DURATION = "duration"  # 30m, 2h, 1d
    URL = "url"  # http(s)://…
    NUMBER = "number"  # a whole number
    TEXT = "text"  # the rest of the line


@dataclass(frozen=True)
class Arg:
    name: str
    kind: Kind
    help: str
    required: bool = True
    choices: tuple[str, ...] = ()
    # Discord asks the core's config for suggestions while the option is typed.
    autocomplete: bool = False


@dataclass(frozen=True)
class Verb:
    name: str  # "take", or two words for a group: "snippet add"
    level: Level
    summary: str
    example: str
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    details: str = ""

    @property
    def usage(self) -> str:
        parts = [self.name]
        for a in self.args:
            shown = a.name if not a.choices else "|".join(a.choices)
            if a.name == "customer" and self.name == "watch":
                shown = "customer=<name>"
            parts.append(f"<{shown}>" if a.required else f"[{shown}]")
        return " ".join(parts)


def _q(help: str = "question number, e.g. 12") -> Arg:
    return Arg("question", Kind.QUESTION, help)


C, S, E, L, A = Level.CUSTOMER, Level.STAFF, Level.EXPERT, Level.LEAD, Level.ADMIN

VERBS: tuple[Verb, ...] = (
    Verb(
        "help",
        C,
        "what you can run here, or how one verb works",
        "/presence help assign",
        (Arg("verb", Kind.TEXT, "a verb to explain", required=False),),
    ),
    Verb(
        "status",
        C,
        "one question: its state, owner and due time (customers: their own questions)",
        "/presence status 12",
        (Arg("question", Kind.QUESTION, "question number", required=False),),
        aliases=("show",),
        details="Without a number: the service's state (open incidents, components). "
        "Staff declare it: `status incident open <title>`, `status incident update <n> "
        "<text>`, `status incident resolve <n> [text]`, `status component <name> "
        "<operational|degraded|partial|major|maintenance>` (`help status incident`).",
    ),
    Verb(
        "rate",
        C,
        "rate how your resolved question was handled, 1 to 5, with an optional comment",
        "/presence rate 12 5 quick and clear, thanks",
        (
            _q(),
            Arg("score", Kind.CHOICE, "1 (poor) to 5 (great)", choices=("1", "2", "3", "4", "5")),
            Arg("comment", Kind.TEXT, "anything to add", required=False),
        ),
    ),
    Verb("take", S, "take a question: you answer it", "/presence take 12", (_q(),)),
    Verb(
        "assign",
        S,
        "hand a question to someone on the team; with nobody named, to the next candidate",
        "/presence assign 12 @erin",
        (_q(), Arg("expert", Kind.USER, "who gets it", required=False, autocomplete=True)),
        aliases=("pass",),
        details="`/presence pass 12` (or `assign 12` naming nobody) passes it to the next "
        "fitting candidate, or back to triage when nobody else fits.",
    ),
    Verb(
        "resolve",
        S,
        "mark a question resolved, with an optional internal note",
        "/presence resolve 12 fixed in 4.2.1",
        (_q(), Arg("note", Kind.TEXT, "why (staff only)", required=False)),
    ),
    Verb("reopen", S, "reopen a resolved question", "/presence reopen 12", (_q(),)),
    Verb(
        "snooze",
        S,
        "hold a question's reminders for a while",
        "/presence snooze 12 2h",
        (_q(), Arg("duration", Kind.DURATION, "how long: 30m, 2h, 1d")),
    ),
    Verb(
        "wait",
        S,
        "waiting on the customer: the clock stops until they write again",
        "/presence wait 12",
        (_q(),),
    ),
    Verb(
        "priority",
        S,
        "set a question's priority",
        "/presence priority 12 high",
        (_q(), Arg("level", Kind.CHOICE, "priority", choices=PRIORITIES)),
    ),
    Verb(
        "topic",
        S,
        "set a question's topic",
        "/presence topic 12 billing",
        (_q(), Arg("topic", Kind.WORD, "topic name", autocomplete=True)),
    ),
    Verb(
        "link",
        S,
        "link a question to an issue tracker URL",
        "/presence link 12 https://github.com/acme/app/issues/7",
        (_q(), Arg("url", Kind.URL, "issue URL")),
    ),
    Verb(
        "queue",
        S,
        "open questions, soonest due first (`mine`: yours only)",
        "/presence queue Acme Oy",
        (Arg("customer", Kind.TEXT, "a customer, or `mine`", required=False, autocomplete=True),),
        aliases=("mine",),
    ),
    Verb(
        "note",
        S,
        "an internal note on a question: staff see it, the customer never does",
        "/presence note 12 customer is on the legacy plan",
        (_q(), Arg("text", Kind.TEXT, "the note")),
    ),
    Verb(
        "reply",
        S,
        "answer the customer in their thread from here (asks once per channel to confirm)",
        "/presence reply 12 We have fixed the export, please try again.",
        (_q(), Arg("text", Kind.TEXT, "what the customer will read")),
    ),
    Verb(
        "search",
        C,
        "search the archive (customers: their own organisation's resolved conversations)",
        "/presence search invoice export since:2026-01-01",
        (Arg("query", Kind.TEXT, 'words to look for, a "quoted phrase", filters key:value'),),
        details="Filters: since:DATE until:DATE (anyone); customer:NAME channel:#c "
        "author:@who expert:@who topic:T status:S (staff).",
    ),
    Verb("snippet list", S, "the canned replies", "/presence snippet list"),
    Verb(
        "snippet send",
        S,
        "send a canned reply to a question's customer ({customer}, {owner}, {due})",
        "/presence snippet send 12 restart",
        (_q(), Arg("name", Kind.WORD, "snippet name")),
    ),
    Verb(
        "snippet add",
        E,
        "add a canned reply; {customer}, {owner} and {due} are filled in when sent",
        "/presence snippet add restart Hi {customer}, please restart the app; {owner}",
        (Arg("name", Kind.WORD, "short name"), Arg("text", Kind.TEXT, "the reply")),
    ),
    Verb(
        "snippet edit",
        E,
        "change a canned reply",
        "/presence snippet edit restart Hi {customer}, please restart and retry.",
        (
            Arg("name", Kind.WORD, "snippet name"),
            Arg("text", Kind.TEXT, "the new reply"),
        ),
    ),
    Verb(
        "snippet remove",
        E,
        "remove a canned reply",
        "/presence snippet remove restart",
        (Arg("name", Kind.WORD, "snippet name"),),
    ),
    Verb(
        "stats",
        L,
        "questions, first response and resolution (median, p90), breaches, CSAT",
        "/presence stats customer 30d",
        (
            Arg("by", Kind.CHOICE, "group by", required=False, choices=("customer", "expert")),
            Arg("period", Kind.DURATION, "how far back (default 30d)", required=False),
        ),
    ),
    Verb(
        "watch",
        A,
        "watch a channel for a customer's questions",
        "/presence watch #acme-support customer=Acme Oy",
        (
            Arg("channel", Kind.CHANNEL, "the shared channel"),
            Arg("customer", Kind.TEXT, "customer name", autocomplete=True),
        ),
    ),
    Verb(
        "unwatch",
        A,
        "stop watching a channel",
        "/presence unwatch #acme-support",
        (Arg("channel", Kind.CHANNEL, "the channel"),),
    ),
    Verb(
        "customer set",
        L,
        "change a customer's owner, tier, time zone or priority",
        '/presence customer set owner "Acme Oy" @amy',
        (
            Arg(
                "field",
                Kind.CHOICE,
                "what to change",
                choices=("owner", "tier", "timezone", "priority"),
            ),
            Arg("customer", Kind.WORD, "customer name (quote it if it has spaces)"),
            Arg("value", Kind.TEXT, "the new value"),
        ),
        details='Quote a name with spaces: `customer set tier "Acme Oy" gold`. '
        "A name followed by the value also works when the value is one word.",
    ),
    Verb(
        "expert add",
        L,
        "make someone an expert on some topics",
        "/presence expert add @erin billing api",
        (
            Arg("user", Kind.USER, "who"),
            Arg("topics", Kind.TEXT, "topics, space separated", required=False),
        ),
    ),
    Verb(
        "expert remove",
        L,
        "stop routing questions to someone",
        "/presence expert remove @erin",
        (Arg("user", Kind.USER, "who"),),
    ),
    Verb(
        "expert topics",
        L,
        "set an expert's topics",
        "/presence expert topics @erin billing invoices",
        (Arg("user", Kind.USER, "who"), Arg("topics", Kind.TEXT, "topics")),
    ),
    Verb(
        "expert hours",
        L,
        "set an expert's working hours",
        "/presence expert hours @erin Mon-Fri 09:00-17:00",
        (Arg("user", Kind.USER, "who"), Arg("hours", Kind.TEXT, "hours")),
    ),
    Verb(
        "expert away",
        E,
        "mark yourself (or, as a lead, someone else) away or back",
        "/presence expert away on",
        (
            Arg("state", Kind.CHOICE, "away or back", choices=("on", "off")),
            Arg("user", Kind.USER, "who (leads only; default you)", required=False),
        ),
    ),
    Verb(
        "sla set",
        A,
        "change an SLA target for a tier",
        "/presence sla set gold first_response 1h",
        (
            Arg("tier", Kind.WORD, "customer tier, or * for all"),
            Arg(
                "target",
                Kind.CHOICE,
                "which target",
                choices=("first_response", "next_response", "resolution"),
            ),
            Arg("duration", Kind.DURATION, "the new target: 30m, 4h, 2d"),
        ),
    ),
    Verb(
        "config show",
        L,
        "the effective configuration: file baseline and chat overrides, secrets masked",
        "/presence config show",
    ),
    Verb(
        "config sensitivity",
        L,
        "how readily a channel's messages count as questions",
        "/presence config sensitivity #acme-support eager",
        (
            Arg("channel", Kind.CHANNEL, "the shared channel"),
            Arg(
                "value",
                Kind.WORD,
                "quiet, balanced, eager, default, or a score from 0 to 1",
                required=False,
            ),
        ),
        details="`eager` (0.3) opens questions for borderline messages too, `quiet` (0.7) only "
        "for clear ones; `balanced` is 0.5. `default` goes back to the config file's value "
        "(the customer's `sensitivity`, else `[detection]`). Without a value: the channel's "
        "sensitivity and where it comes from.",
    ),
    Verb(
        "config export",
        A,
        "write a customer's archive to the export directory; the counts follow when done",
        "/presence export Acme Oy since=2026-01-01",
        (
            Arg("customer", Kind.TEXT, "customer name", autocomplete=True),
            Arg("since", Kind.WORD, "only from this date on: YYYY-MM-DD", required=False),
        ),
        aliases=("export",),
        details="Runs in the background into PRESENCE_EXPORT_DIR (a folder per export); "
        "the format is `presence export`'s (docs/data.md).",
    ),
)

# The customer loop's verbs live in their own module (it needs Verb, defined above).
from bot.commands.spec_loop import LOOP_ALIASES, LOOP_VERBS  # noqa: E402

VERBS = (*VERBS, *LOOP_VERBS)

BY_NAME: dict[str, Verb] = {v.name: v for v in VERBS}
# What an alias is short for: `mine` reads as `queue mine`, `show 12` as `status 12`.
EXPANSIONS: dict[str, str] = {
    "show": "status",
    "mine": "queue mine",
    "pass": "assign",
    "export": "config export",
}
EXPANSIONS.update(LOOP_ALIASES)  # `idea …` reads as `loop idea …`
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(v.name.split()[0] for v in VERBS if " " in v.name))


def lookup(name: str) -> Verb | None:
    name = " ".join(name.split()).lower()
    name = EXPANSIONS.get(name, name)
    return BY_NAME.get(name) or BY_NAME.get(name.split(" ")[0])
