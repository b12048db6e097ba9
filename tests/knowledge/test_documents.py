from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.db import transaction
from bot.core.settings import LANGUAGES, PROJECT_ROOT
from bot.knowledge.files import (
    MIN_QUESTIONS,
    KnowledgeFileError,
    load_directory,
    normalize_question,
    write_directory,
)
from bot.knowledge.service import all_docs, import_docs

GOOD_ARTICLE = """
  - id: {id}
    team: people
    tags: [test]
    status: published
    reviewed: 2026-01-15
    related: []
    fr:
      title: Titre {id}
      answer: Réponse {id}.
      questions:
{fr}
    en:
      title: Title {id}
      answer: Answer {id}.
      questions:
{en}
"""


def questions(prefix: str, count: int = MIN_QUESTIONS) -> str:
    return "\n".join(f"        - {prefix} question {n}?" for n in range(count))


def article(article_id: str, **overrides: str) -> str:
    values = {
        "id": article_id,
        "fr": questions(f"fr {article_id}"),
        "en": questions(f"en {article_id}"),
    }
    values.update(overrides)
    return GOOD_ARTICLE.format(**values)


def write(folder: Path, name: str, topic: str, *articles: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"topic: {topic}\narticles:\n" + "".join(articles), encoding="utf-8")
    return path


def problems_of(folder: Path) -> list[str]:
    """The English lines `kb validate` prints, each naming its file and article."""
    with pytest.raises(KnowledgeFileError) as caught:
        load_directory(folder)
    return [str(problem) for problem in caught.value.problems]


def test_default_knowledge_base_is_valid_and_complete(default_docs):
    assert len(default_docs) >= 60
    for doc in default_docs:
        assert set(doc.texts) == set(LANGUAGES), doc.id
        for language, text in doc.texts.items():
            assert len(text.questions) >= MIN_QUESTIONS, (doc.id, language)
            assert text.answer and text.title


def test_valid_folder_loads(tmp_path):
    write(tmp_path, "a.yml", "alpha", article("one"), article("two"))
    docs = load_directory(tmp_path)
    assert [d.id for d in docs] == ["one", "two"]
    assert docs[0].texts["fr"].questions[0] == "fr one question 0?"
    assert str(docs[0].reviewed) == "2026-01-15"


def test_missing_language_names_file_and_article(tmp_path):
    text = article("one").split("    en:")[0]
    path = write(tmp_path, "a.yml", "alpha", text)
    problems = problems_of(tmp_path)
    assert any(str(path) in p and "'one'" in p and "en: missing" in p for p in problems), problems


def test_duplicate_ids_across_files_name_both_files(tmp_path):
    first = write(tmp_path, "a.yml", "alpha", article("same"))
    second = write(
        tmp_path,
        "b.yml",
        "beta",
        article("same", fr=questions("other fr"), en=questions("other en")),
    )
    problems = problems_of(tmp_path)
    assert any(str(second) in p and str(first) in p and "'same'" in p for p in problems), problems


def test_empty_answer_is_refused(tmp_path):
    path = write(
        tmp_path, "a.yml", "alpha", article("one").replace("answer: Answer one.", "answer: ''")
    )
    problems = problems_of(tmp_path)
    assert problems == [f"{path}: #1: article 'one': en: answer is empty"]


def test_too_few_questions_and_shared_question(tmp_path):
    write(tmp_path, "a.yml", "alpha", article("one"), article("three", en=questions("en 3", 3)))
    write(
        tmp_path,
        "b.yml",
        "beta",
        article("two", fr=questions("fr two") + "\n        - FR ONE question 1 ?"),
    )
    problems = problems_of(tmp_path)
    assert any("'three': en: 3 example questions, at least 10 needed" in p for p in problems), (
        problems
    )
    assert any("'two'" in p and "also an example of article 'one'" in p for p in problems), problems


def test_html_unknown_related_bad_yaml_and_bad_id(tmp_path):
    write(
        tmp_path,
        "a.yml",
        "alpha",
        article("one").replace("answer: Answer one.", "answer: <script>alert(1)</script>"),
        article("two").replace("related: []", "related: [nowhere]"),
        article("Bad Id!"),
    )
    (tmp_path / "broken.yml").write_text("topic: x\narticles: [\n", encoding="utf-8")
    problems = "\n".join(problems_of(tmp_path))
    assert "answer contains HTML" in problems
    assert "related 'nowhere' does not exist" in problems
    assert "broken.yml: not valid YAML" in problems
    assert "id 'Bad Id!' must be lowercase" in problems


def test_empty_folder_is_an_error(tmp_path):
    assert "no .yml knowledge files" in problems_of(tmp_path)[0]


def test_import_export_round_trip_is_stable(db_url, default_docs, tmp_path):
    with transaction(db_url) as session:
        import_docs(session=session, docs=default_docs, author="tests")
    with transaction(db_url) as session:
        exported = all_docs(session=session)
    write_directory(tmp_path / "first", exported)
    reloaded = load_directory(tmp_path / "first")
    assert sorted(reloaded, key=lambda d: d.id) == sorted(default_docs, key=lambda d: d.id)
    write_directory(tmp_path / "second", reloaded)
    for path in sorted((tmp_path / "first").glob("*.yml")):
        assert path.read_text() == (tmp_path / "second" / path.name).read_text()


def test_repository_files_are_in_export_format(db_url, default_docs, tmp_path):
    """`kb export` right after `kb import` leaves the repository's files untouched."""
    with transaction(db_url) as session:
        import_docs(session=session, docs=default_docs, author="tests")
        write_directory(tmp_path, all_docs(session=session))
    source = PROJECT_ROOT / "data" / "knowledge"
    assert sorted(p.name for p in tmp_path.glob("*.yml")) == sorted(
        p.name for p in source.glob("*.yml")
    )
    for path in tmp_path.glob("*.yml"):
        assert path.read_text() == (source / path.name).read_text(), path.name


def test_normalize_question_ignores_case_accents_and_punctuation():
    assert normalize_question("  Télétravail ?? ") == normalize_question("teletravail")
    assert normalize_question("What's up") != normalize_question("Whats up")


def test_export_writes_multiline_answers_readably(tmp_path):
    write(
        tmp_path / "in",
        "a.yml",
        "alpha",
        article("one").replace("answer: Answer one.", 'answer: "Intro:\\n- first\\n- second"'),
    )
    docs = load_directory(tmp_path / "in")
    write_directory(tmp_path / "out", docs)
    text = (tmp_path / "out" / "alpha.yml").read_text()
    assert "answer: |-\n" in text and "  Intro:\n" in text and "  - first\n" in text
    assert load_directory(tmp_path / "out") == docs
