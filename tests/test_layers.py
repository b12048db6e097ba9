"""The layering contract in pyproject.toml holds, and it would catch an import going up.

`lint-imports` (run by make test) checks the same contracts; these tests show
that the configured layers are the real ones and that a back-edge fails.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
import tomli

from bot.core.settings import PROJECT_ROOT


def _contracts() -> dict[str, dict]:
    config = tomli.loads(Path(PROJECT_ROOT / "pyproject.toml").read_text())
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _layers() -> list[set[str]]:
    return [
        set(name.strip() for name in layer.split("|")) for layer in _contracts()["layers"]["layers"]
    ]


def _build() -> grimp.ImportGraph:
    return grimp.build_graph("bot", "actions", include_external_packages=True)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return _build()


def test_every_package_of_bot_is_in_a_layer(graph):
    named = set().union(*_layers())
    packages = {m for m in graph.find_children("bot") if graph.find_children(m)}
    assert packages <= named, f"packages outside the layers: {sorted(packages - named)}"


def test_the_code_keeps_the_layers(graph):
    assert graph.find_illegal_dependencies_for_layers(layers=_layers()) == set()


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("bot.core.db", "bot.hr.triage"),  # the bottom reaching the top
        ("bot.knowledge.service", "bot.inbox.service"),  # domain below its neighbour
        ("bot.handoff.service", "bot.candidate.answering"),  # one path into a later one
        ("bot.records.service", "bot.inbox.models"),  # two independent domain packages
    ],
)
def test_an_import_going_up_breaks_the_contract(importer, imported):
    graph = _build()
    assert not graph.find_illegal_dependencies_for_layers(layers=_layers())
    graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    broken = graph.find_illegal_dependencies_for_layers(layers=_layers())
    assert broken, f"{importer} -> {imported} should break the layers"


def test_actions_never_import_rasa_or_transport(graph):
    contract = _contracts()["actions-are-adapters"]
    for forbidden in contract["forbidden_modules"]:
        chain = graph.find_shortest_chain(importer="actions", imported=forbidden, as_packages=True)
        assert chain is None, f"actions reach {forbidden} through {chain}"
