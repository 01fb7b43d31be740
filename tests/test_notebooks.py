"""Notebooks: IPython masking, per-cell findings, and fixes whose diff is only the edited lines."""

from __future__ import annotations

import difflib
import json
import shutil
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.catalog import load_catalog
from migrator.findings import Finding, TextEdit
from migrator.judgement import Judgement
from migrator.rules import ALL_CODES
from migrator.sources import notebook
from migrator.sources.base import Document, ReadRequest

from .conftest import FIXTURES, TODAY_DT, run_cli

NOTEBOOKS = sorted((FIXTURES / "notebooks").glob("*.ipynb"))
FIXED = sorted((FIXTURES / "notebooks").glob("*.ipynb.fixed"))
JUDGE = Judgement(load_catalog(), TODAY_DT, "deepseek-v4-flash")


def read(data: bytes, codes: frozenset[str] = frozenset(ALL_CODES), path: str = "nb.ipynb") -> Document:
    return notebook.read(data, ReadRequest(path, codes, "notebook"), JUDGE)


def fix_edits(document: Document) -> list[TextEdit]:
    return [edit for f in document.findings if f.fix for edit in f.fix.edits]


def positions(findings: list[Finding]) -> list[str]:
    ordered = sorted(findings, key=lambda f: f.sort_key)
    return [f"{f.span.cell}:{f.span.line}:{f.span.column} {f.code}" for f in ordered]


