"""The one reply to a refused booking, registration or change: why, in the candidate's
words, and the `invalid` payload naming the field at fault (README, reply contract)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.core import replies
from bot.meetings.booking import BookingError


def refuse(
    dispatcher: CollectingDispatcher,
    refused: BookingError,
    *,
    sentence: str,
    booking: Any = None,
    slot: str | None = None,
) -> list[EventType]:
    """Say `sentence` with `{"type": "booking", "status": "invalid", ...}`; an event at
    fault is the slot the candidate picked. The offer on the table is dropped."""
    dispatcher.utter_message(
        text=sentence,
        json_message=replies.booking(
            "invalid",
            booking=booking if isinstance(booking, str) else None,
            slot=slot,
            field="slot" if refused.field == "event" else refused.field,
            code=refused.code,
        ),
    )
    return [SlotSet("offer", None)]
