"""A string literal's value, read without ``literal_eval`` where the source is the value,
is the value ``literal_eval`` gives (bytes read as Latin-1), for every prefix and quote."""

from __future__ import annotations

import ast

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator.strings import literal_value

PREFIXES = ["", "r", "R", "u", "U", "b", "B", "br", "Rb", "bR", "RB"]
QUOTES = ["'", '"', "'''", '"""']
# Characters that matter to a string's reading: quotes, escapes, line ends, NUL, non-ASCII.
BODY = st.text(alphabet=st.sampled_from(list("ab -'\"\\\r\n\t\0xNu{}0é漢🎉")), max_size=12)


def evaluated(source: str) -> str | None:
    try:
        value = ast.literal_eval(source)
    except (SyntaxError, ValueError):
        return None
    return value.decode("latin-1") if isinstance(value, bytes) else value


def simple_string(source: str) -> cst.SimpleString | None:
    try:
        expression = cst.parse_expression(source)
    except (cst.ParserSyntaxError, cst.CSTValidationError, ValueError):
        return None
    return expression if isinstance(expression, cst.SimpleString) else None


@given(prefix=st.sampled_from(PREFIXES), quote=st.sampled_from(QUOTES), body=BODY)
def test_a_string_value_is_what_literal_eval_gives(prefix: str, quote: str, body: str) -> None:
    source = prefix + quote + body + quote
    node = simple_string(source)
    expected = evaluated(source)
    if node is None or expected is None:
        return  # not a string literal both parsers read
    assert literal_value(node) == expected


@pytest.mark.parametrize("source", [
    '"deepseek-chat"', "r'deepseek-chat'", 'b"deepseek-chat"', '"""a\r\nb"""', "'a\\x2db'",
    "'''\"x'''", '""""quoted"""', '""', "b'\\xff'", "'é'", "U'x'", "Rb'\\d'",
])
def test_the_value_of_each_kind_of_literal_is_literal_evals(source: str) -> None:
    node = simple_string(source)
    assert node is not None
    assert literal_value(node) == evaluated(source)
