"""The input channels the careers site talks to.

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
thumbs up/down (`feedback`), and acknowledges each message once handled so
the widget can resend what a dropped connection lost.
"""

from __future__ import annotations

import asyncio
import hmac
import json
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
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationResumed,
    Event,
    UserUttered,
)
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.candidate.feedback import BadFeedback, rate_answer, ratings_of
from bot.candidate.language import declared_language
from bot.candidate.sessions import open_session
from bot.core import replies, texts
from bot.core.db import transaction
from bot.core.settings import Settings, get_settings, rasa_token
from bot.core.transcript import RECRUITER_ROLE, lines, widget_message
from bot.handoff.callbacks import BadCallback
from bot.handoff.requests import callback_confirmation, store_callback
from bot.handoff.service import in_handoff

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 255


class BadMessage(ValueError):
    """The request cannot become a candidate message; `status` is the HTTP status to send."""

    def __init__(self, status: int, error: str):
        self.status = status
        super().__init__(error)


def message_text(text: Any) -> str:
    """A candidate's message: a non-empty text of reasonable size, or BadMessage."""
    if not isinstance(text, str):
        raise BadMessage(400, "'message' must be a text")
    if not text.strip():
        raise BadMessage(400, "'message' is empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadMessage(413, f"'message' is longer than {MAX_MESSAGE_CHARS} characters")
    return text


def read_candidate_message(body: Any) -> tuple[str, str, dict | None]:
    """Sender, text and metadata from a REST body, or BadMessage saying what is wrong."""
    if not isinstance(body, dict):
        raise BadMessage(400, "the body must be a JSON object with 'sender' and 'message'")
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadMessage(400, "'sender' must be a non-empty text")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadMessage(400, f"'sender' must be at most {MAX_SENDER_CHARS} characters")
    text = message_text(body.get("message"))
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadMessage(400, "'metadata' must be a JSON object")
    return sender.strip(), text.strip(), metadata


def _apology(sender: str, metadata: dict | None) -> list[dict[str, Any]]:
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


class CandidateRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) with its input validated."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("candidate_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = read_candidate_message(request.json)
            except BadMessage as error:
                return response.json({"error": str(error)}, status=error.status)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender, input_channel=self.name(), metadata=metadata
                    )
                )
            except Exception:  # noqa: BLE001 - the candidate gets an error, the log the details
                logger.exception("could not handle a message from %s", sender)
                return response.json({"error": "the assistant could not answer"}, status=500)
            return response.json(collector.messages or _apology(sender, metadata))

        return webhook


# ---------------------------------------------------------------- socket.io

MAX_MESSAGE_ID_CHARS = 64
MAX_DISPLAY_CHARS = 300
# Message ids remembered per process to drop a message sent twice (a resend after a lost ack).
RECENT_MESSAGE_IDS = 5000


def read_socket_message(data: Any) -> tuple[str, str | None, dict[str, Any]]:
    """Text, client message id and the metadata we keep, from a `user_uttered` payload.

    Accepts our widget's shape and rasa-webchat's (`message`, `customData`).
    """
    if not isinstance(data, Mapping):
        raise BadMessage(400, "a message must be an object with a 'message' text")
    text = message_text(data.get("message"))
    message_id = data.get("message_id")
    if not (isinstance(message_id, str) and 0 < len(message_id) <= MAX_MESSAGE_ID_CHARS):
        message_id = None
    given = data.get("metadata") or data.get("customData") or {}
    metadata: dict[str, Any] = {}
    if isinstance(given, Mapping):
        language = declared_language(given.get("language"))
        if language:
            metadata["language"] = language
        display = given.get("display")
        if isinstance(display, str) and display.strip():
            metadata["display"] = display.strip()[:MAX_DISPLAY_CHARS]
    return text.strip(), message_id, metadata


MAX_RELAYED = 10


def read_relay(body: Any) -> tuple[str, list[dict[str, Any]], bool]:
    """Conversation, messages ({text, custom, sender}) and whether to resume, from the console."""
    if not isinstance(body, Mapping):
        raise BadMessage(400, "the body must be a JSON object")
    conversation_id = body.get("conversation_id")
    if not isinstance(conversation_id, str) or not 0 < len(conversation_id) <= MAX_SENDER_CHARS:
        raise BadMessage(400, "'conversation_id' must be a conversation id")
    raw = body.get("messages") or []
    if not isinstance(raw, list) or len(raw) > MAX_RELAYED:
        raise BadMessage(400, f"'messages' must be a list of at most {MAX_RELAYED}")
    messages = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            raise BadMessage(400, "each message needs a 'text'")
        if len(item["text"]) > MAX_MESSAGE_CHARS:
            raise BadMessage(413, f"a message is longer than {MAX_MESSAGE_CHARS} characters")
        message: dict[str, Any] = {"text": item["text"]}
        if isinstance(item.get("custom"), Mapping):
            message["custom"] = dict(item["custom"])
        sender = item.get("sender")
        if isinstance(sender, Mapping) and sender.get("role") == RECRUITER_ROLE:
            message["sender"] = {"role": RECRUITER_ROLE, "name": str(sender.get("name") or "")[:80]}
        messages.append(message)
    return conversation_id, messages, bool(body.get("resume"))


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


