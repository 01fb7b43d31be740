"""The analysis's metadata shortcuts answer exactly what libcst's providers answer.

Shortcuts: a node's children read from its fields (not rebuilt by ``CSTNode.children``),
a node's parent from the walk that lists the nodes (not ``ParentNodeProvider``),
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
from migrator.treewalk import children_of, walk
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


def benchmark_module(size: int | None = None) -> str:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import realtrees  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return str(realtrees.precommit_module() if size is None else realtrees.precommit_module(size))


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
    assert all(children_of(node) == list(node.children) for node in walked.order)
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
    assert_the_name_filter_agrees(module)


# -- whole runs: the same findings and the same fixes with libcst's providers only ----------


Run = tuple[int, str, list[tuple[str, list[object]]]]


def run_in_process(args: list[str], cwd: Path, *, reference: bool) -> Run:
    """The CLI in this process (``--workers 1``), with the shortcuts or libcst's providers:
    its exit code, its output and every file's findings as objects (fix edits included)."""
    import contextlib
    import os

    from click.testing import CliRunner

    from migrator import checking, flow
    from migrator.cli import main
    from migrator.reference import libcst_providers

    flow._CONTEXTS.clear()  # contexts of other project modules, made by the other mode
    flow._REAL_PATHS.clear()
    outcomes: list[tuple[str, list[object]]] = []
    collect = checking.collect

    def recording(invocation: object) -> list[object]:
        found = collect(invocation)  # type: ignore[arg-type]
        outcomes.extend((o.display, [finding_tuple(f) for f in o.findings]) for o in found)
        return found  # type: ignore[return-value]

    before = Path.cwd()
    os.chdir(cwd)
    try:
        with libcst_providers() if reference else contextlib.nullcontext():
            checking.collect = recording  # type: ignore[assignment]
            try:
                result = CliRunner().invoke(main, [*args, "--no-cache", "--workers", "1", "--no-progress"],
                                            catch_exceptions=False)
            finally:
                checking.collect = collect
    finally:
        os.chdir(before)
    return result.exit_code, result.output, outcomes


def finding_tuple(finding: object) -> tuple[object, ...]:
    return (finding, getattr(finding, "unfixable_reason", None), getattr(finding, "anchor_line", None),
            getattr(finding, "requests", None))


CHECK = ["check", "--output-format", "json", "--extend-select", "DSM201"]
FIXES = (["fix", "--diff"], ["fix", "--diff", "--unsafe-fixes"])


def assert_same_runs(cwd: Path, *paths: str, fixes: bool = True) -> None:
    for command in (CHECK, *(FIXES if fixes else ())):
        fast = run_in_process([*command, *paths], cwd, reference=False)
        full = run_in_process([*command, *paths], cwd, reference=True)
        assert fast == full, command
        if command is CHECK:
            assert any(findings for _, findings in fast[2]), "the run found nothing"


FIXTURE_TREES = ["check", "fix", "rules", "notebooks", "markdown"]


@pytest.mark.parametrize("tree", FIXTURE_TREES)
def test_the_fixtures_give_the_same_findings_and_fixes_with_libcst_providers(tree: str) -> None:
    assert_same_runs(FIXTURES, tree, "--extend-include", "*.md", fixes=tree == "fix")


PROJECTS = sorted(path for path in (FIXTURES / "projects").iterdir() if (path / "before").is_dir())


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_each_project_gives_the_same_findings_and_fixes_with_libcst_providers(project: Path) -> None:
    assert_same_runs(project / "before", ".")


def with_retired_ids(text: str) -> str:
    """Real code full of hits: short word-like string literals become retired IDs."""
    import re

    return re.sub(r"(?<![\w\\])([\"'])[a-z_]{3,12}\1", r"\1deepseek-chat\1", text)


def test_a_benchmark_module_gives_the_same_findings_and_fixes(tmp_path: Path) -> None:
    (tmp_path / "providers.py").write_text(benchmark_module(size=30_000))
    assert_same_runs(tmp_path, "providers.py")


@pytest.mark.slow
def test_the_160_kb_benchmark_module_gives_the_same_findings_and_fixes(tmp_path: Path) -> None:
    (tmp_path / "providers.py").write_text(benchmark_module())
    assert_same_runs(tmp_path, "providers.py")


