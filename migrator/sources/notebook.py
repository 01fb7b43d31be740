"""Jupyter notebooks: the code cells are one Python program, everything else is left alone.

Code cells are scanned with the Python rules after IPython syntax (``%magic``,
``%%cell magic``, ``!shell``, ``?help``) is masked by replacements of the same
length, so every offset and column stays that of the real cell source. The cells that
parse on their own run in order in one namespace, so they are analysed as one module
(:mod:`migrator.cells` maps its positions back to each cell): a request in cell 4 is
recognised by the ``import openai`` of cell 2, and a name bound in cell 3 is followed
into cell 4. A code cell that does not parse alone is analysed alone (its DSM900) and
left out of the program; a name it mentions counts as used beyond the program. If the
joined cells do not parse together, every cell is analysed alone, as one document each.
A cell whose body is not Python (``%%bash``, ``%%html`` …) and Markdown or raw cells are
scanned for mentions only. Outputs and attachments are never read nor written.

Writing back is textual: only the JSON strings of the edited source lines are
replaced, the rest of the file is kept byte for byte (indentation, key order,
escaping, trailing newline), so a fix's diff is exactly the edited lines.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from migrator.cells import OutsideCell, ProgramCells
from migrator.decoding import Decoded, DecodeError, decode_utf8_text
from migrator.findings import Finding, TextEdit, reported_cell
from migrator.jsonspan import JArray, JObject, JsonSyntaxError, JString, parse_json
from migrator.judgement import Judgement, Location
from migrator.lines import LineIndex
from migrator.sources.base import Document, ReadRequest
from migrator.sources.cellorder import first_early_read
from migrator.suppressions import Suppressions
from migrator.textanalysis import mention_findings

# Cell magics whose body is Python (the rest — bash, html, sql, … — is not).
PYTHON_CELL_MAGICS = frozenset({
    "time", "timeit", "capture", "prun", "debug", "python", "python3", "memit", "mprun",
})
# Of those, the ones whose body runs in the notebook's own namespace (``%%python`` runs a
# subprocess, ``%%writefile`` writes a file): only those cells join the notebook's program.
KERNEL_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "mprun"})
_CELL_MAGIC = re.compile(r"[ \t]*%%(?P<name>\w+)(?P<args>[^\r\n]*)")
_LINE_SIGIL = re.compile(r"^[ \t]*(?:%%?|!!?|\?\?|\?)", re.M)
_ASSIGNED_SIGIL = re.compile(
    r"^[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!]", re.M
)
# ``%run script.py`` (``-i``: in the notebook's namespace; without, the script's names are
# copied into it afterwards): either way any name may be set. ``%store -r`` names its names.
_RUN_MAGIC = re.compile(r"^[ \t]*%run\b", re.M)
_HELP_SUFFIX = re.compile(r"^[ \t]*[A-Za-z_][\w.]*(?P<marks>\?\??)[ \t]*$", re.M)


@dataclass(frozen=True)
class Masked:
    text: str  # same length as the source, IPython syntax turned into comments
    python: bool  # False: the body belongs to another language (``%%bash``)


def _cell_magic_is_python(name: str, args: str) -> bool:
    if name == "writefile":
        target = args.split()[-1] if args.split() else ""
        return target.endswith((".py", ".pyi"))
    return name in PYTHON_CELL_MAGICS


def mask_ipython(source: str) -> Masked:
    """Turn IPython-only syntax into Python of the same length (``%time f()`` -> ``0#ime f()``).

    A magic becomes ``0`` followed by a comment, which stays valid inside an
    indented block; the character after the sigil is lost, which never matters for
    the rules (they look for model IDs, which no magic name is).
    """
    first = _CELL_MAGIC.match(source)
    if first is not None and not _cell_magic_is_python(first.group("name"), first.group("args")):
        return Masked(source, python=False)
    chars = list(source)
    for pattern in (_LINE_SIGIL, _ASSIGNED_SIGIL):
        for match in pattern.finditer(source):
            sigil = match.end() - 1 if pattern is _ASSIGNED_SIGIL else _sigil_start(match)
            _mask_at(chars, sigil)
    for match in _HELP_SUFFIX.finditer(source):
        for index in range(match.start("marks"), match.end("marks")):
            chars[index] = " "
    return Masked("".join(chars), python=True)


def _sigil_start(match: re.Match[str]) -> int:
    text = match.group()
    return match.start() + len(text) - len(text.lstrip(" \t"))


def _mask_at(chars: list[str], index: int) -> None:
    chars[index] = "0"
    if index + 1 < len(chars) and chars[index + 1] not in "\r\n":
        chars[index + 1] = "#"


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def notebook_is_python(notebook: dict[str, Any]) -> bool:
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(section, {})
        if isinstance(value, dict) and isinstance(value.get(key), str):
            return bool(value[key].lower().startswith(("python", "ipython")))
    return True


def analyse_code(source: str, location: Location, judgement: Judgement, codes: frozenset[str],
                 suppressions: Suppressions) -> tuple[list[Finding], bool]:
    """Findings of one IPython source; the bool says whether it parsed (as Python)."""
    from migrator.analysis import analyse_python

    masked = mask_ipython(source)
    if not masked.python:
        return [], False
    analysis = analyse_python(masked.text, location, judgement, codes, suppressions)
    if not analysis.parsed and masked.text != source:
        # A line starting with ``%`` may be the modulo operator of a continued expression.
        plain = analyse_python(source, location, judgement, codes, suppressions)
        if plain.parsed:
            analysis = plain
    return analysis.findings, analysis.parsed


def read(data: bytes, request: ReadRequest, judgement: Judgement) -> Document:
    from migrator.textanalysis import parse_error as parse_error_finding

    try:
        decoded = decode_utf8_text(data)
        notebook = json.loads(decoded.text)
    except DecodeError as error:
        return Document(findings=[parse_error_finding(request.path, f"cannot decode: {error}")])
    except json.JSONDecodeError as error:
        reason = f"cannot parse notebook JSON: {error.msg}"
        return Document(findings=[parse_error_finding(request.path, reason, error.lineno,
                                                      error.colno)])
    except RecursionError:
        reason = "cannot parse notebook JSON: nested too deeply"
        return Document(findings=[parse_error_finding(request.path, reason)])
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        reason = "not a notebook in nbformat 4 (no list of cells)"
        return Document(findings=[parse_error_finding(request.path, reason)])
    return _read_cells(decoded, notebook, cells, request, judgement)


@dataclass
class _Reading:
    """What reading a notebook's cells gathers on the way to its document."""

    request: ReadRequest
    judgement: Judgement
    sources: list[str]
    suppressions: Suppressions = field(default_factory=Suppressions)
    findings: list[Finding] = field(default_factory=list)
    parsed_cells: set[int] = field(default_factory=set)
    program: list[tuple[int, str]] = field(default_factory=list)  # cells that parse alone, as they do
    trees: list[tuple[int, ast.Module]] = field(default_factory=list)  # and their ``ast`` trees
    alone: list[int] = field(default_factory=list)  # the other code cells: each analysed by itself
    left_out: list[OutsideCell] = field(default_factory=list)  # code the program does not read


def _read_cells(decoded: Decoded, notebook: dict[str, Any], cells: list[Any],
                request: ReadRequest, judgement: Judgement) -> Document:
    python = notebook_is_python(notebook)
    sources = [cell_source(cell) if isinstance(cell, dict) else "" for cell in cells]
    reading = _Reading(request, judgement, sources)
    texts: dict[int | None, str] = {}
    for index, cell in enumerate(cells):
        if isinstance(cell, dict):
            texts[index] = sources[index]
            _sort_cell(reading, index, cell.get("cell_type"), python)
    early = first_early_read(reading.trees)
    note = f"and the cells are not read as one program ({early.describe()})" if early else ""
    if early or (reading.program and not _analyse_program(reading)):
        reading.alone.extend(index for index, _ in reading.program)
    for index in sorted(reading.alone):
        _analyse_cell(reading, index, note)
    reading.findings.sort(key=lambda finding: finding.span.cell or 0)  # in cell order, as read
    document = Document(findings=reading.suppressions.filter(reading.findings), texts=texts)
    document.render = _renderer(decoded)
    document.reparse = _reparser(frozenset(reading.parsed_cells))
    return document


def _sort_cell(reading: _Reading, index: int, kind: object, python: bool) -> None:
    """A code cell joins the program or is analysed alone; the others are scanned for mentions."""
    source = reading.sources[index]
    if kind == "code" and python:
        text, why, tree = _program_text(source)
        if text is None or tree is None:
            reading.alone.append(index)
            reading.left_out.append(OutsideCell(index, source, why))
            return
        reading.program.append((index, text))
        reading.trees.append((index, tree))
        ipython = _ipython_lines(source, text)
        if ipython:
            reading.left_out.append(OutsideCell(index, ipython, "in IPython syntax (`%`, `!`, `?`) "
                                                "that is not read as Python"))
        if _RUN_MAGIC.search(ipython):
            reading.left_out.append(OutsideCell(index, ipython, "whose `%run` runs a script in the "
                                                "notebook's namespace: it may set any name",
                                                binds_any_name=True))
        return
    if kind != "markdown":  # a raw cell, or code of a notebook in another language
        reading.left_out.append(OutsideCell(index, source, "which is not read as Python"))
    request = reading.request
    reading.findings.extend(mention_findings(source, request.path, reading.judgement, request.codes,
                                             cell=reported_cell(index)))


def _program_text(source: str) -> tuple[str | None, str, ast.Module | None]:
    """The cell as it joins the program (IPython syntax masked, or as written) and its tree, or
    None and why not.

    CPython's parser decides, cheaply: a cell it rejects is analysed alone, as before, and a
    program libcst rejects is read cell by cell.
    """
    import warnings

    magic = _CELL_MAGIC.match(source)
    if magic is not None and magic.group("name") not in KERNEL_CELL_MAGICS:
        name = magic.group("name")
        if mask_ipython(source).python:
            return None, f"whose body is not run in the notebook's namespace (`%%{name}`)", None
        return None, f"whose body is not Python (`%%{name}`)", None
    for text in dict.fromkeys((mask_ipython(source).text, source)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        return text, "", tree
    return None, "which does not parse as Python on its own", None


def _ipython_lines(source: str, text: str) -> str:
    """The lines of a cell that masking turned into comments (``!echo {MODEL}``); masking
    never touches a ``\n``, so the lines pair up."""
    pairs = zip(source.split("\n"), text.split("\n"), strict=True)
    return "\n".join(old for old, new in pairs if old != new)


def _analyse_program(reading: _Reading) -> bool:
    """Findings of the cells that parse alone, read as one module; False if it does not parse."""
    from migrator.analysis import analyse_python

    request, program = reading.request, ProgramCells(reading.program)
    location = Location(request.path, cells=program, outside=tuple(reading.left_out))
    analysis = analyse_python(program.text, location, reading.judgement, request.codes,
                              reading.suppressions)
    if not analysis.parsed:
        return False
    reading.findings.extend(_kept_in_cells(finding, program) for finding in analysis.findings)
    reading.parsed_cells.update(program.indexes)
    return True


def _kept_in_cells(finding: Finding, program: ProgramCells) -> Finding:
    """A fix whose edit would run over the join of two cells is no fix (never in practice)."""
    from dataclasses import replace

    fix = finding.fix
    if fix is None or not any(edit.path is None and program.spills(edit) for edit in fix.edits):
        return finding
    return replace(finding, fix=None,
                   unfixable_reason="the fix would edit across the boundary of two notebook cells")


def _analyse_cell(reading: _Reading, index: int, note: str = "") -> None:
    """One code cell as its own document: one that does not parse alone, a foreign one, or any
    when the cells are not one program (``note`` says why, in the reason of a fix it keeps unsafe)."""
    request, judgement, source = reading.request, reading.judgement, reading.sources[index]
    location = Location(request.path, cell=index,
                        outside=_other_cells(reading.sources, index, judgement, note))
    cell_findings, parsed = analyse_code(source, location, judgement, request.codes,
                                         reading.suppressions)
    if parsed:
        reading.parsed_cells.add(index)
    elif not mask_ipython(source).python:
        cell_findings = _foreign_cell(source, index, request, judgement, reading.suppressions)
    reading.findings.extend(cell_findings)


def _other_cells(sources: list[str], index: int, judgement: Judgement,
                 note: str = "") -> tuple[OutsideCell, ...]:
    """The other cells' sources, which may use this cell's names (only where a fix may need them)."""
    if not judgement.catalog.might_match(sources[index].encode("utf-8", "surrogatepass")):
        return ()
    return tuple(OutsideCell(other, source, note) for other, source in enumerate(sources)
                 if other != index)


def _foreign_cell(source: str, index: int, request: ReadRequest, judgement: Judgement,
                  suppressions: Suppressions) -> list[Finding]:
    """A ``%%bash``-style cell: mentions only; ``# noqa`` comments still count."""
    lines = LineIndex(source)
    for number in range(1, len(lines.starts) + 1):
        text = lines.line_text(number)
        if "#" in text:
            suppressions.add_comment(number, text[text.index("#") :], reported_cell(index))
    return mention_findings(source, request.path, judgement, request.codes, cell=reported_cell(index),
                            lines=lines)


# -- writing back --------------------------------------------------------------------------


def _renderer(decoded: Decoded) -> Callable[[Sequence[TextEdit]], bytes]:
    def render(edits: Sequence[TextEdit]) -> bytes:
        return decoded.encode(render_text(decoded.text, edits))

    return render


def render_text(text: str, edits: Sequence[TextEdit]) -> str:
    """The notebook text with ``edits`` applied to its cells' sources, nothing else touched."""
    from migrator.decoding import apply_edits

    if not edits:
        return text
    if any(edit.cell is None for edit in edits):
        raise ValueError("a notebook edit must name its cell")
    cells = _cells_node(text)
    ascii_only = _escapes_non_ascii(text)
    by_cell: dict[int, list[TextEdit]] = {}
    for edit in edits:
        by_cell.setdefault(edit.cell, []).append(edit)  # type: ignore[arg-type]
    replacements: list[TextEdit] = []
    for index, cell_edits in by_cell.items():
        cell = cells.items[index]
        source = cell.get("source") if isinstance(cell, JObject) else None
        if isinstance(source, JString):
            new_source = apply_edits(source.value, cell_edits)
            replacements.append(TextEdit(source.start, source.end, _dump(new_source, ascii_only)))
        elif isinstance(source, JArray) and all(isinstance(i, JString) for i in source.items):
            replacements.extend(_line_replacements(text, source, cell_edits, ascii_only))
        else:
            raise ValueError(f"cell {reported_cell(index)} has no source to edit")
    return apply_edits(text, replacements)


def _cells_node(text: str) -> JArray:
    root = parse_json(text).root
    cells = root.get("cells") if isinstance(root, JObject) else None
    if not isinstance(cells, JArray):
        raise ValueError("not a notebook (no list of cells)")
    return cells


def _escapes_non_ascii(text: str) -> bool:
    """Did the writer use ``ensure_ascii``? Raw non-ASCII says no; ``\\u00e9`` says yes."""
    if not text.isascii():
        return False
    return re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])[0-9a-fA-F]{2}", text) is not None


