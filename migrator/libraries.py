"""Client-library knowledge, in one place: how a request is recognised and how thinking is spelled.

Adding a library is adding one :class:`Library` entry here. A request is
recognised by the qualified name of what is called (libcst's
``QualifiedNameProvider`` follows the imports, never variable names), or, for
the SDK clients whose instances are created elsewhere, by the method chain
(``….chat.completions.create``) in a module that imports the SDK.

``thinking_path`` is where the thinking switch lives: the first element is a
keyword argument (or a payload key), the rest are keys of nested dict
literals. The switch's value is always ``{"type": "enabled" | "disabled"}``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Library:
    name: str
    label: str
    thinking_path: tuple[str, ...]
    callables: tuple[str, ...] = ()  # qualified names whose call carries a model
    methods: tuple[str, ...] = ()  # attribute-chain suffixes of SDK request methods
    import_roots: tuple[str, ...] = ()  # a module importing one of these makes `methods` count
    model_params: tuple[str, ...] = ("model",)
    model_position: int | None = None  # positional index of the model, when it may be positional
    # When given, only these callables take the model at ``model_position`` (the rest: keyword).
    positional_callables: tuple[str, ...] = ()
    effort_param: str | None = "reasoning_effort"
    sends_request: bool = True  # False: binds a model for later requests (a client object)
    # LiteLLM's routing: `deepseek/…` means DeepSeek's own API even beside a gateway client
    # (LiteLLM spells the OpenRouter route `openrouter/deepseek/…`).
    routes_deepseek_prefix: bool = False
    # `fix` spells a kept-on thinking mode explicitly (`deepseek-reasoner`) only where the
    # library accepts a bare `{"type": "enabled"}` (Anthropic's type wants `budget_tokens`).
    explicit_enabled: bool = True
    # Why the switch cannot be written at this call (the library has no argument that reaches
    # the request body there): a fix that must disable thinking is then unsafe.
    no_switch: str = ""
    # The pydantic field a project subclass overrides to change the model every instance sends
    # (`model_name: str = Field(default=..., alias="model")`), where a run showed it does.
    subclass_model_field: str | None = None

    def thinking_example(self, state: str) -> str:
        """How this library spells the switch, for messages and docs."""
        value = f'{{"type": "{state}"}}'
        for key in reversed(self.thinking_path[1:]):
            value = f'{{"{key}": {value}}}'
        return f"{self.thinking_path[0]}={value}"


# instructor's patched OpenAI client (`instructor.from_openai(OpenAI(...))`) sends the SDK's
# `chat.completions.create` with `extra_body` merged as the SDK does (OPENAI counts a module
# importing instructor); these are instructor's own methods, with the same spelling.
INSTRUCTOR = Library(
    name="instructor",
    label="instructor (OpenAI client)",
    thinking_path=("extra_body", "thinking"),
    methods=(
        "chat.completions.create_with_completion",
        "chat.completions.create_partial",
        "chat.completions.create_iterable",
        "create_with_completion",
    ),
    import_roots=("instructor",),
)
OPENAI = Library(
    name="openai",
    label="OpenAI SDK",
    thinking_path=("extra_body", "thinking"),
    methods=(
        "chat.completions.create",
        "chat.completions.parse",
        "chat.completions.stream",
        "chat.completions.with_raw_response.create",
        "chat.completions.with_streaming_response.create",
        "beta.chat.completions.parse",
        "beta.chat.completions.stream",
        "completions.create",
    ),
    import_roots=("openai", "instructor"),
)
ANTHROPIC = Library(
    name="anthropic",
    label="Anthropic SDK",
    thinking_path=("thinking",),
    methods=(
        "messages.create",
        "messages.stream",
        "messages.with_raw_response.create",
        "beta.messages.create",
        "beta.messages.stream",
    ),
    import_roots=("anthropic",),
    effort_param=None,
    explicit_enabled=False,
)
LITELLM = Library(
    name="litellm",
    label="LiteLLM",
    thinking_path=("thinking",),
    callables=("litellm.completion", "litellm.acompletion", "litellm.text_completion",
               "litellm.atext_completion", "litellm.main.completion", "litellm.main.acompletion"),
    # completion(model, messages=...) / acompletion(model, ...); text_completion(prompt, model=...).
    model_position=0,
    positional_callables=("litellm.completion", "litellm.acompletion", "litellm.main.completion",
                          "litellm.main.acompletion"),
    routes_deepseek_prefix=True,
)
DSPY = Library(
    name="dspy",
    label="DSPy",
    thinking_path=("thinking",),
    callables=("dspy.LM", "dspy.clients.LM", "dspy.clients.lm.LM"),
    model_position=0,
    sends_request=False,
    routes_deepseek_prefix=True,
)
LANGCHAIN_DEEPSEEK = Library(
    name="langchain_deepseek",
    label="LangChain ChatDeepSeek",
    thinking_path=("extra_body", "thinking"),
    callables=("langchain_deepseek.ChatDeepSeek", "langchain_deepseek.chat_models.ChatDeepSeek"),
    model_params=("model", "model_name"),
    sends_request=False,
    subclass_model_field="model_name",
)
LANGCHAIN_OPENAI = Library(
    name="langchain_openai",
    label="LangChain ChatOpenAI",
    thinking_path=("extra_body", "thinking"),
    callables=("langchain_openai.ChatOpenAI", "langchain_openai.chat_models.ChatOpenAI",
               "langchain_openai.chat_models.base.ChatOpenAI"),
    model_params=("model", "model_name"),
    sends_request=False,
    subclass_model_field="model_name",
)
INIT_CHAT_MODEL = Library(
    name="init_chat_model",
    label="LangChain init_chat_model",
    thinking_path=("extra_body", "thinking"),
    callables=("langchain.chat_models.init_chat_model",
               "langchain.chat_models.base.init_chat_model"),
    model_position=0,
    sends_request=False,
)
LLAMA_INDEX = Library(
    name="llama_index",
    label="LlamaIndex DeepSeek",
    thinking_path=("additional_kwargs", "extra_body", "thinking"),
    callables=("llama_index.llms.deepseek.DeepSeek", "llama_index.llms.deepseek.base.DeepSeek"),
    sends_request=False,
)
PYDANTIC_AI_AGENT = Library(
    name="pydantic_ai_agent",
    label="pydantic-ai Agent",
    thinking_path=("model_settings", "extra_body", "thinking"),
    callables=("pydantic_ai.Agent", "pydantic_ai.agent.Agent"),
    model_position=0,
    effort_param=None,
    sends_request=False,
)
PYDANTIC_AI_MODEL = Library(
    name="pydantic_ai_model",
    label="pydantic-ai OpenAIChatModel",
    thinking_path=("settings", "extra_body", "thinking"),
    callables=("pydantic_ai.models.openai.OpenAIChatModel", "pydantic_ai.models.openai.OpenAIModel"),
    model_params=("model_name",),
    model_position=0,
    effort_param=None,
    sends_request=False,
)
CREWAI = Library(
    name="crewai",
    label="CrewAI LLM",
    # `LLM("deepseek/…")` builds crewai's own OpenAI-compatible client: `extra_body` reaches the
    # body; a bare `thinking=` is passed to the OpenAI SDK, which rejects it.
    thinking_path=("extra_body", "thinking"),
    callables=("crewai.LLM", "crewai.llm.LLM"),
    model_position=0,
    sends_request=False,
    routes_deepseek_prefix=True,
)
OPENAI_AGENTS_MODEL = Library(
    name="openai_agents_model",
    label="OpenAI Agents SDK OpenAIChatCompletionsModel",
    thinking_path=("extra_body", "thinking"),
    callables=("agents.OpenAIChatCompletionsModel",
               "agents.models.openai_chatcompletions.OpenAIChatCompletionsModel"),
    model_position=0,
    effort_param=None,
    sends_request=False,
    explicit_enabled=False,
    no_switch="OpenAIChatCompletionsModel takes no request settings: thinking goes in the "
              "`model_settings=ModelSettings(extra_body=...)` of every Agent (or RunConfig) that uses it",
)
OPENAI_AGENTS_AGENT = Library(
    name="openai_agents_agent",
    label="OpenAI Agents SDK Agent",
    thinking_path=("model_settings", "extra_body", "thinking"),
    callables=("agents.Agent", "agents.agent.Agent"),
    effort_param=None,
    sends_request=False,
)
SMOLAGENTS_OPENAI = Library(
    name="smolagents_openai",
    label="smolagents OpenAIServerModel",
    thinking_path=("extra_body", "thinking"),  # extra keyword arguments go to `create(...)`
    callables=("smolagents.OpenAIServerModel", "smolagents.OpenAIModel",
               "smolagents.models.OpenAIServerModel", "smolagents.models.OpenAIModel"),
    model_params=("model_id",),
    model_position=0,
    sends_request=False,
)
SMOLAGENTS_LITELLM = Library(
    name="smolagents_litellm",
    label="smolagents LiteLLMModel",
    thinking_path=("thinking",),  # extra keyword arguments go to `litellm.completion(...)`
    callables=("smolagents.LiteLLMModel", "smolagents.models.LiteLLMModel"),
    model_params=("model_id",),
    model_position=0,
    sends_request=False,
    routes_deepseek_prefix=True,
)
AUTOGEN = Library(
    name="autogen",
    label="AutoGen OpenAIChatCompletionClient",
    thinking_path=("extra_body", "thinking"),
    callables=("autogen_ext.models.openai.OpenAIChatCompletionClient",
               "autogen_ext.models.openai._openai_client.OpenAIChatCompletionClient"),
    sends_request=False,
)
AGNO = Library(
    name="agno",
    label="agno DeepSeek",
    thinking_path=("extra_body", "thinking"),
    callables=("agno.models.deepseek.DeepSeek", "agno.models.deepseek.deepseek.DeepSeek"),
    model_params=("id",),
    model_position=0,
    sends_request=False,
)
HAYSTACK = Library(
    name="haystack",
    label="Haystack OpenAIChatGenerator",
    thinking_path=("generation_kwargs", "extra_body", "thinking"),
    callables=("haystack.components.generators.chat.OpenAIChatGenerator",
               "haystack.components.generators.chat.openai.OpenAIChatGenerator"),
    effort_param=None,  # `reasoning_effort` would sit inside `generation_kwargs`
    sends_request=False,
)
HTTP_PAYLOAD = Library(
    name="http",
    label="JSON request body",
    thinking_path=("thinking",),
)
LITELLM_PARAMS = Library(
    name="litellm_router",
    label="LiteLLM Router litellm_params",
    thinking_path=("thinking",),
    sends_request=False,
    routes_deepseek_prefix=True,
)

LIBRARIES: tuple[Library, ...] = (
    OPENAI, INSTRUCTOR, ANTHROPIC, LITELLM, DSPY, LANGCHAIN_DEEPSEEK, LANGCHAIN_OPENAI, INIT_CHAT_MODEL,
    LLAMA_INDEX, PYDANTIC_AI_AGENT, PYDANTIC_AI_MODEL, CREWAI, OPENAI_AGENTS_MODEL, OPENAI_AGENTS_AGENT,
    SMOLAGENTS_OPENAI, SMOLAGENTS_LITELLM, AUTOGEN, AGNO, HAYSTACK,
)
BY_CALLABLE: dict[str, Library] = {name: lib for lib in LIBRARIES for name in lib.callables}
CALLABLE_TAILS: frozenset[str] = frozenset(name.rsplit(".", 1)[-1] for name in BY_CALLABLE)
METHOD_LIBRARIES: tuple[Library, ...] = tuple(lib for lib in LIBRARIES if lib.methods)

# Calls whose keyword arguments are mapping entries (`extra_body=dict(...)`, pydantic-ai's
# `ModelSettings(...)`): the thinking switch can be read from and merged into them.
MAPPING_CONSTRUCTORS: tuple[str, ...] = ("dict", "ModelSettings")
# Keyword arguments and methods through which a payload dict is sent as JSON.
PAYLOAD_KEYWORDS: tuple[str, ...] = ("json",)
PAYLOAD_METHODS: tuple[str, ...] = ("post", "put", "request", "stream")
# `os.getenv("X", default)` and friends: the default is the literal that reaches the request.
ENV_DEFAULT_CALLS: tuple[str, ...] = ("os.getenv", "os.environ.get", "os.environ.setdefault")
