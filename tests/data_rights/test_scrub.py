"""The scrubber on its own: what counts as someone's words and name."""

from __future__ import annotations

from db.data_rights.scrub import ERASED, Scrubber

LONG = "How do I download the invoice for October as a PDF?"


def test_whole_and_shortened_quotes_are_erased() -> None:
    sc = Scrubber(texts={LONG, "ok thanks"}, names=["Anna Virtanen"], replacement="P1").build()
    assert sc.text(LONG) == ""
    assert sc.text(f"New question:\n{LONG}\nDue 10:00") == f"New question:\n{ERASED}\nDue 10:00"
    short = "#4 · Acme · How do I download the invoice for Oct…"
    assert sc.text(short) == f"#4 · Acme · {ERASED}"
    assert sc.text("Asked by Anna Virtanen at Acme") == "Asked by P1 at Acme"
    assert sc.text("asked by ANNA VIRTANEN") == "asked by P1"
    # A short text said by someone else is theirs: left alone.
    assert sc.text("ok thanks") == "ok thanks"
    # A name inside another word is not the name.
    assert Scrubber(names=["Ann"], replacement="P1").build().text("Annual plan, Ann") == (
        "Annual plan, P1"
    )


def test_exact_short_erases_whole_copies_only() -> None:
    sc = Scrubber(texts={"ok thanks"}, exact_short=True).build()
    assert sc.text("ok thanks") == ""
    assert sc.text("ok thanks, bye") == "ok thanks, bye"
    msg = {"text": "Question", "quote": "ok thanks", "fields": [["Asked by", "x"]]}
    assert sc.value(msg) == {"text": "Question", "quote": None, "fields": [["Asked by", "x"]]}
