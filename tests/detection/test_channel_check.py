"""The channel check set (issue #6): per language 60 customer messages and 15 replies
after an answer, written and labelled before the detector saw them
(tests/data/detection/channel_check/, see its README).

The first run got 83 of 375 wrong (en 19, fi 14, sv 17, da 15, no 18), mostly
missed problem reports without "?" ("exports over 10k rows just time out",
"notiserna kommer dubbelt i slack") and missed resolutions ("you can close this",
"kaikki kunnossa"). The lines in STAYS_WRONG are still wrong, each for a reason
a rule could not fix without false alarms elsewhere; every other line must hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.detection import Detector
from tests.detection.labelled import judged_right, read_labelled

DATA = Path(__file__).resolve().parents[1] / "data" / "detection" / "channel_check"
LANGS = ("en", "fi", "sv", "da", "no")

_COLLEAGUE = (
    "a question to a colleague by @mention: the mention is removed before reading and the "
    "line asks the supplier if the person is on the supplier's staff, which one line "
    "cannot tell"
)
STAYS_WRONG: dict[str, str] = {
    "@mikko did you already send the PO to procurement?": _COLLEAGUE,
    "I wonder if we should move the marketing team over too at some point, @sara thoughts?": (
        _COLLEAGUE
    ),
    "@mikko ootko jo laittanu tilauksen hankintaan?": _COLLEAGUE,
    "mietin et pitäiskö markkinointikin siirtää tähän, @sara mitä mieltä?": _COLLEAGUE,
    "@johan har du skickat beställningen till inköp än?": _COLLEAGUE,
    "funderar på om vi ska flytta över marknad också, @sara vad tycker du?": _COLLEAGUE,
    "@lars har du sendt ordren til indkøb?": _COLLEAGUE,
    "overvejer om marketing også skal over på det, @sara hvad tænker du?": _COLLEAGUE,
    "@ola har du sendt bestillingen til innkjøp?": _COLLEAGUE,
    "lurer på om markedsavdelingen også skal over, @sara hva tenker du?": _COLLEAGUE,
    "we got an invoice for 45 seats but we only have 30 users": (
        "the problem is a mismatch of two numbers, which no phrase of the line names"
    ),
    "we were charged in USD even though our account is set to EUR": (
        "an expectation broken ('even though'); concessive clauses as a symptom made 5 swda "
        "false alarms"
    ),
    "var ingen bugg, vi hade fel filter på 🙈": (
        "sentence-first 'var' now reads as 'was', but the model still scores the line 0.57"
    ),
    "går igjen etter hotfixen": (
        "Norwegian 'går igjen' is also 'recurs', so it is no resolution phrase"
    ),
}


def _lines() -> list[tuple[str, str, str]]:
    return [
        (lang, label, text) for lang in LANGS for label, text in read_labelled(DATA / f"{lang}.txt")
    ]


LINES = _lines()


def test_the_set_is_complete() -> None:
    for lang in LANGS:
        labels = [label for lg, label, _ in LINES if lg == lang]
        assert len(labels) == 75, lang
        assert sum(label in "QN" for label in labels) == 60, lang
        assert sum(label in "RO" for label in labels) == 15, lang
    texts = {text for _, _, text in LINES}
    assert set(STAYS_WRONG) <= texts


@pytest.mark.parametrize(
    ("lang", "label", "text"), [x for x in LINES if x[2] not in STAYS_WRONG], ids=str
)
def test_line(det: Detector, lang: str, label: str, text: str) -> None:
    d = det.detect(text)
    assert judged_right(det, label, text), (lang, label, d.kind, d.score, d.resolves, d.reasons)


@pytest.mark.parametrize("text", sorted(STAYS_WRONG))
def test_known_wrong_is_still_wrong(det: Detector, text: str) -> None:
    # When one of these starts to pass, move it out of STAYS_WRONG.
    label = next(label for _, label, t in LINES if t == text)
    assert not judged_right(det, label, text)
