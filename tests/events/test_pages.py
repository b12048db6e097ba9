"""The pages behind the links of the registration e-mails, over a real web server (the app
of bot.web.app), a real SQLite database and a real SMTP server (aiosmtpd): opening a page
changes nothing, each POST acts once and redirects back with a status message, a
cancellation offers the seat to the next in line (who gets the e-mail and takes it from
the offer page), votes count once, markup in questions stays text, bad tokens get a
clear FR+EN page, other sites cannot post, and the events sweep runs inside the app."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import html
import json
import re
import time
from collections.abc import AsyncIterator
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import create_engine, inspect, select, text, update

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings
from bot.events.messages import registration_link
from bot.events.models import PanelQuestion, PanelVote, Registration
from bot.events.panel import MAX_QUESTIONS
from bot.events.registrations import cancel, register
from bot.events.terms import event_terms, save_terms
from bot.meetings.links import Purpose, link_secret, make_token
from bot.records.models import Event
from bot.web.app import create_app
from tests.events.conftest import add_event, body, calendars, mail_settings, subject
from tests.inbox_servers import Mailbox

OFFICE = "Europe/Paris"
HOSTILE = '<script>window.__xss=1</script><img src=x onerror=alert(1)> & "quoted" **bold**'


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def settings(tmp_path, events_url: str) -> Settings:
    return mail_settings(tmp_path, events_url)


@pytest.fixture
async def server(settings: Settings, inbox: Mailbox) -> AsyncIterator[TestServer]:
    """The web server's app, as `bot web` runs it (both sweeps included)."""
    started = TestServer(create_app(settings), host="127.0.0.1")
    await started.start_server()
    yield started
    await started.close()


@pytest.fixture
async def web(server: TestServer) -> AsyncIterator[aiohttp.ClientSession]:
    http = aiohttp.ClientSession(base_url=str(server.make_url("")))
    yield http
    await http.close()


def open_house(url: str, *, days: int = 6, **values: Any) -> int:
    """An open house `days` ahead, 17:30-19:30 Paris (dates move with the clock: no
    reminder falls due while the tests run)."""
    day = (utcnow() + dt.timedelta(days=days)).date()
    return add_event(url, date=day, **values)


def reverse_qa(url: str, *, days: int = 9, **values: Any) -> int:
    day = (utcnow() + dt.timedelta(days=days)).date()
    return add_event(
        url,
        kind="reverse_qa",
        date=day,
        start_time=dt.time(12, 30),
        end_time=dt.time(13, 15),
        place_fr=None,
        place_en=None,
        **values,
    )


def enrol(url: str, event_id: int, email: str, **values: Any) -> Registration:
    details: dict[str, Any] = {
        "conversation_id": f"conv-{email}",
        "first_name": "Camille",
        "language": "fr",
        "consent": True,
        "consent_text": "J'accepte.",
        "now": utcnow(),
        "office_timezone": OFFICE,
        **values,
    }
    with transaction(url) as session:
        return register(session=session, event_id=event_id, email=email, **details)


def path(settings: Settings, purpose: Purpose, registration: Registration) -> str:
    """The link the e-mails carry (bot.events.messages), as a path on this server."""
    with transaction(settings.database_url) as session:
        event = session.get(Event, registration.event_id)
        terms = event_terms(session=session, event=event, office_timezone=OFFICE)
        fresh = session.get(Registration, registration.id)
        return urlsplit(registration_link(settings, purpose, fresh, terms)).path


def token_path(
    settings: Settings, purpose: str, public_id: str, expires: dt.datetime, prefix: str = ""
) -> str:
    token = make_token(
        secret=link_secret(settings),
        purpose=purpose,  # type: ignore[arg-type]
        public_id=public_id,
        expires=expires,
    )
    return f"{prefix}/{token}"


def row(settings: Settings, public_id: str) -> Registration:
    with transaction(settings.database_url) as session:
        return session.execute(
            select(Registration).where(Registration.public_id == public_id)
        ).scalar_one()


