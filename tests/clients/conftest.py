from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from .harness import CLIENT_PACKAGES
from .standin import StandIn


@pytest.fixture(scope="session")
def standin() -> Iterator[StandIn]:
    """One recording stand-in per test process; each run clears its recording first."""
    missing = sorted(name for name in CLIENT_PACKAGES if importlib.util.find_spec(name) is None)
    if missing:
        pytest.fail(f"client libraries missing: {', '.join(missing)}; "
                    "install them with pip install -e '.[test,clients]'", pytrace=False)
    with StandIn() as server:
        yield server
