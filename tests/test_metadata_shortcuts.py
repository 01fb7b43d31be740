"""The analysis's metadata shortcuts answer exactly what libcst's providers answer.

Shortcuts: a node's parent from the walk that lists the nodes (not ``ParentNodeProvider``),
a node's position from its own top-level statement (not ``PositionProvider`` over the
whole module). Each is compared with libcst's provider on every node of every Python
fixture, a sample of the standard library, the benchmark's 160 KB module, hand-written
edge cases (line endings, tabs, non-ASCII, continuations, f-strings, concatenations) and
generated programs. The findings and fixes of a whole run, with the shortcuts and with
libcst's providers only (``migrator.reference``), are compared in
``test_findings_are_the_same_with_libcst_providers`` and below.
"""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, assume, given, settings
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from migrator.positions import LazyPositions
from migrator.treewalk import walk
from tests.conftest import FIXTURES

REPO = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
STDLIB_SAMPLE = 60  # files, spread over the whole library

EDGE_CASES = {
    "crlf": "import os\r\nx = os.getenv('M', 'deepseek-chat')\r\n\r\n# c\r\ndef f():\r\n    return x\r\n",
    "lone-cr": "x = 1\ry = 'deepseek-chat'\r# c\rz = 3\r",
    "mixed-endings": "x = 1\r\ny = 2\n\rz = 'a'\r\n",
    "tabs": "if x:\n\ty = 'deepseek-chat'\n\tif y:\n\t\tz = 1\n",
    "form-feed": "x = 1\n\x0c\ny = 2\n\x0cz = 3  \x0c# c\nw = (1,\n\x0c 'deepseek-chat')\n",
    "non-ascii": "s = 'héllo 🎉 deepseek-chat'  # ü ß 漢字\nt = '🎉' + s  # 🎉\n",
    "continuation": "x = 1 + \\\n    2\nif a and \\\n   b:\n    y = \\\n        'deepseek-chat'\n",
    "fstrings": 'w = 3\ns = f"{a!r:>{w}} {b} {{x}} deepseek-chat"\nt = f\'{"deepseek-chat"}\'\n',
    "concatenation": 'x = ("deepseek" "-chat"\n     f"{y}"  # c\n     "z")\ny = "a" "b" \'c\'\n',
    "triple-quoted": 'x = """a\ndeepseek-chat\r\n\tb"""\ny = 1\n',
    "no-trailing-newline": "x = 1\ny = 'deepseek-chat'",
    "no-trailing-newline-comment": "x = 1\n# deepseek-chat",
    "empty": "",
    "only-newline": "\n",
    "only-comments": "# a\n\n# deepseek-chat\n",
    "footer": "x = 1\n\n# trailing\n\n",
    "decorators": "@a\n# between\n@b.c(1)\n\n# after\ndef f(): pass\n\n"
                  "@d\nclass C:\n    x = 1\n    # in\n# out\n",
    "blocks": "try:\n    pass\nexcept E as e:  # c\n    x = 1\nelse:\n    pass\nfinally:\n    y = 2\n"
              "while x:\n    break\nelse:\n    pass\nfor i in j: k = 1; l = 2\n",
    "match": "match x:\n    case {'model': 'deepseek-chat'}:\n        pass\n    case _:\n        y = 1\n",
    "semicolons": "a = 1; b = 'deepseek-chat'; c = 3  # c\n",
    "indented-comments": "def f():\n    x = 1\n        # deeper\n  # shallower\n    # same\n\n# top\n",
    "async": "async def f():\n    async with a as b:\n        await c(model='deepseek-chat')\n",
    "lambda-walrus": "f = lambda x=(y := 'deepseek-chat'): x\n",
    "whitespace-lines": "x = 1\n   \n\t\ny = 2\n  # c\n",
}


def python_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and (
        p.suffix == ".py" or p.name.endswith(".py.fixed")))


def stdlib_sample() -> list[Path]:
    every = sorted(p for p in STDLIB.rglob("*.py")
                   if "site-packages" not in p.parts and p.is_file())
    return every[:: max(1, len(every) // STDLIB_SAMPLE)]


def benchmark_module() -> str:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import realtrees  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return str(realtrees.precommit_module())


def sources() -> Iterator[tuple[str, str]]:
    for name, text in EDGE_CASES.items():
        yield f"edge:{name}", text
    for path in python_fixtures():
        yield f"fixture:{path.relative_to(FIXTURES)}", path.read_text(encoding="utf-8", errors="replace")
    for path in stdlib_sample():
        yield f"stdlib:{path.relative_to(STDLIB)}", path.read_text(encoding="utf-8", errors="replace")


SOURCES = dict(sources())


def parsed(text: str) -> cst.Module | None:
    try:
        return cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None


def assert_same_metadata(module: cst.Module) -> None:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    parents = wrapper.resolve(ParentNodeProvider)
    positions = wrapper.resolve(PositionProvider)
    walked = walk(module)
    assert walked.parents_exact
    assert walked.parents == dict(parents)
    lazy = LazyPositions(module, walked.parents, lambda: positions)
    # In reverse as well: a statement asked for before the ones above it.
    for node in [*walked.order, *reversed(walked.order)]:
        if node in positions:
            assert lazy[node] == positions[node], (type(node).__name__, module.code_for_node(node)[:80])
        else:  # a node its parent's code never writes (libcst keeps some unused whitespace)
            with pytest.raises(KeyError):
                lazy[node]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_parents_and_positions_are_libcsts(name: str) -> None:
    module = parsed(SOURCES[name])
    if module is None:
        pytest.skip("libcst does not parse it")
    assert_same_metadata(module)


def test_parents_and_positions_of_the_benchmark_module_are_libcsts() -> None:
    module = cst.parse_module(benchmark_module())
    assert_same_metadata(module)


def test_positions_are_computed_only_for_the_statements_asked() -> None:
    module = cst.parse_module(benchmark_module())
    walked = walk(module)
    lazy = LazyPositions(module, walked.parents, lambda: {})
    last = module.body[-1]
    assert isinstance(last, cst.FunctionDef)
    found = lazy[last.body]
    assert lazy.regenerated == {last}
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[last.body]
    assert found == expected


def test_the_walk_lists_the_nodes_in_libcsts_visiting_order() -> None:
    module = cst.parse_module(EDGE_CASES["decorators"] + EDGE_CASES["blocks"])
    visited: list[cst.CSTNode] = []

    class Recorder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            visited.append(node)
            return True

    module.visit(Recorder())
    assert walk(module).order == visited


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_parents_and_positions_are_libcsts_for_generated_programs(text: str) -> None:
    module = parsed(text)
    assume(module is not None)
    assert module is not None
    assert_same_metadata(module)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_node())
def test_parents_and_positions_are_libcsts_for_generated_trees(text: str) -> None:
    module = parsed(text)
    assume(module is not None)
    assert module is not None
    assert_same_metadata(module)
