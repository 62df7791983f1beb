"""Offline lint of the configuration, before anything is sent.

Blocking problems (a missing value, a value that cannot work, a login URL sfdoctor will not
send credentials to) stop the run with exit 2: each failed login counts toward the user's
lockout, so a login that cannot succeed is not attempted. Warnings are reported and the run
goes on.
"""

from __future__ import annotations

from typing import NamedTuple

from sfdoctor import hosts
from sfdoctor.check.config import REQUIRED_BY_FLOW, Settings
from sfdoctor.check.radar import RETIRED_THROUGH
from sfdoctor.diagnosis.findings import finding
from sfdoctor.models import Finding, Severity

# Hosts where a sandbox username cannot log in (tests add the local server).
PRODUCTION_HOSTS = {hosts.PRODUCTION_LOGIN}
# The generic login hosts: they serve no org's My Domain, so the client credentials flow
# is refused there (research O18).
GENERIC_LOGIN_HOSTS = frozenset({hosts.PRODUCTION_LOGIN, hosts.SANDBOX_LOGIN})
TOKEN_LENGTH = 24  # third-party guides agree; not in Salesforce's docs, so only a warning
TOKEN_LENGTHS = (24, 25)
"""Security tokens seen in the wild: 24 characters, some 25."""


class LintResult(NamedTuple):
    """Findings, and whether any of them means nothing should be sent."""

    findings: tuple[Finding, ...]
    blocking: bool


def login_url_problem(url: str) -> str | None:
    """Why credentials must not be sent to ``url``, or None when it is acceptable.

    The one test for every URL a credential or token goes to:
    :func:`sfdoctor.hosts.credential_url_problem` (surrounding whitespace aside).
    """
    return hosts.credential_url_problem(url.strip())


_TOKEN_PATH = "/services/oauth2/token"


def login_url_shape_problem(url: str) -> str | None:
    """Why an acceptable login URL is more than a host, or None: a path, query or fragment
    (a URL copied from the browser's address bar) would move the token request off
    ``/services/oauth2/token``, spending a login attempt on a page that cannot answer it.
    The token endpoint itself and a trailing ``/`` are read as the host alone."""
    text = url.strip()
    target = hosts.parse_url(text)  # accepted by login_url_problem: it parses
    path = target.path.rstrip("/").removesuffix(_TOKEN_PATH)
    fragment = text.partition("#")[2] if "#" in text else None
    if not path and fragment is None:
        return None
    extra = path + ("" if fragment is None else "#" + fragment)
    shown = extra if len(extra) <= 60 else extra[:59] + "\u2026"
    return (
        f"the login URL carries {ascii(shown)} after its host: give the host alone, "
        f"{target.origin} (nothing was sent)"
    )


# The settings each flow sends (whitespace in any of them breaks the login).
_SENT_BY_FLOW = {
    "password": ("username", "password", "security_token", "client_id", "client_secret"),
    "soap": ("username", "password", "security_token"),
    "jwt": ("username", "client_id", "jwt_key_file"),
    "client-credentials": ("client_id", "client_secret"),
}


def token_like_tail(password: str) -> int | None:
    """The length of the security token ``password`` may end with, or None.

    simple-salesforce, Data Loader and many ``.env`` files keep the token inside the
    password (``SF_PASSWORD=mypasswordXXXXXXXXXXXXXXXXXXXXXXXX``). A tail of 24 letters
    and digits after something else looks like one (a 25-character token ends with 24 such
    characters too); a guess, never proof.
    """
    tail = password[-TOKEN_LENGTH:]
    if len(password) > TOKEN_LENGTH and tail.isascii() and tail.isalnum():
        return TOKEN_LENGTH
    return None


