"""Question-shaped messages that must not become questions, in every language."""

from __future__ import annotations

import pytest

from bot.detection import Detector

LANGS = ("en", "fi", "sv", "da", "no")

# A real question per language: the hard negatives wrap or mimic it.
QUESTION = {
    "en": "how do I reset my password?",
    "fi": "miten vaihdan salasanan?",
    "sv": "hur byter jag lösenord?",
    "da": "hvordan skifter jeg adgangskode?",
    "no": "hvordan bytter jeg passord?",
}
RHETORICAL = {
    "en": ["isn't it great?", "who cares?", "guess what?"],
    "fi": ["eikö olekin hienoa?", "kuka välittää?", "arvaa mitä?"],
    "sv": ["visst är det fint?", "vem bryr sig?", "gissa vad?"],
    "da": ["er det ikke fedt?", "hvem gider?", "gæt hvad?"],
    "no": ["er det ikke flott?", "hvem bryr seg?", "gjett hva?"],
}
BACKCHANNEL = {
    "en": ["really?", "you know?", "oh, is that right?", "did you?"],
    "fi": ["oikeesti?", "niinkö?", "ai onko?", "tiedäthän?"],
    "sv": ["verkligen?", "jaså?", "på riktigt?", "vet du?"],
    "da": ["virkelig?", "nå?", "er det rigtigt?", "ved du?"],
    "no": ["virkelig?", "jasså?", "er det sant?", "vet du?"],
}
STATEMENT = {
    "en": "we deployed the fix this morning",
    "fi": "julkaisimme korjauksen tänä aamuna",
    "sv": "vi driftsatte rättningen i morse",
    "da": "vi udrullede rettelsen i morges",
    "no": "vi rullet ut rettelsen i morges",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_wrapped_question_is_a_question_on_its_own(det: Detector, lang: str) -> None:
    assert det.detect(QUESTION[lang]).is_question


@pytest.mark.parametrize("lang", LANGS)
def test_rhetorical_questions_ask_nothing(det: Detector, lang: str) -> None:
    for text in RHETORICAL[lang]:
        d = det.detect(text)
        assert not d.is_question, (text, d)


@pytest.mark.parametrize("lang", LANGS)
def test_backchannels_ask_nothing(det: Detector, lang: str) -> None:
    for text in BACKCHANNEL[lang]:
        d = det.detect(text)
        assert not d.is_question, (text, d)
        assert d.kind == "chatter"


@pytest.mark.parametrize("lang", LANGS)
def test_question_inside_a_code_block_is_ignored(det: Detector, lang: str) -> None:
    text = f"{STATEMENT[lang]}:\n```\n{QUESTION[lang]}\nx = a ? b : c\n```"
    d = det.detect(text)
    assert not d.is_question, d
    inline = f"{STATEMENT[lang]} `{QUESTION[lang]}`"
    assert not det.detect(inline).is_question


@pytest.mark.parametrize("lang", LANGS)
def test_question_inside_a_quote_is_ignored(det: Detector, lang: str) -> None:
    d = det.detect(f"> {QUESTION[lang]}\n{STATEMENT[lang]}")
    assert not d.is_question, d
    assert any('"?"' in r for r in d.reasons)


@pytest.mark.parametrize("lang", LANGS)
def test_question_mark_inside_a_url_is_ignored(det: Detector, lang: str) -> None:
    for url in ("https://example.com/search?q=export", "<https://example.com/?id=4|link>"):
        d = det.detect(f"{STATEMENT[lang]} {url}")
        assert not d.is_question, (url, d)


@pytest.mark.parametrize("lang", LANGS)
def test_staff_questions_are_not_customer_questions(det: Detector, lang: str) -> None:
    d = det.detect(QUESTION[lang], is_staff=True)
    assert not d.is_question
    assert d.score == 0.0
    assert "author is staff" in d.reasons


@pytest.mark.parametrize("lang", LANGS)
def test_bot_messages_are_never_questions(det: Detector, lang: str) -> None:
    d = det.detect(QUESTION[lang], is_bot=True)
    assert not d.is_question
    assert "author is a bot" in d.reasons


@pytest.mark.parametrize("mention", ["<@U024BE7LH>", "<@123456789012345678>", "@maria", "<!here>"])
def test_a_message_that_only_mentions_someone_asks_nothing(det: Detector, mention: str) -> None:
    d = det.detect(f"{mention} ")
    assert not d.is_question
    assert d.kind == "chatter"


@pytest.mark.parametrize("lang", LANGS)
def test_a_mention_before_a_question_keeps_the_question(det: Detector, lang: str) -> None:
    assert det.detect(f"<@U024BE7LH> {QUESTION[lang]}").is_question


@pytest.mark.parametrize("lang", LANGS)
def test_very_long_paste_with_questions_inside_is_not_a_question(det: Detector, lang: str) -> None:
    body = (STATEMENT[lang] + ". ") * 120
    text = body + QUESTION[lang] + " " + body
    assert len(text) > 4000
    d = det.detect(text)
    assert not d.is_question, d.reasons


@pytest.mark.parametrize("lang", LANGS)
def test_long_message_that_ends_by_asking_is_a_question(det: Detector, lang: str) -> None:
    text = (STATEMENT[lang] + ". ") * 120 + QUESTION[lang]
    assert det.detect(text).is_question


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "```\n```", "?", "..."])
def test_empty_or_punctuation_only_messages_ask_nothing(det: Detector, text: str) -> None:
    d = det.detect(text)
    assert not d.is_question
    assert 0.0 <= d.score <= 1.0
