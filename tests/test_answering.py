from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from bot.candidate.answering import (
    Decision,
    Reply,
    article_button,
    decide,
    ranked_articles,
    respond,
)
from bot.core.db import transaction
from bot.core.settings import Settings
from bot.inbox.models import InboxItem
from bot.inbox.service import open_items
from bot.knowledge.models import Article, ArticleText


def parse(intent="faq", intent_confidence=0.95, ranking=(), text="question", entities=()):
    """A parse result shaped like Rasa's (intent, ranking, response selector)."""
    return {
        "text": text,
        "intent": {"name": intent, "confidence": intent_confidence},
        "intent_ranking": [{"name": intent, "confidence": intent_confidence}],
        "entities": list(entities),
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": f"faq/{a}", "confidence": c} for a, c in ranking
                ]
            }
        },
    }


THRESHOLDS = {"answer_threshold": 0.6, "clarify_threshold": 0.25}


def ask(settings: Settings, **question) -> Reply:
    """`respond` as the action calls it: one transaction, the configured thresholds."""
    with transaction(settings.database_url) as session:
        return respond(
            session=session,
            answer_threshold=settings.answer_threshold,
            clarify_threshold=settings.clarify_threshold,
            today=date.today(),
            **question,
        )


def test_sure_match_is_answered():
    decision = decide(parse(ranking=[("remote-work", 0.9), ("work-abroad", 0.05)]), **THRESHOLDS)
    assert decision.kind == "answer"
    assert decision.candidates[0].article_id == "remote-work"
    assert decision.confidence == round(0.9 * 0.95, 4)


def test_hesitation_asks_which_of_the_two_best():
    decision = decide(
        parse(ranking=[("work-abroad", 0.2), ("remote-work", 0.5), ("offices", 0.1)]), **THRESHOLDS
    )
    assert decision.kind == "clarify"
    assert [c.article_id for c in decision.candidates] == ["remote-work", "work-abroad"]


def test_fallback_intent_never_answers_outright():
    decision = decide(
        parse(
            intent="nlu_fallback",
            intent_confidence=0.28,
            ranking=[("time-off", 0.99), ("meal-card", 0.01)],
        ),
        **THRESHOLDS,
    )
    assert decision.kind == "no_answer"  # 0.28 * 0.99 is below the clarify threshold


def test_out_of_scope_and_empty_rankings_get_no_answer():
    assert decide(
        parse(intent="out_of_scope", ranking=[("equipment", 0.99)]), **THRESHOLDS
    ) == Decision("no_answer")
    assert decide(parse(ranking=[]), **THRESHOLDS).kind == "no_answer"
    assert decide({}, **THRESHOLDS).kind == "no_answer"


def test_ranking_ignores_keys_of_other_selectors():
    data = parse(ranking=[("a", 0.5)])
    data["response_selector"]["faq"]["ranking"].append(
        {"intent_response_key": "chitchat/x", "confidence": 0.4}
    )
    assert [c.article_id for c in ranked_articles(data)] == ["a"]


def test_answer_reads_the_database_now(settings):
    with transaction(settings.database_url) as session:
        text = session.execute(
            select(ArticleText).where(
                ArticleText.article_id == "time-off", ArticleText.language == "en"
            )
        ).scalar_one()
        text.answer = "Edited by HR a second ago."
    reply = ask(
        settings,
        parse=parse(ranking=[("time-off", 0.97), ("parental-leave", 0.01)]),
        language="en",
        conversation_id="c1",
    )
    assert reply.kind == "answer"
    assert reply.text == "Edited by HR a second ago."
    with transaction(settings.database_url) as session:
        reviewed = session.get(Article, "time-off").reviewed_on
    assert reply.payload == {
        "type": "answer",
        "article": "time-off",
        "confidence": round(0.97 * 0.95, 4),
        "language": "en",
        "owner": "people",
        "owner_label": "People (HR)",
        "reviewed": reviewed.isoformat(),
        "stale": False,
    }
    assert not reply.offer_human


def test_answer_offers_related_articles_as_buttons(settings):
    reply = ask(
        settings,
        parse=parse(ranking=[("remote-work", 0.99), ("x", 0.01)]),
        language="fr",
        conversation_id="c1",
    )
    payloads = [b["payload"] for b in reply.buttons]
    assert payloads[0] == '/choose_article{"article": "remote-allowance"}'
    assert reply.buttons[0]["title"]  # French title from the database
    assert json.loads(payloads[0].removeprefix("/choose_article")) == {
        "article": "remote-allowance"
    }


