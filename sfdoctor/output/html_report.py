"""The HTML report: a page a person reads, the answer first.

A summary card (:mod:`sfdoctor.output.summary`: verdict, cause, the fix, where and when),
then, for ``check`` (and ``demo``), the findings with their full remediation, the checks,
the inputs with where each came from, and the trace of the login requests; for ``explain``
and ``triage``, the card then the console report (rich's HTML export of the same
renderables). Self-contained: one file, inline CSS, no script, font, image or style sheet
fetched from anywhere. Readable from 400 px wide to a desktop, and printable (the card
fits on the first A4 page).

Pure: the JSON document (already redacted) in, a string out. Every value is escaped
(:func:`html.escape`, quotes included) and its control characters written out; a link is
made only of an ``https`` URL that parses whole (the knowledge base's references, and
Salesforce's documentation quoted in text), so nothing from a server or a paste becomes a
tag, an attribute or a link elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from sfdoctor.models import confirm_label
from sfdoctor.output.console import UNSAFE, printable
from sfdoctor.output.export import DOC_LINK
from sfdoctor.output.summary import Summary, summarize

if TYPE_CHECKING:
    from sfdoctor.output.banner import Banner

# An https URL and nothing else: a host, an optional port, then URL characters (no quote,
# "<", ">", backslash or blank), so the href can hold nothing but the URL.
_URL = re.compile(
    r"https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
    r"(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$()*+,;=%&]*)?"
)
_MARK = {"ok": "\u2713", "warn": "!", "fail": "\u2717", "info": "\u00b7", "skip": "-"}
_WORD = {"ok": "ok", "warn": "warning", "fail": "failed", "info": "note", "skip": "skipped"}

CSS = """\
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;
--fail:#cf222e;--fail-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5;--ok:#1a7f37;
--ok-bg:#dafbe1;--info:#0969da;--info-bg:#ddf4ff;--inconclusive:#8250df;--inconclusive-bg:#fbefff}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;padding:16px;color:var(--fg);background:var(--bg);line-height:1.5;
font:16px/1.5 system-ui,-apple-system,'Segoe UI','Noto Sans','DejaVu Sans',Arial,sans-serif}
main{max-width:72rem;margin:0 auto}
p,ol,ul,dl,table{margin:0 0 .75rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 .5rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .25rem}
h4{font-size:.95rem;margin:.9rem 0 .3rem}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;
font-size:.9em}
code{background:var(--soft);padding:.05em .3em;border-radius:4px}
a{color:var(--info)}
p,li,dd,h1,h3,code,.mono{overflow-wrap:anywhere}
td{overflow-wrap:break-word}
td.nowrap{white-space:nowrap}
.banner{color:var(--muted);font-size:.9rem;margin-bottom:1rem}
.banner p{margin:0}
.banner .title{color:var(--fg);font-weight:600}
.notice{color:var(--warn)}
.card{border:2px solid var(--c);border-left-width:10px;border-radius:8px;padding:1rem 1.25rem;
background:var(--bg);margin-bottom:1.5rem}
.badges{margin:0}
.badge{display:inline-block;font-weight:700;letter-spacing:.04em;font-size:.85rem;
padding:.15rem .6rem;border-radius:999px;background:var(--c);color:#fff;margin-right:.4rem}
.badge.sim{background:var(--info-bg);color:var(--info);border:1px solid var(--info)}
.cause{color:var(--muted)}
.fix{background:var(--cbg);border-radius:6px;padding:.6rem .9rem;margin:.75rem 0}
.fix h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;margin:0 0 .2rem;
border:0;padding:0;color:var(--c)}
.fix p{margin:0;font-size:1.05rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
.facts dt{color:var(--muted)}
.facts dd{margin:0}
.closing{font-weight:600;margin:.5rem 0 0}
.v-fail{--c:var(--fail);--cbg:var(--fail-bg)}
.v-warn{--c:var(--warn);--cbg:var(--warn-bg)}
.v-ok{--c:var(--ok);--cbg:var(--ok-bg)}
.v-info,.v-skip{--c:var(--info);--cbg:var(--info-bg)}
.v-inconclusive{--c:var(--inconclusive);--cbg:var(--inconclusive-bg)}
.finding{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:6px;
padding:.75rem 1rem;margin:0 0 1rem}
.meta{color:var(--muted);margin:0}
.mark{color:var(--c);font-weight:700}
li.discouraged{color:var(--warn)}
ul.also{list-style:none;padding-left:0}
ol,ul{padding-left:1.5rem}
li{margin:.2rem 0}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;vertical-align:top;padding:.35rem .6rem;border-bottom:1px solid var(--line)}
th{background:var(--soft);font-weight:600}
td.result{white-space:nowrap;color:var(--c);font-weight:600}
.console{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:12px 16px;
white-space:pre;overflow-x:auto;font-size:13px;line-height:1.45}
footer{color:var(--muted);font-size:.85rem;margin-top:2rem;border-top:1px solid var(--line);
padding-top:.5rem}
@media (max-width:40rem){
body{padding:10px;font-size:15px}
h1{font-size:1.3rem}
.card{padding:.75rem .9rem;border-left-width:6px}
.facts{grid-template-columns:1fr;gap:0}
.facts dd{margin-bottom:.35rem}
table.stack thead{display:none}
table.stack tr{display:block;border-bottom:1px solid var(--line);padding:.35rem 0}
table.stack td{display:block;border:0;padding:.05rem .2rem}
table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);
font-weight:400}
table.stack.checks tr{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 .5rem}
table.stack.checks td[data-label]::before{content:none}
table.checks td.result{order:1}
table.checks td.name{order:2}
table.checks td.stage{order:3;color:var(--muted);font-size:.85em}
table.checks td.detail{order:4;flex-basis:100%}
.console{font-size:12px;padding:8px}
}
@page{size:A4;margin:14mm 12mm}
@media print{
body{padding:0;font-size:10.5pt}
main{max-width:none}
.card{break-inside:avoid}
.finding{break-inside:avoid-page}
h2,h3,h4{break-after:avoid}
tr{break-inside:avoid}
a{color:inherit}
.console{font-size:8.5pt;border:0;padding:0;background:none;white-space:pre-wrap;
overflow-wrap:anywhere}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def render(document: dict[str, Any], banner: Banner, console: Callable[[], list[Any]]) -> str:
    """The report page: the card, then ``check``'s sections, or the console report
    (``console()``: its rich renderables) for any other command."""
    summary = summarize(document, banner)
    parts = [_banner(banner)]
    if summary is not None:
        parts.append(_card(summary))
    if str(document.get("schema", "")).startswith("sfdoctor.check/"):
        parts += [
            _findings(document.get("findings", [])),
            _checks(document.get("checks", [])),
            _inputs(document.get("inputs", [])),
            _trace(document),
        ]
    else:
        from sfdoctor.output.export import to_html_code

        heading = "<h2>Full report</h2>\n" if summary is not None else ""
        parts.append(
            f'<section class="full">{heading}<pre class="console">'
            f"{to_html_code(console())}</pre></section>"
        )
    parts.append(f"<footer><p>{_t(banner.generated)}. {_t(banner.notice)}</p></footer>")
    title = f"{summary.label} \u00b7 {banner.title}" if summary is not None else banner.title
    return _page(title, "\n".join(p for p in parts if p), version=banner.version)


def _page(title: str, body: str, *, version: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        f'<meta name="generator" content="sfdoctor {_a(version)}">\n'
        f"<title>{_a(title)}</title>\n<style>\n{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


# --- escaping ------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """``value`` as text, its control and bidi characters written out (``\\x1b``)."""
    text = "" if value is None else str(value)
    return str(UNSAFE.sub(lambda m: printable(m[0]), text))


def _t(value: Any) -> str:
    """Text from anywhere, escaped; Salesforce documentation URLs in it become links."""
    text = escape(_clean(value), quote=True)
    return DOC_LINK.sub(lambda m: f'<a href="{m[0]}">{m[0]}</a>', text)


def _a(value: Any) -> str:
    """An attribute value (always written between double quotes)."""
    return escape(_clean(value), quote=True)


def _link(url: Any) -> str:
    """A reference: a link when it is an https URL and nothing else, text otherwise."""
    text = _clean(url)
    if _URL.fullmatch(text):
        return f'<a href="{escape(text, quote=True)}">{escape(text, quote=True)}</a>'
    return escape(text, quote=True)


def _v(verdict: str) -> str:
    return f"v-{verdict}" if verdict in ("ok", "warn", "fail", "info", "skip") else "v-inconclusive"


# --- the sections --------------------------------------------------------------------------


def _banner(banner: Banner) -> str:
    return (
        '<header class="banner">'
        f'<p class="title">{_t(banner.title)}</p>'
        f"<p>{_t(banner.generated)}</p>"
        f'<p class="notice">{_t(banner.notice)}</p>'
        "</header>"
    )


def _card(s: Summary) -> str:
    badges = f'<span class="badge">{_t(s.label)}</span>'
    if s.simulated:
        badges += '<span class="badge sim">simulated org</span>'
    out = [
        f'<section class="card {_v(s.verdict)}" aria-label="Summary">',
        f'<p class="badges">{badges}</p>',
        f"<h1>{_t(s.headline)}</h1>",
    ]
    meta = [f"<code>{_t(s.cause)}</code>"] if s.cause else []
    if s.detail:
        meta.append(_t(s.detail))
    if meta:
        out.append('<p class="cause">' + " \u00b7 ".join(meta) + "</p>")
    if s.fix:
        out.append(f'<div class="fix"><h2>{_t(s.fix_label)}</h2><p>{_t(s.fix)}</p></div>')
    if s.candidates:
        ranked = "".join(
            f"<li>{_t(c.title)} <code>{_t(c.cause)}</code>"
            + (
                f'<br><span class="meta">{confirm_label(c.confirm)}: {_t(c.confirm)}</span>'
                if c.confirm
                else ""
            )
            + "</li>"
            for c in s.candidates
        )
        # As the console: candidates that include the named cause rank the answer; others are
        # what the named cause could also be.
        own = s.cause == "ambiguous_auth_failure" or any(c.cause == s.cause for c in s.candidates)
        heading = "Candidates" if own else "Could also be"
        out.append(f'<p class="meta">{heading}, most likely first:</p><ol>{ranked}</ol>')
        if s.more_candidates:
            out.append(
                f'<p class="meta">\u2026 and {s.more_candidates} more in the full report below.</p>'
            )
    if s.facts:
        facts = "".join(f"<dt>{_t(k)}</dt><dd>{_t(v)}</dd>" for k, v in s.facts)
        out.append(f'<dl class="facts">{facts}</dl>')
    if s.also:
        also = "".join(
            f'<li class="{_v(line.mark)}"><span class="mark">{_MARK.get(line.mark, "")}</span> '
            f"{_t(line.text)} <code>{_t(line.name)}</code></li>"
            for line in s.also
        )
        out.append(f'<p class="meta">{_t(s.also_title)}:</p><ul class="also">{also}</ul>')
        if s.more_also:
            out.append(
                f'<p class="meta">\u2026 and {s.more_also} more in the full report below.</p>'
            )
    if s.closing:
        out.append(f'<p class="closing">{_t(s.closing)}</p>')
    out.append("</section>")
    return "\n".join(out)


def _items(values: Iterable[Any], render: Callable[[Any], str] = _t, tag: str = "ul") -> str:
    rows = "".join(f"<li>{render(v)}</li>" for v in values)
    return f"<{tag}>{rows}</{tag}>" if rows else ""


def _findings(findings: list[dict[str, Any]]) -> str:
    if not findings:
        return ""
    out = ["<section><h2>Findings</h2>"]
    for n, f in enumerate(findings, 1):
        mark = {"error": "fail", "warning": "warn"}.get(str(f.get("severity")), "info")
        out.append(
            f'<article class="finding {_v(mark)}">'
            f'<h3><span class="mark">{_MARK[mark]}</span> {n}. {_t(f.get("title"))}</h3>'
            f'<p class="meta"><code>{_t(f.get("cause"))}</code> \u00b7 {_t(f.get("severity"))}'
            f" \u00b7 {_t(f.get('confidence'))} confidence</p>"
        )
        if f.get("evidence"):
            out.append(f"<h4>Evidence</h4>{_items(f['evidence'])}")
        candidates = f.get("candidates") or []
        if candidates:
            ranked = f.get("cause") == "ambiguous_auth_failure" or any(
                c.get("cause") == f.get("cause") for c in candidates
            )
            out.append(
                "<h4>Candidates, most likely first</h4>"
                if ranked
                else "<h4>Could also be, most likely first</h4>"
            )
            out.append(
                _items(
                    candidates,
                    lambda c: (
                        f"{_t(c.get('title'))} <code>{_t(c.get('cause'))}</code><br>"
                        f'<span class="meta">{confirm_label(c.get("confirm"))}: '
                        f"{_t(c.get('confirm'))}</span>"
                    ),
                )
            )
        steps = f.get("remediation") or []
        if steps:
            rows = "".join(
                f'<li class="discouraged">{_t(s)}</li>'
                if str(s).startswith("Not recommended:")
                else f"<li>{_t(s)}</li>"
                for s in steps
            )
            out.append(f"<h4>What to do</h4><ol>{rows}</ol>")
        if f.get("references"):
            out.append(f"<h4>Read more</h4>{_items(f['references'], _link)}")
        out.append("</article>")
    out.append("</section>")
    return "\n".join(out)


def _table(headers: tuple[str, ...], rows: list[list[tuple[str, str]]], *, cls: str = "") -> str:
    """A table that stacks its cells below 40rem; each cell is (html, css class)."""
    head = "".join(f"<th>{_t(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(_cell(h, v, c) for h, (v, c) in zip(headers, row, strict=True)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="tablewrap"><table class="stack {cls}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _cell(header: str, value: str, cls: str) -> str:
    attrs = f' data-label="{_a(header)}"' + (f' class="{cls}"' if cls else "")
    return f"<td{attrs}>{value}</td>"


def _checks(checks: list[dict[str, Any]]) -> str:
    if not checks:
        return ""
    rows = []
    for c in checks:
        status = str(c.get("status"))
        rows.append(
            [
                (_t(c.get("stage")), "nowrap stage"),
                (f"<strong>{_t(c.get('name'))}</strong>", "name"),
                (
                    f"{_MARK.get(status, '')} {_t(_WORD.get(status, status))}",
                    f"result {_v(status)}",
                ),
                (_t(c.get("summary")), "detail"),
            ]
        )
    table = _table(("Stage", "Check", "Result", "Detail"), rows, cls="checks")
    return f"<section><h2>Checks</h2>{table}</section>"


def _inputs(inputs: list[dict[str, Any]]) -> str:
    if not inputs:
        return ""
    rows = [
        [
            (_t(i.get("name")), ""),
            (f'<span class="mono">{_t(i.get("value"))}</span>', ""),
            (_t(i.get("source")), ""),
        ]
        for i in inputs
    ]
    return (
        "<section><h2>Inputs</h2><p>Where each value came from; secrets are masked.</p>"
        + _table(("Setting", "Value", "Source"), rows)
        + "</section>"
    )


def _trace(doc: dict[str, Any]) -> str:
    attempts = doc.get("attempts") or []
    used = f"{len(attempts)} of {doc.get('attempt_budget', len(attempts))}"
    out = [
        "<section><h2>Trace</h2>",
        f"<p>The login requests sent ({_t(used)} allowed) and what came back, redacted: no "
        "secret is ever recorded. <code>sfdoctor check -v</code> prints every HTTP exchange "
        "(redacted too) on standard error.</p>",
    ]
    if attempts:
        rows = []
        for a in attempts:
            answer = ": ".join(str(x) for x in (a.get("error"), a.get("error_description")) if x)
            outcome = str(a.get("outcome"))
            mark = {"ok": "ok", "auth_failure": "fail"}.get(outcome, "warn")
            rows.append(
                [
                    (_t(a.get("label")), ""),
                    (f'<span class="mono">{_t(a.get("url"))}</span>', ""),
                    (_t(outcome), f"result {_v(mark)}"),
                    (_t("" if a.get("status") is None else a.get("status")), ""),
                    (_t(answer), ""),
                    (_t(f"{a.get('elapsed_ms', 0)} ms"), ""),
                ]
            )
        out.append(_table(("Login", "URL", "Outcome", "HTTP", "Answer", "Time"), rows))
    else:
        out.append("<p>No login request was sent.</p>")
    out.append("</section>")
    return "\n".join(out)
