"""Rasa NLU component: linear classifiers for the intents and the articles.

It replaces DIET and the ResponseSelector (issue 15). Both read the same
features, word and character n-grams (TF-IDF, accents and case folded):

- the intents (greet, faq, apply, meet_team, off_topic...): one linear SVM,
  every article's examples counting as `faq`;
- the articles (`faq/<article id>`): a second linear SVM over the `faq`
  examples alone, given as the ResponseSelector gives them
  (`response_selector.faq.ranking`, each P(article | an FAQ)), so the rest of
  the assistant reads the parse unchanged.

Training takes seconds instead of minutes, a message is read in well under a
millisecond, and the model is a few megabytes of arrays, not a TensorFlow
graph. SVM scores become probabilities with a softmax (`temperature`, tuned on
the development half of the held-out questions). Two trainings of the same
data give the same model (liblinear's shuffling has a fixed seed).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.knowledge import RETRIEVAL_INTENT as FAQ

ARRAYS = "arrays.npz"
PARAMETERS = "parameters.json"
RANKING_LENGTH = 10
# The two views of a text: its words (and word pairs), and the character n-grams
# inside words, which still match with typos and missing accents ("teletravail").
ANALYZERS: dict[str, dict[str, Any]] = {
    "words": {"analyzer": "word", "ngram_range": (1, 2)},
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 5)},
}


def _vectorizer(view: str, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        **ANALYZERS[view],
        strip_accents="unicode",
        lowercase=True,
        sublinear_tf=True,
        dtype=np.float32,
        vocabulary=vocabulary,
    )


class _Features:
    """Texts to one sparse matrix: the TF-IDF of each view, side by side."""

    def __init__(self, vectorizers: dict[str, TfidfVectorizer]) -> None:
        self.vectorizers = vectorizers

    @classmethod
    def fit(cls, texts: list[str]) -> tuple[_Features, csr_matrix]:
        vectorizers = {view: _vectorizer(view) for view in ANALYZERS}
        matrix = hstack([v.fit_transform(texts) for v in vectorizers.values()]).tocsr()
        return cls(vectorizers), matrix

    def transform(self, texts: list[str]) -> csr_matrix:
        # float32 as the weights are: a float64 row would make scipy copy the weights
        matrix = hstack([v.transform(texts) for v in self.vectorizers.values()])
        return matrix.tocsr().astype(np.float32)

    def to_parameters(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        vocabularies = {
            view: {term: int(i) for term, i in v.vocabulary_.items()}
            for view, v in self.vectorizers.items()
        }
        return vocabularies, {f"idf_{view}": v.idf_ for view, v in self.vectorizers.items()}

    @classmethod
    def from_parameters(
        cls, vocabularies: dict[str, dict[str, int]], arrays: dict[str, np.ndarray]
    ) -> _Features:
        vectorizers = {}
        for view in ANALYZERS:
            vectorizer = _vectorizer(view, vocabularies[view])
            vectorizer.idf_ = arrays[f"idf_{view}"]
            vectorizers[view] = vectorizer
        return cls(vectorizers)


@dataclass(frozen=True)
class _Layer:
    """One linear SVM's labels, weights (a row per label) and biases."""

    labels: list[str]
    weights: np.ndarray
    bias: np.ndarray
    # the weights as one column per label, contiguous: a sparse row times this is one
    # pass over the row's few n-grams (the transposed view made scipy copy 15 MB a call)
    columns: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", np.ascontiguousarray(self.weights.T))

    @classmethod
    def fit(cls, matrix: csr_matrix, labels: list[str], config: dict[str, Any]) -> _Layer:
        names = sorted(set(labels))
        svm = LinearSVC(C=config["C"], random_state=config["random_seed"])
        svm.fit(matrix, [names.index(label) for label in labels])
        weights, bias = svm.coef_, svm.intercept_
        if len(names) == 2:  # liblinear keeps one row for two classes: the second's score
            weights, bias = np.vstack([-weights, weights]), np.concatenate([-bias, bias])
        return cls(names, weights.astype(np.float32), bias.astype(np.float32))

    def probabilities(self, matrix: csr_matrix, temperature: float) -> np.ndarray:
        """One row per text: P(label), in the order of `labels`."""
        scores = np.asarray(matrix @ self.columns + self.bias, dtype=np.float64) * temperature
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearClassifier(GraphComponent, IntentClassifier):
    """Intents, then articles, by linear SVMs over TF-IDF n-grams."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # the SVMs' regularisation (liblinear's C): lower is simpler, and less accurate
            "C": 1.0,
            # softmax temperature turning SVM scores into probabilities: higher is surer
            "temperature": 5.0,
            "random_seed": 7,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        features: _Features | None = None,
        layers: dict[str, _Layer] | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.features = features
        self.layers = layers or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            (m.get(TEXT), m.get(INTENT), m.get(INTENT_RESPONSE_KEY))
            for m in training_data.intent_examples
            if m.get(TEXT) and m.get(INTENT)
        ]
        if len({intent for _, intent, _ in examples}) < 2:
            return self._resource  # nothing to tell apart: every message stays unclassified
        features, matrix = _Features.fit([text for text, _, _ in examples])
        layers = {"intents": _Layer.fit(matrix, [i for _, i, _ in examples], self._config)}
        articles = [n for n, (_, intent, key) in enumerate(examples) if key and intent == FAQ]
        if len({examples[n][2] for n in articles}) >= 2:
            layers["articles"] = _Layer.fit(
                matrix[articles], [examples[n][2] for n in articles], self._config
            )
        self.features, self.layers = features, layers
        self.persist()
        return self._resource

    def persist(self) -> None:
        if self.features is None:
            return
        vocabularies, arrays = self.features.to_parameters()
        for name, layer in self.layers.items():
            arrays[f"{name}_weights"], arrays[f"{name}_bias"] = layer.weights, layer.bias
        labels = {name: layer.labels for name, layer in self.layers.items()}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PARAMETERS).write_text(
                json.dumps({"labels": labels, "vocabularies": vocabularies}), encoding="utf-8"
            )
            np.savez_compressed(directory / ARRAYS, **arrays)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                parameters = json.loads((directory / PARAMETERS).read_text(encoding="utf-8"))
                with np.load(directory / ARRAYS) as stored:
                    arrays = {name: stored[name] for name in stored.files}
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)  # trained on nothing
        layers = {
            name: _Layer(labels, arrays[f"{name}_weights"], arrays[f"{name}_bias"])
            for name, labels in parameters["labels"].items()
        }
        features = _Features.from_parameters(parameters["vocabularies"], arrays)
        return cls(config, model_storage, resource, features, layers)

    def process(self, messages: list[Message]) -> list[Message]:
        readable = [m for m in messages if m.get(TEXT)]
        if not readable or self.features is None:
            return messages
        matrix = self.features.transform([m.get(TEXT) for m in readable])
        temperature = self._config["temperature"]
        intents = self.layers["intents"].probabilities(matrix, temperature)
        for message, row in zip(readable, intents, strict=True):
            self._set_intent(message, row)
        layer = self.layers.get("articles")
        if layer is not None:
            articles = layer.probabilities(matrix, temperature)
            for message, row in zip(readable, articles, strict=True):
                self._set_articles(message, layer.labels, row)
        return messages

    def _set_intent(self, message: Message, row: np.ndarray) -> None:
        ranking = sorted(
            zip(self.layers["intents"].labels, row.tolist(), strict=True),
            key=lambda item: item[1],
            reverse=True,
        )
        name, confidence = ranking[0]
        message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [{"name": n, "confidence": c} for n, c in ranking[:RANKING_LENGTH]],
            add_to_output=True,
        )

    @staticmethod
    def _set_articles(message: Message, labels: list[str], row: np.ndarray) -> None:
        """The articles as Rasa's ResponseSelector reports them, P(article | an FAQ)."""
        best = sorted(zip(labels, row.tolist(), strict=True), key=lambda i: i[1], reverse=True)
        ranking = [
            {"id": zlib.crc32(key.encode()), PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: key}
            for key, p in best[:RANKING_LENGTH]
        ]
        top_key, top_p = best[0]
        message.set(
            "response_selector",
            {
                "all_retrieval_intents": [FAQ],
                FAQ: {
                    "response": {
                        # the domain's placeholder response names the article
                        "responses": [{TEXT: top_key.split("/", 1)[1]}],
                        PREDICTED_CONFIDENCE_KEY: top_p,
                        INTENT_RESPONSE_KEY: top_key,
                        "utter_action": f"utter_{top_key}",
                    },
                    "ranking": ranking,
                },
            },
            add_to_output=True,
        )
