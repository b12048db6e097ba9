from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.core.db import transaction
from bot.knowledge.files import KnowledgeFileError, LocalizedText
from bot.knowledge.models import Article
from bot.knowledge.service import (
    ArticleNotFound,
    all_docs,
    delete_article,
    doc_from_snapshot,
    import_docs,
    published_answer,
    revisions,
    save_article,
    training_examples,
)


def by_id(docs, article_id):
    return next(d for d in docs if d.id == article_id)


def edited(doc, language="en", **changes):
    text = replace(doc.texts[language], **changes)
    return replace(doc, texts={**doc.texts, language: text})


def test_save_records_a_revision_per_real_change(db_url, default_docs):
    doc = by_id(default_docs, "remote-work")
    with transaction(db_url) as session:
        assert save_article(session=session, doc=doc, author="camille") == "created"
        assert save_article(session=session, doc=doc, author="camille") == "unchanged"
        changed = edited(doc, answer="Up to three remote days a week.")
        assert save_article(session=session, doc=changed, author="malik") == "updated"
    with transaction(db_url) as session:
        history = revisions(session=session, article_id="remote-work")
        assert [(r.number, r.action, r.author) for r in history] == [
            (1, "created", "camille"),
            (2, "updated", "malik"),
        ]
        assert doc_from_snapshot(history[0].snapshot) == doc
        assert doc_from_snapshot(history[1].snapshot).texts["en"].answer == (
            "Up to three remote days a week."
        )


def test_delete_keeps_the_audit_trail(db_url, default_docs):
    doc = by_id(default_docs, "dress-code")
    with transaction(db_url) as session:
        save_article(session=session, doc=doc, author="hr")
        delete_article(session=session, article_id="dress-code", author="hr")
        with pytest.raises(ArticleNotFound):
            delete_article(session=session, article_id="dress-code", author="hr")
    with transaction(db_url) as session:
        assert session.get(Article, "dress-code") is None
        assert [r.action for r in revisions(session=session, article_id="dress-code")] == [
            "created",
            "deleted",
        ]


def test_import_reports_and_prunes(db_url, default_docs):
    with transaction(db_url) as session:
        first = import_docs(session=session, docs=default_docs, author="files")
    assert len(first.created) == len(default_docs)
    fewer = [d for d in default_docs if d.id != "dress-code"]
    fewer = [
        edited(d, title="Télétravail", language="fr") if d.id == "remote-work" else d for d in fewer
    ]
    with transaction(db_url) as session:
        second = import_docs(session=session, docs=fewer, author="files")
    assert second.updated == ["remote-work"]
    assert second.only_in_database == ["dress-code"]
    assert len(second.unchanged) == len(default_docs) - 2
    with transaction(db_url) as session:
        third = import_docs(session=session, docs=fewer, author="files", prune=True)
        assert third.deleted == ["dress-code"]
        assert {d.id for d in all_docs(session=session)} == {d.id for d in fewer}


def test_import_refuses_inconsistent_collections(db_url, default_docs):
    doc = by_id(default_docs, "remote-work")
    with transaction(db_url) as session, pytest.raises(KnowledgeFileError) as caught:
        import_docs(session=session, docs=[doc], author="files")
    assert "related 'remote-allowance' does not exist" in str(caught.value)


def test_published_answer_reads_current_text_and_related_titles(kb_url):
    with transaction(kb_url) as session:
        answer = published_answer(session=session, article_id="remote-work", language="en")
    assert answer.language == "en"
    assert "remote" in answer.answer.lower()
    assert [s.article_id for s in answer.related] == ["remote-allowance", "work-abroad", "offices"]
    assert all(s.title for s in answer.related)


def test_drafts_are_neither_answered_nor_trained(kb_url):
    with transaction(kb_url) as session:
        session.execute(
            select(Article).where(Article.id == "equipment")
        ).scalar_one().status = "draft"
    with transaction(kb_url) as session:
        with pytest.raises(ArticleNotFound):
            published_answer(session=session, article_id="equipment", language="fr")
        with pytest.raises(ArticleNotFound):
            published_answer(session=session, article_id="no-such-article", language="fr")
        trained = {e.article_id for e in training_examples(session=session)}
        # related suggestions skip the draft too
        related = published_answer(session=session, article_id="onboarding", language="fr").related
    assert "equipment" not in trained and "remote-work" in trained
    assert "equipment" not in [s.article_id for s in related]


def test_training_examples_carry_their_language(kb_url, default_docs):
    with transaction(kb_url) as session:
        examples = training_examples(session=session)
    expected = sum(len(t.questions) for d in default_docs for t in d.texts.values())
    assert len(examples) == expected
    assert {e.language for e in examples} == {"fr", "en"}


@pytest.mark.postgres
def test_knowledge_base_on_postgresql(pg_url, default_docs):
    from bot.ops.schema import upgrade

    upgrade(pg_url)
    with transaction(pg_url) as session:
        report = import_docs(session=session, docs=default_docs, author="files")
    assert len(report.created) == len(default_docs)
    with transaction(pg_url) as session:
        assert sorted(all_docs(session=session), key=lambda d: d.id) == sorted(
            default_docs, key=lambda d: d.id
        )
        answer = published_answer(session=session, article_id="time-off", language="fr")
    assert "37" in answer.answer


def test_localized_text_is_a_value():
    assert LocalizedText("a", "b", ("c",)) == LocalizedText("a", "b", ("c",))