def digest(url: str) -> dict[str, str]:
    """A fingerprint of every table's rows: a page that changes nothing leaves it as is."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return {
                table: hashlib.sha256(
                    "\n".join(
                        sorted(
                            json.dumps(list(r), default=str)
                            for r in connection.execute(text(f'SELECT * FROM "{table}"'))
                        )
                    ).encode()
                ).hexdigest()
                for table in inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def to(box: Mailbox, address: str) -> list[Message]:
    return [m for m in box.messages if address in m["To"]]


async def raw_page(http: aiohttp.ClientSession, method: str, where: str, **kwargs: Any):
    async with http.request(method, where, allow_redirects=False, **kwargs) as answer:
        return answer.status, await answer.text(), answer.headers


async def page(http: aiohttp.ClientSession, method: str, where: str, **kwargs: Any):
    """Status, the page's text as read (entities decoded), headers."""
    status, words, headers = await raw_page(http, method, where, **kwargs)
    return status, html.unescape(words), headers


async def post_and_follow(http: aiohttp.ClientSession, where: str, **kwargs: Any):
    """POST, check it is a 303 back to the same link, and read where it leads."""
    status, _, headers = await raw_page(http, "POST", where, **kwargs)
    assert status == 303, (where, status)
    location = headers["Location"]
    own_page = re.sub(r"/(cancel|questions|vote|decline)$", "", urlsplit(where).path)
    assert urlsplit(location).path == own_page, (where, location)
    status, words, _ = await page(http, "GET", location)
    return location, status, words


def one_seat(url: str) -> int:
    """An open house with a single seat: the second to register waits in line."""
    event_id = open_house(url)
    with transaction(url) as session:
        save_terms(session=session, event_id=event_id, capacity=1, author="hr")
    return event_id


def offer_path(message: Message) -> str:
    """The path of the seat-offer link an e-mail carries."""
    return urlsplit(re.search(r"https://\S+/events/offer/\S+", body(message)).group(0)).path


def questions_of(settings: Settings) -> list[PanelQuestion]:
    with transaction(settings.database_url) as session:
        return list(session.execute(select(PanelQuestion).order_by(PanelQuestion.id)).scalars())


def vote_count(settings: Settings) -> int:
    with transaction(settings.database_url) as session:
        return len(session.execute(select(PanelVote)).all())


# ---------------------------------------------------------------- the registration page


