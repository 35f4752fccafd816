"""The neutral messages Presence posts about a question: the expert's DM, the
triage card and the customer's acknowledgement. Adapters render them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.outgoing import Button, Field, OutgoingMessage
from bot.refs import MessageRef

STATE_LABEL = {
    "open": "Open",
    "acknowledged": "Taken",
    "answered": "Answered",
    "reopened": "Reopened",
    "resolved": "Resolved",
    "dismissed": "Not a question",
}


@dataclass(frozen=True)
class QuestionView:
    id: int
    text: str
    state: str
    customer: str
    tier: str
    asker: str
    assignee: str | None
    due: str  # formatted for the reader
    topic: str | None
    reasons: tuple[str, ...]
    thread: MessageRef
    # Resolved conversations like this one: (what was asked, who answered what).
    similar: tuple[tuple[str, str], ...] = ()
    # Why detection took it for a question ("problem, 0.80: reports a problem").
    flagged: str | None = None


def claim_action(question_id: int) -> str:
    return f"question:claim:{question_id}"


def _buttons(view: QuestionView, *, dm: bool) -> tuple[Button, ...]:
    if view.state in ("resolved", "dismissed"):
        return (Button("Reopen", f"question:reopen:{view.id}"),)
    buttons = [Button("Take", claim_action(view.id), "primary")]
    if dm:
        buttons += [
            Button("Pass to next", f"question:pass:{view.id}"),
            Button("Not mine", f"question:notmine:{view.id}"),
        ]
    else:
        buttons.append(Button("Assign to…", f"question:assign:{view.id}"))
    buttons += [
        Button("Resolve", f"question:resolve:{view.id}"),
        Button("Not a question", f"question:notq:{view.id}", "danger"),
    ]
    return tuple(buttons)


def _fields(view: QuestionView) -> tuple[Field, ...]:
    fields = [
        Field("Customer", f"{view.customer} ({view.tier})"),
        Field("Asked by", view.asker),
        Field("Status", STATE_LABEL.get(view.state, view.state)),
        Field("Owner", view.assignee or "unassigned"),
        Field("Reply due", view.due),
    ]
    if view.topic:
        fields.append(Field("Topic", view.topic))
    if view.flagged and view.state != "resolved":
        fields.append(Field("Why flagged", view.flagged))
    return tuple(fields)


def expert_dm(view: QuestionView) -> OutgoingMessage:
    why = "; ".join(view.reasons) if view.reasons else None
    similar = tuple(
        Field(f"Similar, answered before: {_clip(asked, 80)}", _clip(answer, 300))
        for asked, answer in view.similar[:3]
    )
    return OutgoingMessage(
        title=f"Question #{view.id} from {view.customer}",
        text=f"{view.customer} asked a question you are the best fit for.",
        quote=view.text,
        fields=_fields(view) + similar,
        buttons=_buttons(view, dm=True),
        link=view.thread,
        context=f"Why you: {why}" if why else None,
    )


def triage_card(view: QuestionView) -> OutgoingMessage:
    return OutgoingMessage(
        title=f"#{view.id} · {view.customer} · {STATE_LABEL.get(view.state, view.state)}",
        text=f"New question from {view.asker} at {view.customer}.",
        quote=view.text,
        fields=_fields(view),
        buttons=_buttons(view, dm=False),
        link=view.thread,
        context="Routing: " + "; ".join(view.reasons) if view.reasons else None,
    )


def warning(view: QuestionView, left: str) -> OutgoingMessage:
    return OutgoingMessage(
        title=f"Reply due soon: #{view.id} from {view.customer}",
        text=f"{view.customer} is waiting; the reply is due {view.due} ({left} left).",
        quote=view.text,
        buttons=_buttons(view, dm=True),
        link=view.thread,
    )


def breach(view: QuestionView, step: str, late: bool, now: datetime) -> OutgoingMessage:
    late_note = " (noticed late: Presence was down when it fell due)" if late else ""
    return OutgoingMessage(
        title=f"SLA breached: #{view.id} from {view.customer}",
        text=(
            f"{view.customer} has waited past the promised reply time ({view.due}){late_note}. "
            f"Escalated to {step}."
        ),
        quote=view.text,
        fields=_fields(view),
        buttons=_buttons(view, dm=False),
        link=view.thread,
    )


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def moved_on(view: QuestionView, why: str) -> OutgoingMessage:
    """The DM of an expert a question has moved on from (offer timeout): it says
    where it went and why, and still lets them take it back."""
    where = f"now with {view.assignee}" if view.assignee else "now in the triage channel"
    return OutgoingMessage(
        title=f"Question #{view.id} from {view.customer} moved on",
        text=f"{why}: {where}.",
        quote=view.text,
        buttons=(Button("Take", claim_action(view.id), "primary"),),
        link=view.thread,
    )


def held_digest(views: list[QuestionView], heading: str) -> OutgoingMessage:
    """One DM for the questions held for an expert (quiet hours, batching), each
    with its own Take button. Customers' words travel only in the quote, which
    every renderer escapes."""
    return OutgoingMessage(
        title=heading,
        text="\n".join(f"#{v.id} from {v.customer}: reply due {v.due}" for v in views),
        quote="\n".join(f"#{v.id}: {_clip(v.text, 160)}" for v in views),
        fields=tuple(
            Field(f"#{v.id}", f"{v.customer} ({v.tier}), asked by {v.asker}") for v in views
        ),
        buttons=tuple(Button(f"Take #{v.id}", claim_action(v.id), "primary") for v in views),
    )
