"""Canned replies: texts HR prepares for recruiters, and what a recruiter sends in one click.

HR keeps the replies in the workspace: a title, and the text in French and in
English, where {candidat} and {recruteur} ({candidate} and {recruiter} in English)
stand for the candidate's first name and the recruiter's name. Input dicts come
from the browser and are untrusted: every problem is collected by field as a
Problem (worded in French for HR by bot.core.problem_texts) and raised as
CannedReplyError. Every change leaves an audit entry naming its author.

In the console, a recruiter holding a conversation gets the replies filled in for
that candidate, in the conversation's language, with the knowledge base's
published articles and their links: one click sends a reply, an article's answer
(with the records' current figures, and its source and check date) or a link.
The candidate's first name is the one they gave the company in this conversation
(a callback request, a coffee, an event registration); when they gave none, the
placeholder is left out and the sentence closed up ("Bonjour {candidat}," reads
"Bonjour,").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.dates import date_in_words
from bot.core.problem_texts import FieldErrors, Problem
from bot.core.settings import PROJECT_ROOT, Settings
from bot.core.texts import text as worded
from bot.events.models import Registration
from bot.handoff.models import CallbackRequest, CannedReply, Handoff
from bot.knowledge.files import HTML_TAG
from bot.knowledge.freshness import is_stale
from bot.knowledge.models import Article, ArticleText
from bot.knowledge.service import ArticleNotFound, published_answer
from bot.meetings.models import Booking
from bot.records.answers import live_answer

__all__ = [
    "ArticleNotFound",
    "CannedReplyError",
    "CannedReplyNotFound",
    "ComposerChoices",
    "article_message",
    "privacy_notice_url",
    "candidate_first_name",
    "choices_for",
    "delete_reply",
    "fill",
    "get_reply",
    "list_replies",
    "read_reply_input",
    "count_use",
    "reply_json",
    "reply_message",
    "save_reply",
    "seed_replies",
]

LANGUAGES = ("fr", "en")
MAX_TITLE = 80
MAX_TEXT = 1000
MAX_REPLIES = 200
MAX_FIRST_NAME = 40
FIELDS = ("title", "text_fr", "text_en")
READ_ONLY = ("id", "uses", "last_used_at", "created_at", "updated_at", "updated_by")
# What HR may write between braces, and what it stands for.
PLACEHOLDERS = {
    "candidat": "candidate",
    "candidate": "candidate",
    "prénom": "candidate",
    "prenom": "candidate",
    "recruteur": "recruiter",
    "recruiter": "recruiter",
}
KNOWN = ["{candidat}", "{recruteur}"]
BRACED = re.compile(r"\{([^{}\n]{0,40})\}")
# Line breaks and tabs are allowed in a reply; no other invisible character.
ALLOWED_CONTROLS = {"\n", "\t"}
DEFAULTS_FILE = PROJECT_ROOT / "data" / "handoff" / "replies.yml"
DEFAULTS_AUTHOR = "default replies"
SEEDED = "canned_replies.seeded"


class CannedReplyError(FieldErrors):
    """Input a canned reply cannot take; `errors` maps each field to its Problem."""


class CannedReplyNotFound(LookupError):
    """No canned reply has this id."""

    def __init__(self, reply_id: object):
        self.problem = Problem("canned_reply_not_found", {"id": str(reply_id)[:20]})
        super().__init__(str(self.problem))


def _timestamp(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def reply_json(reply: CannedReply) -> dict[str, Any]:
    """A reply as the workspace shows it."""
    return {
        "id": reply.id,
        "title": reply.title,
        "text_fr": reply.text_fr,
        "text_en": reply.text_en,
        "uses": reply.uses,
        "last_used_at": _timestamp(reply.last_used_at),
        "updated_at": _timestamp(reply.updated_at),
        "updated_by": reply.updated_by,
    }


# ---------------------------------------------------------------- reading HR's input


def _invisible(text: str) -> bool:
    return any(
        unicodedata.category(c) in ("Cc", "Cs", "Cf") and c not in ALLOWED_CONTROLS for c in text
    )


def _title(value: Any) -> str | Problem:
    if not isinstance(value, str):
        return Problem("not_a_text")
    title = " ".join(value.split())
    if not title:
        return Problem("is_required")
    if len(title) > MAX_TITLE:
        return Problem("text_too_long", {"maximum": MAX_TITLE, "length": len(title)})
    if _invisible(title):
        return Problem("control_characters")
    if HTML_TAG.search(title):
        return Problem("html_markup")
    return title


def _reply_text(value: Any) -> str | Problem:
    """A reply's text: lines kept (trailing spaces dropped), no HTML, known placeholders."""
    if not isinstance(value, str):
        return Problem("not_a_text")
    lines = [line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines).strip()
    if not text:
        return Problem("is_required")
    if len(text) > MAX_TEXT:
        return Problem("text_too_long", {"maximum": MAX_TEXT, "length": len(text)})
    if _invisible(text):
        return Problem("control_characters")
    if HTML_TAG.search(text):
        return Problem("html_markup")
    for match in BRACED.finditer(text):
        name = match.group(1).strip().lower()
        if name not in PLACEHOLDERS:
            return Problem(
                "canned_unknown_placeholder",
                {"name": match.group(0), "known": KNOWN},
            )
    if "{" in BRACED.sub("", text) or "}" in BRACED.sub("", text):
        return Problem("canned_stray_brace", {"known": KNOWN})
    return text


