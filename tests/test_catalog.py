"""The catalog: the bundled file validates, user catalogs (``--catalog``) merge over it or fail clearly."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from migrator.catalog import CatalogError, load_catalog, parse_utc

from .conftest import run_cli

APP = (
    "from openai import OpenAI\n"
    'client = OpenAI(base_url="https://api.deepseek.com")\n'
    'client.chat.completions.create(model="acme-chat-1", messages=[], temperature=0.2)\n'
)
ACME = {
    "models": {
        "acme-chat-1": {
            "status": "retired",
            "retired_at": "2026-10-01T12:00:00Z",
            "thinking": "disabled",
            "successor": "acme-chat-2",
            "note": "Acme's non-thinking alias",
        },
        "acme-chat-2": {"status": "current", "thinking": "enabled", "note": "Acme's next model"},
    },
    "targets": ["acme-chat-2"],
}


def test_bundled_catalog_validates_and_knows_the_documented_facts() -> None:
    catalog = load_catalog()
    assert {m.id for m in catalog.retired_models} == {"deepseek-chat", "deepseek-reasoner", "deepseek-coder"}
    assert catalog.models["deepseek-chat"].successor_thinking == "disabled"
    assert catalog.models["deepseek-reasoner"].successor_thinking == "enabled"
    assert catalog.default_target in catalog.targets
    assert catalog.expired_base_url("https://api.deepseek.com/v3.2_speciale_expires_on_20251215/")
    assert catalog.effort_remapped == {"minimal": "low", "medium": "high", "xhigh": "high", "ultra": "max"}
    for lookalike in catalog.lookalikes:
        assert catalog.match_whole(lookalike) is None


def _write(tmp_path: Path, data: object, name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


MALFORMED = [
    pytest.param({"models": {"x-1": {"status": "gone"}}}, "models.x-1.status", id="bad-status"),
    pytest.param({"models": {"x-1": {"status": "retired"}}}, "models.x-1.successor", id="no-successor"),
    pytest.param({"models": {"x-1": {"status": "retired", "successor": "nope"}}},
                 "models.x-1.successor", id="unknown-successor"),
    pytest.param({"models": {"x-1": {"status": "retired", "successor": "deepseek-flash",
                                     "retired_at": "soon"}}}, "models.x-1.retired_at", id="bad-date"),
    pytest.param({"models": {"x-1": {"status": "current", "colour": "red"}}}, "'colour'",
                 id="unknown-model-key"),
    pytest.param({"modelz": {}}, "'modelz'", id="unknown-top-level-key"),
    pytest.param({"models": []}, "catalog.models", id="models-not-a-table"),
    pytest.param({"targets": ["acme-9"]}, "targets", id="unknown-target"),
    pytest.param({"thinking": {"reasoning_effort": {"remapped": {"turbo": "mega"}}}},
                 "thinking.reasoning_effort.remapped.turbo", id="bad-effort-mapping"),
    pytest.param({"lookalikes": ["deepseek-chat"]}, "lookalikes", id="lookalike-is-a-model"),
    pytest.param({"format": 2}, "format", id="future-format"),
    pytest.param('{"models": ', "not valid JSON", id="not-json"),
    pytest.param("[1, 2]", "top level must be a JSON object", id="not-an-object"),
]


@pytest.mark.parametrize(("content", "named"), MALFORMED)
def test_malformed_user_catalog_exits_2_naming_the_key(tmp_path: Path, content: object, named: str) -> None:
    catalog = _write(tmp_path, content)
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    result = run_cli("check", "--catalog", str(catalog), "app.py", cwd=tmp_path)
    assert result.returncode == 2
    message = result.stderr.decode()
    assert message.startswith("deepseek-migrate: error: catalog ")
    assert named in message
    assert result.stdout == b""


def test_unreadable_user_catalog_exits_2(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    result = run_cli("check", "--catalog", "missing.json", "app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.json" in result.stderr.decode()


def test_user_catalog_merges_over_the_bundled_one(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, ACME))
    assert "deepseek-chat" in catalog.models and "acme-chat-1" in catalog.models
    assert catalog.targets[-1] == "acme-chat-2" and "deepseek-v4-flash" in catalog.targets
    # "acme-chat-1" contains no bundled trigger: the loader adds it, so the prefilter reads the file.
    assert catalog.might_match(APP.encode())


def test_bundled_data_is_not_changed_by_a_user_catalog(tmp_path: Path) -> None:
    load_catalog(_write(tmp_path, ACME))
    assert "acme-chat-1" not in load_catalog().models
    with pytest.raises(CatalogError):
        load_catalog(_write(tmp_path, {"models": {"x-1": {"status": "gone"}}}, "bad.json"))


def test_made_up_retired_id_is_reported_and_fixed_end_to_end(tmp_path: Path) -> None:
    catalog = _write(tmp_path, ACME)
    app = tmp_path / "app.py"
    app.write_text(APP, encoding="utf-8")

    without = run_cli("check", "--output-format", "json", "app.py", cwd=tmp_path)
    assert json.loads(without.stdout)["findings"] == []

    # No --target: a user catalog's retired ID brings its own successor.
    checked = run_cli("check", "--catalog", str(catalog), "--output-format", "json", "app.py",
                      cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr.decode()
    (finding,) = [f for f in json.loads(checked.stdout)["findings"] if f["code"] == "DSM001"]
    assert (finding["line"], finding["column"], finding["severity"]) == (3, 38, "error")
    assert finding["model"] == "acme-chat-1"
    assert finding["replacement"] == "acme-chat-2"
    assert finding["deadline"] == "2026-10-01T12:00:00Z"
    assert "2026-10-01 12:00 UTC" in finding["message"]

    fixed = run_cli("fix", "--catalog", str(catalog), "app.py", cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr.decode()
    assert app.read_text(encoding="utf-8") == APP.replace(
        'model="acme-chat-1", messages=[], temperature=0.2)',
        'model="acme-chat-2", messages=[], temperature=0.2, '
        'extra_body={"thinking": {"type": "disabled"}})',
    )
    again = run_cli("check", "--catalog", str(catalog), "--select", "DSM001",
                    "--output-format", "json", "app.py", cwd=tmp_path)
    assert json.loads(again.stdout)["findings"] == []


def test_catalog_date_before_today_is_a_warning_with_days_left(tmp_path: Path) -> None:
    later = json.loads(json.dumps(ACME))
    later["models"]["acme-chat-1"]["retired_at"] = "2027-01-15"
    catalog = _write(tmp_path, later)
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    result = run_cli("check", "--catalog", str(catalog), "--select", "DSM001", "--output-format", "json",
                     "app.py", cwd=tmp_path)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["severity"] == "warning"
    assert "48 days left" in finding["message"]


def strptime_moment(text: str) -> datetime | None:
    """What the catalog's moments meant when they were read with ``datetime.strptime``."""
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


