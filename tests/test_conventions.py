"""Conventions the code keeps, read from its source.

Services take their database session as `*, session` (README, "How it is built"):
a call reads `save_from_editor(session=s, data=...)`, never a bare `s` in first
place, so a caller cannot pass the session where another value belongs.
"""

from __future__ import annotations

import ast

from bot.core.settings import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"

# Work in progress elsewhere (the team-coffee and event-registration packages are being
# written now): each entry is (module path, function). This list may only shrink; a
# test below fails when an entry is fixed and still listed.
NOT_YET: set[tuple[str, str]] = set()


def session_taken_positionally(source: str) -> list[str]:
    """Public module-level functions of `source` whose `session` parameter is not keyword-only.

    Private helpers (a leading underscore) and functions nested in another (a
    route's closure handed to the database runner) are not services.
    """
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name.startswith("_"):
            continue
        positional = node.args.posonlyargs + node.args.args
        if any(arg.arg == "session" for arg in positional):
            found.append(node.name)
    return found


def _offenders() -> set[tuple[str, str]]:
    return {
        (path.relative_to(PROJECT_ROOT).as_posix(), name)
        for path in sorted(BOT.rglob("*.py"))
        for name in session_taken_positionally(path.read_text(encoding="utf-8"))
    }


def test_every_public_function_of_bot_takes_its_session_keyword_only():
    assert _offenders() - NOT_YET == set()


def test_the_work_in_progress_list_only_names_real_offenders():
    assert NOT_YET - _offenders() == set(), "fixed: remove these from NOT_YET"


def test_the_check_tells_a_positional_session_from_a_keyword_only_one():
    source = """
def save(session, data): ...
async def load(session: object, *, key: str): ...
def only(*, session, data): ...
def _helper(session): ...
def outer():
    def work(session): ...
"""
    assert session_taken_positionally(source) == ["save", "load"]


# Every French and English sentence has one home, bot/core (texts.py, problems.yml).
TEXTS_HOME = "bot/core/"
TEXTS_NOT_YET: set[str] = set()  # may only shrink, like NOT_YET


def _is_sentence(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value.strip()
    if isinstance(node, ast.JoinedStr | ast.BinOp):  # implicit concatenation is a Constant
        return True
    if isinstance(node, ast.Dict):
        return any(_is_sentence(value) for value in node.values)
    return False


def sentences_by_language(source: str) -> list[str]:
    """Module-level names bound to {"fr": ..., "en": ...} (or {language: {...}}) holding
    sentences: a text with a space, or a table of such texts."""
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or not isinstance(node.value, ast.Dict):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        keys = {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
        if {"fr", "en"} <= keys and any(_is_sentence(v) for v in node.value.values):
            found += [t.id for t in targets if isinstance(t, ast.Name)]
    return found


def _modules_with_sentences() -> set[str]:
    return {
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in sorted(BOT.rglob("*.py"))
        if sentences_by_language(path.read_text(encoding="utf-8"))
    }


def test_sentences_in_both_languages_live_in_bot_core():
    outside = {m for m in _modules_with_sentences() if not m.startswith(TEXTS_HOME)}
    assert outside - TEXTS_NOT_YET == set()


def test_the_texts_work_in_progress_list_only_names_real_offenders():
    assert TEXTS_NOT_YET - _modules_with_sentences() == set(), "moved: remove from the list"


def test_the_check_tells_sentences_from_other_tables_by_language():
    source = """
CONSENT = {"fr": "J'accepte que ...", "en": "I agree that ..."}
LABELS: dict = {"fr": {"closed": "Le poste est clos."}, "en": {"closed": "Closed."}}
DISCLOSURES = {"fr": "utter_disclosure_fr", "en": "utter_disclosure_en"}
WEEKDAYS = {"fr": ("lundi", "mardi"), "en": ("Monday", "Tuesday")}
"""
    assert sentences_by_language(source) == ["CONSENT", "LABELS"]
