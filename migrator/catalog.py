"""DeepSeek's model IDs, dates and request facts, loaded from ``catalog.json``.

Nothing else in the package hard-codes a model ID: rules, fixes and the
prefilter ask a :class:`Catalog`. A user catalog (``--catalog FILE``, same
format) is deep-merged over the bundled one: tables merge key by key, lists
are extended, scalars are replaced. The merged result is validated as a whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

Status = Literal["retired", "superseded", "current"]
ThinkingMode = Literal["enabled", "disabled"]
STATUSES: tuple[str, ...] = ("retired", "superseded", "current")
THINKING_STATES: tuple[str, ...] = ("enabled", "disabled")
FORMAT_VERSION = 1
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "format", "comment", "sources", "triggers", "default_target", "targets", "models",
    "spellings", "lookalikes", "base_urls", "thinking", "env_vars",
)


# A character that continues a name: a word character that is not CJK (ideographs, kana,
# Hangul, CJK punctuation) nor a full-width form, which sit next to IDs in CJK prose.
_NAME_CHARACTER = (
    r"[^\W\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]"
)


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names the offending key."""


@dataclass(frozen=True)
class ModelEntry:
    id: str
    status: Status
    thinking: ThinkingMode
    note: str
    retired_at: datetime | None = None
    since: datetime | None = None
    successor: str | None = None
    successor_thinking: ThinkingMode | None = None
    served_by: str | None = None

    @property
    def is_retired(self) -> bool:
        return self.status == "retired"

    def is_superseded_at(self, moment: datetime) -> bool:
        """Served by a newer model at ``moment`` (not before the catalog's ``since``)."""
        return self.status == "superseded" and (self.since is None or moment >= self.since)


@dataclass(frozen=True)
class ModelMatch:
    """A string that names a catalog model, in one of its spellings."""

    model: ModelEntry
    prefix: str  # "" for the bare ID, else e.g. "deepseek/"

    @property
    def spelled(self) -> str:
        return self.prefix + self.model.id

    def respell(self, model_id: str) -> str:
        return self.prefix + model_id


@dataclass(frozen=True)
class UrlHit:
    start: int
    end: int
    url: str
    moment: datetime


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    match: ModelMatch


# What ``datetime.strptime`` accepts for "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ" and "%Y-%m-%d"
# (its own patterns and flags): strptime imports locale and calendar (~5 ms at start).
_UTC_MOMENT = re.compile(
    r"(\d\d\d\d)-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])"
    r"(?:T(2[0-3]|[0-1]\d|\d):([0-5]\d|\d)(?::(6[0-1]|[0-5]\d|\d))?Z)?", re.IGNORECASE)


def parse_utc(value: object, where: str) -> datetime:
    """Parse ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]Z`` as an aware UTC datetime."""
    if not isinstance(value, str):
        raise CatalogError(f"{where}: expected a UTC timestamp string, got {value!r}")
    found = _UTC_MOMENT.fullmatch(value.strip())
    if found is not None:
        try:
            year, month, day, hour, minute, second = (int(part or 0) for part in found.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
        except ValueError:
            pass
    raise CatalogError(
        f"{where}: {value!r} is not a UTC moment (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)"
    )


def format_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _deep_merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _deep_merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list):
        return base + [item for item in override if item not in base]
    return override


