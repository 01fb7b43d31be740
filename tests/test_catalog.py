"""The catalog: the bundled file validates, user catalogs (``--catalog``) merge over it or fail clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.catalog import CatalogError, load_catalog

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
