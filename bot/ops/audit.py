"""Dependency audit: every pinned version against known advisories, offline.

pip-audit cannot run here: its databases (OSV's API, PyPI's per-version JSON)
are not reachable from this network, and it cannot be installed beside Rasa
3.6 (it needs packaging>=23 and CacheControl>=0.13; Rasa pins packaging<21).
So the audit reads a snapshot of the PyPA advisory database (OSV records,
https://github.com/pypa/advisory-database) kept in security/, filtered to the
packages of constraints.txt, and checks every `name==version` pin against it.

Every advisory that applies must be listed in security/advisories.yml with why
it does not apply to this project or how it is mitigated; any other one fails
the audit (`make test` runs it, tests/security/test_dependencies.py).

    python -m bot.ops.audit                     # check constraints.txt
    python -m bot.ops.audit snapshot <db-dir>   # refresh the snapshot from a clone
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from bot.core.settings import PROJECT_ROOT

CONSTRAINTS = PROJECT_ROOT / "constraints.txt"
SNAPSHOT = PROJECT_ROOT / "security" / "advisory-snapshot.json"
ACCEPTED = PROJECT_ROOT / "security" / "advisories.yml"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


class AuditError(ValueError):
    """A file of the audit cannot be read (bad pin, bad snapshot, bad list entry)."""


def normalized(name: str) -> str:
    """A package name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """`{package: version}` of every `name==version` line of a requirements/constraints text."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found[normalized(match[1])] = match[2]
    return found


@dataclass(frozen=True)
class Advisory:
    """One OSV record for one package: its id, aliases and the versions it affects."""

    id: str
    aliases: tuple[str, ...]
    package: str
    summary: str
    ranges: tuple[tuple[tuple[str, str], ...], ...]
    versions: frozenset[str]

    def names(self) -> set[str]:
        return {self.id, *self.aliases}

    def affects(self, version: str) -> bool:
        """Whether `version` is in the listed versions or in one of the ECOSYSTEM ranges."""
        if version in self.versions:
            return True
        try:
            pinned = Version(version)
        except InvalidVersion:
            return False
        for events in self.ranges:
            affected = False
            for kind, value in events:
                bound = Version("0") if value == "0" else Version(value)
                if kind == "introduced" and pinned >= bound:
                    affected = True
                elif kind == "fixed" and pinned >= bound:
                    affected = False
                elif kind == "last_affected" and pinned > bound:
                    affected = False
            if affected:
                return True
        return False


def advisories_from_osv(record: Mapping[str, Any]) -> list[Advisory]:
    """The Advisory of each PyPI package an OSV record names."""
    found = []
    for affected in record.get("affected") or []:
        package = affected.get("package") or {}
        if package.get("ecosystem") != "PyPI":
            continue
        ranges = tuple(
            tuple(
                (kind, str(value)) for event in r.get("events", []) for kind, value in event.items()
            )
            for r in affected.get("ranges") or []
            if r.get("type") == "ECOSYSTEM"
        )
        found.append(
            Advisory(
                id=str(record["id"]),
                aliases=tuple(str(a) for a in record.get("aliases") or []),
                package=normalized(str(package.get("name", ""))),
                summary=str(record.get("summary") or record.get("details") or "")[:200],
                ranges=ranges,
                versions=frozenset(str(v) for v in affected.get("versions") or []),
            )
        )
    return found


def load_snapshot(path: Path = SNAPSHOT) -> list[Advisory]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [a for record in data["records"] for a in advisories_from_osv(record)]


def findings(pinned: Mapping[str, str], advisories: Iterable[Advisory]) -> list[Advisory]:
    """The advisories that affect a pinned version."""
    return sorted(
        (a for a in advisories if a.package in pinned and a.affects(pinned[a.package])),
        key=lambda a: (a.package, a.id),
    )


def accepted(path: Path = ACCEPTED) -> dict[str, dict[str, Any]]:
    """The listed advisories by every id they are known under; each must say why."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    listed: dict[str, dict[str, Any]] = {}
    for entry in entries.get("advisories") or []:
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("why"):
            raise AuditError(f"{path.name}: every entry needs an id and a why: {entry!r}")
        for name in [entry["id"], *(entry.get("aliases") or [])]:
            listed[str(name)] = entry
    return listed


