"""Input is never markup, in any renderer (issue 18, item 1).

A CSV header or cell, a pasted error, a server's answer, a configuration value or a file name
used to reach rich as markup: ``[link=javascript:alert(1)]`` became a ``javascript:`` link in
the HTML report, ``[link=x"autofocus/onfocus="alert(1)"]`` an event handler, and a header
``[/]Application`` crashed ``triage`` with a MarkupError (exit 4). Each renderer (check,
explain and triage on the console; Markdown; JUnit; the HTML, SVG and text exports; the
banner) is given the hostile texts of :mod:`tests.render.hostile`, then end to end through
``sfdoctor triage``, ``explain`` and ``check`` with ``--report``. Every output must show the
text as it was, link nowhere but https, carry no attribute from the input and not crash.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sfdoctor.diagnosis.findings import finding
from sfdoctor.models import (
    Attempt,
    Check,
    Confidence,
    Explanation,
    Family,
    Input,
    Mark,
    Match,
    Report,
)
from sfdoctor.output import (
    check_console,
    check_json,
    explain_console,
    junit,
    markdown,
    triage_console,
)
from sfdoctor.output import files as output
from sfdoctor.output.banner import Banner
from sfdoctor.output.console import printable, to_string
from sfdoctor.output.files import ReportSource
from sfdoctor.output.paths import ReportFormat
from sfdoctor.status import ExitStatus
from tests.commands import conftest as commands_conftest
from tests.render import samples
from tests.render.hostile import (
    ATTR_LINK,
    CLOSE,
    CONTROLS,
    HEADER_SHOWN,
    HOSTILE,
    JS_LINK,
    WORDS,
    assert_safe_html,
    assert_safe_markdown,
    assert_safe_svg,
    assert_safe_terminal,
    assert_safe_xml,
    login_history,
)

LINE = " ".join(HOSTILE[:3])
"""Three hostile texts on one line: what a server or a configuration value could say."""

env = commands_conftest.env  # the fixture: SF_* pointed at the local org


# --- what each command renders, made of hostile text --------------------------------------


def check_report() -> Report:
    """A ``check`` report whose every server and configuration text is hostile."""
    refused = finding("security_token_required", [f"login refused: {t}" for t in HOSTILE])
    return Report(
        "0.1.0",
        "2025-06-01T12:00:00Z",
        "https://login.salesforce.com/" + JS_LINK,
        "password",
        (
            Input("login URL", CLOSE, "env (SF_LOGIN_URL)", False),
            Input("username", ATTR_LINK, f"--env-file {JS_LINK}", False),
        ),
        (
            Attempt(
                "password",
                False,
                "https://login.salesforce.com/services/oauth2/token",
                "auth_failure",
                400,
                JS_LINK,
                LINE,
                180,
            ),
        ),
        2,
        tuple(
            Check("login", f"login {i}", Mark.FAIL, text, refused.cause)
            for i, text in enumerate(HOSTILE)
        )
        + tuple(Check("session", text, Mark.WARN, "x") for text in CONTROLS),
        (refused,),
    )


def explanation() -> Explanation:
    """An explanation whose evidence and input are hostile."""
    match = Match(
        "invalid_credentials",
        "soap.invalid_login",
        Family.FAULT,
        Confidence.HIGH,
        10,
        tuple(f"the text says {t}" for t in (*HOSTILE, *CONTROLS)),
    )
    return Explanation((match,), text="\n".join((*HOSTILE, *CONTROLS)))


@pytest.fixture(scope="module")
def triaged(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``triage`` of an export whose headers and cells are hostile."""
    from sfdoctor.commands.triage import triage_file

    path = tmp_path_factory.mktemp("triage") / "LoginHistory.csv"
    path.write_text(login_history(), encoding="utf-8", newline="")
    return triage_file(str(path), top=20)


