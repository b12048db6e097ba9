"""The input channels the careers site talks to (Rasa loads them from credentials.yml).

`CandidateRestInput` is Rasa's REST channel (same URL, same payload) with the
input checked before it reaches the assistant: a body of at most 64 KB, a
non-empty text of reasonable size, a short sender id, only the metadata the
assistant uses. Anything else gets a 400 or 413 with a clear error instead of
a crash or a silent drop. Its conversations live apart from the widget's
(`rest:<sender>` in the tracker store), and follow the same handoff rules.

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

Both channels: the abuse limits per IP and per conversation (`bot.candidate.abuse`);
a button's title shown in the transcript only when the assistant sent that button;
the AI disclosure in the first reply of every conversation even when the action
server that normally says it is down; an apology rather than silence.

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
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
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
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.candidate import abuse, history
from bot.candidate.feedback import BadFeedback, rate_answer, ratings_of
from bot.candidate.history import Agent
from bot.candidate.inputs import (
    MAX_BODY_BYTES,
    BadMessage,
    OutgoingMessage,
    RestMessage,
    SocketMessage,
    checked_display,
    for_assistant,
    read_candidate_message,
    read_feedback,
    read_json,
    read_relay,
    read_socket_message,
    requested_language,
    requested_session,
    starter_article,
)
from bot.candidate.language import declared_language
from bot.candidate.sessions import issue_session, rest_conversation, resume_session
from bot.core import replies, texts
from bot.core.db import in_transaction
from bot.core.settings import LANGUAGES, Settings, get_settings, rasa_token
from bot.core.transcript import RECRUITER_ROLE
from bot.handoff.callbacks import BadCallback
from bot.handoff.requests import callback_confirmation, store_callback
from bot.handoff.service import cancel_request, in_handoff, waiting
from bot.knowledge.service import titles

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Ack = dict[str, Any]  # what a socket.io event handler returns to the client's callback
Message = Mapping[str, Any]  # one message to the candidate (text, buttons, custom, sender)

# Message ids remembered per process to drop a message sent twice (a resend after a lost ack).
RECENT_MESSAGE_IDS = 5000
# The lock store's key that keeps a conversation's messages in the order they arrived.
ARRIVAL_PREFIX = "arrival:"
# After a message the assistant failed on (TurnFailed): when clients send it again.
RETRY_FAILED_SECONDS = 2
# Conversations known (per process) to have had the AI disclosure.
DISCLOSED_CONVERSATIONS = 50_000
# The widget's "cancel" while waiting for a recruiter (read by the channel, not by Rasa).
CANCEL_HANDOFF = "/cancel_handoff"
# Above MAX_MESSAGE_CHARS with room for the JSON around it.
MAX_SOCKET_PAYLOAD = MAX_BODY_BYTES


def _apology_message(metadata: Mapping[str, Any] | None) -> OutgoingMessage:
    """What the candidate sees when the assistant produced no reply (a part of it is down)."""
    language = declared_language((metadata or {}).get("language"))
    apology = (
        texts.text("apology", language)
        if language
        else f"{texts.text('apology', 'fr')} / {texts.text('apology', 'en')}"
    )
    return OutgoingMessage(text=apology, custom=replies.error())


def _health(_: Request) -> HTTPResponse:
    return response.json({"status": "ok"})


def _refused(error: BadMessage) -> HTTPResponse:
    return response.json({"error": str(error)}, status=error.status)


def _rest_items(sender: str, message: Message) -> list[dict[str, Any]]:
    """One message as the REST channel's items: the text (with buttons), then its payload."""
    items: list[dict[str, Any]] = []
    if message.get("text") or message.get("buttons"):
        item: dict[str, Any] = {"recipient_id": sender, "text": str(message.get("text") or "")}
        if message.get("buttons"):
            item["buttons"] = list(message["buttons"])
        if message.get("sender"):
            item["sender"] = dict(message["sender"])
        items.append(item)
    if message.get("custom"):
        items.append({"recipient_id": sender, "custom": dict(message["custom"])})
    return items


