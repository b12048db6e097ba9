"""Is one question a near-copy of another? Word overlap and character n-grams.

Used to keep the measuring sets honest: a held-out question that is a training
example with a word changed measures memory, not understanding. Two questions
are near-duplicates when they share at least `WORD_OVERLAP` of the words of the
longer one (one word changed in a six-word line: 5/6), or when their character
trigrams are nearly the same (`CHAR_SIMILARITY`: accents, typos, word order).
Thresholds measured on the project's own sets: see tests/test_similarity.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

WORD_OVERLAP = 0.8
CHAR_SIMILARITY = 0.9
_WORD = re.compile(r"[a-z0-9]+")


def _plain(text: str) -> str:
    """Lower case, no accents, apostrophes and punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_plain(text)))


def trigrams(text: str) -> Counter[str]:
    padded = f" {' '.join(_WORD.findall(_plain(text)))} "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over the words of the longer question (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def char_similarity(a: Counter[str], b: Counter[str]) -> float:
    """Cosine of the two trigram count vectors."""
    dot = sum(count * b[gram] for gram, count in a.items())
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm if norm else 0.0


@dataclass(frozen=True)
class Question:
    """A question with its word set and trigrams, computed once."""

    text: str
    words: frozenset[str]
    trigrams: Counter[str]

    @classmethod
    def of(cls, text: str) -> Question:
        return cls(text, words(text), trigrams(text))


@dataclass(frozen=True)
class NearDuplicate:
    question: str
    of: str
    word_overlap: float
    char_similarity: float


class NearDuplicateIndex:
    """Reference questions (e.g. every training example) to check new questions against."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.references = [Question.of(t) for t in dict.fromkeys(texts)]
        self.by_word: dict[str, list[int]] = {}
        for number, reference in enumerate(self.references):
            for word in reference.words:
                self.by_word.setdefault(word, []).append(number)

    def closest(self, text: str) -> NearDuplicate | None:
        """The reference this question nearly copies, if any (the most similar one)."""
        question = Question.of(text)
        seen = {n for word in question.words for n in self.by_word.get(word, ())}
        best: NearDuplicate | None = None
        for number in seen:
            reference = self.references[number]
            overlap = word_overlap(question.words, reference.words)
            similarity = char_similarity(question.trigrams, reference.trigrams)
            if overlap >= WORD_OVERLAP or similarity >= CHAR_SIMILARITY:
                found = NearDuplicate(text, reference.text, overlap, similarity)
                if best is None or (similarity, overlap) > (
                    best.char_similarity,
                    best.word_overlap,
                ):
                    best = found
        return best
