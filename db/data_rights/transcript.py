"""One Markdown transcript per conversation: who wrote what, when, what was edited
or deleted, and which files were attached."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

REMOVED = {
    "erased": "_[text erased at the person's request]_",
    "retention": "_[text removed: older than the retention period]_",
}


def transcript_name(channel: str, root: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{channel}-{root}") + ".md"


def _at(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M:%S UTC")


def _size(n: Any) -> str:
    if not isinstance(n, int):
        return "size unknown"
    return f"{n} B" if n < 1024 else f"{n / 1024:.0f} kB"


def render(customer: str, conv: dict[str, Any]) -> str:
    msgs = conv["messages"]
    lines = [
        f"# {customer} · {conv['channel']} · conversation {conv['root_message_id']}",
        "",
        f"Started {_at(conv['started_at'])} · {len(msgs)} message(s) in this export",
        "",
    ]
    for m in msgs:
        who = m["author_name"] or m["author"]
        role = " (staff)" if m["author_is_staff"] else ""
        lines.append(f"**{who}**{role} · {_at(m['created_at'])}")
        if m["text_removed"]:
            lines.append(REMOVED.get(m["text_removed"], "_[text removed]_"))
        else:
            lines.extend(m["text"].splitlines() or [""])
        for e in m["edits"]:
            if e["previous_text"]:
                lines.append(f"> earlier version (until {_at(e['edited_at'])}):")
                lines.extend("> " + ln for ln in e["previous_text"].splitlines())
        if m["edited_at"]:
            lines.append(f"_(edited {_at(m['edited_at'])})_")
        if m["deleted_at"]:
            lines.append(f"_(deleted on the platform {_at(m['deleted_at'])})_")
        for a in m["attachments"]:
            lines.append(
                f"- attachment: {a.get('name')} ({a.get('type') or 'file'}, {_size(a.get('size'))})"
            )
        lines.append("")
    return "\n".join(lines)