def unlisted(found: Iterable[Advisory], listed: Mapping[str, Any]) -> list[Advisory]:
    """The advisories found that security/advisories.yml does not explain."""
    return [a for a in found if not a.names() & set(listed)]


def check(constraints: Path, snapshot: Path, accepted_file: Path) -> int:
    """Print the audit; 1 when an advisory applies that is not listed, else 0."""
    pinned = pins(constraints.read_text(encoding="utf-8"))
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    found = findings(pinned, load_snapshot(snapshot))
    missing = unlisted(found, accepted(accepted_file))
    print(
        f"dependency audit: {len(pinned)} pins of {constraints.name} against the PyPA advisory "
        f"database snapshot of {data['source']['date']} ({len(data['records'])} records); "
        "pip-audit's online databases are not reachable here (see bot/ops/audit.py)"
    )
    print(f"{len(found)} known advisories apply, {len(found) - len(missing)} listed with a reason")
    for advisory in missing:
        print(
            f"NOT LISTED: {advisory.package}=={pinned[advisory.package]} {advisory.id} "
            f"({', '.join(advisory.aliases) or 'no alias'}): {advisory.summary}"
        )
    if missing:
        print(f"add them to {accepted_file} with why they do not apply, or upgrade")
    return 1 if missing else 0


def _slim(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit reads of an OSV record: ids, a summary, the affected versions."""
    affected = []
    for item in record.get("affected") or []:
        ranges = [r for r in item.get("ranges") or [] if r.get("type") == "ECOSYSTEM"]
        kept: dict[str, Any] = {"package": item.get("package"), "ranges": ranges}
        if not ranges:  # an explicit list only when no range says it
            kept["versions"] = item.get("versions") or []
        affected.append(kept)
    return {
        "id": record["id"],
        "aliases": record.get("aliases") or [],
        "summary": str(record.get("summary") or record.get("details") or "")[:200],
        "affected": affected,
    }


def snapshot(database: Path, constraints: Path, out: Path, git_dir: Path | None = None) -> int:
    """Keep the records of the advisory database clone `database` that name a pinned package."""
    import subprocess

    wanted = set(pins(constraints.read_text(encoding="utf-8")))
    records = []
    for folder in sorted((database / "vulns").iterdir()):
        if normalized(folder.name) not in wanted:
            continue
        for path in sorted(folder.glob("*.yaml")):
            records.append(_slim(yaml.safe_load(path.read_text(encoding="utf-8"))))
    commit, date = subprocess.run(
        ["git", f"--git-dir={git_dir or database / '.git'}", "log", "-1", "--format=%H %cs"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    source = {"database": "pypa/advisory-database", "commit": commit, "date": date}
    # One record a line: small diffs when the snapshot is refreshed.
    lines = [json.dumps(r, sort_keys=True, default=str, ensure_ascii=False) for r in records]
    source_line = json.dumps(source, sort_keys=True)
    out.write_text(
        '{"source": ' + source_line + ',\n"records": [\n' + ",\n".join(lines) + "\n]}\n",
        encoding="utf-8",
    )
    print(f"{len(records)} records of {len(wanted)} pinned packages written to {out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.audit", description=__doc__)
    parser.add_argument("--constraints", type=Path, default=CONSTRAINTS)
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    parser.add_argument("--accepted", type=Path, default=ACCEPTED)
    parser.add_argument("command", nargs="?", choices=["check", "snapshot"], default="check")
    parser.add_argument("database", nargs="?", type=Path, help="advisory database clone")
    parser.add_argument("--git-dir", type=Path, help="its git folder, if not <database>/.git")
    args = parser.parse_args(argv)
    try:
        if args.command == "snapshot":
            if args.database is None:
                parser.error("snapshot needs the advisory database folder")
            return snapshot(args.database, args.constraints, args.snapshot, args.git_dir)
        return check(args.constraints, args.snapshot, args.accepted)
    except AuditError as error:
        print(f"audit: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