def library_tree(root: Path, files: list[Path]) -> Path:
    for index, path in enumerate(files):
        text = path.read_text(encoding="utf-8", errors="replace")
        (root / f"m{index:02d}_{path.name}").write_text(with_retired_ids(text), encoding="utf-8")
    return root


def test_library_code_full_of_retired_ids_gives_the_same_findings(tmp_path: Path) -> None:
    library_tree(tmp_path, [p for p in stdlib_sample() if p.stat().st_size < 40_000][::5])
    assert_same_runs(tmp_path, ".", fixes=False)


@pytest.mark.slow
def test_more_library_code_full_of_retired_ids_gives_the_same_findings_and_fixes(tmp_path: Path) -> None:
    library_tree(tmp_path, stdlib_sample())
    assert_same_runs(tmp_path, ".")


# -- the prefilters: a "no" is libcst's answer too -------------------------------------------


def qualified_names_by_libcst(module: cst.Module) -> dict[cst.CSTNode, set[str]]:
    from libcst.metadata import QualifiedNameProvider
    from libcst.metadata.base_provider import LazyValue  # type: ignore[attr-defined]

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    resolved = wrapper.resolve(QualifiedNameProvider)
    found: dict[cst.CSTNode, set[str]] = {}
    for node, names in resolved.items():
        if isinstance(node, (cst.Name, cst.Attribute)):
            found[node] = {q.name for q in (names() if isinstance(names, LazyValue) else names)}
    return found


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_callee_the_name_filter_rules_out_has_none_of_the_names(name: str) -> None:
    module = parsed(SOURCES[name])
    if module is None:
        pytest.skip("libcst does not parse it")
    assert_the_name_filter_agrees(module)


def assert_the_name_filter_agrees(module: cst.Module) -> None:
    from migrator.libraries import BY_CALLABLE, ENV_DEFAULT_CALLS
    from migrator.prefilters import QualifiedNameFilter, module_names

    found = qualified_names_by_libcst(module)
    nodes = walk(module).order
    names = module_names(nodes, nodes)
    # The module's own names as targets (what the filter must never rule out), and the
    # libraries' names (what it is for).
    own = {q for names in found.values() for q in names
           if not q.startswith("builtins.") and "<" not in q}
    for targets in (own, set(BY_CALLABLE) | set(ENV_DEFAULT_CALLS)):
        names_filter = QualifiedNameFilter(targets, names)
        for node, qualified in found.items():
            if qualified & targets:
                assert names_filter.may_match(node), (module.code_for_node(node), qualified & targets)


def test_the_name_filter_rules_out_most_callees() -> None:
    from migrator.libraries import ENV_DEFAULT_CALLS
    from migrator.prefilters import QualifiedNameFilter, module_names

    module = cst.parse_module("import os\nfrom os import getenv as env, environ as ge\nimport json as j\n"
                              "class os: pass\n"
                              "self.client.create\nprint\nos.getenv\nkwargs.get\nenv\nge\nj\nx().y\n"
                              "getenv\nenviron.get\nge.get\nj.get\n")
    nodes = walk(module).order
    names_filter = QualifiedNameFilter(ENV_DEFAULT_CALLS, module_names(nodes, nodes))
    lines = [line for line in module.body[4:] if isinstance(line, cst.SimpleStatementLine)]
    verdicts = [names_filter.may_match(cst.ensure_type(line.body[0], cst.Expr).value) for line in lines]
    # `getenv` and `environ.get` behind the class `os`; `ge.get`, `j.get`: imported names
    assert verdicts == [False, False, True, False, True, False, False, False, True, True, True, True]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_without_a_model_literal_no_request_names_a_model(name: str) -> None:
    from migrator import analysis
    from migrator.engine import judgement_for
    from migrator.reference import libcst_providers
    from migrator.rules.base import Location, ModuleContext
    from tests.test_fast_paths import plan

    text = SOURCES[name] + "\nrequests.post(URL, json={'model': MODEL})\n"
    module = parsed(text)
    if module is None:
        pytest.skip("libcst does not parse it")
    with libcst_providers():
        context = ModuleContext(module, MetadataWrapper(module, unsafe_skip_copy=True), text,
                                Location("m.py"), judgement_for(plan()))  # type: ignore[arg-type]
        index = context.requests
        requests = [index.request_for(node) for node in context.nodes_of(cst.Call, cst.Dict)
                    if isinstance(node, (cst.Call, cst.Dict))]
        if not index.literal_may_name_a_model:
            assert all(r is None or r.model is None for r in requests)
    del analysis