async def test_opening_the_registration_page_shows_it_and_changes_nothing(web, settings, inbox):
    event_id = open_house(settings.database_url)
    camille = enrol(settings.database_url, event_id, "camille@example.org")
    link = path(settings, "registration", camille)
    before = digest(settings.database_url)
    status, words, headers = await page(web, "GET", link)
    assert status == 200 and '<html lang="fr"' in words
    assert "Portes ouvertes" in words and "Bonjour Camille" in words
    assert re.search(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+", words)
    assert "17:30 (heure de Paris)" in words
    assert "12 rue de la Charité" in words and "place confirmée" in words
    assert f'action="{link}/cancel?lang=fr"' in words and "Annuler mon inscription" in words
    assert "no-store" in headers["Cache-Control"]
    assert "form-action 'self'" in headers["Content-Security-Policy"]
    await page(web, "HEAD", link)
    status, english, _ = await page(web, "GET", f"{link}?lang=en")
    assert status == 200 and '<html lang="en"' in english
    assert "Open house" in english and "seat confirmed" in english
    # a status message is only ever one of the page's own sentences
    status, words, _ = await page(web, "GET", f"{link}?msg=<b>hacked</b>")
    assert status == 200 and "hacked" not in words
    assert digest(settings.database_url) == before
    assert inbox.messages == []


async def test_a_waitlisted_candidate_sees_their_place_in_line(web, settings):
    event_id = one_seat(settings.database_url)
    enrol(settings.database_url, event_id, "first@example.org")
    enrol(settings.database_url, event_id, "second@example.org")
    third = enrol(settings.database_url, event_id, "third@example.org", language="en")
    status, words, _ = await page(web, "GET", path(settings, "registration", third))
    assert status == 200 and "waitlist, number 2" in words
    assert "Leave the waitlist" in words


async def test_cancelling_offers_the_seat_to_the_next_who_confirms_it(web, settings, inbox):
    url = settings.database_url
    event_id = one_seat(url)
    first = enrol(url, event_id, "first@example.org")
    second = enrol(url, event_id, "second@example.org", language="en", first_name="Noor")
    link = path(settings, "registration", first)

    location, status, words = await post_and_follow(web, f"{link}/cancel?lang=fr")
    assert "msg=cancelled" in location and "lang=fr" in location
    assert status == 200 and "votre inscription est annulée" in words
    assert "Annuler mon inscription" not in words  # nothing left to do
    assert row(settings, first.public_id).status == "cancelled"
    assert row(settings, second.public_id).status == "offered"
    (cancelled,) = to(inbox, "first@example.org")
    assert subject(cancelled).startswith("Inscription annulée")
    (offer,) = to(inbox, "second@example.org")
    assert subject(offer).startswith("A seat freed up")

    # cancelling again: said, nothing changed, nothing sent
    location, status, words = await post_and_follow(web, f"{link}/cancel")
    assert "msg=registration_closed" in location and "déjà annulée" in words
    assert len(inbox.messages) == 2

    # the offer e-mail's link: the page changes nothing; the POST takes the seat
    offer_link = offer_path(offer)
    before = digest(url)
    status, words, _ = await page(web, "GET", offer_link)
    assert status == 200 and "Confirm my seat" in words and "held for you until" in words
    assert digest(url) == before
    location, status, words = await post_and_follow(web, f"{offer_link}?lang=en")
    assert status == 200 and "Confirmed: your seat is booked" in words
    assert row(settings, second.public_id).status == "confirmed"
    (confirmation,) = [m for m in to(inbox, "second@example.org") if m is not offer]
    assert subject(confirmation).startswith("Registration confirmed")
    (calendar,) = calendars(confirmation)
    assert str(calendar["METHOD"]) == "REQUEST"
    # a second click: still confirmed, no second e-mail
    await post_and_follow(web, offer_link)
    assert len(to(inbox, "second@example.org")) == 2


async def test_declining_an_offer_passes_the_seat_on_at_once(web, settings, inbox):
    url = settings.database_url
    event_id = one_seat(url)
    first = enrol(url, event_id, "first@example.org")
    second = enrol(url, event_id, "second@example.org", language="en")
    third = enrol(url, event_id, "third@example.org")
    await post_and_follow(web, f"{path(settings, 'registration', first)}/cancel")
    (offer,) = to(inbox, "second@example.org")
    offer_link = offer_path(offer)
    status, words, _ = await page(web, "GET", offer_link)
    assert f'action="{offer_link}/decline?lang=en"' in words and "give up my seat" in words

    location, status, words = await post_and_follow(web, f"{offer_link}/decline?lang=en")
    assert "msg=declined" in location
    assert status == 200 and "the seat goes to the next person" in words
    assert "Confirm my seat" not in words
    assert row(settings, second.public_id).status == "cancelled"
    assert row(settings, third.public_id).status == "offered"  # not at the deadline: now
    (next_offer,) = to(inbox, "third@example.org")
    assert subject(next_offer).startswith("Une place s'est libérée")
    # declining again, or confirming after declining: nothing changes, nothing is sent
    sent = len(inbox.messages)
    await post_and_follow(web, f"{offer_link}/decline")
    location, status, words = await post_and_follow(web, offer_link)
    assert status == 410 and "no seat left to confirm" in words
    assert row(settings, second.public_id).status == "cancelled"
    assert len(inbox.messages) == sent


async def test_declining_cannot_cancel_a_seat_already_confirmed(web, settings, inbox):
    url = settings.database_url
    event_id = one_seat(url)
    first = enrol(url, event_id, "first@example.org")
    second = enrol(url, event_id, "second@example.org", language="en")
    await post_and_follow(web, f"{path(settings, 'registration', first)}/cancel")
    (offer,) = to(inbox, "second@example.org")
    offer_link = offer_path(offer)
    await post_and_follow(web, offer_link)  # taken
    assert row(settings, second.public_id).status == "confirmed"
    location, status, words = await post_and_follow(web, f"{offer_link}/decline?lang=en")
    assert "msg=declined" not in location and "Confirmed: your seat is booked" in words
    assert row(settings, second.public_id).status == "confirmed"


async def test_an_offer_not_confirmed_in_time_gets_a_clear_page(web, settings, inbox):
    url = settings.database_url
    event_id = one_seat(url)
    first = enrol(url, event_id, "first@example.org")
    second = enrol(url, event_id, "second@example.org")
    with transaction(url) as session:
        cancel(session=session, public_id=first.public_id, now=utcnow(), office_timezone=OFFICE)
    # the link has expired with the offer
    lapsed = token_path(
        settings,
        "seat_offer",
        second.public_id,
        utcnow() - dt.timedelta(minutes=1),
        "/events/offer",
    )
    for method in ("GET", "POST"):
        status, words, _ = await page(web, method, lapsed)
        assert status == 410, method
        assert "Cette offre de place a expiré" in words and "This seat offer has expired" in words
    assert row(settings, second.public_id).status == "offered"
    # the offer lapsed while the link still reads as valid (a clock between sweeps)
    with transaction(url) as session:
        session.execute(
            update(Registration)
            .where(Registration.public_id == second.public_id)
            .values(offer_expires_at=utcnow() - dt.timedelta(seconds=5))
        )
    still = token_path(
        settings, "seat_offer", second.public_id, utcnow() + dt.timedelta(hours=1), "/events/offer"
    )
    status, words, _ = await page(web, "GET", still)
    assert status == 410 and "n'a pas été confirmée à temps" in words
    location, status, words = await post_and_follow(web, still)
    assert status == 410 and "n'a pas été confirmée à temps" in words
    assert row(settings, second.public_id).status in ("offered", "expired")  # the sweep's
    assert not any(subject(m).startswith("Inscription confirmée") for m in inbox.messages)


# ---------------------------------------------------------------- the reverse Q&A's questions


async def test_a_candidate_asks_and_upvotes_once_and_markup_stays_text(web, settings, inbox):
    url = settings.database_url
    event_id = reverse_qa(url)
    with transaction(url) as session:
        save_terms(
            session=session,
            event_id=event_id,
            video_url="https://meet.example.org/ardoise-qa",
            author="hr",
        )
    alice = enrol(url, event_id, "alice@example.org", first_name="Alice")
    bruno = enrol(url, event_id, "bruno@example.org", first_name="Bruno", language="en")
    alice_link = path(settings, "registration", alice)
    bruno_link = path(settings, "registration", bruno)

    status, words, _ = await page(web, "GET", alice_link)
    assert status == 200 and "Questions inversées" in words
    assert 'href="https://meet.example.org/ardoise-qa"' in words
    assert "Aucune question pour l'instant" in words
    assert f"Questions restantes : {MAX_QUESTIONS} sur {MAX_QUESTIONS}" in words

    location, status, words = await post_and_follow(
        web, f"{alice_link}/questions?lang=fr", data={"question": HOSTILE}
    )
    assert location.endswith("msg=question_received#questions")
    assert "Votre question est enregistrée" in words and "la vôtre" in words
    (question,) = questions_of(settings)
    assert question.text == HOSTILE  # kept as typed
    # her own question has no vote button
    assert 'name="question" value=' not in words.split("la vôtre")[1].split("</li>")[0]

    # Bruno's page: the question, escaped, with no name, and a vote button
    status, raw, _ = await raw_page(web, "GET", bruno_link)
    assert "<script>window" not in raw and "<img src=x" not in raw
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in raw
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", raw)
    assert "Alice" not in raw and "alice@example.org" not in raw
    assert f'name="question" value="{question.public_id}"' in raw
    before = digest(url)
    assert digest(url) == before  # reading the page voted for nothing

    location, status, words = await post_and_follow(
        web, f"{bruno_link}/vote?lang=en", data={"question": question.public_id}
    )
    assert "msg=voted" in location and "Your vote is counted" in words
    assert "1 vote" in words and "You voted" in words
    assert vote_count(settings) == 1
    # again: counted once
    location, status, words = await post_and_follow(
        web, f"{bruno_link}/vote?lang=en", data={"question": question.public_id}
    )
    assert "msg=already_voted" in location and "one vote per person" in words
    assert vote_count(settings) == 1
    # Alice cannot upvote her own question, nor a made-up one
    location, _, words = await post_and_follow(
        web, f"{alice_link}/vote", data={"question": question.public_id}
    )
    assert "msg=own_question" in location and "C'est votre question" in words
    location, _, _ = await post_and_follow(web, f"{alice_link}/vote", data={"question": "nope"})
    assert "msg=question_unknown" in location
    assert vote_count(settings) == 1
    assert inbox.messages == []


async def test_questions_are_checked_and_limited_per_registration(web, settings):
    url = settings.database_url
    event_id = reverse_qa(url)
    camille = enrol(url, event_id, "camille@example.org")
    link = path(settings, "registration", camille)
    for sent, code in (
        ("x" * 501, "question_too_long"),
        ("   ", "question_missing"),
        ("bell \x07 here", "question_not_plain"),
    ):
        location, status, words = await post_and_follow(
            web, f"{link}/questions", data={"question": sent}
        )
        assert f"msg={code}" in location and status == 200, code
    location, _, _ = await post_and_follow(web, f"{link}/questions")  # no field at all
    assert "msg=question_missing" in location
    assert questions_of(settings) == []
    for number in range(MAX_QUESTIONS):
        await post_and_follow(web, f"{link}/questions", data={"question": f"Question {number}?"})
    location, _, words = await post_and_follow(
        web, f"{link}/questions", data={"question": "One more?"}
    )
    assert "msg=question_limit" in location
    assert f"déjà posé {MAX_QUESTIONS} questions" in words
    assert 'id="question"' not in words  # the form is gone
    assert len(questions_of(settings)) == MAX_QUESTIONS


async def test_only_a_confirmed_seat_may_ask_or_vote(web, settings):
    url = settings.database_url
    event_id = reverse_qa(url)
    with transaction(url) as session:
        save_terms(session=session, event_id=event_id, capacity=1, author="hr")
    seated = enrol(url, event_id, "seated@example.org")
    waiting = enrol(url, event_id, "waiting@example.org")
    await post_and_follow(
        web, f"{path(settings, 'registration', seated)}/questions", data={"question": "Why?"}
    )
    (question,) = questions_of(settings)
    link = path(settings, "registration", waiting)
    status, words, _ = await page(web, "GET", link)
    assert "Une fois votre place confirmée" in words and "Why?" not in words
    location, _, words = await post_and_follow(web, f"{link}/questions", data={"question": "Me?"})
    assert "msg=panel_closed" in location and "réservées aux places confirmées" in words
    location, _, _ = await post_and_follow(
        web, f"{link}/vote", data={"question": question.public_id}
    )
    assert "msg=panel_closed" in location
    assert len(questions_of(settings)) == 1 and vote_count(settings) == 0


# ---------------------------------------------------------------- the thank-you question


async def test_feedback_is_taken_once_then_thanked(web, settings):
    url = settings.database_url
    day = (utcnow() - dt.timedelta(days=2)).date()
    event_id = add_event(url, date=day)
    start = dt.datetime.combine(day, dt.time(16, 30))
    camille = enrol(url, event_id, "camille@example.org", now=start - dt.timedelta(days=4))
    link = path(settings, "event_feedback", camille)
    before = digest(url)
    status, words, _ = await page(web, "GET", link)
    assert status == 200 and "comment était-ce" in words
    assert words.count('name="rating"') == 5 and 'name="comment"' in words
    assert digest(url) == before

    location, status, words = await post_and_follow(web, link, data={"rating": "9"})
    assert "msg=rating_invalid" in location and "Choisissez une note de 1 à 5" in words
    assert row(settings, camille.public_id).rating is None

    location, status, words = await post_and_follow(
        web, f"{link}?lang=en", data={"rating": "4", "comment": HOSTILE}
    )
    assert status == 200 and "Thank you for your feedback" in words
    saved = row(settings, camille.public_id)
    assert (saved.rating, saved.rating_comment) == (4, HOSTILE)
    # once: a second answer changes nothing
    await post_and_follow(web, link, data={"rating": "1", "comment": "changed my mind"})
    saved = row(settings, camille.public_id)
    assert (saved.rating, saved.rating_comment) == (4, HOSTILE)


# ---------------------------------------------------------------- tokens and other sites


async def test_bad_tokens_get_a_clear_page_in_both_languages(web, settings, inbox):
    url = settings.database_url
    camille = enrol(url, reverse_qa(url), "camille@example.org")
    good = path(settings, "registration", camille).rsplit("/", 1)[1]
    tampered = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
    past = utcnow() - dt.timedelta(minutes=1)
    later = utcnow() + dt.timedelta(days=1)
    expired = token_path(settings, "registration", camille.public_id, past)[1:]
    unknown = token_path(settings, "registration", "nobody-has-this", later)[1:]
    offer_token = token_path(settings, "seat_offer", camille.public_id, later)[1:]
    cases = {
        "tampered": (tampered, 404),
        "garbage": ("not-a-token", 404),
        "expired": (expired, 410),
        "unknown-registration": (unknown, 404),
        "wrong-purpose": (offer_token, 404),
    }
    before = digest(url)
    for name, (token, expected) in cases.items():
        for method, where in (
            ("GET", f"/events/registration/{token}"),
            ("POST", f"/events/registration/{token}/cancel"),
            ("POST", f"/events/registration/{token}/questions"),
            ("POST", f"/events/registration/{token}/vote"),
            ("GET", f"/events/feedback/{token}"),
            ("POST", f"/events/feedback/{token}"),
        ):
            status, words, headers = await page(
                web, method, where, data={"question": "x", "rating": "5"}
            )
            if name == "wrong-purpose" or (name == "expired" and "feedback" in where):
                expected_here = 404
            else:
                expected_here = expected
            assert status == expected_here, (name, method, where, status, words[:200])
            assert 'lang="fr"' in words and 'lang="en"' in words, name
            assert "Traceback" not in words and camille.public_id not in words
            assert "Content-Security-Policy" in headers
    for method in ("GET", "POST"):
        status, words, _ = await page(web, method, f"/events/offer/{good}")
        assert status == 404 and "Lien inconnu · Unknown link" in words
    assert digest(url) == before
    assert inbox.messages == []


async def test_a_post_from_another_site_is_refused(web, server, settings, inbox):
    url = settings.database_url
    event_id = reverse_qa(url)
    camille = enrol(url, event_id, "camille@example.org")
    link = path(settings, "registration", camille)
    offer = path(settings, "seat_offer", camille)
    feedback = path(settings, "event_feedback", camille)
    before = digest(url)
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        for where in (f"{link}/cancel", f"{link}/questions", f"{link}/vote", offer, feedback):
            status, words, _ = await page(
                web, "POST", where, headers=headers, data={"question": "x", "rating": "5"}
            )
            assert status == 403, (headers, where, status)
            assert "Requête refusée" in words and 'lang="en"' in words
    assert digest(url) == before
    assert inbox.messages == []
    # the server's own origin passes
    own = str(server.make_url("")).rstrip("/")
    status, _, _ = await raw_page(web, "POST", f"{link}/cancel", headers={"Origin": own})
    assert status == 303
    assert row(settings, camille.public_id).status == "cancelled"


# ---------------------------------------------------------------- the events sweep


async def wait_for_mail(box: Mailbox, predicate, timeout: float = 30.0) -> Message:
    """Poll the mailbox without blocking the event loop the app runs on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(box.messages):
            if predicate(message):
                return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no such e-mail; got {[subject(m) for m in box.messages]}")


async def test_the_app_lapses_offers_by_itself_and_offers_the_next(settings, inbox):
    url = settings.database_url
    event_id = one_seat(url)
    first = enrol(url, event_id, "first@example.org")
    second = enrol(url, event_id, "second@example.org")
    third = enrol(url, event_id, "third@example.org")
    with transaction(url) as session:
        cancel(session=session, public_id=first.public_id, now=utcnow(), office_timezone=OFFICE)
        session.execute(
            update(Registration)
            .where(Registration.public_id == second.public_id)
            .values(offer_expires_at=utcnow() - dt.timedelta(minutes=1))
        )
    started = TestServer(create_app(settings), host="127.0.0.1")
    await started.start_server()
    try:
        await wait_for_mail(inbox, lambda m: "third@example.org" in m["To"])
        await wait_for_mail(inbox, lambda m: "second@example.org" in m["To"])
    finally:
        await started.close()
    assert row(settings, second.public_id).status == "expired"
    assert row(settings, third.public_id).status == "offered"
    assert subject(to(inbox, "third@example.org")[0]).startswith("Une place s'est libérée")
