from __future__ import annotations

from sqlalchemy import select

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.knowledge.models import Article
from bot.knowledge.search import ArticleIndex, IndexCache
from bot.knowledge.service import TrainingExample, training_examples


def index_of(kb_url: str) -> ArticleIndex:
    with transaction(kb_url) as session:
        return ArticleIndex(training_examples(session=session))


def test_paraphrases_typos_and_missing_accents_find_their_article(kb_url):
    index = index_of(kb_url)
    assert index.search("teletravail combien de jours par semaine")[0].article_id == "remote-work"
    assert index.search("how much is the home office alowance")[0].article_id == "remote-allowance"
    assert index.search("astreinte payée combien")[0].article_id == "on-call"
    assert index.best("astreinte payée combien") == "on-call"


def test_hits_are_distinct_articles_best_first(kb_url):
    hits = index_of(kb_url).search("parental leave weeks", limit=3)
    assert len(hits) == 3 and len({h.article_id for h in hits}) == 3
    assert hits[0].score >= hits[1].score >= hits[2].score > 0


def test_nothing_to_find():
    index = ArticleIndex([TrainingExample("a", "en", "hello world")])
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("zzzz qqqq") == []
    assert ArticleIndex([]).search("anything") == []


def test_the_cache_follows_knowledge_base_changes(kb_url):
    cache = IndexCache()
    with transaction(kb_url) as session:
        first = cache.get(session)
        assert cache.get(session) is first
    with transaction(kb_url) as session:
        session.execute(
            select(Article).where(Article.id == "on-call")
        ).scalar_one().status = "draft"
        session.execute(
            select(Article).where(Article.id == "on-call")
        ).scalar_one().updated_at = utcnow()
    with transaction(kb_url) as session:
        second = cache.get(session)
    assert second is not first
    assert "on-call" not in {
        h.article_id for h in second.search("astreinte payée combien", limit=5)
    }
