"""Turning the model's reading of a question into what the assistant says.

The model proposes; this module decides: answer with an article when the model
is sure, ask "did you mean…" between the two best articles when it hesitates,
say "I don't know" (and keep the question for HR) when nothing fits. Answers
are read from the database at that moment, so an edited answer is live at once.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy.orm import Session

from bot.candidate.jobs import (
    JOB_ARTICLE_PREFIX,
    OPEN_POSITIONS_ARTICLE,
    JobWish,
    is_job_search,
    jobs_reply,
    open_position_of,
    positions_recorded,
    read_job_wish,
    wish_from_entities,
)
from bot.core import replies
from bot.core.dates import date_in_words
from bot.core.meeting_texts import TEAMS
from bot.core.texts import text
from bot.core.transcript import said
from bot.events.figures import answer_from_records
from bot.inbox.service import note_stale, record_question
from bot.knowledge import RETRIEVAL_INTENT
from bot.knowledge.freshness import DEFAULT_REVIEW_MAX_DAYS, is_stale
from bot.knowledge.search import index_cache
from bot.knowledge.service import ArticleNotFound, published_answer, titles

CHOOSE_ARTICLE_INTENT = "choose_article"
HUMAN = replies.command("request_human")  # the button that asks for a recruiter
# Intents whose messages go to `action_answer` (see data/rules/rules.yml).
QUESTION_INTENTS = (RETRIEVAL_INTENT, "nlu_fallback", "out_of_scope")
# The best article must be at least this many times likelier than the next one.
MIN_RATIO = 2.0
# Answers below this confidence are shown but also queued for HR to review.
REVIEW_BELOW = 0.6

DecisionKind = Literal["answer", "clarify", "no_answer"]
ReplyKind = Literal["answer", "clarify", "no_answer", "follow_up"]


@dataclass(frozen=True)
class Candidate:
    article_id: str
    confidence: float


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    candidates: tuple[Candidate, ...] = ()

    @property
    def confidence(self) -> float:
        return self.candidates[0].confidence if self.candidates else 0.0


def _intent_confidence(parse: Mapping[str, Any], name: str) -> float:
    for item in parse.get("intent_ranking") or []:
        if item.get("name") == name:
            return float(item.get("confidence") or 0.0)
    intent = parse.get("intent") or {}
    return float(intent.get("confidence") or 0.0) if intent.get("name") == name else 0.0


def ranked_articles(parse: Mapping[str, Any]) -> list[Candidate]:
    """The response selector's articles, best first, each with P(this article | an FAQ)."""
    selector = (parse.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    prefix = f"{RETRIEVAL_INTENT}/"
    candidates = []
    for item in selector.get("ranking") or []:
        key = str(item.get("intent_response_key") or "")
        if key.startswith(prefix):
            candidates.append(Candidate(key[len(prefix) :], float(item.get("confidence") or 0.0)))
    return sorted(candidates, key=lambda c: c.confidence, reverse=True)


def decide(
    parse: Mapping[str, Any],
    *,
    answer_threshold: float,
    clarify_threshold: float,
    min_ratio: float = MIN_RATIO,
    search_best: str | None = None,
) -> Decision:
    """Answer when the model is sure of one article and clearly prefers it to the next,
    or when it hesitates but the text search (`search_best`) names the same article.

    Confidences are P(question is an FAQ) x P(this article | an FAQ).
    """
    intent = (parse.get("intent") or {}).get("name")
    if intent not in (RETRIEVAL_INTENT, "nlu_fallback"):
        return Decision("no_answer")
    p_faq = _intent_confidence(parse, RETRIEVAL_INTENT)
    ranking = [
        Candidate(c.article_id, round(c.confidence * p_faq, 4)) for c in ranked_articles(parse)
    ]
    if not ranking:
        return Decision("no_answer")
    best = ranking[0]
    runner_up = ranking[1].confidence if len(ranking) > 1 else 0.0
    if intent == RETRIEVAL_INTENT:
        sure = best.confidence >= answer_threshold and best.confidence >= min_ratio * runner_up
        confirmed = best.confidence >= clarify_threshold and search_best == best.article_id
        if sure or confirmed:
            return Decision("answer", (best,))
    if best.confidence >= clarify_threshold and len(ranking) >= 2:
        return Decision("clarify", tuple(ranking[:2]))
    return Decision("no_answer")


@dataclass(frozen=True)
class Reply:
    """What the action sends: a text or a domain response, buttons, the custom payload."""

    kind: ReplyKind
    payload: replies.Payload
    text: str | None = None
    response: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    offer_human: bool = False


def article_button(article_id: str, title: str) -> dict[str, str]:
    return {
        "title": title,
        "payload": f"/{CHOOSE_ARTICLE_INTENT}{json.dumps({'article': article_id})}",
    }


def _chosen_article(parse: Mapping[str, Any]) -> str | None:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "article" and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def _answer_text(answer: str, links: tuple[tuple[str, str], ...]) -> str:
    lines = [answer, *(f"[{label}]({url})" for label, url in links)]
    return "\n".join(lines)


def _job_search(
    parse: Mapping[str, Any],
    decision: Decision,
    *,
    typed: str,
    intent: str | None,
    search_best: str | None,
) -> JobWish | None:
    """The filters of a search for positions (bot/candidate/jobs.py), or None for any
    other message: the "open positions" article picked from a button (its `team`), or a
    question that searches positions ("je cherche un poste backend en full remote") and
    that the model or the text search ties to the positions, or that names a filter."""
    if intent == CHOOSE_ARTICLE_INTENT:
        if decision.candidates and decision.candidates[0].article_id == OPEN_POSITIONS_ARTICLE:
            found = {e.get("entity"): e.get("value") for e in parse.get("entities") or []}
            return wish_from_entities(found)
        return None
    if intent not in QUESTION_INTENTS or typed.startswith("/") or not is_job_search(typed):
        return None
    wish = read_job_wish(typed)
    tied = [c.article_id for c in decision.candidates] + ([search_best] if search_best else [])
    about_jobs = any(
        a == OPEN_POSITIONS_ARTICLE or a.startswith(JOB_ARTICLE_PREFIX) for a in tied[:2]
    )
    return wish if about_jobs or not wish.empty else None


def stale_caveat(reviewed_on: date | None, language: str) -> str:
    """The honest line under an answer HR has not checked for too long."""
    if reviewed_on is None:
        return text("answer_never_checked", language)
    return text("answer_stale", language, date=date_in_words(reviewed_on, language))


def _follow_up(
    *,
    session: Session,
    article_id: str,
    acted_on: Collection[str],
    question: str,
    language: str,
    conversation_id: str,
) -> Reply:
    payload = replies.follow_up(article_id)
    if article_id in acted_on:
        return Reply(kind="follow_up", payload=payload)
    if question:
        record_question(
            session=session,
            conversation_id=conversation_id,
            text=question,
            language=language,
            reason="no_answer",
            article_id=article_id,
        )
    names = titles(session=session, article_ids=[article_id], language=language)
    title = names.get(article_id, article_id)
    try:
        related = published_answer(session=session, article_id=article_id, language=language)
        others = [article_button(r.article_id, r.title) for r in related.related[:2]]
    except ArticleNotFound:
        others = []
    return Reply(
        kind="follow_up",
        text=text("follow_up_same", language, title=title),
        buttons=[{"title": text("follow_up_button", language), "payload": HUMAN}, *others],
        payload=payload,
        offer_human=True,
    )


def respond(
    *,
    session: Session,
    parse: Mapping[str, Any],
    language: str,
    conversation_id: str,
    answer_threshold: float,
    clarify_threshold: float,
    today: date,
    review_max_days: int = DEFAULT_REVIEW_MAX_DAYS,
    careers_url: str = "",
    last_article: str | None = None,
    acted_on: Collection[str] = (),
) -> Reply:
    """Decide, read the current article text, and keep for HR what was not settled.

    `today` (in the office's time zone) dates the live parts of answers (events, positions).
    `last_article`: the article of the assistant's previous reply, if it was an answer. A
    question that the same article would answer again gets a `follow_up` instead: for an
    article in `acted_on` (booking a coffee, registering), the caller takes the action;
    for another, the assistant says the article says no more, keeps the question for HR
    and offers a recruiter.
    """
    typed = str(parse.get("text") or "")
    question = said(typed)  # as the candidate typed it, for the search and for HR
    intent = (parse.get("intent") or {}).get("name")
    search_best = None
    if intent == CHOOSE_ARTICLE_INTENT:
        chosen = _chosen_article(parse)
        decision = (
            Decision("answer", (Candidate(chosen, 1.0),)) if chosen else Decision("no_answer")
        )
    else:
        decision = decide(
            parse, answer_threshold=answer_threshold, clarify_threshold=clarify_threshold
        )
        # The search only matters for questions the model read as FAQs, and only when the
        # model hesitates or the question searches positions (`_job_search`): a sure
        # answer stays the same with it, and most questions skip its cost.
        if intent == RETRIEVAL_INTENT and (decision.kind != "answer" or is_job_search(typed)):
            search_best = index_cache.get(session).best(question)
            decision = decide(
                parse,
                answer_threshold=answer_threshold,
                clarify_threshold=clarify_threshold,
                search_best=search_best,
            )
    searched = _job_search(parse, decision, typed=typed, intent=intent, search_best=search_best)
    if searched is not None and positions_recorded(session=session):
        listed = jobs_reply(
            session=session, wish=searched, language=language, careers_url=careers_url
        )
        return Reply(
            kind="answer", text=listed.text, buttons=listed.buttons, payload=listed.payload
        )
    if (
        decision.kind == "answer"
        and intent != CHOOSE_ARTICLE_INTENT
        and decision.candidates[0].article_id == last_article
    ):
        # The same article twice in a row says nothing new: move on (see the docstring).
        return _follow_up(
            session=session,
            article_id=last_article,
            acted_on=acted_on,
            question=question,
            language=language,
            conversation_id=conversation_id,
        )
    if decision.kind == "answer":
        best = decision.candidates[0]
        try:
            found = published_answer(session=session, article_id=best.article_id, language=language)
        except ArticleNotFound:
            decision = Decision("no_answer")
        else:
            if best.confidence < REVIEW_BELOW and intent != CHOOSE_ARTICLE_INTENT:
                record_question(
                    session=session,
                    conversation_id=conversation_id,
                    text=question,
                    language=language,
                    reason="low_confidence",
                    article_id=best.article_id,
                    confidence=best.confidence,
                )
            # Event dates and open positions come from HR's current records.
            answer = answer_from_records(
                session=session,
                article_id=found.article_id,
                language=found.language,
                today=today,
                answer=found.answer,
            )
            stale = is_stale(found.reviewed_on, today, review_max_days)
            buttons = [article_button(s.article_id, s.title) for s in found.related]
            position = open_position_of(session=session, article_id=found.article_id)
            if position is not None:  # a position's article: apply from here (issue 14)
                apply = replies.command("apply", {"job": position})
                buttons.insert(0, {"title": text("apply_button", found.language), "payload": apply})
            if stale:
                # Said, offered to check with a person, and put before HR to re-check.
                answer = f"{answer}\n\n{stale_caveat(found.reviewed_on, found.language)}"
                buttons.append(
                    {"title": text("answer_check_button", found.language), "payload": HUMAN}
                )
                note_stale(
                    session=session,
                    conversation_id=conversation_id,
                    question=question,
                    language=language,
                    article_id=found.article_id,
                )
            return Reply(
                kind="answer",
                text=_answer_text(answer, found.links),
                buttons=buttons,
                payload=replies.answer(
                    article=found.article_id,
                    confidence=best.confidence,
                    language=found.language,
                    owner=found.team,
                    owner_label=TEAMS[found.language].get(found.team, found.team),
                    reviewed=found.reviewed_on.isoformat() if found.reviewed_on else None,
                    stale=stale,
                ),
            )
    if decision.kind == "clarify":
        ids = [c.article_id for c in decision.candidates]
        names = titles(session=session, article_ids=ids, language=language)
        shown = [i for i in ids if i in names]
        if len(shown) == 2:
            record_question(
                session=session,
                conversation_id=conversation_id,
                text=question,
                language=language,
                reason="clarify",
                article_id=shown[0],
                confidence=decision.confidence,
            )
            return Reply(
                kind="clarify",
                response="utter_clarify",
                buttons=[
                    *(article_button(i, names[i]) for i in shown),
                    {"title": text("clarify_none_button", language), "payload": HUMAN},
                ],
                payload=replies.clarify(shown),
            )
    if question and not typed.startswith("/"):  # a button's command is not a question
        record_question(
            session=session,
            conversation_id=conversation_id,
            text=question,
            language=language,
            reason="no_answer",
            article_id=decision.candidates[0].article_id if decision.candidates else None,
            confidence=decision.confidence if decision.candidates else None,
        )
    return Reply(
        kind="no_answer",
        response="utter_no_answer",
        payload=replies.no_answer(),
        offer_human=True,
    )
