"""The CI report formats, each checked by its consumer's rules.

Every format is fed the same findings (``shared_report``): messages with commas, colons,
newlines and ``%``; paths with commas, colons, spaces and ``%``; a fix with several edits
in a CRLF file; a notebook cell; a file without text (a DSM900); identical findings on two
lines. SARIF is validated against the official 2.1.0 schema; the others are parsed the way
GitHub's runner, GitLab and a JUnit reader parse them.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from migrator.decoding import apply_edits
from migrator.findings import Finding, Fix, Severity, Span, TextEdit
from migrator.lines import LineIndex
from migrator.reporting import Report, render
from migrator.reporting.ci import fingerprints, located_message
from migrator.rules import available_codes, rule_info

from .conftest import TODAY, TODAY_DT, run_cli

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"

ODD_PY = "src/we ird,dir: x/app 100%.py"
ODD_TEXT = (
    "import openai\r\n"
    'client.chat.completions.create(model="deepseek-chat", messages=[])\r\n'
    'MODEL = "deepseek-chat"\r\n'
    'MODEL = "deepseek-chat"\r\n'
    "# notes: deepseek-reasoner, 100% retired\r\n"
)
NOTEBOOK = "notebooks/nb, v1: draft.ipynb"
NOTEBOOK_CELL = 'resp = client.chat.completions.create(model="deepseek-reasoner")\n'
BROKEN = "broken:file,1.py"
CLEAN = "clean dir/ok.py"
NASTY_MESSAGE = "line one, with: colon\r\nline two 100% done\n%0A is not a newline, %25 neither"


def _span_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int, Span]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    end = start + len(needle)
    index = LineIndex(text)
    (line, column), (end_line, end_column) = index.position(start), index.position(end)
    return start, end, Span(line, column, end_line, end_column)


def shared_findings() -> list[Finding]:
    start, end, call_span = _span_of(ODD_TEXT, '"deepseek-chat"')
    call_close = ODD_TEXT.index("])") + 1
    fix = Fix("safe", "use `deepseek-v4-flash`, thinking disabled", (
        TextEdit(start, end, '"deepseek-v4-flash"'),
        TextEdit(call_close, call_close, ', extra_body={"thinking": {"type": "disabled"}}'),
    ))
    _, _, first_constant = _span_of(ODD_TEXT, '"deepseek-chat"', 1)
    _, _, second_constant = _span_of(ODD_TEXT, '"deepseek-chat"', 2)
    _, _, mention = _span_of(ODD_TEXT, "deepseek-reasoner")
    nb_start = NOTEBOOK_CELL.index('"deepseek-reasoner"')
    nb_end = nb_start + len('"deepseek-reasoner"')
    nb_fix = Fix("unsafe", "use `deepseek-v4-flash`",
                 (TextEdit(nb_start, nb_end, '"deepseek-v4-flash"', cell=1),))
    return [
        Finding(ODD_PY, call_span, "DSM001", Severity.ERROR, NASTY_MESSAGE, model="deepseek-chat",
                replacement="deepseek-v4-flash", deadline="2026-07-24T15:59:00Z", fix=fix),
        Finding(ODD_PY, first_constant, "DSM001", Severity.ERROR, "constant, retired: 1"),
        Finding(ODD_PY, second_constant, "DSM001", Severity.ERROR, "constant, retired: 1"),
        Finding(ODD_PY, mention, "DSM002", Severity.INFO, "mention: `deepseek-reasoner`, 100%"),
        Finding(NOTEBOOK, Span(1, 44, 1, 63, cell=2), "DSM001", Severity.WARNING,
                "retires soon: 10% left,\nhurry", fix=nb_fix),
        Finding(BROKEN, Span(1, 1, 1, 1), "DSM900", Severity.ERROR, "cannot parse:\n\x1b[31m%s"),
    ]


def shared_report(findings: list[Finding] | None = None,
                  texts: dict[str, dict[int | None, str]] | None = None) -> Report:
    return Report(
        findings=shared_findings() if findings is None else findings,
        files_scanned=4,
        today=TODAY_DT,
        texts={ODD_PY: {None: ODD_TEXT}, NOTEBOOK: {1: NOTEBOOK_CELL}} if texts is None else texts,
        files=[CLEAN, ODD_PY, NOTEBOOK, BROKEN],
    )


def rendered(format_name: str, report: Report | None = None) -> str:
    out = io.StringIO()
    render(format_name, report or shared_report(), out)
    return out.getvalue()


# -- SARIF ------------------------------------------------------------------------------------


@cache
def sarif_validator() -> Any:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def sarif_of(report: Report | None = None) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(rendered("sarif", report))
    return log


def test_sarif_is_valid_against_the_official_schema() -> None:
    log = sarif_of()
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0]
    assert log["version"] == "2.1.0" and log["$schema"].startswith("https://")
    assert len(log["runs"]) == 1


def test_the_schema_check_rejects_a_broken_log() -> None:
    log = sarif_of()
    del log["runs"][0]["tool"]["driver"]["name"]
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert len(list(sarif_validator().iter_errors(log))) >= 2


def test_sarif_driver_describes_every_rule() -> None:
    driver = sarif_of()["runs"][0]["tool"]["driver"]
    assert driver["name"] == "deepseek-migrate" and driver["version"]
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == available_codes()
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for rule in driver["rules"]:
        info = rule_info(rule["id"])
        assert rule["name"] == info.name
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert info.documentation() in rule["help"]["markdown"]
        assert info.fix_safety in rule["help"]["text"]
        assert rule["helpUri"] == info.upstream
        assert rule["defaultConfiguration"]["level"] == levels[info.default_severity]


def test_sarif_results_carry_rule_level_message_and_region() -> None:
    run = sarif_of()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    findings = shared_findings()
    assert len(run["results"]) == len(findings)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(run["results"], findings, strict=True):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["level"] == levels[finding.severity.value]
        assert result["message"]["text"] == located_message(finding)
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert unquote(uri) == finding.path
        assert not re.search(r"[ ,:\\%](?![0-9A-F]{2})", uri), uri
        if finding.span.cell is None:
            span = finding.span
            assert location["region"] == {"startLine": span.line, "startColumn": span.column,
                                          "endLine": span.end_line, "endColumn": span.end_column}


def test_sarif_notebook_findings_point_at_the_notebook_and_keep_the_cell() -> None:
    results = sarif_of()["runs"][0]["results"]
    notebook = next(r for r in results if unquote(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) == NOTEBOOK)
    assert notebook["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert notebook["properties"]["cell"] == 2
    assert notebook["properties"]["cellRegion"]["startColumn"] == 44
    assert notebook["message"]["text"].startswith("cell 2, line 1, column 44: ")
    assert "fixes" not in notebook  # a cell edit cannot be expressed on the .ipynb file


def apply_sarif_replacements(text: str, replacements: list[dict[str, Any]]) -> str:
    index = LineIndex(text)
    edits = []
    for item in replacements:
        region = item["deletedRegion"]
        start = index.offset(region["startLine"], region["startColumn"] - 1)
        end = index.offset(region["endLine"], region["endColumn"] - 1)
        edits.append(TextEdit(start, end, item["insertedContent"]["text"]))
    return apply_edits(text, edits)


def test_sarif_fixes_rewrite_the_file_like_the_fix_itself() -> None:
    results = sarif_of()["runs"][0]["results"]
    with_fix = [r for r in results if "fixes" in r]
    assert len(with_fix) == 1
    (fix,) = with_fix[0]["fixes"]
    (change,) = fix["artifactChanges"]
    assert unquote(change["artifactLocation"]["uri"]) == ODD_PY
    assert fix["properties"]["applicability"] == "safe"
    expected = apply_edits(ODD_TEXT, shared_findings()[0].fix.edits)  # type: ignore[union-attr]
    assert apply_sarif_replacements(ODD_TEXT, change["replacements"]) == expected
    assert expected != ODD_TEXT


def test_fingerprints_are_unique_and_survive_lines_inserted_above() -> None:
    before = fingerprints(shared_report())
    assert len(set(before)) == len(before)  # the two identical constants differ too
    shifted_text = "# a new first line\r\n" + ODD_TEXT
    shifted = [
        replace(f, span=replace(f.span, line=f.span.line + 1, end_line=f.span.end_line + 1),
                fix=None) if f.path == ODD_PY else f
        for f in shared_findings()
    ]
    texts: dict[str, dict[int | None, str]] = {ODD_PY: {None: shifted_text},
                                               NOTEBOOK: {1: NOTEBOOK_CELL}}
    assert fingerprints(shared_report(shifted, texts)) == before
    sarif_prints = [r["partialFingerprints"] for r in sarif_of()["runs"][0]["results"]]
    assert [next(iter(p.values())) for p in sarif_prints] == before


def test_fingerprints_change_when_the_line_changes() -> None:
    texts: dict[str, dict[int | None, str]] = {
        ODD_PY: {None: ODD_TEXT.replace("# notes", "# other notes")}, NOTEBOOK: {1: NOTEBOOK_CELL}}
    before, after = fingerprints(shared_report()), fingerprints(shared_report(texts=texts))
    assert before[:3] == after[:3] and before[3] != after[3]


# -- GitHub workflow commands -----------------------------------------------------------------


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """As the Actions runner does: the first ``::`` after the name ends the properties."""
    assert line.startswith("::")
    end = line.index("::", 2)
    head, data = line[2:end], line[end + 2 :]
    name, _, property_text = head.partition(" ")
    properties = {}
    for item in property_text.split(","):
        key, _, value = item.partition("=")
        properties[key] = _unescape(value, property_value=True)
    return name, properties, _unescape(data, property_value=False)


def _unescape(value: str, *, property_value: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property_value:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, plain in [*pairs, ("%25", "%")]:
        value = value.replace(escaped, plain)
    return value


def test_github_commands_round_trip_through_the_runner_parsing() -> None:
    lines = rendered("github").splitlines()
    findings = shared_findings()
    assert len(lines) == len(findings)  # no raw newline split a command
    commands = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for line, finding in zip(lines, findings, strict=True):
        name, properties, message = parse_workflow_command(line)
        assert name == commands[finding.severity]
        assert properties["file"] == finding.path
        assert properties["title"] == finding.code
        assert message == located_message(finding)
        if finding.span.cell is None:
            span = finding.span
            assert (properties["line"], properties["col"], properties["endLine"],
                    properties["endColumn"]) == tuple(map(str, (span.line, span.column,
                                                                span.end_line, span.end_column)))
        else:
            assert "line" not in properties  # a file-level annotation for a notebook cell


def test_github_escapes_exactly_as_documented() -> None:
    from migrator.reporting.github import escape_data, escape_property

    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    assert escape_data("%0A") == "%250A"


# -- GitLab Code Quality ----------------------------------------------------------------------


def test_gitlab_report_is_a_code_quality_array() -> None:
    issues = json.loads(rendered("gitlab"))
    findings = shared_findings()
    assert isinstance(issues, list) and len(issues) == len(findings)
    severities = {"error": "critical", "warning": "minor", "info": "info"}
    for issue, finding in zip(issues, findings, strict=True):
        assert issue["check_name"] == finding.code
        assert issue["description"] == located_message(finding)
        assert issue["severity"] == severities[finding.severity.value]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == finding.path
        begin = issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin >= 1
        expected = 1 if finding.span.cell is not None else finding.span.line
        assert begin == expected
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_fingerprints_are_stable_between_runs() -> None:
    first = [i["fingerprint"] for i in json.loads(rendered("gitlab"))]
    assert first == [i["fingerprint"] for i in json.loads(rendered("gitlab"))]
    assert first == fingerprints(shared_report())


# -- JUnit ------------------------------------------------------------------------------------


def test_junit_is_well_formed_with_one_case_per_file() -> None:
    text = rendered("junit")
    root = ET.fromstring(text.encode("utf-8"))
    suites = root.findall("testsuite")
    assert root.tag == "testsuites" and len(suites) == 1
    cases = suites[0].findall("testcase")
    assert [case.get("name") for case in cases] == [CLEAN, ODD_PY, NOTEBOOK, BROKEN]
    assert suites[0].get("tests") == "4" and suites[0].get("failures") == "3"
    by_name = {case.get("name"): case for case in cases}
    assert by_name[CLEAN].find("failure") is None
    failure = by_name[ODD_PY].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message") == "3 findings: DSM001"  # the info is below --fail-on
    assert NASTY_MESSAGE.replace("\r\n", "\n") in (failure.text or "").replace("\r\n", "\n")
    assert "mention: `deepseek-reasoner`, 100%" in (by_name[ODD_PY].findtext("system-out") or "")


def test_junit_replaces_characters_xml_cannot_carry() -> None:
    root = ET.fromstring(rendered("junit").encode("utf-8"))
    case = next(c for c in root.iter("testcase") if c.get("name") == BROKEN)
    failure = case.find("failure")
    assert failure is not None
    assert "cannot parse:\n\ufffd[31m%s" in (failure.text or "")


def test_junit_adds_a_case_for_findings_outside_the_file_list() -> None:
    report = shared_report()
    report.files = [CLEAN]
    root = ET.fromstring(rendered("junit", report).encode("utf-8"))
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == [CLEAN, ODD_PY, NOTEBOOK, BROKEN]


# -- statistics -------------------------------------------------------------------------------


def test_statistics_count_by_rule_with_the_deadline() -> None:
    from migrator.reporting.statistics import render_statistics

    out = io.StringIO()
    render_statistics(shared_report(), out, output_format="concise")
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:2] == ["4", "DSM001"]
    assert "[*]" in lines[0] and "retired-model-id" in lines[0]
    assert "deadline 2026-07-24T15:59:00Z (passed 126 days ago)" in lines[0]
    assert [line.split()[1] for line in lines[1:3]] == ["DSM002", "DSM900"]
    assert lines[-1].startswith("Found 6 findings")


def test_statistics_in_json_are_one_object() -> None:
    from migrator.reporting.statistics import render_statistics

    out = io.StringIO()
    render_statistics(shared_report(), out, output_format="json")
    data = json.loads(out.getvalue())
    assert data["findings"] == 6
    rows = {row["code"]: row for row in data["rules"]}
    assert rows["DSM001"]["count"] == 4 and rows["DSM001"]["fixable"] == 1
    assert rows["DSM001"]["deadlines"] == ["2026-07-24T15:59:00Z"]
    assert rows["DSM900"] == {"code": "DSM900", "name": "parse-error", "count": 1,
                              "fixable": 0, "deadlines": []}


# -- end to end through the command line ------------------------------------------------------

E2E_PATH = "pkg/odd, name: v2/app 100%.py"
E2E_SOURCE = (
    "import openai\n"
    "client = openai.OpenAI()\n"
    'client.chat.completions.create(model="deepseek-chat", messages=[])\n'
    "# see deepseek-reasoner\n"
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / E2E_PATH
    target.parent.mkdir(parents=True)
    target.write_text(E2E_SOURCE, encoding="utf-8")
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    return tmp_path


def check_output(tree: Path, fmt: str, *extra: str) -> str:
    result = run_cli("check", "--output-format", fmt, *extra, ".", cwd=tree)
    assert result.returncode == 1, result.stderr.decode()
    return result.stdout.decode("utf-8")


def test_cli_sarif(tree: Path) -> None:
    log = json.loads(check_output(tree, "sarif"))
    assert not list(sarif_validator().iter_errors(log))
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"DSM001", "DSM002"}
    uris = {unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in results}
    assert uris == {E2E_PATH}
    dsm001 = next(r for r in results if r["ruleId"] == "DSM001")
    region = dsm001["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, E2E_SOURCE.splitlines()[2]
                                                            .index('"deepseek-chat"') + 1)


def test_cli_github(tree: Path) -> None:
    lines = check_output(tree, "github").splitlines()
    parsed = [parse_workflow_command(line) for line in lines]
    assert {(name, props["title"]) for name, props, _ in parsed} >= {("error", "DSM001"),
                                                                     ("notice", "DSM002")}
    assert all(props["file"] == E2E_PATH for _, props, _ in parsed)


def test_cli_gitlab(tree: Path) -> None:
    issues = json.loads(check_output(tree, "gitlab"))
    assert {i["check_name"] for i in issues} >= {"DSM001", "DSM002"}
    assert {i["location"]["path"] for i in issues} == {E2E_PATH}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_cli_junit(tree: Path) -> None:
    root = ET.fromstring(check_output(tree, "junit").encode("utf-8"))
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {"clean.py", E2E_PATH}
    assert cases["clean.py"].find("failure") is None
    assert cases[E2E_PATH].find("failure") is not None


def test_cli_statistics_json(tree: Path) -> None:
    data = json.loads(check_output(tree, "json", "--statistics"))
    assert {row["code"] for row in data["rules"]} >= {"DSM001", "DSM002"}
    text = check_output(tree, "concise", "--statistics")
    assert re.search(r"^1\s+DSM001\s.*retired-model-id.*deadline 2026-07-24T15:59:00Z",
                     text, re.MULTILINE)


# -- the GitHub Action ------------------------------------------------------------------------

ACTION = Path(__file__).resolve().parent.parent / "action.yml"
_EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def action() -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def check_flags() -> set[str]:
    from migrator.cli import check

    return {opt for param in check.params for opt in param.opts if opt.startswith("--")}


def test_action_is_composite_with_the_documented_inputs() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    inputs = data["inputs"]
    assert {"paths", "fail-on", "sarif-file", "version"} <= set(inputs)
    assert all(spec.get("description") for spec in inputs.values())
    assert inputs["fail-on"]["default"] in {"error", "warning", "info", "never"}
    install = data["runs"]["steps"][0]
    assert "${{ github.action_path }}" in str(install["env"].values())
    assert all(step["shell"] == "bash" for step in data["runs"]["steps"])


def test_action_command_lines_use_real_check_flags() -> None:
    steps = action()["runs"]["steps"]
    assert all("${{" not in step["run"] for step in steps)  # inputs arrive through env only
    used, formats = set(), set()
    for step in steps[1:]:  # after the install step, every option is the tool's
        script = step["run"]
        assert '"$TOOL" check ' in script
        used |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", script))
        formats |= set(re.findall(r"--output-(?:file-)?format (\w+)", script))
    assert used and used <= check_flags(), used - check_flags()
    assert formats == {"github", "sarif"}
    assert len(steps[1:]) == 1, "the action scans the tree once, for annotations and SARIF"
    assert {"--exit-zero", "--fail-on", "--no-progress"} <= used


def _expand(value: str, context: dict[str, str]) -> str:
    return _EXPRESSION.sub(lambda match: context[match.group(1)], value)


def run_action_steps(tree: Path, tool: Path, **overrides: str) -> tuple[int, str, Path]:
    """Run the action's steps after install with bash, as the runner would."""
    data = action()
    context = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in
               data["inputs"].items()}
    context.update({f"inputs.{name.replace('_', '-')}": value for name, value in overrides.items()})
    context["steps.install.outputs.tool"] = str(tool)
    context["github.action_path"] = str(ACTION.parent)
    output_file = tree.parent / "github_output"
    output_file.write_text("", encoding="utf-8")
    status, stdout = 0, ""
    for step in data["runs"]["steps"][1:]:
        condition = step.get("if")
        if condition is not None:
            match = re.fullmatch(r"inputs\.([\w-]+) != ''", condition)
            assert match, condition
            if context[f"inputs.{match.group(1)}"] == "":
                continue
        env = {**os.environ, "GITHUB_OUTPUT": str(output_file), "DEEPSEEK_MIGRATE_TODAY": TODAY,
               **{key: _expand(str(value), context) for key, value in step["env"].items()}}
        result = subprocess.run(["bash", "-c", step["run"]], cwd=tree, env=env,
                                capture_output=True, check=False)
        status, stdout = result.returncode, result.stdout.decode("utf-8")
        if status != 0:
            break
    return status, stdout, output_file


