"""Configuration files: whole values, keys, mentions, byte-exact unsafe fixes, records."""

from __future__ import annotations

import json
import shutil
import sys
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.catalog import load_catalog
from migrator.discovery import kind_of
from migrator.engine import READERS
from migrator.findings import Finding, Severity
from migrator.judgement import Judgement
from migrator.rules import ALL_CODES
from migrator.sources.base import Document, ReadRequest, as_record

from .conftest import FIXTURES, TODAY_DT, run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG = FIXTURES / "config"
SOURCES = sorted(p for p in CONFIG.glob("*/*")
                 if p.is_file() and p.suffix not in (".expected", ".fixed"))
FIXED = sorted(CONFIG.glob("*/*.fixed"))
CATALOG = load_catalog()
JUDGE = Judgement(CATALOG, TODAY_DT, "deepseek-v4-flash")


def read(path: Path | str, data: bytes, codes: frozenset[str] = frozenset(ALL_CODES),
         target: str = "deepseek-v4-flash") -> Document:
    kind = kind_of(str(path)) or "text"
    judgement = Judgement(CATALOG, TODAY_DT, target)
    reader = import_module(READERS[kind])
    document: Document = reader.read(data, ReadRequest(str(path), codes, kind), judgement)
    return document


def fix_all(document: Document) -> bytes:
    assert document.render is not None
    edits = [edit for f in document.findings if f.fix for edit in f.fix.edits]
    return document.render(edits)


def sidecar(path: Path) -> tuple[frozenset[str], list[str]]:
    lines = path.with_name(path.name + ".expected").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# select: ")
    return frozenset(lines[0][len("# select: ") :].split(",")), [x for x in lines[1:] if x]


def positions(findings: list[Finding]) -> list[str]:
    return [f"{f.span.line}:{f.span.column} {f.code}" for f in sorted(findings, key=lambda f: f.sort_key)]


def test_every_format_has_three_fixtures() -> None:
    assert len(STRUCTURED) >= 8
    kinds = [kind_of(p.name) for p in SOURCES]
    for kind in ("env", "yaml", "toml", "json", "ini"):
        assert kinds.count(kind) >= 3, kind


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_match_the_sidecar(path: Path) -> None:
    codes, expected = sidecar(path)
    assert positions(read(path, path.read_bytes(), codes).findings) == expected


