"""Every write goes through ``atomic_write``: a failure at any step leaves the original whole."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import fileio
from migrator.fileio import Snapshot, WriteRefused, atomic_write

from .conftest import TODAY

OLD, NEW = b'MODEL = "deepseek-chat"\r\n', b'MODEL = "deepseek-v4-flash"\r\n'


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def original(tmp_path: Path) -> Path:
    path = tmp_path / "app.py"
    path.write_bytes(OLD)
    path.chmod(0o640)
    return path


def test_replaces_content_and_keeps_permissions(original: Path) -> None:
    atomic_write(original, NEW, Snapshot.read(original))
    assert original.read_bytes() == NEW
    assert stat.S_IMODE(original.stat().st_mode) == 0o640
    assert leftovers(original.parent) == []


@pytest.mark.parametrize("failing", ["fsync", "chmod", "replace"])
def test_failure_at_any_step_leaves_original_and_no_temporary(
        original: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, failing, fail)
    with pytest.raises(OSError):
        atomic_write(original, NEW, Snapshot.read(original))
    monkeypatch.undo()
    assert original.read_bytes() == OLD
    assert leftovers(original.parent) == []


def test_interrupt_during_write_leaves_original(original: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(original, NEW, Snapshot.read(original))
    monkeypatch.undo()
    assert original.read_bytes() == OLD
    assert leftovers(original.parent) == []


def test_file_changed_since_read_is_refused(original: Path) -> None:
    snapshot = Snapshot.read(original)
    original.write_bytes(OLD + b"# edited meanwhile\r\n")
    with pytest.raises(WriteRefused, match="changed on disk"):
        atomic_write(original, NEW, snapshot)
    assert original.read_bytes() == OLD + b"# edited meanwhile\r\n"


def test_same_size_change_with_restored_mtime_is_refused(original: Path) -> None:
    snapshot = Snapshot.read(original)
    original.write_bytes(OLD.replace(b"chat", b"CHAT"))
    os.utime(original, ns=(snapshot.mtime_ns, snapshot.mtime_ns))
    with pytest.raises(WriteRefused):
        atomic_write(original, NEW, snapshot)


def test_symlink_is_refused_and_target_untouched(original: Path) -> None:
    link = original.parent / "link.py"
    link.symlink_to(original)
    with pytest.raises(WriteRefused, match="symbolic link"):
        atomic_write(link, NEW, Snapshot.read(link))
    assert original.read_bytes() == OLD and link.is_symlink()


def limit_file_size() -> None:
    """A file-size limit fails the write with EFBIG, even for root (unlike permissions)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(OLD), len(OLD)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_cli_names_the_file_it_could_not_write(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(OLD)
    env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "migrator", "fix", "--unsafe-fixes", "--workers", "1", "app.py"],
        cwd=tmp_path, env=env, capture_output=True, preexec_fn=limit_file_size, check=False)
    assert result.returncode != 0
    assert leftovers(tmp_path) == []
    assert b"app.py: not written" in result.stdout + result.stderr
    assert b"Traceback" not in result.stderr
    assert (tmp_path / "app.py").read_bytes() == OLD
