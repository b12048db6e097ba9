"""Writing into a candidate's conversation from the console.

The socket.io channel's relay route (`/webhooks/socketio/relay`, see
bot.candidate.channels) sends the messages to the candidate's room at once (through
Redis when there are several Rasa processes), then appends them to the
conversation's tracker, with a resume when the recruiter hands back. The API
token stays on the server side: browsers never see it.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from bot.core.transcript import RECRUITER_ROLE
from bot.handoff.service import Notice

logger = logging.getLogger(__name__)


class RelayFailed(RuntimeError):
    """The Rasa server refused or could not be reached; the message says which."""


class RasaRelay:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        return self._http

    async def send(
        self, conversation_id: str, messages: list[dict[str, Any]], resume: bool = False
    ) -> None:
        url = f"{self.base_url}/webhooks/socketio/relay"
        body = {"conversation_id": conversation_id, "messages": messages, "resume": resume}
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with self._session().post(url, json=body, headers=headers) as response:
                if response.status != 200:
                    detail = (await response.text())[:300]
                    raise RelayFailed(f"Rasa answered {response.status}: {detail}")
        except aiohttp.ClientError as error:
            raise RelayFailed(f"Rasa could not be reached: {error}") from error

    async def tell(self, notice: Notice) -> None:
        """Deliver a notice (RelayFailed when Rasa did not take it)."""
        message: dict[str, Any] = {"text": notice.text}
        if notice.custom:
            message["custom"] = notice.custom
        if notice.recruiter is not None:
            message["sender"] = {"role": RECRUITER_ROLE, "name": notice.recruiter}
        await self.send(notice.conversation_id, [message], resume=notice.resume)

    async def tell_or_log(self, notice: Notice) -> bool:
        """Deliver a notice; False, and the failure logged, when Rasa did not take it."""
        try:
            await self.tell(notice)
        except RelayFailed:
            logger.exception("could not tell %s", notice.conversation_id)
            return False
        return True
