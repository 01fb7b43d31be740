"""The safe notebook variants (tests/test_notebook_variants.py) executed with the real OpenAI SDK.

Each variant of `notebook_cells` whose fix is safe is fixed by the real CLI; its `run.py`
runs the code cells in order in one namespace against the local stand-in of the API, before
and after: every request the same. Variants with IPython syntax (`%%time`, `%%bash`) are left
to the source-level tests: the driver executes plain Python.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_notebook_variants import NOTEBOOK, VARIANTS, Variant, build

from .effective import compare_runs
from .harness import run_program
from .standin import StandIn

pytestmark = pytest.mark.clients

SAFE = [variant for variant in VARIANTS if variant.applicability == "safe"]


def plain_python(root: Path) -> bool:
    cells = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    try:
        for cell in cells:
            if cell["cell_type"] == "code":
                ast.parse("".join(cell["source"]))
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("variant", SAFE, ids=lambda variant: variant.id)
def test_safe_notebook_variant_sends_the_same_requests(variant: Variant, standin: StandIn,
                                                      tmp_path: Path) -> None:
    before = build(variant, tmp_path / "before")
    if not plain_python(before):
        pytest.skip("IPython syntax: run.py executes plain Python cells")
    after = tmp_path / "after" / "project"
    shutil.copytree(before, after)
    result = run_cli("fix", "--no-progress", "--no-cache", cwd=after)
    assert b"Fixed 1 finding" in result.stdout, result.stdout.decode()
    sent = run_program(standin, ["run.py"], before, f"{variant.id} (before)")
    fixed = run_program(standin, ["run.py"], after, f"{variant.id} (after)")
    assert sent.requests, f"{variant.id} sent no request"
    assert compare_runs(sent.requests, fixed.requests) == []
