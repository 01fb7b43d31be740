"""``rules`` and ``explain``: the rules' own documentation, printed."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import click

from migrator.rules import OFF_BY_DEFAULT, RULE_MODULES, available_codes, rule_info

if TYPE_CHECKING:
    from migrator.rules import RuleInfo


def print_rules(output_format: str) -> None:
    infos = [rule_info(code) for code in available_codes()]
    if output_format == "json":
        rows = [
            {"code": i.code, "name": i.name, "severity": i.default_severity.value,
             "enabled_by_default": i.code not in OFF_BY_DEFAULT, "fixable": i.fixable,
             "summary": i.summary}
            for i in infos
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="deepseek-migrate rules", title_justify="left")
    for column in ("code", "name", "default severity", "fixable", "what it finds"):
        table.add_column(column)
    for info in infos:
        table.add_row(info.code, info.name, severity_label(info), info.fixable, info.summary)
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: a plain table, as wide as COLUMNS says (else 160)
        table.box = None
        table.title = None
        width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 160
        console = Console(highlight=False, width=width, no_color=True, emoji=False)
    console.print(table)


def severity_label(info: RuleInfo) -> str:
    """``info``, or ``info, off by default`` for an opt-in rule."""
    label = info.default_severity.value
    return label if info.code not in OFF_BY_DEFAULT else f"{label}, off by default"


def explain_text(code: str) -> str | None:
    if code not in RULE_MODULES or code not in available_codes():
        return None
    info = rule_info(code)
    parts = [f"# {info.code} {info.name}", "", f"Default severity: {severity_label(info)}. "
             f"Fixable: {info.fixable}.", "", info.documentation(), "", "## Fix safety",
             info.fix_safety, "", f"Upstream: {info.upstream}"]
    if info.INVALID:
        example = info.INVALID[0]
        parts += ["", "## Example", "", "Before:", "", _indent(example.code)]
        after = example.fixed or example.unsafe_fixed
        if after is not None:
            label = "After `fix`:" if example.fixed else "After `fix --unsafe-fixes`:"
            parts += ["", label, "", _indent(after)]
    if info.VALID:
        parts += ["", "## Not reported", "", _indent(info.VALID[0].code)]
    return "\n".join(parts).rstrip() + "\n"


def _indent(code: str) -> str:
    return "\n".join("    " + line if line else "" for line in code.rstrip("\n").splitlines())


def explain_rule(code: str) -> bool:
    text = explain_text(code)
    if text is None:
        return False
    click.echo(text, nl=False)
    return True
