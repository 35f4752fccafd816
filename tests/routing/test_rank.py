from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendar import BusinessCalendar
from bot.routing.history import ResolvedHistory
from bot.routing.model import ExpertProfile, RoutingRequest
from bot.routing.rank import choose, rank
from bot.routing.topics import TopicModel

HEL = ZoneInfo("Europe/Helsinki")
# Wednesday 12 March 2025, 10:00 in Helsinki, 08:00 UTC; 04:00 in New York.
NOW = datetime(2025, 3, 12, 10, tzinfo=HEL).astimezone(UTC)


def expert(
    user: str,
    topics: set[str],
    *,
    tz: str = "Europe/Helsinki",
    hours: str = "Mon-Fri 08:00-17:00",
    country: str | None = "FI",
    languages: set[str] | None = None,
    capacity: int = 5,
    backup: str | None = None,
    away: bool = False,
    days_off: tuple[date, ...] = (),
) -> ExpertProfile:
    return ExpertProfile(
        user=user,
        name=user.split(":")[1].title(),
        topics=frozenset(topics),
        languages=frozenset(languages or {"en"}),
        calendar=BusinessCalendar(tz, hours, country=country, days_off=days_off),
        capacity=capacity,
        backup=backup,
        away=away,
    )


def billing_history(resolver: str, n: int = 4) -> ResolvedHistory:
    h = ResolvedHistory()
    for i in range(n):
        h.add(
            f"invoice {i} was charged twice, how do I get a refund for the duplicate payment",
            ["billing"],
            [resolver],
            NOW - timedelta(days=2 + i),
        )
    h.add("the webhook returns 500 after deploy", ["api"], ["slack:ENG"], NOW - timedelta(days=1))
    return h


def ask(text: str, **kw: object) -> RoutingRequest:
    return RoutingRequest(text=text, language=kw.pop("language", "en"), now=NOW, **kw)  # type: ignore[arg-type]


def test_on_duty_topic_expert_beats_off_duty_better_match() -> None:
    history = billing_history("slack:NYC")  # the New York expert resolved all of these
    nyc = expert("slack:NYC", {"billing"}, tz="America/New_York", country="US")
    hel = expert("slack:HEL", {"billing"})
    req = ask("We were charged twice on our invoice, can we get a refund?", topic="billing")
    ranked = rank(req, [nyc, hel], {}, history)
    assert [c.user for c in ranked] == ["slack:HEL", "slack:NYC"]
    assert ranked[0].on_duty and not ranked[1].on_duty
    # At 10:00 in New York the better match is on duty and wins.
    later = RoutingRequest(req.text, "en", NOW + timedelta(hours=6), topic="billing")
    assert rank(later, [nyc, hel], {}, history)[0].user == "slack:NYC"


def test_public_holiday_in_the_experts_country_is_respected() -> None:
    history = billing_history("slack:HEL")
    hel = expert("slack:HEL", {"billing"})
    sto = expert("slack:STO", {"billing"}, tz="Europe/Stockholm", country="SE")
    # Friday 6 December 2024: Finnish Independence Day, a working day in Sweden.
    at = datetime(2024, 12, 6, 11, tzinfo=HEL).astimezone(UTC)
    req = RoutingRequest("refund for a duplicate invoice payment", "en", at, topic="billing")
    ranked = rank(req, [hel, sto], {}, history)
    assert ranked[0].user == "slack:STO"
    assert "public holiday (Independence Day)" in " ".join(ranked[1].reasons)


def test_personal_day_off_and_away_count_as_off_duty() -> None:
    a = expert("slack:A", {"billing"}, days_off=(date(2025, 3, 12),))
    b = expert("slack:B", {"billing"}, away=True)
    c = expert("slack:C", {"billing"})
    ranked = rank(ask("refund please", topic="billing"), [a, b, c], {}, billing_history("slack:A"))
    assert ranked[0].user == "slack:C"
    assert any(r.startswith("day off") for r in ranked[1].reasons + ranked[2].reasons)


