"""Every fix fixture is run before and after its fix, with the real client libraries.

Each program runs in a subprocess against the recording stand-in (``standin.py``): the child's
``sitecustomize`` sends every request for ``api.deepseek.com`` to it and refuses any other
connection, so the real library builds and sends the body. The requests are compared by their
effective meaning (``effective.py``), request by request, in order.

Conventions:

- A fix fixture ``fixtures/fix/X.py`` runs as module ``X`` in a folder holding the fixtures it
  imports, all in the same variant (before: ``*.py``; fixed: ``*.py.fixed``; unsafe:
  ``*.py.unsafe-fixed`` or else ``*.py.fixed``): the directory is one project, as ``fix`` sees it.
- A fixture that defines requests but does not send them at import gets a **driver sidecar**
  ``X.py.run``: Python run inside the fixture module's namespace after it is executed (the same
  driver for every variant), which calls what the fixture defines. The fixture itself never
  changes, so its expected fix output stays as is.
- A program that sends no request fails. A fixture that imports no client library is not run;
  ``NO_CLIENT_LIBRARY`` names every such fixture, and a test asserts that list is exact.
- An exception that ends a program fails the run unless ``EXPECTED_ERRORS`` states it, and then it
  must end the fixed program the same way.
- A multi-module project ``fixtures/projects/NAME/`` has ``before/``, ``after/`` and optionally
  ``unsafe-after/`` folders, each run as ``python run.py`` from that folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .effective import compare_runs
from .harness import (
    FIX_FIXTURES,
    PROJECTS,
    Run,
    client_libraries,
    local_modules,
    missing_frameworks,
    project_names,
    run_fix_fixture,
    run_project,
    run_source,
    uses_client_library,
)
from .standin import StandIn

pytestmark = pytest.mark.clients

SOURCES = sorted(FIX_FIXTURES.glob("*.py"))
EXECUTED = [source for source in SOURCES if uses_client_library(source)]
WITH_UNSAFE = [source for source in EXECUTED
               if any(m.with_name(m.name + ".unsafe-fixed").exists() for m in local_modules(source))]
PROJECT_NAMES = project_names()

# Fixtures whose program talks to no client library: their fixes are about text (collisions,
# a dict never posted), proven by the source-level tests.
NO_CLIENT_LIBRARY = {"collision_branches.py", "collision_dict.py", "collision_literal_enum.py",
                     "payload_not_sent.py"}

# Exceptions a fixture program ends with on purpose (before and after alike).
EXPECTED_ERRORS = {
    # Helper is a plain class: Helper(model=...) shows the tool an override, and raises when run.
    "class_attribute_overridden.py": ["program: TypeError: Helper() takes no arguments"],
    # text_completion's first positional argument is the prompt: LiteLLM gets no model.
    "litellm_positional.py": [
        "program: BadRequestError: litellm.BadRequestError: GetLLMProvider Exception - model parameter "
        "is required but was None. Please provide a valid model name."],
}

# What each unsafe fix changes, request by request (the README's fix-safety table is this).
# [] : the unsafe fix sends the same requests (all its thinking edits are in place).
UNSAFE_CHANGES: dict[str, list[str]] = {
    # Settings(), Profile(), Bot(), Helper(), Butler(): per-instance defaults renamed, no switch.
    "class_attribute_overridden.py": ["request 1: thinking off -> on", "request 3: thinking off -> on",
                                      "request 4: thinking off -> on", "request 6: thinking off -> on",
                                      "request 7: thinking off -> on"],
    # OpenAIChatCompletionsModel takes no request settings: the unsafe fix renames alone.
    "framework_openai_agents.py": ["request 1: thinking off -> on"],
    # The getenv default renamed with the switch: the same requests while the variable is unset
    # (unsafe because a model set in the environment would get thinking disabled too).
    "env_default.py": [],
    "function_default.py": ["request 3: thinking off -> on"],  # ask_override("hi") takes the default
    "litellm_positional.py": [],  # the renamed prompt is on a call that raises before sending
    "openai_kwargs_unsafe.py": ["request 1: thinking off -> on", "request 2: thinking off -> on"],
    # model_replaced's first post, defaulted, deleted, rebound(False): bodies changed after the literal.
    "payload_mutated.py": ["request 2: thinking off -> on", "request 5: thinking off -> on",
                           "request 6: thinking off -> on", "request 7: thinking off -> on"],
    "reasoner_tested.py": [],  # deepseek-reasoner: the rename keeps thinking on
}

# Projects' unsafe-after folders: what they change.
PROJECT_UNSAFE_CHANGES = {
    "constant_imported": ["request 1: thinking off -> on"],
    # Both IDs renamed, no switch: the deepseek-chat analyst's request starts thinking.
    "constructor_clone": ["request 1: thinking off -> on"],
    # The rename plus mylib's own switch: the same requests for this project's own use.
    "public_package": [],
    # Each caller's ID renamed alone: the `deepseek-chat` caller's request starts thinking.
    "wrapper_both_ids": ["request 1: thinking off -> on"],
}

# Safe fixes that change a request when run for real: bugs in the tool, xfail(strict) with why.
KNOWN_CHANGING_FIXES: dict[str, str] = {}


class Runs:
    """Each (fixture, variant) is run once per test process; the safe and unsafe tests share it."""

    def __init__(self, standin: StandIn, base: Path) -> None:
        self.standin, self.base, self.done = standin, base, {}

    def of(self, source: Path, variant: str) -> Run:
        key = (source.name, variant)
        if key not in self.done:
            self.done[key] = run_fix_fixture(self.standin, source, variant, self.base / source.stem)
        return self.done[key]


@pytest.fixture(scope="session")
def runs(standin: StandIn, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(standin, tmp_path_factory.mktemp("executed"))


def _why(source_name: str, libraries: list[str], changes: list[str]) -> str:
    listed = "\n  ".join(changes)
    return (f"{source_name}: the requests sent through {', '.join(libraries)} differ "
            f"(a library release may have changed how it sends a key):\n  {listed}")


def _checked(run: Run, name: str, variant: str) -> Run:
    assert run.requests, f"{name} ({variant}) sent no request: give it a driver sidecar {name}.run"
    assert run.errors == EXPECTED_ERRORS.get(name, []), (
        f"{name} ({variant}) ended with unexpected errors:\n{run.stderr[-3000:]}")
    return run


def _maybe_known_bug(name: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN_CHANGING_FIXES.get(name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    missing = missing_frameworks(FIX_FIXTURES / name)
    if missing:  # said, not hidden: the `frameworks` extra is not installed in this run
        marks.append(pytest.mark.skip(reason=f"needs {', '.join(missing)}: pip install -e "
                                             "'.[test,clients,frameworks]'"))
    return marks


def test_every_fixture_without_a_client_library_is_listed() -> None:
    skipped = {source.name for source in SOURCES if source not in EXECUTED}
    assert skipped == NO_CLIENT_LIBRARY
    assert EXECUTED


def test_every_unsafe_fix_states_its_changes() -> None:
    assert set(UNSAFE_CHANGES) == {source.name for source in WITH_UNSAFE}


@pytest.mark.parametrize(
    "source", [pytest.param(s, id=s.name, marks=_maybe_known_bug(s.name)) for s in EXECUTED])
def test_safe_fix_sends_the_same_requests(source: Path, runs: Runs) -> None:
    before = _checked(runs.of(source, "before"), source.name, "before")
    after = _checked(runs.of(source, "fixed"), source.name, "fixed")
    changes = compare_runs(before.requests, after.requests)
    assert changes == [], _why(source.name, client_libraries(source), changes)


@pytest.mark.parametrize(
    "source", [pytest.param(s, id=s.name, marks=_maybe_known_bug(s.name)) for s in WITH_UNSAFE])
def test_unsafe_fix_changes_exactly_the_stated_requests(source: Path, runs: Runs) -> None:
    before = _checked(runs.of(source, "before"), source.name, "before")
    unsafe = _checked(runs.of(source, "unsafe-fixed"), source.name, "unsafe-fixed")
    changes = compare_runs(before.requests, unsafe.requests)
    assert changes == UNSAFE_CHANGES.get(source.name), _why(
        source.name, client_libraries(source), changes)


def test_a_rename_only_fix_is_caught(standin: StandIn, tmp_path: Path) -> None:
    source = FIX_FIXTURES / "openai_sync.py"
    original = source.read_text(encoding="utf-8")
    renamed = original.replace('"deepseek-chat"', '"deepseek-v4-flash"')
    assert renamed != original
    before = run_source(standin, original, "openai_sync", tmp_path / "before")
    after = run_source(standin, renamed, "openai_sync", tmp_path / "after")
    assert compare_runs(before.requests, after.requests) == ["request 1: thinking off -> on"]


def test_every_project_has_a_driver() -> None:
    assert PROJECT_NAMES, "fixtures/projects/ holds at least the constant_imported sample"
    for name in PROJECT_NAMES:
        for variant in ("before", "after"):
            assert (PROJECTS / name / variant / "run.py").is_file(), f"{name}/{variant}/run.py is missing"


@pytest.mark.parametrize("name", PROJECT_NAMES)
def test_project_fix_sends_the_same_requests(name: str, standin: StandIn, tmp_path: Path) -> None:
    before = run_project(standin, name, "before", tmp_path)
    after = run_project(standin, name, "after", tmp_path)
    assert before.requests, f"project {name} sent no request"
    changes = compare_runs(before.requests, after.requests)
    assert changes == [], f"project {name}: the fixed project asks for something else:\n  " + "\n  ".join(
        changes)


@pytest.mark.parametrize("name", [n for n in PROJECT_NAMES if (PROJECTS / n / "unsafe-after").is_dir()])
def test_project_unsafe_fix_changes_exactly_the_stated_requests(
        name: str, standin: StandIn, tmp_path: Path) -> None:
    before = run_project(standin, name, "before", tmp_path)
    unsafe = run_project(standin, name, "unsafe-after", tmp_path)
    changes = compare_runs(before.requests, unsafe.requests)
    assert name in PROJECT_UNSAFE_CHANGES, f"state what {name}/unsafe-after changes: {changes}"
    assert changes == PROJECT_UNSAFE_CHANGES[name]
