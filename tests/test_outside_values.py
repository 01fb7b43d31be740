"""Values from outside the code and class fields: when the joined fix is safe, and every way it is not.

Each case is a small project written to a temporary directory and checked through the real CLI
(`check --output-format json`); the fixture projects `dotenv_getenv`, `settings_pydantic` and
`adapter_subclass` (tests/test_projects.py) hold the full before/after trees. Here: the edges of
the rule, each of which must keep the fix unsafe, with the reason naming what blocks it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_cli

PYPROJECT = '[project]\nname = "sample"\nversion = "1"\n'
CLIENT = 'from openai import OpenAI\n\nclient = OpenAI(base_url="https://api.deepseek.com")\n'

GETENV = {
    "pyproject.toml": PYPROJECT,
    "app/__init__.py": "",
    "app/reply.py": "import os\n\n" + CLIENT + (
        "\n\ndef reply(text):\n"
        '    return client.chat.completions.create(model=os.getenv("DEEPSEEK_MODEL", "deepseek-chat"),'
        ' messages=[{"role": "user", "content": text}])\n'),
    ".env": "DEEPSEEK_MODEL=deepseek-chat\n",
}
CODE, ENV = ("app/reply.py", 9), (".env", 1)
OTHER_READ = "import os\n\n" + CLIENT + (
    "\n\ndef other():\n"
    '    return client.chat.completions.create(model=os.environ["DEEPSEEK_MODEL"], messages=[])\n')

SETTINGS = {
    "pyproject.toml": PYPROJECT,
    "app/__init__.py": "",
    "app/config.py": (
        "from pydantic import Field, field_validator\n"
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
        "class Settings(BaseSettings):\n"
        '    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env")\n\n'
        '    llm_model: str = "deepseek-chat"\n'
        "    temperature: float = 0.2\n\n\n"
        "settings = Settings()\n"),
    "app/reply.py": CLIENT + "\nfrom .config import settings\n\n\ndef reply():\n"
                    "    return client.chat.completions.create(model=settings.llm_model, messages=[])\n",
    ".env": "APP_LLM_MODEL=deepseek-chat\n",
}
FIELD, SETTINGS_ENV = ("app/config.py", 8), (".env", 1)

ADAPTER = {
    "pyproject.toml": PYPROJECT,
    "app/__init__.py": "",
    "app/llm.py": (
        "from langchain_openai import ChatOpenAI\nfrom pydantic import Field\n\n\n"
        "class Adapter(ChatOpenAI):\n"
        '    model_name: str = Field(default="deepseek-chat", alias="model")\n\n\n'
        'llm = Adapter(api_key="k", base_url="https://api.deepseek.com")\n'),
    "app/use.py": "from .llm import Adapter\n\n\n"
                  "def build() -> Adapter:\n"
                  '    return Adapter(api_key="k", model="gpt-4o-mini")\n',
}
ADAPTED = ("app/llm.py", 6)


def dsm001(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, int], dict[str, Any]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = run_cli("check", "--output-format", "json", "--no-cache", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    return {(f["path"], f["line"]): f for f in report["findings"] if f["code"] == "DSM001"}


def verdict(finding: dict[str, Any]) -> tuple[str, str]:
    fix = finding.get("fix")
    applicability = "none" if fix is None else fix["applicability"]
    return applicability, "\n".join(filter(None, [finding.get("unfixable_reason"),
                                                  (fix or {}).get("description")]))


def requests_of(finding: dict[str, Any]) -> list[str]:
    return sorted(f"{r['path']}:{r['line']}" for r in finding["requests"])


# -- `.env` + os.getenv ---------------------------------------------------------------------------


def test_env_value_and_default_join_one_safe_fix(tmp_path: Path) -> None:
    found = dsm001(tmp_path, GETENV)
    assert verdict(found[CODE])[0] == "safe", verdict(found[CODE])
    assert verdict(found[ENV])[0] == "safe", verdict(found[ENV])
    assert requests_of(found[CODE]) == requests_of(found[ENV]) == ["app/reply.py:9"]


def test_a_read_without_default_elsewhere_is_one_more_request(tmp_path: Path) -> None:
    found = dsm001(tmp_path, GETENV | {"app/other.py": OTHER_READ})
    assert verdict(found[CODE])[0] == "safe", verdict(found[CODE])
    assert requests_of(found[ENV]) == ["app/other.py:9", "app/reply.py:9"]


def test_env_value_read_only_without_default_is_safe(tmp_path: Path) -> None:
    found = dsm001(tmp_path, GETENV | {"app/reply.py": OTHER_READ})
    assert list(found) == [ENV]
    assert verdict(found[ENV])[0] == "safe", verdict(found[ENV])
    assert requests_of(found[ENV]) == ["app/reply.py:9"]


UNSAFE_GETENV = [
    ("no env file sets it", {".env": None}, CODE, "no `.env` file of the project sets it"),
    ("the env file needs thinking on", {".env": "DEEPSEEK_MODEL=deepseek-reasoner\n"}, CODE,
     "needs thinking enabled"),
    ("the default needs thinking off", {".env": "DEEPSEEK_MODEL=deepseek-reasoner\n"}, ENV,
     "which needs thinking disabled"),
    ("a template left empty", {".env.example": "DEEPSEEK_MODEL=\n"}, CODE,
     ".env.example:1 sets `DEEPSEEK_MODEL` to no model"),
    ("a current ID in a template", {".env.example": "DEEPSEEK_MODEL=deepseek-v4-pro\n"}, CODE,
     "switch (thinking disabled) would change"),
    ("another case of the name", {".env.example": "deepseek_model=deepseek-reasoner\n"}, CODE,
     "`deepseek_model` to `deepseek-reasoner`"),
    ("a read by a computed name",
     {"app/conf.py": "import os\n\n\ndef env(name):\n    return os.getenv(name)\n"}, CODE,
     "by a name computed at run time (`os.getenv`) at app/conf.py:5"),
    ("a loop over the environment",
     {"app/conf.py": "import os\n\nKEYS = [k for k in os.environ if k.startswith('DEEP')]\n"},
     ENV, "a loop over `os.environ`"),
    ("set in the code", {"run.py": 'import os\n\nos.environ["DEEPSEEK_MODEL"] = "deepseek-chat"\n'},
     CODE, "`DEEPSEEK_MODEL` is set in the code at run.py:3"),
    ("a compose file names it",
     {"docker-compose.yml": "services:\n  app:\n    environment:\n      DEEPSEEK_MODEL: ${DEEPSEEK_MODEL}\n"},
     ENV, "`DEEPSEEK_MODEL` is also named in docker-compose.yml:4"),
    ("another read goes where the tool cannot follow",
     {"app/audit.py": 'import os\n\nimport audit_log\n\naudit_log.record(os.environ["DEEPSEEK_MODEL"])\n'},
     ENV, "passed to `audit_log.record()`"),
    ("another read's default is a name",
     {"app/audit.py": 'import os\n\nDEFAULT = "x"\nMODEL = os.getenv("DEEPSEEK_MODEL", DEFAULT)\n'},
     CODE, "the default at app/audit.py:4 is a value"),
]


@pytest.mark.parametrize(("changes", "key", "fragment"), [case[1:] for case in UNSAFE_GETENV],
                         ids=[case[0] for case in UNSAFE_GETENV])
def test_env_join_stays_unsafe(tmp_path: Path, changes: dict[str, str | None], key: tuple[str, int],
                               fragment: str) -> None:
    files = dict(GETENV)
    for name, text in changes.items():
        if text is None:
            files.pop(name)
        else:
            files[name] = text
    applicability, reason = verdict(dsm001(tmp_path, files)[key])
    assert applicability == "unsafe"
    assert fragment in reason


def test_fix_writes_the_env_value_with_the_code_and_keeps_its_layout(tmp_path: Path) -> None:
    files = dict(GETENV)
    files[".env"] = "# local\r\nDEEPSEEK_MODEL='deepseek-chat'  # the model\r\nOTHER=1\r\n"
    files[".env.example"] = 'DEEPSEEK_MODEL="deepseek/deepseek-chat"\n'
    dsm001(tmp_path, files)
    result = run_cli("fix", "--no-cache", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / ".env").read_bytes() == \
        b"# local\r\nDEEPSEEK_MODEL='deepseek-v4-flash'  # the model\r\nOTHER=1\r\n"
    assert (tmp_path / ".env.example").read_text() == 'DEEPSEEK_MODEL="deepseek/deepseek-v4-flash"\n'
    code = (tmp_path / "app/reply.py").read_text()
    assert '"deepseek-v4-flash"), messages=[{"role": "user", "content": text}], ' \
           'extra_body={"thinking": {"type": "disabled"}})' in code


# -- pydantic-settings fields -----------------------------------------------------------------------


def test_settings_field_and_env_value_join_one_safe_fix(tmp_path: Path) -> None:
    found = dsm001(tmp_path, SETTINGS)
    assert verdict(found[FIELD])[0] == "safe", verdict(found[FIELD])
    assert verdict(found[SETTINGS_ENV])[0] == "safe", verdict(found[SETTINGS_ENV])
    assert requests_of(found[FIELD]) == requests_of(found[SETTINGS_ENV]) == ["app/reply.py:9"]


def test_settings_from_a_cached_function_are_followed_to_the_request(tmp_path: Path) -> None:
    config = SETTINGS["app/config.py"].replace(
        "settings = Settings()\n", "@lru_cache\ndef get_settings():\n    return Settings()\n")
    config = "from functools import lru_cache\n" + config
    reply = SETTINGS["app/reply.py"].replace("import settings", "import get_settings").replace(
        "model=settings.llm_model", "model=get_settings().llm_model")
    found = dsm001(tmp_path, SETTINGS | {"app/config.py": config, "app/reply.py": reply})
    field = ("app/config.py", FIELD[1] + 1)
    assert verdict(found[field])[0] == "safe", verdict(found[field])
    assert requests_of(found[field]) == ["app/reply.py:9"]


def test_settings_alias_is_the_environment_name(tmp_path: Path) -> None:
    config = SETTINGS["app/config.py"].replace(
        'llm_model: str = "deepseek-chat"', 'llm_model: str = Field("deepseek-chat", alias="LLM")')
    found = dsm001(tmp_path, SETTINGS | {"app/config.py": config, ".env": "llm=deepseek-chat\n"})
    assert verdict(found[FIELD])[0] == "safe", verdict(found[FIELD])
    assert verdict(found[SETTINGS_ENV])[0] == "safe", verdict(found[SETTINGS_ENV])


def _config(old: str, new: str) -> dict[str, str]:
    config = SETTINGS["app/config.py"]
    assert old in config
    return {"app/config.py": config.replace(old, new)}


UNSAFE_SETTINGS = [
    ("no env file sets it", {".env": "APP_TEMPERATURE=0.1\n"},
     "`Settings.llm_model` is read from the environment as `APP_LLM_MODEL`"),
    ("the env file needs thinking on", {".env": "app_llm_model=deepseek-reasoner\n"},
     "needs thinking enabled"),
    ("an instance with its own value",
     {"app/other.py": 'from .config import Settings\n\nmine = Settings(llm_model="deepseek-chat")\n'},
     "instantiated at app/other.py:3 with its own `Settings.llm_model`"),
    ("the settings object passed on",
     {"app/other.py": "from .config import settings\nfrom .tools import configure\n\nconfigure(settings)\n"},
     "an instance of `Settings` is passed on at app/other.py:4"),
    ("a function returning an instance handed on",
     {"app/other.py": "from .config import Settings\nfrom .web import depends\n\n\ndef get():\n"
                      "    return Settings()\n\n\nHANDLER = depends(get)\n"},
     "`get` is used at app/other.py:9 other than by a call"),
    ("an instance passed to a function",
     {"app/other.py": "from .config import Settings\nfrom .web import serve\n\nserve(Settings())\n"},
     "an instance of `Settings` is passed on at app/other.py:4"),
    ("a validator", _config("    temperature: float = 0.2\n",
                            '    temperature: float = 0.2\n\n    @field_validator("llm_model")\n'
                            "    def pick(cls, value):\n        return value\n"),
     "`Settings.pick` (app/config.py:12) may change"),
    ("a command line source", _config('env_file=".env")', 'env_file=".env", cli_parse_args=True)'),
     "also reads `cli_parse_args`"),
    ("a subclass", {"app/other.py": "from .config import Settings\n\n\nclass Prod(Settings):\n    pass\n"},
     "`Settings` is subclassed at app/other.py:4"),
]


@pytest.mark.parametrize(("changes", "fragment"), [case[1:] for case in UNSAFE_SETTINGS],
                         ids=[case[0] for case in UNSAFE_SETTINGS])
def test_settings_field_stays_unsafe(tmp_path: Path, changes: dict[str, str], fragment: str) -> None:
    applicability, reason = verdict(dsm001(tmp_path, SETTINGS | changes)[FIELD])
    assert applicability == "unsafe"
    assert fragment in reason


# -- a library subclass -----------------------------------------------------------------------------


def test_library_subclass_default_reaches_the_instances_that_do_not_set_it(tmp_path: Path) -> None:
    found = dsm001(tmp_path, ADAPTER)
    assert verdict(found[ADAPTED])[0] == "safe", verdict(found[ADAPTED])
    assert requests_of(found[ADAPTED]) == ["app/llm.py:9"]


def _adapter(old: str, new: str) -> dict[str, str]:
    source = ADAPTER["app/llm.py"]
    assert old in source
    return {"app/llm.py": source.replace(old, new)}


UNSAFE_ADAPTER = [
    ("an instance with **kwargs", {"app/use.py": "from .llm import Adapter\n\n\ndef build(**options):\n"
                                                "    return Adapter(**options)\n"},
     "`Adapter` is instantiated with `*args`/`**kwargs` at app/use.py:5"),
    ("a subclass", {"app/use.py": "from .llm import Adapter\n\n\nclass Mine(Adapter):\n    pass\n"},
     "`Adapter` is subclassed at app/use.py:4"),
    ("the class handed on", {"app/use.py": "from .llm import Adapter\n\nFACTORY = Adapter\n"},
     "`Adapter` is handed on as a value at app/use.py:3"),
    ("the model read elsewhere", {"app/use.py": "from .llm import llm\n\nprint(llm.model_name.upper())\n"},
     "`.model_name` is read at app/use.py:3"),
    ("a field without the alias",
     _adapter('Field(default="deepseek-chat", alias="model")', '"deepseek-chat"'),
     "`Adapter` is instantiated with `model=` at app/use.py:5, which does not set `Adapter.model_name`"),
    ("the class sets extra_body",
     _adapter("\n\n\nllm =", '\n    extra_body: dict = {"user": "x"}\n\n\nllm ='),
     "`Adapter` sets `extra_body` itself"),
    ("a request hook", _adapter("\n\n\nllm =", "\n\n    def _get_request_payload(self, *args):\n"
                                               "        return {}\n\n\nllm ="),
     "`Adapter._get_request_payload` (app/llm.py:8) may change"),
    ("a field that is not the library's",
     _adapter("model_name: str = Field(default=", "model: str = Field(default="),
     "the value is passed to `Field()`"),
]


@pytest.mark.parametrize(("changes", "fragment"), [case[1:] for case in UNSAFE_ADAPTER],
                         ids=[case[0] for case in UNSAFE_ADAPTER])
def test_library_subclass_stays_unsafe(tmp_path: Path, changes: dict[str, str], fragment: str) -> None:
    applicability, reason = verdict(dsm001(tmp_path, ADAPTER | changes)[ADAPTED])
    assert applicability == "unsafe"
    assert fragment in reason


def test_per_project_caches_never_answer_for_a_new_project_at_a_freed_ones_id(tmp_path: Path) -> None:
    """Projects made and dropped one after another (a fix's rounds, an in-process caller's
    runs): CPython hands a freed project's id to the next one; each must get its own answers."""
    from migrator.classfields import attribute_reads
    from migrator.envreads import mentions
    from migrator.project import Project

    quiet, busy, conf = tmp_path / "quiet.py", tmp_path / "busy.py", tmp_path / "conf.yaml"
    quiet.write_text("x = 1\n", encoding="utf-8")
    busy.write_text("print(llm.model_name)\n", encoding="utf-8")
    conf.write_text("model_name: deepseek-chat\n", encoding="utf-8")
    for round_ in range(200):
        if round_ % 2:
            project = Project(str(tmp_path), (str(busy),), other_files=(str(conf),))
            assert len(attribute_reads(project, "model_name")) == 1, round_
            assert len(mentions(project, "model_name")) == 1, round_
        else:
            project = Project(str(tmp_path), (str(quiet),))
            assert attribute_reads(project, "model_name") == [], round_
            assert mentions(project, "model_name") == [], round_
        del project


