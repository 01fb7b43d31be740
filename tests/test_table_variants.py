"""Lookup tables keyed by ID: the consistent rename is safe only as long as nothing else
looks into the table. One change each to a small project that must take safety away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TODAY

PRICES = 'PRICES = {\n    "deepseek-chat": 0.27,\n    "gpt-4o-mini": 0.15,\n}\n'
LOOKUP = 'from costs.prices import PRICES\n\n\ndef chat_price() -> float:\n' \
         '    return PRICES["deepseek-chat"]\n'
BASE = {
    "pyproject.toml": '[project]\nname = "costs"\n',
    "costs/__init__.py": "",
    "costs/prices.py": PRICES,
    "costs/bill.py": LOOKUP,
}


def project(tmp_path: Path, changes: dict[str, str]) -> Path:
    for name, text in {**BASE, **changes}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def table_findings(root: Path) -> dict[str, tuple[str | None, str]]:
    """(path, line) of each DSM001 -> (applicability, reason or description)."""
    env = dict(os.environ, DEEPSEEK_MIGRATE_TODAY=TODAY)
    done = subprocess.run([sys.executable, "-m", "migrator", "check", "--no-cache", "--no-progress",
                           "--output-format", "json", "."], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    found = {}
    for finding in json.loads(done.stdout)["findings"]:
        if finding["code"] == "DSM001":
            fix = finding.get("fix") or {}
            found[f"{finding['path']}:{finding['line']}"] = (
                fix.get("applicability"), finding.get("unfixable_reason") or fix.get("description", ""))
    return found


def test_a_table_read_only_by_literals_is_renamed_with_its_lookups(tmp_path: Path) -> None:
    found = table_findings(project(tmp_path, {}))
    assert found["costs/prices.py:2"][0] == "safe"
    assert found["costs/bill.py:5"][0] == "safe"
    assert "every lookup" in found["costs/prices.py:2"][1]


def test_a_re_exported_table_is_followed_to_the_importers_of_the_package(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "costs/__init__.py": "from .prices import PRICES\n",
        "app.py": 'from costs import PRICES\n\nprint(PRICES.get("deepseek-chat", 0.0))\n',
    })
    found = table_findings(root)
    assert [found[k][0] for k in ("costs/prices.py:2", "costs/bill.py:5", "app.py:3")] == ["safe"] * 3
    subprocess.run([sys.executable, "-m", "migrator", "fix", "--no-cache", "."], cwd=root,
                   env=dict(os.environ, DEEPSEEK_MIGRATE_TODAY=TODAY), check=True,
                   capture_output=True)
    for name in ("costs/prices.py", "costs/bill.py", "app.py"):
        text = (root / name).read_text()
        assert "deepseek-chat" not in text and "deepseek-v4-flash" in text


BLOCKING = {
    "iterated": ({"app.py": "from costs.prices import PRICES\n\nfor name in PRICES:\n    print(name)\n"},
                 "app.py:3"),
    "membership": ({"app.py": 'from costs.prices import PRICES\n\nKNOWN = "x" in PRICES\n'}, "app.py:3"),
    "looked up by a variable": ({"app.py": "from costs.prices import PRICES\n\n\ndef price(m):\n"
                                           "    return PRICES[m]\n"}, "app.py:5"),
    "stored into": ({"app.py": 'from costs.prices import PRICES\n\nPRICES["deepseek-chat"] = 0.3\n'},
                    "app.py:3"),
    "passed on": ({"app.py": "import json\nfrom costs.prices import PRICES\n\n"
                             "print(json.dumps(PRICES))\n"}, "app.py:4"),
    "module imported whole": ({"app.py": "import costs.prices\n\nprint(costs.prices.PRICES)\n"},
                              "app.py:1"),
    "bound twice": ({"costs/prices.py": PRICES + "PRICES = dict(PRICES)\n"}, "costs/prices.py"),
    "public API": ({"pyproject.toml": '[project]\nname = "costs"\n\n[tool.deepseek-migrate]\n'
                                      'public-api = ["costs"]\n'}, "public API"),
}


@pytest.mark.parametrize("variant", sorted(BLOCKING))
def test_any_other_use_of_the_table_keeps_the_key_unsafe(tmp_path: Path, variant: str) -> None:
    changes, named = BLOCKING[variant]
    found = table_findings(project(tmp_path, changes))
    applicability, reason = found["costs/prices.py:2"]
    assert applicability != "safe"
    assert named in reason
    assert found["costs/bill.py:5"][0] != "safe"


MERGING = {
    "the new key exists": {"costs/prices.py": PRICES.replace('"gpt-4o-mini"', '"deepseek-v4-flash"')},
    "another retired key renames alike": {
        "costs/prices.py": PRICES.replace('"gpt-4o-mini"', '"deepseek-reasoner"')},
    "the new key is looked up": {
        "app.py": 'from costs.prices import PRICES\n\nprint(PRICES.get("deepseek-v4-flash", 0))\n'},
}


@pytest.mark.parametrize("variant", sorted(MERGING))
def test_a_rename_that_merges_keys_or_lookups_gets_no_fix(tmp_path: Path, variant: str) -> None:
    found = table_findings(project(tmp_path, MERGING[variant]))
    assert found["costs/prices.py:2"][0] is None
    assert found["costs/bill.py:5"][0] is None
    assert "PRICES" in found["costs/bill.py:5"][1]


def test_a_dict_inside_a_function_is_no_table(tmp_path: Path) -> None:
    root = project(tmp_path, {"costs/prices.py": "def prices():\n    return " +
                              PRICES.split("= ", 1)[1].replace("\n    ", "\n        ")})
    found = table_findings(root)
    assert found["costs/prices.py:3"][0] != "safe"
