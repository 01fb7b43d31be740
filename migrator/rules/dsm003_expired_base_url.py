"""DSM003 expired-base-url.

Upstream: https://api-docs.deepseek.com/updates (the dated V3.1-Terminus and
V3.2-Speciale base URLs and the moments they stopped answering).
"""

from __future__ import annotations

import libcst as cst

from migrator.findings import Fix, Severity
from migrator.rules.base import Rule
from migrator.rules.meta import Invalid, Valid
from migrator.rules.screens import names_an_expired_base_url
from migrator.verdicts import expired_url_verdict


class ExpiredBaseUrl(Rule):
    """
    ## What it does
    Finds DeepSeek's dated base URLs (`https://api.deepseek.com/v3.1_terminus_expires_on_20251015`,
    `https://api.deepseek.com/v3.2_speciale_expires_on_20251215`, and any the catalog adds)
    in any string: a client constructor's `base_url=`, a constant, an `os.getenv` default,
    a longer URL built on them, an f-string.

    ## Why
    DeepSeek published these URLs to keep serving a specific older model for a limited
    time. Each stopped answering at the moment in its name (15:59 UTC): every request
    sent to it now fails. The permanent base URL is `https://api.deepseek.com`.
    """

    code = "DSM003"
    name = "expired-base-url"
    summary = "an expired dated DeepSeek base URL"
    default_severity = Severity.ERROR
    fixable = "always"
    fix_safety = (
        "Unsafe: the permanent base URL serves the current model, not the dated one the code "
        "was pinned to, so answers may differ. Only the URL characters inside the string are "
        "replaced; a path after it (`/chat/completions`) is kept."
    )
    upstream = "https://api-docs.deepseek.com/updates"
    VALID = (
        Valid('client = OpenAI(api_key=key, base_url="https://api.deepseek.com")\n'),
        Valid('BASE_URL = "https://api.deepseek.com/v1"\n'),
        Valid('client = OpenAI(base_url="https://api.deepseek.com/beta")\n'),
        Valid('client = anthropic.Anthropic(base_url="https://api.deepseek.com/anthropic")\n'),
        Valid('NOTE = "https://api.deepseek.com/v3.1_terminus_expires_on_20251015_docs"\n'),
        Valid('URL = os.getenv("DEEPSEEK_BASE_URL", "https://api.deepseek.com")\n'),
    )
    INVALID = (
        Invalid(
            'client = OpenAI(base_url="https://api.deepseek.com/v3.2_speciale_expires_on_20251215")\n',
            unsafe_fixed='client = OpenAI(base_url="https://api.deepseek.com")\n',
        ),
        Invalid(
            "BASE = os.getenv('DEEPSEEK_BASE_URL', 'https://api.deepseek.com/v3.1_terminus_expires_on_20251015')\n",
            unsafe_fixed="BASE = os.getenv('DEEPSEEK_BASE_URL', 'https://api.deepseek.com')\n",
        ),
        Invalid(
            'URL = "https://api.deepseek.com/v3.2_speciale_expires_on_20251215/chat/completions"\n',
            unsafe_fixed='URL = "https://api.deepseek.com/chat/completions"\n',
        ),
        Invalid(
            'llm = ChatOpenAI(model="deepseek-v4-flash",\n'
            '                 base_url="https://api.deepseek.com/v3.2_speciale_expires_on_20251215/")\n'
        ),
        Invalid(
            'resp = httpx.post(\n'
            '    f"https://api.deepseek.com/v3.1_terminus_expires_on_20251015/{path}", json=body)\n'
        ),
        Invalid(
            'ENDPOINTS = {\n'
            '    "terminus": "https://api.deepseek.com/v3.1_terminus_expires_on_20251015",\n'
            '    "speciale": "https://api.deepseek.com/v3.2_speciale_expires_on_20251215",\n'
            '}\n',
            count=2,
        ),
    )

    SCREEN = names_an_expired_base_url

    def _check(self, node: cst.SimpleString | cst.FormattedStringText, raw: str, offset: int) -> None:
        judgement = self.context.judgement
        replacement = self.catalog.base_url_replacement
        for hit in self.catalog.expired_url_hits(raw):
            start = self.context.start_offset(node) + offset + hit.start
            end = start + len(hit.url)
            verdict = expired_url_verdict(hit.url, hit.moment, judgement.today, replacement)
            self.report(
                self.context.span(start, end),
                verdict.message,
                severity=verdict.severity,
                replacement=replacement,
                deadline=verdict.deadline,
                fix=Fix("unsafe", f"Replace the expired base URL with `{replacement}`",
                        (self.context.edit(start, end, replacement),)),
            )

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._check(node, node.raw_value, len(node.prefix) + len(node.quote))

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        self._check(node, node.value, 0)


RULE = ExpiredBaseUrl