def test_at_least_four_notebooks() -> None:
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_findings_match_the_sidecar(path: Path) -> None:
    lines = path.with_name(path.name + ".expected").read_text().splitlines()
    codes = frozenset(lines[0].removeprefix("# select: ").split(","))
    assert positions(read(path.read_bytes(), codes).findings) == lines[1:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_unedited_round_trip_is_byte_identical(path: Path) -> None:
    document = read(path.read_bytes())
    assert document.render is not None and document.render([]) == path.read_bytes()


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    return removed, added


@pytest.mark.parametrize("fixed", FIXED, ids=lambda p: p.name)
def test_fix_changes_only_the_edited_source_lines(fixed: Path) -> None:
    source = fixed.with_name(fixed.name.removesuffix(".fixed"))
    original = source.read_bytes()
    document = read(original)
    edits = fix_edits(document)
    assert document.render is not None and document.reparse is not None
    output = document.render(edits)
    assert output == fixed.read_bytes()
    assert document.reparse(output)
    before, after = json.loads(original), json.loads(output)
    edited = {edit.cell for edit in edits}
    # The JSON: everything but the edited cells' source is equal, outputs included.
    assert {k: v for k, v in before.items() if k != "cells"} == {
        k: v for k, v in after.items() if k != "cells"}
    for index, (old, new) in enumerate(zip(before["cells"], after["cells"], strict=True)):
        assert {k: v for k, v in old.items() if k != "source"} == {
            k: v for k, v in new.items() if k != "source"}
        expected_source = notebook.cell_source(old)
        if index in edited:
            from migrator.decoding import apply_edits

            cell_edits = [e for e in edits if e.cell == index]
            expected_source = apply_edits(expected_source, cell_edits)
            assert type(old["source"]) is type(new["source"])
        assert notebook.cell_source(new) == expected_source
    # The text: only lines holding an edited source line differ (a switch on a line of its
    # own adds a source line).
    removed, added = _changed_lines(original.decode(), output.decode())
    assert len(added) >= len(removed) >= 1
    for line in removed:
        assert any(e.cell is not None and _holds_edit(line, before, e) for e in edits), line


def _holds_edit(raw_line: str, before: dict[str, object], edit: TextEdit) -> bool:
    cells = before["cells"]
    assert isinstance(cells, list)
    source = notebook.cell_source(cells[edit.cell])  # type: ignore[index]
    start = source.rfind("\n", 0, edit.start) + 1
    return json.dumps(source[start : edit.end])[1:-1] in raw_line or \
        json.dumps(source[start : edit.end], ensure_ascii=False)[1:-1] in raw_line


def test_outputs_and_attachments_are_never_read() -> None:
    path = FIXTURES / "notebooks" / "outputs_mention.ipynb"
    findings = read(path.read_bytes()).findings
    assert {(f.span.cell, f.code) for f in findings} == {(1, "DSM002"), (2, "DSM001")}
    assert all(f.span.line <= 3 for f in findings)


def test_a_broken_cell_gets_dsm900_and_the_others_are_still_read() -> None:
    path = FIXTURES / "notebooks" / "broken_cell.ipynb"
    document = read(path.read_bytes())
    assert [(f.span.cell, f.code) for f in document.findings] == [(2, "DSM900"), (3, "DSM001")]
    assert document.render is not None


@pytest.mark.parametrize(("source", "python"), [
    ("%matplotlib inline\nx = 1", True),
    ("!pip install openai\nfiles = !ls\nenv = %env", True),
    ("if True:\n    %time f()\n    !echo hi\n", True),
    ("obj?\nobj.attr??\n?obj\n", True),
    ("%%time\nx = 1\n", True),
    ("%%writefile app.py\nimport os\n", True),
    ("%%bash\nfor i in 1 2; do echo $i; done\n", False),
    ("%%writefile notes.txt\nfree text: (\n", False),
])
def test_masking_keeps_length_and_parses(source: str, python: bool) -> None:
    import libcst as cst

    masked = notebook.mask_ipython(source)
    assert len(masked.text) == len(source) and masked.python is python
    if python:
        cst.parse_module(masked.text)


def test_modulo_continuation_lines_are_not_magics() -> None:
    source = 'x = (10\n% 3)\nMODEL = "deepseek-chat"\n'
    document = read(_notebook([source]))
    assert [f.code for f in document.findings] == ["DSM001"]


def test_bash_cell_gets_mentions_only_and_markdown_cells_too() -> None:
    cells = [("code", "%%bash\necho deepseek-chat  # noqa\necho deepseek-reasoner\n"),
             ("markdown", 'Use `"deepseek-chat"` no more')]
    findings = read(_notebook_cells(cells)).findings
    assert positions(findings) == ["1:3:6 DSM002", "2:1:7 DSM002"]


def test_non_python_kernel_cells_are_mentions_only() -> None:
    data = json.loads(_notebook(['model <- "deepseek-chat"']))
    data["metadata"] = {"kernelspec": {"language": "R", "name": "ir"}}
    findings = read(json.dumps(data).encode()).findings
    assert [f.code for f in findings] == ["DSM002"]


def test_noqa_and_skip_file_work_per_cell() -> None:
    cells = ['A = "deepseek-chat"  # noqa: DSM001', 'B = "deepseek-chat"']
    assert positions(read(_notebook(cells)).findings) == ["2:1:5 DSM001"]
    skip = ["# deepseek-migrate: skip-file", 'B = "deepseek-chat"']
    assert read(_notebook(skip)).findings == []
    # read cell by cell (cell 1 reads `B` before cell 3 binds it): the directive's own cell
    # has nothing to report, and still skips the file
    one_by_one = ["print(B)", "# deepseek-migrate: skip-file", 'B = "deepseek-chat"']
    assert read(_notebook(one_by_one)).findings == []
    assert positions(read(_notebook(one_by_one[::2])).findings) == ["2:1:5 DSM001"]


def test_not_a_notebook_is_dsm900_and_never_rewritten() -> None:
    for data in (b'{"cells": [', b'{"nbformat": 3, "worksheets": []}'):
        document = read(data)
        assert [f.code for f in document.findings] == ["DSM900"]
        assert document.render is None


def _notebook(sources: list[str]) -> bytes:
    return _notebook_cells([("code", source) for source in sources])


def _notebook_cells(cells: list[tuple[str, str]]) -> bytes:
    data = {"cells": [{"cell_type": kind, "metadata": {}, "source": source.splitlines(True),
                       **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                      for kind, source in cells],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return (json.dumps(data, indent=1) + "\n").encode()


_LINE = st.sampled_from(['x = 1\n', 'MODEL = "deepseek-chat"\n', '%time y = 2\n', "# café ✓\n",
                         'z = "deepseek-reasoner"\n', "\n"])


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.lists(_LINE, max_size=5), min_size=1, max_size=4),
       indent=st.sampled_from([None, 1, 2]), ascii_only=st.booleans(), as_string=st.booleans(),
       open_end=st.booleans())
def test_generated_notebooks_change_only_edited_sources(
        cells: list[list[str]], indent: int | None, ascii_only: bool, as_string: bool,
        open_end: bool) -> None:
    if open_end:  # Jupyter stores a cell's last line without its newline
        cells = [[*lines[:-1], lines[-1].rstrip("\n")] if lines else lines for lines in cells]
    data = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                       "source": "".join(lines) if as_string else lines} for lines in cells],
            "metadata": {"x": "ü"}, "nbformat": 4, "nbformat_minor": 5}
    original = json.dumps(data, indent=indent, ensure_ascii=ascii_only).encode()
    document = read(original)
    assert document.render is not None
    output = document.render(fix_edits(document))
    after = json.loads(output)
    for old, new in zip(data["cells"], after["cells"], strict=True):
        expected = notebook.cell_source(old).replace('"deepseek-chat"', '"deepseek-v4-flash"')
        expected = expected.replace('"deepseek-reasoner"', '"deepseek-v4-flash"')
        assert notebook.cell_source(new) == expected
        assert type(new["source"]) is type(old["source"])
    assert after["metadata"] == data["metadata"]
    assert ("\\u00fc" in output.decode()) is ascii_only


