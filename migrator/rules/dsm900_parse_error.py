"""DSM900 parse-error: reported by the engine when a file cannot be decoded or parsed."""

from __future__ import annotations

from migrator.findings import Finding, Severity, Span
from migrator.rules.meta import Invalid, RuleMeta, Valid
from migrator.verdicts import make_finding


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


# CPython's parser gives up on the nesting (libcst's native one would crash the process there).
NESTED_TOO_DEEPLY = "cannot parse: expressions nested too deeply for the parser"


def parse_error(path: str, reason: str, line: int = 1, column: int = 1,
                cell: int | None = None) -> Finding:
    """A file (or one notebook cell, 1-based) that could not be decoded, read or parsed."""
    return make_finding(path, Span(line, column, line, column, cell), ParseError.code,
                        severity=ParseError.default_severity, message=reason)


def cannot_read(path: str, error: OSError) -> Finding:
    reason = error.strerror or type(error).__name__
    return parse_error(path, f"cannot read: {reason.lower()}")


def too_large(path: str, size: int, limit: int) -> Finding:
    """Generated data too large to parse: reported, never rewritten."""
    return parse_error(path, f"not analysed: {size / (1024 * 1024):.1f} MB is larger than the "
                       f"{limit // (1024 * 1024)} MB this tool parses (a DeepSeek name occurs in "
                       "it; review it by hand)")
