"""Rasa NLU component: puts the candidate's language in a `language` entity.

The entity fills the `language` slot every turn, before any action runs, so
even the domain's plain responses come out in the candidate's language. When
the page says the language (`metadata.language`) it wins; otherwise the text
decides, and an undecided text adds nothing (the slot keeps its value).
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.candidate.language import LanguageGuesser, choose_language

ENTITY = "language"
FILE_NAME = "language_counts.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Learns word counts per language from labelled examples; tags each message."""

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, guesser: LanguageGuesser
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.guesser = guesser

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageEntityExtractor:
        return cls(model_storage, resource, LanguageGuesser.seeded())

    def train(self, training_data: TrainingData) -> Resource:
        labelled = []
        for example in training_data.training_examples:
            meta = (example.get(METADATA) or {}).get(METADATA_EXAMPLE) or {}
            language = meta.get("language") if isinstance(meta, dict) else None
            if language and example.get(TEXT):
                labelled.append((language, example.get(TEXT)))
        self.guesser = LanguageGuesser.fit(labelled)
        with self._model_storage.write_to(self._resource) as path:
            (path / FILE_NAME).write_text(json.dumps(self.guesser.to_dict()), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageEntityExtractor:
        try:
            with model_storage.read_from(resource) as path:
                counts = json.loads((path / FILE_NAME).read_text(encoding="utf-8"))
            guesser = LanguageGuesser(counts)
        except (ValueError, OSError):
            guesser = LanguageGuesser.seeded()
        return cls(model_storage, resource, guesser)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            language = choose_language(
                metadata=message.get(METADATA), text=message.get(TEXT) or "", guesser=self.guesser
            )
            if language is None:
                continue
            entity = {
                "entity": ENTITY,
                "value": language,
                "start": 0,
                "end": 0,
                "confidence": 1.0,
                "extractor": type(self).__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
