"""How a followed function or class may be reached beyond the calls that name it.

The callers rule (``ValueFlow._callers``) finds the calls of a function, or the
constructions of a class, by name, in its module and in the modules that import it. What
else may call it with arguments of its own is found here:

* in such a module: references that are not calls (the function or class handed on, a
  class subclassed or used through an attribute, an annotation a framework builds from),
  objects made without naming their class (``type(obj)(...)``, ``obj.__class__(...)``, a
  classmethod's ``cls(...)``, ``obj.__init__(...)`` again), code run from strings;
* anywhere in the project (one scan of its files' identifiers, kept per project): a
  notebook or config file naming it, a module naming a class without importing it, a module
  that may make an object of a type it does not name, a method's function taken off its
  instance.

Reading a type for a comparison or for its name is not a construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from migrator.context import ModuleContext, attribute_chain
from migrator.project import PerProject, Project, read_source

TYPE_TESTS = frozenset({"isinstance", "issubclass"})
# What reading an object's type for something other than calling it looks like.
TYPE_ATTRIBUTES_READ = frozenset({"__name__", "__qualname__", "__module__", "__doc__"})


def anonymous_construction(context: ModuleContext) -> cst.CSTNode | None:
    """The first place in the module that may call a class without naming it, if any."""
    index = context.requests
    candidates = [*_type_reads(context), *_class_attributes(context), *_class_parameter_uses(context),
                  *_classmethods_made(context)]
    for node in context.in_source_order(candidates):
        parent = index.parent(node)
        if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
            continue
        if isinstance(parent, cst.Attribute) and parent.value is node and \
                parent.attr.value in TYPE_ATTRIBUTES_READ:
            continue
        return node
    return None


def _type_reads(context: ModuleContext) -> Iterator[cst.Call]:
    """``type(x)`` (one argument: the type of ``x``, not a new class)."""
    for node in context.calls_named(("type",)):
        if isinstance(node.func, cst.Name) and len(node.args) == 1 and not node.args[0].star:
            yield node


def _class_attributes(context: ModuleContext) -> Iterator[cst.Attribute]:
    yield from context.attributes_named(("__class__",))


def _class_parameter_uses(context: ModuleContext) -> Iterator[cst.Name]:
    """The first parameter of a classmethod (or ``__new__``, ``__init_subclass__``) used other
    than to read one of its attributes: called, or handed on."""
    index = context.requests
    for function in context.nodes_of(cst.FunctionDef):
        if not isinstance(function, cst.FunctionDef) or not _takes_the_class(function):
            continue
        params = [*function.params.posonly_params, *function.params.params]
        if not params:
            continue
        name = params[0].name.value
        for node in _names_in(function.body, name):
            parent = index.parent(node)
            if not (isinstance(parent, cst.Attribute) and parent.value is node):
                yield node


def _takes_the_class(function: cst.FunctionDef) -> bool:
    if function.name.value in ("__new__", "__init_subclass__", "__class_getitem__"):
        return True
    return any(attribute_chain(d.decorator)[-1:] == ["classmethod"] for d in function.decorators)


def _classmethods_made(context: ModuleContext) -> Iterator[cst.Call]:
    """``classmethod(function)`` called, not written as a decorator: the function gets the class."""
    yield from context.calls_named(("classmethod",))


def _names_in(body: cst.CSTNode, name: str) -> Iterator[cst.Name]:
    found: list[cst.Name] = []

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            if node.value == name:
                found.append(node)

    body.visit(Names())
    yield from found


def class_body_names(klass: cst.ClassDef) -> Iterator[tuple[str, cst.CSTNode]]:
    """The names a class body binds: methods, nested classes, assignments (also unpacked),
    also under an ``if`` or ``try`` of the body."""
    yield from _block_names(klass.body)


def _block_names(block: cst.BaseSuite) -> Iterator[tuple[str, cst.CSTNode]]:
    if isinstance(block, cst.SimpleStatementSuite):
        yield from _statement_names(block)
        return
    for statement in block.body:
        yield from _statement_names(statement)


def _statement_names(statement: cst.CSTNode) -> Iterator[tuple[str, cst.CSTNode]]:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        yield statement.name.value, statement
    elif isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [target.target for target in small.targets]
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                targets = [small.target]
            for target in targets:
                for name in _bound_names(target):
                    yield name.value, name
    elif isinstance(statement, (cst.BaseCompoundStatement, cst.Else, cst.ExceptHandler, cst.Finally)):
        for child in statement.children:
            if isinstance(child, cst.BaseSuite):
                yield from _block_names(child)
            elif isinstance(child, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally)):
                yield from _statement_names(child)


def _bound_names(target: cst.BaseExpression) -> Iterator[cst.Name]:
    if isinstance(target, cst.Name):
        yield target
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _bound_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _bound_names(target.value)


def class_references(context: ModuleContext, names: set[str],
                     klass: cst.ClassDef) -> Iterator[cst.CSTNode]:
    """The names (or ``module.Class`` attributes) that refer to the class, imports aside."""
    return references(context, names, klass.name.value, klass.name)


def references(context: ModuleContext, names: set[str], attribute: str,
               own: cst.Name | None = None) -> Iterator[cst.CSTNode]:
    """The names among ``names`` and the ``x.attribute`` attributes of the module, imports and
    the definition's own name aside: what may refer to a function or class."""
    for node in context.nodes_of(cst.Name, cst.Attribute):
        if isinstance(node, cst.Name) and node.value in names and node is not own:
            parent = context.requests.parent(node)
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                continue
            if inside(context, node, (cst.ImportFrom, cst.Import)):
                continue
            yield node
        elif isinstance(node, cst.Attribute) and node.attr.value == attribute and \
                not inside(context, node, (cst.ImportFrom, cst.Import)):
            yield node  # `module.Class`, or an unrelated `x.Class`: counted all the same


