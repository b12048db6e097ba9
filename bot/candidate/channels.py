"""The input channels the careers site talks to (Rasa loads them from credentials.yml).

`CandidateRestInput` is Rasa's REST channel (same URL, same payload) with the
input checked before it reaches the assistant: a message must be a non-empty
text of reasonable size, the sender a short id, the metadata an object.
Anything else gets a 400 or 413 with a clear error instead of a crash or a
silent drop.

`CandidateSocketIOInput` is Rasa's socket.io channel (same events as the
rasa-webchat widget: `session_request`/`session_confirm`, `user_uttered`,
`bot_uttered`) rebuilt around four fixes: rooms are entered for real (Rasa
3.6 forgets to await `enter_room`, so no reply ever arrives); session ids are
issued by the server (`bot.candidate.sessions`), never taken from the client; only the
configured sites may connect; and several Rasa processes share their rooms
through Redis. It also restores the history on `session_confirm`, accepts
thumbs up/down (`feedback`) and callback requests, relays the recruiters'
messages (`/relay`), and acknowledges each message once handled so the widget
can resend what a dropped connection lost.

Transport only: input is read by `bot.candidate.inputs`, the tracker store by
`bot.candidate.history`, the database through the services, each in its own
short transaction opened here.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import socketio
from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.candidate import history
from bot.candidate.feedback import BadFeedback, rate_answer, ratings_of
from bot.candidate.history import Agent
from bot.candidate.inputs import (
    BadMessage,
    OutgoingMessage,
    SocketMessage,
    read_candidate_message,
    read_feedback,
    read_relay,
    read_socket_message,
    requested_language,
    requested_session,
)
from bot.candidate.language import declared_language
from bot.candidate.sessions import open_session
from bot.core import replies, texts
from bot.core.db import in_transaction
from bot.core.settings import Settings, get_settings, rasa_token
from bot.core.transcript import RECRUITER_ROLE
from bot.handoff.callbacks import BadCallback
from bot.handoff.requests import callback_confirmation, store_callback
from bot.handoff.service import in_handoff

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Ack = dict[str, Any]  # what a socket.io event handler returns to the client's callback

# Message ids remembered per process to drop a message sent twice (a resend after a lost ack).
RECENT_MESSAGE_IDS = 5000
# Above MAX_MESSAGE_CHARS with room for the JSON around it.
MAX_SOCKET_PAYLOAD = 64 * 1024


def _apology(sender: str, metadata: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """What the candidate sees when the assistant produced no reply (a part of it is down)."""
    language = declared_language((metadata or {}).get("language"))
    apology = (
        texts.text("apology", language)
        if language
        else f"{texts.text('apology', 'fr')} / {texts.text('apology', 'en')}"
    )
    logger.error("no reply for %s: is the action server up?", sender)
    return [
        {"recipient_id": sender, "text": apology},
        {"recipient_id": sender, "custom": replies.error()},
    ]


def _health(_: Request) -> HTTPResponse:
    return response.json({"status": "ok"})


def _refused(error: BadMessage) -> HTTPResponse:
    return response.json({"error": str(error)}, status=error.status)


class CandidateRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) with its input validated."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("candidate_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return _health(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return webhook

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        try:
            sender, text, metadata = read_candidate_message(request.json)
        except BadMessage as error:
            return _refused(error)
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            )
        except Exception:  # noqa: BLE001 - the candidate gets an error, the log the details
            logger.exception("could not handle a message from %s", sender)
            return response.json({"error": "the assistant could not answer"}, status=500)
        return response.json(collector.messages or _apology(sender, metadata))


# ---------------------------------------------------------------- socket.io


def socket_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """One `bot_uttered` payload for one message of the assistant (or a recruiter)."""
    sender = message.get("sender")
    is_recruiter = isinstance(sender, Mapping) and sender.get("role") == RECRUITER_ROLE
    out: dict[str, Any] = {
        "from": "recruiter" if is_recruiter else "assistant",
        "text": str(message.get("text") or ""),
        "timestamp": message.get("timestamp") or time.time(),
    }
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if buttons:
        out["quick_replies"] = [
            {"content_type": "text", "title": str(b.get("title", "")), "payload": b.get("payload")}
            for b in buttons
            if isinstance(b, Mapping) and b.get("payload")
        ]
    if isinstance(message.get("custom"), Mapping):
        out["custom"] = dict(message["custom"])
    if is_recruiter and isinstance(sender, Mapping):
        out["sender"] = {"role": RECRUITER_ROLE, "name": str(sender.get("name") or "")}
    return out


class CandidateSocketOutput(OutputChannel):
    """Sends each message whole (text, buttons, payload together) to the conversation's room.

    Rasa's own output splits texts on blank lines and sends payloads apart
    from their text; an answer and its thumbs must arrive as one message.
    """

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: socketio.AsyncServer, event: str) -> None:
        self.sio = sio
        self.event = event
        self.sent = 0

    async def send_response(self, recipient_id: str, message: Mapping[str, Any]) -> None:
        self.sent += 1
        await self.sio.emit(self.event, socket_message(message), room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class _RecentIds:
    """The last message ids seen by this process, oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.ids: OrderedDict[tuple[str, str], None] = OrderedDict()

    def seen(self, conversation: str, message_id: str) -> bool:
        key = (conversation, message_id)
        if key in self.ids:
            return True
        self.ids[key] = None
        if len(self.ids) > self.size:
            self.ids.popitem(last=False)
        return False