@cache
def _fix_command_exists() -> bool:
    return run_cli("fix", "--help").returncode == 0


def test_check_shows_the_cell_in_full_and_json_output() -> None:
    path = "fixtures/notebooks/broken_cell.ipynb"
    root = FIXTURES.parent
    full = run_cli("check", "--output-format", "full", "--no-progress", path, cwd=root)
    assert f"{path}:cell 3:1:46: DSM001".encode() in full.stdout
    report = json.loads(run_cli("check", "--output-format", "json", "--no-progress", path,
                                cwd=root).stdout)
    assert [(f["cell"], f["line"], f["code"]) for f in report["findings"]] == [
        (2, 2, "DSM900"), (3, 1, "DSM001")]


def test_fix_command_writes_the_fixed_notebooks(tmp_path: Path) -> None:
    if not _fix_command_exists():
        pytest.skip("`fix` is not a command yet")
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / path.name)
    run_cli("fix", "--unsafe-fixes", "--no-progress", ".", cwd=tmp_path)
    for path in NOTEBOOKS:
        fixed = path.with_name(path.name + ".fixed")
        expected = fixed.read_bytes() if fixed.exists() else path.read_bytes()
        assert (tmp_path / path.name).read_bytes() == expected, path.name


# -- the code cells as one program -----------------------------------------------------------

_CELL_TEXT = st.text(st.sampled_from("ab \n\r\t"), max_size=12)


@given(texts=st.lists(_CELL_TEXT, min_size=1, max_size=5), data=st.data())
@settings(max_examples=200, deadline=None)
def test_every_program_offset_maps_back_to_its_cell(texts: list[str], data: st.DataObject) -> None:
    """The joined program's spans and edits are those of the cell, counted from its start."""
    from migrator.cells import ProgramCells
    from migrator.lines import LineIndex

    indexes = sorted(data.draw(st.sets(st.integers(0, 9), min_size=len(texts), max_size=len(texts))))
    program = ProgramCells(list(zip(indexes, texts, strict=True)))
    assert program.text == "".join(text + "\n" for text in texts)
    cell = data.draw(st.integers(0, len(texts) - 1))
    text = texts[cell]
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    base = program.cells[cell].start
    assert program.text[base : base + len(text)] == text
    lines = LineIndex(text)
    span = program.span(base + start, base + end)
    assert (span.cell, span.line, span.column) == (indexes[cell] + 1, *lines.position(start))
    assert (span.end_line, span.end_column) == lines.position(end)
    edit = program.edit(base + start, base + end, "x")
    assert (edit.cell, edit.start, edit.end) == (indexes[cell], start, end)
    assert not program.spills(edit)
    if cell + 1 < len(texts):  # over the join into the next cell
        assert program.spills(program.edit(base + start, base + len(text) + 2, "x"))