def sources(triaged: Any) -> dict[str, ReportSource]:
    """The report files of each command, as :func:`sfdoctor.output.files.write` gets them."""
    from sfdoctor.commands import explain, triage

    report = check_report()
    banner = samples.banner()
    return {
        "check": ReportSource(
            banner,
            document=lambda: check_json.document(report),
            renderables=lambda: check_console.renderables(report, inputs=True),
            markdown=lambda: markdown.check(report, banner),
            junit=lambda: junit.check(report, banner),
            failed=True,
        ),
        "explain": explain.report_source(explanation()),
        "triage": triage.report_source(triaged),
    }


SHOWN = {
    # what each command's reports must show as it is (where it is short enough not to wrap)
    "check": (JS_LINK, ATTR_LINK, CLOSE, *HOSTILE),
    "explain": (*HOSTILE,),
    "triage": (*HOSTILE, *HEADER_SHOWN),
}
# Markdown and JUnit join and escape: the literal check there takes the texts that survive
# whitespace folding and is done on the published text.
CONSOLE: dict[str, Callable[[Any, bool], str]] = {
    "check": lambda _t, color: check_console.render(check_report(), color=color),
    "explain": lambda _t, color: explain_console.render(explanation(), color=color),
    "triage": lambda t, color: triage_console.render(t, color=color, width=140),
}


# --- each renderer ------------------------------------------------------------------------


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("command", list(CONSOLE))
def test_console_shows_markup_as_text_and_obeys_no_control(triaged, command, color) -> None:
    out = CONSOLE[command](triaged, color)
    assert_safe_terminal(out, shown=SHOWN[command] if command != "check" or not color else ())
    assert "\x1b" not in out or color


@pytest.mark.parametrize("command", ["check", "explain", "triage"])
def test_html_report_links_only_to_https_and_injects_no_attribute(triaged, command) -> None:
    page = output.render(ReportFormat.HTML, sources(triaged)[command])
    assert_safe_html(page, shown=SHOWN[command])


@pytest.mark.parametrize("command", ["check", "explain", "triage"])
def test_svg_report_is_well_formed_and_shows_the_text(triaged, command) -> None:
    assert_safe_svg(
        output.render(ReportFormat.SVG, sources(triaged)[command]), shown=SHOWN[command]
    )


@pytest.mark.parametrize("command", ["check", "explain", "triage"])
def test_text_report_shows_the_text_and_no_control(triaged, command) -> None:
    text = output.render(ReportFormat.TEXT, sources(triaged)[command])
    assert_safe_terminal(text, shown=SHOWN[command])
    assert "\x1b" not in text and "\u202e" not in text


@pytest.mark.parametrize("command", ["check", "explain", "triage"])
def test_markdown_report_published_has_no_link_tag_or_handler(triaged, command) -> None:
    text = output.render(ReportFormat.MARKDOWN, sources(triaged)[command])
    shown = tuple(t for t in SHOWN[command] if "  " not in t)
    assert_safe_markdown(text, shown=shown)


@pytest.mark.parametrize("command", ["check", "explain", "triage"])
def test_junit_report_is_well_formed_and_shows_the_text(triaged, command) -> None:
    assert_safe_xml(output.render(ReportFormat.JUNIT, sources(triaged)[command]), shown=(JS_LINK,))


@pytest.mark.parametrize("command", ["check", "explain", "triage"])
def test_json_report_keeps_the_text(triaged, command) -> None:
    doc = json.loads(output.render(ReportFormat.JSON, sources(triaged)[command]))
    assert JS_LINK in strings(doc) or command == "explain"  # explain's names causes only


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_banner_fields_are_text_in_every_format(fmt: ReportFormat) -> None:
    banner = Banner(CLOSE, JS_LINK, ATTR_LINK, False)
    source = ReportSource(banner, document=lambda: {}, renderables=lambda: [], failed=True)
    text = output.render(fmt, source)
    match fmt:
        case ReportFormat.HTML:
            assert_safe_html(text, shown=(JS_LINK, ATTR_LINK))
        case ReportFormat.SVG:
            assert_safe_svg(text, shown=(JS_LINK, ATTR_LINK))
        case ReportFormat.MARKDOWN:
            assert_safe_markdown(text, shown=(JS_LINK, ATTR_LINK))
        case ReportFormat.JUNIT:
            assert_safe_xml(text, shown=(JS_LINK, ATTR_LINK))
        case ReportFormat.TEXT:
            assert JS_LINK in text and ATTR_LINK in text
        case ReportFormat.JSON:
            report = json.loads(text)["report"]
            assert report["generated_at"] == JS_LINK and report["sfdoctor_version"] == ATTR_LINK


