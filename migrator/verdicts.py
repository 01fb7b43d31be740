"""Severity and wording of the model-ID findings, judged against the run's moment.

Pure functions shared by the Python rules and the configuration-file readers,
so a retired ID reads the same wherever it is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from migrator.catalog import Catalog, ModelEntry, ModelMatch, format_utc
from migrator.findings import Finding, Fix, RequestRef, Severity, Span


@dataclass(frozen=True)
class Verdict:
    severity: Severity
    message: str
    model: str | None
    replacement: str
    deadline: str | None


def human_moment(moment: datetime) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M UTC")
    return text[: -len(" 00:00 UTC")] if text.endswith(" 00:00 UTC") else text


def thinking_phrase(model: ModelEntry) -> str:
    if model.successor_thinking == "disabled":
        return "with thinking disabled"
    return "with thinking enabled (the V4 default)"


def day_count(one: datetime, other: datetime) -> str:
    """Whole days between two moments, counted down ("1 day", "126 days"), either order."""
    days = int(abs((other - one).total_seconds()) // 86400)
    return "1 day" if days == 1 else f"{days} days"


def relative_to(today: datetime, moment: datetime) -> str:
    """``126 days ago`` or ``in 23 days``: the one wording every report uses."""
    days = day_count(today, moment)
    return f"{days} ago" if today >= moment else f"in {days}"


def retired_id_verdict(match: ModelMatch, catalog: Catalog, today: datetime, target: str) -> Verdict:
    """DSM001: an error once the retirement moment has passed, a warning before it."""
    model = match.model
    replacement = match.respell(target)
    advice = f"use `{replacement}` {thinking_phrase(model)}"
    deadline = format_utc(model.retired_at) if model.retired_at else None
    if model.retired_at is None:
        message = f"`{match.spelled}` is retired ({model.note}); {advice}"
        severity = Severity.ERROR
    elif today >= model.retired_at:
        since = day_count(today, model.retired_at)
        message = (
            f"`{match.spelled}` was retired on {human_moment(model.retired_at)} ({since} ago) "
            f"and requests now fail; {advice}"
        )
        severity = Severity.ERROR
    else:
        left = day_count(today, model.retired_at)
        message = (
            f"`{match.spelled}` retires on {human_moment(model.retired_at)} ({left} left); {advice}"
        )
        severity = Severity.WARNING
    return Verdict(severity, message, model.id, target, deadline)


def mention_verdict(match: ModelMatch, catalog: Catalog, today: datetime, target: str) -> Verdict:
    """DSM002: a mention in prose or a longer string is information, not a request."""
    model = match.model
    moment = model.retired_at
    when = (
        "retired"
        if moment is None
        else ("retired on " if today >= moment else "retires on ") + human_moment(moment)
    )
    message = (
        f"mentions `{match.spelled}` ({when}); its successor is `{match.respell(target)}` "
        f"{thinking_phrase(model)}"
    )
    deadline = format_utc(moment) if moment else None
    return Verdict(Severity.INFO, message, model.id, target, deadline)


def superseded_id_verdict(match: ModelMatch, target: str) -> Verdict:
    """DSM201: a V4 ID that DeepSeek now serves with a newer model."""
    model = match.model
    since = f" since {human_moment(model.since)}" if model.since else ""
    successor = model.successor or target
    message = (
        f"`{match.spelled}` is served by {model.served_by or 'a newer model'}{since}; "
        f"the current ID is `{match.respell(successor)}`"
    )
    return Verdict(Severity.INFO, message, model.id, successor, None)


def expired_url_verdict(url: str, moment: datetime, today: datetime, replacement: str) -> Verdict:
    """DSM003: an error once the dated URL has expired, a warning before."""
    expired = today >= moment
    when = "expired on" if expired else "expires on"
    consequence = "requests to it now fail" if expired else "requests to it will fail"
    message = (f"`{url}` {when} {human_moment(moment)} and {consequence}; use `{replacement}` "
               "(it serves the current model, not the dated one)")
    severity = Severity.ERROR if expired else Severity.WARNING
    return Verdict(severity, message, None, replacement, format_utc(moment))


def make_finding(path: str, span: Span, code: str, verdict: Verdict | None = None, *,
                 severity: Severity | None = None, message: str | None = None,
                 fix: Fix | None = None, unfixable_reason: str | None = None,
                 replacement: str | None = None, model: str | None = None,
                 deadline: str | None = None, anchor_line: int | None = None,
                 requests: tuple[RequestRef, ...] = ()) -> Finding:
    """The one way a finding is built, in Python code, config values, prose or a parse error.

    A verdict supplies severity, wording, model, replacement and deadline; an explicit
    argument overrides the verdict's; without either, the severity is info.
    """
    return Finding(
        path=path,
        span=span,
        code=code,
        severity=severity or (verdict.severity if verdict else Severity.INFO),
        message=message if message is not None else (verdict.message if verdict else ""),
        model=model if model is not None else (verdict.model if verdict else None),
        replacement=replacement if replacement is not None else (
            verdict.replacement if verdict else None),
        deadline=deadline if deadline is not None else (verdict.deadline if verdict else None),
        fix=fix,
        unfixable_reason=unfixable_reason,
        anchor_line=anchor_line,
        requests=requests,
    )
