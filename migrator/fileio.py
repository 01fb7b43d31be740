"""Replacing a file atomically, and only if nobody changed it since we read it; writing a
file of the tool's own (a cache) so that readers see all of it or none."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


class WriteRefused(Exception):
    """The file was not written; the message says why (the original is untouched)."""


@dataclass(frozen=True)
class Snapshot:
    """What the file was when it was read: bytes plus the stat fields that betray a change."""

    data: bytes
    size: int
    mtime_ns: int

    @classmethod
    def read(cls, path: str | Path) -> Snapshot:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read()
        return cls(data, info.st_size, info.st_mtime_ns)


def atomic_write(path: str | Path, data: bytes, expected: Snapshot | None = None) -> None:
    """Replace ``path`` by ``data``: temp file in the same directory, fsync, keep mode/owner, rename.

    Refuses a symlink (it would replace the link, not its target) and a file that
    changed since ``expected`` was taken. On any failure the original stays whole
    and no temporary file remains.
    """
    info = check_writable(path, expected)
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_permissions(temporary, info)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def replace_whole(path: str | Path, data: bytes, prefix: str, suffix: str) -> None:
    """Put ``data`` at ``path`` through a temporary file in its directory (named with
    ``prefix`` and ``suffix``) and a rename: a reader, another run among them, sees the old
    file or the new one, never part of one. Raises what the writing raises, and leaves no
    temporary file whatever happens."""
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def check_writable(path: str | Path, expected: Snapshot | None = None) -> os.stat_result:
    """What :func:`atomic_write` refuses, without writing: ``fix --diff`` refuses the same."""
    try:
        info = os.lstat(path)
    except OSError as error:
        raise WriteRefused(f"cannot stat: {error.strerror or error}") from None
    if stat.S_ISLNK(info.st_mode):
        raise WriteRefused("is a symbolic link; fix its target instead")
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("is not a regular file")
    if expected is not None and _changed(path, info, expected):
        raise WriteRefused("changed on disk since it was read; rerun to fix it")
    return info


def _changed(path: str | Path, info: os.stat_result, expected: Snapshot) -> bool:
    if info.st_size != expected.size or info.st_mtime_ns != expected.mtime_ns:
        return True
    with open(path, "rb") as handle:
        return handle.read() != expected.data


def _copy_permissions(temporary: str, info: os.stat_result) -> None:
    os.chmod(temporary, stat.S_IMODE(info.st_mode))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(temporary, info.st_uid, info.st_gid)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform can open a directory."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    try:
        descriptor = os.open(directory, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
