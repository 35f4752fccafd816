from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.routing.history import ResolvedHistory

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_similar_finds_the_matching_question_and_its_resolver() -> None:
    h = ResolvedHistory()
    h.add("How do I rotate my API key?", ["api"], ["slack:U1"], T0, ref="q1")
    h.add("Invoice shows the wrong VAT number", ["billing"], ["slack:U2"], T0, ref="q2")
    h.add("Dashboard is slow to load charts", ["ui"], ["slack:U3"], T0, ref="q3")
    top = h.similar("rotate the API key for production", k=1)
    assert top[0].question.ref == "q1" and top[0].question.resolvers == ("slack:U1",)
    assert h.similar("completely unrelated words zebra") == []


def test_activity_decays_with_half_life() -> None:
    h = ResolvedHistory(half_life_days=10)
    h.add("a question", [], ["slack:U1"], T0)
    assert abs(h.activity("slack:U1", T0 + timedelta(days=10)) - 0.5) < 1e-9
    assert h.activity("slack:NOBODY", T0) == 0.0


def test_history_is_bounded_and_forgets_the_oldest() -> None:
    h = ResolvedHistory(max_items=50)
    h.add("ancient kerberos ticket question", ["auth"], ["slack:OLD"], T0, ref="old")
    for i in range(100):
        h.add(f"question number {i} about widgets", ["w"], ["slack:U"], T0 + timedelta(hours=i))
    assert len(h) == 50
    assert h.similar("kerberos ticket") == []
    assert h.similar("widgets", k=2)[0].question.ref is None
