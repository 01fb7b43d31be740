"""A sample rule, written as a new rule is: this module is all it takes (plus its code in
``migrator.rules.RULE_MODULES``, which the test does at run time)."""

from __future__ import annotations

import libcst as cst

from migrator.findings import Severity
from migrator.rules.base import Rule
from migrator.rules.meta import Invalid, Valid


class PrintedModelId(Rule):
    """
    ## What it does
    Finds a retired DeepSeek model ID passed to `print`.

    ## Why
    A sample: it shows the parts every rule has.
    """

    code = "DSM950"
    name = "printed-model-id"
    summary = "a retired model ID printed"
    default_severity = Severity.INFO
    VALID = (Valid('print("deepseek-v4-flash")\n'),)
    INVALID = (Invalid('print("deepseek-chat")\n'),)

    def visit_Call(self, node: cst.Call) -> None:
        if not (isinstance(node.func, cst.Name) and node.func.value == "print"):
            return
        for argument in node.args:
            if not isinstance(argument.value, cst.SimpleString):
                continue
            match = self.context.strings.whole_match(argument.value)
            if match is not None and match.model.is_retired:
                self.report(argument.value, f"prints `{match.spelled}`")


RULE = PrintedModelId
