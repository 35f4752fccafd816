"""Service status: components and incidents, declared by staff or read from a
Statuspage summary. A new question that matches an open incident is linked to it
and its asker told at once; every update and the resolution reach every linked
thread once (outbox keys name the update and the question)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from bot.board.asks import asks_about_status, matches_incident
from bot.board.statuspage import PageIncident, Summary
from bot.context import Context
from bot.outgoing import Destination, OutgoingMessage
from db.models import Channel, Component, Incident, IncidentLink, IncidentUpdate, Message, Question
from handlers.questions import thread_ref

RESOLVED = "resolved"
COMPONENT_LABELS = {
    "operational": "🟢 operational",
    "degraded_performance": "🟡 degraded performance",
    "partial_outage": "🟠 partial outage",
    "major_outage": "🔴 major outage",
    "under_maintenance": "🔧 under maintenance",
}
# The command's short words for Statuspage's component states.
COMPONENT_WORDS = {
    "operational": "operational",
    "degraded": "degraded_performance",
    "partial": "partial_outage",
    "major": "major_outage",
    "maintenance": "under_maintenance",
}


def _short(text: str, n: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


async def open_incidents(ctx: Context) -> Sequence[Incident]:
    return (
        await ctx.session.scalars(
            select(Incident).where(Incident.status != RESOLVED).order_by(Incident.id)
        )
    ).all()


async def current(ctx: Context) -> OutgoingMessage:
    """The service's state as a customer reads it."""
    incidents = await open_incidents(ctx)
    components = (await ctx.session.scalars(select(Component).order_by(Component.name))).all()
    lines = []
    if not incidents and not components and ctx.services.config.loop.status.statuspage_url:
        # A page is configured but was never read: say so rather than "all is well".
        lines.append("No status is known yet: the status page has not been read.")
    elif not incidents and all(c.status == "operational" for c in components):
        lines.append("✅ All systems operational.")
    for inc in incidents:
        latest = await _latest_update(ctx, inc.id)
        lines.append(f"⚠️ Incident #{inc.id}: {inc.title} ({inc.status})")
        if latest is not None:
            lines.append(f"   latest: {_short(latest.body, 200)}")
    for c in components:
        lines.append(f"{c.name}: {COMPONENT_LABELS.get(c.status, c.status)}")
    return OutgoingMessage(text="\n".join(lines), title="Service status")


async def _latest_update(ctx: Context, incident_id: int) -> IncidentUpdate | None:
    found: IncidentUpdate | None = await ctx.session.scalar(
        select(IncidentUpdate)
        .where(IncidentUpdate.incident_id == incident_id)
        .order_by(IncidentUpdate.created_at.desc(), IncidentUpdate.id.desc())
        .limit(1)
    )
    return found


async def has_status_data(ctx: Context) -> bool:
    if ctx.services.config.loop.status.statuspage_url:
        return True
    n = await ctx.session.scalar(select(func.count()).select_from(Component))
    m = await ctx.session.scalar(select(func.count()).select_from(Incident))
    return bool(n or m)


