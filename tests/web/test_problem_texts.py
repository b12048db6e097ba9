"""The validators' problem codes: every code is worded in French and English, the real
validators (on a real database) raise each one with its values, and HR reads them in
French through the workspace's helpers, with nothing left in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.core.db import transaction
from bot.core.problem_texts import PROBLEMS, Problem, problem_text
from bot.core.texts import problem_text as text_module_problem_text
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
from bot.hr.triage import InboxActionInvalid, add_as_example, entry_id
from bot.hr.views.problems import french, french_errors, french_problems
from bot.inbox.service import record_question
from bot.knowledge.files import (
    MAX_QUESTION,
    MIN_QUESTIONS,
    ArticleDoc,
    KnowledgeFileError,
    check_collection,
    load_directory,
    parse_file,
)
from bot.records.service import RecordError, get_event, get_job, save_event, save_job
from tests.handoff.test_canned import canned_problems
from tests.meetings.test_admin import admin_problems

# Words that give away an English sentence (checked outside the values a sentence keeps).
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
# reported on its own first. Its wording is checked in test_the_french_sentences_hr_reads.
UNREACHABLE = {"article_unreadable"}

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


def raised(url: str, action: Callable[[Session], object]) -> list[Problem]:
    """The problems of what `action` raises in its own transaction (rolled back)."""
    with pytest.raises((ValueError, LookupError, EditConflict)) as caught:
        with transaction(url) as session:
            action(session)
    error = caught.value
    if isinstance(error, ArticleInvalid | InboxActionInvalid):
        return list(error.errors)
    if isinstance(error, RecordError):
        return list(error.errors.values())
    if isinstance(error, KnowledgeFileError):
        return list(error.problems)
    problem = getattr(error, "problem", None)
    assert isinstance(problem, Problem), f"{type(error).__name__} carries no problem: {error}"
    return [problem]


def editor_problems(url: str, docs: list[ArticleDoc]) -> list[Problem]:
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
        found += raised(
            url, lambda s, d=data, a=article_id: read_article_input(session=s, data=d, article_id=a)
        )
    # someone saved the article since it was opened; an article that never had a revision
    for article_id, expected in (("remote-work", 99), ("nope", 1)):
        found += raised(
            url,
            lambda s, a=article_id, e=expected: save_from_editor(
                session=s, data=parking(id=a), article_id=a, author="Zoé", expected_revision=e
            ),
        )
    found += raised(url, lambda s: read_revision(session=s, article_id="remote-work", number=99))
    for still_related in ("remote-work", "hackathon"):  # several referrers, then one
        found += raised(
            url,
            lambda s, a=still_related: delete_from_editor(session=s, article_id=a, author="Zoé"),
        )
    found += raised(url, lambda s: preview(by_id["remote-work"], "de"))
    return found


# A question of the retraining gate (data/heldout/gate.yml), one word added.
GATE_QUESTION = "Quel est l'effectif actuel total d'Ardoise Labs ?"


def example_problems(url: str, docs: list[ArticleDoc]) -> list[Problem]:
    """What "add as example" says (bot.hr.editing.add_example_question)."""
    by_id = {doc.id: doc for doc in docs}
    own = by_id["remote-work"].texts["fr"].questions[0]
    other = by_id["offices"].texts["en"].questions[0]
    with transaction(url) as session:
        full = with_text(parking(), "fr", questions=[f"place {n} ?" for n in range(MAX_QUESTIONS)])
        save_from_editor(
            session=session, data=full, article_id=None, author="Zoé", expected_revision=None
        )
    cases = [
        ("remote-work", "de", "Parking ?"),
        ("remote-work", "fr", "   "),
        ("remote-work", "fr", "x" * (MAX_QUESTION + 1)),
        ("nope", "fr", "Parking ?"),
        ("remote-work", "fr", "?!"),
        ("remote-work", "fr", own),
        ("remote-work", "en", other),
        ("parking", "fr", "Encore une place ?"),
        ("remote-work", "fr", GATE_QUESTION),
    ]
    found = []
    for article_id, language, question in cases:
        found += raised(
            url,
            lambda s, a=article_id, lang=language, q=question: add_example_question(
                session=s, article_id=a, language=lang, question=q, author="Zoé"
            ),
        )
    return found


def records_problems(url: str) -> list[Problem]:
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
        {**JOB, "cities": {"Lyon": 1}, "remote": "moon", "languages": ["de"]},
    ]
    found = []
    for data in events:
        found += raised(url, lambda s, d=data: save_event(session=s, data=d, author="Zoé"))
    for data in jobs:
        found += raised(url, lambda s, d=data: save_job(session=s, data=d, author="Zoé"))
    found += raised(url, lambda s: get_event(session=s, event_id=999))
    found += raised(url, lambda s: get_job(session=s, job_id="nope"))
    return found


def file_problems(folder: Path, docs: list[ArticleDoc]) -> list[Problem]:
    """What `kb validate` / `kb import` say about knowledge files (bot.knowledge.files)."""
    found: list[Problem] = []
    empty = folder / "empty"
    empty.mkdir()
    with pytest.raises(KnowledgeFileError) as caught:
        load_directory(empty)
    found += caught.value.problems
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
def produced(kb_url: str, default_docs: list[ArticleDoc], tmp_path: Path) -> list[Problem]:
    """Every problem the validators raised for the bad inputs above."""
    return (
        editor_problems(kb_url, default_docs)
        + example_problems(kb_url, default_docs)
        + records_problems(kb_url)
        + file_problems(tmp_path, default_docs)
        + inbox_problems(kb_url)
        + web_problems()
        + admin_problems(kb_url)
        + canned_problems(kb_url)
    )


def web_problems() -> list[Problem]:
    """What the web server tells a crafted request or a throttled sign-in (bot.staff)."""
    from bot.staff.gate import CONTROL_CHARACTER, date_problem
    from bot.staff.throttle import SignInLocked
    from bot.staff.views import BUSY, locked_problem

    return [date_problem(), CONTROL_CHARACTER, BUSY, locked_problem(SignInLocked(90))]


def english_words(problem: Problem) -> list[str]:
    """The giveaway English words in the French wording, outside the values it keeps."""
    wording = re.sub(r"« [^»]* »", "«…»", problem_text(problem, "fr"))
    for value in problem.values.values():
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, str) and len(part) > 3:
                wording = wording.replace(part, "…")
    return [word for word in ENGLISH if word in f" {wording} "]


def without_values(wording: str, problem: Problem) -> str:
    """The wording with the texts of the problem's values taken out."""
    for value in problem.values.values():
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, str) and part:
                wording = wording.replace(part, "")
    return wording


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_every_code_has_a_french_and_an_english_wording(code):
    entry = PROBLEMS[code]
    assert set(entry) - {"plural"} == {"fr", "en"}
    for language in ("fr", "en"):
        wording = entry[language]
        if isinstance(wording, dict):  # singular and plural, chosen by a value
            assert set(wording) == {"one", "other"} and "plural" in entry, code
            assert all(isinstance(w, str) and w for w in wording.values()), code
        else:
            assert isinstance(wording, str) and wording, code


