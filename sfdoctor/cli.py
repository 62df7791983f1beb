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
    from types import SimpleNamespace
    from typing import TextIO, TypeAlias

    from _typeshed import SupportsWrite

    from sfdoctor.check.options import CheckOptions

    Args: TypeAlias = argparse.Namespace | SimpleNamespace
    """Parsed arguments: argparse's, or :func:`lean_explain_args`'s."""

PROG = "sfdoctor"
_EPILOG = """\
exit codes: 0 ok, 1 problem diagnosed, 2 usage or configuration error,
3 inconclusive (nothing recognised, network failure), 4 internal error, 130 interrupted.
Secrets are read from the environment or an env file, never from flags.
"""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation).

    With ``only``, that command alone gets its arguments (see the NOTE below); each
    command's arguments are defined in :mod:`sfdoctor.commands.arguments`.
    """
    import argparse

    from sfdoctor.commands.arguments import ADDERS, SUMMARIES, HelpFormatter

    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not overwrite a --debug given before it.
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks on errors (redacted)",
    )

    class Parser(argparse.ArgumentParser):
        """argparse, whose usage errors quote the arguments: their control characters (a
        file name with an escape sequence in it) never reach the terminal."""

        def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
            from sfdoctor.output.safe_text import UNSAFE

            super()._print_message(UNSAFE.sub("\ufffd", message), file)

    parser = Parser(
        prog=PROG,
        description="Diagnose Salesforce API authentication: security tokens, trusted "
        "networks, OAuth flows.",
        epilog=_EPILOG,
        formatter_class=HelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    # NOTE: only the command being run gets its full set of arguments; the others are
    # named with their one-line help (enough for `sfdoctor --help`). Building every
    # argument of every command cost a fifth of `explain`'s start-up.
    for name, summary in SUMMARIES.items():
        if only is None or only == name:
            ADDERS[name](sub, common)
        else:
            sub.add_parser(name, help=summary)
    return parser


def _dispatch(args: Args, stdin: TextIO, stdout: TextIO) -> int:
    from sfdoctor.status import UsageError

    _refuse_directories(getattr(args, "report", None))

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
    if args.command == "audit":
        return _run_audit(args, stdin, stdout)
    # No command: show what there is (on stderr: stdout may be a pipe expecting a report).
    build_parser().print_help(sys.stderr)
    raise UsageError("no command given", hint="start with: sfdoctor demo")


def _scenario(args: Args) -> str | None:
    """SCENARIO, given as ``demo NAME`` or ``demo --scenario NAME`` (not both, unless equal)."""
    from sfdoctor.status import UsageError

    given: str | None = args.scenario
    option: str | None = args.scenario_option
    if given and option and given != option:
        raise UsageError(f"two scenarios given ({given!r} and --scenario {option!r}): give one")
    return given or option


def _refuse_directories(reports: list[str] | None) -> None:
    """``--report somedir/`` names a directory: say so (before its missing extension is
    complained about); every other check of the path is :func:`sfdoctor.output.paths.prepare`'s."""
    import os

    from sfdoctor.status import UsageError

    for raw in reports or ():
        if raw.strip() and (raw.endswith(("/", os.sep)) or os.path.isdir(os.path.expanduser(raw))):
            from sfdoctor.output.console import printable

            example = os.path.join(raw, "report.html")
            raise UsageError(
                f"--report {printable(raw)}: is a directory",
                hint=f"name a file in it, such as {printable(example)}",
            )


def _run_demo(args: Args) -> int:
    from sfdoctor.commands import demo
    from sfdoctor.status import UsageError

    name = _scenario(args)
    if args.command == "simulate":
        if args.list:
            return demo.list_by_flow(sys.stdout)
        return demo.simulate(name, args.port)
    if args.list or args.all:
        if name:
            raise UsageError("give either SCENARIO or --list/--all, not both")
        if args.list:
            return demo.list_scenarios(sys.stdout, fmt=args.format)
    opts = _run_options(args)
    if args.all:
        if opts.reports:
            raise UsageError("--report works with one scenario, not with --all")
        if args.admin:
            raise UsageError("--admin works with one scenario, not with --all")
        return demo.demo_all(opts)
    return demo.demo(name, opts, admin=args.admin)