def lint(settings: Settings, flow: str = "password", api_version: str | None = None) -> LintResult:
    """Every configuration problem sfdoctor can see without sending anything, for ``flow``
    (a :class:`~sfdoctor.models.Flow` value) and ``api_version`` (``--api-version``)."""
    flow = str(flow)
    out: list[Finding] = []
    blocking = False
    missing = [name for name in REQUIRED_BY_FLOW[flow] if not getattr(settings, name).text]
    if missing:
        names = ", ".join(_var(n) for n in missing)
        # The first line is what a default view shows: it names the way round a missing
        # connected app there, not only under --details.
        others = _other_ways(flow, missing)
        hint = " (no connected app? sfdoctor check --flow soap needs neither)" if others else ""
        absent = finding("config_missing", [f"not set: {names}{hint}"])
        steps = absent.remediation  # setting the value first; then the flows that need none
        out.append(absent._replace(remediation=(*steps[:1], *others, *steps[1:])))
        blocking = True

    if flow == "soap" and api_version and _retired(api_version):
        out.append(
            finding(
                "api_version_retired",
                [
                    f"--api-version {api_version}: SOAP login() at a version up to "
                    f"{RETIRED_THROUGH:.1f} is refused (HTTP 500 UNSUPPORTED_API_VERSION): "
                    "7.0 to 20.0 were retired in Summer '22, 21.0 to 30.0 in Summer '25",
                    "nothing was sent: the login was not attempted",
                ],
            )
        )
        blocking = True

    url = settings.login_url.text
    problem = login_url_problem(url)
    problem = problem or login_url_shape_problem(url)
    if problem:
        out.append(finding("login_url_invalid", [problem]))
        blocking = True
    elif flow == "client-credentials" and hosts.host_of(url) in GENERIC_LOGIN_HOSTS:
        out.append(
            finding(
                "wrong_login_host",
                [
                    f"the client credentials flow is refused at {hosts.host_of(url)} "
                    "('request not supported on this domain'): it works only at the org's "
                    "My Domain, https://MyDomainName.my.salesforce.com (Setup > My Domain)"
                ],
                extra_remediation=(
                    "Set SF_LOGIN_URL (or --login-url) to the org's My Domain, "
                    "https://MyDomainName.my.salesforce.com (Setup > My Domain shows it).",
                ),
            )
        )
        blocking = True

    for name in _SENT_BY_FLOW[flow]:
        value = getattr(settings, name).text
        if value and (value != value.strip() or any(c in value for c in "\r\n\t")):
            where = "a newline" if "\n" in value or "\r" in value else "leading/trailing spaces"
            if "\t" in value:
                where = "a tab"
            out.append(finding("config_whitespace", [f"{_var(name)} contains {where}"]))
            blocking = True

    if flow == "jwt" and settings.jwt_key_file.text and not missing:
        key_problem = _key_file_problem(settings.jwt_key_file.text)
        if key_problem:
            out.append(finding("config_missing", [key_problem]))
            blocking = True

    uses_password = flow in ("password", "soap")
    password, token = settings.password.text, settings.security_token.text
    if not uses_password:
        password = token = ""
    if password and token and password.endswith(token):
        out.append(
            finding(
                "token_in_password",
                [
                    "SF_PASSWORD already ends with SF_SECURITY_TOKEN; "
                    "appending it again breaks the login"
                ],
            )
        )
        blocking = True
    elif token and len(token.strip()) not in TOKEN_LENGTHS:
        odd = finding(
            "security_token_invalid",
            [
                f"SF_SECURITY_TOKEN has {len(token.strip())} characters; "
                f"Salesforce security tokens usually have {TOKEN_LENGTH} (some 25)"
            ],
            severity=Severity.WARNING,
            confidence="low",
        )
        out.append(odd._replace(title="The security token has an unusual length"))

    client_id = settings.client_id.text.strip() if flow != "soap" else ""
    if client_id and (not client_id.startswith("3MVG") or len(client_id) < 40):
        out.append(
            finding(
                "invalid_client_id",
                [
                    "SF_CLIENT_ID does not look like a consumer key "
                    "(they start with '3MVG' and are about 85 characters long)"
                ],
                severity=Severity.WARNING,
                confidence="low",
            )
        )

    username = settings.username.text.strip() if flow != "client-credentials" else ""
    suffix = hosts.sandbox_suffix(username)
    if suffix and hosts.host_of(url) in PRODUCTION_HOSTS:
        out.append(
            finding(
                "wrong_login_host",
                [
                    f"username {username} ends with a sandbox name (.{suffix}) "
                    f"but the login URL is {url}; sandboxes log in at "
                    "https://test.salesforce.com or their My Domain"
                ],
                severity=Severity.WARNING,
                confidence="medium",
            )
        )
    return LintResult(tuple(out), blocking)


def _retired(version: str) -> bool:
    try:
        return float(version) <= RETIRED_THROUGH
    except ValueError:
        return False


def _other_ways(flow: str, missing: list[str]) -> tuple[str, ...]:
    """First-run guidance: the flows that do without what is missing."""
    if flow != "password" or not {"client_id", "client_secret"} & set(missing):
        return ()
    return (
        "No connected app at hand? sfdoctor check --flow soap logs in with SOAP API login() "
        "and needs only SF_USERNAME, SF_PASSWORD (and SF_SECURITY_TOKEN): the way "
        "simple-salesforce and Data Loader log in, until login() is retired in Summer '27.",
        "For a lasting setup, the JWT bearer flow needs no password and no token: a "
        "connected app with a certificate, then SF_CLIENT_ID, SF_USERNAME and "
        "SF_JWT_KEY_FILE, checked with sfdoctor check --flow jwt.",
    )


def _key_file_problem(path: str) -> str | None:
    """Why ``path`` cannot sign a JWT, or None. Never quotes the file's content."""
    from sfdoctor.check.config import MAX_KEY_FILE, FileProblem, read_small_file

    try:
        # Regular files only, and small ones: a FIFO would block, /dev/zero never end.
        head = read_small_file(path, MAX_KEY_FILE)
    except FileProblem as exc:
        return f"SF_JWT_KEY_FILE: {exc}"
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in head or b"Proc-Type: 4,ENCRYPTED" in head:
        return (
            f"SF_JWT_KEY_FILE: {path} holds an encrypted private key; give sfdoctor an "
            "unencrypted copy (openssl pkey -in encrypted.key -out server.key), kept mode 0600"
        )
    if b"PRIVATE KEY-----" not in head:
        if b"-----BEGIN CERTIFICATE-----" in head:
            return (
                f"SF_JWT_KEY_FILE: {path} holds a certificate, not the private key: the "
                "certificate is what is uploaded to the connected app; SF_JWT_KEY_FILE must "
                "name the private key that signs the JWT"
            )
        return f"SF_JWT_KEY_FILE: {path} holds no PEM private key (-----BEGIN PRIVATE KEY-----)"
    return None


def _var(name: str) -> str:
    return "SF_" + name.upper()
