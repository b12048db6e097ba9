"""The validators' problem messages in French: every message they produce for a wide set
of bad inputs, on a real database, reads in French; unknown messages pass unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.core.db import transaction
from bot.hr.editing import (
    MAX_QUESTIONS,
    ArticleInvalid,
    EditConflict,
    add_example_question,
    delete_from_editor,
    preview,
    read_article_input,
    read_revision,
    save_from_editor,
)
from bot.hr.problems_fr import TEMPLATES, find_template, french, french_errors, french_problems
from bot.hr.triage import InboxActionInvalid, add_as_example, entry_id, get_entries
from bot.inbox.service import record_question
from bot.knowledge.files import (
    MAX_QUESTION,
    MIN_QUESTIONS,
    ArticleDoc,
    check_collection,
    load_directory,
    parse_file,
)
from bot.records.service import (
    RecordError,
    get_event,
    get_job,
    list_events,
    save_event,
    save_job,
)

# Words that give away an English sentence (checked outside the kept values).
ENGLISH = (
    " is ",
    " must ",
    " the ",
    "empty",
    "needed",
    "already",
    "should",
    " not ",
    " at most",
    " cannot ",
    " does ",
    " has ",
    " with ",
    " and ",
    " or ",
    "required",
    "unknown",
    "missing",
    "expected",
    "longer",
    " needs ",
    " be ",
)
# No validator input reaches it: every problem that makes the article unreadable is
# reported on its own first. Its wording is checked in test_exact_translations.
UNREACHABLE = {"the article could not be read"}

HOUSE = {"kind": "open_house", "date": "2027-01-07"}
JOB = {
    "title_fr": "Ingénieure données",
    "title_en": "Data Engineer",
    "team": "data_ml",
    "location_fr": "Lyon",
    "location_en": "Lyon",
    "salary_min": 50000,
    "salary_max": 62000,
}


def parking(**changes: Any) -> dict[str, Any]:
    """A valid new article, as the browser sends it."""
    data: dict[str, Any] = {
        "id": "parking",
        "topic": "offices",
        "team": "workplace",
        "tags": ["parking"],
        "status": "published",
        "related": ["offices"],
        "links": [{"url": "https://example.org/parking", "fr": "Plan", "en": "Map"}],
        "fr": {
            "title": "Se garer",
            "answer": "Le parking a **20 places**.",
            "questions": [f"parking voiture question {n} ?" for n in range(MIN_QUESTIONS)],
        },
        "en": {
            "title": "Parking",
            "answer": "The office has **20 parking spaces**.",
            "questions": [f"car park question {n}?" for n in range(MIN_QUESTIONS)],
        },
    }
    data.update(changes)
    return data


def with_text(data: dict[str, Any], language: str, **changes: Any) -> dict[str, Any]:
    return {**data, language: {**data[language], **changes}}


def raised(url: str, action: Callable[[Session], object]) -> list[str]:
    """The messages of what `action` raises in its own transaction (rolled back)."""
    with pytest.raises((ValueError, LookupError, EditConflict)) as caught:
        with transaction(url) as session:
            action(session)
    error = caught.value
    if isinstance(error, (ArticleInvalid, InboxActionInvalid)):
        return [e["message"] for e in error.errors]
    if isinstance(error, RecordError):
        return list(error.errors.values())
    return [str(error)]


def editor_messages(url: str, docs: list[ArticleDoc]) -> list[str]:
    """What the article editor says about bad articles (bot.hr.editing)."""
    by_id = {doc.id: doc for doc in docs}
    taken = by_id["remote-work"].texts["fr"].questions[0]
    bad_inputs: list[tuple[Any, str | None]] = [
        ([], None),
        (parking(team=5, tags=[1, "x" * 41], related=[5]), None),
        (parking(team="x" * 65, tags=["t"] * 21), None),
        (parking(related=[f"other-{n}" for n in range(21)]), None),
        (parking(related=["parking", "nope"]), None),
        (with_text(parking(), "fr", questions=[f"q {n}" for n in range(MAX_QUESTIONS + 1)]), None),
        (with_text(parking(), "fr", title=3, answer=4, questions=[5] * MIN_QUESTIONS), None),
        (parking(links="x"), None),
        (parking(links=[{"url": "https://example.org"}] * 11), None),
        (parking(links=["x", {"url": "ftp://example.org"}]), None),
        (parking(links=[{"url": "https://" + "a" * 500, "fr": "x" * 201, "en": 5}]), None),
        (parking(links=[{"url": "https://example.org/a b"}]), None),
        (parking(id="remote-work"), None),
        (parking(id="other"), "remote-work"),
        (parking(id="", topic=""), None),
        (parking(id="Bad ID", topic="Bad Topic"), None),
        (parking(team="", status="gone", tags="x", related="x", reviewed="2026-13-01"), None),
        (with_text(parking(), "fr", title="", answer=""), None),
        (with_text(parking(), "fr", title="x" * 201, answer="x" * 2001), None),
        (with_text(parking(), "en", answer="<b>Parking</b>", questions=["a ?", "b ?"]), None),
        (with_text(parking(), "en", questions="x"), None),
        (
            with_text(
                parking(),
                "fr",
                questions=[
                    "x" * (MAX_QUESTION + 1),
                    taken,
                    *parking()["fr"]["questions"][:-2],
                    "Parking voiture question 0 ?",
                ],
            ),
            None,
        ),
        ({key: value for key, value in parking().items() if key != "fr"}, None),
    ]
    found = []
    for data, article_id in bad_inputs:
        found += raised(url, lambda s, d=data, a=article_id: read_article_input(s, d, article_id=a))
    # someone saved the article since it was opened; an article that never had a revision
    for article_id, expected in (("remote-work", 99), ("nope", 1)):
        found += raised(
            url,
            lambda s, a=article_id, e=expected: save_from_editor(
                s, parking(id=a), article_id=a, author="Zoé", expected_revision=e
            ),
        )
    found += raised(url, lambda s: read_revision(s, "remote-work", 99))
    for still_related in ("remote-work", "hackathon"):  # several referrers, then one
        found += raised(url, lambda s, a=still_related: delete_from_editor(s, a, "Zoé"))
    found += raised(url, lambda s: preview(by_id["remote-work"], "de"))
    return found


def example_messages(url: str, docs: list[ArticleDoc]) -> list[str]:
    """What "add as example" says (bot.hr.editing.add_example_question)."""
    by_id = {doc.id: doc for doc in docs}
    own = by_id["remote-work"].texts["fr"].questions[0]
    other = by_id["offices"].texts["en"].questions[0]
    with transaction(url) as session:
        full = with_text(parking(), "fr", questions=[f"place {n} ?" for n in range(MAX_QUESTIONS)])
        save_from_editor(session, full, article_id=None, author="Zoé", expected_revision=None)
    cases = [
        ("remote-work", "de", "Parking ?"),
        ("remote-work", "fr", "   "),
        ("remote-work", "fr", "x" * (MAX_QUESTION + 1)),
        ("nope", "fr", "Parking ?"),
        ("remote-work", "fr", "?!"),
        ("remote-work", "fr", own),
        ("remote-work", "en", other),
        ("parking", "fr", "Encore une place ?"),
    ]
    found = []
    for article_id, language, question in cases:
        found += raised(
            url,
            lambda s, a=article_id, lang=language, q=question: add_example_question(
                s, a, lang, q, "Zoé"
            ),
        )
    return found


def inbox_messages(url: str) -> list[str]:
    """What the inbox says when its items cannot become an example (bot.hr.triage)."""
    with transaction(url) as session:

        def ask(text: str, language: str = "fr") -> str:
            item = record_question(
                session=session,
                conversation_id="c1",
                text=text,
                language=language,
                reason="no_answer",
            )
            return entry_id("inbox", item.id)

        mixed = [ask("Parking ?"), ask("Parking?", "en")]
        placeholder = [ask("(asked for a recruiter)")]
        known = [ask("On peut télétravailler ?")]
    found = []
    for items in ([], mixed, placeholder, known):
        found += raised(
            url,
            lambda s, i=items: add_as_example(
                session=s, item_ids=i, article_id="remote-work", author="Zoé"
            ),
        )
    found += raised(url, lambda s: get_entries(session=s, item_ids=["inbox:999999", "x"]))
    found += raised(
        url,
        lambda s: record_question(
            session=s, conversation_id="c", text="t", language="fr", reason="bogus"
        ),
    )
    return found


def records_messages(url: str) -> list[str]:
    """What the events and positions forms are told (bot.records)."""
    events = [
        [1],
        {
            "kind": "party",
            "date": "2026-02-30",
            "start_time": "25:00",
            "end_time": "7pm",
            "place_fr": 5,
            "note_fr": "x" * 501,
            "colour": "red",
        },
        {"kind": "open_house", "date": "1999-01-01"},
        {"kind": "open_house", "date": "03/12/2026"},
        {"date": "2027-01-07"},
        {**HOUSE, "end_date": "2027-01-01"},
        {**HOUSE, "end_date": "2027-03-01"},
        {**HOUSE, "end_time": "19:00"},
        {**HOUSE, "start_time": "19:00", "end_time": "18:00"},
        {**HOUSE, "place_en": "Lyon", "note_fr": "Entrée libre"},
        {**HOUSE, "place_fr": "<b>Lyon</b>", "place_en": "a\x07b", "note_fr": "**x**"},
    ]
    jobs = [
        {**JOB, "salary_min": "abc", "salary_max": 5, "sort_order": True},
        {**JOB, "salary_min": 60000, "salary_max": 50000},
        {**JOB, "article_id": "Not An Id"},
        {**JOB, "article_id": "nope-nope", "salary_note_fr": "brut"},
        {**JOB, "team": "finance"},
        {"title_fr": ""},
    ]
    found = []
    for data in events:
        found += raised(url, lambda s, d=data: save_event(session=s, data=d, author="Zoé"))
    for data in jobs:
        found += raised(url, lambda s, d=data: save_job(session=s, data=d, author="Zoé"))
    found += raised(url, lambda s: get_event(session=s, event_id=999))
    found += raised(url, lambda s: get_job(session=s, job_id="nope"))
    found += raised(url, lambda s: list_events(session=s, upcoming_only=True))
    return found


def file_messages(folder: Path, docs: list[ArticleDoc]) -> list[str]:
    """What `kb validate` / `kb import` say about knowledge files (bot.knowledge.files)."""
    found: list[str] = []
    empty = folder / "empty"
    empty.mkdir()
    with pytest.raises(ValueError) as caught:
        load_directory(empty)
    found.append(str(caught.value))
    (folder / "folder.yml").mkdir()
    files = {
        "yaml.yml": "topic: [",
        "shape.yml": "articles: 3",
        "topic.yml": "topic: Bad Topic\narticles: []",
        "articles.yml": (
            "topic: offices\n"
            "articles:\n"
            "  - just a text\n"
            "  - {id: Bad ID}\n"
            "  - {id: parking, team: workplace, links: x}\n"
            "  - {id: garage, team: workplace, links: [{url: ftp://example.org}]}\n"
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    for path in sorted(folder.glob("*.yml")):
        parse_file(path, found)
    first, second = docs[0], docs[1]
    twin = replace(second, id="twin", related=("nope", "twin"), source="twin.yml")
    found += check_collection([*docs, replace(first, source="copy.yml"), twin])
    return found


@pytest.fixture
def produced(kb_url: str, default_docs: list[ArticleDoc], tmp_path: Path) -> list[str]:
    """Every message the validators gave for the bad inputs above."""
    messages = (
        editor_messages(kb_url, default_docs)
        + example_messages(kb_url, default_docs)
        + inbox_messages(kb_url)
        + records_messages(kb_url)
        + file_messages(tmp_path, default_docs)
    )
    return [line for message in messages for line in message.split("\n")]


def english_words(message: str) -> list[str]:
    """The giveaway English words in the French wording, outside the values it keeps."""
    found = find_template(message)
    assert found is not None, f"no template for {message!r}"
    prefix, template, match = found
    wording = french(message)[len(prefix) :]
    wording = re.sub(r"« [^»]* »", "«…»", wording)
    for value in match.groupdict().values():
        if value and len(value) > 3:
            wording = wording.replace(value, "…")
    return [word for word in ENGLISH if word in f" {wording} "]


def test_every_message_the_validators_produce_reads_in_french(produced):
    assert len(produced) > 150
    for message in produced:
        assert french(message) != message, message
        assert english_words(message) == [], (message, french(message))


def test_every_template_is_produced_by_a_validator(produced):
    used = set()
    for message in produced:
        found = find_template(message)
        assert found is not None, message
        used.add(found[1])
    missing = [t.english.pattern for t in TEMPLATES if t not in used]
    assert missing == sorted(UNREACHABLE)


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("answer is empty", "la réponse est vide"),
        (
            "answer contains HTML; use **bold**, '- ' lists and [label](url)",
            "la réponse contient du HTML : utilisez **gras**, des listes « - » et "
            "[libellé](https://…)",
        ),
        (
            "3 example questions, at least 10 needed",
            "3 questions d'exemple seulement : il en faut au moins 10",
        ),
        (
            "1 example questions, at least 10 needed",
            "1 question d'exemple seulement : il en faut au moins 10",
        ),
        (
            "'On peut télétravailler ?' is already an example question of article 'remote-work'",
            "« On peut télétravailler ? » est déjà une question d'exemple de l'article "
            "« remote-work »",
        ),
        (
            '"C\'est où ?" is already an example question of this article',
            "« C'est où ? » est déjà une question d'exemple de cet article",
        ),
        (
            "data/knowledge/offices.yml: #2: article 'parking': fr: title is empty",
            "data/knowledge/offices.yml: #2: article 'parking': fr: le titre est vide",
        ),
        ("must be between 1,000 and 1,000,000", "doit être compris entre 1 000 et 1 000 000"),
        (
            "is needed in English too (or leave both languages empty)",
            "doit aussi être rempli en anglais (ou laissez les deux langues vides)",
        ),
        (
            "missing (every article needs fr and en)",
            "texte manquant : chaque article doit être rédigé en français et en anglais",
        ),
        (
            "article 'remote-work' was updated by Zoé at 2026-12-01 09:30 (revision 4) "
            "since you opened revision 3; reload it and apply your changes again",
            "l'article « remote-work » a été modifié par Zoé le 2026-12-01 à 09:30 "
            "(révision 4) depuis que vous avez ouvert la révision 3 : rechargez-le et "
            "refaites vos modifications",
        ),
        (
            "articles equity list this article as related; remove it there first",
            "l'article equity cite cet article parmi ses articles liés : "
            "retirez-le d'abord de cet article",
        ),
        ("must be one of: open, closed", "doit être l'une des valeurs suivantes : open, closed"),
        ("the article could not be read", "l'article n'a pas pu être lu"),
        ("is required", "est obligatoire"),
    ],
)
def test_exact_translations(english, expected):
    assert french(english) == expected


@pytest.mark.parametrize(
    "message",
    [
        "",
        "something went wrong",
        "answer is empty!",
        "Answer is empty",
        "the article has problems",
        "a: b: c",
        "'unterminated is already an example question of this article",
    ],
)
def test_an_unknown_message_passes_unchanged(message):
    assert french(message) == message


def test_lists_and_dicts_of_problems_keep_everything_but_the_wording():
    problems = [
        {"field": "fr.answer", "message": "answer is empty", "extra": 1},
        {"field": "", "message": "something new"},
        {"field": "x"},
    ]
    assert french_problems(problems) == [
        {"field": "fr.answer", "message": "la réponse est vide", "extra": 1},
        {"field": "", "message": "something new"},
        {"field": "x"},
    ]
    assert problems[0]["message"] == "answer is empty"  # the input is left alone
    assert french_errors({"date": "is required", "end_time": "needs a start time"}) == {
        "date": "est obligatoire",
        "end_time": "il faut aussi une heure de début",
    }