def _run_triage(args: Args, stdin: TextIO, stdout: TextIO) -> int:
    from sfdoctor.commands import triage
    from sfdoctor.status import UsageError

    if args.top is not None and args.top < 1:
        raise UsageError(f"--top {args.top}: give a number of rows, 1 or more")
    if args.audit:
        from sfdoctor.commands import audit, triage_audit

        if args.file is None:
            raise UsageError(
                "triage --audit reads a file; to audit the org: sfdoctor audit --admin-org ALIAS"
            )
        return triage_audit.run(
            args.file,
            fmt=args.format,
            as_of=audit.parse_as_of(args.as_of),
            top=args.top,
            stdin=stdin,
            stdout=stdout,
            reports=tuple(args.report or ()),
            anonymize=args.anonymize,
        )
    if args.as_of is not None:
        raise UsageError("--as-of counts the days left of the audit: give it with --audit")
    return triage.run(
        args.file,
        fmt=args.format,
        top=args.top,
        stdin=stdin,
        stdout=stdout,
        reports=tuple(args.report or ()),
        anonymize=args.anonymize,
        admin_org=args.admin_org,
        env_file=args.env_file,
        days=args.days,
    )


def _run_audit(args: Args, stdin: TextIO, stdout: TextIO) -> int:
    from sfdoctor.commands import audit
    from sfdoctor.status import UsageError

    if args.top is not None and args.top < 1:
        raise UsageError(f"--top {args.top}: give a number of rows, 1 or more")
    return audit.run(
        args.files,
        fmt=args.format,
        as_of=audit.parse_as_of(args.as_of),
        top=args.top,
        stdin=stdin,
        stdout=stdout,
        reports=tuple(args.report or ()),
        anonymize=args.anonymize,
        admin_org=args.admin_org,
        env_file=args.env_file,
        days=args.days,
    )


def _run_options(args: Args) -> CheckOptions:
    """The options ``check`` and ``demo`` share (demo's org and flow are the scenario's)."""
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.status import UsageError

    version = args.api_version
    if version and not version.replace(".", "", 1).isdigit():
        raise UsageError(f"--api-version {version!r} is not a version like 62.0")
    if version and "." not in version:
        version += ".0"
    return CheckOptions(
        timeout=args.timeout,
        max_attempts=args.max_attempts,
        api_version=version,
        query=args.query,
        fmt=args.format,
        strict=args.strict,
        verbose=args.verbose,
        reports=tuple(args.report or ()),
        anonymize=args.anonymize,
        details=args.details,
    )


def _check_options(args: Args) -> CheckOptions:
    return _run_options(args)._replace(
        login_url=args.login_url,
        sandbox=args.sandbox,
        env_file=args.env_file,
        flow=args.flow,
        admin_org=args.admin_org,
    )


def _prompt_if_terminal(stdin: TextIO) -> Callable[[str, bool], str] | None:
    """The interactive prompt, only when a person is at the terminal."""
    if not stdin.isatty():
        return None
    from sfdoctor.check.config import terminal_prompt

    return terminal_prompt


def _command_in(argv: list[str]) -> str | None:
    """The command ``argv`` runs (its first word that names one), or None."""
    from sfdoctor.commands.arguments import SUMMARIES

    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in SUMMARIES else None


# `explain`'s flags as argparse defines them (sfdoctor.commands.arguments.add_explain):
# the flags without a value, the flags with one, and the --format choices.
_EXPLAIN_SWITCHES = {"--list": "list", "--anonymize": "anonymize", "--debug": "debug"}
_EXPLAIN_VALUED = {"--format": "format", "--cause": "cause", "--report": "report"}
EXPLAIN_FORMATS = ("console", "json")


