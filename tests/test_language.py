from __future__ import annotations

import pytest

from bot.candidate.language import LanguageGuesser, choose_language


@pytest.fixture(scope="module")
def guesser(default_docs) -> LanguageGuesser:
    return LanguageGuesser.fit(
        (language, question)
        for doc in default_docs
        for language, text in doc.texts.items()
        for question in text.questions
    )


@pytest.mark.parametrize(
    "text",
    [
        "télétravail ?",
        "Quels sont les avantages ?",
        "c koi le process de recrutement",
        "vous embauchez des stagiaires",
        "salaire du poste SRE",
        "y a une mutuelle ?",
        "teletravail",
        "Bonjour",
    ],
)
def test_french(guesser, text):
    assert guesser.guess(text).language == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "remote work?",
        "What are the perks?",
        "how long does the hiring process take",
        "do you sponsor visas",
        "wfh policy",
        "Hello there",
        "what's the salary for the SRE job",
        "parental leave",
    ],
)
def test_english(guesser, text):
    assert guesser.guess(text).language == "en"


@pytest.mark.parametrize("text", ["ok", "", "SRE", "Python ?", "   ", "1234"])
def test_too_little_to_tell(guesser, text):
    assert guesser.guess(text).language is None


def test_the_page_wins_over_the_text(guesser):
    assert choose_language(metadata={"language": "en"}, text="Bonjour", guesser=guesser) == "en"
    assert choose_language(metadata={"language": "FR-fr"}, text="Hello", guesser=guesser) == "fr"


def test_unusable_metadata_falls_back_to_the_text(guesser):
    for metadata in ({"language": "de"}, {"language": 42}, {"language": None}, "en", None, {}):
        assert (
            choose_language(metadata=metadata, text="Hello, how are you?", guesser=guesser) == "en"
        )


def test_seeded_guesser_works_without_training():
    seeded = LanguageGuesser.seeded()
    assert seeded.guess("est-ce que vous avez des bureaux à Paris").language == "fr"
    assert seeded.guess("do you have an office in Paris").language == "en"


def test_counts_survive_a_round_trip(guesser):
    assert LanguageGuesser(guesser.to_dict()).guess("c'est quoi la mutuelle").language == "fr"