# -- a class attribute read as self.model ------------------------------------------------------------


CLASS_ATTRIBUTE = {
    "pyproject.toml": '[project]\nname = "app"\n',
    "app/__init__.py": "",
    "app/bot.py": (
        "from openai import OpenAI\n"
        "\n"
        'client = OpenAI(base_url="https://api.deepseek.com")\n'
        "\n"
        "\n"
        "class Bot:\n"
        '    model = "deepseek-chat"\n'
        "\n"
        "    def ask(self, text: str) -> object:\n"
        "        return client.chat.completions.create(\n"
        '            model=self.model, messages=[{"role": "user", "content": text}])\n'
        "\n"
        "\n"
        "class Helper(Bot):\n"
        "    pass\n"
    ),
}
CLASS_VALUE = ("app/bot.py", 7)
SUBCLASS = "class Helper(Bot):\n    pass\n"


def _bot(old: str, new: str) -> dict[str, str]:
    source = CLASS_ATTRIBUTE["app/bot.py"]
    assert old in source
    return {"app/bot.py": source.replace(old, new)}


def _instances(first: str, second: str) -> dict[str, str]:
    """Two instances made with their own model, on lines 18 and 19."""
    return _bot(SUBCLASS, f'{SUBCLASS}\n\nfirst = {first}(model="deepseek-v4-pro")\n'
                          f'second = {second}(model="deepseek-v4-pro")\n')