class _AppBlueprint(SocketBlueprint):
    """Rasa's socket blueprint, remembering the Sanic app (its agent reads trackers)."""

    def register(self, app: Sanic, options: Any) -> None:
        self.ctx.sanic_app = app
        super().register(app, options)

    @property
    def agent(self) -> Agent | None:
        """Rasa's current agent (replaced when a model is loaded); None before registration."""
        app: Sanic | None = getattr(self.ctx, "sanic_app", None)
        return app.ctx.agent if app is not None else None


class CandidateSocketIOInput(InputChannel):
    """socket.io for the chat widget; see the module docstring."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        socketio_path: str = "/socket.io",
        settings: Settings | None = None,
    ) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.settings = settings or get_settings()
        self.sio: socketio.AsyncServer | None = None

    def get_output_channel(self) -> OutputChannel | None:
        """Where messages sent through Rasa's HTTP API go (`output_channel=socketio`)."""
        return CandidateSocketOutput(self.sio, self.bot_message_evt) if self.sio else None

    def _server(self) -> socketio.AsyncServer:
        origins = list(self.settings.allowed_widget_origins)
        manager = (
            socketio.AsyncRedisManager(self.settings.socketio_redis_url)
            if self.settings.socketio_redis_url
            else None
        )
        return socketio.AsyncServer(
            async_mode="sanic",
            cors_allowed_origins="*" if "*" in origins else origins,
            client_manager=manager,
            max_http_buffer_size=MAX_SOCKET_PAYLOAD,
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sio = self.sio = self._server()
        webhook = _AppBlueprint(sio, self.socketio_path, "candidate_socketio_webhook", __name__)
        handlers = WidgetSocket(
            sio=sio,
            webhook=webhook,
            on_new_message=on_new_message,
            settings=self.settings,
            bot_message_evt=self.bot_message_evt,
        )

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return _health(request)

        @webhook.route("/relay", methods=["POST"])
        async def relay(request: Request) -> HTTPResponse:
            return await handlers.relay(request)

        sio.on("session_request", handlers.session_request)
        sio.on(self.user_message_evt, handlers.user_uttered)
        sio.on("callback_request", handlers.callback_request)
        sio.on("feedback", handlers.feedback)
        return webhook


class WidgetSocket:
    """The socket.io events of one server (and the console's relay route), one method each.

    Each reads its input, calls one service (in its own short transaction, off
    the event loop) or the tracker store, and answers.
    """

    def __init__(
        self,
        *,
        sio: socketio.AsyncServer,
        webhook: _AppBlueprint,
        on_new_message: OnNewMessage,
        settings: Settings,
        bot_message_evt: str,
    ) -> None:
        self.sio = sio
        self.webhook = webhook
        self.on_new_message = on_new_message
        self.settings = settings
        self.bot_message_evt = bot_message_evt
        self.recent = _RecentIds(RECENT_MESSAGE_IDS)

    def _output(self) -> CandidateSocketOutput:
        return CandidateSocketOutput(self.sio, self.bot_message_evt)

    async def relay(self, request: Request) -> HTTPResponse:
        """Messages from the console: sent to the candidate at once, then stored.

        Protected by the Rasa API token (Rasa does not protect connector routes).
        """
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), rasa_token(self.settings).encode()):
            return response.json({"error": "wrong or missing token"}, status=401)
        try:
            conversation_id, outgoing, resume = read_relay(request.json)
        except BadMessage as error:
            return _refused(error)
        output = self._output()
        for message in outgoing:
            await output.send_response(conversation_id, message)
        await history.append(
            self.webhook.agent, conversation_id, history.sent_events(outgoing, resume=resume)
        )
        return response.json({"ok": True})

    async def session_request(self, sid: str, data: object = None) -> None:
        conversation_id, is_new = await self._bind(sid, requested_session(data))
        await self._confirm(sid, conversation_id, is_new)

    async def user_uttered(self, sid: str, data: object = None) -> Ack:
        try:
            message = read_socket_message(data)
        except BadMessage as error:
            return {"ok": False, "error": str(error), "status": error.status}
        conversation_id = await self._conversation_of(sid)
        message_id = message.message_id or uuid.uuid4().hex
        if self.recent.seen(conversation_id, message_id):
            return {"ok": True, "message_id": message_id, "duplicate": True}
        if await in_transaction(
            self.settings.database_url,
            lambda session: in_handoff(session=session, conversation_id=conversation_id),
        ):
            # A recruiter has (or is about to have) the conversation: the message is
            # for them. Stored at once, without the NLU the assistant would not use.
            event = history.candidate_event(
                message, message_id=message_id, input_channel=CandidateSocketIOInput.name()
            )
            await history.append(self.webhook.agent, conversation_id, [event])
        else:
            await self._answer(conversation_id, message, message_id)
        return {"ok": True, "message_id": message_id}

    async def callback_request(self, sid: str, data: object = None) -> Ack:
        conversation_id = await self._bound_conversation(sid)
        if not conversation_id:
            return {"ok": False, "errors": {"form": "send session_request first"}}
        language = requested_language(data) or self.settings.default_language
        try:
            expected = await asyncio.to_thread(
                store_callback, self.settings, conversation_id, data, language
            )
        except BadCallback as error:
            return {"ok": False, "errors": error.errors}
        message = OutgoingMessage(
            text=callback_confirmation(language, expected),
            custom=replies.handoff_callback(expected),
        )
        await history.append(
            self.webhook.agent, conversation_id, history.sent_events([message], resume=False)
        )
        await self._output().send_response(conversation_id, message)
        return {"ok": True, "expected": expected.isoformat()}

    async def feedback(self, sid: str, data: object = None) -> Ack:
        try:
            given = read_feedback(data)
        except BadMessage as error:
            return {"ok": False, "error": str(error)}
        conversation_id = await self._bound_conversation(sid)
        if not conversation_id:
            return {"ok": False, "error": "no conversation: send session_request first"}
        question = (
            await history.question_before(self.webhook.agent, conversation_id, given.article_id)
            if isinstance(given.article_id, str)
            else None
        )
        try:
            await in_transaction(
                self.settings.database_url,
                lambda session: rate_answer(
                    session=session,
                    conversation_id=conversation_id,
                    question=question,
                    **given._asdict(),
                ),
            )
        except BadFeedback as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    async def _answer(self, conversation_id: str, message: SocketMessage, message_id: str) -> None:
        """The assistant's reply, or an apology when it said nothing and is not paused."""
        output = self._output()
        try:
            await self.on_new_message(
                UserMessage(
                    message.text,
                    output,
                    conversation_id,
                    input_channel=CandidateSocketIOInput.name(),
                    metadata=message.metadata or None,
                    message_id=message_id,
                )
            )
        except Exception:  # noqa: BLE001 - the candidate gets an apology, the log the details
            logger.exception("could not handle a message in %s", conversation_id)
            output.sent = 0
        if output.sent == 0 and not await history.is_paused(self.webhook.agent, conversation_id):
            for reply in _apology(conversation_id, message.metadata):
                await output.send_response(conversation_id, reply)

    async def _bind(self, sid: str, requested: object) -> tuple[str, bool]:
        """Put the socket in its conversation's room (issued by the server), leaving any other."""
        conversation_id, is_new = await in_transaction(
            self.settings.database_url,
            lambda session: open_session(session=session, requested=requested),
        )
        async with self.sio.session(sid) as state:
            previous = state.get("conversation_id")
            state["conversation_id"] = conversation_id
        if previous and previous != conversation_id:
            await self.sio.leave_room(sid, previous)
        # Awaited: Rasa 3.6's own channel forgets to, and no reply ever reaches the room.
        await self.sio.enter_room(sid, conversation_id)
        return conversation_id, is_new

    async def _confirm(self, sid: str, conversation_id: str, is_new: bool) -> None:
        """`session_confirm`, with the history and the ratings of a resumed conversation."""
        if is_new:
            shown: list[dict[str, Any]] = []
            ratings: dict[str, str] = {}
        else:
            shown = await history.widget_history(self.webhook.agent, conversation_id)
            ratings = await in_transaction(
                self.settings.database_url,
                lambda session: ratings_of(session=session, conversation_id=conversation_id),
            )
        await self.sio.emit(
            "session_confirm",
            {"session_id": conversation_id, "new": is_new, "history": shown, "feedback": ratings},
            room=sid,
        )

    async def _bound_conversation(self, sid: str) -> str | None:
        state = await self.sio.get_session(sid)
        conversation_id = state.get("conversation_id")
        return str(conversation_id) if conversation_id else None

    async def _conversation_of(self, sid: str) -> str:
        """The socket's conversation; a client that skipped session_request gets one now."""
        conversation_id = await self._bound_conversation(sid)
        if conversation_id:
            return conversation_id
        conversation_id, is_new = await self._bind(sid, None)
        await self._confirm(sid, conversation_id, is_new)
        return conversation_id
