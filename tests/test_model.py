"""A model per training data: same data, same model file; new examples, new model."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.db import transaction
from bot.hr.retraining.model import fingerprint, model_path
from bot.knowledge.models import ArticleText


def edit(url: str, **values) -> None:
    with transaction(url) as session:
        row = session.execute(
            select(ArticleText).where(
                ArticleText.article_id == "dress-code", ArticleText.language == "en"
            )
        ).scalar_one()
        for name, value in values.items():
            setattr(row, name, value)


def test_same_data_same_fingerprint(settings):
    assert fingerprint(settings) == fingerprint(settings)
    assert model_path(settings).name == f"assistant-{fingerprint(settings)}.tar.gz"


def test_editing_an_answer_needs_no_new_model(settings):
    before = fingerprint(settings)
    edit(settings.database_url, answer="Wear what you like.", title="Dress code, or not")
    assert fingerprint(settings) == before


def test_new_example_questions_need_a_new_model(settings):
    before = fingerprint(settings)
    with transaction(settings.database_url) as session:
        questions = session.execute(
            select(ArticleText.questions).where(
                ArticleText.article_id == "dress-code", ArticleText.language == "en"
            )
        ).scalar_one()
    edit(settings.database_url, questions=[*questions, "can I wear shorts in summer?"])
    assert fingerprint(settings) != before


def test_changing_training_files_needs_a_new_model(settings, tmp_path):
    import shutil

    from bot.core.settings import PROJECT_ROOT

    for name in ("config.yml", "domain.yml", "data", "bot"):  # every training input
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / "copy" / name)
        else:
            (tmp_path / "copy").mkdir(exist_ok=True)
            shutil.copy(source, tmp_path / "copy" / name)
    root = tmp_path / "copy"
    before = fingerprint(settings, root)
    assert before == fingerprint(settings)
    with (root / "data" / "nlu" / "basics.yml").open("a") as f:
        f.write("    - hiya\n")
    assert fingerprint(settings, root) != before
