"""The entry point: one exit status per outcome, tracebacks only with --debug."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sfdoctor import __version__
from sfdoctor.status import ExitStatus
from tests.conftest import ROOT


def test_version(run) -> None:
    r = run("--version")
    assert r.status == ExitStatus.OK and __version__ in r.out


def test_exit_ok(run) -> None:
    assert run("explain", "Restricted IP").status == 0


def test_exit_usage_for_bad_flags(run) -> None:
    r = run("explain", "--format", "yaml", "x")
    assert r.status == ExitStatus.USAGE == 2


@pytest.mark.parametrize("command", ["explain", "check", "triage", "demo"])
def test_every_command_is_available(run, command: str) -> None:
    r = run(command, "--help")
    assert r.status == ExitStatus.OK
    assert "not yet available" not in r.out


def test_exit_inconclusive(run) -> None:
    assert run("explain", "nothing here").status == ExitStatus.INCONCLUSIVE == 3


def test_exit_problem_value() -> None:
    # `check` (issue 3) returns it for a diagnosed failure; the number is the contract.
    assert ExitStatus.PROBLEM == 1


def test_internal_error_is_short_without_debug(run, monkeypatch) -> None:
    def boom(text: str) -> None:
        raise RuntimeError("kaboom password=CanaryLeak99")

    monkeypatch.setattr("sfdoctor.commands.explain.explain_text", boom)
    r = run("explain", "x")
    assert r.status == ExitStatus.INTERNAL == 4
    assert "Traceback" not in r.err and "kaboom" in r.err and "--debug" in r.err
    assert "CanaryLeak99" not in r.err


def test_debug_shows_a_redacted_traceback(run, monkeypatch) -> None:
    def boom(text: str) -> None:
        raise RuntimeError("kaboom password=CanaryLeak99")

    monkeypatch.setattr("sfdoctor.commands.explain.explain_text", boom)
    r = run("--debug", "explain", "x")
    assert r.status == ExitStatus.INTERNAL
    assert "Traceback" in r.err and "CanaryLeak99" not in r.err


def test_interrupted(run, monkeypatch) -> None:
    def stop(text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sfdoctor.commands.explain.explain_text", stop)
    assert run("explain", "x").status == ExitStatus.INTERRUPTED == 130


def test_readme_documents_every_exit_status() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\|\s*(\d+)\s*\|\s*([^|]+)\|", readme, re.M))
    assert {int(k) for k in table} == {int(s) for s in ExitStatus}


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sfdoctor", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"sfdoctor {__version__}"


@pytest.mark.parametrize("argv", [["--version"], ["explain", "--format", "json", "Restricted IP"]])
def test_lean_start_up_imports_neither_requests_nor_rich(argv: list[str]) -> None:
    code = (
        "import sys\nfrom sfdoctor.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('requests', 'rich', 'urllib3', 'jwt', 'cryptography')"
        " if m in sys.modules)\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_no_command_shows_the_commands(run) -> None:
    r = run()
    assert r.status == ExitStatus.USAGE
    assert "demo" in r.err and "check" in r.err and "sfdoctor demo" in r.err
    assert r.out == ""


def test_every_command_has_its_arguments() -> None:
    from sfdoctor.commands.arguments import ADDERS, SUMMARIES

    assert list(ADDERS) == list(SUMMARIES)


# --- consistency (issue 13) --------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "demo", "simulate", "explain", "triage"])
def test_help_wraps_to_the_terminal(run, monkeypatch, command: str) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    r = run(command, "--help")
    assert r.status == ExitStatus.OK
    # every line fits but the usage (argparse cuts it between options only) and the examples,
    # kept as they are to be copied
    after_usage = r.out.split("\n\n", 1)[1]
    long = [line for line in after_usage.splitlines() if len(line) > 60]
    assert all(line.startswith("  sfdoctor ") for line in long), long


@pytest.mark.parametrize("command", ["check", "demo", "explain"])
def test_report_to_a_directory_says_so(run, tmp_path, command: str) -> None:
    for path in (f"{tmp_path}/", f"{tmp_path}/not-yet/"):
        argv = [command, "--report", path] + (["x"] if command == "explain" else [])
        r = run(*argv)
        assert r.status == ExitStatus.USAGE
        assert r.err.startswith(f"sfdoctor: error: --report {path}: is a directory"), r.err
        assert "report.html" in r.err


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("login.salesforce.com", "https://login.salesforce.com"),
        ("  login.salesforce.com  ", "https://login.salesforce.com"),
        ("acme.my.salesforce.com/", "https://acme.my.salesforce.com/"),
        (" https://test.salesforce.com\n", "https://test.salesforce.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_a_bare_host_is_an_https_url_wherever_it_comes_from(given: str, read: str) -> None:
    from sfdoctor.check.config import load_settings

    flag = load_settings(login_url_flag=given, environ={})
    env = load_settings(environ={"SF_LOGIN_URL": given})
    assert flag.login_url.text == env.login_url.text == read


@pytest.mark.parametrize(
    "given",
    [
        "evil.example\\@login.salesforce.com",
        "user:pw@login.salesforce.com",
        "login.salesforce.com @evil.example",
        "evil.example",
    ],
)
def test_a_bare_host_still_passes_the_strict_checks(given: str) -> None:
    from sfdoctor.check.config import load_settings
    from sfdoctor.check.lint import login_url_problem

    url = load_settings(login_url_flag=given, environ={}).login_url.text
    assert url.startswith("https://") and login_url_problem(url) is not None


def test_bare_host_on_the_command_line(run, monkeypatch) -> None:
    import json
    import os

    for key in list(os.environ):
        if key.startswith(("SF_", "SALESFORCE_")):
            monkeypatch.delenv(key)
    # nothing set: the configuration stops the run before anything is sent
    r = run("check", "--login-url", " login.salesforce.com ", "--format", "json")
    assert r.status == ExitStatus.USAGE
    doc = json.loads(r.out)
    assert doc["login_url"] == "https://login.salesforce.com"
    assert "login_url_invalid" not in [f["cause"] for f in doc["findings"]]
