"""Each subcommand's arguments: flags, help text, defaults. Only ``sfdoctor.cli`` imports this.

:func:`sfdoctor.cli.build_parser` makes the top-level parser and calls :data:`ADDERS` for the
command being run (the others get only their :data:`SUMMARIES` line). Nothing here runs a
command or imports one; enums are imported where the choices are listed.
"""

from __future__ import annotations

import argparse


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Prose wrapped to the terminal's width (``COLUMNS`` too, when output is piped);
    indented lines (the examples) kept as they are."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        lines = []
        for line in text.splitlines():
            if not line.strip() or line[0].isspace():
                lines.append(indent + line)
            else:
                lines.append(
                    textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
                )
        return "\n".join(lines)


# Each command's one-line help, in the order `sfdoctor --help` lists them.
SUMMARIES = {
    "explain": "classify a pasted Salesforce error (offline)",
    "check": "log in the way the integration does; diagnose",
    "demo": "run check against a built-in simulated org",
    "simulate": "serve a simulated org until Ctrl-C",
    "triage": "summarise a Login History or Event Log File CSV export (offline)",
    "audit": "list the integrations the 2027 retirements break (offline)",
}


def add_explain(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
        formatter_class=HelpFormatter,
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


def add_check(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
        "  sfdoctor check --report report.html --report junit.xml --anonymize\n"
        "  sfdoctor check --admin-org my-admin",
        formatter_class=HelpFormatter,
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
        "--admin-org",
        metavar="ALIAS",
        help="after the logins, confirm the cause from the org's Login History with this "
        "Salesforce CLI org's session (read-only GET queries, never a login; "
        "SF_ADMIN_ACCESS_TOKEN + SF_ADMIN_INSTANCE_URL do the same without the CLI)",
    )
    _add_session_options(check)
    _add_run_output_options(check)


MAX_TIMEOUT = 600.0
"""The longest --timeout: a run ends within about seven of them (SECURITY.md)."""


def _seconds(text: str) -> float:
    """``--timeout``: a number of seconds, more than 0 and at most :data:`MAX_TIMEOUT`
    (``nan`` and ``inf`` parse as floats, and once reached the socket as an internal error)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"give a number of seconds above 0 and at most {MAX_TIMEOUT:.0f}, not {text!r}"
        )
    return value


def _add_session_options(parser: argparse.ArgumentParser) -> None:
    """What ``check`` and ``demo`` share about the run itself: --timeout, --max-attempts,
    --api-version, --query."""
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        metavar="S",
        help=f"seconds to wait for each request (default: 10; at most {MAX_TIMEOUT:.0f})",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=2,
        metavar="N",
        help="most login requests to send (default: 2); each failed one counts "
        "toward the user's lockout",
    )
    parser.add_argument(
        "--api-version",
        metavar="NN.0",
        help="REST API version to verify with (default: the newest offered); SOAP login() "
        "is called at it when it is 64.0 or older, else at 64.0",
    )
    parser.add_argument(
        "--query", metavar="SOQL", help="SOQL query to run (default: one row from Organization)"
    )


def add_demo(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    demo = sub.add_parser(
        "demo",
        parents=[common],
        help=SUMMARIES["demo"],
        description="Start a simulated Salesforce org on this machine, run the real `check` "
        "against it with the scenario's fake credentials, and print the report. Nothing "
        "leaves the machine.",
        epilog="examples:\n  sfdoctor demo\n  sfdoctor demo stale-token --details\n"
        "  sfdoctor demo wrong-password --admin\n"
        "  sfdoctor demo --list\n  sfdoctor demo --all\n"
        "  sfdoctor demo audit    (not a scenario: the 2027 retirement audit of a month of "
        "fictional exports)",
        formatter_class=HelpFormatter,
    )
    _add_scenario(demo, "trusted-no-token")
    which = demo.add_mutually_exclusive_group()
    which.add_argument("--list", action="store_true", help="list the scenarios")
    which.add_argument(
        "--all", action="store_true", help="run every scenario and print a table of the diagnoses"
    )
    demo.add_argument(
        "--admin",
        action="store_true",
        help="give the simulated org an administrator's session too: the cause is confirmed "
        "from its Login History (what check --admin-org does with a real org)",
    )
    _add_session_options(demo)
    _add_run_output_options(demo)


def _add_scenario(parser: argparse.ArgumentParser, default: str) -> None:
    """SCENARIO, the same way for ``demo`` and ``simulate``: a positional argument, or
    ``--scenario NAME`` (an alias kept for scripts)."""
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help=f"what to simulate (default: {default}; see --list)",
    )
    parser.add_argument(
        "--scenario",
        dest="scenario_option",
        metavar="SCENARIO",
        help="the same as SCENARIO",
    )


def add_simulate(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    simulate = sub.add_parser(
        "simulate",
        parents=[common],
        help=SUMMARIES["simulate"],
        description="Serve a simulated Salesforce org on 127.0.0.1 in the foreground and print "
        "its login URL and (fake) credentials, so any client can be pointed at it.",
        epilog="examples:\n  sfdoctor simulate\n  sfdoctor simulate stale-token --port 8443\n"
        "  sfdoctor simulate --list",
        formatter_class=HelpFormatter,
    )
    _add_scenario(simulate, "healthy")
    simulate.add_argument(
        "--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: any free port)"
    )
    simulate.add_argument("--list", action="store_true", help="list the scenarios by flow")


def _add_org_options(parser: argparse.ArgumentParser) -> None:
    """``triage`` and ``audit`` reading the org itself with an administrator's session."""
    parser.add_argument(
        "--admin-org",
        metavar="ALIAS",
        help="read the org's LoginHistory (and, for audit, its ApiTotalUsage Event Log "
        "Files) with this Salesforce CLI org's session: read-only GET queries; "
        "SF_ADMIN_ACCESS_TOKEN + SF_ADMIN_INSTANCE_URL do the same without the CLI",
    )
    parser.add_argument(
        "--env-file", metavar="PATH", help="read the SF_ADMIN_* variables from a file"
    )
    parser.add_argument(
        "--days",
        type=int,
        default=30,
        metavar="N",
        help="with the org: read the last N days (default: 30)",
    )


def add_triage(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
        "  zcat LoginHistory.csv.gz | sfdoctor triage - --top 10\n"
        "  sfdoctor triage LoginHistory.csv --audit\n\n"
        "exit codes: 0 no failed login, 1 failures with a known cause, 2 nothing usable "
        "in the file, 3 only statuses sfdoctor does not know",
        formatter_class=HelpFormatter,
    )
    triage.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="the export (.csv or .csv.gz), or - to read standard input; not needed with "
        "--admin-org",
    )
    _add_org_options(triage)
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
    triage.add_argument(
        "--audit",
        action="store_true",
        help="also audit the same export for the 2027 retirements (sfdoctor audit), in the "
        "same single read of the file: the triage report, then the audit report",
    )
    triage.add_argument(
        "--as-of",
        metavar="DATE",
        help="with --audit: count the days left from DATE (YYYY-MM-DD; default: today)",
    )
    _add_report_options(triage)


