"""Open positions found and explained in the conversation: "je cherche un poste backend en
full remote", "anything in data science in Lyon?", "what jobs for a junior designer?".

The request is read for what the records can be filtered by (team, city, remote, level,
contract, a minimum salary: `read_job_wish`), then matched against the positions open
now on their structured fields (HR fills them in): each position found says in one line
why it matches; what cannot be matched is said plainly (no office in that city, no fully
remote position in that team, a level the records do not state). When nothing matches
everything, the closest positions come with what differs. Closed positions never appear.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import replies
from bot.core.community_texts import (
    ALERT,
    COMMUNITY_CITIES,
    JOIN_PHRASES,
    POSITION,
    POSITION_TO_COME,
    TELL_ME,
)
from bot.core.job_texts import (
    CONTRACT_WORDS,
    ENGINEERING_TEAMS,
    ENGINEERING_WORDS,
    FULL_REMOTE_WORDS,
    JOB_CONTRACTS,
    JOB_LEVELS,
    JOB_TEAM_WORDS,
    LEVEL_WORDS,
    OFFICE_CITIES,
    OTHER_CITIES,
    REMOTE_WORDS,
    SEARCH_WORDS,
    SHOWN,
)
from bot.core.meeting_texts import TEAMS
from bot.core.texts import text
from bot.meetings.slots import fold, has_phrase
from bot.records.answers import format_salary
from bot.records.consistency import grouped
from bot.records.models import JobPosition

OPEN_POSITIONS_ARTICLE = "open-positions"
JOB_ARTICLE_PREFIX = "job-"
SALARY = re.compile(r"(?<!\d)(\d{2,3})[\s,.\u00a0\u202f]?(?:k|000)(?!\d)")
FIRST_CHOICE = "choose_article"
TYPO_MIN, TYPO_RATIO = 5, 0.85
EVERY = "any"  # the `team` of the "see every position" button


@dataclass(frozen=True)
class JobWish:
    """What a candidate filters positions by; empty fields: not said."""

    teams: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()  # as written in OFFICE_CITIES / OTHER_CITIES
    remote: str | None = None  # "full" (fully remote) or "any" (some remote work)
    level: str | None = None  # one of LEVEL_WORDS
    contract: str | None = None  # one of CONTRACT_WORDS
    salary: int | None = None  # at least, in euros a year
    every: bool = False  # "see every position": no cut in an unfiltered list

    @property
    def empty(self) -> bool:
        return not (
            self.teams or self.cities or self.remote or self.level or self.contract or self.salary
        )


# Words of the lexicons (single, long enough to tell a typo from another word).
VOCABULARY = frozenset(
    fold(word)
    for word in (
        *(w for names in JOB_TEAM_WORDS.values() for w in names),
        *ENGINEERING_WORDS,
        *(w for names in LEVEL_WORDS.values() for w in names),
        *(w for names in CONTRACT_WORDS.values() for w in names),
        *REMOTE_WORDS,
        *OFFICE_CITIES,
        *OTHER_CITIES,
    )
    if " " not in word and len(word) >= TYPO_MIN
)


def _mended(words: str) -> str:
    """The folded message with a typo in a lexicon word put right ("teletravial",
    "developeur", "desiner"): a close match (difflib ratio >= TYPO_RATIO) of a word not
    in the lexicons, at least TYPO_MIN letters long; other words are left alone."""
    mended = []
    for token in words.split():
        core = token.strip(".,;:!?()\"'")
        if len(core) >= TYPO_MIN and core.isalpha() and core not in VOCABULARY:
            close = difflib.get_close_matches(core, VOCABULARY, n=1, cutoff=TYPO_RATIO)
            if close:
                token = token.replace(core, close[0])
        mended.append(token)
    return " ".join(mended)


def read_job_wish(said: str) -> JobWish:
    """The filters a message names (folded words, whole-word matches, typos mended)."""
    words = _mended(fold(said))
    teams = tuple(
        t for t, names in JOB_TEAM_WORDS.items() if any(has_phrase(words, n) for n in names)
    )
    if not teams and any(has_phrase(words, w) for w in ENGINEERING_WORDS):
        teams = ENGINEERING_TEAMS
    cities = tuple(c for c in (*OFFICE_CITIES, *OTHER_CITIES) if has_phrase(words, fold(c)))
    remote = None
    if any(has_phrase(words, w) for w in FULL_REMOTE_WORDS):
        remote = "full"
    elif any(has_phrase(words, w) for w in REMOTE_WORDS):
        remote = "any"
    level = next(
        (k for k, names in LEVEL_WORDS.items() if any(has_phrase(words, n) for n in names)), None
    )
    contract = next(
        (k for k, names in CONTRACT_WORDS.items() if any(has_phrase(words, n) for n in names)), None
    )
    amounts = [int(m.group(1)) * 1000 for m in SALARY.finditer(words.replace("\u202f", " "))]
    salary = max(amounts) if amounts and max(amounts) >= 20_000 else None
    return JobWish(teams, cities, remote, level, contract, salary)


def wish_from_entities(entities: Mapping[str, Any]) -> JobWish:
    """A button's filters (`/choose_article{"article": "open-positions", "team": ...}`)."""
    team = entities.get("team")
    if team == EVERY:
        return JobWish(every=True)
    return JobWish(teams=(team,) if isinstance(team, str) and team in JOB_TEAM_WORDS else ())