async def open_incident(
    ctx: Context,
    title: str,
    by: str,
    *,
    components: Sequence[str] = (),
    impact: str = "minor",
    external_id: str | None = None,
    source: str = "manual",
) -> Incident:
    inc = Incident(
        external_id=external_id,
        title=title.strip()[:500],
        status="investigating",
        impact=impact[:16],
        components=list(components),
        source=source,
        opened_by=by,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(inc)
    await ctx.session.flush()
    ctx.audit(by, "incident.opened", f"incident:{inc.id}", None, title=inc.title)
    return inc


async def record_update(
    ctx: Context,
    inc: Incident,
    status: str,
    body: str,
    by: str,
    *,
    external_id: str | None = None,
    notify: bool = True,
) -> IncidentUpdate:
    """Store an update and post it to every linked thread (unless `notify` is
    off: the caller posts several at once); a `resolved` update resolves the
    incident."""
    update = IncidentUpdate(
        incident_id=inc.id,
        external_id=external_id,
        status=status[:32],
        body=body.strip()[:4000] or status,
        by=by,
        created_at=ctx.now,
    )
    ctx.session.add(update)
    await ctx.session.flush()
    if status != inc.status:
        inc.status = status[:32]
    inc.updated_at = ctx.now
    if status == RESOLVED and inc.resolved_at is None:
        inc.resolved_at = ctx.now
        ctx.audit(by, "incident.resolved", f"incident:{inc.id}")
    if notify:
        await _tell_linked(ctx, inc, [update])
    return update


def _update_line(inc: Incident, update: IncidentUpdate, limit: int) -> str:
    icon = "✅" if update.status == RESOLVED else "ℹ️"
    what = "is resolved" if update.status == RESOLVED else f"update ({update.status})"
    return f"{icon} Incident #{inc.id} {what}: {_short(update.body, limit)}"


async def _tell_linked(ctx: Context, inc: Incident, updates: list[IncidentUpdate]) -> None:
    """One message per linked thread for these updates, oldest first. Several in
    one message keep their order: separate messages sent at once may not."""
    if not updates:
        return
    limit = max(200, 1500 // len(updates))
    msg = OutgoingMessage(
        text="\n".join(_update_line(inc, u, limit) for u in updates),
        title=inc.title[:200],
    )
    update = updates[-1]
    for q in await linked_questions(ctx, inc.id):
        thread = await _thread_of(ctx, q)
        if thread is None:
            continue
        await ctx.say(
            f"inc:{inc.id}:u{update.id}:q{q.id}",
            thread,
            msg,
            purpose="incident",
            question_id=q.id,
        )


async def linked_questions(ctx: Context, incident_id: int) -> Sequence[Question]:
    return (
        await ctx.session.scalars(
            select(Question)
            .join(IncidentLink, IncidentLink.question_id == Question.id)
            .where(IncidentLink.incident_id == incident_id)
            .order_by(Question.id)
        )
    ).all()


async def _thread_of(ctx: Context, q: Question) -> Destination | None:
    channel = await ctx.session.get(Channel, q.channel_id)
    asked = await ctx.session.get(Message, q.message_id)
    if channel is None or asked is None:
        return None
    return Destination.thread(thread_ref(channel, asked))


async def on_new_question(ctx: Context, q: Question) -> None:
    """Link a new question to the open incident it matches and tell the asker at
    once; a question about status with no incident to match gets the status."""
    thread = await _thread_of(ctx, q)
    if thread is None:
        return
    for inc in await open_incidents(ctx):
        if not matches_incident(q.summary, inc.title, inc.components):
            continue
        ctx.session.add(IncidentLink(incident_id=inc.id, question_id=q.id, created_at=ctx.now))
        ctx.audit("system", "incident.linked", f"question:{q.id}", None, incident=inc.id)
        latest = await _latest_update(ctx, inc.id)
        text = f"This looks related to an ongoing incident #{inc.id}: {inc.title} ({inc.status})."
        if latest is not None:
            text += f" Latest: {_short(latest.body, 500)}"
        text += " We'll post its updates and its resolution in this thread."
        await ctx.say(
            f"inc:{inc.id}:link:q{q.id}",
            thread,
            OutgoingMessage(text=text, title="Known incident"),
            purpose="incident",
            question_id=q.id,
        )
        return
    if asks_about_status(q.summary) and await has_status_data(ctx):
        await ctx.say(
            f"status:q{q.id}", thread, await current(ctx), purpose="status", question_id=q.id
        )


async def set_component(ctx: Context, name: str, state: str, by: str) -> str:
    status = COMPONENT_WORDS.get(state, state)
    found = await ctx.session.scalar(
        select(Component).where(func.lower(Component.name) == name.lower())
    )
    if found is None:
        found = Component(name=name[:200], status=status, source="manual", updated_at=ctx.now)
        ctx.session.add(found)
    else:
        found.status, found.updated_at = status, ctx.now
    ctx.audit(by, "component.set", f"component:{name[:100]}", None, status=status)
    return f"{found.name} is now {COMPONENT_LABELS.get(status, status)}."


async def apply_summary(ctx: Context, summary: Summary) -> int:
    """Bring components and incidents in line with a Statuspage summary; returns
    how many changes it made (0 when nothing changed since the last poll)."""
    changes = 0
    known = (await ctx.session.scalars(select(Component))).all()  # one query, not one each
    by_external = {c.external_id: c for c in known if c.external_id}
    by_name = {c.name: c for c in known}
    for pc in summary.components:
        comp = by_external.get(pc.id)
        if comp is None:
            comp = by_name.get(pc.name[:200])
            if comp is None:
                comp = Component(name=pc.name[:200], updated_at=ctx.now)
                ctx.session.add(comp)
                by_name[comp.name] = comp
            comp.external_id, comp.source = pc.id, "statuspage"
            by_external[pc.id] = comp
            changes += 1
        if comp.status != pc.status or comp.name != pc.name[:200]:
            comp.status, comp.name, comp.updated_at = pc.status, pc.name[:200], ctx.now
            changes += 1
    seen = set()
    for pi in summary.incidents:
        seen.add(pi.id)
        changes += await _apply_incident(ctx, pi)
    # The summary lists unresolved incidents: one that left it was resolved.
    for inc in await open_incidents(ctx):
        if inc.source == "statuspage" and inc.external_id not in seen:
            await record_update(
                ctx, inc, RESOLVED, "This incident has been resolved.", "statuspage"
            )
            changes += 1
    return changes


async def _apply_incident(ctx: Context, pi: PageIncident) -> int:
    inc = await ctx.session.scalar(select(Incident).where(Incident.external_id == pi.id))
    if inc is None:
        if pi.resolved:
            return 0  # resolved before we saw it: nobody here was told about it
        inc = await open_incident(
            ctx,
            pi.name,
            "statuspage",
            components=pi.components,
            impact=pi.impact,
            external_id=pi.id,
            source="statuspage",
        )
    elif inc.status == RESOLVED:
        return 0
    known = set(
        (
            await ctx.session.scalars(
                select(IncidentUpdate.external_id).where(IncidentUpdate.incident_id == inc.id)
            )
        ).all()
    )
    new: list[IncidentUpdate] = []
    for u in pi.updates:
        if u.id in known:
            continue
        new.append(
            await record_update(
                ctx, inc, u.status, u.body, "statuspage", external_id=u.id, notify=False
            )
        )
    if pi.resolved and inc.status != RESOLVED:
        body = "This incident has been resolved."
        new.append(await record_update(ctx, inc, RESOLVED, body, "statuspage", notify=False))
    elif not pi.resolved and inc.status != pi.status:
        inc.status, inc.updated_at = pi.status[:32], ctx.now
        await _tell_linked(ctx, inc, new)
        return len(new) + 1
    # Everything this poll brought, in one message per thread.
    await _tell_linked(ctx, inc, new)
    return len(new)
