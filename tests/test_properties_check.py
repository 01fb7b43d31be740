"""Property tests: analysing any generated program never raises and never misses a legacy ID."""

from __future__ import annotations

import re

import hypothesmith
import libcst as cst
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from migrator.analysis import Analysis, analyse_python
from migrator.catalog import load_catalog
from migrator.judgement import Judgement, Location
from migrator.rules import resolve_codes

from .conftest import TODAY_DT

JUDGEMENT = Judgement(load_catalog(None), TODAY_DT, "deepseek-v4-flash")
CODES = resolve_codes(["DSM"], [])
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
LEGACY = "deepseek-chat"
PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


def analyse(source: str) -> Analysis:
    return analyse_python(source, Location("generated.py"), JUDGEMENT, CODES)


def parses(source: str) -> bool:
    try:
        cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    return True


@SETTINGS
@given(PROGRAMS)
def test_analysis_never_raises(source: str) -> None:
    analysis = analyse(source)
    if not analysis.parsed:
        assert [f.code for f in analysis.findings] == ["DSM900"]


@SETTINGS
@given(PROGRAMS, st.sampled_from(["'", '"']))
def test_appended_legacy_id_is_reported(source: str, quote: str) -> None:
    assume(parses(source) and "noqa" not in source and "deepseek" not in source)
    program = source + ("" if source.endswith(("\n", "\r")) or not source else "\n")
    program += f"MODEL = {quote}{LEGACY}{quote}\n"
    assume(parses(program))
    last_line = len(re.findall(r"\r\n|\r|\n", program))  # not splitlines: \f is no break
    findings = [f for f in analyse(program).findings if f.code == "DSM001"]
    assert [(f.span.line, f.span.column, f.model) for f in findings] == [
        (last_line, 9, LEGACY)]


class _ReplaceStrings(cst.CSTTransformer):
    """Legacy IDs in place of the chosen string and integer literals, and as new statements."""

    def __init__(self, chosen: set[int]) -> None:
        super().__init__()
        self.chosen, self.seen, self.concatenated = chosen, 0, 0

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.concatenated += 1

    def leave_ConcatenatedString(self, original: cst.ConcatenatedString,
                                 updated: cst.ConcatenatedString) -> cst.BaseExpression:
        self.concatenated -= 1
        return updated

    def leave_SimpleString(self, original: cst.SimpleString,
                           updated: cst.SimpleString) -> cst.BaseExpression:
        prefix = updated.prefix.lower()
        if "b" in prefix or self.concatenated:
            return updated
        index, self.seen = self.seen, self.seen + 1
        if index not in self.chosen:
            return updated
        quote = updated.quote
        return updated.with_changes(value=f"{updated.prefix}{quote}{LEGACY}{quote}")

    def leave_Integer(self, original: cst.Integer, updated: cst.Integer) -> cst.BaseExpression:
        index, self.seen = self.seen, self.seen + 1
        return cst.SimpleString(f"'{LEGACY}'") if index in self.chosen else updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        """Generated programs have few literals: also add assignments between statements."""
        body = list(updated.body)
        for position in sorted(self.chosen, reverse=True):
            statement = cst.parse_statement(f"MODEL_{position} = '{LEGACY}'\n")
            body.insert(min(position, len(body)), statement)
        return updated.with_changes(body=body)


def legacy_string_positions(source: str) -> list[tuple[int, int]]:
    wrapper = MetadataWrapper(cst.parse_module(source))
    positions = wrapper.resolve(PositionProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    found = []
    for node, position in positions.items():
        if (isinstance(node, cst.SimpleString) and node.evaluated_value == LEGACY
                and not isinstance(parents.get(node), cst.ConcatenatedString)):
            found.append((position.start.line, position.start.column + 1))
    return sorted(found)


@SETTINGS
@given(PROGRAMS, st.sets(st.integers(min_value=0, max_value=12), min_size=1, max_size=4))
def test_legacy_ids_in_place_of_string_literals_are_reported(source: str, chosen: set[int]
                                                             ) -> None:
    assume(parses(source) and "noqa" not in source and "deepseek" not in source)
    program = cst.parse_module(source).visit(_ReplaceStrings(chosen)).code
    assume(program != source and parses(program))
    expected = legacy_string_positions(program)
    assume(expected)
    reported = sorted({(f.span.line, f.span.column) for f in analyse(program).findings
                       if f.code in ("DSM001", "DSM002") and f.model == LEGACY})
    assert set(expected) <= set(reported), (expected, reported)
