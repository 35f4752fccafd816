from bot.grouping.data import Line, Stream
from bot.grouping.evaluate import evaluate, previous_message
from bot.grouping.metrics import Scores


def test_perfect_prediction_scores_100_everywhere() -> None:
    s = Scores()
    parents = {0: [0], 1: [0], 2: [2], 3: [1], 4: [2]}
    conv = {0: "a", 1: "a", 2: "b", 3: "a", 4: "b"}
    s.add_stream("x", {i: p[0] for i, p in parents.items()}, parents, conv)
    d = s.as_dict()
    assert d["link_f"] == 100.0 and d["vi"] == 100.0 and d["one_to_one"] == 100.0
    assert d["exact_f"] == 100.0


def test_everything_in_one_conversation_is_penalised() -> None:
    s = Scores()
    parents = {0: [0], 1: [0], 2: [2], 3: [2], 4: [4], 5: [4]}
    conv = {0: 0, 1: 0, 2: 1, 3: 1, 4: 2, 5: 2}
    chain = {0: 0, 1: 0, 2: 1, 3: 2, 4: 3, 5: 4}
    s.add_stream("x", chain, parents, conv)
    _, _, f = s.link_prf()
    assert round(f, 1) == 66.7  # 0, 1, 3 and 5 right; 2 and 4 wrongly chained
    assert s.one_to_one() == 100.0 * 2 / 6
    assert s.exact_prf()[2] == 0.0
    assert s.vi() < 100.0


def test_only_annotated_lines_are_scored_and_baseline_skips_system_lines() -> None:
    lines = (
        Line(0, 0.0, "msg", "a", "context", None, None),
        Line(1, None, "system", None, "b has joined", (1,), 0),
        Line(2, 60.0, "msg", "b", "question?", (2,), 1),
        Line(3, 60.0, "msg", "a", "b: answer", (2,), 1),
    )
    rep = evaluate([Stream("s", "ubuntu", "dev", lines)], previous_message)
    d = rep.overall.as_dict()
    assert d["messages"] == 3
    # baseline: 1 -> itself (right), 2 -> 0 (wrong), 3 -> 2 (right)
    assert round(d["link_p"], 1) == 66.7
