"""Conversation grouping (chat disentanglement): which earlier message a new one continues."""

from bot.grouping.grouper import Grouper
from bot.grouping.types import Decision, GroupMessage

__all__ = ["Decision", "GroupMessage", "Grouper"]