def test_unknown_question_is_kept_for_hr(settings):
    reply = ask(
        settings,
        parse=parse(intent="out_of_scope", text="Is there a gym at the office?"),
        language="en",
        conversation_id="conv-9",
    )
    assert (reply.kind, reply.response, reply.payload, reply.offer_human) == (
        "no_answer",
        "utter_no_answer",
        {"type": "no_answer"},
        True,
    )
    with transaction(settings.database_url) as session:
        items = open_items(session=session)
    assert [(i.conversation_id, i.text, i.reason, i.language) for i in items] == [
        ("conv-9", "Is there a gym at the office?", "no_answer", "en")
    ]


def test_clarify_offers_two_titled_choices_a_way_out_and_is_kept_for_hr(settings):
    reply = ask(
        settings,
        parse=parse(text="leave?", ranking=[("time-off", 0.45), ("parental-leave", 0.40)]),
        language="en",
        conversation_id="c2",
    )
    assert reply.kind == "clarify"
    assert reply.payload == {"type": "clarify", "articles": ["time-off", "parental-leave"]}
    assert [b["payload"] for b in reply.buttons] == [
        article_button("time-off", "x")["payload"],
        article_button("parental-leave", "x")["payload"],
        "/request_human",
    ]
    assert reply.buttons[-1]["title"] == "None of these"
    with transaction(settings.database_url) as session:
        assert [i.reason for i in open_items(session=session)] == ["clarify"]


def test_the_way_out_of_a_clarify_is_in_the_candidates_language(settings):
    reply = ask(
        settings,
        parse=parse(text="leave?", ranking=[("time-off", 0.45), ("parental-leave", 0.40)]),
        language="fr",
        conversation_id="c2-fr",
    )
    assert reply.kind == "clarify"
    assert reply.buttons[-1] == {"title": "Aucune de ces réponses", "payload": "/request_human"}


def test_a_chosen_suggestion_is_answered_with_full_confidence(settings):
    reply = ask(
        settings,
        parse=parse(
            intent="choose_article", entities=[{"entity": "article", "value": "hackathon"}]
        ),
        language="fr",
        conversation_id="c3",
    )
    assert reply.payload["article"] == "hackathon" and reply.payload["confidence"] == 1.0
    assert "avril" in reply.text


def test_a_draft_or_unknown_article_is_not_shown(settings):
    with transaction(settings.database_url) as session:
        session.get(Article, "equipment").status = "draft"
    for article in ("equipment", "no-such-thing"):
        reply = ask(
            settings,
            parse=parse(
                intent="choose_article", entities=[{"entity": "article", "value": article}]
            ),
            language="en",
            conversation_id="c4",
        )
        assert reply.kind == "no_answer"


def test_low_confidence_answers_are_queued_for_review(settings):
    ask(
        settings,
        parse=parse(ranking=[("equipment", 0.55), ("onboarding", 0.2)]),
        language="fr",
        conversation_id="c5",
    )
    with transaction(settings.database_url) as session:
        item = session.execute(select(InboxItem)).scalar_one()
    assert (item.reason, item.article_id) == ("low_confidence", "equipment")


def test_a_close_runner_up_means_asking_not_answering():
    close = parse(ranking=[("time-off", 0.7), ("parental-leave", 0.3)])
    assert decide(close, answer_threshold=0.3, clarify_threshold=0.1).kind == "answer"
    closer = parse(ranking=[("time-off", 0.55), ("parental-leave", 0.45)])
    decision = decide(closer, answer_threshold=0.3, clarify_threshold=0.1)
    assert decision.kind == "clarify"


def test_dialogue_intents_never_get_an_article():
    for intent in ("greet", "off_topic", "needs_human", "out_of_scope"):
        decision = decide(parse(intent=intent, ranking=[("values", 0.99)]), **THRESHOLDS)
        assert decision.kind == "no_answer"


def test_a_hesitant_model_answers_when_the_text_search_agrees():
    hesitant = parse(ranking=[("teams-overview", 0.18), ("company-size", 0.12)])
    assert decide(hesitant, answer_threshold=0.3, clarify_threshold=0.1).kind == "clarify"
    agreed = decide(
        hesitant, answer_threshold=0.3, clarify_threshold=0.1, search_best="teams-overview"
    )
    assert agreed.kind == "answer" and agreed.candidates[0].article_id == "teams-overview"
    disagreed = decide(
        hesitant, answer_threshold=0.3, clarify_threshold=0.1, search_best="company-size"
    )
    assert disagreed.kind == "clarify"
    unknown = parse(intent="out_of_scope", ranking=[("teams-overview", 0.18)])
    assert (
        decide(
            unknown, answer_threshold=0.3, clarify_threshold=0.1, search_best="teams-overview"
        ).kind
        == "no_answer"
    )


# --- where an answer comes from and how fresh it is ---------------------------------------


