"""Run a fixture program in a subprocess, with the real client libraries, against the stand-in."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .standin import Recorded, StandIn

CHILD = Path(__file__).parent / "child"
ROOT = Path(__file__).parents[2]
FIX_FIXTURES = ROOT / "fixtures" / "fix"
PROJECTS = ROOT / "fixtures" / "projects"
DRIVER_SUFFIX = ".run"
TIMEOUT = 120

# Top-level import names of the client libraries a fixture may talk to DeepSeek through.
CLIENT_PACKAGES = frozenset({
    "openai", "anthropic", "litellm", "dspy", "langchain", "langchain_deepseek", "langchain_openai",
    "llama_index", "pydantic_ai", "requests", "httpx", "aiohttp",
})
# The agent frameworks of the `frameworks` extra, which CI does not install (see pyproject.toml).
FRAMEWORK_PACKAGES = frozenset({
    "crewai", "agents", "smolagents", "autogen_ext", "autogen_core", "agno", "haystack", "instructor",
})
DEEPSEEK_URL = "https://api.deepseek.com"
# Variables the libraries read for keys and base URLs: every base URL names DeepSeek, which the
# child's sitecustomize sends to the stand-in, so a library that reads them keeps DeepSeek's paths.
CLIENT_ENV = {
    "DEEPSEEK_API_KEY": "sk-standin", "OPENAI_API_KEY": "sk-standin", "ANTHROPIC_API_KEY": "sk-standin",
    "DEEPSEEK_BASE_URL": DEEPSEEK_URL, "DEEPSEEK_API_BASE": DEEPSEEK_URL,
    "OPENAI_BASE_URL": DEEPSEEK_URL, "OPENAI_API_BASE": DEEPSEEK_URL,
    "ANTHROPIC_BASE_URL": f"{DEEPSEEK_URL}/anthropic",
    # LiteLLM: the bundled model cost map, no telemetry, no callbacks.
    "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_TELEMETRY": "False", "LITELLM_LOG": "ERROR",
    # LangChain / LangSmith tracing and other telemetry off; hubs offline.
    "LANGCHAIN_TRACING_V2": "false", "LANGSMITH_TRACING": "false", "OTEL_SDK_DISABLED": "true",
    "DO_NOT_TRACK": "1", "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUTF8": "1",
}
# A variable the fixtures read for their model (os.getenv("DEEPSEEK_MODEL", ...)): never inherited.
DROPPED_ENV = ("DEEPSEEK_MODEL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
               "all_proxy", "PYTHONSTARTUP", "PYTHONHOME")


class ProgramFailed(AssertionError):
    pass


@dataclass(frozen=True)
class Run:
    requests: list[Recorded]
    errors: list[str]  # "program: Type: message" / "driver: ..." for each exception that ended a part
    stderr: str


def child_env(standin: StandIn, scratch: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
    env.update(CLIENT_ENV)
    env["DSM_STANDIN_URL"] = standin.url
    env["DSM_BLOCKED_LOG"] = str(scratch / "blocked.log")
    env["DSM_OUTCOME"] = str(scratch / "outcome.log")
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    # DSPy caches answers on disk: a cached "after" run would send nothing. A fresh cache per run.
    env["DSPY_CACHEDIR"] = str(scratch / "dspy-cache")
    env["PYTHONPATH"] = os.pathsep.join([str(CHILD), *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_program(standin: StandIn, argv: list[str], cwd: Path, label: str) -> Run:
    """Run ``python argv...`` in ``cwd``; the requests it sent, or an error that says what went wrong."""
    scratch = cwd.parent / f".{cwd.name}-scratch"
    scratch.mkdir(exist_ok=True)
    standin.clear()
    try:
        done = subprocess.run([sys.executable, *argv], cwd=cwd, env=child_env(standin, scratch),
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise ProgramFailed(f"{label}: no end after {TIMEOUT}s") from error
    blocked = scratch / "blocked.log"
    if blocked.exists():
        raise ProgramFailed(f"{label} tried to reach the network:\n{blocked.read_text()}\n{done.stderr}")
    if done.returncode != 0:
        raise ProgramFailed(f"{label} exited {done.returncode}:\n{done.stderr[-4000:]}")
    outcome = scratch / "outcome.log"
    errors = outcome.read_text(encoding="utf-8").splitlines() if outcome.exists() else []
    return Run(standin.requests(), errors, done.stderr)


# -- single-file fix fixtures -------------------------------------------------------------

def imported_names(source: Path) -> set[str]:
    """Top-level names of every module ``source`` imports."""
    tree = ast.parse(source.read_bytes())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def local_modules(source: Path) -> list[Path]:
    """``source`` and the fixtures it imports (the fixture directory is one project), transitively."""
    seen: list[Path] = []
    pending = [source]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.append(current)
        pending.extend(FIX_FIXTURES / f"{name}.py" for name in sorted(imported_names(current))
                       if (FIX_FIXTURES / f"{name}.py").exists())
    return seen


def uses_client_library(source: Path) -> bool:
    packages = CLIENT_PACKAGES | FRAMEWORK_PACKAGES
    return any(imported_names(module) & packages for module in local_modules(source))


def missing_frameworks(source: Path) -> list[str]:
    """The framework packages ``source``'s program imports that are not installed here."""
    import importlib.util

    names = set().union(*(imported_names(m) for m in local_modules(source))) & FRAMEWORK_PACKAGES
    return sorted(name for name in names if importlib.util.find_spec(name) is None)


