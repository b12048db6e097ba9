"""Why the near-copy thresholds are 0.8 of the words and 0.9 of the character trigrams
(bot.knowledge.similarity), shown on pairs from the project's own questions.

Each pair is caught by one measure only, with a score close to its threshold, so
moving either threshold breaks a test here:
- WORD_OVERLAP above 5/6 misses one word changed in a six-word question; at 0.75
  or below it takes "a photo on my CV" for "my age on my CV" (two questions of
  the anonymous-screening article that need their own answers).
- CHAR_SIMILARITY above 0.926 misses a question with its small words dropped; at
  0.895 or below it takes a question for its negation.
"""

from __future__ import annotations

import pytest

from bot.knowledge.similarity import (
    CHAR_SIMILARITY,
    WORD_OVERLAP,
    NearDuplicateIndex,
    char_similarity,
    trigrams,
    word_overlap,
    words,
)


def scores(a: str, b: str) -> tuple[float, float]:
    return word_overlap(words(a), words(b)), char_similarity(trigrams(a), trigrams(b))


def is_near_copy(a: str, b: str) -> bool:
    return NearDuplicateIndex([b]).closest(a) is not None


# (question, the line it copies): the same question to anyone reading it.
CAUGHT_BY_WORDS = [
    # one word changed in a six-word line: 5/6 of the words (the audit's remote-work case)
    (
        "Combien de jours de télétravail par semaine ?",
        "Combien de jours de télétravail par mois ?",
    ),
    ("Quel est le salaire pour ce poste ?", "Quel est le salaire pour ce stage ?"),
    ("Y a-t-il un parking pour les salariés ?", "Y a-t-il un parking pour les candidats ?"),
]
CAUGHT_BY_CHARACTERS = [
    # small words dropped, the way candidates type (technical-interview's own examples)
    ("L'entretien technique dure combien de temps ?", "entretien technique combien de temps"),
    # two typos and a plural
    (
        "Do you sponsor visas for international candidates?",
        "Do you sponsor visa for internationl candidates?",
    ),
]
CAUGHT_BY_BOTH = [
    # accents removed
    (
        "Quelle est la durée de la période d'essai ?",
        "Quelle est la duree de la periode d'essai ?",
    ),
    # the same words in another order
    ("How many days can I work from home?", "Can I work from home how many days?"),
    # case and punctuation
    ("Est-ce que je peux venir en vélo au bureau ?", "est ce que je peux venir en velo au bureau"),
]
# Different questions, worth measuring apart.
NOT_CAUGHT = [
    # two questions of one article (anonymous-screening), three words of four shared
    ("Should I put a photo on my CV?", "should i put my age on my cv"),
    # a question and its negation: close in characters, not the same question
    ("Le télétravail est-il possible ?", "Le télétravail n'est-il pas possible ?"),
]


@pytest.mark.parametrize(("question", "line"), CAUGHT_BY_WORDS)
def test_one_word_changed_is_a_near_copy(question, line):
    overlap, similarity = scores(question, line)
    assert similarity < CHAR_SIMILARITY  # the characters alone would let it through
    assert overlap >= WORD_OVERLAP
    assert is_near_copy(question, line)


@pytest.mark.parametrize(("question", "line"), CAUGHT_BY_CHARACTERS)
def test_dropped_words_and_typos_are_a_near_copy(question, line):
    overlap, similarity = scores(question, line)
    assert overlap < WORD_OVERLAP  # the words alone would let it through
    assert similarity >= CHAR_SIMILARITY
    assert is_near_copy(question, line)


@pytest.mark.parametrize(("question", "line"), CAUGHT_BY_BOTH)
def test_accents_order_and_case_do_not_hide_a_copy(question, line):
    overlap, similarity = scores(question, line)
    assert overlap == 1.0 and similarity >= CHAR_SIMILARITY
    assert is_near_copy(question, line)


@pytest.mark.parametrize(("question", "line"), NOT_CAUGHT)
def test_different_questions_are_not_near_copies(question, line):
    assert not is_near_copy(question, line)
    assert not is_near_copy(line, question)


def test_the_thresholds_sit_between_the_examples():
    """The margins the examples above leave each threshold."""
    caught_words = min(scores(q, line)[0] for q, line in CAUGHT_BY_WORDS)
    caught_chars = min(scores(q, line)[1] for q, line in CAUGHT_BY_CHARACTERS)
    apart = [scores(q, line) for q, line in NOT_CAUGHT]
    assert max(o for o, _ in apart) < WORD_OVERLAP <= caught_words
    assert max(s for _, s in apart) < CHAR_SIMILARITY <= caught_chars
    assert caught_words == pytest.approx(5 / 6)


def test_the_index_names_the_closest_reference():
    index = NearDuplicateIndex(
        [
            "Combien de jours de télétravail par mois ?",
            "Combien de jours de télétravail par semaine ?",
            "Quel est le salaire pour ce poste ?",
        ]
    )
    found = index.closest("combien de jours de teletravail par semaine")
    assert found is not None
    assert found.of == "Combien de jours de télétravail par semaine ?"
    assert (found.word_overlap, found.char_similarity) == (1.0, pytest.approx(1.0))
    assert index.closest("Où sont vos bureaux ?") is None
