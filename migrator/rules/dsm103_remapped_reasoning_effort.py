"""DSM103 remapped-reasoning-effort.

Upstream: https://api-docs.deepseek.com/guides/thinking_mode (accepted ``reasoning_effort``
levels and how other values are mapped).
"""

from __future__ import annotations

from migrator.context import Request
from migrator.findings import Fix, Severity
from migrator.rules._support import is_deepseek_request, literal_inner_edit
from migrator.rules.base import RequestRule
from migrator.rules.meta import Invalid, Valid


class RemappedReasoningEffort(RequestRule):
    """
    ## What it does
    Finds a `reasoning_effort` on a DeepSeek request whose value is not one of DeepSeek's
    levels but one the API silently maps to another: today `"minimal"` runs as `"low"`,
    `"medium"` and `"xhigh"` as `"high"`, `"ultra"` as `"max"` (the catalog's
    `thinking.reasoning_effort.remapped`). OpenAI SDK arguments, LiteLLM keyword arguments
    and JSON bodies alike; requests to other providers' models (`o3-mini`) are left alone.

    ## Why
    The values come from other providers' scales (OpenAI's `minimal` / `medium`, others'
    `xhigh`), copied along with the client code. DeepSeek accepts them without an error and
    runs another level, and the mapping has already changed once (at V4's launch `"medium"`
    ran as `"high"` and `"xhigh"` as `"max"`). The code then says one thing and gets another;
    writing the level the API actually uses makes the cost and latency visible and stable.
    """

    code = "DSM103"
    name = "remapped-reasoning-effort"
    summary = "a `reasoning_effort` value the API silently maps to another"
    default_severity = Severity.WARNING
    fixable = "always"
    fix_safety = (
        "Safe for a string literal: the value is replaced by the level the API maps it to "
        "today, so the request asks for exactly what it already gets. Only the characters "
        "inside the quotes change. Absent for values spelled with escapes."
    )
    upstream = "https://api-docs.deepseek.com/guides/thinking_mode"
    VALID = (
        Valid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", reasoning_effort="high", messages=m)\n'
        ),
        Valid(
            'from openai import OpenAI\nclient = OpenAI()\n'
            'client.chat.completions.create(model="o4-mini", reasoning_effort="medium", messages=m)\n'
        ),
        Valid(
            'import litellm\nlitellm.completion(model="deepseek/deepseek-v4-flash", messages=m,\n'
            '                   reasoning_effort="none")\n'
        ),
        Valid('import requests\nbody = {"model": "deepseek-v4-pro", "reasoning_effort": "max"}\n'),
        Valid(
            'import litellm\n'
            'litellm.completion(model="openai/gpt-5", messages=m, reasoning_effort="minimal")\n'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", reasoning_effort="medium",\n'
            '                               messages=m)\n',
            fixed='from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", reasoning_effort="high",\n'
            '                               messages=m)\n',
        ),
        Invalid(
            "import litellm\nlitellm.completion(model='deepseek/deepseek-v4-pro', messages=m,\n"
            "                   reasoning_effort='minimal')\n",
            fixed="import litellm\nlitellm.completion(model='deepseek/deepseek-v4-pro', messages=m,\n"
            "                   reasoning_effort='low')\n",
        ),
        Invalid(
            'import requests\nbody = {"model": "deepseek-v4-flash", "reasoning_effort": "xhigh"}\n',
            fixed='import requests\nbody = {"model": "deepseek-v4-flash", "reasoning_effort": "high"}\n',
        ),
        Invalid(
            'import os\nfrom openai import OpenAI\n'
            'MODEL = os.getenv("DEEPSEEK_MODEL", "deepseek-v4-flash")\n'
            'client = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model=MODEL, reasoning_effort="ultra", messages=m)\n',
            fixed='import os\nfrom openai import OpenAI\n'
            'MODEL = os.getenv("DEEPSEEK_MODEL", "deepseek-v4-flash")\n'
            'client = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model=MODEL, reasoning_effort="max", messages=m)\n',
        ),
        Invalid(
            'from openai import AsyncOpenAI\nclient = AsyncOpenAI(base_url=os.environ["DEEPSEEK_BASE_URL"])\n'
            'async def ask(model):\n'
            '    return await client.chat.completions.create(model=model, reasoning_effort="medium",\n'
            '                                                messages=m)\n',
            fixed='from openai import AsyncOpenAI\n'
            'client = AsyncOpenAI(base_url=os.environ["DEEPSEEK_BASE_URL"])\n'
            'async def ask(model):\n'
            '    return await client.chat.completions.create(model=model, reasoning_effort="high",\n'
            '                                                messages=m)\n',
        ),
    )

    def check_request(self, request: Request) -> None:
        if request.effort is None or request.effort_expr is None:
            return
        mapped = self.catalog.effort_remapped.get(request.effort)
        if mapped is None or not is_deepseek_request(self.context, request):
            return
        edit = literal_inner_edit(self.context, request.effort_expr, request.effort, mapped)
        levels = ", ".join(f'"{level}"' for level in self.catalog.effort_accepted)
        self.report(
            request.effort_expr,
            f'reasoning_effort "{request.effort}" is not a DeepSeek level ({levels}): the API '
            f'silently runs it as "{mapped}"; write "{mapped}"',
            model=request.model.model.id if request.model else None,
            replacement=mapped,
            fix=None if edit is None else Fix("safe", f'Write reasoning_effort "{mapped}"', (edit,)),
        )


RULE = RemappedReasoningEffort
