"""What candidates asked that needs HR's attention (questions the assistant could not settle)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import AuditEntry
from bot.core.audit import record as audit
from bot.core.problem_texts import Problem
from bot.handoff.models import CallbackRequest
from bot.hr.editing import SaveResult, add_example_question, article_template
from bot.hr.grouping import Group, group_entries
from bot.inbox.models import REASONS, InboxEntry, InboxItem
from bot.knowledge.models import ArticleText

# --- HR's view: inbox items and callback questions, with what HR did about them ----------

# What HR did with an item. "added": became an example question of an article;
# "drafted": started a new article. Inbox items keep it in their `status`
# column; callback questions (whose own status is the recruiters' call-back
# workflow) keep it in the audit log only. Who and when: the audit log.
HR_STATUSES = ("open", "dismissed", "added", "drafted", "checked")
CALLBACK_REASON = "callback"
ALL_REASONS = (*REASONS, CALLBACK_REASON)
_AUDIT_ACTIONS = {
    "open": "inbox.reopened",
    "dismissed": "inbox.dismissed",
    "added": "inbox.added",
    "drafted": "inbox.drafted",
    "checked": "inbox.checked",
}
# "To re-check" notes (a stale article was answered) have their own list, by article:
# bot.hr.recheck. The grouped questions leave them out unless asked for by reason.
RECHECK_REASON = "stale"
_STATUS_OF_ACTION = {action: status for status, action in _AUDIT_ACTIONS.items()}


class UnknownInboxItem(LookupError):
    """Item ids that are malformed or name nothing (e.g. erased since the page was loaded)."""

    def __init__(self, item_ids: Sequence[str]):
        self.item_ids = list(item_ids)
        super().__init__(f"unknown inbox items: {', '.join(self.item_ids)}")


class InboxActionInvalid(ValueError):
    """The action cannot apply to these items; `errors`: the problem, with its field."""

    def __init__(self, field: str, code: str):
        self.errors = [Problem(code, field=field)]
        super().__init__(f"{field}: {self.errors[0]}")


def entry_id(source: str, number: int) -> str:
    return f"{source}:{number}"


def parse_entry_ids(item_ids: Iterable[Any]) -> tuple[list[int], list[int]]:
    """("inbox:5", "callback:12", ...) -> ([5], [12]); UnknownInboxItem for malformed ids."""
    inbox, callbacks, bad = [], [], []
    for item_id in item_ids:
        source, _, number = str(item_id).partition(":")
        if (
            not (number.isascii() and number.isdigit())
            or len(number) > 18
            or source not in ("inbox", "callback")
        ):
            bad.append(str(item_id)[:80])
        elif source == "inbox":
            inbox.append(int(number))
        else:
            callbacks.append(int(number))
    if bad:
        raise UnknownInboxItem(bad)
    return list(dict.fromkeys(inbox)), list(dict.fromkeys(callbacks))


@dataclass(frozen=True)
class _Handling:
    status: str
    actor: str
    at: datetime
    article_id: str | None


def _handlings(session: Session, source: str) -> dict[int, list[_Handling]]:
    """HR's inbox actions on one source's items, oldest first, from the audit log."""
    rows = session.execute(
        select(AuditEntry)
        .where(
            AuditEntry.action.in_(list(_STATUS_OF_ACTION)),
            AuditEntry.target.like(f"{source}:%"),
        )
        .order_by(AuditEntry.id)
    ).scalars()
    found: dict[int, list[_Handling]] = {}
    for row in rows:
        number = row.target.partition(":")[2]
        if number.isascii() and number.isdigit():
            found.setdefault(int(number), []).append(
                _Handling(
                    status=_STATUS_OF_ACTION[row.action],
                    actor=row.actor,
                    at=row.at,
                    article_id=(row.detail or {}).get("article_id"),
                )
            )
    return found


def _last_handling(handlings: list[_Handling], created_at: datetime) -> _Handling | None:
    # Ids of deleted rows may be reused (SQLite): an action older than the item is not its own.
    mine = [h for h in handlings if h.at >= created_at]
    return mine[-1] if mine else None


def inbox_entries(
    *,
    session: Session,
    statuses: Iterable[str] | None = ("open",),
    reasons: Iterable[str] | None = None,
    language: str | None = None,
) -> list[InboxEntry]:
    """Inbox items and callback questions, oldest first, filtered (None: no filter)."""
    wanted_statuses = set(statuses) if statuses is not None else None
    wanted_reasons = set(reasons) if reasons is not None else None
    entries: list[InboxEntry] = []
    if wanted_reasons is None or wanted_reasons & set(REASONS):
        query = select(InboxItem)
        if wanted_statuses is not None:
            query = query.where(InboxItem.status.in_(list(wanted_statuses)))
        if wanted_reasons is not None:
            query = query.where(InboxItem.reason.in_(list(wanted_reasons)))
        if language:
            query = query.where(InboxItem.language == language)
        handled = _handlings(session, "inbox") if wanted_statuses != {"open"} else {}
        for item in session.execute(query).scalars():
            last = _last_handling(handled.get(item.id, []), item.created_at)
            entries.append(
                InboxEntry(
                    id=entry_id("inbox", item.id),
                    reason=item.reason,
                    text=item.text,
                    language=item.language,
                    conversation_id=item.conversation_id,
                    created_at=item.created_at,
                    status=item.status,
                    article_id=item.article_id,
                    confidence=item.confidence,
                    handled_by=last.actor if last and item.status != "open" else None,
                    handled_at=last.at if last and item.status != "open" else None,
                    handled_article=last.article_id if last and item.status != "open" else None,
                )
            )
    if wanted_reasons is None or CALLBACK_REASON in wanted_reasons:
        handled = _handlings(session, "callback")
        query = select(
            CallbackRequest.id,
            CallbackRequest.conversation_id,
            CallbackRequest.question,
            CallbackRequest.language,
            CallbackRequest.created_at,
        )  # deliberately not the name, e-mail or consent
        if language:
            query = query.where(CallbackRequest.language == language)
        for number, conversation_id, question, lang, created_at in session.execute(query):
            last = _last_handling(handled.get(number, []), created_at)
            status = last.status if last else "open"
            if wanted_statuses is not None and status not in wanted_statuses:
                continue
            done = last is not None and status != "open"
            entries.append(
                InboxEntry(
                    id=entry_id("callback", number),
                    reason=CALLBACK_REASON,
                    text=question,
                    language=lang,
                    conversation_id=conversation_id,
                    created_at=created_at,
                    status=status,
                    handled_by=last.actor if done and last else None,
                    handled_at=last.at if done and last else None,
                    handled_article=last.article_id if done and last else None,
                )
            )
    entries.sort(key=lambda e: (e.created_at, e.id))
    return entries


def get_entries(*, session: Session, item_ids: Iterable[Any]) -> list[InboxEntry]:
    """The entries with these ids, in that order; UnknownInboxItem if any is missing."""
    ids = [str(i) for i in item_ids]
    parse_entry_ids(ids)
    by_id = {e.id: e for e in inbox_entries(session=session, statuses=None)}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise UnknownInboxItem(missing)
    return [by_id[i] for i in dict.fromkeys(ids)]


def _set_status(
    session: Session,
    item_ids: Iterable[Any],
    status: str,
    author: str,
    article_id: str | None = None,
) -> int:
    """Record what HR did with each item (all or none); returns how many items."""
    inbox_ids, callback_ids = parse_entry_ids(item_ids)
    items = (
        list(session.execute(select(InboxItem).where(InboxItem.id.in_(inbox_ids))).scalars())
        if inbox_ids
        else []
    )
    known_callbacks = (
        set(
            session.execute(
                select(CallbackRequest.id).where(CallbackRequest.id.in_(callback_ids))
            ).scalars()
        )
        if callback_ids
        else set()
    )
    missing = [entry_id("inbox", i) for i in inbox_ids if i not in {it.id for it in items}]
    missing += [entry_id("callback", i) for i in callback_ids if i not in known_callbacks]
    if missing:
        raise UnknownInboxItem(missing)
    for item in items:
        item.status = status
    detail = {"article_id": article_id} if article_id else {}
    for target in [entry_id("inbox", i) for i in inbox_ids] + [
        entry_id("callback", i) for i in callback_ids
    ]:
        audit(
            session=session,
            actor=author,
            action=_AUDIT_ACTIONS[status],
            target=target,
            detail=detail,
        )
    session.flush()
    return len(inbox_ids) + len(callback_ids)


def dismiss(*, session: Session, item_ids: Iterable[Any], author: str) -> int:
    """Nothing to do about these items (spam, off-topic, already handled)."""
    return _set_status(session, item_ids, "dismissed", author)


def reopen(*, session: Session, item_ids: Iterable[Any], author: str) -> int:
    """Undo a dismissal (or an add): the items are open again."""
    return _set_status(session, item_ids, "open", author)


def mark_added(*, session: Session, item_ids: Iterable[Any], article_id: str, author: str) -> int:
    """These items were added as example questions of `article_id`."""
    return _set_status(session, item_ids, "added", author, article_id)


def mark_drafted(*, session: Session, item_ids: Iterable[Any], article_id: str, author: str) -> int:
    """These items started the new article `article_id`."""
    return _set_status(session, item_ids, "drafted", author, article_id)


def add_as_example(
    *,
    session: Session,
    item_ids: Iterable[Any],
    article_id: str,
    author: str,
    question: str | None = None,
) -> SaveResult:
    """The inbox's one click: add the question (default: the first item's text, as the
    candidate wrote it) as an example question of an article, and mark the items added.

    All items must share a language. ArticleInvalid when the question cannot be
    added (duplicate, too long...), ArticleNotFound for an unknown article.
    """
    entries = get_entries(session=session, item_ids=item_ids)
    if not entries:
        raise InboxActionInvalid("item_ids", "inbox_no_items")
    languages = {e.language for e in entries}
    if len(languages) != 1:
        raise InboxActionInvalid("item_ids", "inbox_mixed_languages")
    if question is None:
        usable = [e for e in entries if not e.placeholder]
        if not usable:
            raise InboxActionInvalid("question", "inbox_no_candidate_question")
        question = usable[0].text
    result = add_example_question(
        session=session,
        article_id=article_id,
        language=languages.pop(),
        question=question,
        author=author,
    )
    mark_added(
        session=session, item_ids=[e.id for e in entries], article_id=article_id, author=author
    )
    return result


def draft_template(*, session: Session, item_ids: Iterable[Any]) -> dict[str, Any]:
    """A new article for the editor, pre-filled with these items' questions.

    Nothing is saved: after the editor saved the article, call mark_drafted.
    """
    entries = get_entries(session=session, item_ids=item_ids)
    questions: dict[str, list[str]] = {}
    for entry in entries:
        if not entry.placeholder:
            questions.setdefault(entry.language, []).append(" ".join(entry.text.split()))
    return article_template(questions)


def example_questions(*, session: Session, language: str) -> list[str]:
    """Every article's example questions in one language (what tells common words apart)."""
    rows = session.execute(
        select(ArticleText.questions).where(ArticleText.language == language)
    ).scalars()
    return [question for questions in rows for question in questions]


def inbox_groups(
    *,
    session: Session,
    reasons: Iterable[str] | None = None,
    language: str | None = None,
    limit: int = 100,
) -> list[Group]:
    """HR's inbox: open items and callback questions, similar ones grouped (per language)
    with counts; largest groups first, then the most recent."""
    if reasons is None:
        reasons = [r for r in ALL_REASONS if r != RECHECK_REASON]
    entries = inbox_entries(session=session, reasons=reasons, language=language)
    languages = {e.language for e in entries}
    background = {lang: example_questions(session=session, language=lang) for lang in languages}
    return group_entries(entries, background=background)[: max(limit, 0)]
