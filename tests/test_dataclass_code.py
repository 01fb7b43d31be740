"""The kept code of dataclass methods (``migrator.dataclass_code``): the same classes, and a
file that is never trusted beyond what it proves."""

from __future__ import annotations

import dataclasses
import json
import marshal
import os
import subprocess
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path

import pytest

from migrator import dataclass_code
from migrator.dataclass_code import FORMAT, CodeMemo, load
from tests.conftest import TODAY

# Imports libcst and every module of the tool, with the memo at argv[1] installed or not
# (argv[2]), then prints every method dataclasses generated, described to the bytecode.
DESCRIBE = """
import json, pkgutil, sys, types, importlib
path, mode = sys.argv[1], sys.argv[2]
from migrator import dataclass_code
memo = dataclass_code.install(path) if mode == "memo" else None
import migrator, libcst, libcst.metadata
for info in pkgutil.walk_packages(migrator.__path__, "migrator."):
    if not info.name.startswith("migrator.__main__"):
        importlib.import_module(info.name)

def code(c):
    return [c.co_name, c.co_qualname, c.co_filename, c.co_firstlineno, c.co_flags, c.co_code.hex(),
            c.co_names, c.co_varnames, c.co_freevars, c.co_cellvars, c.co_linetable.hex(),
            c.co_exceptiontable.hex(),
            [code(k) if isinstance(k, types.CodeType) else repr(k) for k in c.co_consts]]

methods = {}
for name, module in sorted(sys.modules.items()):
    if not name.startswith(("libcst", "migrator")):
        continue
    for cls in list(vars(module).values()):
        if isinstance(cls, type) and "__dataclass_fields__" in vars(cls) and cls.__module__ == name:
            for attribute, value in vars(cls).items():
                if isinstance(value, types.FunctionType) and value.__code__.co_filename == "<string>":
                    methods[f"{name}.{cls.__qualname__}.{attribute}"] = code(value.__code__)
added = memo.added if memo else None
if memo is not None:
    memo.save()
print(json.dumps({"methods": methods, "added": added, "kept": len(memo.codes) if memo else None}))
"""


def describe(path: Path, mode: str) -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-c", DESCRIBE, str(path), mode], capture_output=True,
                          text=True, env=env, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_classes_defined_from_kept_code_are_the_classes_defined_from_their_text(tmp_path: Path) -> None:
    path = tmp_path / "kept.marshal"
    plain = describe(path, "plain")
    first = describe(path, "memo")  # compiles every text, and writes them
    second = describe(path, "memo")  # compiles none: every class from kept code
    assert first["added"] == first["kept"]
    assert second["added"] == 0 and isinstance(second["kept"], int) and second["kept"] > 500
    methods = plain["methods"]
    assert isinstance(methods, dict) and len(methods) > 800
    assert first["methods"] == methods
    assert second["methods"] == methods


def define(memo: CodeMemo, monkeypatch: pytest.MonkeyPatch, *fields: str) -> type:
    """A dataclass with these fields, defined through the memo."""
    with monkeypatch.context() as patch:
        patch.setattr(dataclasses, "exec", memo.exec, raising=False)
        return dataclasses.make_dataclass("Defined", [(name, int) for name in fields], frozen=True)


@pytest.fixture(autouse=True)
def _writing_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def test_a_class_defined_through_the_memo_works_and_its_code_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kept.marshal"
    memo = CodeMemo(str(path))
    defined = define(memo, monkeypatch, "a", "b")
    assert defined(1, 2) == defined(a=1, b=2) != defined(1, 3)
    assert repr(defined(1, 2)) == "Defined(a=1, b=2)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        defined(1, 2).a = 3  # type: ignore[attr-defined]
    memo.save()
    again = CodeMemo(str(path))
    assert again.codes.keys() == memo.codes.keys() and memo.codes
    define(again, monkeypatch, "a", "b")
    assert again.added == 0