def read_reply_input(data: Mapping[str, Any], *, partial: bool) -> dict[str, str]:
    """The fields of a reply from HR's input; `partial` (an edit) lets fields be left out."""
    errors: dict[str, Problem] = {}
    values: dict[str, str] = {}
    for key in data:
        if key not in FIELDS and key not in READ_ONLY:
            errors[str(key)[:40]] = Problem("unknown_field", field=str(key)[:40])
    for key, parse in (("title", _title), ("text_fr", _reply_text), ("text_en", _reply_text)):
        if key not in data:
            if not partial:
                errors[key] = Problem("is_required", field=key)
            continue
        parsed = parse(data[key])
        if isinstance(parsed, Problem):
            errors[key] = Problem(parsed.code, parsed.values, field=key)
        else:
            values[key] = parsed
    if errors:
        raise CannedReplyError(errors)
    return values


# ---------------------------------------------------------------- HR's changes


def list_replies(*, session: Session) -> list[CannedReply]:
    """Every reply, by title."""
    return list(
        session.execute(select(CannedReply).order_by(func.lower(CannedReply.title), CannedReply.id))
        .scalars()
        .all()
    )


def get_reply(*, session: Session, reply_id: object) -> CannedReply:
    number = reply_id if isinstance(reply_id, int) and not isinstance(reply_id, bool) else None
    if isinstance(reply_id, str) and reply_id.isascii() and reply_id.isdigit():
        number = int(reply_id)
    found = session.get(CannedReply, number) if number is not None and number < 2**31 else None
    if found is None:
        raise CannedReplyNotFound(reply_id)
    return found


def _title_taken(session: Session, title: str, reply_id: int | None) -> bool:
    query = select(CannedReply.id).where(func.lower(CannedReply.title) == title.lower())
    if reply_id is not None:
        query = query.where(CannedReply.id != reply_id)
    return session.execute(query.limit(1)).first() is not None


