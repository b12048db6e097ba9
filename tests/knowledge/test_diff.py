"""Readable differences between two revision snapshots."""

from __future__ import annotations

import copy

from bot.knowledge.diff import snapshot_diff, word_ops


def snapshot() -> dict:
    return {
        "topic": "remote",
        "id": "remote-work",
        "team": "people",
        "tags": ["remote", "hybrid"],
        "status": "published",
        "reviewed": "2026-11-26",
        "related": ["remote-allowance"],
        "links": [{"url": "https://example.org/policy", "fr": "Charte", "en": "Policy"}],
        "fr": {
            "title": "Le télétravail",
            "answer": "Jusqu'à **3 jours** par semaine.\n- un jour d'équipe",
            "questions": ["On peut télétravailler ?", "télétravail possible ?"],
        },
        "en": {
            "title": "Remote work",
            "answer": "Up to **3 days** a week.\n- one team day",
            "questions": ["Can I work from home?", "remote possible?"],
        },
    }


def rebuilt(ops: list[dict[str, str]]) -> tuple[str, str]:
    before = "".join(o["text"] for o in ops if o["op"] != "insert")
    after = "".join(o["text"] for o in ops if o["op"] != "delete")
    return before, after


def test_no_change_no_diff():
    assert snapshot_diff(snapshot(), snapshot()) == []


def test_word_ops_rebuild_both_texts():
    before, after = "Up to **3 days** a week.", "Up to **4 days** a week, and more."
    ops = word_ops(before, after)
    assert rebuilt(ops) == (before, after)
    assert {"op": "delete", "text": "3"} in ops and {"op": "insert", "text": "4"} in ops
    assert all(o["op"] in ("equal", "delete", "insert") and o["text"] for o in ops)


def test_the_first_revision_adds_everything():
    changes = {c["field"]: c for c in snapshot_diff(None, snapshot())}
    assert list(changes) == [
        "topic",
        "team",
        "status",
        "reviewed",
        "tags",
        "related",
        "links",
        "fr.title",
        "fr.answer",
        "fr.questions",
        "en.title",
        "en.answer",
        "en.questions",
    ]
    assert changes["team"]["before"] is None and changes["team"]["summary"] == "team: added"
    assert changes["fr.questions"]["added"] == snapshot()["fr"]["questions"]
    assert changes["en.title"]["words"] == [{"op": "insert", "text": "Remote work"}]


def test_texts_values_and_lists():
    after = copy.deepcopy(snapshot())
    after["status"] = "draft"
    after["tags"] = ["hybrid", "remote", "wfh"]
    after["links"][0]["en"] = "Remote policy"
    after["en"]["answer"] = "Up to **3 days** a week.\n- two team days"
    after["fr"]["questions"] = ["télétravail possible ?", "Je peux bosser de chez moi ?"]
    after["en"]["questions"] = ["remote possible?", "Can I work from home?"]
    changes = {c["field"]: c for c in snapshot_diff(snapshot(), after)}
    assert set(changes) == {"status", "tags", "links", "en.answer", "fr.questions", "en.questions"}
    assert changes["status"] == {
        "field": "status",
        "kind": "value",
        "before": "published",
        "after": "draft",
        "summary": "status: published → draft",
    }
    assert (changes["tags"]["added"], changes["tags"]["removed"]) == (["wfh"], [])
    assert changes["links"]["removed"] == snapshot()["links"]
    assert changes["links"]["added"] == after["links"]
    answer = changes["en.answer"]
    assert rebuilt(answer["words"]) == (snapshot()["en"]["answer"], after["en"]["answer"])
    assert "-- one team day" in answer["lines"] and "+- two team days" in answer["lines"]
    questions = changes["fr.questions"]
    assert questions["added"] == ["Je peux bosser de chez moi ?"]
    assert questions["removed"] == ["On peut télétravailler ?"]
    assert questions["summary"] == "fr.questions: 1 added, 1 removed"
    # the same questions in another order are not a text diff of the whole list
    assert changes["en.questions"]["reordered"] is True
    assert changes["en.questions"]["added"] == changes["en.questions"]["removed"] == []


def test_a_question_repeated_then_fixed_counts_each_copy():
    before = copy.deepcopy(snapshot())
    before["en"]["questions"] = ["a?", "a?", "b?"]
    after = copy.deepcopy(snapshot())
    after["en"]["questions"] = ["a?", "b?"]
    [change] = snapshot_diff(before, after)
    assert (change["added"], change["removed"]) == ([], ["a?"])