class _Remembered:
    """The last keys seen by this process, oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.keys: OrderedDict[Any, None] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def add(self, key: Any) -> None:
        self.keys[key] = None
        self.keys.move_to_end(key)
        if len(self.keys) > self.size:
            self.keys.popitem(last=False)

    def seen(self, key: Any) -> bool:
        """Whether `key` was seen before; remembered from now on."""
        known = key in self.keys
        self.add(key)
        return known


class TurnFailed(Exception):
    """The assistant failed on a message, which may not have been kept: `said` (an
    apology at least) goes to the candidate, and the client is asked to send it again."""

    def __init__(self, said: list[Message]) -> None:
        super().__init__("the message could not be handled")
        self.said = said


class Turns:
    """One candidate message through the assistant, the same on both channels.

    The assistant's reply goes to `output`; before it, the AI disclosure when the
    conversation never had it (Rasa records a failed `action_session_start` as
    done, so with the action server down it would never come); instead of
    silence, an apology. While a recruiter has the conversation, the message is
    stored for them without the assistant.
    """

    def __init__(
        self, *, settings: Settings, on_new_message: OnNewMessage, input_channel: str
    ) -> None:
        self.settings = settings
        self.on_new_message = on_new_message
        self.input_channel = input_channel
        self.disclosed = _Remembered(DISCLOSED_CONVERSATIONS)

    @asynccontextmanager
    async def in_arrival_order(
        self, agent: Agent | None, conversation_id: str
    ) -> AsyncIterator[None]:
        """Hold the conversation's place in line from the moment its message arrived until
        it is answered: a ticket of the lock store under its own key (the Redis one is
        shared by every Rasa process), issued before anything else is done. Rasa's own
        lock is taken later, after our checks, which take different times: without this,
        three quick messages sent to two processes were answered in another order."""
        store = getattr(agent, "lock_store", None)
        if store is None:
            yield
            return
        async with store.lock(ARRIVAL_PREFIX + conversation_id, wait_time_in_seconds=0.05):
            yield

    async def in_handoff(self, conversation_id: str) -> bool:
        return await in_transaction(
            self.settings.database_url,
            lambda session: in_handoff(session=session, conversation_id=conversation_id),
        )

    async def checked(
        self, agent: Agent | None, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> dict[str, Any]:
        """`metadata` with a `display` only if it is the title of a button sent here
        (or of a starter chip: the chosen article's published title)."""
        if "display" not in metadata:
            return metadata
        stored = await history.stored_events(agent, conversation_id)
        offered = history.sent_buttons(stored) | await self.starter_buttons(text)
        return checked_display(text, metadata, offered)

    async def starter_buttons(self, text: str) -> set[tuple[str, str]]:
        """The widget's starter chips as buttons: `/choose_article` of one published
        article, with its title in either language."""
        article = starter_article(text)
        if article is None:
            return set()
        named = await in_transaction(
            self.settings.database_url,
            lambda session: [
                titles(session=session, article_ids=[article], language=language)
                for language in LANGUAGES
            ],
        )
        return {(text, found[article]) for found in named if article in found}

    async def store_for_recruiter(
        self,
        agent: Agent | None,
        conversation_id: str,
        message: SocketMessage | RestMessage,
        message_id: str | None,
    ) -> None:
        """A candidate's message during a handoff, stored as it is, without the NLU."""
        event = history.candidate_event(
            message, message_id=message_id, input_channel=self.input_channel
        )
        await history.append(agent, conversation_id, [event])

    async def while_waiting(
        self,
        agent: Agent | None,
        conversation_id: str,
        message: SocketMessage | RestMessage,
        message_id: str | None,
    ) -> list[Message]:
        """A message while a recruiter has, or is about to have, the conversation.

        `/cancel_handoff` withdraws a request nobody took yet (the assistant is back);
        anything else is stored for the recruiter and, the first time while still
        waiting, acknowledged ("noted, Camille will see it"). What is said is stored too.
        """
        language = (
            declared_language(message.metadata.get("language"))
            or await history.language_of(agent, conversation_id)
            or self.settings.default_language
        )
        if message.text == CANCEL_HANDOFF:
            cancelled = await in_transaction(
                self.settings.database_url,
                lambda session: cancel_request(session=session, conversation_id=conversation_id),
            )
            if cancelled is not None:
                said = OutgoingMessage(
                    text=texts.text("handoff_cancelled", language),
                    custom=replies.handoff_cancelled(),
                )
                await history.append(
                    agent, conversation_id, history.sent_events([said], resume=True)
                )
                return [said]
        state = await in_transaction(
            self.settings.database_url,
            lambda session: waiting(session=session, conversation_id=conversation_id),
        )
        if message.text == CANCEL_HANDOFF:
            # Taken meanwhile: nothing to cancel, and no command in the recruiter's transcript.
            if state is None:
                return []
            said = OutgoingMessage(
                text=texts.text("handoff_too_late", language, name=state.recruiter or "—"),
                custom=replies.handoff_claimed(state.recruiter or ""),
            )
            return [said]
        await self.store_for_recruiter(agent, conversation_id, message, message_id)
        if state is None or state.status != "queued":
            return []
        stored = await history.stored_events(agent, conversation_id)
        if history.noted_since_queued(stored):
            return []
        key = "handoff_noted_named" if state.recruiter else "handoff_noted"
        said = OutgoingMessage(
            text=texts.text(key, language, name=state.recruiter),
            custom=replies.handoff_noted(state.recruiter),
        )
        await history.append(agent, conversation_id, history.sent_events([said], resume=False))
        return [said]

    async def _was_disclosed(self, agent: Agent | None, conversation_id: str) -> bool:
        if conversation_id in self.disclosed:
            return True
        if history.has_disclosure(await history.stored_events(agent, conversation_id)):
            self.disclosed.add(conversation_id)
            return True
        return False

    async def reply(
        self,
        agent: Agent | None,
        conversation_id: str,
        message: SocketMessage | RestMessage,
        message_id: str | None,
        output: RestOutput | CandidateSocketOutput,
    ) -> list[Message]:
        """Run the assistant on `message`: everything said in this turn, in order, with the
        disclosure first if the conversation never had it and an apology if the assistant
        said nothing (and is not paused) or failed."""
        undisclosed = not await self._was_disclosed(agent, conversation_id)
        # Held back until the turn is known to be kept (and whether the disclosure must go
        # first): a turn that was not is said again when the client sends the message again.
        output.hold = True
        failed = False
        # Ours, not Rasa's, so that the stored message can be looked up after the turn.
        message_id = message_id or uuid.uuid4().hex
        try:
            await self.on_new_message(
                UserMessage(
                    for_assistant(message.text),
                    output,
                    conversation_id,
                    input_channel=self.input_channel,
                    metadata=message.metadata or None,
                    message_id=message_id,
                )
            )
        except Exception:  # noqa: BLE001 - the candidate gets an apology, the log the details
            logger.exception("could not handle a message in %s", conversation_id)
            failed = True
        else:
            if not await history.kept(agent, conversation_id, message_id):
                logger.error("a message of %s was answered but not stored", conversation_id)
                failed = True
        said = list(output.said)
        extra: list[OutgoingMessage] = []
        if undisclosed and not any(history.is_disclosure(m) for m in said):
            language = message.metadata.get("language") or await history.language_of(
                agent, conversation_id
            )
            disclosure = history.disclosure(agent, language)
            if disclosure is not None:
                logger.error(
                    "no disclosure from the assistant in %s: sent by the channel", conversation_id
                )
                extra.append(disclosure)
                await history.append(
                    agent, conversation_id, history.sent_events([disclosure], resume=False)
                )
        # A failed turn's messages are not shown: they come with the copy that is kept.
        shown = extra if failed else [*extra, *said]
        if undisclosed and any(history.is_disclosure(m) for m in shown):
            self.disclosed.add(conversation_id)
        if failed:
            # The message may not have been kept (its database or lock store was away):
            # the client is told to send it again rather than that it was received.
            raise TurnFailed([*extra, _apology_message(message.metadata)])
        apology: list[OutgoingMessage] = []
        if not said and not await history.is_paused(agent, conversation_id):
            logger.error("no reply for %s: is the action server up?", conversation_id)
            apology = [_apology_message(message.metadata)]
        return [*extra, *said, *apology]


class RestOutput(CollectingOutputChannel):
    """Rasa's collecting channel: the REST reply is the list of what was said."""

    hold = False  # nothing is sent before the reply anyway

    @property
    def said(self) -> list[Message]:
        return self.messages


class CandidateRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) with its input checked; see the module."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.turns: Turns | None = None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("candidate_rest_webhook", __name__)
        self.turns = Turns(
            settings=self.settings, on_new_message=on_new_message, input_channel=self.name()
        )

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return _health(request)

        # stream=True: the body is read here, within its cap, not by Sanic up to 100 MB.
        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request)

        return webhook

    async def _receive(self, request: Request) -> HTTPResponse:
        assert self.turns is not None  # set by blueprint()
        try:
            message = read_candidate_message(read_json(await capped_body(request)))
        except BadMessage as error:
            return _refused(error)
        sender = message.sender
        conversation_id = rest_conversation(sender)
        agent = request.app.ctx.agent
        try:
            async with self.turns.in_arrival_order(agent, conversation_id):
                return await self._answer(request, agent, message, sender, conversation_id)
        except TurnFailed as failure:
            said = failure.said
        except Exception:  # noqa: BLE001 - a store away (lock, database): sent again later
            logger.exception("could not take a message of %s", conversation_id)
            said = [_apology_message(message.metadata)]
        # 503 and Retry-After: the client sends the message again (the apology as body)
        return response.json(
            [i for m in said for i in _rest_items_of(sender, m)],
            status=503,
            headers={"Retry-After": str(RETRY_FAILED_SECONDS)},
        )

    async def _answer(
        self,
        request: Request,
        agent: Agent | None,
        message: RestMessage,
        sender: str,
        conversation_id: str,
    ) -> HTTPResponse:
        assert self.turns is not None  # set by blueprint()
        ip = abuse.client_ip(
            request.ip, request.headers.get("x-forwarded-for"), self.settings.trusted_proxies
        )
        wait = await asyncio.to_thread(
            abuse.wait_message,
            self.settings,
            ip=ip,
            conversation=conversation_id,
            text=message.text,
        )
        if wait:
            # A reply like any other (200): REST clients show it; the text says how long to wait.
            language = message.metadata.get("language") or self.settings.default_language
            slow = OutgoingMessage(text=abuse.slow_down_text(language, wait))
            return response.json(
                _rest_items(sender, slow), headers={"Retry-After": str(abuse.whole_seconds(wait))}
            )
        message = message._replace(
            metadata=await self.turns.checked(
                agent, conversation_id, message.text, message.metadata
            )
        )
        if await self.turns.in_handoff(conversation_id):
            # For the recruiter; what they (or the handoff) said since the last message comes back.
            stored = await history.stored_events(agent, conversation_id)
            said = await self.turns.while_waiting(agent, conversation_id, message, None)
            relayed: list[Message] = [*history.since_last_candidate_message(stored), *said]
            return response.json([i for m in relayed for i in _rest_items(sender, m)])
        # TurnFailed goes up to _receive, which asks the client to send the message again.
        said = await self.turns.reply(agent, conversation_id, message, None, RestOutput())
        return response.json([i for m in said for i in _rest_items_of(sender, m)])