def variant_of(source: Path, variant: str) -> Path:
    """The file for ``source`` in a variant: ``before``, ``fixed`` or ``unsafe-fixed``."""
    if variant == "before":
        return source
    path = source.with_name(f"{source.name}.{variant}")
    if variant == "unsafe-fixed" and not path.exists():
        path = source.with_name(f"{source.name}.fixed")
    return path


def driver_of(source: Path) -> Path | None:
    driver = source.with_name(source.name + DRIVER_SUFFIX)
    return driver if driver.exists() else None


def run_fix_fixture(standin: StandIn, source: Path, variant: str, work: Path) -> Run:
    """Stage ``source`` (and the fixtures it imports) in ``variant`` under ``work`` and run it."""
    folder = work / variant
    folder.mkdir(parents=True)
    for module in local_modules(source):
        shutil.copyfile(variant_of(module, variant), folder / module.name)
    argv = [str(CHILD / "run_fixture.py"), source.stem]
    driver = driver_of(source)
    if driver is not None:
        argv.append(str(driver))
    return run_program(standin, argv, folder, f"{source.name} ({variant})")


# -- multi-module projects ----------------------------------------------------------------

def project_names() -> list[str]:
    return sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()) if PROJECTS.is_dir() else []


def run_project(standin: StandIn, name: str, variant: str, work: Path) -> Run:
    folder = work / variant
    shutil.copytree(PROJECTS / name / variant, folder)
    return run_program(standin, ["run.py"], folder, f"project {name} ({variant})")


def run_source(standin: StandIn, source: str, name: str, work: Path, driver: Path | None = None) -> Run:
    """Run a program given as text (the negative controls build theirs from a fixture)."""
    work.mkdir(parents=True)
    (work / f"{name}.py").write_text(source, encoding="utf-8")
    argv = [str(CHILD / "run_fixture.py"), name, *([str(driver)] if driver else [])]
    return run_program(standin, argv, work, f"{name}.py (built by the test)")


def client_libraries(source: Path) -> list[str]:
    """The client packages ``source``'s program imports, with their installed versions."""
    from importlib.metadata import PackageNotFoundError, version

    distributions = {"llama_index": "llama-index-core", "pydantic_ai": "pydantic-ai-slim",
                     "langchain_deepseek": "langchain-deepseek", "langchain_openai": "langchain-openai"}
    names = sorted(set().union(*(imported_names(m) for m in local_modules(source))) & CLIENT_PACKAGES)
    described = []
    for name in names:
        try:
            described.append(f"{name} {version(distributions.get(name, name))}")
        except PackageNotFoundError:
            described.append(f"{name} (not installed)")
    return described