def test_load_moves_the_next_question_to_the_second_candidate() -> None:
    history = billing_history("slack:A")
    a = expert("slack:A", {"billing"}, capacity=2)
    b = expert("slack:B", {"billing"}, capacity=2)
    req = ask("duplicate invoice charge refund", topic="billing")
    assert choose(req, [a, b], {}, history).assignee == "slack:A"
    full = choose(req, [a, b], {"slack:A": 2}, history)
    assert full.assignee == "slack:B"
    assert "at capacity: 2 open of 2" in full.candidates[1].reasons


def test_nobody_fits_goes_to_triage() -> None:
    history = billing_history("slack:A")
    a = expert("slack:A", {"billing"})
    fi_only = expert("slack:FI", {"kubernetes"}, languages={"fi"})
    got = choose(
        ask("How do I rotate the kubernetes TLS cert?", topic="kubernetes"),
        [a, fi_only],
        {},
        history,
    )
    assert got.to_triage and got.assignee is None
    assert "does not speak en" in got.candidates[0].reasons + got.candidates[1].reasons
    assert choose(ask("anything", topic="gardening"), [], {}, history).to_triage


def test_owner_first_policy_and_backup() -> None:
    history = billing_history("slack:A")
    a = expert("slack:A", {"billing"}, backup="slack:B")
    b = expert("slack:B", set())
    owner = expert("slack:OWN", set())
    req = ask("invoice refund", topic="billing", customer_owner="slack:OWN", owner_first=True)
    got = choose(req, [a, b, owner], {}, history)
    assert got.assignee == "slack:OWN"
    assert "account owner for this customer" in got.candidates[0].reasons
    # Expert A is away: the backup takes it over an unrelated colleague.
    away_a = expert("slack:A", {"billing"}, backup="slack:B", away=True)
    got = choose(ask("invoice refund", topic="billing"), [away_a, b], {}, history)
    assert got.assignee == "slack:B"
    assert "backup for A, who is not available" in got.candidates[0].reasons


def test_reasons_are_words_a_person_reads() -> None:
    history = billing_history("slack:A", n=4)
    a = expert("slack:A", {"billing"}, capacity=5)
    got = choose(
        ask("we were charged twice on the invoice", topic="billing"), [a], {"slack:A": 2}, history
    )
    reasons = got.candidates[0].reasons
    assert "resolved 4 similar questions this month" in reasons
    assert "on duty until 17:00 Helsinki" in reasons
    assert "2 open of 5" in reasons
    assert "declared expert in billing" in reasons
    for r in reasons:
        assert re.fullmatch(r"[A-Za-z0-9 :;,()'.-]+", r), r
    assert got.reason.startswith("declared expert in billing")


def test_topic_is_classified_from_declared_keywords_and_learned_history() -> None:
    model = TopicModel({"billing": ["invoice", "refund"], "api": ["webhook", "endpoint"]})
    assert model.classify("the webhook keeps timing out")[0] == "api"
    assert model.classify("good morning")[0] is None
    model.learn("our pods crash looping on the cluster", ["kubernetes"])
    model.learn("cluster nodes out of memory, pods evicted", ["kubernetes"])
    topic, confidence = model.classify("pods evicted from the cluster again")
    assert topic == "kubernetes" and confidence > 0.5
    history = billing_history("slack:A")
    a = expert("slack:A", {"billing"})
    k = expert("slack:K", {"kubernetes"})
    got = choose(ask("pods evicted from the cluster again"), [a, k], {}, history, model)
    assert got.topic == "kubernetes" and got.assignee == "slack:K"


def test_the_asker_is_never_routed_their_own_question() -> None:
    history = billing_history("slack:A")
    a = expert("slack:A", {"billing"})
    b = expert("slack:B", {"billing"})
    req = RoutingRequest("invoice refund", "en", NOW, topic="billing", asker="slack:A")
    assert [c.user for c in rank(req, [a, b], {}, history)] == ["slack:B"]
