"""DSM201 superseded-model-id.

Upstream: https://api-docs.deepseek.com/updates (V4.1-Flash of 2026-09-10 serves the V4
IDs; ``deepseek-v4-pro`` routed to it since 2026-09-14 04:00 UTC).
"""

from __future__ import annotations

import libcst as cst

from migrator.catalog import ModelMatch
from migrator.findings import Fix, Severity
from migrator.rules._support import literal_inner_edit
from migrator.rules.base import WholeStringRule
from migrator.rules.meta import Invalid, Valid
from migrator.strings import StringNode
from migrator.verdicts import superseded_id_verdict

_COLLECTIONS = (cst.Element, cst.Tuple, cst.List, cst.Set)


class SupersededModelId(WholeStringRule):
    """
    ## What it does
    Finds a string whose whole value is a V4 model ID that DeepSeek now serves with a newer
    model (`deepseek-v4-flash`, `deepseek-v4-pro`, `deepseek-v4-flash-vision-exp`: the
    catalog's `superseded` models), bare or in a client library's spelling
    (`deepseek/deepseek-v4-pro`, `deepseek:deepseek-v4-flash`). Gateway names in a module
    that talks to OpenRouter are not DeepSeek IDs and are not reported.

    ## Why
    These IDs still work, so this is information, not an error: since 2026-09-10 they are
    answered by V4.1-Flash, and `deepseek-v4-pro` has been routed to it (and billed as
    Flash) since 2026-09-14. The name in the code no longer says which model answers;
    `deepseek-flash` does. Moving to it is a choice (pricing, a pinned evaluation), so
    the fix is offered only when the run's target is `deepseek-flash`.

    ## Off by default
    The rule runs only when selected: `fix` writes `deepseek-v4-flash` (the default
    target), and a run never reports the text it just wrote. Enable it with
    `--extend-select DSM201` (or `extend-select = ["DSM201"]` in
    `[tool.deepseek-migrate]`, or `--select DSM201` alone).

    ## Moving to `deepseek-flash`
    To report the superseded IDs and rewrite them (and the retired ones) to the model
    that answers them:

        deepseek-migrate check --extend-select DSM201 --target deepseek-flash
        deepseek-migrate fix --extend-select DSM201 --target deepseek-flash
    """

    code = "DSM201"
    name = "superseded-model-id"
    summary = "a V4 ID now served by a newer model"
    default_severity = Severity.INFO
    fixable = "sometimes"
    fix_safety = (
        "Safe with `--target deepseek-flash` only: the ID is replaced by `deepseek-flash` "
        "(the model that already answers it), prefix kept, only the characters inside the "
        "quotes changed. No fix with another target, for implicit concatenations and "
        "f-strings, or where the code tells IDs apart (dict keys, comparisons, `Literal`, "
        "`match`, Enum members): rewriting both to one ID would merge them."
    )
    upstream = "https://api-docs.deepseek.com/updates"
    VALID = (
        Valid('client.chat.completions.create(model="deepseek-flash", messages=m)\n'),
        Valid('MODEL = "deepseek-chat"  # retired: DSM001, not DSM201\n'),
        # Before 2026-09-14 04:00 UTC deepseek-v4-pro was still V4 Pro itself.
        Valid('client.chat.completions.create(model="deepseek-v4-pro", messages=m)\n',
              options={"today": "2026-08-01"}),
        Valid('NAME = "deepseek-v4-flash-2"\n'),
        Valid('log.info("switched to deepseek-v4-pro")\n'),
        Valid('client = OpenAI(base_url="https://openrouter.ai/api/v1")\n'
              'client.chat.completions.create(model="deepseek/deepseek-v4-pro", messages=m)\n'),
    )
    INVALID = (
        Invalid(
            'client.chat.completions.create(model="deepseek-v4-pro", messages=m)\n',
            fixed='client.chat.completions.create(model="deepseek-flash", messages=m)\n',
            options={"target": "deepseek-flash"},
        ),
        Invalid('client.chat.completions.create(model="deepseek-v4-flash", messages=m)\n'),
        Invalid(
            "lm = dspy.LM('deepseek/deepseek-v4-flash')\n",
            fixed="lm = dspy.LM('deepseek/deepseek-flash')\n",
            options={"target": "deepseek-flash"},
        ),
        Invalid('agent = Agent("deepseek:deepseek-v4-flash-vision-exp")\n'),
        Invalid(
            'PRICES = {"deepseek-v4-flash": 0.28, "deepseek-v4-pro": 1.1}\n',
            options={"target": "deepseek-flash"},
            count=2,
        ),
        Invalid('MODEL = os.getenv("DEEPSEEK_MODEL", "deepseek-v4-pro")\n'),
    )

    def check_string(self, node: StringNode) -> None:
        match = self.context.strings.whole_match(node)
        if match is None or not match.model.is_superseded_at(self.context.judgement.today):
            return
        target = self.context.judgement.target
        verdict = superseded_id_verdict(match, target)
        fix, reason = self._fix(node, match, target, verdict.replacement)
        self.report(
            node,
            verdict.message,
            model=verdict.model,
            replacement=verdict.replacement,
            fix=fix,
            unfixable_reason=reason,
        )

    def _fix(self, node: StringNode, match: ModelMatch, target: str,
             successor: str) -> tuple[Fix | None, str | None]:
        if target != successor:
            return None, f"rewritten only with `--target {successor}`"
        if self._tells_ids_apart(node):
            return None, "the code tells model IDs apart here; rewriting would merge them"
        edit = literal_inner_edit(self.context, node, match.spelled, match.respell(successor))
        if edit is None:
            return None, "not a plain string literal; edit it by hand"
        return Fix("safe", f"Replace with `{match.respell(successor)}`", (edit,)), None

    def _tells_ids_apart(self, node: cst.CSTNode) -> bool:
        """Dict keys, comparison operands (also inside `in (...)`), `match` cases, `Literal[...]`."""
        parent = self.context.requests.parent(node)
        if isinstance(parent, cst.DictElement) and parent.key is node:
            return True
        while isinstance(parent, _COLLECTIONS):
            parent = self.context.requests.parent(parent)
        if isinstance(parent, (cst.Comparison, cst.ComparisonTarget, cst.MatchValue, cst.Index)):
            return True
        return isinstance(parent, cst.SubscriptElement) or self._is_enum_member(parent)

    def _is_enum_member(self, parent: cst.CSTNode | None) -> bool:
        if not isinstance(parent, cst.Assign):
            return False
        line = self.context.requests.parent(parent)
        body = self.context.requests.parent(line) if line is not None else None
        klass = self.context.requests.parent(body) if body is not None else None
        return isinstance(klass, cst.ClassDef) and any(
            isinstance(base.value, (cst.Name, cst.Attribute))
            and (base.value.value if isinstance(base.value, cst.Name) else base.value.attr.value)
            .endswith("Enum")
            for base in klass.bases
        )


RULE = SupersededModelId
