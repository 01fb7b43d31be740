"""Unquoted `.env`, INI and CFG values are fixed through the real CLI (issue 14, item 3).

`KEY=deepseek-chat` happens to parse as Python (a subtraction); the fix used to be
refused because it was verified as if it were Python source.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.catalog import load_catalog
from migrator.judgement import Judgement
from migrator.rules import ALL_CODES
from migrator.sources.base import Document, ReadRequest
from migrator.sources.configfiles import read

from .conftest import TODAY_DT, run_cli

CASES = [
    (".env", ["DEEPSEEK_MODEL=deepseek-chat"], ["DEEPSEEK_MODEL=deepseek-v4-flash"]),
    (".env", ["DEEPSEEK_MODEL = deepseek-chat # fast"],
     ["DEEPSEEK_MODEL = deepseek-v4-flash # fast"]),
    ("app.ini", ["[llm]", "model=deepseek-chat"], ["[llm]", "model=deepseek-v4-flash"]),
    ("setup.cfg", ["[llm]", "model = deepseek-chat"], ["[llm]", "model = deepseek-v4-flash"]),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize(("name", "before", "after"), CASES, ids=lambda v: str(v))
def test_unsafe_fix_rewrites_an_unquoted_value(tmp_path: Path, newline: str, name: str,
                                               before: list[str], after: list[str]) -> None:
    path = tmp_path / name
    path.write_bytes(newline.join(before).encode() + newline.encode())
    safe = run_cli("fix", "--output-format", "concise", name, cwd=tmp_path)
    assert safe.returncode == 1
    assert b"rerun with --unsafe-fixes" in safe.stdout
    assert path.read_bytes() == newline.join(before).encode() + newline.encode()

    result = run_cli("fix", "--unsafe-fixes", "--output-format", "json", name, cwd=tmp_path)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert b"fixes not applied" not in result.stdout + result.stderr
    assert json.loads(result.stdout)["findings"] == []
    assert path.read_bytes() == newline.join(after).encode() + newline.encode()
    assert run_cli("check", name, cwd=tmp_path).returncode == 0


def _document(name: str, text: str) -> Document:
    judgement = Judgement(load_catalog(), TODAY_DT, "deepseek-v4-flash")
    kind = "env" if name.endswith(".env") else "ini"
    return read(text.encode(), ReadRequest(name, frozenset(ALL_CODES), kind), judgement)


@pytest.mark.parametrize(("name", "before", "rewritten"), [
    (".env", "A=deepseek-chat # fast\n", b"A=deepseek-v4-flash # fast\n"),
    ("a.ini", "[llm]\nmodel = deepseek-chat\n", b"[llm]\nmodel = deepseek-v4-flash\n"),
])
def test_verification_accepts_a_changed_value(name: str, before: str, rewritten: bytes) -> None:
    document = _document(name, before)
    assert document.reparse is not None and document.reparse(rewritten)


@pytest.mark.parametrize(("name", "before", "rewritten"), [
    (".env", "A=deepseek-chat # fast\n", b"B=deepseek-v4-flash # fast\n"),  # a key changed
    (".env", "A=deepseek-chat # fast\n", b"A=deepseek-v4-flash # slow\n"),  # a comment changed
    (".env", "A=deepseek-chat # fast\n", b"A=deepseek-v4 # fast\nB=flash\n"),  # a new line
    ("a.ini", "[llm]\nmodel = deepseek-chat\n", b"[llm]\nmodel = a ; b\n"),  # value became comment
    ("a.ini", "[llm]\nmodel = deepseek-chat\n", b"[api]\nmodel = deepseek-v4-flash\n"),
])
def test_verification_refuses_a_change_outside_values(name: str, before: str,
                                                      rewritten: bytes) -> None:
    document = _document(name, before)
    assert document.reparse is not None and not document.reparse(rewritten)
