"""The serving Rasa processes' model-reload route (bot/rasa_plugins/reload.py), over HTTP:
which model each serves, and loading a new one on all of them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bot.core.settings import Settings, rasa_token

LOAD_TIMEOUT = 600.0


class DeployFailed(RuntimeError):
    """No new model went live; the message says which server refused and why."""


def _call(
    url: str, token: str, body: dict[str, Any] | None = None, timeout: float = 10.0
) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as error:
        try:
            message = json.loads(error.read()).get("error") or str(error)
        except (ValueError, AttributeError):
            message = str(error)
        raise DeployFailed(f"{url}: {message}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DeployFailed(f"{url}: {error}") from None


def serving_models(settings: Settings) -> dict[str, str | None]:
    """The model each Rasa process serves (None when it cannot be reached)."""
    token = rasa_token(settings)
    found: dict[str, str | None] = {}
    for base in settings.serving_rasa_urls:
        try:
            found[base] = _call(f"{base}/webhooks/model_reload/", token, timeout=5).get(
                "model_file"
            )
        except DeployFailed:
            found[base] = None
    return found


def load_everywhere(settings: Settings, model_file: Path) -> dict[str, float]:
    """Every Rasa process loads `model_file`, one after the other; on a failure the
    processes already switched go back to what they served."""
    token = rasa_token(settings)
    before = serving_models(settings)
    switched: list[str] = []
    seconds: dict[str, float] = {}
    for base in settings.serving_rasa_urls:
        try:
            answer = _call(
                f"{base}/webhooks/model_reload/load",
                token,
                {"model_file": model_file.name},
                timeout=LOAD_TIMEOUT,
            )
        except DeployFailed as error:
            for done in switched:
                previous = before.get(done)
                if previous:
                    try:
                        _call(
                            f"{done}/webhooks/model_reload/load",
                            token,
                            {"model_file": previous},
                            timeout=LOAD_TIMEOUT,
                        )
                    except DeployFailed:
                        pass
            raise DeployFailed(f"{error} (the previous model keeps serving)") from None
        switched.append(base)
        seconds[base] = float(answer.get("seconds") or 0.0)
    return seconds
