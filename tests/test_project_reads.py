"""The project model reads what a check needs: a warm import index opens no other file.

The import statements of each file are kept in the results cache under the file's
stamp; a run stats the project and opens only the files whose stamp changed, plus the
files the checked values reach. Counted with CPython's audit hook on ``open``, in a
process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TODAY

FILLERS = 3_000
CONFIG = 'MODEL = "deepseek-chat"\n'
CLIENT = (
    "from openai import OpenAI\n\n"
    "from pkg.config import MODEL\n\n"
    'client = OpenAI(base_url="https://api.deepseek.com")\n\n\n'
    "def ask(prompt):\n"
    "    return client.chat.completions.create(model=MODEL, messages=[{\"role\": \"user\", "
    "\"content\": prompt}])\n"
)
# Counts every .py file the check opens, then runs the real CLI in this process.
COUNTING = """
import json, os, sys
opened = set()
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, os.PathLike)):
        path = os.fspath(args[0])
        if path.endswith(".py") and os.path.realpath(path).startswith(ROOT):
            opened.add(os.path.relpath(os.path.realpath(path), ROOT))
ROOT = os.path.realpath(sys.argv[1])
sys.argv = ["deepseek-migrate", "check", "--workers", "1", "--output-format", "json",
            "--no-progress", "pkg/config.py"]
from migrator.cli import main
import contextlib, io
out = io.StringIO()
sys.addaudithook(hook)
with contextlib.redirect_stdout(out):
    try:
        main()
    except SystemExit:
        pass
print(json.dumps({"opened": sorted(opened), "report": json.loads(out.getvalue())}))
"""


def an_hour_ago(path: Path) -> None:
    past = time.time() - 3600
    os.utime(path, (past, past))


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    (root / "pyproject.toml").write_text('[project]\nname = "big"\n')
    package = root / "pkg"
    package.mkdir()
    files = {package / "__init__.py": "", package / "config.py": CONFIG,
             package / "client.py": CLIENT}
    for index in range(FILLERS):
        folder = package / f"part{index // 100}"
        files[folder / f"module_{index}.py"] = (
            f"import os\nfrom pkg.part{index // 100} import module_{(index + 1) % 100}\n"
            f"VALUE_{index} = {index}\n")
        files[folder / "__init__.py"] = ""
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        an_hour_ago(path)
    return root


def check_counting_opens(root: Path) -> dict[str, object]:
    env = dict(os.environ, DEEPSEEK_MIGRATE_TODAY=TODAY, NO_COLOR="1")
    done = subprocess.run([sys.executable, "-c", COUNTING, str(root)], cwd=root, env=env,
                          capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def dsm001(result: dict[str, object]) -> list[dict[str, object]]:
    report = result["report"]
    assert isinstance(report, dict)
    return [f for f in report["findings"] if f["code"] == "DSM001"]


def edit(path: Path, text: str) -> None:
    path.write_text(text)
    an_hour_ago(path)  # the stamp still differs: size, change time


def test_a_warm_check_of_one_file_opens_only_what_its_value_reaches(big_project: Path) -> None:
    config = big_project / "pkg" / "config.py"
    cold = check_counting_opens(big_project)
    edit(config, "# the model every request uses\n" + CONFIG)  # as pre-commit passes a changed file
    warm = check_counting_opens(big_project)

    assert len(cold["opened"]) > FILLERS  # type: ignore[arg-type]  # the first run reads the imports
    assert warm["opened"] == ["pkg/client.py", "pkg/config.py"]
    assert [(f["fix"], f["requests"]) for f in dsm001(warm)] == \
        [(f["fix"], f["requests"]) for f in dsm001(cold)]
    [finding] = dsm001(warm)
    assert finding["fix"]["applicability"] == "safe"
    assert [(r["path"], r["line"]) for r in finding["requests"]] == [("pkg/client.py", 9)]


def test_a_changed_file_is_read_again_and_its_new_import_counts(big_project: Path) -> None:
    check_counting_opens(big_project)  # the index is warm
    changed = big_project / "pkg" / "part7" / "module_700.py"
    edit(changed, 'from pkg.config import MODEL\n\nIS_CHAT = MODEL == "deepseek-chat"\n')

    result = check_counting_opens(big_project)

    assert "pkg/part7/module_700.py" in result["opened"]  # type: ignore[operator]
    [finding] = dsm001(result)
    assert finding["fix"]["applicability"] == "unsafe"
    assert "module_700.py" in json.dumps(finding)


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"format": 1, "root": 3}',
                                     b'{"format": 1, "files": {"x": [[1], [[1, 2]]]}}'])
def test_an_unreadable_import_index_is_a_re_read(tmp_path: Path, garbage: bytes) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    for name, text in {"__init__.py": "", "config.py": CONFIG, "client.py": CLIENT}.items():
        (package / name).write_text(text)
        an_hour_ago(package / name)
    expected = dsm001(check_counting_opens(tmp_path))
    index = tmp_path / ".deepseek-migrate-cache" / "imports.json"
    assert index.exists()
    index.write_bytes(garbage)
    edit(package / "config.py", CONFIG + "\n")  # a results-cache miss: the index is asked

    result = check_counting_opens(tmp_path)

    assert [f["requests"] for f in dsm001(result)] == [f["requests"] for f in expected]
    assert json.loads(index.read_bytes())["format"] == 1  # written afresh