def test_every_problem_the_validators_produce_reads_in_french(produced):
    assert len(produced) > 150
    for problem in produced:
        french_text, english_text = problem_text(problem, "fr"), problem_text(problem, "en")
        assert french_text != english_text, problem
        # no placeholder left unfilled (a value may hold braces: "{candidat}" names one)
        for wording in (french_text, english_text):
            assert "{" not in without_values(wording, problem), problem
        assert english_words(problem) == [], (problem, french_text)


def test_every_code_is_produced_by_a_validator(produced):
    used = {problem.code for problem in produced}
    assert used <= set(PROBLEMS)
    assert sorted(set(PROBLEMS) - used) == sorted(UNREACHABLE)


def inbox_problems(kb_url: str) -> list[Problem]:
    """What HR's inbox says when a question cannot become an example (bot.hr.triage)."""
    with transaction(kb_url) as session:

        def ask(text: str, language: str = "fr", reason: str = "no_answer") -> str:
            item = record_question(
                session=session,
                conversation_id="c1",
                text=text,
                language=language,
                reason=reason,
            )
            return entry_id("inbox", item.id)

        mixed = [ask("Parking ?"), ask("Parking?", "en")]
        placeholder = [ask("", reason="human_request")]
    found: list[Problem] = []
    for items in ([], mixed, placeholder):
        found += raised(
            kb_url,
            lambda s, items=items: add_as_example(
                session=s, item_ids=items, article_id="remote-work", author="Z"
            ),
        )
    return found


