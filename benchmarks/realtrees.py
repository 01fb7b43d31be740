"""Real trees for the benchmarks: pinned releases of public packages that call DeepSeek.

    python benchmarks/realtrees.py            # fetch and unpack every tree (idempotent)
    python benchmarks/realtrees.py --list     # print the pins, one NAME==VERSION a line

``REAL_TREES`` is the one list of pins: every package in it calls DeepSeek and names a
retired ID (``deepseek-chat``/``deepseek-reasoner``/``deepseek-coder``) in its Python
sources at that version (checked with ``grep -rlE 'deepseek-(chat|reasoner|coder)'``).
The lead reuses the same list to measure fix safety on real code.

Each release is fetched with pip as its source distribution
(``pip download --no-deps --no-binary :all: NAME==VERSION``) into
``benchmarks/corpora/downloads/`` (gitignored) and unpacked into
``benchmarks/corpora/real/NAME-VERSION/``. pip prepares an sdist's metadata, which needs
its build backend; where that fails (offline build dependencies) the release's wheel is
taken instead: it holds the same Python modules. Every unpacked tree is made the top of a
git repository of its own, as a checkout is.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = HERE / "corpora"
DOWNLOADS = CORPORA / "downloads"
REAL = CORPORA / "real"

REAL_TREES: tuple[str, ...] = (
    "litellm==1.110.2",  # ~3,000 modules, hundreds mention DeepSeek
    "chibi-bot==1.20.1",
    "codeguardian-ai==0.3.2",
    "deepseek-agent==0.6.6",
    "code-analyzer-b==0.2.4",
)


def pin_parts(pin: str) -> tuple[str, str]:
    name, _, version = pin.partition("==")
    return name, version


def tree_dir(pin: str) -> Path:
    name, version = pin_parts(pin)
    return REAL / f"{name}-{version}"


def _pip_download(pin: str, destination: Path, binary: str) -> Path | None:
    """The one archive pip downloads for ``pin`` (``binary``: the pip flag to use), or None."""
    staging = destination / f".staging-{pin_parts(pin)[0]}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", binary, ":all:",
         "-d", str(staging), pin],
        capture_output=True, text=True, timeout=900, check=False)
    archives = sorted(staging.iterdir())
    if done.returncode != 0 or len(archives) != 1:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    final = destination / archives[0].name
    archives[0].replace(final)
    staging.rmdir()
    return final


def download(pin: str) -> Path:
    """The release's sdist, else its wheel, downloaded once."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    name, version = pin_parts(pin)
    stems = {name.lower().replace("-", "_"), name.lower()}
    for existing in sorted(DOWNLOADS.iterdir()):
        stem = existing.name.lower()
        if any(stem.startswith(f"{s}-{version}") for s in stems) and not stem.startswith("."):
            return existing
    for binary in ("--no-binary", "--only-binary"):
        archive = _pip_download(pin, DOWNLOADS, binary)
        if archive is not None:
            return archive
    raise SystemExit(f"cannot download {pin} with pip (sdist nor wheel)")


def _safe_members(names: list[str]) -> None:
    for name in names:
        if name.startswith("/") or ".." in Path(name).parts:
            raise SystemExit(f"refusing archive member {name!r}")


def unpack(archive: Path, destination: Path) -> None:
    if archive.name.endswith((".tar.gz", ".tgz", ".tar.bz2")):
        with tarfile.open(archive) as tar:
            _safe_members(tar.getnames())
            tar.extractall(destination, filter="data")
    else:
        with zipfile.ZipFile(archive) as wheel:
            _safe_members(wheel.namelist())
            wheel.extractall(destination)


def fetch(pin: str) -> Path:
    """The unpacked tree of ``pin``, fetched on first use; its own git repository."""
    root = tree_dir(pin)
    stamp = root / ".git" / "benchmark-built"
    if stamp.exists() and stamp.read_text() == pin:
        return root
    archive = download(pin)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    unpack(archive, root)
    stamp.write_text(pin)
    return root


def fetch_all(pins: tuple[str, ...] = REAL_TREES) -> list[tuple[str, Path]]:
    return [(pin, fetch(pin)) for pin in pins]


# -- the one-file pre-commit case -------------------------------------------------------------

PROVIDER_BLOCK = '''

# --- provider {index}: {name} -------------------------------------------------------------
# Routed to deepseek-chat for short answers and deepseek-reasoner for hard ones.
{upper}_MODELS = {{
    "fast": "deepseek-chat",
    "deep": "deepseek-reasoner",
    "code": "deepseek-coder",
}}
{upper}_DEFAULT = "deepseek-chat"


class {camel}Client:
    """Talks to DeepSeek for {name}: deepseek-chat unless the task needs reasoning."""

    model = "deepseek-chat"
    timeout = {timeout}

    def __init__(self, api_key: str | None = None) -> None:
        self.client = OpenAI(api_key=api_key or os.environ.get("DEEPSEEK_API_KEY"),
                             base_url="https://api.deepseek.com")

    def complete(self, prompt: str, temperature: float = 0.{digit}) -> str:
        response = self.client.chat.completions.create(
            model="deepseek-chat",
            messages=[{{"role": "user", "content": prompt}}],
            temperature=temperature,
            max_tokens={tokens},
        )
        return response.choices[0].message.content or ""

    def reason(self, question: str) -> str:
        response = self.client.chat.completions.create(
            model="deepseek-reasoner",
            messages=[{{"role": "user", "content": question}}],
        )
        message = response.choices[0].message
        logger.debug("deepseek-reasoner answered %d chars", len(message.content or ""))
        return message.content or ""

    def pick(self, hard: bool) -> str:
        return {upper}_MODELS["deep" if hard else "fast"]


def {lower}_summary(items: list[dict[str, str]], limit: int = {limit}) -> list[str]:
    out = []
    for item in items[:limit]:
        title = item.get("title", "").strip()
        if not title:
            continue
        out.append(f"{{title}} ({{item.get('source', 'unknown')}})")
    return out


def {lower}_score(values: list[float]) -> float:
    if not values:
        return 0.0
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / len(values) * {weight}
'''

PRECOMMIT_HEADER = '''"""Provider registry: every LLM backend the service routes to (generated)."""

from __future__ import annotations

import logging
import os

from openai import OpenAI

logger = logging.getLogger(__name__)
'''

PRECOMMIT_BYTES = 160 * 1024
PRECOMMIT_NAME = "providers.py"


def precommit_module(size: int = PRECOMMIT_BYTES) -> str:
    """A deterministic module of about ``size`` bytes, dense with DeepSeek requests and IDs."""
    rng = random.Random(13)
    parts = [PRECOMMIT_HEADER]
    total = len(PRECOMMIT_HEADER)
    index = 0
    while total < size:
        name = f"tenant{index}"
        block = PROVIDER_BLOCK.format(
            index=index, name=name, upper=name.upper(), lower=name,
            camel=name.capitalize(), timeout=rng.randint(5, 120), digit=rng.randint(0, 9),
            tokens=rng.choice([256, 512, 1024, 2048]), limit=rng.randint(3, 50),
            weight=rng.randint(1, 9))
        parts.append(block)
        total += len(block)
        index += 1
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the pins and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(REAL_TREES))
        return 0
    for pin, root in fetch_all():
        modules = sum(1 for _ in root.rglob("*.py"))
        print(f"{pin}: {root} ({modules} Python modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