@pytest.mark.parametrize("fixed", FIXED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_unsafe_fixes_give_the_fixed_file(fixed: Path) -> None:
    source = fixed.with_name(fixed.name[: -len(".fixed")])
    document = read(source, source.read_bytes())
    output = fix_all(document)
    assert output == fixed.read_bytes()
    assert document.reparse is not None and document.reparse(output)
    # Fixed once, nothing is left to fix.
    again = read(source, output)
    assert not [f for f in again.findings if f.fix and f.code != "DSM201"]


# -- the rewritten files load to the same data except the rewritten values ------------------


def _load(path: Path, data: bytes) -> Any:
    text = data.decode("utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix == ".toml":
        return tomllib.loads(text)
    return list(yaml.safe_load_all(text))


def _leaf_changes(old: Any, new: Any, where: str = "") -> list[tuple[str, Any, Any]]:
    """Differences between two loaded documents; the shapes and keys must be equal."""
    if isinstance(old, dict):
        assert isinstance(new, dict) and list(old) == list(new), where
        return [c for key in old for c in _leaf_changes(old[key], new[key], f"{where}.{key}")]
    if isinstance(old, list):
        assert isinstance(new, list) and len(old) == len(new), where
        pairs = enumerate(zip(old, new, strict=True))
        return [c for i, (a, b) in pairs for c in _leaf_changes(a, b, f"{where}[{i}]")]
    return [] if old == new else [(where, old, new)]


def _expected_replacement(value: str) -> str | None:
    match = CATALOG.match_whole(value)
    if match is not None and match.model.is_retired:
        return match.respell("deepseek-v4-flash")
    expired = CATALOG.expired_base_url(value)
    if expired is not None:
        return value.replace(expired[0], CATALOG.base_url_replacement)
    return None


def _loads_strictly(fixed: Path) -> bool:
    """JSON with comments is read by our tolerant reader only, not by ``json``."""
    if not fixed.name.endswith(".json.fixed"):
        return True
    try:
        json.loads(fixed.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    return True


STRUCTURED = [p for p in FIXED
              if p.name.split(".")[-2] in ("json", "toml", "yaml") and _loads_strictly(p)]


@pytest.mark.parametrize("fixed", STRUCTURED, ids=lambda p: p.name)
def test_fixed_file_loads_to_the_same_data_but_the_rewritten_values(fixed: Path) -> None:
    source = fixed.with_name(fixed.name[: -len(".fixed")])
    before = _load(source, source.read_bytes())
    changes = _leaf_changes(before, _load(source, fixed.read_bytes()))
    assert changes
    for where, old, new in changes:
        assert new == _expected_replacement(old), where


# -- values, keys and mentions ---------------------------------------------------------------


def one(path: str, text: str, **kwargs: Any) -> list[Finding]:
    return read(path, text.encode(), **kwargs).findings


def test_a_retired_key_is_reported_without_a_fix() -> None:
    findings = one("prices.toml", '[prices."deepseek-chat"]\ninput = 1\n')
    assert [(f.code, f.fix, f.unfixable_reason is not None) for f in findings] == [
        ("DSM001", None, True)
    ]


def test_config_fix_is_unsafe_and_says_where_thinking_goes() -> None:
    (finding,) = one("app.env", "MODEL=deepseek-chat\n")
    assert finding.severity is Severity.ERROR
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert "disable thinking there" in finding.message
    assert finding.fix.edits[0].start == 6 and finding.fix.edits[0].end == 19


def test_prefixed_spelling_is_kept_and_gateway_files_are_left_alone() -> None:
    (finding,) = one("a.yaml", "model: deepseek/deepseek-reasoner\n")
    assert finding.fix is not None and finding.fix.edits[0].text == "deepseek/deepseek-v4-flash"
    gateway = "base: https://openrouter.ai/api/v1\nmodel: deepseek/deepseek-chat\n"
    assert one("b.yaml", gateway) == []


def test_superseded_id_is_fixed_safely_only_towards_its_successor() -> None:
    (plain,) = one("c.json", '{"model": "deepseek-v4-pro"}')
    assert plain.code == "DSM201" and plain.fix is None
    (towards,) = one("c.json", '{"model": "deepseek-v4-pro"}', target="deepseek-flash")
    assert towards.fix is not None and towards.fix.applicability == "safe"
    assert towards.fix.edits[0].text == "deepseek-flash"


def test_only_selected_codes_are_reported() -> None:
    text = "# old: deepseek-chat\nmodel = deepseek-reasoner\n"
    assert [f.code for f in one("a.ini", text, codes=frozenset({"DSM002"}))] == ["DSM002"]
    assert [f.code for f in one("a.ini", text, codes=frozenset({"DSM001"}))] == ["DSM001"]


@pytest.mark.parametrize(("name", "text"), [
    ("a.env", "A=deepseek-chat  # noqa: DSM001\n"),
    ("a.yaml", "a: deepseek-chat  # noqa\n"),
    ("a.toml", 'a = "deepseek-chat" # deepseek-migrate: ignore[DSM001]\n'),
    ("a.ini", "[s]\n# deepseek-migrate: skip-file\na = deepseek-chat\n"),
    ("a.json", '{"a": "deepseek-chat" // deepseek-migrate: ignore\n}'),
])
def test_suppression_comments(name: str, text: str) -> None:
    assert one(name, text) == []


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("a.env", 'P="one\nuses deepseek-chat"\nQ=x\n', ["2:6 DSM002"]),
    ("a.ini", "[s]\nmodels =\n    deepseek-chat\n    x deepseek-reasoner\n", ["3:5 DSM001", "4:7 DSM002"]),
    ("a.yaml", "p: |\n  deepseek-chat\nq: >-\n  deepseek-chat\n", ["2:3 DSM002", "4:3 DSM002"]),
    ("a.yaml", "a: [deepseek-chat, {b: 'deepseek-coder'}]\n", ["1:5 DSM001", "1:25 DSM001"]),
    ("a.yaml", "? deepseek-chat\n: 1\nx: 'it''s deepseek-chat'\n", ["1:3 DSM001", "3:11 DSM002"]),
    ("a.toml", 'a = """\ndeepseek-chat"""\nb = [\n  # deepseek-chat\n]\n', ["2:1 DSM002", "4:5 DSM002"]),
    ("a.json", '{"a": ["x", {"deepseek-reasoner": "deepseek-chat"}]}', ["1:15 DSM001", "1:36 DSM001"]),
])
def test_tokenizer_edge_cases(name: str, text: str, expected: list[str]) -> None:
    assert positions(one(name, text)) == expected


@pytest.mark.parametrize(("name", "text"), [
    ("a.json", '{"a": "deepseek-chat",,}'),
    ("a.toml", 'a = "deepseek-chat\n'),
])
def test_broken_json_and_toml_are_dsm900_and_never_rewritten(name: str, text: str) -> None:
    document = read(name, text.encode())
    assert [f.code for f in document.findings] == ["DSM900"]
    assert document.render is None


def test_bom_and_crlf_survive_a_fix() -> None:
    data = b"\xef\xbb\xbfa: deepseek-chat\r\nb: 1\r\n"
    assert fix_all(read("a.yaml", data)) == b"\xef\xbb\xbfa: deepseek-v4-flash\r\nb: 1\r\n"


# -- property: generated documents, every retired value rewritten, nothing else -------------

_IDS = st.sampled_from(["deepseek-chat", "deepseek-reasoner", "deepseek/deepseek-chat",
                        "deepseek-coder", "my-deepseek-chat-bot", "deepseek-r1:7b"])
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_LEAF = st.one_of(_IDS, _TEXT, st.integers(-5, 5), st.booleans(), st.none())
_KEY = st.one_of(st.sampled_from(["model", "name", "deepseek-chat"]),
                 st.text("abcxyz_-", min_size=1, max_size=6))
_DATA = st.recursive(_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEY, inner, max_size=4)), max_leaves=12)


