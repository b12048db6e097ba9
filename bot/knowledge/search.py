"""Finding the articles whose example questions look most like a text.

A TF-IDF index of character n-grams over the published articles' example
questions (accents and case ignored, so "teletravail" finds "télétravail").
The assistant uses it as a second opinion next to the trained model: when
both name the same article, a hesitant model is trusted enough to answer.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.knowledge.models import Article
from bot.knowledge.service import TrainingExample, training_examples


@dataclass(frozen=True)
class Hit:
    article_id: str
    score: float  # cosine similarity with the closest example question, 0..1


class ArticleIndex:
    """Nearest example questions, grouped by article."""

    def __init__(self, examples: Sequence[TrainingExample]):
        self._labels = np.array([e.article_id for e in examples])
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            strip_accents="unicode",
            lowercase=True,
            sublinear_tf=True,
        )
        texts = [e.text for e in examples]
        self._matrix = self._vectorizer.fit_transform(texts) if texts else None

    def search(self, text: str, limit: int = 3) -> list[Hit]:
        if self._matrix is None or not text.strip():
            return []
        query = self._vectorizer.transform([text])
        if query.nnz == 0:
            return []
        similarities = (self._matrix @ query.T).toarray().ravel()
        hits: dict[str, float] = {}
        for index in np.argsort(-similarities):
            score = float(similarities[index])
            if score <= 0:
                break
            hits.setdefault(str(self._labels[index]), score)
            if len(hits) == limit:
                break
        return [Hit(article_id, round(score, 4)) for article_id, score in hits.items()]

    def best(self, text: str) -> str | None:
        """The article closest to the text, if any."""
        hits = self.search(text, limit=1)
        return hits[0].article_id if hits else None


def _version(session: Session) -> tuple[str, int, datetime | None]:
    """Changes whenever an article is added, edited or removed (or the database changes)."""
    count, updated = session.execute(
        select(func.count(Article.id), func.max(Article.updated_at))
    ).one()
    return str(session.get_bind().url), count, updated


class IndexCache:
    """One index per process, rebuilt when the knowledge base has changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[str, int, datetime | None] | None = None
        self._index: ArticleIndex | None = None

    def get(self, session: Session) -> ArticleIndex:
        version = _version(session)
        with self._lock:
            if self._index is None or version != self._version:
                self._index = ArticleIndex(training_examples(session=session))
                self._version = version
            return self._index


index_cache = IndexCache()
