"""Terse support lines without "?" (issue #6): problem reports, declarative and
indirect questions, preambles and stated needs need a reply at the balanced
threshold; status updates, reactions and thanks in the same register do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.detection import Detector

LANGS = ("en", "fi", "sv", "da", "no")
TERSE_SET = Path(__file__).parents[1] / "data" / "detection" / "terse.jsonl"

# category -> language -> lines, a few of each from tests/data/detection/terse/
NEEDS_REPLY: dict[str, dict[str, list[str]]] = {
    "problem": {
        "en": ["export keeps timing out for me", "invoice still not here", "the page just spins"],
        "fi": ["vienti on tänään tosi hidas", "hmm raportti on tyhjä", "sivu vaan pyörii"],
        "sv": [
            "exporten är seg idag",
            "fakturan har fortfarande inte kommit",
            "sidan bara snurrar",
        ],
        "da": ["eksporten er langsom i dag", "rapporten viser nul rækker", "siden snurrer bare"],
        "no": ["eksporten er treg i dag", "hmm rapporten er tom", "siden bare spinner"],
    },
    "declarative": {
        "en": ["you guys support sso", "so the api key goes in the header"],
        "fi": ["te tuette varmaan sso:ta", "eli api-avain menee headeriin"],
        "sv": ["ni har stöd för sso antar jag", "så api-nyckeln ska in i headern"],
        "da": ["I understøtter vel sso", "så api-nøglen skal i headeren"],
        "no": ["dere støtter vel sso", "så api-nøkkelen skal i headeren"],
    },
    "indirect": {
        "en": ["wondering about the rate limits", "no idea how to add a second admin"],
        "fi": ["mietin noita API:n kutsurajoja", "ei hajuakaan miten toisen adminin saa lisättyä"],
        "sv": ["funderar lite på era rate limits", "försöker förstå hur licenserna räknas"],
        "da": [
            "prøver at forstå hvordan licenserne tælles",
            "aner ikke hvordan man tilføjer en admin mere",
        ],
        "no": ["lurer litt på rate limits hos dere", "prøver å skjønne hvordan lisensene telles"],
    },
    "preamble": {
        "en": ["question about billing", "quick one about the api limits"],
        "fi": ["kysymys laskutuksesta", "nopea kysymys API-rajoista"],
        "sv": ["fråga om faktureringen", "snabb fråga om api-gränserna"],
        "da": ["spørgsmål om fakturering", "hurtigt spørgsmål om api-grænserne"],
        "no": ["spørsmål om fakturering", "kjapt spørsmål om api-grensene"],
    },
    "need": {
        "en": [
            "we'd need two more seats before friday",
            "could use some help with the webhook config",
        ],
        "fi": [
            "tarvittais kaksi lisäpaikkaa ennen perjantaita",
            "kaipailisin vähän apua webhookkien kanssa",
        ],
        "sv": [
            "vi skulle behöva två platser till innan fredag",
            "behöver lite hjälp med webhook-konfigen",
        ],
        "da": [
            "vi mangler to pladser mere inden fredag",
            "kunne godt bruge en hånd med webhook-opsætningen",
        ],
        "no": [
            "vi trenger to plasser til før fredag",
            "kunne trengt litt hjelp med webhook-oppsettet",
        ],
    },
}

# Same register, nothing to answer; several carry a symptom word or a product word.
NO_REPLY: dict[str, list[str]] = {
    "en": [
        "deploying the fix now",
        "ok trying that",
        "slow day here lol",
        "the export is done",
        "the sync ran fine overnight",
        "sorry, wrong channel",
        "the slow part was on our end, fixed now",
        "invoice arrived, thanks",
    ],
    "fi": [
        "vien korjauksen tuotantoon nyt",
        "ok kokeillaan sitä",
        "hiljanen päivä täällä lol",
        "vienti on valmis",
        "synkka meni yön yli ilman ongelmia",
        "hitaus johtui meidän päästä, korjattu nyt",
        "lasku tuli, kiitos",
    ],
    "sv": [
        "rullar ut fixen nu",
        "ok testar det",
        "lugn dag här lol",
        "exporten är klar",
        "synken gick fint i natt",
        "sorry, fel kanal",
        "fakturan kom, tack",
    ],
    "da": [
        "ruller rettelsen ud nu",
        "ok prøver det",
        "stille dag her lol",
        "eksporten er færdig",
        "synkroniseringen kørte fint i nat",
        "sorry, forkert kanal",
        "fakturaen kom, tak",
    ],
    "no": [
        "ruller ut fiksen nå",
        "ok prøver det",
        "rolig dag her lol",
        "eksporten er ferdig",
        "synkroniseringen gikk fint i natt",
        "sorry, feil kanal",
        "fakturaen kom, takk",
    ],
}


@pytest.mark.parametrize("category", sorted(NEEDS_REPLY))
@pytest.mark.parametrize("lang", LANGS)
def test_terse_lines_need_a_reply(det: Detector, category: str, lang: str) -> None:
    for text in NEEDS_REPLY[category][lang]:
        d = det.detect(text, threshold="balanced")
        assert d.is_question, (text, d.score, d.kind, d.reasons)


@pytest.mark.parametrize("lang", LANGS)
def test_same_register_lines_need_no_reply(det: Detector, lang: str) -> None:
    for text in NO_REPLY[lang]:
        d = det.detect(text, threshold="balanced")
        assert not d.is_question, (text, d.score, d.kind, d.reasons)


def test_kinds_name_what_the_line_is(det: Detector) -> None:
    assert det.detect("the report shows zero rows").kind == "problem"
    assert det.detect("question about billing").kind == "question"
    assert det.detect("we'd need two more seats before friday").kind == "request"


def test_a_symptom_without_the_product_is_chatter(det: Detector) -> None:
    # "slow", "empty", "stuck" report a problem only about something the supplier runs
    for text in ("lol so slow today", "empty office today", "stuck in traffic again"):
        assert not det.detect(text).is_question, text


@pytest.mark.parametrize("lang", LANGS)
def test_terse_set_f1_holds(det: Detector, lang: str) -> None:
    """The whole set per language; measured 0.966-0.989 when the rules were added."""
    rows = [json.loads(line) for line in TERSE_SET.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["lang"] == lang]
    preds = [
        d.is_question
        for d in det.detect_many((r["text"] for r in rows), langs=(lang for _ in rows))
    ]
    tp = sum(1 for p, r in zip(preds, rows, strict=True) if p and r["is_question"])
    fp = sum(1 for p, r in zip(preds, rows, strict=True) if p and not r["is_question"])
    fn = sum(1 for p, r in zip(preds, rows, strict=True) if not p and r["is_question"])
    assert 2 * tp / (2 * tp + fp + fn) >= 0.95


# Written after the terse rules, by another hand, to check them: remarks that name
# the product and a symptom or open like a check, but tell rather than ask. The
# first rules flagged 6 of 35 such lines ("the export works again after the update",
# "so we rolled out sso to the whole team today", "you guys rock, the api is fast now").
TELLS: dict[str, list[str]] = {
    "en": [
        "the export works again after the update",
        "so we rolled out sso to the whole team today",
        "the report was empty because we had the wrong filter, my bad",
        "so the token rotation is done on our side",
        "you guys rock, the api is fast now",
        "the slow export last week was on our end",
        "looks great since the update",
    ],
    "fi": ["vienti toimii taas päivityksen jälkeen", "raportti oli tyhjä, meidän moka"],
    "sv": ["exporten funkar igen efter uppdateringen", "rapporten var tom, vårt fel"],
    "da": ["eksporten virker igen efter opdateringen", "rapporten var tom, vores fejl"],
    "no": ["eksporten funker igjen etter oppdateringen", "rapporten var tom, vår feil"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_remarks_that_tell_rather_than_ask_need_no_reply(det: Detector, lang: str) -> None:
    for text in TELLS[lang]:
        d = det.detect(text)
        assert not d.is_question, (text, d)


@pytest.mark.parametrize("lang", LANGS)
def test_works_again_resolves(det: Detector, lang: str) -> None:
    d = det.detect(TELLS[lang][0])
    assert d.kind == "thanks" and d.resolves, d


def test_a_step_to_confirm_stays_a_question_after_so_we(det: Detector) -> None:
    assert det.detect("so we just re-run the import").is_question
    assert not det.detect("so we moved the invoices to the new account").is_question


# After an answer, a resolution resolves the question; its negation must not.
STILL_BROKEN = {
    "en": ["the export is still not resolved", "it's not working now either"],
    "fi": ["ei ole vieläkään ratkennut", "vienti ei toimi nytkään"],
    "sv": ["det är inte löst än", "exporten fungerar inte nu heller"],
    "da": ["det er ikke løst endnu", "eksporten virker ikke nu heller"],
    "no": ["det er ikke løst ennå", "eksporten virker ikke nå heller"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_negated_resolution_does_not_resolve(det: Detector, lang: str) -> None:
    for text in STILL_BROKEN[lang]:
        d = det.detect(text)
        assert not d.resolves and d.kind != "thanks", (text, d)