# --- the belts: a link or a control character that reaches rich anyway ---------------------


def test_a_link_style_never_reaches_a_file_or_a_terminal() -> None:
    from rich.style import Style
    from rich.text import Text

    linked = [Text("click", style=Style(link="javascript:alert(1)")), Text(ATTR_LINK)]
    from sfdoctor.output import export

    page = export.to_html(linked, title="t")
    assert_safe_html(page, shown=("click",))
    assert "<a " not in page
    assert "\x1b]8;" not in to_string(linked, color=True)


def test_only_salesforce_documentation_becomes_a_link_in_html() -> None:
    from rich.text import Text

    from sfdoctor.output import export

    doc = "https://help.salesforce.com/s/articleView?id=sf.x.htm&type=5"
    lures = [
        'https://help.salesforce.com/x"onmouseover="alert(1)',
        "https://help.salesforce.com/x'autofocus='",
        "https://help.salesforce.com.evil.example/x",
        "javascript:alert(1)//https://help.salesforce.com/",
        "http://help.salesforce.com/plain-http",
    ]
    page = export.to_html([Text(doc), *(Text(u) for u in lures)], title="t")
    assert_safe_html(page, shown=(doc, *lures))
    assert f'<a href="{html.escape(doc, quote=False)}">' in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(re.match(r"https://help\.salesforce\.com/", h) for h in hrefs), hrefs


def test_markdown_fallback_fence_is_longer_than_any_backtick_run_in_the_text() -> None:
    from rich.text import Text

    body = "````\n<img src=x onerror=alert(1)>\n`````\n[md](javascript:alert(1))"
    source = ReportSource(
        samples.banner("triage"), document=lambda: {}, renderables=lambda: [Text(body)]
    )
    text = output.render(ReportFormat.MARKDOWN, source)
    assert_safe_markdown(text, shown=("<img src=x onerror=alert(1)>", "[md](javascript:alert(1))"))