def _dump(value: str, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


_SOURCE_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def _line_replacements(text: str, array: JArray, edits: Sequence[TextEdit],
                       ascii_only: bool) -> list[TextEdit]:
    """Replace only the JSON strings of the source lines the edits touch."""
    from migrator.decoding import apply_edits

    items: list[JString] = [item for item in array.items if isinstance(item, JString)]
    starts: list[int] = []
    total = 0
    for item in items:
        starts.append(total)
        total += len(item.value)
    if not items:
        raise ValueError("an edit in an empty cell")
    low = min(_line_of(starts, total, edit.start) for edit in edits)
    high = max(_line_of(starts, total, max(edit.start, edit.end - 1)) for edit in edits)
    region_start = starts[low]
    region = "".join(item.value for item in items[low : high + 1])
    shifted = [TextEdit(e.start - region_start, e.end - region_start, e.text) for e in edits]
    new_lines = _SOURCE_LINE.findall(apply_edits(region, shifted))
    if new_lines:
        separator = _separator(text, array, items)
        encoded = separator.join(_dump(line, ascii_only) for line in new_lines)
        return [TextEdit(items[low].start, items[high].end, encoded)]
    if high + 1 < len(items):
        return [TextEdit(items[low].start, items[high + 1].start, "")]
    if low > 0:
        return [TextEdit(items[low - 1].end, items[high].end, "")]
    return [TextEdit(items[low].start, items[high].end, "")]


def _line_of(starts: list[int], total: int, offset: int) -> int:
    from bisect import bisect_right

    if offset >= total:
        return len(starts) - 1
    return bisect_right(starts, offset) - 1


def _separator(text: str, array: JArray, items: list[JString]) -> str:
    """What stands between two source lines in this file (``",\\n    "`` in nbformat's layout)."""
    if len(items) >= 2:
        return text[items[0].end : items[1].start]
    return "," + text[array.start + 1 : items[0].start]


def _reparser(parsed_cells: frozenset[int]) -> Callable[[bytes], bool]:
    """The rewritten notebook is JSON, and every cell that parsed before still parses."""

    def reparse(data: bytes) -> bool:
        from migrator.parsing import parses

        try:
            notebook = json.loads(decode_utf8_text(data).text)
            cells = notebook["cells"]
            sources = [cell_source(cells[index]) for index in parsed_cells]
        except (DecodeError, ValueError, KeyError, IndexError, TypeError):
            return False
        return all(parses(mask_ipython(source).text) or parses(source) for source in sources)

    return reparse


__all__ = ["JsonSyntaxError", "mask_ipython", "read", "render_text"]
