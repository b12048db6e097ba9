"""What the conversation asks of team coffees: who fits a request, and which slots to offer.

A candidate's words say which team (or kind of work, or topic) they want to meet:
`read_wish` finds it, or returns None so the assistant asks one short question.
`propose` picks up to three hosts who fit, preferring those who speak the
conversation's language, and a few of their free slots spread over different days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.models import Ambassador
from bot.meetings.rules import CoffeeRules
from bot.meetings.slots import HOSTS_SHOWN, Slot, fold, free_slots, has_phrase

ANY_TEAM = "any"
ENGINEERING = ("platform", "product_engineering", "data_ml", "mobile")
# Words (folded: lower case, no accents) that name a team, in French and English.
TEAM_WORDS: dict[str, tuple[str, ...]] = {
    "platform": (
        "plateforme",
        "platform",
        "infra",
        "infrastructure",
        "sre",
        "devops",
        "ops",
        "kubernetes",
        "k8s",
        "cloud",
        "astreinte",
        "astreintes",
        "on-call",
        "on call",
    ),
    "data_ml": (
        "data",
        "donnees",
        "ml",
        "machine learning",
        "ia",
        "ai",
        "data scientist",
        "data engineer",
        "data science",
        "intelligence artificielle",
        "forecasting",
    ),
    "product_engineering": (
        "produit",
        "product",
        "backend",
        "back-end",
        "frontend",
        "front-end",
        "front",
        "back",
        "fullstack",
        "full-stack",
        "full stack",
        "squad",
        "squads",
        "web",
    ),
    "mobile": ("mobile", "ios", "android", "kotlin", "swift", "appli", "app mobile"),
    "design": ("design", "designer", "designers", "ux", "ui", "designeuse", "research"),
    "customer_success": (
        "customer success",
        "success",
        "client",
        "clients",
        "customer",
        "customers",
        "support",
    ),
}
# Words for "someone technical" without a team: the engineering teams.
ENGINEERING_WORDS = (
    "engineer",
    "engineers",
    "ingenieur",
    "ingenieurs",
    "ingenieure",
    "dev",
    "devs",
    "developpeur",
    "developpeurs",
    "developpeuse",
    "developer",
    "developers",
    "tech",
    "technique",
    "technical",
    "codeur",
    "coder",
    "programmer",
    "engineering",
    "ingenierie",
)
# Words of a wish to meet someone, and of the someone (folded), for a request the model
# did not read as one (`meeting_request`).
MEETING_VERBS = (
    "rencontrer",
    "rencontre",
    "parler",
    "discuter",
    "echanger",
    "echange",
    "papoter",
    "cafe",
    "coffee",
    "meet",
    "meeting",
    "talk",
    "chat",
    "speak",
    "visio",
)
PEOPLE_WORDS = (
    "membre",
    "membres",
    "salarie",
    "salaries",
    "salariee",
    "employe",
    "employes",
    "employee",
    "employees",
    "collaborateur",
    "collaborateurs",
    "collaboratrice",
    "quelqu'un",
    "quelqu un",
    "qqn",
    "someone",
    "somebody",
    "member",
    "members",
    "staff",
    "people",
    "person",
    "personne",
    "equipe",
    "equipes",
    "team",
    "teams",
)
NOT_A_MEETING = ("recrut", "recruit", "rh ", "hr ", "entretien", "interview")
# Articles about a team: answering one offers a coffee with that team (ANY_TEAM: ask which).
ARTICLE_TEAMS: dict[str, str] = {
    "team-platform": "platform",
    "on-call": "platform",
    "team-data-ml": "data_ml",
    "team-product-engineering": "product_engineering",
    "team-mobile": "mobile",
    "team-design": "design",
    "teams-overview": ANY_TEAM,
    "team-coffee": ANY_TEAM,
    "ambassadors": ANY_TEAM,
}
SLOTS_PER_HOST = 2
MIN_SLOTS = 3
TOPIC_MIN_CHARS = 4


@dataclass(frozen=True)
class Wish:
    """Whom the candidate wants to meet: some teams (None: any team) and maybe a topic."""

    teams: tuple[str, ...] | None
    topic: str | None = None


def wish_for_team(team: object) -> Wish | None:
    """The wish behind a button's `team` ("any" or a team id), None when it is neither."""
    if team == ANY_TEAM:
        return Wish(None)
    if isinstance(team, str) and team in TEAM_WORDS:
        return Wish((team,))
    return None


def read_wish(text: str, *, topics: Sequence[str] = ()) -> Wish | None:
    """The team(s) or topic a candidate's message names; None when nothing does.

    `topics`: the ambassadors' topics ("Kubernetes", "parental leave"), matched whole.
    """
    words = fold(text)
    topic = next(
        (t for t in topics if len(fold(t)) >= TOPIC_MIN_CHARS and has_phrase(words, fold(t))), None
    )
    teams = tuple(
        team for team, names in TEAM_WORDS.items() if any(has_phrase(words, n) for n in names)
    )
    if teams:
        return Wish(teams, topic)
    if any(has_phrase(words, word) for word in ENGINEERING_WORDS):
        return Wish(ENGINEERING, topic)
    if topic is not None:
        return Wish(None, topic)
    return None