def lean_explain_args(argv: list[str]) -> SimpleNamespace | None:
    """The arguments of a plain ``explain`` command line, read without argparse; None for
    any other (argparse then reads it, and words any error).

    NOTE: importing argparse and building the parser cost a third of `explain`'s start-up
    budget (bench/startup.py). Only what argparse would read the same way is read here:
    the exact flag names (``--name value`` or ``--name=value``), values and TEXT not
    starting with ``-`` (but TEXT ``-``), one TEXT, valid --format, not --cause with
    --list. Anything else (--help, ``--``, an abbreviation, an unknown flag, an error)
    goes to argparse; tests/test_cli_lean.py holds the two to the same result.
    """
    if not argv or argv[0] != "explain":
        return None
    from types import SimpleNamespace

    found: dict[str, object] = {
        "command": "explain",
        "text": None,
        "format": "console",
        "cause": None,
        "list": False,
        "report": None,
        "anonymize": False,
    }
    reports: list[str] = []
    given_text = given_cause = False
    at = 1
    while at < len(argv):
        arg = argv[at]
        at += 1
        if arg in _EXPLAIN_SWITCHES:
            found[_EXPLAIN_SWITCHES[arg]] = True
            continue
        flag, equals, value = arg.partition("=")
        if flag in _EXPLAIN_VALUED:
            if not equals:
                if at == len(argv):
                    return None  # no value: argparse says so
                value = argv[at]
                at += 1
            if value.startswith("-") or (flag == "--format" and value not in EXPLAIN_FORMATS):
                return None
            if flag == "--report":
                reports.append(value)
            else:
                found[_EXPLAIN_VALUED[flag]] = value
                given_cause = given_cause or flag == "--cause"
        elif given_text or (arg.startswith("-") and arg != "-"):
            return None
        else:
            found["text"], given_text = arg, True
    if given_cause and found["list"]:
        return None
    if reports:
        found["report"] = reports
    return SimpleNamespace(**found)


def main(argv: Sequence[str] | None = None) -> int:
    """Run sfdoctor with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args_list = sys.argv[1:] if argv is None else list(argv)
    if args_list == ["--version"]:
        # NOTE: answered before building the parser: scripts call --version to probe for
        # the tool, and the budget for it is a small multiple of a bare interpreter.
        print(f"{PROG} {__version__}")
        return 0
    from sfdoctor.status import ExitStatus

    args: Args | None = lean_explain_args(args_list)
    lean = args is not None
    if args is None:
        parser = build_parser(_command_in(args_list))
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2)
            return int(exc.code) if isinstance(exc.code, int) else ExitStatus.USAGE
    if not lean:
        return _run(args)
    import gc

    # NOTE: `explain` makes a few thousand objects and keeps them to the end, which comes
    # within milliseconds: the cyclic collector would only walk them, during the run and
    # again at exit (together a tenth of its start-up budget, bench/startup.py). So it is
    # off during the run, and when this is the program (not a caller's main([...])) what
    # the run made is frozen, out of the collection at exit; memory is freed as ever.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if argv is None:
            gc.freeze()
        if collecting:
            gc.enable()


def _run(args: Args) -> int:
    """Dispatch ``args``; map every exception to an exit status."""
    from sfdoctor.status import ExitStatus, SfdoctorError

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
    from sfdoctor.output.console import UNSAFE
    from sfdoctor.redaction import redact

    if debug:
        import traceback

        shown = redact("".join(traceback.format_exception(exc)))
        print(UNSAFE.sub("\ufffd", shown), file=sys.stderr, end="")
    print(UNSAFE.sub("\ufffd", redact(message)), file=sys.stderr)
    if hint:
        print(f"  hint: {redact(hint)}", file=sys.stderr)
    return status