MOMENT_PIECES = st.sampled_from(["2026", "0001", "9999", "-", "07", "7", "24", " 4", "31", "30",
                                 "29", "02", "13", "00", "T", "t", "15", ":", "59", "60", "61",
                                 "5", "Z", "z", " ", "٢", "12", "1"])


@given(st.lists(MOMENT_PIECES, max_size=12).map("".join) | st.text(max_size=24))
@example("2026-07-24T15:59Z")
@example("2026-07-24T15:59:00Z")
@example("2026-07-24")
@example("2024-02-29")
@example("2026-02-29")
@example(" 2026-7- 4t1:5:6z ")
@example("2026-07-24T15:59:60Z")
@example("2026-07-1٢")
def test_a_moment_reads_as_strptime_read_it(text: str) -> None:
    expected = strptime_moment(text)
    if expected is None:
        with pytest.raises(CatalogError, match="is not a UTC moment"):
            parse_utc(text, "test")
    else:
        assert parse_utc(text, "test") == expected


def test_the_bundled_catalog_is_read_without_importlib_resources_when_installed_as_files() -> None:
    import subprocess
    import sys

    probe = ("import sys; from migrator.catalog import load_catalog; load_catalog(); "
             "print(sorted(m for m in ('importlib.resources', '_strptime') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