def test_the_inbox_says_why_a_question_cannot_become_an_example(kb_url):
    shown = french_problems(inbox_problems(kb_url))
    assert shown == [
        {"field": "item_ids", "message": "aucun élément choisi"},
        {
            "field": "item_ids",
            "message": "les éléments choisis ne sont pas tous dans la même langue",
        },
        {
            "field": "question",
            "message": "ces éléments ne contiennent aucune question posée par un candidat",
        },
    ]


def produced_by(url: str, action: Callable[[Session], object]) -> Problem:
    [problem] = raised(url, action)
    return problem


def test_the_french_sentences_hr_reads(kb_url, default_docs):
    by_id = {doc.id: doc for doc in default_docs}
    taken = by_id["remote-work"].texts["fr"].questions[0]

    def editor(data: Any, article_id: str | None = None) -> dict[str, str]:
        with pytest.raises(ArticleInvalid) as caught, transaction(kb_url) as session:
            read_article_input(session=session, data=data, article_id=article_id)
        return {e["field"]: e["message"] for e in french_problems(caught.value.errors)}

    assert editor(with_text(parking(), "fr", answer="")) == {"fr.answer": "la réponse est vide"}
    assert editor(with_text(parking(), "en", answer="<i>x</i>")) == {
        "en.answer": "la réponse contient du HTML : utilisez **gras**, des listes « - » et "
        "[libellé](https://…)"
    }
    assert editor(with_text(parking(), "en", questions=["a ?", "b ?", "c ?"])) == {
        "en.questions": "3 questions d'exemple seulement : il en faut au moins 10"
    }
    assert editor(with_text(parking(), "en", questions=["a ?"])) == {
        "en.questions": "1 question d'exemple seulement : il en faut au moins 10"
    }
    questions = [taken, *parking()["fr"]["questions"][1:]]
    assert editor(with_text(parking(), "fr", questions=questions)) == {
        "fr.questions.0": f"« {taken} » est déjà une question d'exemple de l'article "
        "« remote-work »"
    }
    assert editor({key: value for key, value in parking().items() if key != "en"}) == {
        "en": "texte manquant : chaque article doit être rédigé en français et en anglais"
    }
    assert editor(parking(id="Bad ID", topic="Bad Topic")) == {
        "id": "uniquement des lettres minuscules, des chiffres et des tirets, "
        "64 caractères au maximum",
        "topic": "une clé courte en minuscules, par exemple « remote »",
    }
    conflict = produced_by(
        kb_url,
        lambda s: save_from_editor(
            session=s,
            data=parking(id="remote-work"),
            article_id="remote-work",
            author="Z",
            expected_revision=9,
        ),
    )
    values = conflict.values
    assert french(conflict) == (
        f"l'article « remote-work » a été créé par {values['author']} le {values['day']} à "
        f"{values['time']} (révision 1) depuis que vous avez ouvert la révision 9 : "
        "rechargez-le et refaites vos modifications"
    )
    for target in ("remote-work", "hackathon"):
        referrers = sorted(d.id for d in default_docs if target in d.related)
        still = produced_by(
            kb_url, lambda s, a=target: delete_from_editor(session=s, article_id=a, author="Z")
        )
        if len(referrers) == 1:
            assert french(still) == (
                f"l'article {referrers[0]} cite cet article parmi ses articles liés : "
                "retirez-le d'abord de cet article"
            )
        else:
            assert french(still) == (
                f"les articles {', '.join(referrers)} citent cet article parmi leurs articles "
                "liés : retirez-le d'abord de ces articles"
            )
    assert french(produced_by(kb_url, lambda s: preview(by_id["remote-work"], "de"))) == (
        "l'article n'a pas de texte en « de »"
    )
    assert french(Problem("article_unreadable")) == "l'article n'a pas pu être lu"
    assert french(Problem("question_already_here", {"question": "C'est où ?"})) == (
        "« C'est où ? » est déjà une question d'exemple de cet article"
    )