def test_a_class_wide_attribute_reaches_the_request_that_reads_it(tmp_path: Path) -> None:
    found = dsm001(tmp_path, CLASS_ATTRIBUTE)
    assert verdict(found[CLASS_VALUE])[0] == "safe", verdict(found[CLASS_VALUE])
    assert requests_of(found[CLASS_VALUE]) == ["app/bot.py:10"]


@pytest.mark.parametrize(("changes", "fragment"), [
    # The first instance in the source is the one named, whatever order the class family
    # is searched in.
    (_instances("Helper", "Bot"), "an instance is created with its own `model=` (app/bot.py:18"),
    (_instances("Bot", "Helper"), "an instance is created with its own `model=` (app/bot.py:18"),
    (_bot(SUBCLASS, 'class Helper(Bot):\n    model = "deepseek-v4-pro"\n'),
     "subclass `Helper` gives `model` another value"),
], ids=["subclass instance first", "class instance first", "subclass value"])
def test_a_class_attribute_another_value_can_replace_stays_unsafe(
        tmp_path: Path, changes: dict[str, str], fragment: str) -> None:
    applicability, reason = verdict(dsm001(tmp_path, CLASS_ATTRIBUTE | changes)[CLASS_VALUE])
    assert applicability == "unsafe"
    assert fragment in reason, reason
