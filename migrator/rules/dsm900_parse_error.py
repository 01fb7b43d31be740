"""DSM900 parse-error: reported by the engine when a file cannot be decoded or parsed."""

from __future__ import annotations

from migrator.findings import Severity
from migrator.rules.meta import Invalid, RuleMeta, Valid


class ParseError(RuleMeta):
    """
    ## What it does
    Reports a file that could not be decoded (unknown or wrong encoding, NUL bytes, UTF-16)
    or parsed (a syntax error, nesting too deep for the parser), with the reason.

    ## Why
    A file the tool cannot read may still hold a retired ID. It is reported so the gap is
    visible, and it is never rewritten. The run goes on: a parse error is a finding, not a
    crash and not exit code 2.
    """

    code = "DSM900"
    name = "parse-error"
    summary = "a file that could not be parsed or decoded; reported, never rewritten"
    default_severity = Severity.ERROR
    fixable = "never"
    fix_safety = "Never fixed: the file is left exactly as it is."
    upstream = "https://docs.python.org/3/reference/lexical_analysis.html#encoding-declarations"
    VALID = (Valid('MODEL = "deepseek-v4-flash"\n'),)
    INVALID = (Invalid('client.chat.completions.create(model="deepseek-chat"\n'),)


RULE = ParseError