def test_a_comment_line_of_the_program_is_a_line_of_its_cell() -> None:
    from migrator.cells import ProgramCells

    program = ProgramCells([(1, "a = 1\nb = 2"), (3, "\n# noqa\n")])
    assert program.cell_line(1) == (1, 2)
    assert program.cell_line(2) == (2, 2)
    assert program.cell_line(4) == (2, 4)  # the second line of cell 4 (0-based 3)


def test_a_cell_that_does_not_parse_alone_keeps_the_others_one_program() -> None:
    cells = [
        "from openai import OpenAI\nclient = OpenAI(base_url='https://api.deepseek.com')",
        "def broken(:\n    pass",
        "client.chat.completions.create(model='deepseek-chat', messages=[])",
    ]
    document = read(_notebook(cells))
    assert positions(document.findings) == ["2:2:1 DSM900", "3:1:38 DSM001"]
    [finding] = [f for f in document.findings if f.code == "DSM001"]
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert {edit.cell for edit in finding.fix.edits} == {2}
    assert [(r.cell, r.line, r.library) for r in finding.requests] == [(3, 1, "OpenAI SDK")]


@pytest.mark.parametrize(("cells", "early"), [
    (["MODEL = 1", "print(MODEL)"], None),
    (["print(MODEL)", "MODEL = 1"], "cell 1 reads `MODEL` before cell 2 binds it"),
    (["def f():\n    return MODEL", "MODEL = 1", "f()"], None),  # a body runs when called
    (["def f(m=MODEL):\n    pass", "MODEL = 1"], "cell 1 reads `MODEL` before cell 2 binds it"),
    (["lambda: MODEL", "MODEL = 1"], None),
    (["[m for m in range(3)]", "m = 1"], None),  # a comprehension's own variable
    (["[m for m in MODELS]", "MODELS = []"], "cell 1 reads `MODELS` before cell 2 binds it"),
    (["class C:\n    MODEL = 1", "print(MODEL)", "MODEL = 2"],
     "cell 2 reads `MODEL` before cell 3 binds it"),  # the class body binds C.MODEL only
    (["class C:\n    MODEL = 1\n    x = MODEL", "MODEL = 2"],  # a false alarm, on the safe side:
     "cell 1 reads `MODEL` before cell 2 binds it"),  # a read in a class body may be its own name
    (["import openai as oa", "oa.OpenAI()"], None),
    (["client.close()", "from openai import OpenAI\nclient = OpenAI()"],
     "cell 1 reads `client` before cell 2 binds it"),
    (["for r in R:\n    print(r)", "R = []"], "cell 1 reads `R` before cell 2 binds it"),
    (["for r in range(2):\n    print(r)"], None),
    (["print(len([]))"], None),  # builtins are bound nowhere in the notebook
])
def test_a_name_read_before_the_cell_that_binds_it(cells: list[str], early: str | None) -> None:
    import ast

    from migrator.sources.cellorder import first_early_read

    found = first_early_read([(index, ast.parse(source)) for index, source in enumerate(cells)])
    assert (found.describe() if found else None) == early


def test_cells_too_deep_to_analyse_together_are_read_one_by_one_as_before() -> None:
    """A long `and` chain parses (CPython and libcst) but is too deep for the joined program's
    walk: the cells are then separate documents, and a name another cell uses stays unsafe."""
    cells = [
        "from openai import OpenAI\nclient = OpenAI(base_url='https://api.deepseek.com')\n"
        "MODEL = 'deepseek-chat'",
        "y = 1" + " and 1" * 30000,
        "client.chat.completions.create(model=MODEL, messages=[])",
    ]
    [finding] = read(_notebook(cells)).findings
    assert (finding.span.cell, finding.span.line, finding.code) == (1, 3, "DSM001")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert finding.unfixable_reason == "`MODEL` is also used in another cell of this notebook"