@pytest.fixture
def tool(tmp_path: Path) -> Path:
    wrapper = tmp_path / "deepseek-migrate"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m migrator "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


def test_action_steps_annotate_and_fail_on_findings(tree: Path, tool: Path) -> None:
    status, stdout, _ = run_action_steps(tree, tool)
    assert status == 1
    names = {parse_workflow_command(line)[0] for line in stdout.splitlines()}
    assert names == {"error", "notice"}


def test_action_steps_write_sarif_and_can_only_warn(tree: Path, tool: Path) -> None:
    sarif_path = tree.parent / "reports" / "deepseek.sarif"
    status, stdout, outputs = run_action_steps(tree, tool, fail_on="never",
                                               sarif_file=str(sarif_path), paths="pkg clean.py")
    assert status == 0 and stdout.startswith("::error file=")
    log = json.loads(sarif_path.read_text(encoding="utf-8"))
    assert not list(sarif_validator().iter_errors(log))
    assert log["runs"][0]["results"]
    assert f"path={sarif_path}" in outputs.read_text(encoding="utf-8")


# -- the README's copy-paste snippets ---------------------------------------------------------


def readme_yaml_blocks(section: str) -> list[Any]:
    import yaml

    text = (ACTION.parent / "README.md").read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", body, re.DOTALL)
    assert blocks, section
    return [yaml.safe_load(block) for block in blocks]


