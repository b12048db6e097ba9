"""A position's search facets through HR's API over a real socket (cities, remote, level,
contract, languages: checked, cleared, hostile input refused in French), and the warning
when its article states another salary range than the record."""

from __future__ import annotations

from tests.web.test_workspace import web  # noqa: F401 - the fixture


async def test_hr_sets_clears_and_sees_a_positions_facets(web):  # noqa: F811
    people, _ = web
    hr = people["hr"]
    status, saved = await hr.call(
        "PUT",
        "/jobs/sre",
        {"cities": "Lyon, Paris, Lyon", "remote": "full_remote", "level": "senior",
         "contract": "permanent", "languages": ["en", "fr"]},
    )  # fmt: skip
    assert status == 200, saved
    assert (saved["cities"], saved["remote"], saved["level"]) == (
        ["Lyon", "Paris"],
        "full_remote",
        "senior",
    )
    assert (saved["contract"], saved["languages"]) == ("permanent", ["en", "fr"])
    status, cleared = await hr.call(
        "PUT", "/jobs/sre", {"cities": None, "level": "", "contract": None, "languages": ""}
    )
    assert status == 200
    assert (cleared["cities"], cleared["level"], cleared["contract"], cleared["languages"]) == (
        [],
        None,
        None,
        [],
    )
    assert cleared["remote"] == "full_remote"  # untouched


async def test_hostile_or_wrong_facets_are_refused_in_french(web):  # noqa: F811
    people, _ = web
    hr = people["hr"]
    for data, field in (
        ({"cities": "<img src=x onerror=alert(1)>"}, "cities"),
        ({"cities": ", ".join(f"City{n}" for n in range(11))}, "cities"),
        ({"cities": {"a": 1}}, "cities"),
        ({"remote": "moon"}, "remote"),
        ({"level": ["senior"]}, "level"),
        ({"contract": "cdi"}, "contract"),
        ({"languages": ["de"]}, "languages"),
    ):
        status, answer = await hr.call("PUT", "/jobs/sre", data)
        assert status == 422, (data, answer)
        assert list(answer["errors"]) == [field]
    status, jobs = await hr.call("GET", "/jobs")
    sre = next(j for j in jobs["jobs"] if j["id"] == "sre")
    assert (sre["cities"], sre["remote"]) == (["Lyon", "Paris"], "hybrid")  # nothing changed


async def test_the_jobs_list_warns_when_an_article_states_another_range(web):  # noqa: F811
    people, _ = web
    hr = people["hr"]
    status, jobs = await hr.call("GET", "/jobs")
    assert all(j["article_mismatches"] == [] for j in jobs["jobs"])
    await hr.call("PUT", "/jobs/sre", {"salary_min": 57000, "salary_max": 73000})
    status, jobs = await hr.call("GET", "/jobs")
    sre = next(j for j in jobs["jobs"] if j["id"] == "sre")
    assert [(m["language"], m["stated"]) for m in sre["article_mismatches"]] == [
        ("en", [55000, 70000]),
        ("fr", [55000, 70000]),
    ]