def positions_recorded(*, session: Session) -> bool:
    """Whether HR's records hold positions (else the articles are shown as written)."""
    return session.execute(select(JobPosition.id).limit(1)).first() is not None


def open_position_of(*, session: Session, article_id: str) -> str | None:
    """The open position a position's article describes (its id), if any."""
    if not article_id.startswith(JOB_ARTICLE_PREFIX):
        return None
    return session.execute(
        select(JobPosition.id)
        .where(JobPosition.article_id == article_id, JobPosition.status == "open")
        .order_by(JobPosition.sort_order, JobPosition.id)
        .limit(1)
    ).scalar_one_or_none()


def preselected_job(*, session: Session, said: str) -> str | None:
    """The one open position a request to apply names ("postuler au poste de SRE"), if
    exactly one fits the team it names."""
    wish = read_job_wish(said)
    if not wish.teams:
        return None
    found = search_jobs(session=session, wish=JobWish(teams=wish.teams), language="fr")
    return found.found[0].job.id if found.exact and len(found.found) == 1 else None


def is_job_search(said: str) -> bool:
    """Whether a message searches positions (rather than asks about one position)."""
    words = fold(said)
    return any(has_phrase(words, w) for w in SEARCH_WORDS)


@dataclass
class Found:
    """A position and, in the candidate's language, why it fits and what differs."""

    job: JobPosition
    reasons: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JobResults:
    found: tuple[Found, ...]
    exact: bool  # every position found matches everything asked
    unmatched: tuple[str, ...]
    more: int  # open positions not shown


def _team_name(team: str, language: str) -> str:
    return TEAMS[language].get(team, team)


def _check(job: JobPosition, wish: JobWish, language: str) -> Found:
    """Each criterion asked: a reason when the position meets it, else what differs."""
    found = Found(job)
    if wish.teams:
        if job.team in wish.teams:
            team = _team_name(job.team, language)
            found.reasons.append(text("jobs_reason_team", language, team=team))
        else:
            team = _team_name(job.team, language)
            found.differs.append(text("jobs_differs_team", language, team=team))
    cities = list(job.cities or [])
    remote_from_city = False
    if wish.cities:
        here = [c for c in wish.cities if fold(c) in {fold(x) for x in cities}]
        if here:
            found.reasons.append(text("jobs_reason_city", language, city=here[0]))
        elif job.remote == "full_remote" and (
            far := [c for c in wish.cities if c not in OFFICE_CITIES]
        ):
            # no office there: a fully remote position is the way to work from it
            city = far[0]
            found.reasons.append(text("jobs_reason_remote_city", language, city=city))
            remote_from_city = True
        else:
            shown = text("jobs_or", language).join(cities) if cities else job.location(language)
            found.differs.append(text("jobs_differs_city", language, cities=shown))
    if wish.remote == "full":
        if job.remote == "full_remote":
            if not remote_from_city:  # "fully remote possible from Marseille" says it already
                found.reasons.append(text("jobs_reason_full_remote", language))
        else:
            key = "jobs_differs_on_site" if job.remote == "on_site" else "jobs_differs_remote"
            found.differs.append(text(key, language))
    elif wish.remote == "any":
        if job.remote == "full_remote":
            found.reasons.append(text("jobs_reason_full_remote", language))
        elif job.remote == "hybrid":
            found.reasons.append(text("jobs_reason_hybrid", language))
        elif job.remote == "on_site":
            found.differs.append(text("jobs_differs_on_site", language))
    if wish.level and job.level:
        level = JOB_LEVELS[language][job.level]
        if job.level == wish.level:
            found.reasons.append(text("jobs_reason_level", language, level=level))
        else:
            found.differs.append(text("jobs_differs_level", language, level=level))
    if wish.contract and job.contract:
        contract = JOB_CONTRACTS[language].get(job.contract, job.contract)
        if job.contract == wish.contract:
            found.reasons.append(text("jobs_reason_contract", language, contract=contract))
        else:
            found.differs.append(text("jobs_differs_contract", language, contract=contract))
    if wish.salary:
        high = grouped(job.salary_max, language)
        if job.salary_max >= wish.salary:
            found.reasons.append(text("jobs_reason_salary", language, high=high))
        else:
            found.differs.append(text("jobs_differs_salary", language, high=high))
    return found