def _insert_events(store: Any, conversation_id: str, events: list[Event]) -> None:
    with store.session_scope() as session:
        for event in events:
            data = event.as_dict()
            session.add(
                store.SQLEvent(
                    sender_id=conversation_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=((data.get("parse_data") or {}).get("intent") or {}).get("name"),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                )
            )
        session.commit()


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

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
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
    def sanic_app(self) -> Sanic | None:
        return getattr(self.ctx, "sanic_app", None)


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
        self.recent = _RecentIds(RECENT_MESSAGE_IDS)

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
            # Above MAX_MESSAGE_CHARS with room for the JSON around it.
            max_http_buffer_size=64 * 1024,
        )

    async def _history(self, app: Sanic | None, conversation_id: str) -> list[dict[str, Any]]:
        if app is None:
            return []
        tracker = await app.ctx.agent.tracker_store.retrieve_full_tracker(conversation_id)
        if tracker is None:
            return []
        return [widget_message(line) for line in lines(e.as_dict() for e in tracker.events)]

    async def _question_before(
        self, app: Sanic | None, conversation_id: str, article: str
    ) -> str | None:
        """The candidate's message the assistant answered with `article` (for HR)."""
        if app is None:
            return None
        tracker = await app.ctx.agent.tracker_store.retrieve_full_tracker(conversation_id)
        question = None
        for event in tracker.events if tracker else []:
            data = event.as_dict()
            if data.get("event") == "user":
                question = data.get("text")
            elif data.get("event") == "bot":
                custom = (data.get("data") or {}).get("custom") or {}
                if custom.get("type") == "answer" and custom.get("article") == article:
                    return question
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = self.sio = self._server()
        webhook = _AppBlueprint(sio, self.socketio_path, "candidate_socketio_webhook", __name__)
        database_url = self.settings.database_url

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/relay", methods=["POST"])
        async def relay(request: Request) -> HTTPResponse:
            """Messages from the console: sent to the candidate at once, then stored.

            Protected by the Rasa API token (Rasa does not protect connector routes).
            """
            given = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(given.encode(), rasa_token(self.settings).encode()):
                return response.json({"error": "wrong or missing token"}, status=401)
            try:
                conversation_id, outgoing, resume = read_relay(request.json)
            except BadMessage as error:
                return response.json({"error": str(error)}, status=error.status)
            output = CandidateSocketOutput(sio, self.bot_message_evt)
            for message in outgoing:
                await output.send_response(conversation_id, message)
            await self._remember_all(webhook.sanic_app, conversation_id, outgoing, resume)
            return response.json({"ok": True})

        async def bind(sid: str, requested: object) -> tuple[str, bool]:
            """Put the socket in its conversation's room, leaving any previous one."""

            def open_in_db() -> tuple[str, bool]:
                with transaction(database_url) as session:
                    return open_session(session=session, requested=requested)

            conversation_id, is_new = await asyncio.to_thread(open_in_db)
            async with sio.session(sid) as state:
                previous = state.get("conversation_id")
                state["conversation_id"] = conversation_id
            if previous and previous != conversation_id:
                await sio.leave_room(sid, previous)
            await sio.enter_room(sid, conversation_id)
            return conversation_id, is_new

        async def confirm(sid: str, conversation_id: str, is_new: bool) -> None:
            history = [] if is_new else await self._history(webhook.sanic_app, conversation_id)

            def ratings() -> dict[str, str]:
                with transaction(database_url) as session:
                    return ratings_of(session=session, conversation_id=conversation_id)

            feedback = {} if is_new else await asyncio.to_thread(ratings)
            await sio.emit(
                "session_confirm",
                {
                    "session_id": conversation_id,
                    "new": is_new,
                    "history": history,
                    "feedback": feedback,
                },
                room=sid,
            )

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, Mapping) else data
            conversation_id, is_new = await bind(sid, requested)
            await confirm(sid, conversation_id, is_new)

        async def conversation_of(sid: str) -> str:
            """The socket's conversation; a client that skipped session_request gets one now."""
            state = await sio.get_session(sid)
            if state.get("conversation_id"):
                return str(state["conversation_id"])
            conversation_id, is_new = await bind(sid, None)
            await confirm(sid, conversation_id, is_new)
            return conversation_id

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any = None) -> dict[str, Any]:
            try:
                text, message_id, metadata = read_socket_message(data)
            except BadMessage as error:
                return {"ok": False, "error": str(error), "status": error.status}
            conversation_id = await conversation_of(sid)
            message_id = message_id or uuid.uuid4().hex
            if self.recent.seen(conversation_id, message_id):
                return {"ok": True, "message_id": message_id, "duplicate": True}
            if await asyncio.to_thread(in_handoff, database_url, conversation_id):
                # A recruiter has (or is about to have) the conversation: the message is
                # for them. Stored at once, without the NLU the assistant would not use.
                await self._remember_candidate(
                    webhook.sanic_app, conversation_id, text, message_id, metadata
                )
                return {"ok": True, "message_id": message_id}
            output = CandidateSocketOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        output,
                        conversation_id,
                        input_channel=self.name(),
                        metadata=metadata or None,
                        message_id=message_id,
                    )
                )
            except Exception:  # noqa: BLE001 - the candidate gets an apology, the log the details
                logger.exception("could not handle a message in %s", conversation_id)
                output.sent = 0
            if output.sent == 0 and not await self._is_paused(webhook.sanic_app, conversation_id):
                for message in _apology(conversation_id, metadata):
                    await output.send_response(conversation_id, message)
            return {"ok": True, "message_id": message_id}

        @sio.on("callback_request")
        async def callback_request(sid: str, data: Any = None) -> dict[str, Any]:
            state = await sio.get_session(sid)
            conversation_id = state.get("conversation_id")
            if not conversation_id:
                return {"ok": False, "errors": {"form": "send session_request first"}}
            language = (
                declared_language(data.get("language")) if isinstance(data, Mapping) else None
            ) or self.settings.default_language
            try:
                expected = await asyncio.to_thread(
                    store_callback, self.settings, conversation_id, data, language
                )
            except BadCallback as error:
                return {"ok": False, "errors": error.errors}
            message = {
                "text": callback_confirmation(language, expected),
                "custom": replies.handoff_callback(expected),
            }
            await self._remember_all(webhook.sanic_app, conversation_id, [message], resume=False)
            await CandidateSocketOutput(sio, self.bot_message_evt).send_response(
                conversation_id, message
            )
            return {"ok": True, "expected": expected.isoformat()}

        @sio.on("feedback")
        async def feedback(sid: str, data: Any = None) -> dict[str, Any]:
            if not isinstance(data, Mapping):
                return {
                    "ok": False,
                    "error": "feedback must be an object with 'article' and 'rating'",
                }
            state = await sio.get_session(sid)
            conversation_id = state.get("conversation_id")
            if not conversation_id:
                return {"ok": False, "error": "no conversation: send session_request first"}
            article = data.get("article")
            question = (
                await self._question_before(webhook.sanic_app, conversation_id, article)
                if isinstance(article, str)
                else None
            )
            language = declared_language(data.get("language")) or ""

            def store() -> None:
                with transaction(database_url) as session:
                    rate_answer(
                        session=session,
                        conversation_id=conversation_id,
                        article_id=article,
                        rating=data.get("rating"),
                        language=language,
                        question=question,
                    )

            try:
                await asyncio.to_thread(store)
            except BadFeedback as error:
                return {"ok": False, "error": str(error)}
            return {"ok": True}

        return webhook

    async def _remember_all(
        self,
        app: Sanic | None,
        conversation_id: str,
        messages: list[dict[str, Any]],
        resume: bool,
    ) -> None:
        """Append messages the channel sent (and a resume), so the history shows them."""
        events: list[Event] = []
        for message in messages:
            data = {"custom": message["custom"]} if message.get("custom") else {}
            metadata = {"sender": message["sender"]} if message.get("sender") else {}
            events.append(BotUttered(message.get("text"), data, metadata))
        if resume:
            events += [ConversationResumed(), ActionExecuted(ACTION_LISTEN_NAME)]
        await self._append(app, conversation_id, events)

    async def _remember_candidate(
        self,
        app: Sanic | None,
        conversation_id: str,
        text: str,
        message_id: str,
        metadata: dict[str, Any],
    ) -> None:
        event = UserUttered(
            text, input_channel=self.name(), message_id=message_id, metadata=metadata or None
        )
        await self._append(app, conversation_id, [event])

    async def _append(self, app: Sanic | None, conversation_id: str, events: list[Event]) -> None:
        """Add events to a conversation under its lock, without replaying its whole tracker.

        With Rasa's SQL tracker store the rows are inserted through its own table
        mapping (what its `save` does for new events); other stores get the
        tracker loaded, updated and saved.
        """
        if app is None or not events:
            return
        agent = app.ctx.agent
        store = agent.tracker_store
        while hasattr(store, "_tracker_store"):  # unwrap Rasa's fail-safe/awaitable wrappers
            store = store._tracker_store
        async with agent.lock_store.lock(conversation_id):
            if hasattr(store, "SQLEvent") and hasattr(store, "session_scope"):
                await asyncio.to_thread(_insert_events, store, conversation_id, events)
                return
            tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
            for event in events:
                tracker.update(event)
            await agent.tracker_store.save(tracker)

    async def _is_paused(self, app: Sanic | None, conversation_id: str) -> bool:
        """A conversation a human has taken over gets no reply from the assistant, by design."""
        if app is None:
            return False
        tracker = await app.ctx.agent.tracker_store.retrieve(conversation_id)
        return bool(tracker and tracker.is_paused())
