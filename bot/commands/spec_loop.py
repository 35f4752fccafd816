"""The customer loop's verbs (idea board, service status, broadcasts, digests),
joined into `spec.VERBS`, the single source of verbs."""

from __future__ import annotations

from bot.commands.levels import Level
from bot.commands.spec import Arg, Kind, Verb

IDEA_STATUSES = ("new", "review", "planned", "progress", "shipped", "declined")
IDEA_LISTS = ("top", "new", "mine", *IDEA_STATUSES[1:])
COMPONENT_STATES = ("operational", "degraded", "partial", "major", "maintenance")
C, S, L = Level.CUSTOMER, Level.STAFF, Level.LEAD


def _idea(help: str = "idea number, e.g. 3") -> Arg:
    return Arg("idea", Kind.NUMBER, help)


LOOP_VERBS: tuple[Verb, ...] = (
    Verb(
        "idea",
        C,
        "propose an idea; similar ones are offered to vote on first",
        "/presence idea export invoices as CSV",
        (Arg("text", Kind.TEXT, "the idea"),),
    ),
    Verb(
        "ideas",
        C,
        "the idea board with vote buttons: top, new, mine, or one status",
        "/presence ideas top",
        (Arg("which", Kind.CHOICE, "which ideas", required=False, choices=IDEA_LISTS),),
    ),
    Verb(
        "idea-status",
        S,
        "set an idea's status with a public note; every voting customer hears once",
        "/presence idea-status 3 shipped Released in 4.3, see the changelog",
        (
            _idea(),
            Arg("status", Kind.CHOICE, "the new status", choices=IDEA_STATUSES),
            Arg("note", Kind.TEXT, "a public note", required=False),
        ),
    ),
    Verb(
        "incident open",
        S,
        "open a service incident; matching new questions are linked to it",
        "/presence incident open API errors and elevated latency",
        (Arg("title", Kind.TEXT, "what customers see"),),
    ),
    Verb(
        "incident update",
        S,
        "post an update to an incident and every linked thread",
        "/presence incident update 2 We found the cause and are deploying a fix.",
        (Arg("incident", Kind.NUMBER, "incident number"), Arg("text", Kind.TEXT, "the update")),
    ),
    Verb(
        "incident resolve",
        S,
        "resolve an incident; every linked thread is told",
        "/presence incident resolve 2 All API requests succeed again.",
        (
            Arg("incident", Kind.NUMBER, "incident number"),
            Arg("text", Kind.TEXT, "what happened", required=False),
        ),
    ),
    Verb(
        "component set",
        S,
        "declare a component's state (created if new)",
        "/presence component set API degraded",
        (
            Arg("name", Kind.WORD, "component name (quote it if it has spaces)"),
            Arg("state", Kind.CHOICE, "its state", choices=COMPONENT_STATES),
        ),
    ),
    Verb(
        "broadcast",
        L,
        "announce to customers' channels (all, tier:gold, or names), with preview; "
        "`broadcast report 4` shows a delivery report",
        "/presence broadcast tier:gold Maintenance on Sunday 02:00-03:00 UTC.",
        (
            Arg("audience", Kind.WORD, "all, tier:<tier>, a customer, or names joined by ,"),
            Arg("text", Kind.TEXT, "the message"),
        ),
    ),
    Verb(
        "digest",
        C,
        "the digest on demand: a customer's week (default), or staff's day",
        "/presence digest staff",
        (Arg("which", Kind.TEXT, "`staff`, or a customer's name", required=False),),
    ),
)
