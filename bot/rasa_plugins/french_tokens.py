"""Rasa NLU component: spaCy's French tokens, without the pipes nothing reads.

Rasa's SpacyNLP runs every pipe of `fr_core_news_md` on every message (tagger,
morphology, lemmas, named entities: about 3 ms a message here) and on every
training example, and SpacyTokenizer then keeps only the tokens. No component
of ours reads the rest: the classifier (linear_classifier.py) reads the text's
n-grams. Profiling `rasa train` (issue 15) showed spaCy's processing and loading
taking half of the training. This tokenizer loads the same model without its
pipes (`exclude`), once per process, and cuts text with its French rules
(elisions such as "l'équipe", "aujourd'hui" kept whole), as SpacyTokenizer did.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language

MODEL = "fr_core_news_md"


@cache
def tokenizer_of(model: str) -> Language:
    """The model with none of its pipes: its vocabulary and its tokenizer's rules."""
    import spacy

    names = spacy.util.get_model_meta(spacy.util.get_package_path(model)).get("pipeline", [])
    return spacy.load(model, exclude=list(names))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FrenchTokenizer(Tokenizer):
    """Tokens from spaCy's French tokenizer (`model`, default fr_core_news_md)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "model": MODEL,
            # Rasa's Tokenizer settings, as SpacyTokenizer has them
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy"]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.nlp = tokenizer_of(config["model"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FrenchTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        if not isinstance(text, str) or not text.strip():
            return []
        tokens = [Token(t.text, t.idx) for t in self.nlp.make_doc(text) if t.text.strip()]
        return self._apply_token_pattern(tokens)
