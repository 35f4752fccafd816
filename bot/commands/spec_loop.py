"""The customer loop's verbs (idea board, service status, broadcasts, digests),
joined into `spec.VERBS`, the single source of verbs.

They share one head, `loop`, so Discord's command tree (25 entries at most at its
top level) grows by one entry only; people type the short forms (`idea …`,
`ideas top`, `status incident open …`, `broadcast …`), which `LOOP_ALIASES` expands.
An alias of two words (`status incident`) is read before `status <question>`."""

from __future__ import annotations

from bot.commands.levels import Level
from bot.commands.spec import Arg, Kind, Verb

IDEA_STATUSES = ("new", "review", "planned", "progress", "shipped", "declined")
# `status`: every idea grouped along its way (new … shipped, declined last).
IDEA_LISTS = ("top", "new", "mine", "status", *IDEA_STATUSES[1:])
COMPONENT_STATES = ("operational", "degraded", "partial", "major", "maintenance")
INCIDENT_ACTIONS = ("open", "update", "resolve")
C, S, L = Level.CUSTOMER, Level.STAFF, Level.LEAD

LOOP_VERBS: tuple[Verb, ...] = (
    Verb(
        "loop idea",
        C,
        "propose an idea; similar ones are offered to vote on first",
        "/presence idea export invoices as CSV",
        (Arg("text", Kind.TEXT, "the idea"),),
        aliases=("idea",),
    ),
    Verb(
        "loop ideas",
        C,
        "the idea board with vote buttons: top, new, mine, by status, or one status",
        "/presence ideas top",
        (Arg("which", Kind.CHOICE, "which ideas", required=False, choices=IDEA_LISTS),),
        aliases=("ideas",),
    ),
    Verb(
        "loop idea-show",
        C,
        "one idea: its status with staff's notes, votes and discussion",
        "/presence idea-show 3",
        (Arg("idea", Kind.NUMBER, "idea number, e.g. 3"),),
        aliases=("idea-show",),
    ),
    Verb(
        "loop idea-comment",
        C,
        "add to an idea's discussion (seen by everyone who can see the board)",
        "/presence idea-comment 3 We would use this for our monthly reports.",
        (Arg("idea", Kind.NUMBER, "idea number, e.g. 3"), Arg("text", Kind.TEXT, "your comment")),
        aliases=("idea-comment",),
    ),
    Verb(
        "loop idea-status",
        S,
        "set an idea's status with a public note; every voting customer hears once",
        "/presence idea-status 3 shipped Released in 4.3",
        (
            Arg("idea", Kind.NUMBER, "idea number, e.g. 3"),
            Arg("status", Kind.CHOICE, "the new status", choices=IDEA_STATUSES),
            Arg("note", Kind.TEXT, "a public note", required=False),
        ),
        aliases=("idea-status",),
    ),
    Verb(
        "loop incident",
        S,
        "open, update or resolve a service incident; linked threads hear each update",
        "/presence status incident update 2 We found the cause and are deploying a fix.",
        (
            Arg("action", Kind.CHOICE, "what to do", choices=INCIDENT_ACTIONS),
            Arg("text", Kind.TEXT, "open: the title; update/resolve: number, then text"),
        ),
        aliases=("status incident", "incident"),
        details="`status incident open API errors`, `status incident update 2 rolling back`, "
        "`status incident resolve 2 all good` (or without `status`). While an incident is "
        "open, new questions that match it are linked to it and their askers told at once. "
        "On Discord: `/presence loop incident`.",
    ),
    Verb(
        "loop component",
        S,
        "declare a service component's state (created if new)",
        "/presence status component API degraded",
        (
            Arg("name", Kind.WORD, "component name (quote it if it has spaces)"),
            Arg("state", Kind.CHOICE, "its state", choices=COMPONENT_STATES),
        ),
        aliases=("status component", "component"),
        details="On Discord: `/presence loop component`.",
    ),
    Verb(
        "loop broadcast",
        L,
        "announce to customers' channels (all, tier:gold, names) after a preview",
        "/presence broadcast tier:gold Maintenance on Sunday 02:00-03:00 UTC.",
        (
            Arg("audience", Kind.WORD, "all, tier:<tier>, or customer names joined by ,"),
            Arg("text", Kind.TEXT, "the message"),
        ),
        aliases=("broadcast",),
        details="`broadcast report 4` shows broadcast #4's delivery: sent, failed and why.",
    ),
    Verb(
        "loop digest",
        C,
        "the digest on demand: a customer's week (default), or staff's day",
        "/presence digest staff",
        (Arg("which", Kind.TEXT, "`staff`, or a customer's name", required=False),),
        aliases=("digest",),
    ),
)

LOOP_ALIASES: dict[str, str] = {alias: v.name for v in LOOP_VERBS for alias in v.aliases}
