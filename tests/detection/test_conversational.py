"""Chat and spoken phrasing: questions typed without "?", and statements that
only open like questions or only mention a request or a problem word."""

from __future__ import annotations

import pytest

from bot.detection import Detector


@pytest.mark.parametrize(
    "text",
    [
        "what time does the webinar start",
        "anyone else getting logged out every hour",
        "I'm not sure how to export the audit log",
        "we need it by friday, can you confirm",
    ],
)
def test_casual_questions_without_a_question_mark_need_a_reply(det: Detector, text: str) -> None:
    d = det.detect(text)
    assert d.is_question, d


@pytest.mark.parametrize(
    "text",
    [
        # a question word and a subject open a clause, not a question
        "what we ended up doing was a nightly export",
        "When we moved to the new plan, it got faster.",
        "Which is why we moved the job to Sunday.",
        # uncertainty alone asks nothing
        "I'm not sure it matters much",
        # "can you" / "please" that do not open the sentence ask for nothing
        "you know how you can never find anything in there",
        "oh please, not again",
        # "broken" alone is no problem report
        "that was a broken promise",
    ],
)
def test_statements_that_only_look_like_asking_need_no_reply(det: Detector, text: str) -> None:
    d = det.detect(text)
    assert not d.is_question, d
    assert d.kind not in ("request", "problem"), d


def test_the_same_words_still_report_and_request_where_they_lead(det: Detector) -> None:
    assert det.detect("the export is broken again").kind == "problem"
    assert det.detect("please add me to the beta").kind == "request"
    assert det.detect("hi, please enable SSO for our team").kind == "request"
    assert det.detect("snälla lägg till mig i betan").kind == "request"


@pytest.mark.parametrize(
    "text",
    [
        # a transcript writes a falling yes/no question with "."
        "So, uh, do you run the importer on your own servers.",
        # a hedge in front of the question
        "I mean, do you support SAML at all",
        "You know, is there a limit on seats",
        # "how's", "where's": the question word carries the verb
        "hows the migration going",
        "wheres the export button now",
    ],
)
def test_spoken_and_contracted_questions_need_a_reply(det: Detector, text: str) -> None:
    d = det.detect(text)
    assert d.is_question, d
    assert d.kind == "question", d


def test_a_closing_you_know_asks_nothing(det: Detector) -> None:
    d = det.detect("we just never had the time to set it up, you know?")
    assert not d.is_question, d
    assert det.detect("we never had the time to set it up, do you know why?").is_question


def test_a_person_not_working_is_no_problem_report(det: Detector) -> None:
    assert det.detect("my husband isn't working at the moment").kind != "problem"
    assert det.detect("the nightly export isn't working").kind == "problem"


@pytest.mark.parametrize(
    "text",
    ["i need a coffee so bad", "we'd like a bigger office one day", "jag behöver semester"],
)
def test_a_need_for_something_no_supplier_gives_is_no_request(det: Detector, text: str) -> None:
    d = det.detect(text)
    assert d.kind != "request", d
    assert not d.is_question, d


@pytest.mark.parametrize(
    "text",
    [
        "we need two more seats for the sales team",
        "I'd like a copy of the March invoice",
        "tarvitsemme lisää lisenssejä",
        "vi trenger tilgang til rapportene",
    ],
)
def test_a_need_for_what_a_supplier_gives_is_a_request(det: Detector, text: str) -> None:
    d = det.detect(text)
    assert d.kind == "request", d
    assert d.is_question, d
