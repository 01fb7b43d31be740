"""DSM102 implicit-thinking.

Upstream: https://api-docs.deepseek.com/news/news260424 (V4 thinks by default) and
https://api-docs.deepseek.com/guides/thinking_mode (what thinking mode ignores or refuses).
"""

from __future__ import annotations

import libcst as cst

from migrator.context import Request, attribute_chain, is_name
from migrator.findings import Fix, Severity
from migrator.rules._support import quote_of
from migrator.rules.base import RequestRule
from migrator.rules.meta import Invalid, Valid
from migrator.switch import Unfollowable, thinking_switch_edits


def _is_prefix_message(node: cst.BaseExpression) -> bool:
    """A message dict with a ``"prefix": True`` entry."""
    return isinstance(node, cst.Dict) and any(
        isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString)
        and element.key.value[1:-1] == "prefix" and is_name(element.value, "True")
        for element in node.elements)


def non_thinking_signs(request: Request) -> list[str]:
    """What in a request was written for non-thinking mode, named for the message."""
    signs = [f"`{name}`" for name in request.sampling]
    signs += [f"`{name}`" for name in request.signs]
    messages = request.arguments.get("messages")
    if isinstance(messages, cst.List) and messages.elements and \
            _is_prefix_message(messages.elements[-1].value):
        signs.append('prefix completion (`"prefix": True` on the last message)')
    if isinstance(request.node, cst.Call):
        chain = attribute_chain(request.node.func)
        if chain[-2:] == ["completions", "create"] and chain[-3:-2] != ["chat"]:
            signs.append("FIM completion (`completions.create`)")
    return signs


class ImplicitThinking(RequestRule):
    """
    ## What it does
    Finds a request to a V4 model (`deepseek-v4-flash`, `deepseek-v4-pro`, `deepseek-flash`,
    in any client library's spelling) that sets no thinking mode at all, yet carries the
    marks of a call written for non-thinking mode: sampling parameters (`temperature`,
    `top_p`, `presence_penalty`, `frequency_penalty`), `logprobs` / `top_logprobs`, FIM
    completion (`completions.create` with `suffix`) or prefix completion (`"prefix": True`
    on the last message).

    ## Why
    This is the typical half-done migration. `deepseek-chat` *was* the non-thinking mode:
    the ID itself chose it. V4 has one ID per model and **thinks by default**, with the
    body field `thinking` as the switch. So replacing `deepseek-chat` by
    `deepseek-v4-flash` and nothing else (grep-and-replace, a one-line config change)
    silently turns thinking on for every call: answers get slower and longer, responses
    carry `reasoning_content`, `temperature` / `top_p` / the penalties are ignored without an
    error, and FIM or prefix completion, which work in non-thinking mode only, stop
    working. The call still "works", which is why nobody notices.

    A faithful migration of `deepseek-chat` disables thinking explicitly, in the library's
    spelling: `extra_body={"thinking": {"type": "disabled"}}` for the OpenAI SDK and
    LangChain, a `"thinking"` key in a JSON body, `thinking={"type": "disabled"}` for
    LiteLLM, DSPy and the Anthropic SDK (or `reasoning_effort="none"`).
    """

    code = "DSM102"
    name = "implicit-thinking"
    summary = "a V4 request with no thinking setting that carries signs of a non-thinking call"
    default_severity = Severity.WARNING
    fixable = "sometimes"
    fix_safety = (
        "Unsafe: it adds thinking disabled in the library's spelling (merged into an existing "
        "`extra_body` / payload / `thinking` dict), which changes what the current code asks "
        "for - back to what it asked for before the ID was swapped. Absent when the place to "
        "add it is an expression the tool cannot follow (`extra_body=options`)."
    )
    upstream = "https://api-docs.deepseek.com/news/news260424"
    VALID = (
        Valid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=msgs, temperature=0.2,\n'
            '                               extra_body={"thinking": {"type": "disabled"}})\n'
        ),
        Valid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=msgs)\n'
        ),
        Valid(
            'import litellm\nlitellm.completion(model="deepseek/deepseek-v4-flash", messages=msgs,\n'
            '                   reasoning_effort="none", temperature=0)\n'
        ),
        Valid(
            'import requests\nrequests.post(URL, json={"model": "deepseek-chat", "messages": msgs,\n'
            '                         "temperature": 0.2})\n'
        ),
        Valid(
            'from openai import OpenAI\nclient = OpenAI()\n'
            'client.chat.completions.create(model="gpt-4o", messages=msgs, temperature=0.2)\n'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=msgs, temperature=0.2)\n',
            unsafe_fixed='from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=msgs, temperature=0.2, '
            'extra_body={"thinking": {"type": "disabled"}})\n',
        ),
        Invalid(
            'import requests\nbody = {"model": "deepseek-v4-flash", "messages": msgs, "logprobs": True}\n'
            'requests.post(URL, json=body)\n',
            unsafe_fixed='import requests\nbody = {"model": "deepseek-v4-flash", "messages": msgs, '
            '"logprobs": True, "thinking": {"type": "disabled"}}\nrequests.post(URL, json=body)\n',
        ),
        Invalid(
            'import litellm\nlitellm.completion(model="deepseek/deepseek-v4-pro", messages=m, top_p=0.9)\n',
            unsafe_fixed='import litellm\nlitellm.completion(model="deepseek/deepseek-v4-pro", messages=m, '
            'top_p=0.9, thinking={"type": "disabled"})\n',
        ),
        Invalid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com/beta")\n'
            'client.completions.create(model="deepseek-v4-flash", prompt=head, suffix=tail)\n'
        ),
        Invalid(
            'from langchain_deepseek import ChatDeepSeek\n'
            'llm = ChatDeepSeek(model="deepseek-v4-flash", temperature=0,\n'
            '                   extra_body={"user": "svc"})\n',
            unsafe_fixed='from langchain_deepseek import ChatDeepSeek\n'
            'llm = ChatDeepSeek(model="deepseek-v4-flash", temperature=0,\n'
            '                   extra_body={"user": "svc", "thinking": {"type": "disabled"}})\n',
        ),
        Invalid(
            'from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com/beta")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=[\n'
            '    {"role": "user", "content": q},\n'
            '    {"role": "assistant", "content": "```python\\n", "prefix": True},\n'
            '])\n'
        ),
    )

    def check_request(self, request: Request) -> None:
        if request.model is None or request.model.model.is_retired:
            return
        if request.thinking.state != "default" or request.model_expr is None:
            return
        signs = non_thinking_signs(request)
        if not signs:
            return
        spelled = request.model.spelled
        switch = request.library.thinking_example("disabled")
        try:
            edits = thinking_switch_edits(self.context, request.node, request.library, "disabled",
                                          quote_of(request))
        except Unfollowable:
            edits = []
        self.report(
            request.model_expr,
            f"`{spelled}` thinks by default and this request sets no thinking mode, yet it carries "
            f"{', '.join(signs)} - written for non-thinking mode, which thinking ignores or "
            f"refuses; disable thinking explicitly: `{switch}`",
            model=request.model.model.id,
            fix=Fix("unsafe", "Disable thinking explicitly", tuple(edits)) if edits else None,
            unfixable_reason=None if edits else "the thinking switch's container is "
            "not a literal; add thinking disabled by hand",
        )


RULE = ImplicitThinking
