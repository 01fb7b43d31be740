"""Where a retired ID stands as a word (DSM002), and which module's `deepseek/…` is DeepSeek's."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from migrator.catalog import load_catalog

from .conftest import run_cli

CATALOG = load_catalog()
RETIRED = sorted(m.id for m in CATALOG.models.values() if m.is_retired)

# Characters CJK prose puts right next to an ID: ideographs, kana, Hangul, CJK and full-width
# punctuation, full-width letters.
CJK = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    # full-width comma, ideographic full stop and comma, full-width colon, semicolon, marks,
    # parentheses, CJK brackets and quotes, the ideographic space, the full-width tilde
    st.sampled_from("\uff0c\u3002\u3001\uff1a\uff1b\uff01\uff1f\uff08\uff09"
                    "\u3010\u3011\u300c\u300d\u300e\u300f\u300a\u300b\u3000\uff5e"),
    st.characters(min_codepoint=0xFF21, max_codepoint=0xFF3A),
)
CJK_TEXT = st.text(CJK, max_size=6)
# Characters that continue a name: the ID is then part of a longer one.
NAME_CHARACTER = st.one_of(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")),
                           st.characters(min_codepoint=ord("0"), max_codepoint=ord("9")),
                           st.sampled_from("_-é"))


@given(CJK_TEXT, st.sampled_from(RETIRED), CJK_TEXT)
def test_an_id_glued_to_cjk_text_is_a_mention(before: str, model: str, after: str) -> None:
    [mention] = CATALOG.mentions(before + model + after)
    assert (mention.start, mention.end) == (len(before), len(before) + len(model))
    assert mention.match.model.id == model


@given(CJK_TEXT, st.sampled_from(RETIRED), NAME_CHARACTER, CJK_TEXT, st.booleans())
def test_an_id_glued_to_a_name_character_is_not(before: str, model: str, glue: str, after: str,
                                                glue_in_front: bool) -> None:
    text = before + glue + model + after if glue_in_front else before + model + glue + after
    assert CATALOG.mentions(text) == []


def test_longer_names_stay_unreported_next_to_cjk() -> None:
    for text in ("我的my-deepseek-chat-bot", "用deepseek-chat-v3吧", "deepseek-reasoner-pro。"):
        assert CATALOG.mentions(text) == []


def test_litellm_route_spelling() -> None:
    assert CATALOG.is_litellm_gateway_route("openrouter/openrouter/quasar-alpha")
    assert CATALOG.is_litellm_gateway_route("openrouter/deepseek/deepseek-chat")
    assert not CATALOG.is_litellm_gateway_route("openrouter/auto")  # OpenRouter's own name
    assert not CATALOG.is_litellm_gateway_route("deepseek/deepseek-chat")


GATEWAY_MODULE = (
    'from openai import OpenAI\n'
    'client = OpenAI(base_url="https://openrouter.ai/api/v1")\n'
    '{table}\n'
    'client.chat.completions.create(model="deepseek/deepseek-chat", messages=[])\n'
)


def _codes_at(tmp_path: Path, source: str) -> list[tuple[int, str]]:
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    result = run_cli("check", "--output-format", "json", "m.py", cwd=tmp_path)
    return [(f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]]


def test_a_litellm_table_in_a_gateway_module_is_reported(tmp_path: Path) -> None:
    table = ('MODELS = {"deepseek": "deepseek/deepseek-chat", '
             '"quasar": "openrouter/openrouter/quasar-alpha"}')
    # The request to the OpenRouter client on line 4 stays the gateway's slug.
    assert _codes_at(tmp_path, GATEWAY_MODULE.format(table=table)) == [(3, "DSM001")]


def test_a_gateway_slug_table_in_a_gateway_module_is_not(tmp_path: Path) -> None:
    table = 'MODELS = {"deepseek": "deepseek/deepseek-chat", "auto": "openrouter/auto"}'
    assert _codes_at(tmp_path, GATEWAY_MODULE.format(table=table)) == []
