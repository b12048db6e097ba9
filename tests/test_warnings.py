"""The warning filters of pyproject.toml: a DeprecationWarning raised from our own code
(bot.*, actions.*) fails the test; one from a library (Rasa, SQLAlchemy, ...) is ignored.

pytest applies the configured filters around every test, in order, each new one in
front of the others: the last matching entry wins. With the blanket ignore listed
last, it won over the `error` entries and our own deprecations passed silently.

A warning belongs to the module whose code calls `warnings.warn` (the `__name__`
in that frame's globals, with the default stacklevel): a function compiled into a
module named like ours warns as our code does, without adding a file to bot/.
"""

from __future__ import annotations

import types
import warnings

import pytest


def warner(module_name: str) -> types.FunctionType:
    """A function of a module called `module_name` that raises a DeprecationWarning."""
    module = types.ModuleType(module_name)
    exec(
        "import warnings\n"
        "def old_api():\n"
        "    warnings.warn('old_api is deprecated', DeprecationWarning)\n"
        "    return 'still works'\n",
        module.__dict__,
    )
    return module.old_api


@pytest.mark.parametrize("module", ["bot.knowledge.service", "actions.answer"])
def test_a_deprecation_in_our_code_fails_the_test(module):
    with pytest.raises(DeprecationWarning, match="old_api is deprecated"):
        warner(module)()


@pytest.mark.parametrize("module", ["rasa.core.agent", "sqlalchemy.orm.session"])
def test_a_deprecation_in_a_library_is_ignored(module):
    with warnings.catch_warnings(record=True) as seen:  # keeps the configured filters
        assert warner(module)() == "still works"
    assert seen == []
