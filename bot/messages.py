"""Every sentence Presence says to people, in one place."""

from __future__ import annotations

HELP_CUSTOMER = (
    "Ask your question right here in the channel: Presence makes sure the right person "
    "on our team sees it and tells you when to expect an answer.\n"
    "`/presence help` shows this text."
)

HELP_STAFF = (
    "*Presence commands*\n"
    "`/presence queue` open questions, soonest due first\n"
    "`/presence mine` questions assigned to you\n"
    "`/presence show <id>` one question\n"
    "`/presence take <id>` take a question\n"
    "`/presence resolve <id> [note]` mark a question resolved\n"
    "`/presence search <words>` search the archive\n"
    "`/presence help` this text"
)


def acknowledgement(owner: str | None, team: str, due: str, back_at: str | None) -> str:
    who = f"{owner} from our {team} team" if owner else f"Our {team} team"
    if back_at:
        return (
            f"Thanks for asking! Our team is offline right now and back {back_at}. "
            f"{who} will pick this up; you can expect a reply by {due}."
        )
    return f"Thanks for asking! {who} is on it; you can expect a reply by {due}."


def acknowledgement_taken(owner: str, due: str) -> str:
    return f"{owner} has taken your question; you can expect a reply by {due}."


def acknowledgement_resolved(by: str) -> str:
    return f"Resolved by {by}. If anything is still unclear, just reply in this thread."


def not_allowed(level: str) -> str:
    return f"Only {level} can do that."


def unknown_question(ref: str) -> str:
    return f"I can't find question {ref}. `/presence queue` lists the open ones."


def unexpected_error(ref: str) -> str:
    return f"Something went wrong on our side (reference {ref}). Nothing was lost; try again."
