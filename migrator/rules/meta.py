"""What every rule declares about itself (no libcst needed to read it)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from migrator.findings import Severity

Fixable = Literal["always", "sometimes", "never"]


@dataclass(frozen=True)
class Valid:
    """Code the rule must accept without a finding."""

    code: str
    filename: str = "example.py"
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag; ``fixed`` / ``unsafe_fixed`` are the expected results of `fix`."""

    code: str
    fixed: str | None = None
    unsafe_fixed: str | None = None
    filename: str = "example.py"
    options: dict[str, str] = field(default_factory=dict)
    count: int = 1  # findings of this rule expected in the example


class RuleMeta:
    """Documentation and defaults; the class docstring is "what it does" and "why"."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_severity: ClassVar[Severity]
    fixable: ClassVar[Fixable] = "never"
    fix_safety: ClassVar[str] = "No automatic fix."
    upstream: ClassVar[str] = "https://api-docs.deepseek.com/updates"
    VALID: ClassVar[tuple[Valid, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or cls.summary)
