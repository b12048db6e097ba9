"""Telling French from English in a candidate's message, even a short one.

A naive Bayes guess over words: a built-in list of function words for each
language, enriched with the knowledge base's own example questions at training
time (so "télétravail" or "mutuelle" count as French, "remote" or "perks" as
English). Accents and elisions ("l'", "qu'") are strong French clues. When the
evidence is thin ("ok", "Python ?") it answers None and the conversation keeps
the language it had.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.settings import LANGUAGES

_FRENCH = """
le la les un une des du de d l au aux et ou mais donc car ni que qu qui quoi quel quelle
quels quelles est sont suis es sommes etes etre avoir ai as avez avons ont fait faire
je tu il elle on nous vous ils elles me te se moi toi lui leur leurs mon ma mes ton ta tes
son sa ses notre nos votre vos ce cet cette ces ca cela ceci y en dans sur sous avec sans
pour par chez entre vers pendant depuis comment combien pourquoi quand ou est-ce
oui non merci bonjour bonsoir salut svp stp peut peux pouvez puis-je veux voudrais
faut il y a t aussi tres bien pas plus moins quelqu quelque chose tout tous toutes
beaucoup encore deja alors ici la-bas ne n s c j m ya chui jsuis ptet
"""
_ENGLISH = """
the a an and or but so of to in on at for with without from by about into over under
is are am was were be been being have has had do does did can could will would should
may might must shall i you he she it we they me him her us them my your his its our their
this that these those there here what which who whom whose how why when where
yes no thanks thank please hi hello hey any some much many more most less very also
not dont don't isn't aren't doesn't can't won't i'm you're it's what's there's
get got work working job jobs team teams company
"""

_WORD = re.compile(r"[a-zà-öø-ÿœæ]+(?:['’-][a-zà-öø-ÿœæ]+)*", re.IGNORECASE)
_ACCENTED = re.compile(r"[éèêëàâîïôûùüçœæ]")
_FRENCH_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]\w", re.IGNORECASE)
_ENGLISH_CONTRACTION = re.compile(r"\w['’](?:s|t|re|ve|ll|d|m)\b", re.IGNORECASE)

SEED_WEIGHT = 3
DECISION_MARGIN = 1.2
# A message whose language clearly differs from the page's is answered in its own.
CLEAR_MARGIN, CLEAR_WORDS = 4.0, 3


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [strip_accents(w).lower().replace("’", "'") for w in _WORD.findall(text)]


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None
    margin: float  # log-odds between the best and the second language


class LanguageGuesser:
    """Word counts per language, and a guess for a new text."""

    def __init__(self, counts: Mapping[str, Mapping[str, int]]):
        self.counts = {lang: Counter(counts.get(lang, {})) for lang in LANGUAGES}
        self.totals = {lang: sum(c.values()) for lang, c in self.counts.items()}
        self.vocabulary = set().union(*self.counts.values())

    @classmethod
    def seeded(cls) -> LanguageGuesser:
        """The built-in function words only."""
        return cls.fit([])

    @classmethod
    def fit(cls, examples: Iterable[tuple[str, str]]) -> LanguageGuesser:
        """Learn from (language, text) pairs on top of the built-in words."""
        counts: dict[str, Counter] = {
            "fr": Counter({w: SEED_WEIGHT for w in words(_FRENCH)}),
            "en": Counter({w: SEED_WEIGHT for w in words(_ENGLISH)}),
        }
        for language, text in examples:
            if language in counts:
                counts[language].update(words(text))
        return cls(counts)

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {lang: dict(c) for lang, c in self.counts.items()}

    def _log_odds(self, text: str) -> float:
        """Evidence for French over English, in natural log units."""
        score = 0.0
        size = len(self.vocabulary) + 1
        for word in words(text):
            if word not in self.vocabulary:
                continue
            p_fr = (self.counts["fr"][word] + 0.5) / (self.totals["fr"] + size)
            p_en = (self.counts["en"][word] + 0.5) / (self.totals["en"] + size)
            score += math.log(p_fr / p_en)
        score += 2.5 * len(_ACCENTED.findall(text.lower()))
        score += 2.0 * len(_FRENCH_ELISION.findall(text))
        score -= (
            1.5
            * len(_ENGLISH_CONTRACTION.findall(text))
            * (0 if _FRENCH_ELISION.search(text) else 1)
        )
        return score

    def guess(self, text: str) -> LanguageGuess:
        odds = self._log_odds(text)
        if odds >= DECISION_MARGIN:
            return LanguageGuess("fr", odds)
        if odds <= -DECISION_MARGIN:
            return LanguageGuess("en", -odds)
        return LanguageGuess(None, abs(odds))


def declared_language(value: object) -> str | None:
    """A language a page or a client states ("fr", "en-GB"...), if it is one we speak."""
    code = str(value or "").strip().lower()[:2]
    return code if code in LANGUAGES else None


def choose_language(*, metadata: Mapping | None, text: str, guesser: LanguageGuesser) -> str | None:
    """The message's language when the text clearly says it (at least CLEAR_WORDS words
    and CLEAR_MARGIN of evidence: a French question on the English page is answered in
    French), else the page's when it says one, else a confident guess from the text."""
    declared = (
        declared_language(metadata.get("language")) if isinstance(metadata, Mapping) else None
    )
    guess = guesser.guess(text or "")
    clear = (
        guess.language is not None
        and guess.margin >= CLEAR_MARGIN
        and len(words(text)) >= CLEAR_WORDS
        and not text.startswith("/")
    )
    if declared and not clear:
        return declared
    return guess.language or declared