def add_audit(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from sfdoctor.models import OutputFormat

    audit = sub.add_parser(
        "audit",
        parents=[common],
        help=SUMMARIES["audit"],
        description="Find every integration that uses what Salesforce is retiring: the OAuth "
        "username-password flow (2027-02-20), SOAP API login() and API versions 31.0-40.0 "
        "(Summer '27), API 30.0 and older (retired). Reads any mix of Setup > Login History "
        "downloads, LoginHistory query exports and Event Log Files of type Login and "
        "ApiTotalUsage (.csv or .csv.gz); says what to do for each integration. Nothing is "
        "sent anywhere.",
        epilog="examples:\n"
        "  sfdoctor audit LoginHistory.csv\n"
        "  sfdoctor audit Login-*.csv.gz ApiTotalUsage-*.csv.gz --report audit.html\n"
        "  sfdoctor audit LoginHistory.csv --as-of 2027-01-15 --format json\n"
        "  zcat LoginHistory.csv.gz | sfdoctor audit -\n"
        "  sfdoctor demo audit\n\n"
        "exit codes: 0 nothing affected, 1 some integration is affected, 2 nothing usable "
        "in the input",
        formatter_class=HelpFormatter,
    )
    audit.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="exports (.csv or .csv.gz), in any mix; - reads standard input; not needed with "
        "--admin-org",
    )
    _add_org_options(audit)
    audit.add_argument(
        "--as-of",
        metavar="DATE",
        help="count the days left from DATE (YYYY-MM-DD; default: today)",
    )
    audit.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default="console",
        help="output format (default: console)",
    )
    audit.add_argument(
        "--top",
        type=int,
        metavar="N",
        help="integrations in each console table (default: 10)",
    )
    _add_report_options(audit)


def _add_run_output_options(parser: argparse.ArgumentParser) -> None:
    """What ``check`` and ``demo`` print and write: --format, --details, --strict, -v,
    --report."""
    from sfdoctor.models import OutputFormat

    parser.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default="console",
        help="output format (default: console)",
    )
    parser.add_argument(
        "--details",
        action="store_true",
        help="show every step, the Login History status of each candidate, the references "
        "and the deprecation radar's recipes (report files always have them)",
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
    command passes ``args.report`` to :func:`sfdoctor.output.paths.prepare`."""
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


# The command name -> the function that gives it its arguments (and its subparser).
ADDERS = {
    "explain": add_explain,
    "check": add_check,
    "demo": add_demo,
    "simulate": add_simulate,
    "triage": add_triage,
    "audit": add_audit,
}
