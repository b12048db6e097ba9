"""HR keeps the ambassadors (bot.meetings.admin) on a real database: adding, editing,
the problems each bad input gets (by code, worded in French), pauses, and removing an
ambassador whose coffees are still to come, with the candidate's apology received by a
real SMTP server."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.audit import entries
from bot.core.db import transaction
from bot.core.problem_texts import Problem, problem_text
from bot.meetings import admin
from bot.meetings.defaults import load_defaults, seed_ambassadors
from bot.meetings.models import Ambassador, AmbassadorPause, Booking
from bot.meetings.slots import free_slots
from tests.conftest import make_settings
from tests.inbox_servers import Mailbox
from tests.meetings.conftest import NOW, OFFICE, RULES, SMTP, BookFn, booker

GOOD: dict[str, Any] = {
    "name": "Inès Diallo",
    "role": "Data Engineer",
    "team": "data_ml",
    "languages": ["fr", "en"],
    "topics": ["Airflow", "dbt"],
    "windows": ["mardi 14:00-16:00", "friday 09:00-10:30"],
    "cap": 3,
    "bio_fr": "Data Engineer chez Ardoise.",
    "bio_en": "Data Engineer at Ardoise.",
    "consent": "Accepte que son prénom, son rôle, son équipe et ses sujets soient montrés.",
    "email": "ines@ardoise.test",
}


def save(url: str, data: Any, ambassador_id: str | None = None, author: str = "Hana") -> dict:
    with transaction(url) as session:
        return admin.save_ambassador(
            session=session, data=data, author=author, ambassador_id=ambassador_id
        ).to_json()


def problems_of(url: str, data: Any, ambassador_id: str | None = None) -> dict[str, Problem]:
    with pytest.raises(admin.AmbassadorError) as raised:
        save(url, data, ambassador_id)
    return raised.value.errors


def codes(errors: dict[str, Problem]) -> dict[str, str]:
    return {field: problem.code for field, problem in errors.items()}


def remove(url: str, ambassador_id: str, upcoming: Any = None) -> admin.Removal:
    with transaction(url) as session:
        return admin.remove_ambassador(
            session=session,
            ambassador_id=ambassador_id,
            author="Hana",
            upcoming=upcoming,
            now=NOW,
            office_timezone=OFFICE,
            rules=RULES,
        )


def ambassador(url: str, ambassador_id: str) -> Ambassador | None:
    with transaction(url) as session:
        return session.get(Ambassador, ambassador_id)


def statuses(url: str) -> dict[str, str]:
    with transaction(url) as session:
        return dict(session.execute(select(Booking.candidate_email, Booking.status)).all())


def audit_actions(url: str, target: str) -> list[str]:
    with transaction(url) as session:
        return [e.action for e in entries(session=session, target=target)]


# ---------------------------------------------------------------- adding and editing


def test_hr_adds_an_ambassador_with_an_id_made_from_the_name(meetings_url):
    saved = save(meetings_url, GOOD)
    assert saved["id"] == "ines-diallo"
    assert saved["windows"] == ["tuesday 14:00-16:00", "friday 09:00-10:30"]  # French day read
    assert saved["active"] is True and saved["cap"] == 3
    again = save(meetings_url, GOOD)  # same name: another person, another id
    assert again["id"] == "ines-diallo-2"
    with transaction(meetings_url) as session:
        (entry,) = entries(session=session, target="ambassador:ines-diallo")
        assert entry.action == "ambassador.created" and entry.actor == "Hana"
        assert entry.detail["ambassador"]["consent"] == GOOD["consent"]
        slots = free_slots(
            session=session, now=NOW, office_timezone=OFFICE, rules=RULES, team="data_ml"
        )
    assert any(s.ambassador_id == "ines-diallo" for s in slots)


def test_editing_changes_only_what_is_given_and_audits_the_difference(meetings_url):
    saved = save(meetings_url, {"cap": "1", "topics": "SRE, on-call, sre"}, "lea")
    assert saved["cap"] == 1 and saved["topics"] == ["SRE", "on-call"]
    assert saved["name"] == "Léa Moreau"  # untouched
    save(meetings_url, {"cap": 1}, "lea")  # nothing changes: nothing audited
    with transaction(meetings_url) as session:
        (entry,) = entries(session=session, target="ambassador:lea")
    assert entry.action == "ambassador.updated"
    assert entry.detail["changes"]["cap"] == [2, 1]
    # deactivated by hand, active again by hand
    assert save(meetings_url, {"active": False}, "lea")["active"] is False
    assert save(meetings_url, {"active": True}, "lea")["active"] is True


def test_every_bad_field_gets_its_code(meetings_url):
    bad = {
        "name": "<b>Léa</b>",
        "role": "x" * 121,
        "team": "marketing",
        "languages": ["fr", "de"],
        "topics": [f"t{n}" for n in range(13)],
        "windows": ["tuesday 12:00-10:00"],
        "cap": 0,
        "bio_fr": "ok\u0007",
        "bio_en": 3,
        "email": "not an address",
        "active": "yes",
        "salary": 1,
    }
    errors = problems_of(meetings_url, bad)
    assert codes(errors) == {
        "name": "html_markup",
        "role": "text_too_long",
        "team": "not_one_of",
        "languages": "not_one_of",
        "topics": "too_many_items",
        "windows": "window_not_weekly",
        "cap": "number_out_of_range",
        "bio_fr": "control_characters",
        "bio_en": "not_a_text",
        "email": "not_an_email",
        "active": "not_one_of",
        "salary": "unknown_field",
        "consent": "is_required",
    }
    assert problem_text(errors["windows"], "fr") == (
        "« tuesday 12:00-10:00 » n'est pas une plage de la semaine : écrivez le jour puis "
        "les heures, par exemple « mardi 10:00-12:00 » (la fin après le début)"
    )
    assert problem_text(errors["email"], "fr").startswith("doit être une adresse e-mail")
    assert codes(problems_of(meetings_url, {**GOOD, "windows": [], "cap": True})) == {
        "windows": "is_required",
        "cap": "not_a_whole_number",
    }
    assert codes(problems_of(meetings_url, {"windows": "lundi"}, "lea")) == {
        "windows": "window_not_weekly"
    }
    assert codes(problems_of(meetings_url, {"topics": {"a": 1}}, "lea")) == {"topics": "not_a_list"}
    assert codes(problems_of(meetings_url, ["not", "an", "object"])) == {
        "__all__": "record_not_an_object"
    }
    with pytest.raises(admin.AmbassadorNotFound) as missing:
        save(meetings_url, {"cap": 2}, "nobody")
    assert (
        problem_text(missing.value.problem, "fr")
        == "l'ambassadeur « nobody » n'existe pas (ou plus)"
    )
    assert ambassador(meetings_url, "lea").cap == 2  # nothing saved by a refused edit


# ---------------------------------------------------------------- pauses


def pause(url: str, ambassador_id: str, data: Any) -> dict:
    with transaction(url) as session:
        return admin.add_pause(
            session=session,
            ambassador_id=ambassador_id,
            data=data,
            author="Hana",
            office_timezone=OFFICE,
        ).to_json()


def test_a_pause_takes_the_days_slots_away_and_can_be_removed(meetings_url, booked: BookFn):
    booked("lea-20261201T0900")  # Tuesday 1 December, 10:00 in Paris
    added = pause(meetings_url, "lea", {"first_day": "2026-12-01", "last_day": "2026-12-04"})
    assert added["coffees_during"] == 1  # said, not cancelled
    assert statuses(meetings_url) == {"camille@example.org": "confirmed"}

    def lea_days() -> set[dt.date]:
        with transaction(meetings_url) as session:
            found = free_slots(
                session=session,
                now=NOW,
                office_timezone=OFFICE,
                rules=RULES,
                ambassador_ids=["lea"],
            )
        return {s.start_utc.date() for s in found}

    assert lea_days() and min(lea_days()) >= dt.date(2026, 12, 5)
    with transaction(meetings_url) as session:
        (listing,) = [
            row
            for row in admin.list_ambassadors(session=session, today=NOW.date(), now=NOW)
            if row.ambassador.id == "lea"
        ]
        assert listing.to_json()["pauses"] == [
            {"id": added["id"], "first_day": "2026-12-01", "last_day": "2026-12-04"}
        ]
        assert listing.upcoming == 1
    with transaction(meetings_url) as session:
        admin.remove_pause(session=session, ambassador_id="lea", pause_id=added["id"], author="H")
    assert min(lea_days()) == dt.date(2026, 12, 1)  # the week's slots are back
    assert audit_actions(meetings_url, "ambassador:lea") == [
        "ambassador.pause_removed",
        "ambassador.paused",
    ]


def test_bad_pauses_get_their_codes(meetings_url):
    def refused(data: Any, who: str = "lea") -> dict[str, str]:
        with pytest.raises(admin.AmbassadorError) as raised:
            pause(meetings_url, who, data)
        return codes(raised.value.errors)

    assert refused({"first_day": "2026-12-04", "last_day": "2026-12-01"}) == {
        "last_day": "end_before_start"
    }
    assert refused({"first_day": "2026-02-30", "last_day": "3026-01-01"}) == {
        "first_day": "not_a_calendar_day",
        "last_day": "date_out_of_range",
    }
    assert refused({"first_day": "01/12/2026", "why": "x"}) == {
        "first_day": "not_a_date",
        "last_day": "is_required",
        "why": "unknown_field",
    }
    assert refused({"first_day": "2026-01-01", "last_day": "2027-01-02"}) == {
        "last_day": "pause_too_long"
    }
    assert refused("2026-12-01") == {"__all__": "record_not_an_object"}
    with pytest.raises(admin.AmbassadorNotFound):
        pause(meetings_url, "nobody", {"first_day": "2026-12-01", "last_day": "2026-12-01"})
    other = pause(meetings_url, "thomas", {"first_day": "2026-12-01", "last_day": "2026-12-01"})
    with pytest.raises(admin.PauseNotFound), transaction(meetings_url) as session:
        # Thomas's pause is not Léa's to remove
        admin.remove_pause(session=session, ambassador_id="lea", pause_id=other["id"], author="H")
    with transaction(meetings_url) as session:
        assert session.execute(select(AmbassadorPause.id)).scalars().all() == [other["id"]]


# ---------------------------------------------------------------- removing


@pytest.fixture
def settings(tmp_path, meetings_url):
    with transaction(meetings_url) as session:
        session.get(Ambassador, "lea").email = "lea@ardoise.test"
    return make_settings(
        tmp_path,
        database_url=meetings_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        NOTIFY_FROM="assistant@ardoise.test",
        NOTIFY_EMAILS="recruiting@ardoise.test",
        PUBLIC_URL="https://assistant.ardoise.test",
    )


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message: Message) -> str:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")


def test_an_ambassador_without_any_coffee_is_deleted(meetings_url):
    removal = remove(meetings_url, "lea")
    assert (removal.outcome, removal.cancelled, removal.kept) == ("deleted", (), 0)
    assert ambassador(meetings_url, "lea") is None
    assert audit_actions(meetings_url, "ambassador:lea") == ["ambassador.deleted"]
    with pytest.raises(admin.AmbassadorNotFound):
        remove(meetings_url, "lea")


def test_removing_with_upcoming_coffees_asks_first(meetings_url, booked: BookFn, inbox: Mailbox):
    coffee = booked("lea-20261201T0900")
    with pytest.raises(admin.UpcomingCoffees) as asked:
        remove(meetings_url, "lea")
    assert asked.value.coffees == [
        {
            "booking": coffee.id,
            "start": "2026-12-01T09:00:00Z",
            "candidate": "Camille",
            "language": "fr",
        }
    ]
    assert problem_text(asked.value.problem, "fr").startswith(
        "1 café confirmé est encore à venir avec cet ambassadeur"
    )
    with pytest.raises(admin.AmbassadorError) as wrong:
        remove(meetings_url, "lea", upcoming="maybe")
    assert codes(wrong.value.errors) == {"upcoming": "not_one_of"}
    assert ambassador(meetings_url, "lea").active is True  # nothing changed
    assert audit_actions(meetings_url, "ambassador:lea") == []
    assert inbox.messages == []


def test_keeping_the_coffees_deactivates_the_ambassador(meetings_url, booked: BookFn, inbox):
    booked("lea-20261201T0900")
    removal = remove(meetings_url, "lea", upcoming="keep")
    assert (removal.outcome, removal.kept, removal.cancelled) == ("deactivated", 1, ())
    assert ambassador(meetings_url, "lea").active is False
    assert statuses(meetings_url) == {"camille@example.org": "confirmed"}
    with transaction(meetings_url) as session:
        slots = free_slots(session=session, now=NOW, office_timezone=OFFICE, rules=RULES)
    assert slots and not any(s.ambassador_id == "lea" for s in slots)  # no new slot
    assert audit_actions(meetings_url, "ambassador:lea") == ["ambassador.deactivated"]
    assert inbox.messages == []
    # removing again: still booked, still deactivated, never deleted
    assert remove(meetings_url, "lea", upcoming="keep").outcome == "deactivated"


def test_cancelling_the_coffees_sends_each_candidate_the_apology_with_other_slots(
    meetings_url, settings, booked: BookFn, inbox: Mailbox
):
    booked("lea-20261201T0900", email="ada@example.org", name="Ada Lovelace")
    booked("lea-20261203T1300", email="bob@example.org", name="Bob", language="en")
    removal = remove(meetings_url, "lea", upcoming="cancel")
    assert removal.outcome == "deactivated"  # its bookings still refer to it
    assert [c.booking.status for c in removal.cancelled] == ["declined", "declined"]
    assert all(c.alternatives for c in removal.cancelled)
    assert all("Léa" not in a.host_name for c in removal.cancelled for a in c.alternatives)
    assert statuses(meetings_url) == {"ada@example.org": "declined", "bob@example.org": "declined"}
    assert removal.to_json()["cancelled"][0]["candidate"] == "Ada"

    assert admin.send_removal_emails(settings, removal) == 2
    ada = inbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert subject(ada) == "Votre café avec Léa : toutes nos excuses"
    words = body(ada)
    assert "Léa ne peut finalement pas assurer votre café" in words
    assert "Voici d'autres créneaux libres" in words
    assert "/meetings/manage/" in words
    bob = inbox.wait_for(lambda m: m["To"] == "bob@example.org")
    assert subject(bob) == "Your coffee with Léa: our apologies"
    host = inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    assert "annulé" in subject(host)
    inbox.wait_for(lambda m: m["To"] == "recruiting@ardoise.test")
    with transaction(meetings_url) as session:
        (entry,) = entries(session=session, target="ambassador:lea")
    assert entry.action == "ambassador.deactivated"
    assert entry.detail["kept"] == [] and len(entry.detail["cancelled"]) == 2


def admin_problems(url: str) -> list[Problem]:
    """Every problem code the ambassadors' service raises, on any migrated database (for the
    catalogue's check in tests/web/test_problem_texts.py): seeds the default ambassadors
    and books Léa's first slot when she is not there yet."""
    with transaction(url) as session:
        if session.get(Ambassador, "lea") is None:
            seed_ambassadors(session=session, defaults=load_defaults())
            fresh = True
        else:
            fresh = False
    if fresh:
        booker(url)("lea-20261201T0900", email="problems@example.org")
    found: list[Problem] = []
    for data, who in (
        ({"name": "<b>x</b>", "windows": ["x"], "topics": [str(n) for n in range(20)]}, None),
        ({"email": "x", "cap": 0, "team": "x", "active": "x", "y": 1}, "lea"),
    ):
        try:
            save(url, data, who)
        except admin.AmbassadorError as error:
            found += error.errors.values()
    try:
        pause(url, "lea", {"first_day": "2026-01-01", "last_day": "2027-06-01"})
    except admin.AmbassadorError as error:
        found += error.errors.values()
    for wrong in (
        lambda: save(url, {}, "nobody"),
        lambda: remove_pause_of(url, "lea", 999),
        lambda: remove(url, "lea"),
    ):
        try:
            wrong()
        except (admin.AmbassadorNotFound, admin.PauseNotFound, admin.UpcomingCoffees) as error:
            found.append(error.problem)
    return found


def remove_pause_of(url: str, who: str, pause_id: int) -> None:
    with transaction(url) as session:
        admin.remove_pause(session=session, ambassador_id=who, pause_id=pause_id, author="H")


def test_the_new_codes_are_produced_and_read_in_french(db_url):
    found = admin_problems(db_url)
    new = {
        "window_not_weekly",
        "not_an_email",
        "too_many_items",
        "pause_too_long",
        "ambassador_not_found",
        "pause_not_found",
        "ambassador_has_upcoming",
    }
    assert new <= {p.code for p in found}
    for problem in found:
        assert problem_text(problem, "fr") != problem_text(problem, "en")
        assert "{" not in problem_text(problem, "fr")