def save_reply(
    *, session: Session, data: Mapping[str, Any], author: str, reply_id: object = None
) -> CannedReply:
    """Create a reply (`reply_id` None) or change one; identical values change nothing."""
    existing = None if reply_id is None else get_reply(session=session, reply_id=reply_id)
    values = read_reply_input(data, partial=existing is not None)
    if "title" in values and _title_taken(
        session, values["title"], existing.id if existing else None
    ):
        raise CannedReplyError(
            {"title": Problem("canned_title_taken", {"title": values["title"]}, field="title")}
        )
    now = utcnow()
    if existing is None:
        count = session.execute(select(func.count()).select_from(CannedReply)).scalar_one()
        if count >= MAX_REPLIES:
            raise CannedReplyError({"": Problem("canned_too_many", {"maximum": MAX_REPLIES})})
        reply = CannedReply(**values, uses=0, created_at=now, updated_at=now, updated_by=author)
        session.add(reply)
        session.flush()
        audit.record(
            session=session,
            actor=author,
            action="canned_reply.created",
            target=f"canned_reply:{reply.id}",
            detail={"title": reply.title},
        )
        return reply
    changed = sorted(k for k, v in values.items() if getattr(existing, k) != v)
    if not changed:
        return existing
    changes = {key: [getattr(existing, key)[:200], values[key][:200]] for key in changed}
    for key in changed:
        setattr(existing, key, values[key])
    existing.updated_at, existing.updated_by = now, author
    audit.record(
        session=session,
        actor=author,
        action="canned_reply.updated",
        target=f"canned_reply:{existing.id}",
        detail={"title": existing.title, "changes": changes},
    )
    return existing


def delete_reply(*, session: Session, reply_id: object, author: str) -> None:
    reply = get_reply(session=session, reply_id=reply_id)
    audit.record(
        session=session,
        actor=author,
        action="canned_reply.deleted",
        target=f"canned_reply:{reply.id}",
        detail={"title": reply.title},
    )
    session.delete(reply)


