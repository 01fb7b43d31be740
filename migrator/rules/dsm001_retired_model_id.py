"""DSM001 retired-model-id.

Upstream: https://api-docs.deepseek.com/news/news260424 (the legacy aliases
``deepseek-chat`` and ``deepseek-reasoner`` retire on 2026-07-24 15:59 UTC).
"""

from __future__ import annotations

from migrator.findings import Severity
from migrator.fixes import plan_fix
from migrator.rules.base import WholeStringRule
from migrator.rules.meta import Invalid, Valid
from migrator.strings import StringNode
from migrator.verdicts import retired_id_verdict


class RetiredModelId(WholeStringRule):
    """
    ## What it does
    Finds a string whose whole value is a retired DeepSeek model ID (`deepseek-chat`,
    `deepseek-reasoner`, `deepseek-coder`), bare or in a client library's spelling
    (`deepseek/deepseek-chat` for LiteLLM and DSPy, `deepseek:deepseek-chat` for
    LangChain's `init_chat_model` and pydantic-ai), wherever it stands: a call argument, a
    payload, a constant, a default, a comparison, a `Literal`, an Enum member.

    ## Why
    The legacy aliases were retired on 2026-07-24 15:59 UTC: every request that still
    names them fails with HTTP 400. `deepseek-chat` was the non-thinking mode and
    `deepseek-reasoner` the thinking mode of the same model, which is now
    `deepseek-v4-flash`. V4 thinks by default, so the faithful replacement of
    `deepseek-chat` is `deepseek-v4-flash` **with thinking disabled**.

    Gateway and hub names that merely look alike (`deepseek/deepseek-chat:free` on
    OpenRouter, Ollama's `deepseek-r1:7b`, `deepseek-ai/DeepSeek-V3`) are not DeepSeek API
    IDs and are never reported.
    """

    code = "DSM001"
    name = "retired-model-id"
    summary = "a string that is, as a whole, a retired DeepSeek model ID"
    default_severity = Severity.ERROR
    fixable = "sometimes"
    fix_safety = (
        "Safe where the request the ID reaches is known: the ID is replaced by the target and, "
        "for `deepseek-chat` / `deepseek-coder`, thinking is disabled explicitly at that request "
        "in the client library's own spelling. Unsafe where the request cannot be followed "
        "(the value goes where the tool cannot see). A value from outside the code (an "
        "environment variable read with `os.getenv` / `os.environ`, a pydantic-settings field) is "
        "safe only together with every value the project supplies for that variable: each read's "
        "default and each `.env` entry must be a retired ID needing the same thinking state, every "
        "read must be followed, and nothing may set the variable or read the environment by a "
        "computed name; then one fix renames them all (the `.env` values too) and writes the "
        "switch at every request they reach. Without a `.env` entry the value is the deployment's "
        "and the fix is unsafe. Absent where the code tells two legacy IDs apart (dict keys, "
        "comparisons, `Literal` / Enum members, branches): rewriting both to one successor would "
        "merge them."
    )
    upstream = "https://api-docs.deepseek.com/news/news260424"
    VALID = (
        Valid('client.chat.completions.create(model="deepseek-v4-flash", messages=[])\n'),
        Valid('MODEL = "deepseek/deepseek-chat-v3-0324"  # an OpenRouter catalogue ID\n'),
        Valid('ollama.chat(model="deepseek-r1:7b", messages=[])\n'),
        Valid('tokenizer = AutoTokenizer.from_pretrained("deepseek-ai/deepseek-coder-6.7b-instruct")\n'),
        Valid('BOT_NAME = "my-deepseek-chat-bot"\n'),
        Valid(
            'client = OpenAI(base_url="https://openrouter.ai/api/v1")\n'
            'client.chat.completions.create(model="deepseek/deepseek-chat", messages=[])\n'
        ),
    )
    INVALID = (
        Invalid(
            'from openai import OpenAI\n'
            'client = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-chat", messages=[])\n',
            fixed='from openai import OpenAI\n'
            'client = OpenAI(base_url="https://api.deepseek.com")\n'
            'client.chat.completions.create(model="deepseek-v4-flash", messages=[], '
            'extra_body={"thinking": {"type": "disabled"}})\n',
        ),
        # Without the import the call is recognised by its shape only: the fix is unsafe.
        Invalid(
            'client.chat.completions.create(model="deepseek-chat", messages=[])\n',
            fixed='client.chat.completions.create(model="deepseek-chat", messages=[])\n',
            unsafe_fixed='client.chat.completions.create(model="deepseek-v4-flash", messages=[])\n',
        ),
        Invalid(
            'import dspy\nllm = dspy.LM("deepseek/deepseek-reasoner")\n',
            fixed='import dspy\nllm = dspy.LM("deepseek/deepseek-v4-flash", thinking={"type": "enabled"})\n',
        ),
        Invalid(
            'from pydantic_ai import Agent\nagent = Agent("deepseek:deepseek-chat")\n',
            fixed='from pydantic_ai import Agent\nagent = Agent("deepseek:deepseek-v4-flash", '
            'model_settings={"extra_body": {"thinking": {"type": "disabled"}}})\n',
        ),
        Invalid(
            'MODEL = os.getenv("DEEPSEEK_MODEL", "deepseek-" "chat")\n',
            fixed='MODEL = os.getenv("DEEPSEEK_MODEL", "deepseek-" "chat")\n',
            unsafe_fixed='MODEL = os.getenv("DEEPSEEK_MODEL", "deepseek-v4-flash" "")\n',
        ),
        # The code tells the two IDs apart: rewriting both would merge them, so no fix.
        Invalid(
            'Model = Literal["deepseek-chat", "deepseek-reasoner"]\n',
            count=2,
            fixed='Model = Literal["deepseek-chat", "deepseek-reasoner"]\n',
            unsafe_fixed='Model = Literal["deepseek-chat", "deepseek-reasoner"]\n',
        ),
        Invalid(
            'if model == b"deepseek-coder":\n    pass\n',
            fixed='if model == b"deepseek-coder":\n    pass\n',
            unsafe_fixed='if model == b"deepseek-v4-flash":\n    pass\n',
        ),
    )

    def check_string(self, node: StringNode) -> None:
        match = self.context.strings.whole_match(node)
        if match is None or not match.model.is_retired:
            return
        judgement = self.context.judgement
        verdict = retired_id_verdict(match, judgement.catalog, judgement.today,
                                     judgement.successor_of(match.model))
        plan = plan_fix(self.context, node, match)
        self.report(
            node,
            verdict.message,
            severity=verdict.severity,
            model=verdict.model,
            replacement=verdict.replacement,
            deadline=verdict.deadline,
            fix=plan.fix,
            unfixable_reason=plan.unfixable_reason,
            requests=plan.requests,
        )


RULE = RetiredModelId