def _walk(node: Any) -> Any:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from _walk(child)


def test_readme_ci_snippets_use_real_inputs_and_flags() -> None:
    inputs = set(action()["inputs"])
    commands = []
    action_uses = []
    for block in readme_yaml_blocks("CI"):
        for node in _walk(block):
            if isinstance(node, dict) and "deepseek-migrate@" in str(node.get("uses", "")):
                action_uses.append(node)
            if isinstance(node, str) and node.startswith("deepseek-migrate check"):
                commands.append(node)
    assert action_uses and all(set(node.get("with", {})) <= inputs for node in action_uses)
    assert {"github", "gitlab", "junit"} <= {m for c in commands
                                             for m in re.findall(r"--output-format (\w+)", c)}
    used = {flag for command in commands for flag in re.findall(r"(?<![\w-])--[a-z-]+", command)}
    assert used <= check_flags(), used - check_flags()


def test_readme_pre_commit_snippet_names_both_hooks_with_a_rev() -> None:
    import yaml

    (config,) = readme_yaml_blocks("pre-commit")
    (repo,) = config["repos"]
    assert repo["rev"]
    hook_ids = {hook["id"] for hook in yaml.safe_load(
        (ACTION.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {hook["id"] for hook in repo["hooks"]} == hook_ids


def _fix_command_available() -> bool:
    return run_cli("fix", "--help").returncode == 0


FIXABLE_SOURCE = (
    "from openai import OpenAI\n"
    "\n"
    'client = OpenAI(base_url="https://api.deepseek.com")\n'
    'reply = client.chat.completions.create(model="deepseek-chat", messages=[])\n'
    "other = client.chat.completions.create(\n"
    '    model="deepseek-reasoner",\n'
    "    messages=[],\n"
    ")\n"
)


@pytest.mark.skipif(not _fix_command_available(), reason="`fix` is not implemented yet")
def test_cli_sarif_safe_fixes_rewrite_like_the_fix_command(tmp_path: Path) -> None:
    source = tmp_path / "app, v2.py"
    source.write_text(FIXABLE_SOURCE, encoding="utf-8")
    log = json.loads(check_output(tmp_path, "sarif"))
    replacements = [replacement for result in log["runs"][0]["results"]
                    for fix in result.get("fixes", [])
                    if fix["properties"]["applicability"] == "safe"
                    for change in fix["artifactChanges"]
                    for replacement in change["replacements"]]
    assert replacements
    from_sarif = apply_sarif_replacements(FIXABLE_SOURCE, replacements)
    result = run_cli("fix", ".", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    assert from_sarif == source.read_text(encoding="utf-8") != FIXABLE_SOURCE