def load_default_replies(path: Path = DEFAULTS_FILE) -> list[dict[str, str]]:
    """The replies that ship with the assistant, checked as HR's input is."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [read_reply_input(item, partial=False) for item in data.get("replies") or []]


def seed_replies(*, session: Session, path: Path = DEFAULTS_FILE) -> int:
    """At start: the default replies, once in the database's life (HR may delete them all
    and they stay deleted); how many were added."""
    seeded = session.execute(
        select(audit.AuditEntry.id).where(audit.AuditEntry.action == SEEDED).limit(1)
    ).first()
    if seeded is not None:
        return 0
    defaults = load_default_replies(path)
    now = utcnow()
    for values in defaults:
        if not _title_taken(session, values["title"], None):
            session.add(
                CannedReply(
                    **values, uses=0, created_at=now, updated_at=now, updated_by=DEFAULTS_AUTHOR
                )
            )
    session.flush()
    audit.record(
        session=session,
        actor=DEFAULTS_AUTHOR,
        action=SEEDED,
        target="canned_replies",
        detail={"titles": [v["title"] for v in defaults]},
    )
    return len(defaults)


# ---------------------------------------------------------------- in the console


def candidate_first_name(*, session: Session, conversation_id: str) -> str | None:
    """The first name the candidate most recently gave in this conversation, if any."""
    found: list[tuple[dt.datetime, str]] = []
    queries = (
        select(CallbackRequest.created_at, CallbackRequest.name).where(
            CallbackRequest.conversation_id == conversation_id
        ),
        select(Booking.created_at, Booking.candidate_name).where(
            Booking.conversation_id == conversation_id
        ),
        select(Registration.created_at, Registration.first_name).where(
            Registration.conversation_id == conversation_id
        ),
    )
    for query in queries:
        found += [(row[0], row[1]) for row in session.execute(query).all()]
    for _created, name in sorted(found, key=lambda row: row[0], reverse=True):
        words = (name or "").split()
        if words and any(c.isalpha() for c in words[0]):
            return words[0][:MAX_FIRST_NAME]
    return None


def fill(text: str, *, candidate: str | None, recruiter: str) -> str:
    """The reply with its placeholders filled; an unknown first name is left out and the
    spaces it leaves closed up."""
    values = {"candidate": candidate or "", "recruiter": recruiter}

    def put(match: re.Match[str]) -> str:
        meaning = PLACEHOLDERS.get(match.group(1).strip().lower())
        return values[meaning] if meaning else match.group(0)

    lines = []
    for line in BRACED.sub(put, text).split("\n"):
        line = re.sub(r"[ \t]{2,}", " ", line)
        lines.append(re.sub(r" +([,.])", r"\1", line).strip())
    return "\n".join(lines)


@dataclass(frozen=True)
class ComposerChoices:
    """What the console offers a recruiter writing to one candidate."""

    language: str
    candidate: str | None
    replies: list[dict[str, Any]]  # {"id", "title", "text"} filled in
    articles: list[dict[str, str]]  # {"id", "title"}
    links: list[dict[str, str]]  # {"article", "title", "label", "url"}

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "candidate": self.candidate,
            "replies": self.replies,
            "articles": self.articles,
            "links": self.links,
        }


def _language(handoff: Handoff) -> str:
    return handoff.language if handoff.language in LANGUAGES else LANGUAGES[0]


def privacy_notice_url(settings: Settings, language: str) -> str:
    """Where candidates read the privacy notice: the company's own (PRIVACY_URL), else the
    one this server publishes."""
    if settings.privacy_url:
        return settings.privacy_url
    base = (settings.public_url or settings.web_url).rstrip("/")
    return f"{base}/{language}/privacy"


def choices_for(
    *, session: Session, handoff: Handoff, recruiter: str, privacy_url: str
) -> ComposerChoices:
    """The replies filled in for this candidate, and the published articles and links (the
    articles' own, and the privacy notice), in the conversation's language."""
    language = _language(handoff)
    candidate = candidate_first_name(session=session, conversation_id=handoff.conversation_id)
    replies = [
        {
            "id": reply.id,
            "title": reply.title,
            "text": fill(
                reply.text_fr if language == "fr" else reply.text_en,
                candidate=candidate,
                recruiter=recruiter,
            ),
        }
        for reply in list_replies(session=session)
    ]
    rows = session.execute(
        select(Article, ArticleText)
        .join(ArticleText, ArticleText.article_id == Article.id)
        .where(Article.status == "published", ArticleText.language == language)
        .order_by(func.lower(ArticleText.title))
    ).all()
    articles = [{"id": article.id, "title": text.title} for article, text in rows]
    links = [
        {
            "article": article.id,
            "title": text.title,
            "label": link.get(language) or link["url"],
            "url": link["url"],
        }
        for article, text in rows
        for link in article.links
        if isinstance(link, dict) and isinstance(link.get("url"), str)
    ]
    notice = worded("privacy_notice_link", language)
    links.append({"article": "", "title": notice, "label": notice, "url": privacy_url})
    return ComposerChoices(language, candidate, replies, articles, links)


def article_message(
    *, session: Session, article_id: str, language: str, today: dt.date, review_max_days: int
) -> str:
    """An article's answer as a recruiter sends it: the current text (with the records'
    figures), its links, and where it comes from and when HR last checked it."""
    answer = published_answer(session=session, article_id=article_id, language=language)
    body = live_answer(
        session=session,
        article_id=article_id,
        language=answer.language,
        today=today,
        answer=answer.answer,
    )
    lines = [body, *(f"[{label}]({url})" for label, url in answer.links)]
    if answer.reviewed_on is None:
        source = worded("console_article_source_unchecked", answer.language, title=answer.title)
    else:
        source = worded(
            "console_article_source",
            answer.language,
            title=answer.title,
            date=date_in_words(answer.reviewed_on, answer.language),
        )
    lines += ["", source]
    if answer.reviewed_on is not None and is_stale(answer.reviewed_on, today, review_max_days):
        lines.append(worded("console_article_stale", answer.language))
    return "\n".join(lines)


def reply_message(*, session: Session, handoff: Handoff, reply_id: object, recruiter: str) -> str:
    """A canned reply filled in for this candidate (`count_use` once it is delivered)."""
    reply = get_reply(session=session, reply_id=reply_id)
    language = _language(handoff)
    candidate = candidate_first_name(session=session, conversation_id=handoff.conversation_id)
    text = fill(
        reply.text_fr if language == "fr" else reply.text_en,
        candidate=candidate,
        recruiter=recruiter,
    )
    return text


def count_use(*, session: Session, reply_id: object) -> None:
    """A recruiter sent the reply: HR sees how often each one is used, and when last."""
    try:
        reply = get_reply(session=session, reply_id=reply_id)
    except CannedReplyNotFound:
        return  # deleted meanwhile: the message went out all the same
    reply.uses += 1
    reply.last_used_at = utcnow()