def fits(job: JobPosition, wish: JobWish) -> bool:
    """Whether a position meets everything `wish` asks (a facet the position does not
    state is not held against it): the talent community's matching."""
    return not _check(job, wish, "en").differs


def search_jobs(*, session: Session, wish: JobWish, language: str) -> JobResults:
    """The open positions for `wish`: all that match, else the closest (fewest differences)."""
    jobs = list(
        session.execute(
            select(JobPosition)
            .where(JobPosition.status == "open")
            .order_by(JobPosition.sort_order, JobPosition.id)
        ).scalars()
    )
    checked = [_check(job, wish, language) for job in jobs]
    exact = [f for f in checked if not f.differs]
    # A level or contract some positions state: those fit; the others only say nothing.
    silent: dict[str, list[Found]] = {"level": [], "contract": []}
    for facet in silent:
        asked = getattr(wish, facet)
        stated = [f for f in exact if getattr(f.job, facet) == asked]
        if asked and stated:
            silent[facet] = [f for f in exact if getattr(f.job, facet) is None]
            exact = stated
    # Closest first: fewest differences, then the team asked for (what people care most).
    closest = sorted(checked, key=lambda f: (len(f.differs), f.job.team not in wish.teams))
    shown = exact if exact else closest[:3]
    if wish.empty and not wish.every:
        shown = shown[:SHOWN]
    unmatched: list[str] = []
    for city in wish.cities:
        if city not in OFFICE_CITIES:
            unmatched.append(text("jobs_no_office", language, city=city))
    for facet in ("level", "contract"):
        quiet = silent[facet] or [f for f in shown if getattr(f.job, facet) is None]
        if getattr(wish, facet) and quiet:
            titles = ", ".join(f.job.title(language) for f in quiet)
            unmatched.append(text(f"jobs_{facet}_unstated", language, titles=titles))
    more = len(jobs) - len(shown) if wish.empty and not wish.every else 0
    return JobResults(tuple(shown), bool(exact), tuple(unmatched), more)


def _wanted(wish: JobWish, language: str) -> str:
    parts = [_team_name(t, language) for t in wish.teams[:2]]
    parts += list(wish.cities)
    if wish.remote:
        parts.append(
            text(f"jobs_wanted_{'remote' if wish.remote == 'full' else 'any_remote'}", language)
        )
    if wish.level:
        parts.append(JOB_LEVELS[language][wish.level])
    if wish.contract:
        parts.append(JOB_CONTRACTS[language][wish.contract])
    if wish.salary:
        parts.append(text("jobs_wanted_salary", language, amount=grouped(wish.salary, language)))
    return ", ".join(parts)


def job_item(found: Found, language: str, careers_url: str) -> dict[str, Any]:
    """A position as the `jobs` and `pitch` payloads carry it."""
    job = found.job
    return {
        "id": job.id,
        "title": job.title(language),
        "team": job.team,
        "location": job.location(language),
        "remote": job.remote,
        "salary": {"min": job.salary_min, "max": job.salary_max, "currency": "EUR"},
        "url": careers_url,
        "reasons": list(found.reasons),
        "differs": list(found.differs),
    }


@dataclass(frozen=True)
class JobsReply:
    text: str
    buttons: list[dict[str, str]]
    payload: replies.Payload


