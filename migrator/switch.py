"""Writing the thinking switch at a request, in the library's spelling and the call's layout.

Merged into what is already written (an existing ``extra_body``, payload dict or
``thinking`` argument); an added argument or entry follows the container's own
layout (one line, or one element per line with the same indentation).
"""

from __future__ import annotations

import libcst as cst

from migrator.context import ModuleContext, call_keywords, dict_entries, is_mapping_call
from migrator.findings import TextEdit
from migrator.libraries import Library


class Unfollowable(Exception):
    """The value reaches something the tool cannot follow; the message says what.

    ``plain``: the value merely goes where the tool cannot see (another module, an
    unrecognised call). Not plain: the code compares it or looks it up by it, so a
    rename alone changes what the program does even when thinking stays as it was.
    ``merges``: two values that need different thinking states reach one request, so
    there is no fix at all.
    """

    def __init__(self, message: str, *, plain: bool = True, merges: bool = False,
                 rename_only: bool = False) -> None:
        super().__init__(message)
        self.plain = plain
        self.merges = merges
        # The requests found need different thinking states: an unsafe fix writes no switch.
        self.rename_only = rename_only


def thinking_switch_edits(context: ModuleContext, node: cst.Call | cst.Dict, library: Library,
                          state: str, quote: str = '"') -> list[TextEdit]:
    """Edits that write the thinking switch in ``library``'s spelling at a request.

    Merged into what is already written (an existing ``extra_body``, payload dict or
    ``thinking`` argument); ``[]`` when the switch is already there. Raises
    :class:`Unfollowable` when a container on the path is not a literal.
    """
    container: cst.Call | cst.Dict = node
    path = library.thinking_path
    for depth, key in enumerate(path):
        existing = _entry(container, key)
        if existing is None:
            quote = _quote_of_keys(container, quote)
            value = _nested(path[depth + 1 :], state, quote)
            element = f"{key}={value}" if isinstance(container, cst.Call) else f"{quote}{key}{quote}: {value}"
            return _append_element(context, container, element)
        if isinstance(existing, cst.Dict) or is_mapping_call(existing):
            assert isinstance(existing, (cst.Dict, cst.Call))
            container = existing
            continue
        raise Unfollowable(f"`{key}` is not a literal the tool can extend")
    return []


# -- layout-preserving insertion ------------------------------------------------------------


def _entry(container: cst.CSTNode, key: str) -> cst.BaseExpression | None:
    if isinstance(container, cst.Call):
        arg = call_keywords(container).get(key)
        return arg.value if arg is not None else None
    if isinstance(container, cst.Dict):
        element = dict_entries(container).get(key)
        return element.value if element is not None else None
    return None


def _quote_of_keys(container: cst.Call | cst.Dict, default: str) -> str:
    """The quote style of a dict's existing string keys, so an added entry matches them."""
    if isinstance(container, cst.Dict):
        for element in container.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                return "'" if element.key.quote == "'" else '"'
    return default


def _nested(keys: tuple[str, ...], state: str, quote: str) -> str:
    value = f"{{{quote}type{quote}: {quote}{state}{quote}}}"
    for key in reversed(keys):
        value = f"{{{quote}{key}{quote}: {value}}}"
    return value


def _append_element(context: ModuleContext, container: cst.Call | cst.Dict, element: str) -> list[TextEdit]:
    """Edits that add ``element`` as the container's last argument / entry, in its own layout."""
    text = context.text
    start, end = context.node_range(container)
    close = end - 1
    if text[close] not in ")}":
        raise Unfollowable("unexpected layout")
    elements: list[cst.Arg | cst.BaseDictElement] = list(
        container.args if isinstance(container, cst.Call) else container.elements)
    if not elements:
        opening = text.rfind("(" if isinstance(container, cst.Call) else "{", start, close + 1)
        return [context.edit(opening + 1, opening + 1, element)]
    last = elements[-1]
    if not isinstance(last, (cst.Arg, cst.DictElement, cst.StarredDictElement)):
        raise Unfollowable("unexpected layout")
    value_end = context.node_range(last.value)[1]
    comma_at = _comma_after(text, value_end, close) if isinstance(last.comma, cst.Comma) else None
    if isinstance(last.comma, cst.Comma) and comma_at is None:
        raise Unfollowable("unexpected layout")
    close_line_start = _line_start(text, close)
    newline = _line_ending_before(text, close_line_start)
    last_start = context.node_range(last)[0]
    one_per_line = text[close_line_start:close].strip() == "" and \
        text[_line_start(text, last_start):last_start].strip() == "" and close_line_start > value_end
    if one_per_line:
        indent = text[_line_start(text, last_start):last_start]
        edits = []
        if comma_at is None:
            edits.append(context.edit(value_end, value_end, ","))
        trailing = "," if comma_at is not None else ""
        added = f"{indent}{element}{trailing}{newline}"
        edits.append(context.edit(close_line_start, close_line_start, added))
        return edits
    if comma_at is not None:
        return [context.edit(comma_at + 1, comma_at + 1, f" {element},")]
    return [context.edit(value_end, value_end, f", {element}")]


def _comma_after(text: str, position: int, limit: int) -> int | None:
    while position < limit and text[position] in " \t\r\n\\":
        position += 1
    return position if position < limit and text[position] == "," else None


def _line_ending_before(text: str, line_start: int) -> str:
    """The line break that ends the line before ``line_start`` (files may mix them)."""
    if text.startswith("\r\n", line_start - 2):
        return "\r\n"
    return text[line_start - 1] if line_start > 0 and text[line_start - 1] in "\r\n" else "\n"


def _line_start(text: str, position: int) -> int:
    return max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1
