"""The stand-in answers what the real SDKs parse: JSON, SSE streams, text completions, models."""

from __future__ import annotations

import pytest

from .standin import StandIn

pytestmark = pytest.mark.clients


def test_openai_chat_json_and_stream_parse(standin: StandIn) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{standin.url}/v1", api_key="sk-standin")
    standin.clear()
    reply = client.chat.completions.create(model="deepseek-v4-flash", messages=[])
    assert reply.choices[0].message.content == "ok"
    assert reply.usage is not None and reply.usage.total_tokens == 4
    chunks = list(client.chat.completions.create(
        model="deepseek-v4-flash", messages=[], stream=True, stream_options={"include_usage": True}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "ok"
    assert chunks[-1].usage is not None
    assert [(r.method, r.path) for r in standin.requests()] == [
        ("POST", "/v1/chat/completions"), ("POST", "/v1/chat/completions")]
    assert standin.requests()[1].body["stream"] is True


def test_openai_text_completion_and_models_parse(standin: StandIn) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{standin.url}/beta", api_key="sk-standin")
    standin.clear()
    done = client.completions.create(model="deepseek-v4-flash", prompt="def f(", suffix=")")
    assert done.choices[0].text == "ok"
    streamed = list(client.completions.create(model="deepseek-v4-flash", prompt="x", stream=True))
    assert "".join(c.choices[0].text for c in streamed) == "ok"
    assert "deepseek-v4-flash" in [m.id for m in client.models.list()]
    assert [(r.method, r.path, r.body and r.body.get("suffix")) for r in standin.requests()] == [
        ("POST", "/beta/completions", ")"), ("POST", "/beta/completions", None),
        ("GET", "/beta/models", None)]


def test_anthropic_message_json_and_stream_parse(standin: StandIn) -> None:
    import anthropic

    client = anthropic.Anthropic(base_url=f"{standin.url}/anthropic", api_key="sk-standin")
    standin.clear()
    message = client.messages.create(model="deepseek-v4-flash", max_tokens=8, messages=[])
    assert message.content[0].text == "ok" and message.stop_reason == "end_turn"
    with client.messages.stream(model="deepseek-v4-flash", max_tokens=8, messages=[],
                                thinking={"type": "disabled"}) as stream:
        assert "".join(stream.text_stream) == "ok"
        final = stream.get_final_message()
    assert final.usage.output_tokens == 1
    bodies = [r.body for r in standin.requests()]
    assert [r.path for r in standin.requests()] == ["/anthropic/v1/messages"] * 2
    assert bodies[1]["thinking"] == {"type": "disabled"} and bodies[1]["stream"] is True


def test_structured_output_gets_a_schema_instance(standin: StandIn) -> None:
    from openai import OpenAI
    from pydantic import BaseModel

    class Answer(BaseModel):
        text: str
        score: int

    client = OpenAI(base_url=standin.url, api_key="sk-standin")
    parsed = client.chat.completions.parse(model="deepseek-v4-flash", messages=[], response_format=Answer)
    assert parsed.choices[0].message.parsed == Answer(text="ok", score=0)
