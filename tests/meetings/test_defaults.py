"""The default ambassadors and coffee rules: the company file's facts, seeded once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.audit import entries
from bot.core.db import transaction
from bot.meetings.defaults import (
    DefaultsFileError,
    load_coffee_rules,
    load_defaults,
    prepare_ambassadors,
)
from bot.meetings.models import Ambassador
from bot.meetings.rules import CoffeeRules

# ../shared/company/ardoise-labs.yml, `ambassadors` (id, role, team, languages, cap, windows)
COMPANY = {
    "lea": ("Léa Moreau", "Staff Engineer", "platform", ["fr", "en"], 2,
            ["tuesday 10:00-12:00", "thursday 14:00-17:00"]),
    "thomas": ("Thomas Nguyen", "Engineering Manager", "product_engineering", ["fr", "en"], 3,
               ["tuesday 14:00-16:00", "thursday 10:00-12:00"]),
    "sofia": ("Sofia Almeida", "Senior Data Scientist", "data_ml", ["en", "pt"], 2,
              ["tuesday 16:00-18:00"]),
    "hugo": ("Hugo Lefebvre", "Mobile Engineer", "mobile", ["fr"], 2, ["thursday 11:00-12:30"]),
    "amina": ("Amina Diallo", "Product Designer", "design", ["fr", "en"], 2,
              ["tuesday 10:00-11:30", "thursday 15:00-16:30"]),
    "julien": ("Julien Bernard", "Customer Success Lead", "customer_success", ["fr"], 2,
               ["thursday 09:30-11:00"]),
    "nora": ("Nora Haddad", "Backend Engineer (former apprentice)", "product_engineering",
             ["fr", "en"], 2, ["tuesday 12:30-13:30", "thursday 12:30-13:30"]),
}  # fmt: skip
TOPICS = {
    "lea": ["Kubernetes", "on-call", "SRE career path"],
    "sofia": ["forecasting", "PyTorch", "working at Ardoise without French"],
    "hugo": ["Kotlin", "the field technicians' app", "Nantes office"],
    "julien": ["customers", "career moves from customer success to product"],
}


def test_the_file_holds_the_company_files_seven_ambassadors():
    ambassadors = {a["id"]: a for a in load_defaults().ambassadors}
    assert list(ambassadors) == list(COMPANY)
    for ident, (name, role, team, languages, cap, windows) in COMPANY.items():
        a = ambassadors[ident]
        assert (a["name"], a["role"], a["team"], a["languages"], a["cap"], a["windows"]) == (
            name,
            role,
            team,
            languages,
            cap,
            windows,
        )
        assert a["email"] is None  # the company file gives no addresses
        assert a["consent"] == (
            "Agreed to have their first name, role, team and topics shown to candidates."
        )
        assert a["bio_fr"] and a["bio_en"] and a["bio_fr"] != a["bio_en"]
    for ident, topics in TOPICS.items():
        assert ambassadors[ident]["topics"] == topics


def test_the_coffee_rules_are_the_company_files_logistics():
    assert load_defaults().coffee == CoffeeRules(
        duration_minutes=30, min_notice_hours=24, horizon_days=14, upcoming_per_candidate=1
    )
    assert load_coffee_rules() == load_defaults().coffee


def test_the_ambassadors_are_seeded_once_into_an_empty_table(db_url):
    with transaction(db_url) as session:
        assert prepare_ambassadors(session=session) == 7
    with transaction(db_url) as session:
        session.get(Ambassador, "hugo").cap = 4  # HR's change survives the next start
    with transaction(db_url) as session:
        assert prepare_ambassadors(session=session) == 0
        rows = session.execute(select(Ambassador).order_by(Ambassador.id)).scalars().all()
        assert [a.id for a in rows] == sorted(COMPANY)
        assert all(a.active for a in rows)
        assert session.get(Ambassador, "hugo").cap == 4
        assert session.get(Ambassador, "lea").first_name == "Léa"
        seeded = [e for e in entries(session=session) if e.action == "ambassadors.seeded"]
        assert len(seeded) == 1


def test_a_broken_file_lists_every_problem(tmp_path):
    path = tmp_path / "ambassadors.yml"
    path.write_text(
        """
coffee: {duration_minutes: 30, min_notice_hours: 24, horizon_days: 0, upcoming_per_candidate: 1}
ambassadors:
  - {id: lea, name: Léa, role: R, team: platform, languages: [fr], topics: [k],
     windows: ["tuesday 12:00-10:00"], cap: 2, bio: {fr: a, en: b}, consent: c}
  - {id: Lea!, name: Léa, role: R, team: platform, languages: [french], topics: [k],
     windows: ["tuesday 10:00-12:00"], cap: 0, bio: {fr: a}, consent: c, email: nope}
""",
        encoding="utf-8",
    )
    with pytest.raises(DefaultsFileError) as raised:
        load_defaults(path)
    assert str(raised.value).splitlines() == [
        "ambassadors.yml: coffee horizon_days must be a number from 1 to 90",
        "ambassadors.yml, ambassador 1: 'tuesday 12:00-10:00' ends before it starts",
        "ambassadors.yml, ambassador 2: id must be lower-case letters, digits, - or _",
        "ambassadors.yml, ambassador 2: languages must be two-letter codes",
        "ambassadors.yml, ambassador 2: cap must be a number from 1 to 50",
        "ambassadors.yml, ambassador 2: email must be an e-mail address or null",
        "ambassadors.yml, ambassador 2: bio: en must be a text",
    ]