def _require(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise CatalogError(f"{where}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise CatalogError(f"{where}.{key}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _string_list(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _require(data, key, list, where)
    for item in values:
        if not isinstance(item, str) or not item:
            raise CatalogError(f"{where}.{key}: every item must be a non-empty string, got {item!r}")
    return tuple(values)


def _choice(value: object, choices: Sequence[str], where: str) -> str:
    if value not in choices:
        raise CatalogError(f"{where}: {value!r} is not one of {', '.join(choices)}")
    return str(value)


def _optional_moment(entry: Mapping[str, Any], key: str, where: str) -> datetime | None:
    value = entry.get(key)
    return None if value is None else parse_utc(value, f"{where}.{key}")


def _model_entry(model_id: str, entry: object) -> ModelEntry:
    where = f"models.{model_id}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a table, got {type(entry).__name__}")
    known = {"status", "thinking", "note", "retired_at", "since", "successor",
             "successor_thinking", "served_by"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise CatalogError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    status = _choice(entry.get("status"), STATUSES, f"{where}.status")
    thinking = _choice(entry.get("thinking", "enabled"), THINKING_STATES, f"{where}.thinking")
    successor = entry.get("successor")
    if status != "current" and not isinstance(successor, str):
        raise CatalogError(f"{where}.successor: a {status} model needs a successor ID")
    successor_thinking = entry.get("successor_thinking")
    if successor_thinking is not None:
        _choice(successor_thinking, THINKING_STATES, f"{where}.successor_thinking")
    return ModelEntry(
        id=model_id,
        status=status,  # type: ignore[arg-type]
        thinking=thinking,  # type: ignore[arg-type]
        note=str(entry.get("note", "")),
        retired_at=_optional_moment(entry, "retired_at", where),
        since=_optional_moment(entry, "since", where),
        successor=successor,
        successor_thinking=successor_thinking  # type: ignore[arg-type]
        or (thinking if status == "retired" else None),
        served_by=entry.get("served_by"),
    )


class Catalog:
    """Validated catalog data plus the matchers built from it."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        if data.get("format") != FORMAT_VERSION:
            raise CatalogError(f"format: expected {FORMAT_VERSION}, got {data.get('format')!r}")
        unknown = sorted(set(data) - set(TOP_LEVEL_KEYS))
        if unknown:  # a misspelt table would otherwise be ignored without a word
            raise CatalogError(f"unknown key {unknown[0]!r} (known: {', '.join(TOP_LEVEL_KEYS)})")
        models = _require(data, "models", dict, "catalog")
        self.models: dict[str, ModelEntry] = {
            model_id: _model_entry(model_id, entry) for model_id, entry in models.items()
        }
        for entry in self.models.values():
            if entry.successor is not None and entry.successor not in self.models:
                raise CatalogError(
                    f"models.{entry.id}.successor: {entry.successor!r} is not a model in the catalog"
                )
        self.targets = _string_list(data, "targets", "catalog")
        for target in self.targets:
            if target not in self.models:
                raise CatalogError(f"targets: {target!r} is not a model in the catalog")
        self.default_target = _choice(data.get("default_target"), self.targets, "default_target")
        spellings = _require(data, "spellings", dict, "catalog")
        self.prefixes = _string_list(spellings, "prefixes", "spellings")
        self.gateway_hosts = _string_list(spellings, "gateway_hosts", "spellings")
        self.gateway_prefixes = _string_list(spellings, "gateway_prefixes", "spellings")
        self.lookalikes = _string_list(data, "lookalikes", "catalog")
        self.sources = _string_list(data, "sources", "catalog")
        self._load_base_urls(_require(data, "base_urls", dict, "catalog"))
        self._load_thinking(_require(data, "thinking", dict, "catalog"))
        self.env_vars = _string_list(data, "env_vars", "catalog")
        triggers = list(_string_list(data, "triggers", "catalog"))
        for text in [*self.models, *self.expired_base_urls]:
            if not any(trigger in text for trigger in triggers):
                triggers.append(text)
        self.triggers: tuple[bytes, ...] = tuple(t.encode() for t in triggers)
        for lookalike in self.lookalikes:
            if self.match_whole(lookalike) is not None:
                raise CatalogError(f"lookalikes: {lookalike!r} would match a model ID as a whole")

    def _load_base_urls(self, base_urls: Mapping[str, Any]) -> None:
        expired = _require(base_urls, "expired", dict, "base_urls")
        self.expired_base_urls: dict[str, datetime] = {
            url.rstrip("/"): parse_utc(moment, f"base_urls.expired.{url}")
            for url, moment in expired.items()
        }
        self.base_url_replacement: str = _require(base_urls, "replacement", str, "base_urls")
        self.deepseek_hosts = _string_list(base_urls, "deepseek_hosts", "base_urls")
        self.anthropic_base_url: str = _require(base_urls, "anthropic", str, "base_urls")

    def _load_thinking(self, thinking: Mapping[str, Any]) -> None:
        self.sampling_parameters = _string_list(thinking, "sampling_parameters", "thinking")
        self.non_thinking_signs = _string_list(thinking, "non_thinking_signs", "thinking")
        # The assistant message field V4 needs back in tool-call turns (DSM105).
        self.reasoning_field: str = _require(thinking, "reasoning_field", str, "thinking")
        # `thinking` keys the Anthropic-compatible endpoint ignores (DSM104).
        self.anthropic_ignored = _string_list(thinking, "anthropic_ignored", "thinking")
        effort = _require(thinking, "reasoning_effort", dict, "thinking")
        self.effort_accepted = _string_list(effort, "accepted", "thinking.reasoning_effort")
        self.effort_off: str = _require(effort, "off", str, "thinking.reasoning_effort")
        remapped = _require(effort, "remapped", dict, "thinking.reasoning_effort")
        for source, target in remapped.items():
            _choice(target, self.effort_accepted, f"thinking.reasoning_effort.remapped.{source}")
        self.effort_remapped: dict[str, str] = dict(remapped)

    # -- matching -----------------------------------------------------------------

    @cached_property
    def _whole_index(self) -> dict[str, ModelMatch]:
        index: dict[str, ModelMatch] = {}
        for entry in self.models.values():
            for prefix in ("", *self.prefixes):
                index[prefix + entry.id] = ModelMatch(entry, prefix)
        return index

    def match_whole(self, value: str, *, gateway_module: bool = False) -> ModelMatch | None:
        """The model named by ``value`` as a whole, in any catalog spelling.

        In a module that talks to a gateway (OpenRouter), ``deepseek/…`` is the
        gateway's own catalogue name, not DeepSeek's API ID.
        """
        found = self._whole_index.get(value)
        if found is None or (gateway_module and found.prefix.endswith("/")):
            return None
        return found

    @cached_property
    def _mention_pattern(self) -> re.Pattern[str]:
        retired = sorted((m.id for m in self.models.values() if m.is_retired), key=len, reverse=True)
        prefixes = "|".join(re.escape(p) for p in self.prefixes)
        ids = "|".join(re.escape(i) for i in retired) or r"(?!x)x"
        # A mention stands alone: not glued to a longer name on either side
        # ("my-deepseek-chat-bot", "deepseek-chat-v3", "deepseek/deepseek-chat:free").
        # CJK text has no spaces: an ideograph or a full-width form next to the ID is a
        # boundary ("推荐deepseek-chat" followed by a full-width comma), not part of a longer name.
        word = _NAME_CHARACTER
        return re.compile(
            rf"(?<![.\-/:])(?<!{word})(?P<prefix>{prefixes})?(?P<id>{ids})"
            rf"(?!{word}|-|[.:/]{word})"
        )

    def mentions(self, text: str, *, gateway_module: bool = False) -> list[Mention]:
        """Retired IDs standing as words inside a longer text."""
        found: list[Mention] = []
        for hit in self._mention_pattern.finditer(text):
            prefix = hit.group("prefix") or ""
            if gateway_module and prefix.endswith("/"):
                continue
            model = self.models[hit.group("id")]
            found.append(Mention(hit.start(), hit.end(), ModelMatch(model, prefix)))
        return found

    def is_gateway_text(self, text: str) -> bool:
        return any(host in text for host in self.gateway_hosts)

    def is_litellm_gateway_route(self, value: str) -> bool:
        """LiteLLM's spelling of a gateway model: `openrouter/<vendor>/<model>`.

        A gateway's own names have one slash (`deepseek/deepseek-chat`,
        `openrouter/auto`); LiteLLM puts its provider route in front of them.
        """
        return any(value.startswith(prefix) and "/" in value[len(prefix):].strip("/")
                   for prefix in self.gateway_prefixes)

    @cached_property
    def _expired_url_pattern(self) -> re.Pattern[str] | None:
        urls = sorted(self.expired_base_urls, key=len, reverse=True)
        if not urls:
            return None
        # The URL ends where the string, a path or a query begins: not inside a longer name.
        return re.compile("(?:" + "|".join(re.escape(url) for url in urls) + r")(?![\w.\-])")

    def expired_url_hits(self, text: str) -> list[UrlHit]:
        """Every expired dated base URL standing in ``text``, with its offsets."""
        if self._expired_url_pattern is None:
            return []
        return [UrlHit(hit.start(), hit.end(), hit.group(), self.expired_base_urls[hit.group()])
                for hit in self._expired_url_pattern.finditer(text)]

    def expired_base_url(self, value: str) -> tuple[str, datetime] | None:
        """The first expired base URL in a value, with its expiry moment."""
        hits = self.expired_url_hits(value)
        return (hits[0].url, hits[0].moment) if hits else None

    def might_match(self, data: bytes) -> bool:
        """The prefilter: can this file contain anything the rules look for?"""
        return any(trigger in data for trigger in self.triggers)

    def target(self, model_id: str) -> ModelEntry:
        if model_id not in self.targets:
            raise CatalogError(
                f"target {model_id!r} is not allowed (choose one of {', '.join(self.targets)})"
            )
        return self.models[model_id]

    @property
    def retired_models(self) -> list[ModelEntry]:
        return [m for m in self.models.values() if m.is_retired]


def _bundled_data() -> dict[str, Any]:
    try:  # installed as files, as pip installs it: no need of importlib.resources (~10 ms)
        text = Path(__file__).with_name("catalog.json").read_text(encoding="utf-8")
    except OSError:  # a zipped package, say: the import system knows where the data is
        from importlib import resources

        text = resources.files("migrator").joinpath("catalog.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def read_catalog_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(f"cannot read catalog {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CatalogError(f"catalog {path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(
            f"catalog {path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(data, dict):
        raise CatalogError(f"catalog {path}: the top level must be a JSON object")
    return data


def load_catalog(extra: Path | None = None) -> Catalog:
    """The bundled catalog, with ``extra`` merged over it when given."""
    data = _bundled_data()
    if extra is not None:
        user = read_catalog_file(extra)
        user.setdefault("format", FORMAT_VERSION)
        try:
            return Catalog(_deep_merge(data, user))
        except CatalogError as error:
            raise CatalogError(f"catalog {extra}: {error}") from None
    return Catalog(data)
