"""The training importer: what Rasa learns from the knowledge base, read from a real
database, alone and combined with Rasa's file importer as config.yml names them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RESPONSE_KEY,
    METADATA,
    METADATA_EXAMPLE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT, get_settings
from bot.knowledge.files import ArticleDoc, LocalizedText
from bot.knowledge.service import import_docs
from bot.rasa_plugins.importer import KnowledgeBaseImporter

PUBLISHED = [
    ArticleDoc(
        id="climbing",
        topic="benefits",
        team="people",
        texts={
            "fr": LocalizedText("Escalade", "Non.", ("Un mur d'escalade ?", "Vous grimpez ?")),
            "en": LocalizedText("Climbing", "No.", ("A climbing wall?",)),
        },
    ),
    ArticleDoc(
        id="bikes",
        topic="office",
        team="facilities",
        texts={
            "fr": LocalizedText("Vélos", "Oui.", ("Un parking vélo ?",)),
            "en": LocalizedText("Bikes", "Yes.", ("Bike parking?", "Where do I leave my bike?")),
        },
    ),
]
DRAFT = ArticleDoc(
    id="sabbatical",
    topic="benefits",
    team="people",
    status="draft",
    texts={
        "fr": LocalizedText("Congé sabbatique", "À venir.", ("Un congé sabbatique ?",)),
        "en": LocalizedText("Sabbatical", "Soon.", ("Is there a sabbatical?",)),
    },
)
EXPECTED = {
    ("Un mur d'escalade ?", "faq/climbing", "fr"),
    ("Vous grimpez ?", "faq/climbing", "fr"),
    ("A climbing wall?", "faq/climbing", "en"),
    ("Un parking vélo ?", "faq/bikes", "fr"),
    ("Bike parking?", "faq/bikes", "en"),
    ("Where do I leave my bike?", "faq/bikes", "en"),
}


@pytest.fixture
def kb_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Iterator[str]:
    """A small knowledge base (two published articles, one draft) the importer reads."""
    with transaction(db_url) as session:
        import_docs(session=session, docs=[*PUBLISHED, DRAFT], author="tests")
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def example_language(message: Message) -> str | None:
    """The language an example carries, where Rasa keeps an example's metadata."""
    return ((message.get(METADATA) or {}).get(METADATA_EXAMPLE) or {}).get("language")


def article_examples(training_data: TrainingData) -> set[tuple[str, str, str | None]]:
    return {
        (m.get(TEXT), m.get(INTENT_RESPONSE_KEY), example_language(m))
        for m in training_data.training_examples
        if m.get(TEXT) and m.get(INTENT) == "faq"
    }


def test_one_example_per_question_of_each_published_article_with_its_language(kb_env):
    data = KnowledgeBaseImporter().get_nlu_data("fr")
    assert article_examples(data) == EXPECTED
    assert len(data.training_examples) == len(EXPECTED)
    assert data.retrieval_intents == {"faq"}
    texts = {m.get(TEXT) for m in data.training_examples}
    assert not texts & {"Un congé sabbatique ?", "Is there a sabbatical?"}  # the draft


def test_responses_name_each_published_article(kb_env):
    data = KnowledgeBaseImporter().get_nlu_data()
    assert data.responses == {
        "utter_faq/bikes": [{"text": "bikes"}],
        "utter_faq/climbing": [{"text": "climbing"}],
    }


def test_the_importer_adds_no_domain_stories_or_config(kb_env):
    importer = KnowledgeBaseImporter()
    assert importer.get_domain().is_empty()
    assert importer.get_stories().story_steps == []
    assert importer.get_conversation_tests().story_steps == []
    assert importer.get_config() == {}


def test_one_importer_reads_the_database_once_and_a_new_one_sees_changes(kb_env):
    importer = KnowledgeBaseImporter()
    first = importer.get_nlu_data()
    with transaction(kb_env) as session:
        import_docs(session=session, docs=[replace(DRAFT, status="published")], author="hr")
    assert importer.get_nlu_data() is first
    assert len(article_examples(KnowledgeBaseImporter().get_nlu_data())) == len(EXPECTED) + 2


def test_combined_with_the_file_importer_as_config_yml_names_them(kb_env):
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data" / folder) for folder in ("nlu", "rules", "stories")],
    )
    data = importer.get_nlu_data("fr")
    assert article_examples(data) == EXPECTED
    # the hand-written dialogue intents come from data/nlu
    assert {"greet", "request_human", "off_topic"} <= data.intents
    greetings = [m for m in data.training_examples if m.get(INTENT) == "greet"]
    assert greetings and all(m.get(INTENT_RESPONSE_KEY) is None for m in greetings)
    # the articles' responses reach the domain Rasa trains with
    domain = importer.get_domain()
    assert {"utter_faq/bikes", "utter_faq/climbing"} <= set(domain.responses)
    assert "utter_faq/sabbatical" not in domain.responses
    assert "faq" in domain.retrieval_intents
