"""The ast screen clears only modules where no enabled rule reports (``migrator.screen``).

Each rule's ``could_report`` is a necessary condition: wherever the rule reports (run
without the screen), it must say True. Checked on every rule's own examples, the Python
fixtures, the metadata tests' sources and generated modules that spell the IDs, the
reasoning key and the hosts in every way CPython and libcst read differently (escapes,
implicit concatenation, f-strings, bytes, comments). Whole analyses with and without the
screen must agree.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import analysis as analysis_module
from migrator import traversal
from migrator.analysis import analyse_python
from migrator.catalog import load_catalog
from migrator.judgement import Judgement, Location
from migrator.rules import ALL_CODES, available_codes, rule_info
from migrator.rules.base import Rule
from migrator.rules.screens import SCREENS
from migrator.screen import ModuleScreen
from migrator.settings import parse_today
from migrator.traversal import visitor_rules
from tests.conftest import TODAY, run_cli
from tests.test_metadata_shortcuts import SOURCES

CATALOG = load_catalog()
JUDGEMENT = Judgement(CATALOG, parse_today(TODAY), CATALOG.default_target)
CODES = frozenset(ALL_CODES)
VISITOR_CODES = [code for code in available_codes() if issubclass(rule_info(code), Rule)]


@contextmanager
def screen_off() -> Iterator[None]:
    original = analysis_module.could_report
    analysis_module.could_report = lambda *args: True  # type: ignore[assignment]
    try:
        yield
    finally:
        analysis_module.could_report = original


def reported_codes(text: str) -> set[str] | None:
    """The codes reported in ``text`` with every module analysed; None if it does not parse."""
    with screen_off():
        result = analyse_python(text, Location("m.py"), JUDGEMENT, CODES)
    return {finding.code for finding in result.findings} if result.parsed else None


def assert_screen_holds(text: str) -> None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    reported = reported_codes(text)
    if reported is None:
        return
    screen = ModuleScreen(text, tree)
    for rule in visitor_rules(CODES):
        if rule.code in reported:
            assert rule.could_report(screen, CATALOG), f"{rule.code} reports, yet its screen says it cannot"
    with_screen = analyse_python(text, Location("m.py"), JUDGEMENT, CODES)
    with screen_off():
        without = analyse_python(text, Location("m.py"), JUDGEMENT, CODES)
    assert with_screen.findings == without.findings


def rule_examples() -> Iterator[tuple[str, str]]:
    for code in VISITOR_CODES:
        info = rule_info(code)
        for kind in ("VALID", "INVALID"):
            for index, example in enumerate(getattr(info, kind)):
                yield f"{code}-{kind.lower()}-{index}", example.code


EXAMPLES = dict(rule_examples())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_screen_holds_on_every_rule_example(name: str) -> None:
    assert_screen_holds(EXAMPLES[name])


@pytest.mark.parametrize("name", sorted(name for name in SOURCES if not name.startswith("stdlib:")))
def test_the_screen_holds_on_the_fixtures_and_edge_cases(name: str) -> None:
    assert_screen_holds(SOURCES[name])


def test_an_invalid_example_is_never_cleared() -> None:
    for code in VISITOR_CODES:
        rule = rule_info(code)
        for example in rule.INVALID:
            screen = ModuleScreen(example.code, ast.parse(example.code))
            assert rule.could_report(screen, CATALOG), (code, example.code)


# -- generated modules --------------------------------------------------------------------

ID = "deepseek-reasoner"
KEY = "reasoning_content"


@st.composite
def spelled(draw: st.DrawFn, value: str) -> str:
    """A Python expression whose value holds ``value``, spelled one of many ways."""
    cut = draw(st.integers(1, len(value) - 1))
    escaped = draw(st.integers(0, len(value) - 1))
    ways = [
        repr(value),
        f'"{value[:cut]}" "{value[cut:]}"',
        f'"{value[:cut]}" f"{value[cut:]}"',
        f'"{value}" "-tail"',
        '"' + value[:escaped] + f"\\x{ord(value[escaped]):02x}" + value[escaped + 1:] + '"',
        f'f"{value}"',
        f"f\"{{'{value}'}}\"",
        f'r"{value}"',
        f'b"{value}"',
        f'"{value[:cut]}\\\n{value[cut:]}"',
        f'"""{value}"""',
        '"unrelated"',
    ]
    return draw(st.sampled_from(ways))


@st.composite
def statement(draw: st.DrawFn) -> str:
    model = draw(spelled(ID))
    key = draw(spelled(KEY))
    host = draw(spelled("https://api.deepseek.com"))
    templates = [
        f"x = {model}",
        f"# {draw(st.sampled_from([ID, KEY, 'deepseek', 'nothing']))}",
        f"client = OpenAI(base_url={host})",
        'key = os.getenv("DEEPSEEK_API_KEY")',
        f"client.chat.completions.create(model={model}, messages=m, temperature=0.2)",
        'client.chat.completions.create(model=chosen, messages=m, reasoning_effort="medium")',
        f"litellm.completion(model={model}, messages=m, top_p=0.5)",
        f"msg.pop({key}, None)",
        f"msg.pop(key={key})",
        f"msg.pop(*[{key}])",
        f"del m[{key}]",
        f"del a, m[{key}]",
        f"del [m[{key}]]",
        f"h = message.model_dump(exclude={{{key}}})",
        f"c = {{k: v for k, v in m.items() if k != {key}}}",
        f"c = {{k: v for k, v in m.items() if (k not in ({key},))}}",
        'c = {k: v for k, v in m.items() if k in ("role", "content")}',
        'r = {"role": "assistant", "content": reply.content}',
        'r = {"role": m["role"], "content": m.get("content")}',
        'r = {"role": m.role, "content": m.get(key="content")}',
        'r = {b"role": "assistant", "content": m["content"], "name": n}',
        f"t = reply.{KEY}",
        f"t = getattr(reply, {key})",
        'u = "https://api.deepseek.com/v3.1_terminus_expires_on_20251015"',
        'a = anthropic.Anthropic(base_url="https://api.deepseek.com/anthropic")',
        'a.messages.create(model=chosen, messages=m, thinking={"type": "enabled", "budget_tokens": 9})',
    ]
    return draw(st.sampled_from(templates))


HEADER = "import os\nimport anthropic\nimport litellm\nfrom openai import OpenAI\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statement(), min_size=1, max_size=5))
def test_the_screen_holds_on_generated_modules(statements: list[str]) -> None:
    assert_screen_holds(HEADER + "\n".join(statements) + "\n")


# -- what the screen buys ---------------------------------------------------------------

def test_a_module_that_only_reads_the_reasoning_field_is_not_parsed_by_libcst(
        monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    original = traversal.parse_module

    def counting(text: str, *, vetted: bool = False) -> object:
        parsed.append(text)
        return original(text, vetted=vetted)

    monkeypatch.setattr(traversal, "parse_module", counting)
    cleared = "def show(delta):\n    return delta.reasoning_content  # deepseek streams it\n"
    reported = 'msg.pop("reasoning_content")\n'
    for text in (cleared, reported):
        analyse_python(text, Location("m.py"), JUDGEMENT, CODES)
    assert parsed == [reported]


def test_a_cleared_module_still_reports_nothing_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "stream.py").write_text(
        "import deepseek_sdk\n\ndef show(delta):\n    return delta.reasoning_content\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text('MODEL = "deepseek-\\x63hat"\n', encoding="utf-8")
    result = run_cli("check", "--no-cache", "--output-format", "concise", str(tmp_path))
    out = result.stdout.decode()
    assert "stream.py" not in out
    assert "bad.py:1:9: DSM001" in out
    assert result.returncode == 1


def test_the_screens_table_is_each_built_in_rules_own_screen() -> None:
    """The runner asks the table without importing the rules: it must be what they say."""
    assert set(SCREENS) == set(VISITOR_CODES)
    for code in VISITOR_CODES:
        assert rule_info(code).SCREEN is SCREENS[code], code  # type: ignore[attr-defined]


# A check in a fresh interpreter; prints on stderr whether libcst was imported.
IMPORT_PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['deepseek-migrate', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('migrator', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('libcst imported:', 'libcst' in sys.modules, file=sys.stderr)\n"
)


def imports_libcst(tmp_path: Path, *paths: str) -> bool:
    # One process (no warm worker, which would do the parsing instead: tests/test_warm.py).
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, "check", "--no-cache", "--no-progress",
                           "--workers", "1", "--output-format", "json", *paths],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("libcst imported:"), done.stderr
    return last.endswith("True")


def test_a_run_whose_modules_are_all_cleared_never_imports_libcst(tmp_path: Path) -> None:
    (tmp_path / "stream.py").write_text(
        "from .deepseek import DeepSeekClient\n\ndef show(delta):\n    return delta.reasoning_content\n",
        encoding="utf-8")
    (tmp_path / "notes.md").write_text("```python\nimport deepseek_sdk\n```\n", encoding="utf-8")
    assert not imports_libcst(tmp_path, "stream.py", "notes.md")
    (tmp_path / "client.py").write_text('MODEL = "deepseek-chat"\n', encoding="utf-8")
    assert imports_libcst(tmp_path, "stream.py", "client.py")