def test_junit_fallback_holds_characters_xml_cannot() -> None:
    from rich.text import Text

    source = ReportSource(
        samples.banner("triage"),
        document=lambda: {},
        renderables=lambda: [Text("not XML: \uffff\ufffe \x0b \ud800 end")],
        failed=True,
    )
    assert "end" in assert_safe_xml(output.render(ReportFormat.JUNIT, source))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain.csv", "plain.csv"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("bidi\u202etxt.csv", "bidi\\u202etxt.csv"),
        ("nl\nx", "nl\\x0ax"),
        ("byte\udcff", "byte\\xff"),  # os.fsdecode of an undecodable byte
        ("csi\x9b", "csi\\x9b"),
    ],
)
def test_printable_escapes_what_would_drive_a_terminal(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_progress_bar_shows_a_markup_file_name_as_it_is(monkeypatch) -> None:
    from sfdoctor.output.progress import ReadProgress

    monkeypatch.setattr("sfdoctor.output.progress.PROGRESS_DELAY", 0.0)
    stream = io.StringIO()
    bar = ReadProgress(stream)
    bar.size, bar.name = 100, f"{CLOSE} {JS_LINK}\x1b[2J.csv"
    bar(50)
    bar.close()
    assert "\x1b[2J" not in stream.getvalue() and "\x1b]8;" not in stream.getvalue()


# --- end to end ---------------------------------------------------------------------------


def report_args(directory: Path) -> list[str]:
    return [a for f in ReportFormat for a in ("--report", str(directory / f"r.{f.value}"))]


def strings(value: Any) -> str:
    """Every string in a JSON document, one a line."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return "\n".join(strings(v) for v in value)
    return ""


def assert_reports(directory: Path, shown: tuple[str, ...], *, machine: bool = True) -> None:
    """Every report file in ``directory`` is safe and shows ``shown`` (the JUnit and JSON
    reports too, unless they carry no input: ``explain``'s name the causes only)."""
    read = {f: (directory / f"r.{f.value}").read_text(encoding="utf-8") for f in ReportFormat}
    assert_safe_html(read[ReportFormat.HTML], shown=shown)
    assert_safe_svg(read[ReportFormat.SVG], shown=shown)
    assert_safe_markdown(read[ReportFormat.MARKDOWN], shown=shown)
    assert_safe_xml(read[ReportFormat.JUNIT], shown=shown if machine else ())
    assert_safe_terminal(read[ReportFormat.TEXT], shown=shown)
    document = strings(json.loads(read[ReportFormat.JSON]))
    for literal in shown if machine else ():
        assert literal in document, literal


def test_triage_of_a_hostile_export_writes_safe_reports(run, tmp_path) -> None:
    csv_path = tmp_path / "LoginHistory.csv"
    csv_path.write_text(login_history(), encoding="utf-8", newline="")
    r = run("triage", str(csv_path), *report_args(tmp_path))
    assert r.status == ExitStatus.PROBLEM, r.err
    assert "internal error" not in r.err and "MarkupError" not in r.err
    assert_safe_terminal(r.out, shown=(*HOSTILE, *HEADER_SHOWN))
    assert_reports(tmp_path, (*HOSTILE, *HEADER_SHOWN))


@pytest.mark.parametrize(
    "header",
    [CLOSE, "[link=javascript:alert(1)]x.Application", '[link=x"onfocus="alert(1)"]y.Application'],
)
def test_triage_header_alone_is_never_markup(run, tmp_path, header) -> None:
    """The three headers of the issue, each in an otherwise ordinary export."""
    rows = "\r\n".join(
        f"u{i}@acme.example.com,2024-11-03T09:0{i}:00Z,198.18.0.1,Invalid Password,Acme ETL"
        for i in range(3)
    )
    name = header.replace('"', '""')
    csv_path = tmp_path / "LoginHistory.csv"
    csv_path.write_text(
        f'Username,Login Time,Source IP,Status,"{name}"\r\n{rows}\r\n', encoding="utf-8"
    )
    r = run("triage", str(csv_path), "--report", str(tmp_path / "r.html"))
    assert r.status == ExitStatus.PROBLEM, r.err
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert_safe_html(page, shown=(header,))


def test_explain_of_a_hostile_paste_writes_safe_reports(run, tmp_path) -> None:
    paste = "INVALID_LOGIN: Invalid username, password, security token; or user locked out.\n"
    paste += "\n".join((*HOSTILE, *CONTROLS))
    r = run("explain", "-", *report_args(tmp_path), stdin=paste)
    assert r.status == ExitStatus.OK, r.err
    assert_safe_terminal(r.out)
    assert_reports(tmp_path, HOSTILE, machine=False)


def test_check_with_a_hostile_server_answer_writes_safe_reports(
    run, env, httpserver, tmp_path
) -> None:
    from tests.commands.test_check import Org

    env(SF_SECURITY_TOKEN=None)
    answer = " ".join(WORDS)
    Org(httpserver, refuse={"error": "invalid_grant", "error_description": answer})
    r = run("check", *report_args(tmp_path))
    assert r.status == ExitStatus.PROBLEM, r.err
    assert_safe_terminal(r.out, shown=WORDS)
    assert_reports(tmp_path, WORDS)
