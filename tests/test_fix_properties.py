"""Property tests: `fix` on generated programs with legacy IDs inserted at random places.

Whatever the program, the fixed source parses, a second fix changes nothing,
and a program without a legacy ID comes back byte-identical.
"""

from __future__ import annotations

import hypothesmith
import libcst as cst
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from migrator.discovery import Candidate
from migrator.engine import catalog_for
from migrator.fixing import FixRun, fix_bytes
from migrator.rules import resolve_codes
from migrator.settings import parse_today

from .conftest import TODAY

PLAN = FixRun(
    codes=resolve_codes(["DSM"], []),
    today=parse_today(TODAY),
    target=catalog_for(None).default_target,
)
UNSAFE_PLAN = FixRun(codes=PLAN.codes, today=PLAN.today, target=PLAN.target, unsafe_fixes=True)
CANDIDATE = Candidate(path="generated.py", display="generated.py", kind="python",
                      explicit=True, record=False)
SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])

IDS = st.sampled_from(["deepseek-chat", "deepseek-reasoner", "deepseek-coder", "deepseek/deepseek-chat",
                       "deepseek:deepseek-reasoner"])
QUOTES = st.sampled_from(['"', "'"])
SNIPPETS = st.sampled_from([
    'MODEL = {q}{id}{q}\n',
    'from openai import OpenAI\nclient = OpenAI()\n'
    'client.chat.completions.create(model={q}{id}{q}, messages=[])\n',
    'import requests\nrequests.post("u", json={{{q}model{q}: {q}{id}{q}, {q}messages{q}: []}})\n',
    'import litellm\nlitellm.completion(\n    model={q}{id}{q},\n    messages=[],\n)\n',
    'PRICES = {{{q}{id}{q}: 1, "deepseek-reasoner": 2}}\n',
    'def ask(model={q}{id}{q}):\n    return model\n',
    'if m == {q}{id}{q}:\n    pass\n',
])


def _fix(source: bytes, plan: FixRun = PLAN) -> bytes:
    return fix_bytes(CANDIDATE, source, plan)[1]


def _parses(source: bytes) -> bool:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError:
        return False
    return True


def _top_level_boundaries(program: str) -> list[int]:
    """Offsets where a top-level statement line starts (candidate insertion points)."""
    offsets = [0]
    position = 0
    for line in program.splitlines(keepends=True):
        position += len(line)
        offsets.append(position)
    return offsets


@st.composite
def programs_with_ids(draw: st.DrawFn) -> str:
    program = draw(hypothesmith.from_grammar())
    if program and not program.endswith("\n"):
        program += "\n"
    boundaries = _top_level_boundaries(program)
    for _ in range(draw(st.integers(1, 3))):
        snippet = draw(SNIPPETS).format(q=draw(QUOTES), id=draw(IDS))
        at = draw(st.sampled_from(boundaries))
        program = program[:at] + snippet + program[at:]
        boundaries = _top_level_boundaries(program)
    return program


@SETTINGS
@given(programs_with_ids())
def test_fixed_programs_parse_and_fix_is_idempotent(program: str) -> None:
    source = program.encode("utf-8")
    assume(_parses(source))
    for plan in (PLAN, UNSAFE_PLAN):
        once = _fix(source, plan)
        assert _parses(once)
        assert _fix(once, plan) == once


@SETTINGS
@given(hypothesmith.from_grammar())
def test_programs_without_legacy_ids_come_back_byte_identical(program: str) -> None:
    source = program.encode("utf-8")
    assume(_parses(source))
    assume(b"deepseek" not in source)
    assert _fix(source, UNSAFE_PLAN) == source


@SETTINGS
@given(st.lists(st.tuples(SNIPPETS, QUOTES, IDS), min_size=1, max_size=4),
       st.sampled_from(["\n", "\r\n"]))
def test_known_snippets_in_any_order_and_line_ending(parts: list[tuple[str, str, str]], newline: str) -> None:
    program = "".join(snippet.format(q=q, id=model) for snippet, q, model in parts)
    source = program.replace("\n", newline).encode("utf-8")
    for plan in (PLAN, UNSAFE_PLAN):
        once = _fix(source, plan)
        assert _parses(once)
        assert _fix(once, plan) == once
        if newline == "\r\n":
            assert b"\n" not in once.replace(b"\r\n", b"")
