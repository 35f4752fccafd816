"""The `/presence` grammar: verbs, levels, parsing and help, platform-neutral.

Adapters render `spec.VERBS` (Slack slash command, Discord command group);
handlers/commands runs what `parse.parse` returns."""

from bot.commands.levels import Level, refusal
from bot.commands.parse import Parsed, parse
from bot.commands.refs import ChannelMention, UserMention
from bot.commands.spec import VERBS, Arg, Kind, Verb, lookup

__all__ = [
    "VERBS",
    "Arg",
    "ChannelMention",
    "Kind",
    "Level",
    "Parsed",
    "UserMention",
    "Verb",
    "lookup",
    "parse",
    "refusal",
]
