"""The idea board: propose (duplicates are offered as votes first), vote, list,
and staff's status changes, whose notice reaches every voting customer's
channels once, through the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from bot.board.similar import rank
from bot.context import Context
from bot.outgoing import Button, Destination, OutgoingMessage
from db.dialect import insert_ignoring_conflicts
from db.models import Channel, Customer, Idea, IdeaComment, IdeaVote, Message, Person

LABELS = {
    "draft": "draft",
    "new": "new",
    "review": "under review",
    "planned": "planned",
    "progress": "in progress",
    "shipped": "shipped",
    "declined": "declined",
}
ICONS = {"new": "💡", "review": "🔎", "planned": "🗓️", "progress": "🚧", "shipped": "🚀"}
MAX_LISTED = 10
MAX_BUTTONS = 5


def short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True)
class Votes:
    people: int
    organisations: tuple[str, ...]


async def votes_of(ctx: Context, idea_id: int) -> Votes:
    people = await ctx.session.scalar(
        select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea_id)
    )
    names = (
        await ctx.session.scalars(
            select(Customer.name)
            .join(IdeaVote, IdeaVote.customer_id == Customer.id)
            .where(IdeaVote.idea_id == idea_id)
            .distinct()
            .order_by(Customer.name)
        )
    ).all()
    return Votes(int(people or 0), tuple(names))


def describe_votes(ctx: Context, votes: Votes) -> str:
    n = votes.people
    text = f"{n} vote{'s' if n != 1 else ''}"
    orgs = len(votes.organisations)
    if orgs:
        if ctx.services.config.loop.ideas.show_organisations:
            text += f" from {', '.join(votes.organisations)}"
        else:
            text += f" from {orgs} organisation{'s' if orgs != 1 else ''}"
    return text


async def propose(
    ctx: Context,
    person: Person,
    text: str,
    *,
    channel: Channel | None,
    source: Message | None = None,
) -> str | OutgoingMessage:
    """A new idea, unless similar ones exist: then those are offered to vote on,
    with the proposal kept as a draft that one click publishes anyway."""
    text = text.strip()[:2000]
    if source is not None:
        made = await ctx.session.scalar(select(Idea).where(Idea.source_message_id == source.id))
        if made is not None and made.status != "draft":
            return f"That message is already idea #{made.id}."
    customer_id = (channel.customer_id if channel else None) or person.customer_id
    idea = Idea(
        text=text,
        status="draft",
        proposer_id=person.id,
        customer_id=customer_id,
        channel_id=channel.id if channel else None,
        source_message_id=source.id if source else None,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(idea)
    await ctx.session.flush()
    rows = (
        await ctx.session.execute(select(Idea.id, Idea.text).where(Idea.status != "draft"))
    ).all()
    alike = rank(
        text,
        [(i, t) for i, t in rows],
        threshold=ctx.services.config.loop.ideas.similar,
    )
    if not alike:
        return await publish(ctx, idea, person)
    lines = ["These ideas look like yours; vote for one instead, or propose yours anyway:"]
    buttons = []
    for idea_id, _ in alike:
        other = await ctx.session.get(Idea, idea_id)
        assert other is not None
        votes = await votes_of(ctx, idea_id)
        lines.append(
            f"#{other.id} · {LABELS[other.status]} · {describe_votes(ctx, votes)} · "
            f"{short(other.text)}"
        )
        buttons.append(Button(f"Vote for #{other.id}", f"idea:vote:{other.id}", "primary"))
    buttons.append(Button("Propose mine anyway", f"idea:publish:{idea.id}"))
    return OutgoingMessage(text="\n".join(lines), title="Similar ideas", buttons=tuple(buttons))


async def publish(ctx: Context, idea: Idea, person: Person) -> str:
    if idea.status != "draft":
        return f"Idea #{idea.id} is already on the board."
    if idea.proposer_id != person.id and not person.is_staff:
        return "Only the person who proposed it can publish that idea."
    idea.status = "new"
    idea.updated_at = ctx.now
    await _vote(ctx, idea, person, idea.customer_id)
    ctx.audit(person.qualified, "idea.proposed", f"idea:{idea.id}")
    channel = await ctx.session.get(Channel, idea.channel_id) if idea.channel_id else None
    if channel is not None:
        # The card is the idea's discussion thread in the proposer's channel.
        await ctx.say(
            f"idea:{idea.id}:card",
            Destination.channel(channel.platform, channel.platform_id),
            OutgoingMessage(
                text=f"💡 New idea #{idea.id}. Vote for it below; discuss it in this thread.",
                title=f"Idea #{idea.id}",
                quote=short(idea.text, 500),
                buttons=(Button("Vote", f"idea:vote:{idea.id}", "primary"),),
            ),
            purpose="idea",
        )
    return f"Thanks! Your idea is #{idea.id} on the board, with your vote."


async def _vote(ctx: Context, idea: Idea, person: Person, customer_id: int | None) -> bool:
    before = await ctx.session.scalar(
        select(IdeaVote.id).where(IdeaVote.idea_id == idea.id, IdeaVote.person_id == person.id)
    )
    if before is not None:
        return False
    await ctx.session.execute(
        insert_ignoring_conflicts(ctx.session, IdeaVote),
        [
            {
                "idea_id": idea.id,
                "person_id": person.id,
                "customer_id": customer_id,
                "created_at": ctx.now,
            }
        ],
    )
    return True


async def vote(ctx: Context, idea_id: int, person: Person, channel: Channel | None) -> str:
    idea = await ctx.session.get(Idea, idea_id)
    if idea is None or idea.status == "draft":
        return f"I can't find idea #{idea_id}. `/presence ideas` lists them."
    customer_id = (channel.customer_id if channel else None) or person.customer_id
    added = await _vote(ctx, idea, person, customer_id)
    await _drop_draft_of(ctx, person)
    votes = await votes_of(ctx, idea.id)
    if not added:
        return f"You have already voted for idea #{idea.id} ({describe_votes(ctx, votes)})."
    ctx.audit(person.qualified, "idea.voted", f"idea:{idea.id}")
    return f"Your vote for idea #{idea.id} is counted: {describe_votes(ctx, votes)}."


async def _drop_draft_of(ctx: Context, person: Person) -> None:
    """Voting instead of proposing: the draft the duplicate check kept goes."""
    drafts = await ctx.session.scalars(
        select(Idea).where(Idea.proposer_id == person.id, Idea.status == "draft")
    )
    for draft in drafts:
        await ctx.session.delete(draft)


async def set_status(ctx: Context, idea_id: int, status: str, note: str | None, by: Person) -> str:
    idea = await ctx.session.get(Idea, idea_id)
    if idea is None or idea.status == "draft":
        return f"I can't find idea #{idea_id}."
    if idea.status == status:
        # Customers heard about this status once; a second `idea-status` with the
        # same status (a colleague, a retyped command) only replaces the note.
        if not note or note == idea.status_note:
            return f"Idea #{idea.id} is already {LABELS[status]}."
        idea.status_note, idea.updated_at = note, ctx.now
        ctx.audit(by.qualified, "idea.note", f"idea:{idea.id}", note)
        return (
            f"Idea #{idea.id} is already {LABELS[status]}; its note now reads: {short(note)}. "
            "Customers are not told again."
        )
    was = idea.status
    idea.status, idea.status_note = status, (note or None)
    idea.status_round += 1
    idea.updated_at = ctx.now
    ctx.session.add(
        IdeaComment(
            idea_id=idea.id,
            author_id=by.id,
            kind="status",
            text=f"{LABELS[status]}" + (f": {note}" if note else ""),
            created_at=ctx.now,
        )
    )
    ctx.audit(by.qualified, "idea.status", f"idea:{idea.id}", note, was=was, now=status)
    channels = (
        await ctx.session.scalars(
            select(Channel)
            .where(
                Channel.watched.is_(True),
                Channel.customer_id.in_(
                    select(IdeaVote.customer_id).where(
                        IdeaVote.idea_id == idea.id, IdeaVote.customer_id.is_not(None)
                    )
                ),
            )
            .order_by(Channel.id)
        )
    ).all()
    icon = ICONS.get(status, "📌")
    msg = OutgoingMessage(
        text=f"{icon} Idea #{idea.id}, which your team voted for, is now {LABELS[status]}.",
        title=f"Idea #{idea.id}: {LABELS[status]}",
        quote=short(idea.text, 300),
        context=note[:1000] if note else None,
    )
    for channel in channels:
        # One notice per channel per change, whatever retries or redeliveries happen.
        await ctx.say(
            f"idea:{idea.id}:r{idea.status_round}:{channel.qualified}",
            Destination.channel(channel.platform, channel.platform_id),
            msg,
            purpose="idea_notice",
        )
    return (
        f"Idea #{idea.id} is now {LABELS[status]} (was {LABELS[was]}); "
        f"{len(channels)} customer channel(s) will hear about it."
    )


async def board(ctx: Context, which: str, person: Person) -> OutgoingMessage:
    votes = select(IdeaVote.idea_id, func.count().label("n")).group_by(IdeaVote.idea_id).subquery()
    n = func.coalesce(votes.c.n, 0)
    query = select(Idea, n).join(votes, votes.c.idea_id == Idea.id, isouter=True)
    query = query.where(Idea.status != "draft")
    if which == "mine":
        mine = select(IdeaVote.idea_id).where(IdeaVote.person_id == person.id)
        query = query.where((Idea.proposer_id == person.id) | Idea.id.in_(mine))
    elif which in LABELS and which != "new":
        query = query.where(Idea.status == which)
    if which == "new":
        query = query.order_by(Idea.created_at.desc(), Idea.id.desc())
    elif which == "status":
        # Every idea, along its way: new, under review, … shipped, declined last.
        stage = case({s: i for i, s in enumerate(LABELS)}, value=Idea.status, else_=len(LABELS))
        query = query.order_by(stage, n.desc(), Idea.id)
    else:
        query = query.where(Idea.status != "declined") if which in ("top", "mine") else query
        query = query.order_by(n.desc(), Idea.id)
    rows = (await ctx.session.execute(query.limit(MAX_LISTED))).all()
    if not rows:
        return OutgoingMessage(
            text="No ideas here yet. Propose one with `/presence idea <your idea>`."
        )
    lines: list[str] = []
    buttons: list[Button] = []
    for idea, _count in rows:
        v = await votes_of(ctx, idea.id)
        lines.append(
            f"#{idea.id} · {LABELS[idea.status]} · {describe_votes(ctx, v)} · {short(idea.text)}"
        )
        if len(buttons) < MAX_BUTTONS and idea.status not in ("shipped", "declined"):
            buttons.append(Button(f"Vote #{idea.id}", f"idea:vote:{idea.id}"))
    title = "Ideas by status" if which == "status" else f"Ideas: {which}"
    return OutgoingMessage(text="\n".join(lines), title=title, buttons=tuple(buttons))


MAX_COMMENTS = 15


async def comment(ctx: Context, idea_id: int, person: Person, text: str) -> str:
    idea = await ctx.session.get(Idea, idea_id)
    if idea is None or idea.status == "draft":
        return f"I can't find idea #{idea_id}. `/presence ideas` lists them."
    ctx.session.add(
        IdeaComment(
            idea_id=idea.id,
            author_id=person.id,
            kind="comment",
            text=text.strip()[:2000],
            created_at=ctx.now,
        )
    )
    return f"Your comment is on idea #{idea.id}'s discussion: `/presence idea-show {idea.id}`."


async def show(ctx: Context, idea_id: int) -> OutgoingMessage:
    """An idea and its discussion. Authors appear as "staff" or by organisation
    (when the admin allows), never by name: the board is shared by every customer."""
    idea = await ctx.session.get(Idea, idea_id)
    if idea is None or idea.status == "draft":
        return OutgoingMessage(text=f"I can't find idea #{idea_id}. `/presence ideas` lists them.")
    votes = await votes_of(ctx, idea.id)
    lines = [f"{LABELS[idea.status]} · {describe_votes(ctx, votes)}"]
    if idea.status_note:
        lines.append(f"Note from the team: {short(idea.status_note, 500)}")
    rows = (
        await ctx.session.execute(
            select(IdeaComment, Person, Customer.name)
            .join(Person, Person.id == IdeaComment.author_id)
            .join(Customer, Customer.id == Person.customer_id, isouter=True)
            .where(IdeaComment.idea_id == idea.id)
            .order_by(IdeaComment.created_at.desc(), IdeaComment.id.desc())
            .limit(MAX_COMMENTS)
        )
    ).all()
    show_orgs = ctx.services.config.loop.ideas.show_organisations
    for c, author, org in reversed(rows):
        who = "staff" if author.is_staff else (org if show_orgs and org else "a customer")
        mark = "📌" if c.kind == "status" else "💬"
        lines.append(f"{mark} {who}: {short(c.text, 300)}")
    buttons: tuple[Button, ...] = ()
    if idea.status not in ("shipped", "declined"):
        buttons = (Button("Vote", f"idea:vote:{idea.id}", "primary"),)
    return OutgoingMessage(
        text="\n".join(lines),
        title=f"Idea #{idea.id}",
        quote=short(idea.text, 500),
        buttons=buttons,
    )
