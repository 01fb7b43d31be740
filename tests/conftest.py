from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed so a run can be reproduced exactly; locally they
# keep exploring new examples (and remember failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TODAY = "2026-11-28T00:00:00Z"
TODAY_DT = datetime(2026, 11, 28, tzinfo=timezone.utc)

# The end of a script run with ``python -c SCRIPT ARGS``: the command line ARGS, run as
# ``python -m migrator`` runs it (a script ending so imports sys and runpy).
RUN_AS_THE_COMMAND_LINE = """
sys.argv = ["deepseek-migrate", *sys.argv[1:]]
try:
    runpy.run_module("migrator", run_name="__main__")
except SystemExit:
    pass
"""


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_MIGRATE_TODAY", TODAY)
    monkeypatch.delenv("NO_COLOR", raising=False)


def run_subprocess(*args: str, cwd: Path | None = None, input: bytes | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m migrator`` in a subprocess, as a user would (imports, pools, signals)."""
    full_env = {**os.environ, "DEEPSEEK_MIGRATE_TODAY": TODAY, **(env or {})}
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, input=input,
                          capture_output=True, env=full_env, check=False)


def run_cli(*args: str, cwd: Path | None = None, input: bytes | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the real command line in this process (click's CliRunner): same exit code and
    output as :func:`run_subprocess`, without a Python start-up per call."""
    from click.testing import CliRunner

    from migrator.cli import main

    previous = os.getcwd()
    os.chdir(cwd or previous)
    try:
        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False,
                                    env={"DEEPSEEK_MIGRATE_TODAY": TODAY, **(env or {})})
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["deepseek-migrate", *args], result.exit_code,
                                       result.stdout_bytes, result.stderr_bytes or b"")


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    return run_cli
