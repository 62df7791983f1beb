"""Command-line entry point: argv in, exit status out. Nothing else knows about argv.

Every exception is mapped to an exit status here and only here; tracebacks are shown only
with ``--debug`` (and even then pass through redaction).
"""

from __future__ import annotations

import argparse
import sys
from enum import StrEnum

from sfdoctor import __version__
from sfdoctor.errors import SfdoctorError, UsageError
from sfdoctor.status import ExitStatus

TYPE_CHECKING = False  # NOTE: `typing` stays unimported on the --version path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

PROG = "sfdoctor"


class OutputFormat(StrEnum):
    """``--format`` choices for stdout."""

    CONSOLE = "console"
    JSON = "json"


_EPILOG = """\
exit codes: 0 ok, 1 problem diagnosed, 2 usage or configuration error,
3 inconclusive (nothing recognised, network failure), 4 internal error, 130 interrupted.
Secrets are read from the environment or an env file, never from flags.
"""

_PENDING = {
    "check": "log in with and without the security token and diagnose the result",
    "triage": "summarise a Login History or Event Log File CSV export",
    "demo": "run check against a built-in simulated org",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
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
    if args.command in _PENDING:
        raise UsageError(
            f"'{args.command}' is not yet available in sfdoctor {__version__}",
            hint="sfdoctor explain works today: sfdoctor explain --help",
        )
    raise UsageError("no command given", hint="sfdoctor --help lists the commands")


def main(argv: Sequence[str] | None = None) -> int:
    """Run sfdoctor with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
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
