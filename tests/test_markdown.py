"""Markdown: fenced Python blocks with the Python rules, in the Markdown file's coordinates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migrator.catalog import load_catalog
from migrator.judgement import Judgement
from migrator.rules import ALL_CODES
from migrator.sources import markdown
from migrator.sources.base import Document, ReadRequest

from .conftest import FIXTURES, TODAY_DT, run_cli

FOLDER = FIXTURES / "markdown"
DOCS = sorted(FOLDER.glob("*.md"))
JUDGE = Judgement(load_catalog(), TODAY_DT, "deepseek-v4-flash")


def read(text: str, codes: frozenset[str] = frozenset(ALL_CODES)) -> Document:
    return markdown.read(text.encode(), ReadRequest("doc.md", codes, "markdown"), JUDGE)


def positions(document: Document) -> list[str]:
    ordered = sorted(document.findings, key=lambda f: f.sort_key)
    return [f"{f.span.line}:{f.span.column} {f.code}" for f in ordered]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_findings_match_the_sidecar(path: Path) -> None:
    lines = path.with_name(path.name + ".expected").read_text().splitlines()
    codes = frozenset(lines[0].removeprefix("# select: ").split(","))
    assert positions(read(path.read_text(), codes)) == lines[1:]


def test_fix_edits_land_in_the_markdown_file() -> None:
    path = FOLDER / "guide.md"
    document = read(path.read_text())
    edits = [edit for f in document.findings if f.fix for edit in f.fix.edits]
    assert document.render is not None and document.reparse is not None
    output = document.render(edits)
    assert output == path.with_name("guide.md.fixed").read_bytes()
    assert document.reparse(output)


def test_lines_and_columns_are_the_markdown_files() -> None:
    text = "intro\n\n```python\nx = 1\nMODEL = 'deepseek-chat'\n```\n"
    (finding,) = read(text).findings
    assert (finding.span.line, finding.span.column, finding.code) == (5, 9, "DSM001")
    assert finding.fix is not None
    assert document_render(text, finding.fix.edits).splitlines()[4] == "MODEL = 'deepseek-v4-flash'"


def document_render(text: str, edits: object) -> str:
    document = read(text)
    assert document.render is not None
    return document.render(edits).decode()  # type: ignore[arg-type]


def test_unparsable_python_block_is_prose_not_dsm900() -> None:
    assert positions(read("```python\nf(model='deepseek-chat', ...\n```\n")) == ["2:10 DSM002"]


def test_unclosed_fence_runs_to_the_end() -> None:
    assert positions(read("````py\nM = 'deepseek-reasoner'\n")) == ["2:5 DSM001"]


def test_html_comment_suppresses_its_line_or_the_next() -> None:
    text = ("<!-- deepseek-migrate: ignore[DSM002] -->\ndeepseek-chat\n"
            "deepseek-chat <!-- deepseek-migrate: ignore -->\ndeepseek-reasoner\n")
    assert positions(read(text)) == ["4:1 DSM002"]


def test_markdown_is_read_only_when_included(tmp_path: Path) -> None:
    shutil.copy(FOLDER / "guide.md", tmp_path / "guide.md")
    plain = json.loads(run_cli("check", "--output-format", "json", "--no-progress", ".",
                               cwd=tmp_path).stdout)
    assert plain["findings"] == []
    included = json.loads(run_cli("check", "--output-format", "json", "--no-progress",
                                  "--extend-include", "*.md", ".", cwd=tmp_path).stdout)
    lines = (FOLDER / "guide.md.expected").read_text().splitlines()[1:]
    assert [f"{f['line']}:{f['column']} {f['code']}" for f in included["findings"]] == lines


def test_fix_survives_a_block_nested_too_deeply_for_the_parser(tmp_path: Path) -> None:
    from .conftest import run_cli

    deep = "x = " + "(" * 6000 + "1" + ")" * 6000
    doc = tmp_path / "doc.md"
    doc.write_text(
        "```python\nclient.chat.completions.create(model=\"deepseek-chat\", messages=[])\n```\n\n"
        f"```python\n{deep}\n```\n", encoding="utf-8")
    result = run_cli("fix", "--unsafe-fixes", "--extend-include", "*.md", "doc.md", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    assert 'model="deepseek-v4-flash"' in doc.read_text(encoding="utf-8")
    assert deep in doc.read_text(encoding="utf-8")
