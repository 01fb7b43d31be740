"""Loaded first in every executed fixture program (its folder is on the child's PYTHONPATH).

Two jobs, both at the transport level so the real client library still builds every request:

- a request to a DeepSeek host goes to the recording stand-in instead (same path and query;
  the stand-in's address is ``DSM_STANDIN_URL``), for httpx, httpx2, requests and aiohttp;
- any socket connection or name lookup outside loopback raises, and is logged to
  ``DSM_BLOCKED_LOG`` so the harness fails even when a library swallows the error.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

STANDIN = urlsplit(os.environ["DSM_STANDIN_URL"])
DEEPSEEK_HOSTS = {"api.deepseek.com"}
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", ""}


def redirected(url: str) -> str:
    """``url`` pointed at the stand-in when it names a DeepSeek host, else unchanged."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in DEEPSEEK_HOSTS:
        return url
    return urlunsplit((STANDIN.scheme, STANDIN.netloc, parts.path, parts.query, parts.fragment))


# -- the network fence -------------------------------------------------------------------

class NetworkBlocked(ConnectionRefusedError):
    """An executed fixture tried to reach beyond loopback."""


def _is_loopback(host: object) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    log = os.environ.get("DSM_BLOCKED_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(what + "\n")
    raise NetworkBlocked(f"executed fixture tried to reach the network: {what}")


def _guard_address(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        _refuse(f"connect {address!r}")


_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _guard_address(self, address)
    return _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _guard_address(self, address)
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_loopback(host):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo


# -- the redirect, per HTTP library ------------------------------------------------------

def _patch_httpx_like(module: Any) -> None:
    sync_send, async_send = module.Client.send, module.AsyncClient.send

    def point(request: Any) -> None:
        target = redirected(str(request.url))
        if target != str(request.url):
            request.url = module.URL(target)

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        point(request)
        return sync_send(self, request, *args, **kwargs)

    async def send_async(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        point(request)
        return await async_send(self, request, *args, **kwargs)

    module.Client.send, module.AsyncClient.send = send, send_async


def _patch_requests(module: Any) -> None:
    session_send = module.Session.send

    def send(self: Any, request: Any, **kwargs: Any) -> Any:
        request.url = redirected(request.url)
        return session_send(self, request, **kwargs)

    module.Session.send = send


def _patch_aiohttp(module: Any) -> None:
    session_request = module.ClientSession._request

    def request(self: Any, method: str, str_or_url: Any, *args: Any, **kwargs: Any) -> Any:
        return session_request(self, method, redirected(str(str_or_url)), *args, **kwargs)

    module.ClientSession._request = request


PATCHES = {"httpx": _patch_httpx_like, "httpx2": _patch_httpx_like,
           "requests": _patch_requests, "aiohttp": _patch_aiohttp}


class _PatchOnImport:
    """A meta-path finder that patches an HTTP library right after it is first imported.

    Importing all four eagerly would cost every executed program a second or more.
    """

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in PATCHES:
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader, patch = spec.loader, PATCHES[name]
        exec_module = loader.exec_module

        def exec_and_patch(module: Any) -> None:
            exec_module(module)
            patch(module)

        loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _PatchOnImport())
