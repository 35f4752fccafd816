"""Mentions in command text, read by plain text rules that hold on every platform.

The adapters hand the core the text with references kept in the platforms'
shared angle-bracket form, so one set of rules reads them all:

| written                          | read as                              |
|----------------------------------|--------------------------------------|
| `<@U0AB12>`, `<@!123>`, `<@123>` | a user id on the caller's platform   |
| `<@U0AB12|erin>`                 | the same (the label is ignored)      |
| `slack:U0AB12`, `discord:123`    | a user or channel, platform-qualified|
| `@erin`                          | a user by display name               |
| `<#C0AB12>`, `<#C0AB12|acme>`    | a channel id on the caller's platform|
| `#acme`                          | a channel by name                    |

Role mentions (`<@&123>`) and broadcast words (`<!here>`, `@everyone`) are never
read as people. Nothing here looks anything up: a ref is resolved against the
database by the handler, and an unknown one is a friendly "I don't know ..."."""

from __future__ import annotations

import re
from dataclasses import dataclass

_USER_ID = re.compile(r"<@!?(?P<id>[A-Za-z0-9]{1,40})(?:\|[^>]{0,100})?>")
_CHANNEL_ID = re.compile(r"<#(?P<id>[A-Za-z0-9]{1,40})(?:\|(?P<name>[^>]{0,100}))?>")
_QUALIFIED = re.compile(r"(?P<platform>slack|discord|local):(?P<id>[A-Za-z0-9_-]{1,40})")
_NAME = re.compile(r"[\w.\-']{1,80}")
_BROADCAST = {"here", "everyone", "channel"}


@dataclass(frozen=True, slots=True)
class UserMention:
    """`id` on `platform` (None: the caller's platform), or a display `name`."""

    id: str | None = None
    platform: str | None = None
    name: str | None = None

    def qualified(self, caller_platform: str) -> str | None:
        if self.id is None:
            return None
        return f"{self.platform or caller_platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class ChannelMention:
    id: str | None = None
    platform: str | None = None
    name: str | None = None

    def qualified(self, caller_platform: str) -> str | None:
        if self.id is None:
            return None
        return f"{self.platform or caller_platform}:{self.id}"


def read_user(token: str) -> UserMention | None:
    if m := _USER_ID.fullmatch(token):
        return UserMention(id=m["id"])
    if m := _QUALIFIED.fullmatch(token):
        return UserMention(id=m["id"], platform=m["platform"])
    if token.startswith("@") and (m := _NAME.fullmatch(token[1:])):
        name = m.group(0)
        if name.casefold() in _BROADCAST:
            return None
        return UserMention(name=name)
    return None


def read_channel(token: str) -> ChannelMention | None:
    if m := _CHANNEL_ID.fullmatch(token):
        return ChannelMention(id=m["id"], name=(m["name"] or None))
    if m := _QUALIFIED.fullmatch(token):
        return ChannelMention(id=m["id"], platform=m["platform"])
    if token.startswith("#") and (m := _NAME.fullmatch(token[1:])) and not token[1:].isdigit():
        return ChannelMention(name=m.group(0))
    return None


_LEADING_USER = re.compile(r"\s*(<@!?[A-Za-z0-9]{1,40}(?:\|[^>]{0,100})?>)[\s,:;]*")


def leading_users(text: str) -> list[UserMention]:
    """The people a message opens by addressing: "<@U1> <@U2>, can you ..." -> U1, U2."""
    out: list[UserMention] = []
    pos = 0
    while (m := _LEADING_USER.match(text, pos)) is not None:
        mention = read_user(m.group(1))
        if mention is None:
            break
        out.append(mention)
        pos = m.end()
    return out