def jobs_reply(*, session: Session, wish: JobWish, language: str, careers_url: str) -> JobsReply:
    """The text (a line per position, why it fits), buttons and the `jobs` payload."""
    results = search_jobs(session=session, wish=wish, language=language)
    if not results.found:
        return JobsReply(
            text("jobs_none", language),
            [
                {
                    "title": text("answer_check_button", language),
                    "payload": replies.command("request_human"),
                },
                _community_offer(wish, language),
            ],
            replies.jobs([], list(results.unmatched)),
        )
    if results.exact:
        intro = text("jobs_all" if wish.empty else "jobs_found", language)
    else:
        intro = text("jobs_nearest", language, wanted=_wanted(wish, language))
    lines = [intro]
    items = []
    for found in results.found:
        job = found.job
        team = _team_name(job.team, language)
        salary = format_salary(job, language)
        line = text(
            "jobs_line",
            language,
            title=job.title(language),
            team=team,
            location=job.location(language),
            salary=salary,
        )
        why = ", ".join(found.reasons)
        if found.differs:
            differs = text("jobs_differs", language, what=", ".join(found.differs))
            why = f"{why} — {differs}" if why else differs
        lines.append(f"- {line}" + (f"\n  {why[0].upper()}{why[1:]}." if why else ""))
        items.append(job_item(found, language, careers_url))
    lines += list(results.unmatched)
    offer = None if results.exact or wish.empty else _community_offer(wish, language)
    if offer is not None:
        lines.append(text("community_offer", language))
    buttons = [
        {
            "title": text("jobs_more_button", language, title=f.job.title(language)),
            "payload": replies.command(FIRST_CHOICE, {"article": f.job.article_id}),
        }
        for f in results.found[:3]
        if f.job.article_id
    ]
    if wish.empty and not wish.every:
        # Too vague to filter: the list, then one short question (a button per team).
        if results.more:
            lines.append(text("jobs_more", language, count=results.more))
        lines.append(text("jobs_narrow", language))
        buttons = _team_buttons(session, language)
        if results.more:
            every = {"article": OPEN_POSITIONS_ARTICLE, "team": EVERY}
            buttons.append(
                {
                    "title": text("jobs_all_button", language),
                    "payload": replies.command(FIRST_CHOICE, every),
                }
            )
    if offer is not None:
        buttons.append(offer)
    return JobsReply("\n".join(lines), buttons, replies.jobs(items, list(results.unmatched)))


def _community_offer(wish: JobWish, language: str) -> dict[str, str]:
    """The button that opens the talent community's form with the search's wishes."""
    wishes: dict[str, Any] = {
        "teams": [t for t in wish.teams if t in JOB_TEAM_WORDS],
        "locations": [c for c in wish.cities if c in COMMUNITY_CITIES],
        "remote": wish.remote == "full",
    }
    if wish.level:
        wishes["level"] = wish.level
    return {
        "title": text("community_offer_button", language),
        "payload": replies.command("join_community", wishes),
    }


def _team_buttons(session: Session, language: str) -> list[dict[str, str]]:
    """One button per team with open positions: the list narrowed to that team."""
    teams: Sequence[str] = (
        session.execute(
            select(JobPosition.team)
            .where(JobPosition.status == "open")
            .group_by(JobPosition.team)
            .order_by(JobPosition.team)
        )
        .scalars()
        .all()
    )
    return [
        {
            "title": text("jobs_team_button", language, team=_team_name(team, language)),
            "payload": replies.command(
                FIRST_CHOICE, {"article": OPEN_POSITIONS_ARTICLE, "team": team}
            ),
        }
        for team in teams
    ]


def community_request(said: str) -> bool:
    """Whether a typed message asks to join the talent community: to be told of positions
    to come ("prévenez-moi de vos prochaines offres", "put me in your talent pool", "ping
    me when a data role opens"), never a question about the positions open now. The model
    has no intent for it: every action a message can reach checks this first."""
    words = fold(said)
    if any(phrase in words for phrase in JOIN_PHRASES):
        return True
    if not any(re.search(tell, words) for tell in TELL_ME):
        return False
    if re.search(ALERT, words) and re.search(POSITION, words):
        return True
    return any(re.search(pattern, words) for pattern in POSITION_TO_COME)
