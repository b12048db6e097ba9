"""The recruiters are told when a date passes 80 % and 100 % of its seats: once each per
date (a row per threshold, claimed in a SAVEPOINT), by e-mail and webhook; and migration
0010 that keeps those rows goes up and down and matches the model."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

import bot.events.seat_alerts  # noqa: F401  (registers the table in the metadata compared)
from bot.core.db import Base, transaction
from bot.events.models import Registration
from bot.events.registrations import cancel
from bot.events.seat_alerts import EventSeatAlert, alert_seats, reached, seat_alerts
from bot.ops.schema import alembic_config, upgrade
from bot.records.models import Event
from tests.conftest import make_settings, port
from tests.events.conftest import NOW, OFFICE, add_event, body, subject
from tests.handoff.event_data import set_capacity
from tests.inbox_servers import start_smtp, start_webhook

SMTP, HOOK = port(15529), port(15531)


def alerts_after(url: str, event_id: int) -> list[str]:
    with transaction(url) as session:
        return seat_alerts(session=session, event_id=event_id, now=NOW)


def test_the_thresholds_of_a_date():
    assert reached(19, 25) == [] and reached(20, 25) == [80] and reached(25, 25) == [80, 100]
    assert reached(1, 1) == [80, 100] and reached(0, 0) == []


def test_each_threshold_is_told_once_as_seats_fill(events_url, registered):
    house = add_event(events_url)
    set_capacity(events_url, house, 5)
    messages = []
    for number in range(1, 7):  # 5 seats, then one on the waitlist
        registered(house, email=f"p{number}@example.org", conversation_id=f"c{number}")
        messages.append(alerts_after(events_url, house))
    assert messages[:3] == [[], [], []]
    assert messages[3] == ["Portes ouvertes du 03/12/2026 17:30 : 4/5 places prises (80 %)"]
    assert messages[4] == [
        "Portes ouvertes du 03/12/2026 17:30 : 5/5 places prises (100 %)"
        " — complet, les suivants vont en liste d'attente"
    ]
    assert messages[5] == []
    # a cancellation and a new registration pass 100 % again: told once only
    with transaction(events_url) as session:
        (first,) = session.execute(
            select(Registration.public_id).where(Registration.email == "p1@example.org")
        ).scalars()
    with transaction(events_url) as session:
        cancel(session=session, public_id=first, now=NOW, office_timezone=OFFICE)
    assert alerts_after(events_url, house) == []
    with transaction(events_url) as session:
        rows = session.execute(select(EventSeatAlert.threshold, EventSeatAlert.taken)).all()
    assert sorted(rows) == [(80, 4), (100, 5)]


def test_a_date_filled_at_once_tells_the_full_threshold_only(events_url, registered):
    house = add_event(events_url)
    set_capacity(events_url, house, 1)
    registered(house)
    (message,) = alerts_after(events_url, house)
    assert "1/1 places prises (100 %)" in message
    assert alerts_after(events_url, house) == []


def test_a_cancelled_or_unknown_date_tells_nothing(events_url, registered):
    house = add_event(events_url)
    set_capacity(events_url, house, 1)
    registered(house)
    with transaction(events_url) as session:
        session.get(Event, house).status = "cancelled"
    assert alerts_after(events_url, house) == []
    assert alerts_after(events_url, 999999) == []


def test_the_alert_goes_by_email_and_webhook(tmp_path, events_url, registered):
    controller, mailbox = start_smtp(SMTP)
    server, hooks = start_webhook(HOOK)
    try:
        settings = make_settings(
            tmp_path,
            events_url,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(SMTP),
            NOTIFY_FROM="assistant@ardoise.test",
            NOTIFY_EMAILS="recrutement@ardoise.test",
            NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{HOOK}/hook",
        )
        panel = add_event(events_url, kind="reverse_qa", place_fr=None, place_en=None)
        set_capacity(events_url, panel, 1)
        registered(panel)
        (sent,) = alert_seats(settings, event_id=panel, now=NOW)
        mail = mailbox.wait_for(lambda m: m["To"] == "recrutement@ardoise.test")
        assert subject(mail) == sent and body(mail).strip() == sent
        assert hooks.wait_for(lambda b: "100 %" in b["text"])["text"] == sent
        assert sent.startswith("Questions inversées du 03/12/2026")
        assert alert_seats(settings, event_id=panel, now=NOW) == []
    finally:
        controller.stop()
        server.shutdown()


def test_migration_0010_goes_up_and_down_and_matches_the_model(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in found if "event_seat_alert" in repr(d)] == []
    command.downgrade(alembic_config(url), "0009")
    assert "event_seat_alert" not in inspect(engine).get_table_names()
    upgrade(url)
    assert "event_seat_alert" in inspect(engine).get_table_names()
    engine.dispose()