def uncalled_reference(context: ModuleContext, names: set[str], attribute: str) -> cst.CSTNode | None:
    """The first reference (as :func:`references` finds them) that is not a call: a function
    or class handed on as a value, whose calls may then be anywhere."""
    return next((node for node in references(context, names, attribute)
                 if class_use(context, node) != "ok"), None)


def class_use(context: ModuleContext,
               node: cst.CSTNode) -> Literal["ok", "subclassed", "attribute", "passed"]:
    index = context.requests
    parent = index.parent(node)
    if isinstance(parent, cst.Call) and parent.func is node:
        return "ok"
    if isinstance(parent, cst.Attribute) and parent.value is node:
        return "attribute"
    if isinstance(parent, cst.Arg):
        holder = index.parent(parent)
        if isinstance(holder, cst.ClassDef):
            return "subclassed"
        if isinstance(holder, cst.Call) and attribute_chain(holder.func)[-1:] in ([t] for t in TYPE_TESTS):
            return "ok"
    if isinstance(parent, (cst.Tuple, cst.Element)):
        current: cst.CSTNode | None = parent
        while isinstance(current, (cst.Tuple, cst.Element)):
            current = index.parent(current)
        arg = current
        call = index.parent(arg) if isinstance(arg, cst.Arg) else None
        if isinstance(call, cst.Call) and attribute_chain(call.func)[-1:] in ([t] for t in TYPE_TESTS):
            return "ok"
    if inside(context, node, (cst.Annotation,)):
        return "passed" if _annotation_may_build(context, node) else "ok"
    return "passed"


def _annotation_may_build(context: ModuleContext, node: cst.CSTNode) -> bool:
    """An annotation a framework may build an instance from: a parameter's, in a decorated
    function (a FastAPI route, a CLI command) or with a call as its default (``= Depends()``)."""
    index = context.requests
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(current, cst.Annotation):
        current = index.parent(current)
    param = index.parent(current) if current is not None else None
    if not isinstance(param, cst.Param):
        return False
    if isinstance(param.default, cst.Call):
        return True
    function = index.parent(index.parent(param) or param)
    return isinstance(function, (cst.FunctionDef, cst.Lambda)) and \
        bool(getattr(function, "decorators", ()))


def inside(context: ModuleContext, node: cst.CSTNode, kinds: tuple[type[cst.CSTNode], ...]) -> bool:
    current = context.requests.parent(node)
    while current is not None:
        if isinstance(current, kinds):
            return True
        if isinstance(current, cst.BaseStatement):
            return isinstance(current, kinds)
        current = context.requests.parent(current)
    return False


# -- beyond the modules that import it -------------------------------------------------------

_WORDS = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
# What a module that does not import a class needs to make an instance of it from one it is
# handed: the object's type, or its `__init__` called again.
_UNNAMED_CONSTRUCTION = re.compile(rb"\btype\s*\(|__class__|\.__init__\b")
# A method's function taken off its instance: called with another object as ``self``.
_METHOD_FUNCTION = re.compile(rb"__func__|\bMethodType\b")


@dataclass
class ProjectWords:
    """Per file of the project, the identifiers it spells (as bytes, strings and comments
    included), and which Python files may make an object of a type they do not name."""

    words: dict[str, frozenset[bytes]]
    unnamed: frozenset[str]
    method_functions: tuple[str, ...]  # files that take a method's function off its instance

    def files_naming(self, name: str, paths: Iterable[str]) -> list[str]:
        word = name.encode()
        return [path for path in paths if word in self.words.get(path, frozenset())]


def _built_words(project: Project) -> ProjectWords:
    words: dict[str, frozenset[bytes]] = {}
    unnamed: set[str] = set()
    method_functions: list[str] = []
    python = set(project.files)
    for path in (*project.files, *project.other_files):
        data = read_source(path)
        if data is None:
            continue
        words[path] = frozenset(_WORDS.findall(data))
        if path in python and _UNNAMED_CONSTRUCTION.search(data):
            unnamed.add(path)
        if path in python and _METHOD_FUNCTION.search(data):
            method_functions.append(path)
    return ProjectWords(words, frozenset(unnamed), tuple(method_functions))


_PROJECT_WORDS = PerProject(_built_words)


def project_words(project: Project) -> ProjectWords:
    return _PROJECT_WORDS.of(project)


def dynamic_code(context: ModuleContext) -> cst.Call | None:
    """The first ``eval(...)`` or ``exec(...)`` of the module: code the tool cannot read, which
    may construct or call anything the module sees."""
    found = context.calls_named(("eval", "exec"))
    return found[0] if found else None


def reinitialisation(context: ModuleContext) -> cst.CSTNode | None:
    """The first ``obj.__init__`` of the module that is not ``super().__init__``: an object
    given its constructor's arguments again."""
    return next((node for node in context.attributes_named(("__init__",)) if not (
        isinstance(node.value, cst.Call) and attribute_chain(node.value.func) == ["super"])), None)
