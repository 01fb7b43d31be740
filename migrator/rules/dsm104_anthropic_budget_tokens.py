"""DSM104 anthropic-budget-tokens.

Upstream: https://api-docs.deepseek.com/guides/anthropic_api (DeepSeek's
Anthropic-compatible endpoint: ``thinking`` is supported, ``budget_tokens`` is ignored).
"""

from __future__ import annotations

from migrator.context import Request, mapping_value
from migrator.findings import Severity
from migrator.libraries import ANTHROPIC, HTTP_PAYLOAD, LITELLM
from migrator.rules._support import argument_of
from migrator.rules.base import RequestRule
from migrator.rules.meta import Invalid, Valid
from migrator.rules.screens import names_the_anthropic_endpoint

# The ways a `thinking` dict reaches the Anthropic-compatible endpoint: the Anthropic SDK,
# LiteLLM's `anthropic/` route with `api_base`, and a JSON body posted to `/anthropic/v1/messages`.
ANTHROPIC_SENDERS = (ANTHROPIC, LITELLM, HTTP_PAYLOAD)
_CLIENT = 'import anthropic\nclient = anthropic.Anthropic(base_url="https://api.deepseek.com/anthropic")\n'


class AnthropicBudgetTokens(RequestRule):
    """
    ## What it does
    Finds `budget_tokens` inside the `thinking` argument of an Anthropic SDK request
    (`messages.create`, `messages.stream`, `beta.messages.create`, sync or async), of a
    LiteLLM call, or of a JSON body, in a module that sends to DeepSeek's
    Anthropic-compatible base URL (`https://api.deepseek.com/anthropic`).

    ## Why
    Code ported from Claude sets a thinking budget with
    `thinking={"type": "enabled", "budget_tokens": 2048}`. DeepSeek's Anthropic-compatible
    endpoint supports `thinking` but ignores `budget_tokens`: the budget limits nothing,
    and the cost and latency it was meant to cap are not capped. On DeepSeek the depth of
    thinking is chosen with `output_config={"effort": "low" | "high" | "max"}`.
    """

    code = "DSM104"
    name = "anthropic-budget-tokens"
    summary = "`budget_tokens` sent to DeepSeek's Anthropic-compatible endpoint, where it is ignored"
    default_severity = Severity.INFO
    fixable = "never"
    fix_safety = (
        "No automatic fix: there is no exact translation from a token budget to an effort "
        "level; choose one in `output_config={\"effort\": ...}` and drop `budget_tokens`."
    )
    upstream = "https://api-docs.deepseek.com/guides/anthropic_api"
    VALID = (
        Valid(_CLIENT + 'client.messages.create(model="deepseek-v4-flash", max_tokens=1024, messages=m,\n'
              '                       thinking={"type": "enabled"},\n'
              '                       output_config={"effort": "high"})\n'),
        Valid('import anthropic\nclient = anthropic.Anthropic()\n'
              'client.messages.create(model="claude-sonnet-4-5", max_tokens=4096, messages=m,\n'
              '                       thinking={"type": "enabled", "budget_tokens": 2048})\n'),
        Valid(_CLIENT + 'client.messages.create(model="deepseek-v4-flash", max_tokens=1024, messages=m,\n'
              '                       thinking={"type": "disabled"})\n'),
        Valid(_CLIENT + 'BUDGET = {"budget_tokens": 2048}  # not a request\n'),
        Valid('import litellm\nlitellm.completion(model="deepseek/deepseek-v4-flash", messages=m,\n'
              '                   api_base="https://api.deepseek.com/anthropic",\n'
              '                   thinking={"type": "enabled"})\n'),
    )
    INVALID = (
        Invalid(_CLIENT + 'client.messages.create(model="deepseek-v4-flash", max_tokens=4096, messages=m,\n'
                '                       thinking={"type": "enabled", "budget_tokens": 2048})\n'),
        Invalid(_CLIENT + 'with client.messages.stream(model="claude-sonnet-4-5", max_tokens=4096,\n'
                '                           messages=m,\n'
                '                           thinking={"type": "enabled", "budget_tokens": 8000}) as s:\n'
                '    pass\n'),
        Invalid('from anthropic import AsyncAnthropic\n'
                'client = AsyncAnthropic(base_url="https://api.deepseek.com/anthropic")\n'
                'async def ask(m):\n'
                '    return await client.messages.create(model="deepseek-v4-pro", max_tokens=2048,\n'
                '        messages=m,\n'
                '        thinking=dict(type="enabled", budget_tokens=1024))\n'),
        Invalid(_CLIENT + 'client.beta.messages.create(model="claude-opus-4-1", max_tokens=4096,\n'
                '                            messages=m,\n'
                '                            thinking={"budget_tokens": 10000, "type": "enabled"})\n'),
        Invalid('import os\nimport anthropic\n'
                'BASE = os.getenv("ANTHROPIC_BASE_URL", "https://api.deepseek.com/anthropic")\n'
                'client = anthropic.Anthropic(base_url=BASE)\n'
                'resp = client.messages.create(model="deepseek-v4-flash", max_tokens=512, messages=m,\n'
                '                              thinking={"type": "enabled", "budget_tokens": 256})\n'),
    )

    SCREEN = names_the_anthropic_endpoint

    def check_request(self, request: Request) -> None:
        if request.library not in ANTHROPIC_SENDERS:
            return
        if self.catalog.anthropic_base_url not in self.context.text:
            return
        thinking = request.arguments.get(request.library.thinking_path[0])
        if thinking is None:
            return
        for field in self.catalog.anthropic_ignored:
            ignored = mapping_value(thinking, field)
            if ignored is None or ignored is False:
                continue
            self.report(
                argument_of(self.context, ignored),
                f"DeepSeek's Anthropic-compatible endpoint ignores `{field}`: it caps nothing; "
                'choose the depth of thinking with `output_config={"effort": ...}` '
                f"({', '.join(repr(level) for level in self._effort_levels())})",
                model=request.model.model.id if request.model else None,
                unfixable_reason=f'replace `{field}` by `output_config={{"effort": ...}}` by hand',
            )

    def _effort_levels(self) -> list[str]:
        return [level for level in self.catalog.effort_accepted if level != self.catalog.effort_off]


RULE = AnthropicBudgetTokens