def meeting_request(text: str) -> bool:
    """Whether a message asks to meet someone who works here (a verb of meeting and a
    person or a team), and not a recruiter or an interview: what the assistant checks
    when the model found no article to answer with."""
    words = fold(text)
    if any(word in words for word in NOT_A_MEETING):
        return False
    if not any(has_phrase(words, verb) for verb in MEETING_VERBS):
        return False
    people = PEOPLE_WORDS + ENGINEERING_WORDS
    return read_wish(text) is not None or any(has_phrase(words, word) for word in people)


# Asking for a person of the company's side of hiring: never turned into a coffee.
HUMAN_WORDS = (
    "rh",
    "hr",
    "ressources humaines",
    "human resources",
    "humain",
    "human",
    "vrai personne",
    "real person",
    "recruteur",
    "recruteuse",
    "recruiter",
    "manager",
)


def colleague_request(text: str) -> bool:
    """Whether a message asks to talk with someone of a trade or a team ("a backend
    developer", "quelqu'un de l'équipe data"), not with a recruiter, HR or a human at
    large: a team coffee, even where the model read it as asking for a human."""
    words = fold(text)
    if any(word in words for word in NOT_A_MEETING) or any(
        has_phrase(words, word) for word in HUMAN_WORDS
    ):
        return False
    if not any(has_phrase(words, verb) for verb in MEETING_VERBS):
        return False
    wish = read_wish(text)
    return wish is not None and wish.teams is not None and "people" not in wish.teams


def all_topics(*, session: Session) -> list[str]:
    """Every active ambassador's topics (what `read_wish` may recognise)."""
    found: list[str] = []
    for topics in session.execute(
        select(Ambassador.topics).where(Ambassador.active.is_(True))
    ).scalars():
        found.extend(str(t) for t in topics or [])
    return found


def active_teams(*, session: Session) -> list[str]:
    """The teams that have an active ambassador, in the order of TEAM_WORDS."""
    present = set(
        session.execute(select(Ambassador.team).where(Ambassador.active.is_(True))).scalars()
    )
    return [team for team in TEAM_WORDS if team in present] + sorted(present - set(TEAM_WORDS))


@dataclass(frozen=True)
class Proposal:
    """Hosts and slots to offer. `other_language`: none of them speaks the conversation's
    language (the reply says which languages they speak)."""

    hosts: tuple[Ambassador, ...]
    slots: tuple[Slot, ...]
    other_language: bool = False


def _spread(slots: Sequence[Slot], office_timezone: str, count: int) -> list[Slot]:
    """Up to `count` slots on different days first, earliest first."""
    chosen: list[Slot] = []
    days: set[dt.date] = set()
    for slot in slots:
        day = slot.start_in(office_timezone).date()
        if day not in days:
            chosen.append(slot)
            days.add(day)
        if len(chosen) == count:
            return chosen
    for slot in slots:
        if slot not in chosen:
            chosen.append(slot)
        if len(chosen) == count:
            break
    return sorted(chosen, key=lambda s: s.start_utc)


def _pick(slots: Sequence[Slot], office_timezone: str, limit: int) -> tuple[list[str], list[Slot]]:
    by_host: dict[str, list[Slot]] = {}
    for slot in slots:  # earliest first: hosts come in the order of their next slot
        by_host.setdefault(slot.ambassador_id, []).append(slot)
    hosts = list(by_host)[:limit]
    per_host = SLOTS_PER_HOST
    while True:
        chosen = [s for h in hosts for s in _spread(by_host[h], office_timezone, per_host)]
        if len(chosen) >= MIN_SLOTS or per_host >= MIN_SLOTS:
            break
        per_host += 1
    chosen.sort(key=lambda s: (s.start_utc, s.ambassador_id))
    return hosts, chosen


def propose(
    *,
    session: Session,
    wish: Wish,
    language: str,
    now: dt.datetime,
    office_timezone: str,
    rules: CoffeeRules | None = None,
    exclude: Sequence[str] = (),
    limit: int = HOSTS_SHOWN,
) -> Proposal:
    """Up to `limit` hosts who fit the wish, with free slots (at least three when they
    have them). Hosts who speak `language` first; others only when no one who does has
    a free slot. A topic narrows the hosts when some of them have it. `exclude`: slot
    ids not to offer again (the one just taken, the one a coffee is moving from)."""
    query = select(Ambassador).where(Ambassador.active.is_(True))
    if wish.teams is not None:
        query = query.where(Ambassador.team.in_(list(wish.teams)))
    ambassadors = list(session.execute(query.order_by(Ambassador.id)).scalars())
    if wish.topic:
        on_topic = [
            a for a in ambassadors if any(fold(wish.topic) in fold(str(t)) for t in a.topics or [])
        ]
        ambassadors = on_topic or ambassadors
    speakers = [a for a in ambassadors if language in (a.languages or [])]
    for group, other in ((speakers, False), (ambassadors, True)):
        if not group:
            continue
        slots = [
            s
            for s in free_slots(
                session=session,
                now=now,
                office_timezone=office_timezone,
                rules=rules,
                ambassador_ids=[a.id for a in group],
            )
            if s.id not in exclude
        ]
        if slots:
            host_ids, chosen = _pick(slots, office_timezone, limit)
            by_id = {a.id: a for a in group}
            return Proposal(tuple(by_id[h] for h in host_ids), tuple(chosen), other)
    return Proposal((), ())
