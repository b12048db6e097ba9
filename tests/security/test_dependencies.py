"""The dependency audit: every pin of constraints.txt against the advisory snapshot; an
advisory that applies and is not explained in security/advisories.yml fails the run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.ops.audit import (
    ACCEPTED,
    CONSTRAINTS,
    Advisory,
    accepted,
    findings,
    load_snapshot,
    pins,
    unlisted,
)


def audit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.ops.audit", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_advisory_affecting_a_pin_is_listed_with_a_reason():
    result = audit()
    print(result.stdout)  # the audit's own summary, shown with -s / on failure
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT LISTED" not in result.stdout


def test_the_snapshot_covers_the_pins_and_finds_what_it_should():
    pinned = pins(CONSTRAINTS.read_text())
    assert {"rasa", "rasa-sdk", "sanic", "aiohttp", "sqlalchemy"} <= set(pinned)
    found = findings(pinned, load_snapshot())
    assert {(a.package, a.id) for a in found} >= {
        ("aiohttp", "PYSEC-2022-43059"),
        ("redis", "PYSEC-2023-73"),
    }
    assert unlisted(found, accepted()) == []


def test_an_unlisted_advisory_fails_the_audit(tmp_path):
    constraints = tmp_path / "constraints.txt"
    # Jinja2 2.10 has known advisories that the list does not explain
    constraints.write_text(CONSTRAINTS.read_text().replace("Jinja2==3.1.6", "Jinja2==2.10"))
    result = audit("--constraints", str(constraints))
    assert result.returncode == 1
    not_listed = [line for line in result.stdout.splitlines() if line.startswith("NOT LISTED")]
    assert not_listed and all("jinja2==2.10 " in line for line in not_listed)
    assert "CVE-2019-10906" in result.stdout


def test_every_listed_advisory_says_why():
    listed = accepted(ACCEPTED)
    assert listed and all(len(entry["why"]) > 40 for entry in listed.values())


@pytest.mark.parametrize(
    ("version", "affected"),
    [("1.0", False), ("2.0", True), ("2.4.9", True), ("2.5", False), ("3.1", True), ("3.2", False)],
)
def test_version_ranges_are_read_as_osv_says(version, affected):
    advisory = Advisory(
        id="TEST-1",
        aliases=(),
        package="x",
        summary="",
        ranges=(
            (("introduced", "2.0"), ("fixed", "2.5")),
            (("introduced", "3.0"), ("last_affected", "3.1")),
        ),
        versions=frozenset(),
    )
    assert advisory.affects(version) is affected


def test_the_web_server_parses_http_with_aiohttps_compiled_parser():
    """CVE-2024-52304 and CVE-2025-53643 (security/advisories.yml) are in aiohttp's
    pure-Python parser; the web server must run the compiled one."""
    import aiohttp.http_parser
    from aiohttp import _http_parser  # type: ignore[attr-defined]

    assert aiohttp.http_parser.HttpRequestParser is _http_parser.HttpRequestParser
