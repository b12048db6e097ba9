"""Rasa training data drawn from the knowledge base itself.

Named in config.yml's `importers`, this importer hands Rasa one retrieval
intent example (`faq/<article id>`) per example question of every published
article, each tagged with its language. Nothing is copied by hand: what HR
writes is what the model learns.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.db import transaction
from bot.core.settings import get_settings
from bot.knowledge import RETRIEVAL_INTENT
from bot.knowledge.service import TrainingExample, training_examples


def article_intent(article_id: str) -> str:
    return f"{RETRIEVAL_INTENT}/{article_id}"


def training_data_from(examples: list[TrainingExample]) -> TrainingData:
    """NLU examples and placeholder responses for the response selector.

    The responses only name the article: the action always reads the current
    answer from the database, so editing an answer needs no retraining.
    """
    messages = [
        Message.build(
            text=example.text,
            intent=article_intent(example.article_id),
            example_metadata={"language": example.language},
        )
        for example in examples
    ]
    responses = {
        f"utter_{article_intent(article_id)}": [{"text": article_id}]
        for article_id in sorted({e.article_id for e in examples})
    }
    return TrainingData(training_examples=messages, responses=responses)


class KnowledgeBaseImporter(TrainingDataImporter):
    """Feeds Rasa the published articles' example questions from the database."""

    def __init__(
        self,
        config_file: str | None = None,
        domain_path: str | None = None,
        training_data_paths: Any = None,
        **kwargs: Any,
    ) -> None:
        self._training_data: TrainingData | None = None

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        if self._training_data is None:
            with transaction(get_settings().database_url) as session:
                self._training_data = training_data_from(training_examples(session=session))
        return self._training_data

    def get_domain(self) -> Domain:
        return Domain.empty()

    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        return StoryGraph([])

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> dict:
        return {}

    def get_config_file_for_auto_config(self) -> str | None:
        return None
