"""What HR does to an article from the workspace (save, delete, restore), each change
kept in the audit log beside the article's own revisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.core import audit
from bot.hr import editing, triage
from bot.hr.editing import SaveResult


def _log(session: Session, author: str, action: str, article_id: str, detail: Any = None) -> None:
    audit.record(
        session=session,
        actor=author,
        action=f"article.{action}",
        target=f"article:{article_id}",
        detail=detail,
    )


def save_article(
    *,
    session: Session,
    data: Any,
    article_id: str | None,
    author: str,
    expected_revision: int | None,
    from_inbox: list[Any],
) -> SaveResult:
    """Create (`article_id` None) or update an article from the editor; the inbox items
    it was started from (`from_inbox`) are marked drafted."""
    result = editing.save_from_editor(
        session=session,
        data=data,
        article_id=article_id,
        author=author,
        expected_revision=expected_revision,
    )
    if result.action != "unchanged":  # the log keeps changes only
        _log(session, author, result.action, result.article_id)
    if from_inbox:
        triage.mark_drafted(
            session=session, item_ids=from_inbox, article_id=result.article_id, author=author
        )
    return result


def delete_article(
    *, session: Session, article_id: str, author: str, expected_revision: int | None
) -> None:
    """Delete an article; its revisions stay, so it can be restored."""
    editing.delete_from_editor(
        session=session, article_id=article_id, author=author, expected_revision=expected_revision
    )
    _log(session, author, "deleted", article_id)


def restore_article(*, session: Session, article_id: str, number: int, author: str) -> SaveResult:
    """Make a past revision the current article again (a deleted article too)."""
    result = editing.restore_revision(
        session=session, article_id=article_id, number=number, author=author
    )
    _log(session, author, "restored", article_id, {"revision": number})
    return result
