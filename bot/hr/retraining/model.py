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
from collections.abc import Callable
from pathlib import Path

from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT, Settings
from bot.knowledge.service import training_examples

TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/rules",
    "data/stories",
    "bot/rasa_plugins/french_tokens.py",
    "bot/rasa_plugins/language_entity.py",
    "bot/rasa_plugins/importer.py",
    "bot/rasa_plugins/linear_classifier.py",
)
MODEL_PREFIX = "assistant-"


class TrainingFailed(RuntimeError):
    """`rasa train` did not produce a model; the message holds the end of its output."""


def _files(root: Path, config: Path) -> list[tuple[str, Path]]:
    """(name, file) pairs; the training config is named config.yml whichever file it is."""
    found = []
    for name in TRAINING_INPUTS:
        path = config if name == "config.yml" else root / name
        if path.is_file():
            found.append((name, path))
        elif path.is_dir():
            found.extend(
                (str(p.relative_to(root)), p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix in (".yml", ".py")
            )
    return found


def _files_digest(settings: Settings, root: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    for name, path in _files(root, settings.training_config):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest


def files_fingerprint(settings: Settings, root: Path = PROJECT_ROOT) -> str:
    """The part of the fingerprint only developers change: config, code, data/ files.

    A model HR put live is served after a restart only while this part is the same.
    """
    return _files_digest(settings, root).hexdigest()[:16]


def fingerprint(settings: Settings, root: Path = PROJECT_ROOT) -> str:
    """Everything training reads: the files, then the knowledge base's example questions."""
    digest = _files_digest(settings, root)
    with transaction(settings.database_url) as session:
        examples = sorted(
            (e.article_id, e.language, e.text) for e in training_examples(session=session)
        )
    digest.update(json.dumps(examples, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def model_path(settings: Settings, root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current training data is (or will be)."""
    return settings.models_dir / f"{MODEL_PREFIX}{fingerprint(settings, root)}.tar.gz"


def fingerprint_of(model_file: str | Path | None) -> str | None:
    """The training-data fingerprint in a model's file name, if it is one of ours."""
    if not model_file:
        return None
    name = Path(model_file).name
    if not (name.startswith(MODEL_PREFIX) and name.endswith(".tar.gz")):
        return None
    return name.removeprefix(MODEL_PREFIX).removesuffix(".tar.gz")


def train(
    settings: Settings,
    *,
    env: dict[str, str],
    root: Path = PROJECT_ROOT,
    out_dir: Path | None = None,
    log: Path | None = None,
    on_output: Callable[[str], None] | None = None,
) -> Path:
    """Train with `rasa train` in a child process unless the model already exists.

    `out_dir` (default: the models folder) receives the model; `on_output`
    sees the output as it comes, for progress.
    """
    out_dir = out_dir or settings.models_dir
    target = out_dir / model_path(settings, root).name
    if target.exists():
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "rasa"),
        "train",
        "--config",
        str(settings.training_config),
        "--domain",
        "domain.yml",
        "--data",
        "data/nlu",
        "data/rules",
        "data/stories",
        "--out",
        str(out_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    log = log or settings.var_dir / "train.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=root,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        stream = process.stdout
        for chunk in iter(lambda: stream.read1(65536), b""):  # type: ignore[union-attr]
            out.write(chunk)
            out.flush()
            if on_output is not None:
                on_output(chunk.decode("utf-8", errors="replace"))
        returncode = process.wait()
    if returncode != 0 or not target.exists():
        tail = log.read_text(errors="replace")[-3000:]
        raise TrainingFailed(f"rasa train failed (exit {returncode}); see {log}\n{tail}")
    return target