def _send_again(message_id: str) -> Ack:
    """The acknowledgement of a message not known to be kept: the client sends it again."""
    return {
        "ok": False,
        "error": "not handled",
        "retry_after": RETRY_FAILED_SECONDS,
        "status": 503,
        "message_id": message_id,
    }


def _rest_items_of(sender: str, message: Message) -> list[dict[str, Any]]:
    """Rasa's own collected items keep their shape (recipient_id back to the client's sender)."""
    if "recipient_id" in message:
        return [{**message, "recipient_id": sender}]
    return _rest_items(sender, message)


async def capped_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body of a streamed request, or BadMessage (413) as soon as it exceeds `limit`."""
    too_large = BadMessage(413, f"the request body is larger than {limit // 1024} KB")
    stream = request.stream
    if stream is None:  # no connection left to read from
        raise BadMessage(400, "no request body")
    # Also bounds what Sanic reads of a refused body before closing the connection.
    stream.request_max_size = limit
    length = request.headers.get("content-length")
    if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    try:
        while (chunk := await stream.read()) is not None:
            body += chunk
            if len(body) > limit:
                raise too_large
    except PayloadTooLarge:
        raise too_large from None
    return bytes(body)


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
    While `hold` is set, messages wait for `deliver` (until the turn is known to be kept).
    """

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: socketio.AsyncServer, event: str) -> None:
        self.sio = sio
        self.event = event
        self.hold = False
        self.said: list[Message] = []
        self._emitted: set[int] = set()

    async def send_response(self, recipient_id: str, message: Mapping[str, Any]) -> None:
        self.said.append(message)
        if not self.hold:
            await self._emit(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def _emit(self, recipient_id: str, message: Message) -> None:
        self._emitted.add(id(message))
        await self.sio.emit(self.event, socket_message(message), room=recipient_id)

    async def deliver(self, recipient_id: str, messages: list[Message]) -> None:
        """Send those of `messages` not sent yet, in order."""
        for message in messages:
            if id(message) not in self._emitted:
                await self._emit(recipient_id, message)


class _AppBlueprint(SocketBlueprint):
    """Rasa's socket blueprint, remembering the Sanic app (its agent reads trackers)."""

    def register(self, app: Sanic, options: Any) -> None:
        self.ctx.sanic_app = app
        super().register(app, options)
        path = "/" + str(self.ctx.socketio_path).strip("/") + "/"

        @app.signal("http.routing.after")
        async def cap_socketio_bodies(request: Request, **_: Any) -> None:
            """engine.io's polling bodies: Sanic reads at most MAX_SOCKET_PAYLOAD of them
            (else up to its 100 MB default before engine.io refuses them)."""
            if request.path.startswith(path) and request.stream is not None:
                request.stream.request_max_size = MAX_SOCKET_PAYLOAD

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
            turns=Turns(
                settings=self.settings, on_new_message=on_new_message, input_channel=self.name()
            ),
            settings=self.settings,
            bot_message_evt=self.bot_message_evt,
        )

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return _health(request)

        @webhook.route("/relay", methods=["POST"])
        async def relay(request: Request) -> HTTPResponse:
            return await handlers.relay(request)

        sio.on("connect", handlers.connect)
        sio.on("session_request", handlers.session_request)
        sio.on(self.user_message_evt, handlers.user_uttered)
        sio.on("callback_request", handlers.callback_request)
        sio.on("feedback", handlers.feedback)
        return webhook


