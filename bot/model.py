"""Which trained model goes with the current training data, and training it when missing.

A model file is named after a fingerprint of everything training reads
(config, domain, rules, hand-written NLU data, our NLU component and importer, and
the knowledge base's example questions). Same fingerprint, same model: no
retraining when nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.db import transaction
from bot.knowledge.service import training_examples
from bot.settings import PROJECT_ROOT, Settings

TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/rules",
    "data/stories",
    "bot/nlu",
    "bot/training.py",
)
MODEL_PREFIX = "assistant-"


class TrainingFailed(RuntimeError):
    """`rasa train` did not produce a model; the message holds the end of its output."""


def _files(root: Path) -> list[Path]:
    found = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in (".yml", ".py")
            )
    return found


def fingerprint(settings: Settings, root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    with transaction(settings.database_url) as session:
        examples = sorted(
            (e.article_id, e.language, e.text) for e in training_examples(session=session)
        )
    digest.update(json.dumps(examples, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def model_path(settings: Settings, root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current training data is (or will be)."""
    return settings.models_dir / f"{MODEL_PREFIX}{fingerprint(settings, root)}.tar.gz"


def train(settings: Settings, *, env: dict[str, str], root: Path = PROJECT_ROOT) -> Path:
    """Train with `rasa train` in a child process unless the model already exists."""
    target = model_path(settings, root)
    if target.exists():
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "rasa"),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data/nlu",
        "data/rules",
        "data/stories",
        "--out",
        str(settings.models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    log = settings.var_dir / "train.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        result = subprocess.run(
            command, cwd=root, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    if result.returncode != 0 or not target.exists():
        tail = log.read_text(errors="replace")[-3000:]
        raise TrainingFailed(f"rasa train failed (exit {result.returncode}); see {log}\n{tail}")
    return target
