"""Markdown reports, for pasting into a ticket or a pull request (GitHub-flavoured).

Pure: report in, text out. Every string that came from a server, the user or the
environment goes through :func:`text` (or :func:`code`), so a ``|`` cannot break a table,
a backtick cannot open a code span and ``<script>`` stays text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sfdoctor.models import Finding, Mark, Report, Verdict, confirm_label

if TYPE_CHECKING:
    from sfdoctor.models import Explanation
    from sfdoctor.output.banner import Banner

_MARKS = {
    Mark.OK: "\u2705 ok",
    Mark.WARN: "\u26a0\ufe0f warn",
    Mark.FAIL: "\u274c fail",
    Mark.INFO: "\u2139\ufe0f info",
    Mark.SKIP: "\u23ed\ufe0f skip",
}
_SEVERITY = {"error": "\u274c", "warning": "\u26a0\ufe0f", "info": "\u2139\ufe0f"}
_VERDICT = {Verdict.OK: "\u2705 OK", Verdict.WARN: "\u26a0\ufe0f WARN", Verdict.FAIL: "\u274c FAIL"}
_NONE = "\u2014"
_STAGES = {
    "configuration": "Configuration",
    "network": "Network",
    "login": "Login",
    "trust": "Trusted network",
    "ground truth": "Ground truth (Login History)",
    "radar": "Deprecation radar",
}

# Characters that Markdown (CommonMark + GFM tables, strikethrough, autolinks) gives a meaning.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~])")
# `_` only where it could open or close emphasis (GFM ignores it inside words: invalid_grant).
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What would start a block (heading, quote, list item, rule) at the start of a line.
_BLOCK_START = re.compile(r"^(\d+(?=[.)])|)([#>+=.)-])")


def text(value: str) -> str:
    """``value`` as literal Markdown text on one line (safe in a table cell)."""
    value = " ".join(value.split())
    value = _SPECIAL.sub(r"\\\1", value)
    value = _UNDERSCORE.sub(r"\\_", value)
    value = value.replace("&", "&amp;")
    return _BLOCK_START.sub(r"\1\\\2", value)


def code(value: str, *, cell: bool = True) -> str:
    """``value`` as an inline code span, whatever backticks it holds; in a table ``cell``,
    ``|`` is escaped (GFM reads it as a column break even inside code)."""
    value = " ".join(value.split())
    if cell:
        value = value.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _link(url: str) -> str:
    # Autolinks end at the first blank or `>`: anything else stays plain text.
    return f"<{url}>" if re.fullmatch(r"https?://[^\s<>]+", url) else text(url)


def _banner(banner: Banner) -> list[str]:
    return [
        f"# {text(banner.title)}",
        "",
        f"> **{text(banner.notice)}**",
        "",
        text(banner.generated),
        "",
    ]


def _step(line: str) -> str:
    if line.startswith("Not recommended:"):
        return "**Not recommended:** " + text(line.removeprefix("Not recommended:"))
    return text(line)


def _finding(n: int, f: Finding) -> list[str]:
    out = [
        f"### {n}. {_SEVERITY.get(str(f.severity), '')} {text(f.title)}",
        "",
        f"{code(f.cause, cell=False)} \u00b7 {text(str(f.severity))} \u00b7 "
        f"{text(f.confidence)} confidence",
        "",
    ]
    if f.evidence:
        out += ["**Evidence**", ""]
        out += [f"- {text(line)}" for line in f.evidence]
        out.append("")
    if f.candidates:
        heading = (
            "Candidates, most likely first"
            if f.cause == "ambiguous_auth_failure"
            else "Could also be, most likely first"
        )
        out += [f"**{heading}**", ""]
        out += [
            f"- {text(title)} ({code(cause)}); {confirm_label(confirm)}: {text(confirm)}"
            for cause, title, confirm in f.candidates
        ]
        out.append("")
    if f.remediation:
        out += ["**What to do**", ""]
        out += [f"{i}. {_step(step)}" for i, step in enumerate(f.remediation, 1)]
        out.append("")
    if f.references:
        out += ["**References**", ""]
        out += [f"- {_link(ref)}" for ref in f.references]
        out.append("")
    return out


def check(report: Report, banner: Banner) -> str:
    """The ``check`` report: verdict, inputs, checks table, findings, login attempts."""
    out = _banner(banner)
    out += [
        f"**{_VERDICT[report.verdict]}**: {text(report.summary())}",
        "",
        f"Login URL: {code(report.login_url, cell=False)} \u00b7 flow: "
        f"{code(report.flow, cell=False)}",
        "",
    ]
    if report.inputs:
        out += ["## Inputs", "", "| setting | value | source |", "|---|---|---|"]
        out += [f"| {text(i.name)} | {code(i.value)} | {text(i.source)} |" for i in report.inputs]
        out.append("")
    out += ["## Checks", "", "| result | stage | check | details |", "|---|---|---|---|"]
    for c in report.checks:
        stage = _STAGES.get(c.stage, c.stage.title())
        details = text(c.summary)
        if c.cause:
            details = f"{details} ({code(c.cause)})"
        out.append(f"| {_MARKS[c.mark]} | {text(stage)} | {text(c.name)} | {details} |")
    out.append("")
    if report.findings:
        out += ["## Findings", ""]
        for n, f in enumerate(report.findings, 1):
            out += _finding(n, f)
    else:
        out += ["## Findings", "", "None: nothing to fix.", ""]
    if report.attempts:
        out += [
            "## Login attempts",
            "",
            f"{len(report.attempts)} of {report.attempt_budget} allowed; each refused login "
            "counts toward the user's lockout threshold.",
            "",
            "| attempt | URL | outcome | HTTP | answer | time |",
            "|---|---|---|---|---|---|",
        ]
        for a in report.attempts:
            answer = ": ".join(x for x in (a.error, a.error_description) if x)
            out.append(
                f"| {text(a.label)} | {code(a.url)} | {text(a.outcome)} | "
                f"{a.status if a.status is not None else _NONE} | "
                f"{text(answer) if answer else _NONE} | {a.elapsed_ms} ms |"
            )
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def explanation(result: Explanation, banner: Banner, *, excerpt: str = "") -> str:
    """The ``explain`` report: the input excerpt (redacted), then each cause, best first."""
    from sfdoctor.diagnosis.knowledge import load

    kb = load()
    out = _banner(banner)
    if excerpt:
        fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", excerpt)), default=0) + 1)
        out += ["## Input (redacted)", "", f"{fence}text", excerpt.rstrip("\n"), fence, ""]
    if not result.matches:
        from sfdoctor.diagnosis.explain import known_text_headline, recognised_document

        known = recognised_document(result.text)
        if known:
            out += [f"## {known_text_headline(known)}", ""]
            out += [f"{text(r['note'])}\n" for r in known]
            return "\n".join(out).rstrip("\n") + "\n"
        out += [
            "## No known Salesforce signature in this text",
            "",
            "sfdoctor knows the OAuth, SOAP, REST, Login History and Event Log File errors "
            "listed by `sfdoctor explain --list`. If this is a Salesforce error, check "
            "Setup > Login History for the attempt.",
            "",
        ]
        return "\n".join(out).rstrip("\n") + "\n"
    out += [
        "## Causes, most likely first",
        "",
        "| # | cause | confidence | title |",
        "|---|---|---|---|",
    ]
    for n, m in enumerate(result.matches, 1):
        title = kb.cause(m.cause).title
        out.append(f"| {n} | {code(m.cause)} | {text(str(m.confidence))} | {text(title)} |")
    out.append("")
    for n, m in enumerate(result.matches, 1):
        entry = kb.cause(m.cause)
        out += [
            f"### {n}. {_SEVERITY.get(str(entry.severity), '')} {text(entry.title)}",
            "",
            f"{code(entry.id, cell=False)} \u00b7 {text(str(entry.severity))} \u00b7 "
            f"{text(str(m.confidence))} confidence",
            "",
        ]
        if m.evidence:
            out += ["**Evidence**", ""]
            out += [f"- {text(line)}" for line in m.evidence]
            out.append("")
        if note := kb.note(m.signature):
            out += [f"**Note:** {text(note)}", ""]
        out += [f"**What it means:** {text(entry.meaning)}", "", f"**Why:** {text(entry.why)}", ""]
        # NOTE: the signature's own list where it has one (INVALID_LOGIN's), as the console.
        candidates = kb.candidates(m.cause, m.signature)
        if candidates:
            out += ["**Candidates, most likely first**", ""]
            out += [
                f"- {text(kb.causes[c.cause].title)} ({code(c.cause)}); confirm: {text(c.confirm)}"
                for c in candidates
            ]
            out.append("")
        out += ["**What to do**", ""]
        out += [f"{i}. {_step(step)}" for i, step in enumerate(entry.remediation_lines(), 1)]
        out.append("")
        if entry.confirm:
            out += [f"**Confirm:** {text(entry.confirm)}", ""]
        if entry.references:
            out += ["**References**", ""]
            out += [f"- {_link(ref)}" for ref in entry.references]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
