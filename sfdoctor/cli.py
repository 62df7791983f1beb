"""Command-line entry point: argv in, exit status out. Nothing else knows about argv.

Every exception is mapped to an exit status here and only here; tracebacks are shown only
with ``--debug`` (and even then pass through redaction).
"""

from __future__ import annotations

import sys

from sfdoctor import __version__

# NOTE: everything else is imported where it is used, so `sfdoctor --version` loads no
# more than the interpreter does (bench/startup.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import TextIO

    from sfdoctor.check.options import CheckOptions

PROG = "sfdoctor"
# Each command's one-line help, in the order `sfdoctor --help` lists them.
SUMMARIES = {
    "explain": "classify a pasted Salesforce error (offline)",
    "check": "log in the way the integration does; diagnose",
    "demo": "run check against a built-in simulated org",
    "simulate": "serve a simulated org until Ctrl-C",
    "triage": "summarise a Login History or Event Log File CSV export (offline)",
}


_EPILOG = """\
exit codes: 0 ok, 1 problem diagnosed, 2 usage or configuration error,
3 inconclusive (nothing recognised, network failure), 4 internal error, 130 interrupted.
Secrets are read from the environment or an env file, never from flags.
"""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation).

    With ``only``, that command alone gets its arguments (see the NOTE below).
    """
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not overwrite a --debug given before it.
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks on errors (redacted)",
    )

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Diagnose Salesforce API authentication: security tokens, trusted "
        "networks, OAuth flows.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    # NOTE: only the command being run gets its full set of arguments; the others are
    # named with their one-line help (enough for `sfdoctor --help`). Building every
    # argument of every command cost a fifth of `explain`'s start-up.
    adders = {
        "explain": _add_explain,
        "check": _add_check,
        "demo": _add_demo,
        "simulate": _add_simulate,
        "triage": _add_triage_parser,
    }
    for name, summary in SUMMARIES.items():
        if only is None or only == name:
            adders[name](sub, common)
        else:
            sub.add_parser(name, help=summary)
    return parser


def _add_explain(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    import argparse

    from sfdoctor.models import OutputFormat

    explain = sub.add_parser(
        "explain",
        parents=[common],
        help=SUMMARIES["explain"],
        description="Name the cause of a Salesforce authentication error and how to fix it. "
        "Accepts what people paste: JSON bodies, SOAP faults, library exceptions, stack "
        "traces, Login History statuses, Event Log File codes. Nothing is sent anywhere; "
        "secrets in the text are redacted from the output.",
        epilog="examples:\n"
        "  sfdoctor explain 'invalid_grant: authentication failure'\n"
        "  pbpaste | sfdoctor explain - --format json\n"
        "  sfdoctor explain --cause security_token_required\n"
        "  sfdoctor explain --list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument(
        "text", nargs="?", metavar="TEXT", help="the error text, or - to read standard input"
    )
    explain.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default="console",
        help="output format (default: console)",
    )
    which = explain.add_mutually_exclusive_group()
    which.add_argument("--cause", metavar="ID", help="show one knowledge-base entry")
    which.add_argument("--list", action="store_true", help="list every cause id")
    _add_report_options(explain)


def _add_check(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    import argparse

    from sfdoctor.models import Flow

    check = sub.add_parser(
        "check",
        parents=[common],
        help=SUMMARIES["check"],
        description="Log in to Salesforce the way the integration does (--flow: the OAuth "
        "username-password flow by default, SOAP login(), JWT bearer or client credentials), "
        "for the password flows with and without the security token, verify the session with "
        "real REST calls, name the cause of any failure, and say what the configuration leans "
        "on that Salesforce is retiring. Secrets come from the environment (SF_USERNAME, "
        "SF_PASSWORD, SF_SECURITY_TOKEN, SF_CLIENT_ID, SF_CLIENT_SECRET, SF_JWT_KEY_FILE, "
        "SF_LOGIN_URL; SALESFORCE_* names too), --env-file, or a prompt; never from flags.",
        epilog="examples:\n"
        "  sfdoctor check\n"
        "  sfdoctor check --env-file .env.ci --strict --format json\n"
        "  sfdoctor check --sandbox -v\n"
        "  sfdoctor check --flow soap\n"
        "  SF_JWT_KEY_FILE=server.key sfdoctor check --flow jwt\n"
        "  sfdoctor check --flow client-credentials --login-url https://acme.my.salesforce.com\n"
        "  sfdoctor check --report report.html --report junit.xml --anonymize",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "--flow",
        choices=[f.value for f in Flow],
        default=Flow.PASSWORD.value,
        help="how the integration logs in: password (OAuth username-password, the default), "
        "soap (SOAP login() with password + token), jwt (JWT bearer: SF_CLIENT_ID, "
        "SF_USERNAME, SF_JWT_KEY_FILE; needs pip install 'sfdoctor[jwt]'), "
        "client-credentials (SF_CLIENT_ID, SF_CLIENT_SECRET at the My Domain)",
    )
    where = check.add_mutually_exclusive_group()
    where.add_argument(
        "--login-url",
        metavar="URL",
        help="login host (default: https://login.salesforce.com or SF_LOGIN_URL)",
    )
    where.add_argument("--sandbox", action="store_true", help="use https://test.salesforce.com")
    check.add_argument("--env-file", metavar="PATH", help="read the SF_* variables from a file")
    check.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds to wait for each request (default: 10)",
    )
    check.add_argument(
        "--max-attempts",
        type=int,
        default=2,
        metavar="N",
        help="most login requests to send (default: 2); each failed one counts "
        "toward the user's lockout",
    )
    check.add_argument(
        "--api-version",
        metavar="NN.0",
        help="REST API version to verify with (default: the newest offered); SOAP login() "
        "is called at it when it is 64.0 or older, else at 64.0",
    )
    check.add_argument(
        "--query", metavar="SOQL", help="SOQL query to run (default: one row from Organization)"
    )
    _add_run_output_options(check)


def _add_run_output_options(parser: argparse.ArgumentParser) -> None:
    """What ``check`` and ``demo`` print and write: --format, --strict, -v, --report."""
    from sfdoctor.models import OutputFormat

    parser.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default="console",
        help="output format (default: console)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail the run (exit 1)")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print a redacted trace of every HTTP exchange on stderr",
    )
    _add_report_options(parser)


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    """``--report PATH`` (repeatable) and ``--anonymize``: one call per subcommand; the
    command passes ``args.report`` to :func:`sfdoctor.output.files.prepare`."""
    parser.add_argument(
        "--report",
        action="append",
        metavar="PATH",
        help="also write the report to PATH (repeatable); the extension chooses the format: "
        ".json .txt .md .html .svg .xml (JUnit). Written atomically, mode 0600",
    )
    parser.add_argument(
        "--anonymize",
        action="store_true",
        help="also replace usernames, org/user ids, instance and My Domain names and IP "
        "addresses with placeholders, in every output",
    )


def _dispatch(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from sfdoctor.status import UsageError

    if args.command == "explain":
        from sfdoctor.commands import explain

        if (args.cause or args.list) and args.text is not None:
            raise UsageError("give either TEXT or --cause/--list, not both")
        return explain.run(
            args.text,
            fmt=args.format,
            cause=args.cause,
            list_all=args.list,
            stdin=stdin,
            stdout=stdout,
            reports=tuple(args.report or ()),
            anonymize=args.anonymize,
        )
    if args.command == "check":
        from sfdoctor.commands import check

        return check.run(_check_options(args), prompt=_prompt_if_terminal(stdin))
    if args.command in ("demo", "simulate"):
        return _run_demo(args)
    if args.command == "triage":
        return _run_triage(args, stdin, stdout)
    # No command: show what there is (on stderr: stdout may be a pipe expecting a report).
    build_parser().print_help(sys.stderr)
    raise UsageError("no command given", hint="start with: sfdoctor demo")


def _add_demo(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    import argparse

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help=SUMMARIES["demo"],
        description="Start a simulated Salesforce org on this machine, run the real `check` "
        "against it with the scenario's fake credentials, and print the report. Nothing "
        "leaves the machine.",
        epilog="examples:\n  sfdoctor demo\n  sfdoctor demo stale-token\n"
        "  sfdoctor demo --list\n  sfdoctor demo --all",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="what to simulate (default: trusted-no-token; see --list)",
    )
    which = demo.add_mutually_exclusive_group()
    which.add_argument("--list", action="store_true", help="list the scenarios")
    which.add_argument(
        "--all", action="store_true", help="run every scenario and print a table of the diagnoses"
    )
    _add_run_output_options(demo)


def _add_simulate(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    simulate = sub.add_parser(
        "simulate",
        parents=[common],
        help=SUMMARIES["simulate"],
        description="Serve a simulated Salesforce org on 127.0.0.1 in the foreground and print "
        "its login URL and (fake) credentials, so any client can be pointed at it.",
    )
    simulate.add_argument(
        "--scenario",
        default="healthy",
        help="what to simulate (default: healthy; see --list)",
    )
    simulate.add_argument(
        "--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: any free port)"
    )
    simulate.add_argument("--list", action="store_true", help="list the scenarios by flow")


def _run_demo(args: argparse.Namespace) -> int:
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.commands import demo
    from sfdoctor.status import UsageError

    if args.command == "simulate":
        if args.list:
            return demo.list_by_flow(sys.stdout)
        return demo.simulate(args.scenario, args.port)
    if args.list or args.all:
        if args.scenario:
            raise UsageError("give either SCENARIO or --list/--all, not both")
        if args.list:
            return demo.list_scenarios(sys.stdout)
    opts = CheckOptions(
        fmt=args.format,
        strict=args.strict,
        verbose=args.verbose,
        reports=tuple(args.report or ()),
        anonymize=args.anonymize,
    )
    if args.all:
        if opts.reports:
            raise UsageError("--report works with one scenario, not with --all")
        return demo.demo_all(opts)
    return demo.demo(args.scenario, opts)


def _add_triage_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    import argparse

    from sfdoctor.models import OutputFormat

    triage = sub.add_parser(
        "triage",
        parents=[common],
        help=SUMMARIES["triage"],
        description="Read a Login History export and say what is failing, for whom, from "
        "where, since when, and what to do: the Setup > Login History download, a "
        "LoginHistory query export, or an Event Log File of type Login (.csv or .csv.gz). "
        "Statuses are classified with the same knowledge base as `explain`; nothing is sent "
        "anywhere.",
        epilog="examples:\n"
        "  sfdoctor triage LoginHistory.csv\n"
        "  sfdoctor triage Login.csv.gz --format json > triage.json\n"
        "  zcat LoginHistory.csv.gz | sfdoctor triage - --top 10\n\n"
        "exit codes: 0 no failed login, 1 failures with a known cause, 2 nothing usable "
        "in the file, 3 only statuses sfdoctor does not know",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    triage.add_argument(
        "file", metavar="FILE", help="the export (.csv or .csv.gz), or - to read standard input"
    )
    triage.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default="console",
        help="output format (default: console)",
    )
    triage.add_argument(
        "--top",
        type=int,
        metavar="N",
        help="rows in each top table (default: 5 in the console, 20 in JSON)",
    )
    _add_report_options(triage)


def _run_triage(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from sfdoctor.commands import triage
    from sfdoctor.status import UsageError

    if args.top is not None and args.top < 1:
        raise UsageError(f"--top {args.top}: give a number of rows, 1 or more")
    return triage.run(
        args.file,
        fmt=args.format,
        top=args.top,
        stdin=stdin,
        stdout=stdout,
        reports=tuple(args.report or ()),
        anonymize=args.anonymize,
    )


def _check_options(args: argparse.Namespace) -> CheckOptions:
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.status import UsageError

    version = args.api_version
    if version and not version.replace(".", "", 1).isdigit():
        raise UsageError(f"--api-version {version!r} is not a version like 62.0")
    if version and "." not in version:
        version += ".0"
    return CheckOptions(
        login_url=args.login_url,
        sandbox=args.sandbox,
        env_file=args.env_file,
        timeout=args.timeout,
        max_attempts=args.max_attempts,
        api_version=version,
        query=args.query,
        fmt=args.format,
        strict=args.strict,
        verbose=args.verbose,
        reports=tuple(args.report or ()),
        anonymize=args.anonymize,
        flow=args.flow,
    )


def _prompt_if_terminal(stdin: TextIO) -> Callable[[str, bool], str] | None:
    """The interactive prompt, only when a person is at the terminal."""
    if not stdin.isatty():
        return None
    from sfdoctor.check.config import terminal_prompt

    return terminal_prompt


def _command_in(argv: list[str]) -> str | None:
    """The command ``argv`` runs (its first word that names one), or None."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in SUMMARIES else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run sfdoctor with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args_list = sys.argv[1:] if argv is None else list(argv)
    if args_list == ["--version"]:
        # NOTE: answered before building the parser: scripts call --version to probe for
        # the tool, and the budget for it is a small multiple of a bare interpreter.
        print(f"{PROG} {__version__}")
        return 0
    from sfdoctor.status import ExitStatus, SfdoctorError

    parser = build_parser(_command_in(args_list))
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else ExitStatus.USAGE
    debug = getattr(args, "debug", False)
    try:
        return int(_dispatch(args, sys.stdin, sys.stdout))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        sys.stderr.close()
        return ExitStatus.OK
    except SfdoctorError as exc:
        return _report(exc, debug, int(exc.status), f"{PROG}: error: {exc}", exc.hint)
    except Exception as exc:  # noqa: BLE001 - the one place unexpected errors are mapped
        return _report(
            exc,
            debug,
            ExitStatus.INTERNAL,
            f"{PROG}: internal error: {type(exc).__name__}: {exc}",
            "this is a bug in sfdoctor; re-run with --debug and report the output",
        )


def _report(exc: BaseException, debug: bool, status: int, message: str, hint: str) -> int:
    from sfdoctor.redaction import redact

    if debug:
        import traceback

        print(redact("".join(traceback.format_exception(exc))), file=sys.stderr, end="")
    print(redact(message), file=sys.stderr)
    if hint:
        print(f"  hint: {redact(hint)}", file=sys.stderr)
    return status