@pytest.mark.parametrize("content", [
    b"",
    b"not ours at all",
    MAGIC_NUMBER + FORMAT + b"\xe3truncated",
    b"\0\0\r\n" + FORMAT + marshal.dumps({}),  # another Python's magic number
    MAGIC_NUMBER + b"dataclass-code 0\n" + marshal.dumps({}),
    MAGIC_NUMBER + FORMAT + marshal.dumps(["a", "list"]),
    MAGIC_NUMBER + FORMAT + marshal.dumps({"def f(): pass": "not bytes",
                                           3: marshal.dumps(compile("1", "", "eval"))}),
], ids=["empty", "garbage", "truncated", "other-python", "other-format", "not-a-dict", "not-bytes"])
def test_a_file_that_proves_nothing_is_ignored_and_rewritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    path = tmp_path / "kept.marshal"
    path.write_bytes(content)
    memo = CodeMemo(str(path))
    assert memo.codes == {}
    defined = define(memo, monkeypatch, "x")
    assert defined(1).x == 1
    memo.save()
    assert load(str(path)).keys() == memo.codes.keys() != set()


def test_kept_bytes_that_are_not_code_are_compiled_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "kept.marshal")
    memo = CodeMemo(path)
    define(memo, monkeypatch, "x")
    memo.save()
    for broken in (b"\xff not marshal", marshal.dumps(5)):
        entries = {text: broken for text in load(path)}
        Path(path).write_bytes(MAGIC_NUMBER + FORMAT + marshal.dumps(entries))
        again = CodeMemo(path)
        defined = define(again, monkeypatch, "x")
        assert defined(4) == defined(x=4) and repr(defined(4)) == "Defined(x=4)"
        assert again.added == len(entries)


def test_two_processes_saving_at_once_keep_both_their_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "kept.marshal")
    first, second = CodeMemo(path), CodeMemo(path)  # both loaded before either saved
    define(first, monkeypatch, "only_in_the_first")
    define(second, monkeypatch, "only_in_the_second")
    first.save()
    second.save()
    kept = "\n".join(load(path))
    assert "only_in_the_first" in kept and "only_in_the_second" in kept


def test_a_file_past_the_limit_keeps_only_what_this_process_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "kept.marshal")
    old = CodeMemo(path)
    for index in range(5):
        define(old, monkeypatch, f"old_field_{index}")
    old.save()
    monkeypatch.setattr(dataclass_code, "MOST_ENTRIES", 3)
    current = CodeMemo(path)
    define(current, monkeypatch, "current_field")
    current.save()
    kept = "\n".join(load(path))
    assert "current_field" in kept and "old_field" not in kept


def test_nothing_is_written_without_bytecode_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kept.marshal"
    memo = CodeMemo(str(path))
    define(memo, monkeypatch, "x")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    memo.save()
    assert not path.exists()


def test_an_unwritable_place_is_no_error_and_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    memo = CodeMemo(str(blocker / "kept.marshal"))  # its directory cannot be made
    define(memo, monkeypatch, "x")
    memo.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_the_command_line_and_its_worker_fill_the_file_beside_the_bytecode(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text('MODEL = "deepseek-chat"\n')
    prefix = tmp_path / "pycache"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(prefix), DEEPSEEK_MIGRATE_TODAY=TODAY)

    def report() -> str:
        done = subprocess.run([sys.executable, "-m", "migrator", "check", "--no-cache", "--workers", "2",
                               "--output-format", "json", "."], cwd=project, env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 1, done.stderr
        return "\n".join(line for line in done.stdout.splitlines() if '"elapsed"' not in line)

    first = report()
    kept = list(prefix.rglob("dataclass-code.*.marshal"))
    assert len(kept) == 1
    texts = load(str(kept[0]))
    assert len(texts) > 500  # libcst's node classes too: the worker saved what it compiled
    assert report() == first
