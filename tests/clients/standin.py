"""A recording stand-in for the DeepSeek API, on 127.0.0.1 and a random port.

It answers the endpoints real client libraries call (OpenAI-style chat and text completions,
JSON or SSE streaming, ``GET /models``, and the Anthropic-compatible ``/anthropic/v1/messages``)
with responses complete enough that the libraries parse them, and records every request's
method, path and JSON body in arrival order.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = "ok"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    body: Any  # the decoded JSON body, or None when the request had none


def _usage() -> dict[str, int]:
    return {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}


def _schema_instance(schema: Any, definitions: dict[str, Any]) -> Any:
    """A minimal value that validates against a JSON schema (for ``response_format`` requests)."""
    if not isinstance(schema, dict):
        return ANSWER
    if "$ref" in schema:
        return _schema_instance(definitions.get(schema["$ref"].rsplit("/", 1)[-1]), definitions)
    for combined in ("anyOf", "oneOf", "allOf"):
        if schema.get(combined):
            return _schema_instance(schema[combined][0], definitions)
    kind = schema.get("type", "object")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {name: _schema_instance(sub, definitions)
                for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return []
    return {"string": ANSWER, "integer": 0, "number": 0, "boolean": False, "null": None}.get(kind, ANSWER)


def _content_for(body: dict[str, Any]) -> str:
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema", {})
        return json.dumps(_schema_instance(schema, schema.get("$defs", {})))
    if isinstance(response_format, dict) and response_format.get("type") == "json_object":
        return json.dumps({"answer": ANSWER})
    return ANSWER


def chat_completion(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
        "model": body.get("model", "deepseek-v4-flash"), "system_fingerprint": "fp_standin",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": _content_for(body)}}],
        "usage": _usage(),
    }


def chat_chunks(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    base = {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": body.get("model", "deepseek-v4-flash"), "system_fingerprint": "fp_standin"}
    yield {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                "finish_reason": None, "logprobs": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {"content": _content_for(body)},
                                "finish_reason": None, "logprobs": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop", "logprobs": None}]}
    if (body.get("stream_options") or {}).get("include_usage"):
        yield {**base, "choices": [], "usage": _usage()}


def text_completion(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "cmpl-standin", "object": "text_completion", "created": int(time.time()),
        "model": body.get("model", "deepseek-v4-flash"),
        "choices": [{"index": 0, "text": ANSWER, "finish_reason": "stop", "logprobs": None}],
        "usage": _usage(),
    }


def text_chunks(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    done = text_completion(body)
    yield {**done, "choices": [{"index": 0, "text": ANSWER, "finish_reason": None, "logprobs": None}]}
    yield {**done, "choices": [{"index": 0, "text": "", "finish_reason": "stop", "logprobs": None}]}


def anthropic_message(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_standin", "type": "message", "role": "assistant",
        "model": body.get("model", "deepseek-v4-flash"),
        "content": [{"type": "text", "text": ANSWER}],
        "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 1},
    }


def anthropic_events(body: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    start = {**anthropic_message(body), "content": [], "stop_reason": None,
             "usage": {"input_tokens": 3, "output_tokens": 0}}
    yield "message_start", {"type": "message_start", "message": start}
    yield "content_block_start", {"type": "content_block_start", "index": 0,
                                  "content_block": {"type": "text", "text": ""}}
    yield "content_block_delta", {"type": "content_block_delta", "index": 0,
                                  "delta": {"type": "text_delta", "text": ANSWER}}
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    yield "message_delta", {"type": "message_delta", "usage": {"output_tokens": 1},
                            "delta": {"stop_reason": "end_turn", "stop_sequence": None}}
    yield "message_stop", {"type": "message_stop"}


MODELS = {"object": "list", "data": [
    {"id": model_id, "object": "model", "created": 0, "owned_by": "deepseek"}
    for model_id in ("deepseek-v4-flash", "deepseek-v4-pro", "deepseek-flash")
]}


def _endpoint(path: str) -> str:
    """Which kind of endpoint a path is, whatever prefix (``/v1``, ``/beta``) it carries."""
    bare = path.split("?", 1)[0].rstrip("/")
    if bare.startswith("/anthropic") and bare.endswith("/messages"):
        return "anthropic"
    if bare.endswith("/chat/completions"):
        return "chat"
    if bare.endswith("/completions"):
        return "text"
    if bare.endswith("/models"):
        return "models"
    return "unknown"


class _Handler(BaseHTTPRequestHandler):
    server: StandIn.Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the recording is the log
        pass

    def do_GET(self) -> None:
        self.server.owner.record(Recorded("GET", self.path, None))
        if _endpoint(self.path) == "models":
            self._json(200, MODELS)
        else:
            self._json(404, {"error": {"message": f"stand-in: no GET {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = {"<not JSON>": raw.decode("utf-8", "replace")}
        self.server.owner.record(Recorded("POST", self.path, body))
        payload = body if isinstance(body, dict) else {}
        endpoint, stream = _endpoint(self.path), bool(payload.get("stream"))
        if endpoint == "chat":
            self._sse(chat_chunks(payload)) if stream else self._json(200, chat_completion(payload))
        elif endpoint == "text":
            self._sse(text_chunks(payload)) if stream else self._json(200, text_completion(payload))
        elif endpoint == "anthropic":
            if stream:
                self._events(anthropic_events(payload))
            else:
                self._json(200, anthropic_message(payload))
        else:
            self._json(404, {"error": {"message": f"stand-in: no POST {self.path}", "type": "not_found"}})

    def _json(self, status: int, data: Any) -> None:
        encoded = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.send_header("x-request-id", "standin-request")
        self.end_headers()
        self.wfile.write(encoded)

    def _stream(self, frames: Iterator[bytes]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        for frame in frames:
            self.wfile.write(frame)
        self.wfile.flush()
        self.close_connection = True

    def _sse(self, chunks: Iterator[dict[str, Any]]) -> None:
        frames = (f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks)
        self._stream(iter([*frames, b"data: [DONE]\n\n"]))

    def _events(self, events: Iterator[tuple[str, dict[str, Any]]]) -> None:
        self._stream(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)


class StandIn:
    """The server and its recording; ``start()`` / ``stop()``, or use it as a context manager."""

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        owner: StandIn

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._server = StandIn.Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, request: Recorded) -> None:
        with self._lock:
            self._requests.append(request)

    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def start(self) -> StandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
