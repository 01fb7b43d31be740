"""Variants of the `notebook_cells` fixture project that must not keep their safe fix.

The notebook's code cells are read in order as one program (the client of cell 2, `MODEL` of
cell 3, the request of cell 4). Each case changes the cells a little (moves one, adds one)
and asks the real CLI for the DSM001 finding at one cell and line: its applicability, that
the reason names the use that decides it, and that `fix` leaves the notebook as it was when
the fix is not safe. Cases that stay safe show which cells the program accepts as harmless.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import FIXTURES, run_cli

PROJECT = FIXTURES / "projects" / "notebook_cells"
NOTEBOOK = "sentiment.ipynb"
Cells = list[dict[str, Any]]

REQUEST = "    response = client.chat.completions.create(model=MODEL"
SWITCH = 'extra_body={"thinking": {"type": "disabled"}}'


def code(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "source": source.splitlines(keepends=True),
            "execution_count": None, "outputs": []}


def appended(*sources: str) -> Callable[[Cells], Cells]:
    return lambda cells: [*cells, *(code(source) for source in sources)]


def inserted(at: int, source: str) -> Callable[[Cells], Cells]:
    return lambda cells: [*cells[:at], code(source), *cells[at:]]


def reordered(*order: int) -> Callable[[Cells], Cells]:
    return lambda cells: [cells[index] for index in order]


def rewritten(at: int, old: str, new: str) -> Callable[[Cells], Cells]:
    def change(cells: Cells) -> Cells:
        source = "".join(cells[at]["source"])
        assert source.count(old) == 1, (at, old)
        return [*cells[:at], code(source.replace(old, new)), *cells[at + 1:]]

    return change


@dataclass(frozen=True)
class Variant:
    id: str
    change: Callable[[Cells], Cells]
    finding: tuple[int, int]  # 1-based cell, line of the DSM001 finding asked about
    applicability: str  # safe | unsafe | none
    reason: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()  # for a safe finding: where its value is sent


def build(variant: Variant, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT / "before", root)
    notebook = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))
    notebook["cells"] = variant.change(notebook["cells"])
    (root / NOTEBOOK).write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    return root


def finding_at(root: Path, cell: int, line: int) -> dict[str, Any]:
    result = run_cli("check", "--output-format", "json", "--no-progress", "--no-cache",
                     "--exit-zero", cwd=root)
    assert result.returncode == 0, result.stderr.decode()
    findings = [f for f in json.loads(result.stdout)["findings"]
                if f["code"] == "DSM001" and f.get("cell") == cell and f["line"] == line]
    assert len(findings) == 1, json.loads(result.stdout)["findings"]
    found: dict[str, Any] = findings[0]
    return found


def reason_of(finding: dict[str, Any]) -> str:
    fix = finding.get("fix") or {}
    parts = [finding.get("message"), fix.get("description"), finding.get("unfixable_reason")]
    return "\n".join(part for part in parts if part)


def applicability_of(finding: dict[str, Any]) -> str:
    return "none" if finding.get("fix") is None else str(finding["fix"]["applicability"])


def places(finding: dict[str, Any]) -> list[str]:
    return sorted(f"{r['path']}:cell {r['cell']}:{r['line']}" for r in finding.get("requests", []))


VARIANTS = [
    # -- safety taken away ---------------------------------------------------------------
    Variant("request-cell-before-the-model-cell", reordered(0, 1, 3, 2), (4, 1), "unsafe",
            ("`MODEL` is also used in cell 3 of this notebook, and the cells are not read as one "
             "program (cell 3 reads `REVIEWS` before cell 4 binds it)",)),
    Variant("client-made-after-the-request", reordered(0, 2, 3, 1), (2, 1), "unsafe",
            ("(cell 3 reads `client` before cell 4 binds it)",)),
    Variant("model-rebound-in-a-later-cell", appended('MODEL = "deepseek-v4-pro"'), (3, 1),
            "unsafe", ("`MODEL` is assigned more than once",)),
    Variant("model-used-in-a-cell-that-does-not-parse", appended("print(MODEL"), (3, 1), "unsafe",
            ("`MODEL` is also used in cell 5 of this notebook, which does not parse",)),
    Variant("model-passed-to-a-bash-cell", appended('%%bash -s "$MODEL"\necho "$1"'), (3, 1),
            "unsafe", ("`MODEL` is also used in cell 5 of this notebook, whose body is not "
                       "Python (`%%bash`)",)),
    Variant("model-in-a-shell-escape", appended("!echo {MODEL} > model.txt"), (3, 1), "unsafe",
            ("`MODEL` is also used in cell 5 of this notebook, in IPython syntax",)),
    Variant("a-script-run-in-the-namespace", appended("%run -i settings.py"), (3, 1), "unsafe",
            ("`MODEL` is also used in cell 5 of this notebook, whose `%run` runs a script in the "
             "notebook's namespace: it may set any name",)),
    Variant("model-in-a-written-file", appended("%%writefile job.py\nprint(MODEL)"), (3, 1),
            "unsafe", ("`MODEL` is also used in cell 5 of this notebook, whose body is not run "
                       "in the notebook's namespace (`%%writefile`)",)),
    Variant("model-in-a-raw-cell",
            lambda cells: [*cells, {"cell_type": "raw", "metadata": {}, "source": ["MODEL"]}],
            (3, 1), "unsafe", ("`MODEL` is also used in cell 5 of this notebook, which is not "
                               "read as Python",)),
    Variant("wrapper-called-with-both-ids",
            lambda cells: [*cells[:2],
                           code("def label(model, review):\n"
                                "    return client.chat.completions.create(model=model, messages="
                                "[{\"role\": \"user\", \"content\": review}])"),
                           code('fast = label("deepseek-chat", "Great battery life.")'),
                           code('slow = label("deepseek-reasoner", "Broke after a week.")'),
                           *cells[2:]],
            (4, 1), "unsafe", ("`label` gets `deepseek-chat` (sentiment.ipynb:cell 4:1) and "
                               "`deepseek-reasoner` (sentiment.ipynb:cell 5:1)",)),
    # -- safety kept: what the program accepts -------------------------------------------
    Variant("bash-cell-with-the-id-of-its-own",
            appended("%%bash\ncurl https://api.deepseek.com/chat/completions "
                     "-d '{\"model\": \"deepseek-chat\"}'"),
            (3, 1), "safe", requests=("sentiment.ipynb:cell 4:2",)),
    Variant("model-read-in-a-function-defined-before-it",
            inserted(2, "def show():\n    print(MODEL)"), (4, 1), "safe",
            requests=("sentiment.ipynb:cell 5:2",)),
    Variant("a-cell-magic-run-in-the-namespace",
            rewritten(3, "for review", "%%time\nfor review"), (3, 1), "safe",
            requests=("sentiment.ipynb:cell 4:3",)),
    Variant("a-second-request-that-enables-thinking-itself",  # it keeps its own switch
            appended('client.chat.completions.create(model=MODEL, messages=[], '
                     'extra_body={"thinking": {"type": "enabled"}})'),
            (3, 1), "safe", requests=("sentiment.ipynb:cell 4:2", "sentiment.ipynb:cell 5:1")),
    Variant("a-second-request-in-a-later-cell",
            appended("again = client.chat.completions.create(model=MODEL, messages=[])"),
            (3, 1), "safe", requests=("sentiment.ipynb:cell 4:2", "sentiment.ipynb:cell 5:1")),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.id)
def test_variant(variant: Variant, tmp_path: Path) -> None:
    root = build(variant, tmp_path)
    finding = finding_at(root, *variant.finding)
    assert applicability_of(finding) == variant.applicability, reason_of(finding)
    text = reason_of(finding)
    missing = [fragment for fragment in variant.reason if fragment not in text]
    assert not missing, f"reason lacks {missing}: {text}"
    result = run_cli("fix", "--no-progress", "--no-cache", "--exit-zero", cwd=root)
    assert result.returncode == 0, result.stderr.decode()
    written = line_of(root, *variant.finding)
    if variant.applicability == "safe":
        assert places(finding) == sorted(variant.requests)
        assert finding["replacement"] in written and finding["model"] not in written
    else:
        assert finding["model"] in written


def line_of(root: Path, cell: int, line: int) -> str:
    cells = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    return "".join(cells[cell - 1]["source"]).splitlines()[line - 1]


def test_the_fix_edits_only_the_cells_it_names(tmp_path: Path) -> None:
    """A safe fix over two cells: the ID in cell 3, the switch in cells 4 and 5, nothing else."""
    variant = next(v for v in VARIANTS if v.id == "a-second-request-in-a-later-cell")
    root = build(variant, tmp_path)
    before = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    run_cli("fix", "--no-progress", "--no-cache", cwd=root)
    after = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    changed = [index + 1 for index, (old, new) in enumerate(zip(before, after, strict=True))
               if old != new]
    assert changed == [3, 4, 5]
    assert "".join(after[2]["source"]).startswith('MODEL = "deepseek-v4-flash"\n')
    assert all(SWITCH in "".join(after[index]["source"]) for index in (3, 4))
    assert all(old.keys() == new.keys() for old, new in zip(before, after, strict=True))


def test_a_noqa_comment_in_the_model_cell_still_counts(tmp_path: Path) -> None:
    variant = Variant("noqa", rewritten(2, 'MODEL = "deepseek-chat"\n',
                                        'MODEL = "deepseek-chat"  # noqa: DSM001\n'),
                      (3, 1), "safe")
    root = build(variant, tmp_path)
    result = run_cli("check", "--output-format", "json", "--no-progress", "--no-cache",
                     "--exit-zero", cwd=root)
    assert [f for f in json.loads(result.stdout)["findings"] if f["code"] == "DSM001"] == []


def test_the_request_is_written_with_its_cell_in_the_full_report(tmp_path: Path) -> None:
    root = build(Variant("as-is", lambda cells: cells, (3, 1), "safe"), tmp_path)
    result = run_cli("check", "--output-format", "full", "--no-progress", "--no-cache",
                     "--exit-zero", cwd=root)
    assert b"reaches sentiment.ipynb:cell 4:2 (OpenAI SDK)" in result.stdout


def test_sarif_related_location_keeps_the_cell(tmp_path: Path) -> None:
    root = build(Variant("as-is", lambda cells: cells, (3, 1), "safe"), tmp_path)
    result = run_cli("check", "--output-format", "sarif", "--no-progress", "--no-cache",
                     "--exit-zero", cwd=root)
    [related] = json.loads(result.stdout)["runs"][0]["results"][0]["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 1}
    assert related["properties"] == {"cell": 4, "cellLine": 2, "cellColumn": 16}
    assert "cell 4, line 2, column 16" in related["message"]["text"]