def answer_time_off(settings: Settings, language: str, conversation: str, **kwargs) -> Reply:
    with transaction(settings.database_url) as session:
        return respond(
            session=session,
            parse=parse(ranking=[("time-off", 0.97), ("x", 0.01)], text="Combien de congés ?"),
            language=language,
            conversation_id=conversation,
            answer_threshold=settings.answer_threshold,
            clarify_threshold=settings.clarify_threshold,
            today=date(2026, 12, 1),
            **kwargs,
        )


def set_reviewed(settings: Settings, article_id: str, reviewed: date | None) -> None:
    with transaction(settings.database_url) as session:
        session.get(Article, article_id).reviewed_on = reviewed


def stale_notes(settings: Settings) -> list[tuple[str, str | None, str]]:
    with transaction(settings.database_url) as session:
        return [
            (i.conversation_id, i.article_id, i.text)
            for i in open_items(session=session, reason="stale")
        ]


def test_a_stale_article_is_answered_with_a_caveat_a_button_and_a_note_for_hr(settings):
    set_reviewed(settings, "time-off", date(2026, 3, 1))  # 275 days before
    fr = answer_time_off(settings, "fr", "c1")
    assert fr.payload["stale"] is True and fr.payload["reviewed"] == "2026-03-01"
    assert fr.payload["owner_label"] == "People (RH)"
    assert "vérifié cette réponse pour la dernière fois le 1er mars 2026" in fr.text
    assert {"title": "Vérifier avec un recruteur", "payload": "/request_human"} in fr.buttons
    assert stale_notes(settings) == [("c1", "time-off", "Combien de congés ?")]
    # asked again in that conversation: one note; another conversation: its own
    answer_time_off(settings, "fr", "c1")
    en = answer_time_off(settings, "en", "c2")
    assert "HR last checked this answer on 1 March 2026" in en.text
    assert [n[0] for n in stale_notes(settings)] == ["c1", "c2"]


def test_an_article_never_checked_says_so(settings):
    set_reviewed(settings, "time-off", None)
    reply = answer_time_off(settings, "en", "c1")
    assert reply.payload["stale"] is True and reply.payload["reviewed"] is None
    assert "HR has not checked this answer yet" in reply.text


def test_review_max_days_draws_the_line(settings):
    set_reviewed(settings, "time-off", date(2026, 6, 4))  # 180 days before
    fresh = answer_time_off(settings, "en", "c1")
    assert fresh.payload["stale"] is False and "HR last checked" not in fresh.text
    assert not any(b["payload"] == "/request_human" for b in fresh.buttons)
    shorter = answer_time_off(settings, "en", "c1", review_max_days=179)
    assert shorter.payload["stale"] is True and "HR last checked" in shorter.text
    assert stale_notes(settings) == [("c1", "time-off", "Combien de congés ?")]


def test_the_same_article_twice_in_a_row_moves_on_and_reaches_hr(settings):
    question = parse(
        ranking=[("salary-review", 0.95), ("equity", 0.02)],
        text="Is the salary negotiable above the band?",
    )
    again = ask(settings, parse=question, language="en", conversation_id="c-again",
                last_article="salary-review")  # fmt: skip
    assert (again.kind, again.payload) == (
        "follow_up",
        {"type": "follow_up", "article": "salary-review"},
    )
    assert again.text is not None and "Salary review" in again.text
    assert again.offer_human and again.buttons[0] == {
        "title": "Talk to a recruiter",
        "payload": "/request_human",
    }
    assert len(again.buttons) >= 2  # and the articles next to it
    with transaction(settings.database_url) as session:
        (item,) = open_items(session=session)
    assert (item.reason, item.article_id, item.text) == (
        "no_answer",
        "salary-review",
        "Is the salary negotiable above the band?",
    )
    # another article, or no previous answer: answered as usual
    for last in ("equity", None):
        reply = ask(settings, parse=question, language="en", conversation_id="c", last_article=last)
        assert reply.payload["type"] == "answer"


def test_a_follow_up_the_caller_acts_on_has_no_text_and_keeps_nothing(settings):
    question = parse(ranking=[("team-coffee", 0.95)], text="how do I book this coffee?")
    reply = ask(settings, parse=question, language="en", conversation_id="c-coffee",
                last_article="team-coffee", acted_on=("team-coffee",))  # fmt: skip
    assert (reply.kind, reply.text, reply.payload["article"]) == ("follow_up", None, "team-coffee")
    with transaction(settings.database_url) as session:
        assert open_items(session=session) == []


def test_a_button_for_the_same_article_is_answered_again(settings):
    chosen = parse(
        intent="choose_article",
        text='/choose_article{"article": "salary-review"}',
        entities=[{"entity": "article", "value": "salary-review"}],
    )
    reply = ask(settings, parse=chosen, language="fr", conversation_id="c",
                last_article="salary-review")  # fmt: skip
    assert reply.payload["type"] == "answer"
