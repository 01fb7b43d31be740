"""The analysis's metadata shortcuts answer exactly what libcst's providers answer.

Shortcuts: a node's children read from its fields (not rebuilt by ``CSTNode.children``),
a node's parent from the walk that lists the nodes (not ``ParentNodeProvider``),
a node's position from its own top-level statement (not ``PositionProvider`` over the
whole module), expression contexts and scopes at less cost per node
(``migrator.providers``). Each is compared with libcst's provider on every node of every
Python fixture, a sample of the standard library, the benchmark's 160 KB module, hand-written
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
from migrator.treewalk import children_of, subtree, walk
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


def test_children_are_read_from_fields_a_node_visits_only_sometimes() -> None:
    # The first node of each type must not decide which fields count: `format_spec`
    # is visited only when there is one, `names` on one branch or another.
    for text in ("f'{a}'\nfrom m import *\n", "f'{a:>{b}}'\nfrom m import (x, y)\n"):
        module = cst.parse_module(text)
        assert all(children_of(node) == list(node.children) for node in walk(module).order)


def node_types_with_children() -> list[type[cst.CSTNode]]:
    import inspect

    from libcst._nodes.base import CSTNode

    kinds = {value for value in vars(cst).values() if isinstance(value, type) and issubclass(value, CSTNode)}
    return sorted((kind for kind in kinds if not inspect.isabstract(kind)), key=lambda kind: kind.__name__)


@pytest.mark.parametrize("kind", node_types_with_children(), ids=lambda kind: kind.__name__)
def test_the_fields_a_node_type_visits_are_read_as_its_source_names_them(kind: type[cst.CSTNode]) -> None:
    """Every concrete libcst node type: its code's constants name the fields of its
    ``visit_*(self, "field", ...)`` calls (its own method or one it inherits), in the
    order the source does."""
    import inspect
    import re

    from migrator.treewalk import fields_visited

    source = inspect.getsource(kind._visit_and_replace_children)
    visits = re.findall(r"""\bvisit_\w+\(\s*self\s*,\s*["'](\w+)["']""", source)
    assert fields_visited(kind) == tuple(dict.fromkeys(visits))


def test_most_node_types_visit_fields() -> None:
    from migrator.treewalk import fields_visited

    assert sum(1 for kind in node_types_with_children() if fields_visited(kind)) > 100


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_parents_positions_and_contexts_are_libcsts_for_generated_programs(text: str) -> None:
    module = parsed(text)
    assume(module is not None)
    assert module is not None
    assert_same_metadata(module)
    assert_same_expression_contexts(module)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_node())
def test_parents_positions_and_contexts_are_libcsts_for_generated_trees(text: str) -> None:
    module = parsed(text)
    assume(module is not None)
    assert module is not None
    assert_same_metadata(module)
    assert_same_expression_contexts(module)
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


def assert_same_runs(cwd: Path, *paths: str, fixes: bool = True, every_fix_run: bool = True) -> None:
    """The same check (and fix) results with the shortcuts as with libcst's providers; on the
    biggest inputs only the ``--unsafe-fixes`` run, whose diff holds the safe fixes too."""
    runs = FIXES if every_fix_run else FIXES[1:]
    for command in (CHECK, *(runs if fixes else ())):
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
    assert_same_runs(tmp_path, "providers.py", every_fix_run=False)


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
    # files the quicker test above leaves out, big ones too (the whole sample took minutes)
    sample = stdlib_sample()
    small = [p for p in sample if p.stat().st_size < 40_000]
    library_tree(tmp_path, small[2::5] + [p for p in sample if p not in small][::2])
    assert_same_runs(tmp_path, ".", every_fix_run=False)


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
    from migrator.context import STRING_NODES, ModuleContext
    from migrator.engine import judgement_for
    from migrator.judgement import Location
    from migrator.prefilters import any_literal_may_name_a_model
    from migrator.reference import libcst_providers
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
        if not any_literal_may_name_a_model(context.nodes_of(*STRING_NODES), context.catalog):
            assert all(r is None or r.model is None for r in requests)
            nodes = context.nodes_of(cst.Call, cst.Dict)
            payloads = [r for node, r in zip(nodes, requests, strict=True) if isinstance(node, cst.Dict)]
            assert all(r is None for r in payloads)


# -- scopes: libcst's answers about a name, from the statements that spell it ------------------


def scope_signature(scope: object, name: str) -> object:
    """What the analysis reads of a scope about ``name``: its kind, the bindings of the
    name with their reads, the reads with what they refer to (nodes by identity)."""
    from libcst.metadata import Scope

    if not isinstance(scope, Scope):
        return scope
    bindings = frozenset((type(a).__name__, id(getattr(a, "node", None)),
                          frozenset(id(r.node) for r in a.references)) for a in scope.assignments[name])
    reads = frozenset((id(access.node), frozenset(id(getattr(r, "node", None)) for r in access.referents))
                      for access in scope.accesses[name])
    return type(scope).__name__, bindings, reads


def binding_signature(scope: object, node: cst.CSTNode, name: str) -> object:
    """What the analysis reads of a scope about what ``name`` is bound to, seen from
    ``node``: the qualified names, the bindings, what the node's own read refers to."""
    from libcst.metadata import Scope

    if not isinstance(scope, Scope):
        return scope
    referents = [frozenset(id(getattr(r, "node", None)) for r in access.referents)
                 for access in scope.accesses[name] if access.node is node]
    return (type(scope).__name__, scope.get_qualified_names_for(node),
            frozenset((type(a).__name__, id(getattr(a, "node", None))) for a in scope.assignments[name]),
            referents)


def assert_same_scopes(module: cst.Module, most: int = 400) -> object:
    from libcst.metadata import ScopeProvider

    from migrator import scopes

    walked = walk(module)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)

    def whole(node: cst.CSTNode) -> object:
        return scopes._resolved(full.get(node))

    by_kind: dict[type[cst.CSTNode], list[cst.CSTNode]] = {}
    for node in walked.order:
        by_kind.setdefault(type(node), []).append(node)

    def nodes_of(*kinds: type[cst.CSTNode]) -> list[cst.CSTNode]:
        return [node for kind in kinds for node in by_kind.get(kind, ())]

    index = scopes.ScopeIndex(module, walked.order, walked.parents, lambda: full, nodes_of)
    questions = [n for n in walked.order if isinstance(n, (cst.Name, cst.Attribute, cst.FunctionDef,
                                                           cst.ClassDef))]
    for node in questions[:: max(1, len(questions) // most)]:
        name = scopes.own_name(node)
        if name is not None:
            assert scope_signature(index.scope_of(node), name) == scope_signature(whole(node), name)
        root = scopes.root_name(node)
        if root is not None:
            scope, expected = index.scope_for_name(node, root), whole(node)
            assert scope_signature(scope, root) == scope_signature(expected, root)
            assert (scope.get_qualified_names_for(node) if scope else None) == \
                (expected.get_qualified_names_for(node) if expected else None)  # type: ignore[attr-defined]
            bound = index.scope_for_bindings(node, root)
            assert binding_signature(bound, node, root) == binding_signature(expected, node, root)
    return index


@pytest.fixture
def unlimited_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator import scopes

    monkeypatch.setattr(scopes, "MOST_OF_MODULE", 1.0)
    monkeypatch.setattr(scopes, "TOTAL_BUDGET", 1e9)


@pytest.fixture
def one_statement_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a single top-level statement may be analysed alone: every other question
    goes through the local-binding answer or to the whole module."""
    from migrator import scopes

    def affordable(index: scopes.ScopeIndex, items: frozenset[int]) -> bool:
        return len(items) == 1

    monkeypatch.setattr(scopes.ScopeIndex, "_affordable", affordable)


SCOPE_CASES = {
    "shadowing": "x = 1\ndef f(x=x):\n    y = x\n    def g():\n        nonlocal y\n        y = x\n"
                 "    return g\nclass C:\n    x = x\n    def m(self):\n        return x\n"
                 "def h():\n    print(x)\n    x = 2\n    global z\n    z = x\n[x for x in range(3)]\n",
    "typing": "from typing import TypeVar, cast, List as L\nimport typing as t\nN = 1\n"
              "T = TypeVar('T', bound='N')\nU = t.NewType(N, int)\nv: 'N' = cast('N', N)\n"
              "def f(a: L['N']) -> 'L[N]':\n    return a\n",
    "imports": "import os.path\nimport a.b.c as d\nfrom . import e\nfrom .f import g as h\nfrom m import *\n"
               "os.path.join(d.x, e, h)\nos.getenv('M')\n"
               "def k():\n    import os\n    return os.environ.get('X')\n",
    "classes": "class typing:\n    def cast(self): pass\n"
               "class A:\n    class B:\n        m = 1\n    n = B.m\n",
    "comprehensions": "a = [b for b in c if b]\nd = {e: f for e, f in g}\nh = (i for i in j for j in i)\n",
    "local-bindings": "model = 'g'\nclass K:\n    model = 'k'\n    def m(self, x):\n        return model, x\n"
                      "    y = [model for model in 'ab'] + [model]\n"
                      "def f(model='p'):\n    def g():\n        nonlocal model\n        return model\n"
                      "    def h():\n        global model\n        model = 'h'\n        return model\n"
                      "    return [model for _ in g()], lambda: model\n"
                      "def k():\n    print(model)\n    if model:\n        model = 1\n    del model\n",
    "walrus-match": "if (n := 10) > 5:\n    pass\nmatch p:\n    case {'k': v, **rest}:\n        w = v\n"
                    "    case [x, *ys] if x:\n        pass\n",
}


@pytest.mark.parametrize("name", sorted(SCOPE_CASES) + sorted(SOURCES))
def test_scope_answers_are_libcsts(name: str, unlimited_budget: None) -> None:
    module = parsed(SCOPE_CASES.get(name) or SOURCES[name])
    if module is None:
        pytest.skip("libcst does not parse it")
    assert_same_scopes(module)


@pytest.mark.parametrize("name", sorted(SCOPE_CASES) + sorted(SOURCES)[::4])
def test_scope_answers_one_statement_at_a_time_are_libcsts(name: str, one_statement_at_a_time: None) -> None:
    from libcst.metadata import ScopeProvider

    from migrator import scopes

    module = parsed(SCOPE_CASES.get(name) or SOURCES[name])
    if module is None:
        pytest.skip("libcst does not parse it")
    walked = walk(module)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    index = scopes.ScopeIndex(module, walked.order, walked.parents, lambda: full, lambda *kinds: [
        node for node in walked.order if isinstance(node, kinds)])
    questions = [n for n in walked.order if isinstance(n, (cst.Name, cst.Attribute))]
    for node in questions[:: max(1, len(questions) // 400)]:
        root = scopes.root_name(node)
        if root is not None:
            expected = scopes._resolved(full.get(node))
            index.whole_resolved = False  # each question as if it were the first
            bound = index.scope_for_bindings(node, root)
            assert binding_signature(bound, node, root) == binding_signature(expected, node, root)


@pytest.mark.parametrize("name", sorted(SCOPE_CASES) + sorted(SOURCES)[::3])
def test_expression_contexts_per_statement_are_libcsts(name: str) -> None:
    from libcst.metadata import ExpressionContextProvider

    from migrator.providers import expression_contexts

    module = parsed(SCOPE_CASES.get(name) or SOURCES[name])
    if module is None:
        pytest.skip("libcst does not parse it")
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ExpressionContextProvider)
    per_statement: dict[cst.CSTNode, object] = {}
    for statement in module.body:
        per_statement.update(expression_contexts(cst.Module(body=[statement])))
    assert per_statement == dict(full)


def assert_same_expression_contexts(module: cst.Module) -> None:
    """The whole module's contexts, and each node's alone (along the path from its
    top-level statement), are what libcst's provider gives."""
    from libcst.metadata import ExpressionContextProvider

    from migrator.providers import context_of, expression_contexts

    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ExpressionContextProvider)
    assert dict(expression_contexts(module)) == dict(expected)
    walked = walk(module)
    for statement in module.body:
        for node in subtree(statement):
            assert context_of(node, walked.parents, statement) == expected.get(node), \
                (type(node).__name__, module.code_for_node(node)[:60])


def test_the_cheaper_providers_apply_to_the_installed_libcst() -> None:
    """Otherwise libcst's own providers run (slower, the same answers): re-read its
    ``ExpressionContextVisitor`` and ``ScopeVisitor`` against ``migrator.providers``."""
    from migrator.providers import lean_scopes_apply, mirrors_libcst

    assert mirrors_libcst()
    assert lean_scopes_apply()


@pytest.mark.parametrize("name", sorted(SCOPE_CASES) + sorted(SOURCES))
def test_expression_contexts_are_libcsts(name: str) -> None:
    module = parsed(SCOPE_CASES.get(name) or SOURCES[name])
    if module is None:
        pytest.skip("libcst does not parse it")
    assert_same_expression_contexts(module)


EXPRESSION_CONTEXT_CASES = {
    "targets": "a, (b, *c), [d.e, f[g]] = h\ni = j = k\nl: m = n\no += p\ndel q, r.s, t[u:v, w]\n",
    "nested-stores": "for x, (y, z) in w:\n    pass\nelse:\n    v = 1\n"
                     "with a as (b, c), d() as e.f:\n    pass\n[g for h, *i in j if (k := h) for l in i]\n",
    "definitions": "@d(e)\nclass C(B, metaclass=M):\n    x: int = 1\n"
                   "    def f(self, a: 'A' = b, *c: C, d=e, **f) -> R[S]:\n        return lambda g, h=i: g\n",
    "excepts-imports": "import a.b as c\nfrom d import e as f, g\ntry:\n    pass\n"
                       "except (H, I) as j:\n    del j\n",
    "match": "match p:\n    case {'k': v, **rest}:\n        pass\n    case [x, *ys] if x:\n        pass\n"
             "    case C(a=b) as c:\n        pass\n",
    "subscripts": "a[b][c:d, ...] = e[f](g)[h]\n(i)[j] = (k)\n*l, = m\n",
}


@pytest.mark.parametrize("name", sorted(EXPRESSION_CONTEXT_CASES))
def test_expression_contexts_of_every_binding_form_are_libcsts(name: str) -> None:
    module = cst.parse_module(EXPRESSION_CONTEXT_CASES[name])
    assert_same_expression_contexts(module)


def test_expression_contexts_of_the_benchmark_module_are_libcsts() -> None:
    assert_same_expression_contexts(cst.parse_module(benchmark_module()))


def test_scope_answers_of_the_benchmark_module_are_libcsts(unlimited_budget: None) -> None:
    from migrator.scopes import ScopeIndex

    index = assert_same_scopes(cst.parse_module(benchmark_module(size=40_000)), most=2_000)
    assert isinstance(index, ScopeIndex)
    assert index._analyses and not index.whole_resolved  # answered without the whole module


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_scope_answers_are_libcsts_for_generated_programs(text: str) -> None:
    from migrator import scopes

    module = parsed(text)
    assume(module is not None)
    assert module is not None
    budget = scopes.MOST_OF_MODULE, scopes.TOTAL_BUDGET
    scopes.MOST_OF_MODULE, scopes.TOTAL_BUDGET = 1.0, 1e9
    try:
        assert_same_scopes(module)
    finally:
        scopes.MOST_OF_MODULE, scopes.TOTAL_BUDGET = budget


def test_the_direct_scope_analysis_is_the_wrappers() -> None:
    from libcst.metadata import ScopeProvider

    from migrator.scopes import scope_metadata

    module = cst.parse_module(SCOPE_CASES["typing"] + SCOPE_CASES["shadowing"])
    direct = scope_metadata(module)
    resolved = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    nodes = walk(module).order  # (the strings parsed as annotations are new nodes each time)
    assert [type(direct.get(node)) for node in nodes] == [type(resolved.get(node)) for node in nodes]
    assert [n for n in nodes if n in direct] == [n for n in nodes if n in resolved]


# -- modules deeper than libcst's recursion: the same findings as before ----------------------


DEEP_MODULES = {
    "and-chain-30000": 'x = "deepseek-chat"\ny = 1' + " and 1" * 30_000 + "\n",
    "and-chain-600": 'x = "deepseek-chat"\ny = 1' + " and 1" * 600 + "\n",
    "and-chain-150": 'x = "deepseek-chat"\ny = 1' + " and 1" * 150 + "\n",
    "concatenation-800": 'x = "deepseek-chat"\ny = (' + ' "a"' * 800 + ")\n",
    "deep-and-hit": 'y = "deepseek-reasoner"' + " and 1" * 2_000 + "\n",
}


@pytest.mark.parametrize("name", sorted(DEEP_MODULES))
def test_a_module_deeper_than_libcsts_recursion_gives_the_same_findings(name: str, tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text(DEEP_MODULES[name])
    assert_same_runs(tmp_path, "deep.py", fixes=False)


def dir_method_names(cls: type) -> tuple[str, ...]:
    """What libcst's ``get_visitors`` finds, read as it reads it: every name of ``dir``."""
    import inspect

    return tuple(name for name in dir(cls) if name.startswith(("visit_", "leave_"))
                 and inspect.isfunction(getattr(cls, name))
                 and not getattr(getattr(cls, name), "_is_no_op", False))


class _OverridesWithNonMethods(cst.BatchableCSTVisitor):
    visit_Name = None  # a hook switched off by a non-function
    leave_Call = 3

    def visit_Call(self, node: cst.Call) -> None:
        pass


class _OnlySwitchesOff(cst.BatchableCSTVisitor):
    visit_Name = None  # no real hook of its own: read like libcst's no-op bases


class _BelowTheSwitch(_OnlySwitchesOff):
    def leave_Name(self, original_node: cst.Name) -> None:
        pass


class _OverridesAgain(_OverridesWithNonMethods):
    def visit_Name(self, node: cst.Name) -> None:  # type: ignore[override]
        pass


def visitor_classes() -> list[type]:
    from libcst.metadata import ExpressionContextProvider, ScopeProvider
    from libcst.metadata import scope_provider as libcst_scopes

    from migrator import traversal
    from migrator.providers import LeanScopeVisitor
    from migrator.rules import ALL_CODES, rule_info

    rules = [rule_info(code) for code in ALL_CODES]
    return [*(rule for rule in rules if issubclass(rule, cst.BatchableCSTVisitor)),
            traversal._CommentCollector, ExpressionContextProvider, ScopeProvider,
            libcst_scopes.ScopeVisitor, LeanScopeVisitor, cst.BatchableCSTVisitor, cst.CSTVisitor,
            _OverridesWithNonMethods, _OverridesAgain, _OnlySwitchesOff, _BelowTheSwitch]


@pytest.mark.parametrize("cls", visitor_classes(), ids=lambda c: c.__qualname__)
def test_a_visitors_hooks_are_the_ones_dir_finds(cls: type) -> None:
    from migrator.treewalk import visitor_method_names

    assert visitor_method_names(cls) == dir_method_names(cls)  # type: ignore[arg-type]
