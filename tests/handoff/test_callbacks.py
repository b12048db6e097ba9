"""Callback requests: validated, stored with the consent given, promised for the next work
day; taken only after the assistant offered them, once per conversation."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import insert

from bot.core import replies
from bot.core.db import transaction
from bot.core.office_hours import parse_office_hours
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.handoff.callbacks import (
    BadCallback,
    CallbackRefused,
    callback_offered,
    callbacks,
    create_callback,
    next_business_day,
    read_callback,
    set_status,
)
from bot.handoff.models import CallbackRequest
from bot.handoff.requests import store_callback
from bot.ops.schema import upgrade
from tests.conftest import make_settings
from tests.handoff.test_notify import free_port
from tests.inbox_servers import start_smtp, start_webhook

GOOD = {"name": "Ada", "email": "ada@example.org", "question": "Visa ?", "consent": True}


def test_a_good_request_reads_clean():
    assert read_callback({**GOOD, "name": "  Ada  "}) == ("Ada", "ada@example.org", "Visa ?")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "<script>@x.org"}, "email"),
        ({"email": 42}, "email"),
        ({"question": "  "}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({"consent": False}, "consent"),
        ({"consent": "yes"}, "consent"),
        ({"name": "Ada\nBcc: everyone@example.org"}, "name"),
        ({"name": "Ada\r"}, "name"),
        ({"name": "Ada\x00"}, "name"),
        ({"name": "Ada\u2028Lovelace"}, "name"),
        ({"name": "\u202eadA"}, "name"),  # right-to-left override
        ({"name": ["Ada"]}, "name"),
        ({"email": "ada\x00@example.org"}, "email"),
        ({"question": "Visa ?\x1b[2J"}, "question"),
    ],
)
def test_each_problem_is_named(change, field):
    with pytest.raises(BadCallback) as raised:
        read_callback({**GOOD, **change})
    assert set(raised.value.errors) == {field} == set(raised.value.codes)


def test_a_line_break_in_a_name_is_refused_with_a_clear_sentence_in_both_languages():
    data = {**GOOD, "name": "Ada\nLovelace"}
    for language, sentence in (
        ("fr", "Votre nom doit tenir sur une ligne, sans caractères invisibles."),
        ("en", "Your name must fit on one line, without invisible characters."),
    ):
        with pytest.raises(BadCallback) as raised:
            read_callback(data, language)
        assert raised.value.codes == {"name": "callback_name_control_characters"}
        assert raised.value.errors == {"name": sentence}


def test_the_sentences_name_the_limits():
    with pytest.raises(BadCallback) as raised:
        read_callback({**GOOD, "name": "x" * 121, "question": "x" * 2001}, "fr")
    assert raised.value.errors == {
        "name": "Votre nom doit faire au plus 120 caractères.",
        "question": "Votre question doit faire au plus 2000 caractères.",
    }


def test_names_and_questions_people_really_write_are_accepted():
    for name in ("Zoé Dupont-Lefèvre", "Chloé O'Brien", "محمد", "Ng\u200cuyen", "李 小龍"):
        assert read_callback({**GOOD, "name": name})[0] == name
    question = "Bonjour,\n\tle visa est-il pris en charge ? 👩\u200d💻"
    assert read_callback({**GOOD, "question": question})[2] == question.strip()


def test_not_an_object():
    with pytest.raises(BadCallback):
        read_callback(["Ada"])


def test_stored_with_the_consent_sentence_and_a_status(db_url):
    with transaction(db_url) as session:
        request = create_callback(
            session=session, conversation_id="c1", data=GOOD, language="en", retention_days=90
        )
        assert "90 days" in request.consent_text and request.consented_at is not None
        set_status(session=session, callback_id=request.id, status="in_progress")
        with pytest.raises(BadCallback):
            set_status(session=session, callback_id=request.id, status="lost")
        with pytest.raises(LookupError):
            set_status(session=session, callback_id=999, status="done")
        assert [(c.name, c.status) for c in callbacks(session=session)] == [("Ada", "in_progress")]


def test_one_request_per_conversation(db_url):
    with transaction(db_url) as session:
        create_callback(
            session=session, conversation_id="c1", data=GOOD, language="en", retention_days=90
        )
    with pytest.raises(CallbackRefused) as refused, transaction(db_url) as session:
        create_callback(
            session=session,
            conversation_id="c1",
            data={**GOOD, "name": "Someone else"},
            language="fr",
            retention_days=90,
        )
    assert refused.value.code == "callback_already_requested"
    assert refused.value.errors["form"].startswith("Votre demande est déjà entre les mains")
    with transaction(db_url) as session:
        create_callback(
            session=session, conversation_id="c2", data=GOOD, language="en", retention_days=90
        )
        assert sorted(c.conversation_id for c in callbacks(session=session)) == ["c1", "c2"]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_simultaneous_requests_of_one_conversation_store_one(request, database):
    url = request.getfixturevalue("db_url" if database == "sqlite" else "pg_url")
    upgrade(url)
    outcomes: list[str] = []

    def send() -> None:
        try:
            with transaction(url) as session:
                create_callback(
                    session=session,
                    conversation_id="c1",
                    data=GOOD,
                    language="en",
                    retention_days=9,
                )
            outcomes.append("stored")
        except CallbackRefused as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["callback_already_requested"] * 7 + ["stored"]
    with transaction(url) as session:
        assert session.query(CallbackRequest).count() == 1


def test_an_offer_is_a_handoff_payload_with_the_callback():
    def bot(custom):
        return {"event": "bot", "text": "…", "data": {"custom": custom}}

    assert callback_offered([bot(replies.handoff_offered("unavailable"))])
    assert callback_offered([bot(replies.handoff_offered("timeout"))])
    assert not callback_offered([bot(replies.handoff_offered("personal"))])
    assert not callback_offered([bot(replies.handoff_offered("not_helpful"))])
    assert not callback_offered([bot(replies.no_answer()), {"event": "user", "text": "callback"}])
    # the candidate's own words are not an offer
    assert not callback_offered(
        [{"event": "user", "data": {"custom": replies.handoff_offered("unavailable")}}]
    )
    assert not callback_offered([])


def test_the_next_business_day_in_paris():
    hours = parse_office_hours("mon-fri 09:00-18:00", "Europe/Paris")
    assert next_business_day(datetime(2026, 11, 26, 10, 0), hours) == date(2026, 11, 27)  # Thu
    assert next_business_day(datetime(2026, 11, 27, 10, 0), hours) == date(2026, 11, 30)  # Fri
    assert next_business_day(datetime(2026, 11, 27, 23, 30), hours) == date(
        2026, 11, 30
    )  # Sat in Paris


def offered(url: str, conversation: str, reason: str = "unavailable") -> None:
    """The assistant's offer of `reason` in Rasa's tracker store (its `events` table)."""
    engine = tracker_engine(url)
    EVENTS.metadata.create_all(engine)
    event = {"event": "bot", "text": "…", "data": {"custom": replies.handoff_offered(reason)}}
    with engine.begin() as connection:
        connection.execute(
            insert(EVENTS).values(sender_id=conversation, type_name="bot", data=json.dumps(event))
        )


@pytest.fixture
def notified(tmp_path, db_url):
    """Settings whose notifications reach a local SMTP server and webhook receiver."""
    smtp_port, hook_port = free_port(), free_port()
    controller, mailbox = start_smtp(smtp_port)
    server, hooks = start_webhook(hook_port)
    settings = make_settings(
        tmp_path,
        db_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        NOTIFY_EMAILS="a@ardoise.test",
        NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/hook",
    )
    yield settings, mailbox, hooks
    controller.stop()
    server.shutdown()


def test_a_request_is_taken_only_after_its_offer_and_once(notified):
    settings, mailbox, hooks = notified
    url = settings.database_url
    offered(url, "personal-only", reason="personal")  # a live offer, no e-mail answer
    for conversation in ("never-offered", "personal-only"):
        with pytest.raises(CallbackRefused) as refused:
            store_callback(settings, conversation, {**GOOD, "name": "Mallory"}, "en")
        assert refused.value.code == "callback_not_offered"
        assert refused.value.errors == {
            "form": "I can only pass on a request for an e-mail answer after offering it to "
            "you. Ask to talk to a recruiter and I'll tell you what is possible."
        }
    offered(url, "c1")
    store_callback(settings, "c1", GOOD, "fr")
    mailbox.wait_for(lambda m: m["Subject"] == "[Ardoise] Callback request from Ada (fr)")
    with pytest.raises(CallbackRefused) as again:
        store_callback(settings, "c1", {**GOOD, "name": "Ada again"}, "fr")
    assert again.value.code == "callback_already_requested"
    offered(url, "c2", reason="timeout")
    store_callback(settings, "c2", {**GOOD, "name": "Grace"}, "en")
    mailbox.wait_for(lambda m: "Grace" in m["Subject"])
    hooks.wait_for(lambda b: "Grace" in b["text"])
    # only the two requests taken notified anyone
    assert sorted(m["Subject"] for m in mailbox.messages) == [
        "[Ardoise] Callback request from Ada (fr)",
        "[Ardoise] Callback request from Grace (en)",
    ]
    assert len(hooks.bodies) == 2
    with transaction(url) as session:
        assert sorted((c.conversation_id, c.name) for c in callbacks(session=session)) == [
            ("c1", "Ada"),
            ("c2", "Grace"),
        ]


def test_a_bad_name_is_refused_before_anything_is_stored_or_sent(notified):
    settings, mailbox, hooks = notified
    offered(settings.database_url, "c1")
    with pytest.raises(BadCallback) as refused:
        store_callback(settings, "c1", {**GOOD, "name": "Ada\nBcc: all@example.org"}, "fr")
    assert refused.value.codes == {"name": "callback_name_control_characters"}
    store_callback(settings, "c1", GOOD, "fr")  # the corrected form is taken
    mailbox.wait_for(lambda m: m["Subject"] == "[Ardoise] Callback request from Ada (fr)")
    hooks.wait_for(lambda b: "Ada" in b["text"])
    assert len(mailbox.messages) == 1
