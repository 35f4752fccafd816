"""The staff command suite behind `/presence`: one module per family of verbs,
registered by name against the grammar in bot/commands."""

from handlers.commands import (  # importing registers the verbs
    admin,
    broadcasts,
    config_view,
    digest,
    export,
    feedback,
    ideas,
    notes,
    sensitivity,
    service,
    snippets,
    stats,
    work,
)
from handlers.commands.run import on_command

__all__ = [
    "admin",
    "broadcasts",
    "config_view",
    "digest",
    "export",
    "feedback",
    "ideas",
    "notes",
    "sensitivity",
    "service",
    "on_command",
    "snippets",
    "stats",
    "work",
]
