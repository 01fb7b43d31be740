"""DSM101 thinking-ignores-sampling.

Upstream: https://api-docs.deepseek.com/guides/thinking_mode (in thinking mode
``temperature``, ``top_p``, ``presence_penalty`` and ``frequency_penalty`` have no effect).
"""

from __future__ import annotations

from migrator.context import Request
from migrator.findings import Severity
from migrator.rules._support import argument_of, is_deepseek_request
from migrator.rules.base import RequestRule
from migrator.rules.meta import Invalid, Valid


def explicit_thinking_reason(request: Request) -> str | None:
    """Why a request explicitly runs in thinking mode, or None when it does not say so."""
    if request.thinking.state == "enabled":
        return request.thinking.reason
    model = request.model
    if (request.thinking.state != "disabled" and model is not None and model.model.is_retired
            and model.model.thinking == "enabled"):
        return f"`{model.spelled}` is a thinking model"
    return None


class ThinkingIgnoresSampling(RequestRule):
    """
    ## What it does
    Finds sampling parameters (`temperature`, `top_p`, `presence_penalty`,
    `frequency_penalty`) on a DeepSeek request that explicitly runs in thinking mode:
    `thinking={"type": "enabled"}` in the library's spelling, a `reasoning_effort` other
    than `"none"`, or a retired thinking ID such as `deepseek-reasoner`. One finding per
    parameter, in every client library's spelling (OpenAI SDK, JSON bodies, LiteLLM, DSPy,
    LangChain, LlamaIndex, the Anthropic SDK).

    ## Why
    In thinking mode the API ignores these parameters, without an error. Code that sets
    `temperature=0` for reproducible answers, or `top_p` to narrow them, silently gets
    neither; the setting documents a behaviour the program does not have. Either the call
    really wants thinking (then the parameters are dead weight, and misleading), or it wants
    its sampling to count (then thinking must be disabled).
    """

    code = "DSM101"
    name = "thinking-ignores-sampling"
    summary = "sampling parameters on a request that explicitly runs in thinking mode"
    default_severity = Severity.WARNING
    fixable = "never"
    fix_safety = (
        "No automatic fix: the right change depends on what the call is for. Removing the "
        "parameters keeps what the API does today; disabling thinking keeps what the code "
        "asks for. Only a person knows which one was meant."
    )
    upstream = "https://api-docs.deepseek.com/guides/thinking_mode"
    VALID = (
        Valid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=msgs, temperature=0.2,\n'
            '                               extra_body={"thinking": {"type": "disabled"}})\n'
        ),
        Valid(
            'import litellm\nlitellm.completion(model="deepseek/deepseek-v4-flash", messages=msgs,\n'
            '                   reasoning_effort="none", top_p=0.9)\n'
        ),
        Valid(
            'from openai import OpenAI\nclient = OpenAI()\n'
            'client.chat.completions.create(model="o3-mini", reasoning_effort="high", messages=msgs,\n'
            '                               temperature=1)\n'
        ),
        Valid(
            'import requests\nrequests.post(URL, json={"model": "deepseek-reasoner", "messages": msgs})\n'
        ),
        Valid(
            'from langchain_deepseek import ChatDeepSeek\n'
            'llm = ChatDeepSeek(model="deepseek-v4-flash", temperature=0,\n'
            '                   extra_body={"thinking": {"type": "disabled"}})\n'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=msgs, temperature=0.2,\n'
            '                               extra_body={"thinking": {"type": "enabled"}})\n'
        ),
        Invalid(
            'import litellm\nlitellm.completion(model="deepseek/deepseek-v4-flash", messages=msgs,\n'
            '                   reasoning_effort="high", top_p=0.9, temperature=0.5)\n',
            count=2,
        ),
        Invalid(
            'import requests\nbody = {"model": "deepseek-reasoner", "messages": msgs, "temperature": 0.6}\n'
            'requests.post(URL, json=body)\n'
        ),
        Invalid('import dspy\nlm = dspy.LM("deepseek/deepseek-reasoner", temperature=0.7)\n'),
        Invalid(
            'from langchain_deepseek import ChatDeepSeek\n'
            'llm = ChatDeepSeek(model="deepseek-v4-pro", presence_penalty=0.5,\n'
            '                   extra_body={"thinking": {"type": "enabled"}})\n'
        ),
        Invalid(
            'import anthropic\nclient = anthropic.Anthropic(base_url="https://api.deepseek.com/anthropic")\n'
            'client.messages.create(model="deepseek-v4-flash", max_tokens=1024, messages=msgs,\n'
            '                       thinking={"type": "enabled"}, temperature=0.3)\n'
        ),
    )

    def check_request(self, request: Request) -> None:
        if not request.sampling or not is_deepseek_request(self.context, request):
            return
        reason = explicit_thinking_reason(request)
        if reason is None:
            return
        for parameter, value in request.sampling.items():
            self.report(
                argument_of(self.context, value),
                f"`{parameter}` is ignored: this request runs in thinking mode ({reason}), where "
                f"the API ignores sampling parameters; remove it, or disable thinking if the call "
                f"relies on it",
                model=request.model.model.id if request.model else None,
                unfixable_reason="remove the parameter or disable thinking by hand",
            )


RULE = ThinkingIgnoresSampling
