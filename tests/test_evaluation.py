"""How the held-out check scores one reading of one question (bot.hr.retraining.evaluation).

The parses are what Rasa returns, built by hand: the model is not under test here,
the scoring rule is. A "did you mean" on a question with no article in the
knowledge base is wrong (the candidate is shown two unrelated articles).
"""

from __future__ import annotations

import pytest

from bot.hr.retraining.evaluation import HeldOutQuestion, Outcome, outcome_of

ANSWER, CLARIFY = 0.6, 0.3


def parse(intent: str, *articles: tuple[str, float], confidence: float = 0.95) -> dict:
    """A Rasa parse: the intent and, for an FAQ, the response selector's ranking."""
    return {
        "text": "…",
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": f"faq/{article}", "confidence": value}
                    for article, value in articles
                ]
            }
        },
    }


# One reading per way the assistant can settle a question.
SURE = parse("faq", ("remote-work", 0.9), ("benefits", 0.05))  # answers remote-work
TORN = parse("faq", ("remote-work", 0.45), ("benefits", 0.44))  # did you mean, two articles
LOST = parse("nlu_fallback", ("remote-work", 0.1), ("benefits", 0.05))  # I don't know
OUTSIDE = parse("out_of_scope")  # I don't know
COFFEE = parse("meet_team")  # not a question: an action


def scored(question: HeldOutQuestion, reading: dict) -> Outcome:
    return outcome_of(question, reading, answer_threshold=ANSWER, clarify_threshold=CLARIFY)


def test_the_readings_settle_as_named():
    question = HeldOutQuestion("Parking ?", "fr", "unknown")
    assert [scored(question, r).decision for r in (SURE, TORN, LOST, OUTSIDE, COFFEE)] == [
        "answer",
        "clarify",
        "no_answer",
        "no_answer",
        "other",
    ]
    assert scored(question, SURE).article == "remote-work"


@pytest.mark.parametrize("kind", ["unknown", "off_topic"])
@pytest.mark.parametrize(
    ("reading", "right"),
    [(SURE, False), (TORN, False), (LOST, True), (OUTSIDE, True)],
    ids=["answer", "did-you-mean", "fallback", "out-of-scope"],
)
def test_a_question_without_an_article_is_right_only_without_one(kind, reading, right):
    question = HeldOutQuestion("Il y a un parking vélo ?", "fr", kind)
    assert scored(question, reading).correct is right


@pytest.mark.parametrize(
    ("reading", "right"),
    [
        (SURE, True),
        (parse("faq", ("benefits", 0.9), ("remote-work", 0.05)), False),  # another article
        (TORN, False),  # the right article, but only offered among two
        (LOST, False),
        (OUTSIDE, False),
    ],
    ids=["right-article", "wrong-article", "did-you-mean", "fallback", "out-of-scope"],
)
def test_an_in_scope_question_needs_its_article_answered(reading, right):
    question = HeldOutQuestion("Télétravail possible ?", "fr", "in_scope", article="remote-work")
    assert scored(question, reading).correct is right


@pytest.mark.parametrize(
    ("reading", "right"),
    [(COFFEE, True), (parse("greet"), False), (SURE, False), (OUTSIDE, False)],
    ids=["its-intent", "another-intent", "an-answer", "out-of-scope"],
)
def test_a_request_is_right_only_when_read_as_its_intent(reading, right):
    question = HeldOutQuestion(
        "Un café avec l'équipe data ?", "fr", "in_scope", article=None, intent="meet_team"
    )
    assert scored(question, reading).correct is right
