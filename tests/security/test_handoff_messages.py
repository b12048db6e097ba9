"""The waiting candidate's `/cancel_handoff` (issue 18) with hostile use, against the
running assistant: it only ever cancels the sender's own request, still waiting; without
one it is ordinary text for the assistant; variants are plain text; nothing breaks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.candidate.sessions import rest_conversation
from bot.core.db import transaction
from bot.handoff.models import Handoff
from bot.handoff.service import request_handoff
from tests.e2e.conftest import new_sender, payloads

pytestmark = pytest.mark.e2e


def queued_for(assistant, conversation: str) -> int:
    with transaction(assistant.settings.database_url) as session:
        return request_handoff(
            session=session,
            conversation_id=conversation,
            reason="request_human",
            language="en",
            hints=[],
            summary={"asked": ["q"]},
            routes={},
            online=[],
        ).handoff.id


def status_of(assistant, handoff_id: int) -> str:
    with transaction(assistant.settings.database_url) as session:
        return session.execute(select(Handoff.status).where(Handoff.id == handoff_id)).scalar_one()


@pytest.mark.parametrize(
    "message",
    ["/cancel_handoff", '/cancel_handoff{"handoff": 1}', "/cancel_handoff " + "x" * 500],
)
def test_without_a_waiting_request_it_cancels_nobody_elses(assistant, message):
    someone = queued_for(assistant, rest_conversation(new_sender()))
    replies = assistant.ask(new_sender(), message, metadata={"language": "en"})
    kinds = [p.get("type") for p in payloads(replies)]
    assert (
        replies
        and "error" not in kinds
        and {"type": "handoff", "status": "cancelled"} not in (payloads(replies))
    )
    assert status_of(assistant, someone) == "queued"


def test_the_sender_cancels_only_their_own_waiting_request(assistant):
    sender = new_sender()
    mine = queued_for(assistant, rest_conversation(sender))
    other = queued_for(assistant, rest_conversation(new_sender()))
    replies = assistant.ask(sender, '/cancel_handoff{"conversation": "x"}')  # a variant: text
    assert status_of(assistant, mine) == "queued"
    replies = assistant.ask(sender, "/cancel_handoff", metadata={"language": "en"})
    assert {"type": "handoff", "status": "cancelled"} in payloads(replies)
    assert (status_of(assistant, mine), status_of(assistant, other)) == ("cancelled", "queued")
    again = assistant.ask(sender, "/cancel_handoff", metadata={"language": "en"})
    assert {"type": "handoff", "status": "cancelled"} not in payloads(again)
