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
    from collections.abc import Sequence
    from typing import TextIO

PROG = "sfdoctor"


_EPILOG = """\
exit codes: 0 ok, 1 problem diagnosed, 2 usage or configuration error,
3 inconclusive (nothing recognised, network failure), 4 internal error, 130 interrupted.
Secrets are read from the environment or an env file, never from flags.
"""

_PENDING = {
    "triage": "summarise a Login History or Event Log File CSV export",
    "demo": "run check against a built-in simulated org",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    import argparse

    from sfdoctor.models import OutputFormat

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

    explain = sub.add_parser(
        "explain",
        parents=[common],
        help="classify a pasted Salesforce error (offline)",
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

    check = sub.add_parser(
        "check",
        parents=[common],
        help="log in with and without the security token; diagnose",
        description="Log in to Salesforce the way the integration does (OAuth username-password "
        "flow), with and without the security token, verify the session with real REST calls, "
        "and name the cause of any failure. Secrets come from the environment "
        "(SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN, SF_CLIENT_ID, SF_CLIENT_SECRET, "
        "SF_LOGIN_URL; SALESFORCE_* names too), --env-file, or a prompt; never from flags.",
        epilog="examples:\n"
        "  sfdoctor check\n"
        "  sfdoctor check --env-file .env.ci --strict --format json\n"
        "  sfdoctor check --sandbox -v",
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        help="REST API version to verify with (default: the newest offered)",
    )
    check.add_argument(
        "--query", metavar="SOQL", help="SOQL query to run (default: one row from Organization)"
    )
    check.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default="console",
        help="output format (default: console)",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail the run (exit 1)")
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print a redacted trace of every HTTP exchange on stderr",
    )

    for name, summary in _PENDING.items():
        p = sub.add_parser(
            name,
            parents=[common],
            help=f"{summary} (not yet available)",
            description=f"{summary}. Not yet available in this version.",
        )
        p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _dispatch(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from sfdoctor.errors import UsageError

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
        )
    if args.command == "check":
        from sfdoctor.commands import check

        return check.run(_check_options(args), prompt=_prompt_if_terminal(stdin))
    if args.command in _PENDING:
        raise UsageError(
            f"'{args.command}' is not yet available in sfdoctor {__version__}",
            hint="sfdoctor explain works today: sfdoctor explain --help",
        )
    raise UsageError("no command given", hint="sfdoctor --help lists the commands")


def _check_options(args: argparse.Namespace) -> object:
    from sfdoctor.commands.check import CheckOptions
    from sfdoctor.errors import UsageError

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
    )


def _prompt_if_terminal(stdin: TextIO) -> object:
    """The interactive prompt, only when a person is at the terminal."""
    if not stdin.isatty():
        return None
    from sfdoctor.config import terminal_prompt

    return terminal_prompt


def main(argv: Sequence[str] | None = None) -> int:
    """Run sfdoctor with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args_list = sys.argv[1:] if argv is None else list(argv)
    if args_list == ["--version"]:
        # NOTE: answered before building the parser: scripts call --version to probe for
        # the tool, and the budget for it is a small multiple of a bare interpreter.
        print(f"{PROG} {__version__}")
        return 0
    from sfdoctor.errors import SfdoctorError
    from sfdoctor.status import ExitStatus

    parser = build_parser()
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
    from sfdoctor.redact import redact

    if debug:
        import traceback

        print(redact("".join(traceback.format_exception(exc))), file=sys.stderr, end="")
    print(redact(message), file=sys.stderr)
    if hint:
        print(f"  hint: {redact(hint)}", file=sys.stderr)
    return status
