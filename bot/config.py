"""The TOML config file (PRESENCE_CONFIG): customers, channels, staff, experts,
topics, SLA policies, the support calendar.

Parsed strictly: an unknown key or a wrong type is a one-line ConfigError that
names it, because a typo in a config silently ignored is an SLA silently missed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.board.config import LoopConfig, parse_loop
from bot.config_table import Table, array_of_tables, check_id, check_ids, check_zone
from bot.errors import ConfigError
from bot.priorities import PRIORITIES
from bot.routing.config import RoutingConfig, parse_routing
from bot.routing.quiet import parse_window
from bot.sensitivity import DEFAULT as DEFAULT_SENSITIVITY
from bot.sensitivity import HELP, normalised
from bot.sla_config import SlaConfig, StaleConfig, parse_sla, parse_stale


@dataclass(frozen=True)
class SupportConfig:
    timezone: str = "UTC"
    hours: str = "Mon-Fri 09:00-17:00"
    country: str | None = None
    triage_channel: str | None = None
    leads: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()  # may run every /presence verb (bot/commands)
    language: str = "en"
    # Escalation: who the "backup" step reaches when the assignee has no backup, and
    # the group mention (written as the platform spells it, e.g. "<!subteam^S0123>")
    # put in front of the triage step's post.
    on_call: tuple[str, ...] = ()
    triage_mention: str | None = None


@dataclass(frozen=True)
class CustomerConfig:
    name: str
    tier: str = "standard"
    owner: str | None = None
    channels: tuple[str, ...] = ()
    timezone: str | None = None
    language: str | None = None
    triage: bool = True  # post a triage card for every question of this customer
    priority: str = "normal"  # what this customer's questions open with
    retention_days: int | None = None  # message text older than this is purged; None: default
    sensitivity: str | None = None  # its channels' question sensitivity; None: [detection]


@dataclass(frozen=True)
class ExpertConfig:
    user: str
    name: str | None = None
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    timezone: str | None = None
    hours: str | None = None
    country: str | None = None
    days_off: tuple[date, ...] = ()
    capacity: int = 5
    backup: str | None = None
    quiet_hours: str | None = None  # "22:00-07:00" in their zone (bot/routing/quiet.py)


@dataclass(frozen=True)
class PersonConfig:
    """Overrides who someone is, and links one person's identities across platforms."""

    user: str
    role: str | None = None  # "staff" | "customer"
    name: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicConfig:
    name: str
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiscordConfig:
    staff_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReactionConfig:
    take: str = "eyes"
    resolve: str = "white_check_mark"
    question: str = "ticket"


@dataclass(frozen=True)
class CsatConfig:
    """The satisfaction prompt after a resolve: on or off, the share of resolved
    questions that get one, and how long one asker is left alone after a prompt."""

    enabled: bool = True
    sample: float = 1.0
    cooldown: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class DetectionConfig:
    sensitivity: str = "balanced"  # a preset name or a number in [0, 1]


@dataclass(frozen=True)
class RetentionConfig:
    default_days: int | None = None  # None: message text is kept until forgotten