class SlowDown(Exception):
    """A request over an abuse limit; `seconds` to wait."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"retry after {seconds:.0f} s")


class WidgetSocket:
    """The socket.io events of one server (and the console's relay route), one method each.

    Each reads its input, checks the abuse limits, calls one service (in its own
    short transaction, off the event loop) or the tracker store, and answers.
    A request over a limit is not processed: its acknowledgement says `ok: false`
    with the polite `slow_down` sentence as `error` and `retry_after` in seconds.
    """

    def __init__(
        self,
        *,
        sio: socketio.AsyncServer,
        webhook: _AppBlueprint,
        turns: Turns,
        settings: Settings,
        bot_message_evt: str,
    ) -> None:
        self.sio = sio
        self.webhook = webhook
        self.turns = turns
        self.settings = settings
        self.bot_message_evt = bot_message_evt
        self.recent = _Remembered(RECENT_MESSAGE_IDS)  # answered here
        self.apologized = _Remembered(RECENT_MESSAGE_IDS)  # failed here once already
        self.in_flight: dict[tuple[str, str], asyncio.Future[None]] = {}

    def _output(self) -> CandidateSocketOutput:
        return CandidateSocketOutput(self.sio, self.bot_message_evt)

    async def connect(self, sid: str, environ: Mapping[str, Any], auth: object = None) -> None:
        """Remember the client's address (for the per-IP limits) for the socket's lifetime."""
        request = environ.get("sanic.request")
        peer = str(getattr(request, "ip", "") or "") if request is not None else ""
        forwarded = request.headers.get("x-forwarded-for") if request is not None else None
        ip = abuse.client_ip(peer, forwarded, self.settings.trusted_proxies)
        async with self.sio.session(sid) as state:
            state["ip"] = ip

    async def _ip(self, sid: str) -> str:
        state = await self.sio.get_session(sid)
        return str(state.get("ip") or "unknown")

    def _slow_down(self, wait: float, language: str | None) -> Ack:
        text = abuse.slow_down_text(language or self.settings.default_language, wait)
        return {"ok": False, "error": text, "retry_after": abuse.whole_seconds(wait), "status": 429}

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
            self.webhook.agent,
            conversation_id,
            history.sent_events(outgoing, resume=resume, relayed=True),
        )
        return response.json({"ok": True})

    async def session_request(self, sid: str, data: object = None) -> Ack:
        try:
            conversation_id, is_new = await self._bind(sid, requested_session(data))
        except SlowDown as refused:
            ack = self._slow_down(refused.seconds, requested_language(data))
            # The widget waits for session_confirm: it shows this message instead.
            await self.sio.emit(
                self.bot_message_evt, socket_message({"text": ack["error"]}), room=sid
            )
            return ack
        await self._confirm(sid, conversation_id, is_new)
        return {"ok": True, "session_id": conversation_id}

    async def user_uttered(self, sid: str, data: object = None) -> Ack:
        try:
            message = read_socket_message(data)
        except BadMessage as error:
            return {"ok": False, "error": str(error), "status": error.status}
        language = message.metadata.get("language")
        try:
            conversation_id = await self._conversation_of(sid)
        except SlowDown as refused:
            return self._slow_down(refused.seconds, language)
        message_id = message.message_id or uuid.uuid4().hex
        key = (conversation_id, message_id)
        # The same message sent again (the widget's outbox, after a lost acknowledgement):
        # while the first copy is handled here, wait for it; once it was answered, say so.
        # A copy that failed is not remembered: the next one is handled afresh.
        while key in self.in_flight:
            await asyncio.shield(self.in_flight[key])
        if key in self.recent:
            return {"ok": True, "message_id": message_id, "duplicate": True}
        done = asyncio.get_running_loop().create_future()
        self.in_flight[key] = done
        try:
            try:
                async with self.turns.in_arrival_order(self.webhook.agent, conversation_id):
                    ack = await self._handle(sid, message, conversation_id, message_id, language)
            except Exception:  # noqa: BLE001 - a store away (lock, database): sent again later
                logger.exception("could not take a message of %s", conversation_id)
                ack = _send_again(message_id)
            if ack.get("ok"):
                self.recent.add(key)
            return ack
        finally:
            del self.in_flight[key]
            done.set_result(None)

    async def _handle(
        self,
        sid: str,
        message: SocketMessage,
        conversation_id: str,
        message_id: str,
        language: Any,
    ) -> Ack:
        wait = await asyncio.to_thread(
            abuse.wait_message,
            self.settings,
            ip=await self._ip(sid),
            conversation=conversation_id,
            text=message.text,
        )
        if wait:
            return self._slow_down(wait, language)
        agent = self.webhook.agent
        message = message._replace(
            metadata=await self.turns.checked(
                agent, conversation_id, message.text, message.metadata
            )
        )
        if await self.turns.in_handoff(conversation_id):
            # A recruiter has (or is about to have) the conversation: the message is
            # for them. Stored at once, without the NLU the assistant would not use.
            output = self._output()
            said = await self.turns.while_waiting(agent, conversation_id, message, message_id)
            await output.deliver(conversation_id, said)
        else:
            output = self._output()
            try:
                said = await self.turns.reply(agent, conversation_id, message, message_id, output)
            except TurnFailed as failure:
                # The widget's outbox keeps the message and sends it again after a pause;
                # the candidate reads the apology once, not at every try.
                said = failure.said
                if self.apologized.seen((conversation_id, message_id)):
                    said = [m for m in said if m.get("custom") != replies.error()]
                await output.deliver(conversation_id, said)
                return _send_again(message_id)
            await output.deliver(conversation_id, said)
        return {"ok": True, "message_id": message_id}

    async def callback_request(self, sid: str, data: object = None) -> Ack:
        conversation_id = await self._bound_conversation(sid)
        if not conversation_id:
            return {"ok": False, "errors": {"form": "send session_request first"}}
        language = requested_language(data) or self.settings.default_language
        wait = await asyncio.to_thread(abuse.wait_callback, self.settings, ip=await self._ip(sid))
        if wait:
            refused = self._slow_down(wait, language)
            return {**refused, "errors": {"form": refused["error"]}}
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
        wait = await asyncio.to_thread(
            abuse.wait_rating, self.settings, ip=await self._ip(sid), conversation=conversation_id
        )
        if wait:
            return self._slow_down(wait, given.language)
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
                    tracker_url=self.settings.tracker_store_url,
                    **given._asdict(),
                ),
            )
        except BadFeedback as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    async def _bind(self, sid: str, requested: object) -> tuple[str, bool]:
        """Put the socket in its conversation's room (issued by the server), leaving any other.

        A known session is resumed; a new one counts against the per-IP session limit
        (raises SlowDown when over it).
        """
        conversation_id = await in_transaction(
            self.settings.database_url,
            lambda session: resume_session(session=session, requested=requested),
        )
        is_new = conversation_id is None
        if conversation_id is None:
            wait = await asyncio.to_thread(
                abuse.wait_session, self.settings, ip=await self._ip(sid)
            )
            if wait:
                raise SlowDown(wait)
            conversation_id = await in_transaction(
                self.settings.database_url, lambda session: issue_session(session=session)
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
        """The socket's conversation; a client that skipped session_request gets one now
        (SlowDown when that is one session too many for its address)."""
        conversation_id = await self._bound_conversation(sid)
        if conversation_id:
            return conversation_id
        conversation_id, is_new = await self._bind(sid, None)
        await self._confirm(sid, conversation_id, is_new)
        return conversation_id
