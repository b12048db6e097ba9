"""Progress of a training, read from `rasa train`'s output for the workspace's bar."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# Rasa components of the pipeline that have nothing to train (no "Starting to train" line).
NOT_TRAINED = frozenset(
    {"SpacyNLP", "SpacyTokenizer", "WhitespaceTokenizer", "FrenchTokenizer", "FallbackClassifier"}
)


class TrainingProgress:
    """Reads `rasa train` output: which component trains, and its epochs."""

    COMPONENT = re.compile(r"Starting to train component '([^']+)'")
    FINISHED = re.compile(r"Finished training component '([^']+)'")
    EPOCHS = re.compile(r"Epochs:\s*\d+%\|[^|]*\|\s*(\d+)/(\d+)")

    def __init__(self, config_file: Path) -> None:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
        steps = [*(config.get("pipeline") or []), *(config.get("policies") or [])]
        # A component trained over epochs counts its epochs; any other trained component
        # counts one, as one epoch would.
        self.epochs = {
            name: _epochs(step)
            for step in steps
            if isinstance(step, dict)
            and (name := str(step.get("name", "")).rsplit(".", 1)[-1])
            and name not in NOT_TRAINED
        }
        self.total = sum(self.epochs.values()) or 1
        self.finished = 0
        self.current = ""
        self.fraction = 0.0
        self._partial = ""

    def feed(self, text: str) -> bool:
        """Take more output; True when the figure or stage changed.

        Output comes in arbitrary chunks: a line is read once it is complete
        (ended by a newline, or by the carriage return of a progress bar).
        """
        changed = False
        pieces = re.split(r"[\r\n]+", self._partial + text)
        self._partial = pieces.pop()
        for piece in pieces:
            started = self.COMPONENT.search(piece)
            if started:
                self.current, self.fraction, changed = started.group(1), 0.0, True
                continue
            ended = self.FINISHED.search(piece)
            if ended:
                self.finished += self.epochs.get(ended.group(1), 0)
                self.current, self.fraction, changed = "", 0.0, True
                continue
            epochs = self.EPOCHS.search(piece)
            if epochs and int(epochs.group(2)):
                fraction = int(epochs.group(1)) / int(epochs.group(2))
                changed = changed or fraction != self.fraction
                self.fraction = fraction
        return changed

    @property
    def value(self) -> float:
        """Share of the training done, below 1 until the model file exists."""
        running = self.epochs.get(self.current, 0) * self.fraction
        return min(0.99, (self.finished + running) / self.total)

    @property
    def stage(self) -> str:
        """What the training is doing, in words for the page."""
        if not self.current:
            return "preparing the training data" if not self.finished else "training"
        if self.fraction:
            return f"training {self.current} ({self.fraction:.0%})"
        return f"training {self.current}"


def _epochs(step: dict) -> int:
    epochs = step.get("epochs")
    return epochs if isinstance(epochs, int) and epochs > 0 else 1