def test_the_french_sentences_of_the_records_forms(kb_url):
    def record(save: Callable[..., object], data: dict[str, Any]) -> dict[str, str]:
        with pytest.raises(RecordError) as caught, transaction(kb_url) as session:
            save(session=session, data=data, author="Z")
        return french_errors(caught.value.errors)

    assert record(save_job, {**JOB, "salary_max": 10**9}) == {
        "salary_max": "doit être compris entre 1 000 et 1 000 000"
    }
    assert record(save_job, {**JOB, "status": "filled"}) == {
        "status": "doit être l'une des valeurs suivantes : open, closed"
    }
    assert record(save_event, {**HOUSE, "place_fr": "Lyon"}) == {
        "place_en": "doit aussi être rempli en anglais (ou laissez les deux langues vides)"
    }
    assert record(save_event, {"date": "2027-01-07"}) == {"kind": "est obligatoire"}
    assert record(save_event, {**HOUSE, "date": "2000-01-01", "colour": "red"}) == {
        "colour": "champ inconnu",
    }
    assert french(produced_by(kb_url, lambda s: get_event(session=s, event_id=999))) == (
        "l'événement 999 n'existe pas"
    )
    assert french(produced_by(kb_url, lambda s: get_job(session=s, job_id="nope"))) == (
        "le poste « nope » n'existe pas"
    )


def test_developers_read_english_with_the_file_and_article(tmp_path):
    path = tmp_path / "offices.yml"
    path.write_text(
        "topic: offices\narticles:\n  - {id: parking, team: workplace, fr: {title: ''}}\n",
        encoding="utf-8",
    )
    found: list[Problem] = []
    parse_file(path, found)
    title = next(p for p in found if p.code == "title_empty")
    assert (title.field, title.where) == ("fr.title", f"{path}: #1: article 'parking': fr")
    assert str(title) == f"{path}: #1: article 'parking': fr: title is empty"
    assert problem_text(title, "fr") == "le titre est vide"
    assert str(KnowledgeFileError(found)).splitlines()[0] == str(found[0])


def test_exceptions_say_english_and_carry_their_problem(kb_url):
    with pytest.raises(RecordError) as caught, transaction(kb_url) as session:
        save_job(session=session, data={**JOB, "salary_max": 10**9}, author="Z")
    assert str(caught.value) == "salary_max: must be between 1,000 and 1,000,000"
    conflict = produced_by(
        kb_url,
        lambda s: save_from_editor(
            session=s, data=parking(id="nope"), article_id="nope", author="Z", expected_revision=1
        ),
    )
    assert str(conflict) == (
        "article 'nope' has no revision yet since you opened revision 1; "
        "reload it and apply your changes again"
    )


def test_the_workspace_helpers_keep_their_shapes(kb_url):
    with pytest.raises(ArticleInvalid) as caught, transaction(kb_url) as session:
        read_article_input(session=session, data=parking(team="", links=["x"]), article_id=None)
    shown = french_problems(caught.value.errors)
    assert shown == [
        {"field": "links.0", "message": "doit être un objet avec url, fr et en"},
        {"field": "team", "message": "l'équipe n'est pas renseignée"},
    ]
    # an exception without a problem keeps its own text
    assert french(LookupError("no such row")) == "no such row"
    assert french_errors({"kind": Problem("is_required", field="kind")}) == {
        "kind": "est obligatoire"
    }


def test_the_texts_module_renders_problems_in_both_languages():
    problem = Problem("too_few_questions", {"count": 0, "minimum": 10}, field="fr.questions")
    assert text_module_problem_text(problem, "fr") == (
        "0 question d'exemple seulement : il en faut au moins 10"
    )
    assert problem.text("en") == "0 example questions, at least 10 needed"
    assert problem_text(problem, "de") == problem.text("en")  # no German: developers' English
