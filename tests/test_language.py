from __future__ import annotations

import pytest

from bot.candidate.language import LanguageGuesser, choose_language, declared_language


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


@pytest.mark.parametrize("text", ["ok", "", "SRE", "Python ?", "   ", "1234", "ok cool"])
def test_too_little_to_tell(guesser, text):
    assert guesser.guess(text).language is None


def test_the_page_wins_over_a_short_or_unclear_text(guesser):
    assert choose_language(metadata={"language": "en"}, text="Bonjour", guesser=guesser) == "en"
    assert choose_language(metadata={"language": "FR-fr"}, text="Hello", guesser=guesser) == "fr"
    assert choose_language(metadata={"language": "en"}, text="télétravail", guesser=guesser) == "en"
    assert choose_language(metadata={"language": "fr"}, text="remote ok ?", guesser=guesser) == "fr"


@pytest.mark.parametrize(
    ("page", "text", "language"),
    [
        ("en", "Combien de jours de télétravail par semaine ?", "fr"),
        ("en", "c'est quoi le salaire pour le poste SRE", "fr"),
        ("fr", "What is the salary for the SRE job?", "en"),
        ("fr", "Is there a gym at the office?", "en"),
        ("en", '/choose_article{"article": "remote-work"}', "en"),  # a button, not words
    ],
)
def test_a_message_clearly_in_the_other_language_is_answered_in_it(guesser, page, text, language):
    assert choose_language(metadata={"language": page}, text=text, guesser=guesser) == language


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


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # one-word answers
        ("oui", "fr"),
        ("non", "fr"),
        ("merci", "fr"),
        ("salut", "fr"),
        ("dispo ?", "fr"),
        ("CDI ?", "fr"),
        ("yes", "en"),
        ("no", "en"),
        ("thanks", "en"),
        ("hi", "en"),
        ("wfh", "en"),
        # franglais: the grammar words decide, not the borrowed ones
        ("le remote c'est ok ?", "fr"),
        ("vous faites du full remote", "fr"),
        ("c'est quoi le process de onboarding", "fr"),
        ("Quelle est la deadline ?", "fr"),
        ("les perks ?", "fr"),
        ("jsuis dev java", "fr"),
        ("what about the mutuelle", "en"),
        ("is there a team building", "en"),
        ("I'd like the job description", "en"),
        ("any perks ?", "en"),
    ],
)
def test_one_word_answers_and_franglais(guesser, text, language):
    assert guesser.guess(text).language == language


@pytest.mark.parametrize("text", ["l'open space", "d'accord", "l'onboarding"])
def test_an_elision_alone_is_french(guesser, text):
    assert guesser.guess(text).language == "fr"


@pytest.mark.parametrize("text", ["that's cool", "it's ok"])
def test_an_english_contraction_alone_is_english(guesser, text):
    assert guesser.guess(text).language == "en"


@pytest.mark.parametrize(
    ("value", "language"),
    [("fr", "fr"), ("en", "en"), ("FR-fr", "fr"), ("en-GB", "en"), (" en_US ", "en")],
)
def test_declared_languages_we_speak(value, language):
    assert declared_language(value) == language


@pytest.mark.parametrize("value", ["de", "es-ES", "", "   ", "f", None, 42, ["fr"], {"fr": 1}])
def test_declared_languages_we_do_not_speak(value):
    assert declared_language(value) is None


def test_the_page_decides_even_when_the_text_cannot(guesser):
    assert choose_language(metadata={"language": "en"}, text="ok", guesser=guesser) == "en"
    assert choose_language(metadata={"language": "fr"}, text="", guesser=guesser) == "fr"


def test_an_undecided_text_without_a_page_language_gives_none(guesser):
    for metadata in (None, {}, {"language": "de"}, {"other": "fr"}):
        assert choose_language(metadata=metadata, text="ok cool", guesser=guesser) is None
        assert choose_language(metadata=metadata, text="Python ?", guesser=guesser) is None
