"""Variants of the fixture projects that must not keep their safe fix: one change each.

Each case copies a project's ``before/`` tree, applies a few text replacements (or adds a
file), and asks the real CLI for the DSM001 finding at one place: its applicability, and
that the reason names the use that decides it. Cases that stay safe show which uses the
flows accept as harmless.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import FIXTURES, run_cli

PROJECTS = FIXTURES / "projects"


@dataclass(frozen=True)
class Variant:
    id: str
    project: str
    finding: tuple[str, int]  # path, line of the DSM001 finding asked about
    applicability: str  # safe | unsafe | none
    reason: tuple[str, ...] = ()
    replace: tuple[tuple[str, str, str], ...] = ()  # (path, old, new): old must occur once
    add: dict[str, str] = field(default_factory=dict)  # new files
    written: tuple[tuple[str, str], ...] = ()  # (path, text) that `fix` must leave in the file


def finding_of(root: Path, path: str, line: int) -> dict[str, Any]:
    result = run_cli("check", "--output-format", "json", "--no-progress", "--no-cache",
                     "--exit-zero", cwd=root)
    assert result.returncode == 0, result.stderr.decode()
    findings = [f for f in json.loads(result.stdout)["findings"]
                if f["code"] == "DSM001" and f["path"] == path and f["line"] == line]
    assert len(findings) == 1, findings
    found: dict[str, Any] = findings[0]
    return found


def build(variant: Variant, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / variant.project / "before", root)
    for path, old, new in variant.replace:
        text = (root / path).read_text(encoding="utf-8")
        assert text.count(old) == 1, (path, old)
        (root / path).write_text(text.replace(old, new), encoding="utf-8")
    for path, text in variant.add.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


BOT, CLI = "chatbot/bot.py", "chatbot/cli.py"
SESSION = '    bot = Bot(persona="the help desk of a bike shop")\n'
REPLY = "    def reply(self, text: str) -> str:\n"

SELF_ATTRIBUTE = [
    Variant("instance-attribute-set-from-outside", "self_attribute", (BOT, 7), "unsafe",
            ("`Bot.model` is set again at chatbot/cli.py:6",),
            replace=((CLI, SESSION, SESSION + '    bot.model = "deepseek-reasoner"\n'),)),
    Variant("attribute-set-on-an-unknown-object", "self_attribute", (BOT, 7), "unsafe",
            ("`obj.model` is set at chatbot/tune.py:2",),
            add={"chatbot/tune.py": 'def tune(obj):\n    obj.model = "deepseek-v4-pro"\n'}),
    Variant("attribute-set-by-name", "self_attribute", (BOT, 7), "unsafe",
            ("by name at chatbot/tune.py:2",),
            add={"chatbot/tune.py": "def tune(obj, key, value):\n    setattr(obj, key, value)\n"}),
    Variant("attribute-set-again-in-a-method", "self_attribute", (BOT, 7), "unsafe",
            ("`Bot.model` is set again at chatbot/bot.py:13",),
            replace=((BOT, REPLY, REPLY.replace("reply", "use") +
                      '        self.model = "deepseek-reasoner"\n\n' + REPLY),)),
    Variant("attribute-defined-in-the-class-body", "self_attribute", (BOT, 9), "unsafe",
            ("`Bot` defines `model` in its body",),
            replace=((BOT, "class Bot:\n", 'class Bot:\n    model = "deepseek-v4-pro"\n\n'),)),
    Variant("subclass-elsewhere", "self_attribute", (BOT, 7), "unsafe",
            ("`Tutor` subclasses `Bot` (chatbot/tutor.py:4)",),
            add={"chatbot/tutor.py": "from .bot import Bot\n\n\nclass Tutor(Bot):\n    pass\n"}),
    Variant("class-handed-on", "self_attribute", (BOT, 7), "unsafe",
            ("`Bot` is handed on as a value at chatbot/registry.py:3",),
            add={"chatbot/registry.py": "from chatbot import Bot\n\nMAKERS = {\"bot\": Bot}\n"}),
    Variant("class-with-a-library-base", "self_attribute", (BOT, 10), "unsafe",
            ("`Bot` is built on `Base`",),
            replace=((BOT, "class Bot:\n", "from base import Base\n\n\nclass Bot(Base):\n"),)),
    Variant("instantiated-through-re-export-with-another-model", "self_attribute", (BOT, 7), "unsafe",
            ("`__init__` gets another `model` at chatbot/cli.py:5",),
            replace=((CLI, 'Bot(persona=', 'Bot(model=pick(), persona='),)),
    Variant("instantiated-with-reasoner", "self_attribute", (BOT, 7), "unsafe",
            ("chatbot/cli.py:5", "deepseek-reasoner"),
            replace=((CLI, 'Bot(persona=', 'Bot(model="deepseek-reasoner", persona='),)),
    Variant("attribute-compared", "self_attribute", (BOT, 7), "unsafe",
            ("compared",),
            replace=((BOT, REPLY, REPLY + '        if self.model == "x":\n            return ""\n'),)),
    Variant("attribute-read-on-an-unknown-object", "self_attribute", (BOT, 7), "unsafe",
            ("`cfg.model` is read at chatbot/show.py:2",),
            add={"chatbot/show.py": "def show(cfg):\n    return cfg.model\n"}),
    Variant("instance-dict-changed", "self_attribute", (BOT, 7), "unsafe",
            ("`self` has its attributes set or read by name at chatbot/bot.py:10",),
            replace=((BOT, "        self.history = [",
                      "        self.__dict__.update({})\n        self.history = ["),)),
    Variant("instance-attribute-printed", "self_attribute", (BOT, 7), "safe",
            replace=((CLI, SESSION, SESSION + "    print(bot.model)\n"),)),
    Variant("response-model-and-other-classes", "self_attribute", (BOT, 7), "safe",
            replace=((BOT, "        answer = ", "        print(response.model)\n        answer = "),),
            add={"chatbot/other.py": "class Other:\n    def __init__(self):\n        self.model = 1\n\n"
                                     "    def get(self):\n        return self.model\n"}),
]

SETTINGS_PY, SUMMARY = "digest/settings.py", "digest/summary.py"
READ = 'SETTINGS["summary_model"]'
HEADERS = "    headers = {"
PAYLOAD = "    payload = {"


def before_payload(lines: str) -> tuple[tuple[str, str, str], ...]:
    """Statements inserted in summarise_thread() before its payload (the read stays at line 10+)."""
    return ((SUMMARY, PAYLOAD, lines + PAYLOAD),)
NESTED = (
    '"""Runtime settings."""\n\nCONFIG = {\n    "api_url": "https://api.deepseek.com/chat/completions",\n'
    '    "llm": {"summary": {"model": "deepseek-chat"}, "other": {"model": "x"}},\n}\n'
    'SETTINGS = {"timeout": 30, "api_url": CONFIG["api_url"]}\n'
)


def settings_variant(id: str, applicability: str, *reason: str, line: int = 5,
                     replace: tuple[tuple[str, str, str], ...] = (),
                     add: dict[str, str] | None = None) -> Variant:
    return Variant(id, "settings_dict", (SETTINGS_PY, line), applicability, reason, replace, add or {})


SETTINGS_DICT = [
    settings_variant("entry-set-elsewhere", "unsafe", "is set or deleted at digest/tune.py:4",
                     add={"digest/tune.py": 'from .settings import SETTINGS\n\n\n'
                                            'SETTINGS["summary_model"] = "deepseek-reasoner"\n'}),
    settings_variant("other-entry-set", "unsafe", '`SETTINGS["timeout"]` is set or deleted',
                     replace=((SUMMARY, HEADERS, '    SETTINGS["timeout"] = 60\n' + HEADERS),)),
    settings_variant("dict-updated", "unsafe", "`SETTINGS.update()` at digest/summary.py:9 changes",
                     replace=before_payload("    SETTINGS.update(timeout=5)\n")),
    settings_variant("key-not-a-literal", "unsafe", "`SETTINGS[name]` at digest/summary.py:9",
                     replace=before_payload("    print(SETTINGS[name])\n")),
    settings_variant("dict-spread-into-a-call", "unsafe", "`**SETTINGS` at digest/summary.py:9",
                     replace=before_payload("    configure(**SETTINGS)\n")),
    settings_variant("dict-passed-on", "unsafe", "`SETTINGS` is passed on at digest/summary.py:9",
                     replace=before_payload("    configure(SETTINGS)\n")),
    settings_variant("entries-handed-out", "unsafe", "`SETTINGS.items`",
                     replace=before_payload("    pairs = SETTINGS.items()\n")),
    settings_variant("entry-compared", "unsafe", "compared",
                     replace=before_payload('    if SETTINGS.get("summary_model") == "x":\n'
                                            '        return ""\n')),
    settings_variant("entry-read-with-get", "safe",
                     replace=((SUMMARY, READ, 'SETTINGS.get("summary_model", "x")'),)),
    settings_variant("harmless-uses", "safe", replace=before_payload(
        '    print(SETTINGS, len(SETTINGS), "timeout" in SETTINGS, list(SETTINGS.keys()))\n'
        '    print(f"model: {SETTINGS[\'summary_model\']}")\n')),
    settings_variant("read-through-the-module", "safe",
                     add={"digest/report.py": 'import digest.settings as s\n\n'
                                              'print(s.SETTINGS["summary_model"], s.SETTINGS["timeout"])\n'}),
    settings_variant("module-entry-set", "unsafe", "is set or deleted at digest/report.py:3",
                     add={"digest/report.py": 'import digest.settings as s\n\n'
                                              's.SETTINGS["summary_model"] = "x"\n'}),
    settings_variant("nested-entry", "safe", line=5,
                     add={SETTINGS_PY: NESTED},
                     replace=((SUMMARY, "from .settings import SETTINGS",
                               "from .settings import CONFIG, SETTINGS"),
                              (SUMMARY, READ, 'CONFIG["llm"]["summary"]["model"]'))),
    settings_variant("nested-part-passed-on", "unsafe", '`CONFIG["llm"]` is passed on', line=5,
                     add={SETTINGS_PY: NESTED + '\nLLM = CONFIG["llm"]\n'},
                     replace=((SUMMARY, "from .settings import SETTINGS",
                               "from .settings import CONFIG, SETTINGS"),
                              (SUMMARY, READ, 'CONFIG["llm"]["summary"]["model"]'))),
]

SUMMARIZER = "agents/summarizer.py"
LLM, SUMMARY_PY, ACTIONS = "notes/llm.py", "notes/summary.py", "notes/actions.py"
WRAPPER = "def chat(messages, model=\"deepseek-chat\", **kwargs):\n"
SUMMARISE = "    return chat(msgs).choices"


def forward_variant(id: str, applicability: str, *reason: str,
                    replace: tuple[tuple[str, str, str], ...] = (), add: dict[str, str] | None = None,
                    written: tuple[tuple[str, str], ...] = (), finding: tuple[str, int] = (LLM, 8),
                    ) -> Variant:
    return Variant(id, "wrapper_kwargs_forward", finding, applicability, reason, replace, add or {},
                   written)


KWARGS_FORWARD = [
    forward_variant("caller-with-its-own-model-keeps-its-request", "safe",
                    replace=((SUMMARY_PY, "chat(msgs)", 'chat(msgs, model="deepseek-v4-pro")'),),
                    written=((SUMMARY_PY, 'chat(msgs, model="deepseek-v4-pro").choices'),
                             (ACTIONS, "extra_body={\"user_tag\": \"titles\", \"thinking\""))),
    forward_variant("caller-with-reasoner-gets-its-own-switch", "safe",
                    replace=((SUMMARY_PY, "chat(msgs)", 'chat(msgs, model="deepseek-reasoner")'),),
                    finding=(SUMMARY_PY, 6),
                    written=((SUMMARY_PY, 'chat(msgs, model="deepseek-v4-flash", extra_body={"thinking": '
                                          '{"type": "enabled"}}).choices'),)),
    forward_variant("caller-unpacks-options", "unsafe", "notes/summary.py:6 unpacks arguments",
                    replace=((SUMMARY_PY, "chat(msgs)", "chat(msgs, **OPTIONS)"),)),
    forward_variant("caller-passes-a-body-expression", "unsafe", "`extra_body` is not a literal",
                    replace=((SUMMARY_PY, "chat(msgs)", "chat(msgs, extra_body=BODY)"),)),
    forward_variant("caller-sets-thinking-itself", "safe",
                    replace=((SUMMARY_PY, "chat(msgs)",
                              'chat(msgs, extra_body={"thinking": {"type": "enabled"}})'),),
                    written=((SUMMARY_PY, 'chat(msgs, extra_body={"thinking": {"type": "enabled"}})'),)),
    forward_variant("wrapper-changes-its-kwargs", "unsafe", "`**kwargs` is used elsewhere",
                    replace=((LLM, WRAPPER, WRAPPER + "    kwargs.setdefault(\"timeout\", 30)\n"),)),
    forward_variant("wrapper-takes-the-switch-keyword", "unsafe", "sets part of the thinking switch",
                    replace=((LLM, "**kwargs):", "extra_body=None, **kwargs):"),)),
    forward_variant("wrapper-handed-on", "unsafe", "`chat` is handed on as a value at notes/llm.py:12",
                    replace=((LLM, "**kwargs)\n", "**kwargs)\n\n\nHANDLERS = {\"chat\": chat}\n"),)),
    forward_variant("another-modules-chat", "unsafe", "may be one of `chat`",
                    replace=((SUMMARY_PY, "from .llm import chat",
                              "from . import llm, other\nfrom .llm import chat"),
                             (SUMMARY_PY, "chat(msgs).choices", "other.chat(msgs).choices"))),
    settings_variant("dict-copied-into-another", "unsafe", "`**SETTINGS` at digest/summary.py:9 copies",
                     replace=before_payload("    merged = {**SETTINGS}\n")),
    forward_variant("another-objects-chat-method", "unsafe", "may be one of `chat`",
                    replace=((SUMMARY_PY, "chat(msgs).choices", "bot.chat(msgs).choices"),)),
]

# A re-exported wrapper: its callers import it from the package, not from its module.
REEXPORT = [
    Variant("wrapper-stored-in-a-table-elsewhere", "wrapper_default", ("agents/llm.py", 6), "unsafe",
            ("`make_llm` is handed on as a value at agents/registry.py:3",),
            add={"agents/registry.py": 'from .llm import make_llm\n\nFACTORIES = {"chat": make_llm}\n'}),
    Variant("wrapper-passed-as-a-callback-elsewhere", "wrapper_default", ("agents/llm.py", 6), "unsafe",
            ("`make_llm` is handed on as a value at agents/lazy.py:5",),
            add={"agents/lazy.py": "from functools import lru_cache\n\nfrom . import llm\n\n"
                                   "CACHED = lru_cache(llm.make_llm)\n"}),
    Variant("wrapper-only-called-elsewhere", "wrapper_default", ("agents/llm.py", 6), "safe",
            add={"agents/again.py": "from .llm import make_llm\n\nLLM = make_llm(temperature=0.5)\n"}),
    Variant("wrapper-caller-through-re-export", "wrapper_default", ("agents/llm.py", 6), "unsafe",
            ("a value the tool cannot follow",),
            add={"agents/__init__.py": "from .llm import make_llm\n",
                 "agents/extra.py": "from agents import make_llm\n\nLLM = make_llm(model=pick())\n"}),
]


# Constructions that name no class call `__init__` with values of their own; reading a type
# to compare it or to show its name does not.
CLONE = "    def clone(self):\n        return {}\n\n" + REPLY
SELF_CONSTRUCTIONS = [
    Variant("default-and-a-type-self-clone", "self_attribute", (BOT, 7), "unsafe",
            ("`type(self)` at chatbot/bot.py:13 may construct `Bot` without naming it",),
            replace=((BOT, REPLY, CLONE.format('type(self)(model="deepseek-reasoner")')),)),
    Variant("default-and-a-class-attribute-clone", "self_attribute", (BOT, 7), "unsafe",
            ("`self.__class__` at chatbot/bot.py:13",),
            replace=((BOT, REPLY, CLONE.format('self.__class__(model="deepseek-reasoner")')),)),
    Variant("default-and-a-classmethod-constructor", "self_attribute", (BOT, 7), "unsafe",
            ("`cls` at chatbot/bot.py:14",),
            replace=((BOT, REPLY, '    @classmethod\n    def careful(cls):\n'
                      '        return cls(model="deepseek-reasoner")\n\n' + REPLY),)),
    Variant("default-and-a-type-of-an-instance-elsewhere", "self_attribute", (BOT, 7), "unsafe",
            ("`type(bot)` at chatbot/cli.py:6",),
            replace=((CLI, SESSION, SESSION + '    bot = type(bot)(model="deepseek-reasoner")\n'),)),
    Variant("a-type-only-compared-and-named", "self_attribute", (BOT, 7), "safe",
            replace=((CLI, SESSION, SESSION + "    print(type(bot).__name__, type(bot) is type(None))\n"),)),
]

ANALYST, ALERTS, DAILY = "brief/analyst.py", "brief/alerts.py", "brief/daily.py"
ANALYST_CLASS = "class Analyst:\n"
MORNING = "    analyst = Analyst(CHAT_MODEL)\n"
ENVIRONMENT_VALUE = '    Analyst(__import__("os").environ["M"])\n'
NOT_FOLLOWED = ("`Analyst()`", "not a recognised request")  # a class whose construction may differ


def constructor_variant(id: str, applicability: str, *reason: str,
                        replace: tuple[tuple[str, str, str], ...] = (),
                        add: dict[str, str] | None = None) -> Variant:
    return Variant(id, "constructor_argument", (ALERTS, 5), applicability, reason, replace, add or {})


CONSTRUCTOR_ARGUMENT = [
    constructor_variant("another-construction-with-the-reasoner", "unsafe",
                        "`__init__` gets `deepseek-chat` (brief/alerts.py:5) and `deepseek-reasoner`",
                        replace=((DAILY, MORNING, MORNING + '    Analyst("deepseek-reasoner")\n'),)),
    constructor_variant("another-construction-from-the-environment", "unsafe",
                        "`__init__` gets another `model` at brief/daily.py:",
                        replace=((DAILY, MORNING, MORNING + ENVIRONMENT_VALUE),)),
    constructor_variant("a-default-of-another-model", "unsafe", "its default (brief/analyst.py:9)",
                        replace=((ANALYST, "(self, model,", '(self, model="gpt-4o",'),)),
    constructor_variant("a-base-class", "unsafe", *NOT_FOLLOWED,
                        replace=((ANALYST, ANALYST_CLASS, "class Base:\n    pass\n\n\n"
                                  "class Analyst(Base):\n"),)),
    constructor_variant("a-metaclass", "unsafe", *NOT_FOLLOWED,
                        replace=((ANALYST, ANALYST_CLASS, "class Analyst(metaclass=type):\n"),)),
    constructor_variant("a-decorated-class", "unsafe", *NOT_FOLLOWED,
                        replace=((ANALYST, ANALYST_CLASS, "@staticmethod\nclass Analyst:\n"),)),
    constructor_variant("its-own-new", "unsafe", *NOT_FOLLOWED,
                        replace=((ANALYST, "    def __init__(", "    def __new__(cls, *args, **kwargs):\n"
                                  "        return super().__new__(cls)\n\n    def __init__("),)),
    constructor_variant("init-bound-again-in-the-body", "unsafe", *NOT_FOLLOWED,
                        replace=((ANALYST, "    def summarise(", "    __init__ = object.__init__\n\n"
                                  "    def summarise("),)),
    constructor_variant("a-conditional-in-the-body", "unsafe", *NOT_FOLLOWED,
                        replace=((ANALYST, "    def summarise(", "    if os.name == 'nt':\n"
                                  "        pass\n\n    def summarise("),)),
    constructor_variant("a-subclass", "unsafe", "`Loud` subclasses `Analyst`",
                        add={"brief/loud.py": "from .analyst import Analyst\n\n\nclass Loud(Analyst):\n"
                             "    pass\n"}),
    constructor_variant("the-parameter-inspected", "unsafe", "inspected with `.upper()`",
                        replace=((ANALYST, "        self.model = model\n",
                                  "        self.model = model\n        print(model.upper())\n"),)),
    constructor_variant("the-class-handed-on", "unsafe", "`Analyst` is handed on as a value",
                        replace=((DAILY, MORNING, MORNING + "    make = Analyst\n"),)),
    constructor_variant("the-class-used-through-an-attribute", "unsafe",
                        "`Analyst` is used through one of its attributes at brief/daily.py:7",
                        replace=((DAILY, MORNING, MORNING + "    print(Analyst.summarise)\n"),)),
    constructor_variant("a-positional-argument", "safe",
                        replace=((ALERTS, 'Analyst(model="deepseek-chat", temperature=0.0)',
                                  'Analyst("deepseek-chat", 0.0)'),)),
]

# A class whose `__init__` sends the request itself: no attribute carries the value, so only
# the constructor's callers rule sees how instances are made.
ONCE = ('import os\n\nfrom openai import OpenAI\n\n\nclass Once:\n'
        '    def __init__(self, model{default}, text="hi"):\n'
        '        client = OpenAI(api_key=os.getenv("DEEPSEEK_API_KEY", "sk-local"), '
        'base_url="https://api.deepseek.com")\n'
        '        self.reply = client.chat.completions.create(model=model, '
        'messages=[{{"role": "user", "content": text}}])\n')
ONCE_USE = "chatbot/once_use.py"


def once_variant(id: str, applicability: str, use: str, *reason: str, default: str = "",
                 finding: tuple[str, int] = (ONCE_USE, 3)) -> Variant:
    return Variant(id, "self_attribute", finding, applicability, reason, add={
        "chatbot/once.py": ONCE.format(default=default), ONCE_USE: "from .once import Once\n\n" + use})


REQUEST_IN_INIT = [
    once_variant("a-request-in-init", "safe", 'first = Once(model="deepseek-chat")\n'),
    once_variant("a-request-in-init-and-the-class-handed-on", "unsafe",
                 'first = Once(model="deepseek-chat")\nmake = Once\n',
                 "`Once` is handed on as a value at chatbot/once_use.py:4"),
    once_variant("a-request-in-init-and-a-subclass", "unsafe",
                 'first = Once(model="deepseek-chat")\n\n\nclass Twice(Once):\n    pass\n',
                 "`Twice` subclasses `Once` (chatbot/once_use.py:6)"),
    once_variant("a-request-in-init-its-default-and-the-class-handed-on", "unsafe",
                 "first = Once()\nmake = Once\n", "`Once` is handed on as a value at chatbot/once_use.py:4",
                 default='="deepseek-chat"', finding=("chatbot/once.py", 7)),
    once_variant("a-request-in-init-its-default-and-a-type-clone", "unsafe",
                 'first = Once()\nsecond = type(first)(model="deepseek-reasoner")\n',
                 "`type(first)` at chatbot/once_use.py:4 may construct `Once`",
                 default='="deepseek-chat"', finding=("chatbot/once.py", 7)),
]

HELPER = ('import os\n\nfrom openai import OpenAI\n\n\nclass Helper:\n'
          '    def ask(self, text, model="deepseek-chat"):\n'
          '        client = OpenAI(api_key=os.getenv("DEEPSEEK_API_KEY", "sk-local"), '
          'base_url="https://api.deepseek.com")\n'
          '        return client.chat.completions.create(model=model, '
          'messages=[{"role": "user", "content": text}])\n')


def method_variant(id: str, applicability: str, use: str, *reason: str) -> Variant:
    return Variant(id, "self_attribute", ("chatbot/helper.py", 7), applicability, reason, add={
        "chatbot/helper.py": HELPER, "chatbot/helper_use.py": "from .helper import Helper\n\n" + use})


METHOD_DEFAULT = [
    method_variant("a-method-default", "safe", 'print(Helper().ask("hi"))\n'),
    method_variant("a-method-default-and-the-bound-method-handed-on", "unsafe",
                   'helper = Helper()\nprint(helper.ask("hi"))\nlater = helper.ask\n',
                   "`ask` is handed on as a value at chatbot/helper_use.py:5"),
]


def notebook(*lines: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                                  "outputs": [], "source": [line + "\n" for line in lines]}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


METHOD_FUNCTION = "    analyst.summarise.__func__(object(), 'x')\n"
OBJECT_SETATTR = '    object.__setattr__(bot, "model", "deepseek-reasoner")\n'
# What the import graph does not show: notebooks and configs, reflection, unnamed types.
REACHED_ELSEWHERE = [
    constructor_variant("a-notebook-makes-one", "unsafe", "`Analyst` is named in explore.ipynb",
                        add={"explore.ipynb": notebook("from brief import Analyst",
                                                       'Analyst(model="deepseek-v4-pro")')}),
    constructor_variant("a-hydra-config-names-it", "unsafe", "`Analyst` is named in conf/brief.yaml",
                        add={"conf/brief.yaml": "_target_: brief.analyst.Analyst\nmodel: deepseek-v4-pro\n"}),
    constructor_variant("named-by-a-module-that-does-not-import-it", "unsafe",
                        "`Analyst` is named in brief/plugins.py, which does not import it",
                        add={"brief/plugins.py": "import importlib\n\n\ndef load(kind, model):\n"
                             '    return getattr(importlib.import_module("brief.analyst"), kind)(model)\n\n\n'
                             'PRO = load("Analyst", "deepseek-v4-pro")\n'}),
    constructor_variant("a-type-clone-where-it-is-not-imported", "unsafe",
                        "brief/helpers.py:2 may make an object of a type it does not name",
                        add={"brief/helpers.py": "def clone_with(obj, model):\n"
                                                 "    return type(obj)(model)\n"}),
    constructor_variant("init-called-again-where-it-is-not-imported", "unsafe",
                        "brief/helpers.py:2 may make an object of a type it does not name",
                        add={"brief/helpers.py": "def reset(obj, model):\n    obj.__init__(model)\n"}),
    constructor_variant("a-type-only-named-where-it-is-not-imported", "safe",
                        add={"brief/helpers.py": "def kind(obj):\n    return type(obj).__name__\n"}),
    constructor_variant("init-called-again-where-it-is-imported", "unsafe", "`__init__` gets",
                        replace=((DAILY, MORNING, MORNING + '    analyst.__init__("deepseek-v4-pro")\n'),)),
    constructor_variant("a-classmethod-made-by-a-call", "unsafe", "`classmethod(_pro)`",
                        replace=((ANALYST, ANALYST_CLASS, 'def _pro(kind):\n'
                                  '    return kind("deepseek-v4-pro")\n\n\n'
                                  + ANALYST_CLASS + "    pro = classmethod(_pro)\n\n"),)),
    constructor_variant("a-classmethod-decorator-by-its-module", "unsafe", "`kind` at brief/analyst.py:",
                        replace=((ANALYST, "    def summarise(", "    @builtins.classmethod\n"
                                  '    def pro(kind):\n        return kind("deepseek-v4-pro")\n\n'
                                  "    def summarise("),
                                 (ANALYST, "import os\n", "import builtins\nimport os\n"))),
    constructor_variant("built-by-a-framework-from-an-annotation", "unsafe",
                        "`Analyst` is handed on as a value at brief/api.py:",
                        add={"brief/api.py": "from fastapi import Depends\n\n"
                             "from .analyst import Analyst\n\n\n"
                             "def summary(text: str, analyst: Analyst = Depends()):\n"
                             "    return analyst.summarise(text)\n"}),
    constructor_variant("an-annotation-of-a-plain-function", "safe",
                        add={"brief/typed.py": "from .analyst import Analyst\n\n\n"
                             "def summary(text: str, analyst: Analyst) -> str:\n"
                             "    return analyst.summarise(text)\n"}),
    Variant("positional-only-and-a-keyword-of-its-name", "constructor_argument", ("brief/settings.py", 1),
            "unsafe", ("`__init__` gets another `model` at brief/alerts.py:5",),
            replace=((ANALYST, "(self, model, temperature=0.2)", "(self, model, /, **labels)"),
                     (ANALYST, "= temperature\n", "= 0.2\n"),
                     (ALERTS, 'Analyst(model="deepseek-chat", temperature=0.0)',
                      'Analyst("deepseek-v4-pro", model="deepseek-chat")'))),
    Variant("its-first-parameter-not-called-self", "constructor_argument", ("brief/settings.py", 1), "safe",
            add={ANALYST: (PROJECTS / "constructor_argument" / "before" / ANALYST).read_text().replace(
                "self", "this")}),  # `Analyst(CHAT_MODEL)` passes `model` positionally, after `this`
    Variant("a-notebook-calls-the-wrapper", "wrapper_default", ("agents/llm.py", 6), "unsafe",
            ("`make_llm` is named in explore.ipynb",),
            add={"explore.ipynb": notebook("from agents import llm", 'llm.make_llm(model="gpt-4o")')}),
    Variant("a-notebook-names-it-but-not-its-module", "wrapper_default", ("agents/llm.py", 6), "safe",
            add={"explore.ipynb": notebook("make_llm = print", 'make_llm("gpt-4o")')}),
    Variant("the-wrapper-bound-twice", "wrapper_default", (SUMMARIZER, 10), "unsafe",
            add={"agents/summarizer.py": "import os\n\nfrom .llm import make_llm\n\nif os.name == 'nt':\n"
                 "    from .other import make_llm\n\n\ndef summarize(ticket):\n"
                 '    return make_llm(model="deepseek-chat").invoke(ticket).content\n'}),
    constructor_variant("code-run-from-a-string-where-it-is-imported", "unsafe", "`eval(",
                        replace=((DAILY, MORNING, MORNING + "    eval(\"Analyst('deepseek-v4-pro')\")\n"),)),
    constructor_variant("a-method-function-taken-off-its-instance", "unsafe",
                        "brief/daily.py takes a method's function off its instance",
                        replace=((DAILY, MORNING, MORNING + METHOD_FUNCTION),)),
    Variant("the-attribute-set-through-object-setattr", "self_attribute", (BOT, 7), "unsafe",
            ("by name at chatbot/cli.py:6",),
            replace=((CLI, SESSION, SESSION + OBJECT_SETATTR),)),
]


@pytest.mark.parametrize("variant", SELF_ATTRIBUTE + SETTINGS_DICT + KWARGS_FORWARD + REEXPORT +
                         SELF_CONSTRUCTIONS + CONSTRUCTOR_ARGUMENT + REQUEST_IN_INIT + METHOD_DEFAULT +
                         REACHED_ELSEWHERE,
                         ids=lambda v: v.id)
def test_variant(variant: Variant, tmp_path: Path) -> None:
    root = build(variant, tmp_path)
    finding = finding_of(root, *variant.finding)
    fix = finding.get("fix")
    applicability = fix["applicability"] if fix else "none"
    reason = "\n".join(part for part in (finding.get("message"), (fix or {}).get("description"),
                                         finding.get("unfixable_reason")) if part)
    assert applicability == variant.applicability, reason
    missing = [fragment for fragment in variant.reason if fragment not in reason]
    assert not missing, f"reason lacks {missing}: {reason}"
    if variant.written:
        result = run_cli("fix", "--no-progress", "--no-cache", "--exit-zero", cwd=root)
        assert result.returncode == 0, result.stderr.decode()
        for path, text in variant.written:
            assert text in (root / path).read_text(encoding="utf-8"), path