@dataclass(frozen=True)
class PresenceConfig:
    support: SupportConfig = field(default_factory=SupportConfig)
    customers: tuple[CustomerConfig, ...] = ()
    experts: tuple[ExpertConfig, ...] = ()
    people: tuple[PersonConfig, ...] = ()
    topics: tuple[TopicConfig, ...] = ()
    sla: tuple[SlaConfig, ...] = ()
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    reactions: ReactionConfig = field(default_factory=ReactionConfig)
    detection: DetectionConfig = field(default_factory=DetectionConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    stale: StaleConfig = field(default_factory=StaleConfig)
    loop: LoopConfig = field(default_factory=LoopConfig)  # ideas, status, digests
    csat: CsatConfig = field(default_factory=CsatConfig)
    routing: RoutingConfig = field(default_factory=RoutingConfig)  # offers, quiet hours

    def retention_days_for(self, customer_name: str | None) -> int | None:
        """Days a customer's message text is kept (None: kept until forgotten)."""
        for customer in self.customers:
            if customer.name == customer_name and customer.retention_days is not None:
                return customer.retention_days
        return self.retention.default_days

    def sensitivity_for(self, qualified_channel: str) -> str:
        """The file's sensitivity for a channel: its customer's, else [detection]'s."""
        return self.sensitivity_source(qualified_channel)[0]

    def sensitivity_source(self, qualified_channel: str) -> tuple[str, str]:
        """(sensitivity, where in the file it comes from) for a channel."""
        customer = self.customer_for_channel(qualified_channel)
        if customer is not None and customer.sensitivity is not None:
            return customer.sensitivity, f"customer {customer.name} in the config file"
        return self.detection.sensitivity, "the config file's default"

    def customer_for_channel(self, qualified_channel: str) -> CustomerConfig | None:
        for customer in self.customers:
            if qualified_channel in customer.channels:
                return customer
        return None

    def sla_for(self, tier: str, priority: str) -> SlaConfig:
        """The most specific policy: tier+priority, then tier, then '*', then a default."""
        best: SlaConfig | None = None
        best_rank = -1
        for policy in self.sla:
            if policy.tier not in (tier, "*"):
                continue
            if policy.priority not in (None, priority):
                continue
            rank = (2 if policy.tier == tier else 0) + (1 if policy.priority else 0)
            if rank > best_rank:
                best, best_rank = policy, rank
        return best or SlaConfig()


def parse_config(data: dict[str, Any]) -> PresenceConfig:
    top = Table(data, "config")
    support = _support(top)
    customers = tuple(_customer(t, i) for i, t in enumerate(array_of_tables(data, "customers")))
    experts = tuple(_expert(t, i) for i, t in enumerate(array_of_tables(data, "experts")))
    people = tuple(_person(t, i) for i, t in enumerate(array_of_tables(data, "people")))
    topics = tuple(_topic(t, i) for i, t in enumerate(array_of_tables(data, "topics")))
    sla = tuple(parse_sla(t, i) for i, t in enumerate(array_of_tables(data, "sla")))
    for key in ("customers", "experts", "people", "topics", "sla"):
        top.used.add(key)
    discord = Table(data.get("discord", {}), "discord")
    top.used.add("discord")
    discord_cfg = DiscordConfig(staff_roles=discord.texts("staff_roles"))
    discord.done()
    reactions = Table(data.get("reactions", {}), "reactions")
    top.used.add("reactions")
    reactions_cfg = ReactionConfig(
        take=reactions.text("take", "eyes"),
        resolve=reactions.text("resolve", "white_check_mark"),
        question=reactions.text("question", "ticket"),
    )
    reactions.done()
    detection = Table(data.get("detection", {}), "detection")
    top.used.add("detection")
    detection_cfg = DetectionConfig(
        sensitivity=_sensitivity(detection.text("sensitivity"), "detection") or DEFAULT_SENSITIVITY
    )
    detection.done()
    retention = Table(data.get("retention", {}), "retention")
    top.used.add("retention")
    retention_cfg = RetentionConfig(default_days=_days(retention, "default_days"))
    retention.done()
    stale_cfg = parse_stale(top)
    loop_cfg = parse_loop(top)
    csat_cfg = _csat(top)
    routing_cfg = parse_routing(top)
    top.done()
    names = [c.name.casefold() for c in customers]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError(f"config: customer name(s) declared twice: {', '.join(dup)}")
    return PresenceConfig(
        support=support,
        customers=customers,
        experts=experts,
        people=people,
        topics=topics,
        sla=sla,
        discord=discord_cfg,
        reactions=reactions_cfg,
        detection=detection_cfg,
        retention=retention_cfg,
        stale=stale_cfg,
        loop=loop_cfg,
        csat=csat_cfg,
        routing=routing_cfg,
    )


def _csat(top: Table) -> CsatConfig:
    top.used.add("csat")
    t = Table(top.data.get("csat", {}), "csat")
    sample = t.number("sample", 1.0)
    if not 0 <= sample <= 1:
        raise ConfigError("config: csat.sample must be between 0 and 1")
    cfg = CsatConfig(
        enabled=t.flag("enabled", True),
        sample=sample,
        cooldown=t.duration("cooldown", timedelta(days=7)) or timedelta(days=7),
    )
    t.done()
    return cfg


def _days(t: Table, key: str) -> int | None:
    if t.data.get(key) is None:
        t.used.add(key)
        return None
    days = t.integer(key, 0)
    if days < 1:
        raise ConfigError(f"config: {t.where}.{key} must be a whole number of days >= 1")
    return days


def _support(top: Table) -> SupportConfig:
    top.used.add("support")
    t = Table(top.data.get("support", {}), "support")
    cfg = SupportConfig(
        timezone=check_zone(t.text("timezone", "UTC"), "support.timezone") or "UTC",
        hours=t.text("hours", "Mon-Fri 09:00-17:00"),
        country=t.text("country"),
        triage_channel=check_id(t.text("triage_channel"), "support.triage_channel"),
        leads=check_ids(t.texts("leads"), "support.leads"),
        admins=check_ids(t.texts("admins"), "support.admins"),
        language=t.text("language", "en"),
        on_call=check_ids(t.texts("on_call"), "support.on_call"),
        triage_mention=t.text("triage_mention"),
    )
    t.done()
    return cfg


def _customer(raw: Any, i: int) -> CustomerConfig:
    t = Table(raw, f"customers[{i}]")
    cfg = CustomerConfig(
        name=t.text("name", required=True),
        tier=t.text("tier", "standard"),
        owner=check_id(t.text("owner"), f"customers[{i}].owner"),
        channels=check_ids(t.texts("channels"), f"customers[{i}].channels"),
        timezone=check_zone(t.text("timezone"), f"customers[{i}].timezone"),
        language=t.text("language"),
        triage=t.flag("triage", True),
        priority=_priority(t.text("priority", "normal"), f"customers[{i}].priority"),
        retention_days=_days(t, "retention_days"),
        sensitivity=_sensitivity(t.text("sensitivity"), f"customers[{i}]"),
    )
    t.done()
    return cfg


def _sensitivity(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    try:
        return normalised(value)
    except ValueError:
        raise ConfigError(f"config: {where}.sensitivity must be {HELP}") from None


def _priority(value: str | None, where: str) -> str:
    if value not in PRIORITIES:
        raise ConfigError(f"config: {where} must be one of {', '.join(PRIORITIES)}")
    return value


def _expert(raw: Any, i: int) -> ExpertConfig:
    t = Table(raw, f"experts[{i}]")
    days: list[date] = []
    for d in t.texts("days_off"):
        try:
            days.append(date.fromisoformat(d))
        except ValueError:
            raise ConfigError(f"config: experts[{i}].days_off has a bad date {d!r}") from None
    cfg = ExpertConfig(
        user=check_id(t.text("user", required=True), f"experts[{i}].user") or "",
        name=t.text("name"),
        topics=t.texts("topics"),
        languages=t.texts("languages", ("en",)),
        timezone=check_zone(t.text("timezone"), f"experts[{i}].timezone"),
        hours=t.text("hours"),
        country=t.text("country"),
        days_off=tuple(days),
        capacity=t.integer("capacity", 5),
        backup=check_id(t.text("backup"), f"experts[{i}].backup"),
        quiet_hours=t.text("quiet_hours"),
    )
    if cfg.quiet_hours is not None:
        parse_window(cfg.quiet_hours, what=f"config: experts[{i}].quiet_hours")
    t.done()
    return cfg


def _person(raw: Any, i: int) -> PersonConfig:
    t = Table(raw, f"people[{i}]")
    role = t.text("role")
    if role not in (None, "staff", "customer"):
        raise ConfigError(f"config: people[{i}].role must be 'staff' or 'customer'")
    cfg = PersonConfig(
        user=check_id(t.text("user", required=True), f"people[{i}].user") or "",
        role=role,
        name=t.text("name"),
        also=check_ids(t.texts("also"), f"people[{i}].also"),
    )
    t.done()
    return cfg


def _topic(raw: Any, i: int) -> TopicConfig:
    t = Table(raw, f"topics[{i}]")
    cfg = TopicConfig(
        name=t.text("name", required=True),
        keywords=t.texts("keywords"),
        examples=t.texts("examples"),
    )
    t.done()
    return cfg


def load_config(path: Path | None) -> PresenceConfig:
    """The config at `path`; an empty config when no file is configured."""
    if path is None:
        return PresenceConfig()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as e:
        raise ConfigError(f"config file {path} cannot be read: {e.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from None
    return parse_config(data)