def _replaced(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _replaced(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_replaced(value) for value in data]
    if isinstance(data, str):
        return _expected_replacement(data) or data
    return data


@settings(max_examples=60, deadline=None)
@given(data=_DATA, indent=st.sampled_from([None, 1, 2, 4]), ascii_only=st.booleans(),
       style=st.sampled_from(["block", "flow"]))
def test_generated_json_and_yaml_keep_their_data(data: Any, indent: int | None,
                                                 ascii_only: bool, style: str) -> None:
    texts = {
        "g.json": json.dumps(data, indent=indent, ensure_ascii=ascii_only),
        "g.yaml": yaml.safe_dump(data, allow_unicode=not ascii_only,
                                 default_flow_style=style == "flow"),
    }
    for name, text in texts.items():
        output = fix_all(read(name, text.encode())).decode()
        loaded = json.loads(output) if name.endswith(".json") else yaml.safe_load(output)
        assert loaded == _replaced(data), (name, text, output)


# -- records ------------------------------------------------------------------------------


def test_as_record_downgrades_and_forbids_rewriting() -> None:
    document = read("a.env", b"MODEL=deepseek-chat\n")
    record = as_record(document)
    assert record.render is None and record.reparse is None
    assert [(f.severity, f.fix) for f in record.findings] == [(Severity.INFO, None)]
    assert record.findings[0].unfixable_reason is not None


@cache
def _fix_command_exists() -> bool:
    return run_cli("fix", "--help").returncode == 0


def test_cassette_is_reported_as_info_in_a_walk(tmp_path: Path) -> None:
    shutil.copytree(CONFIG / "records", tmp_path / "records")
    result = run_cli("check", "--output-format", "json", "--no-progress", "records", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["findings"] and {f["severity"] for f in report["findings"]} == {"info"}
    assert result.returncode == 0


def test_fix_never_rewrites_a_record_unless_named(tmp_path: Path) -> None:
    if not _fix_command_exists():
        pytest.skip("`fix` is not a command yet")
    shutil.copytree(CONFIG / "records", tmp_path / "records")
    cassette = tmp_path / "records" / "cassettes" / "chat_completion.yaml"
    before = cassette.read_bytes()
    run_cli("fix", "--unsafe-fixes", "--no-progress", "records", cwd=tmp_path)
    assert cassette.read_bytes() == before
    run_cli("fix", "--unsafe-fixes", "--no-progress", str(cassette), cwd=tmp_path)
    assert cassette.read_bytes() == before.replace(b"model: deepseek-chat", b"model: deepseek-v4-flash")


def test_fix_command_writes_the_fixed_files(tmp_path: Path) -> None:
    if not _fix_command_exists():
        pytest.skip("`fix` is not a command yet")
    work = tmp_path / "config"
    shutil.copytree(CONFIG, work, ignore=shutil.ignore_patterns("records"))
    result = run_cli("fix", "--unsafe-fixes", "--no-progress", "--exit-zero", ".", cwd=work)
    assert result.returncode == 0, result.stderr.decode()
    for fixed in FIXED:
        written = work / fixed.parent.name / fixed.name[: -len(".fixed")]
        assert written.read_bytes() == fixed.read_bytes(), written
    unfixed = [p for p in SOURCES if not p.with_name(p.name + ".fixed").exists()]
    for source in unfixed:
        assert (work / source.parent.name / source.name).read_bytes() == source.read_bytes()
    second = run_cli("fix", "--unsafe-fixes", "--no-progress", "--diff", ".", cwd=work)
    assert second.stdout.strip() == b"" or b"+++" not in second.stdout
