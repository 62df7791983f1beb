"""The OAuth 2.0 JWT bearer flow: one login, and why an assertion was refused."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sfdoctor.check.flows.common import (
    Run,
    Seen,
    attempt_record,
    enriched,
    first_login,
    login_view,
    once_findings,
)
from sfdoctor.check.flows.verify import verify_one_login
from sfdoctor.diagnosis.findings import finding
from sfdoctor.models import Check, Finding, Mark, Secret
from sfdoctor.redaction import Redactor

if TYPE_CHECKING:
    from sfdoctor.probes.jwt import Assertion


def read_key(path: str) -> Secret:
    """The PEM text of the key file (lint has checked that it reads): a regular file of at
    most :data:`~sfdoctor.check.config.MAX_KEY_FILE` bytes, never a pipe or a device."""
    from sfdoctor.check.config import MAX_KEY_FILE, FileProblem, read_small_file
    from sfdoctor.probes.jwt import KeyProblem

    try:
        data = read_small_file(path, MAX_KEY_FILE)
    except FileProblem as exc:
        raise KeyProblem(str(exc)) from None
    return Secret(data.decode("utf-8", errors="replace"))


def jwt_flow(run: Run) -> Seen | None:
    """The JWT bearer flow: sign the assertion, log in once, verify the session."""
    from sfdoctor.probes import jwt as jwt_probe

    settings, checks = run.settings, run.checks
    path = settings.jwt_key_file.text
    audience = jwt_probe.audience_for(run.login_url)
    try:
        key = read_key(path)
        learn_key(run.transport.redactor, key)
        assertion = jwt_probe.sign(
            key,
            client_id=settings.client_id.text.strip(),
            username=settings.username.text.strip(),
            audience=audience,
        )
    except jwt_probe.KeyProblem as exc:
        checks[:] = [c for c in checks if c.name != "configuration"]  # not "well-formed"
        checks.append(
            Check(
                "configuration",
                "private key",
                Mark.FAIL,
                f"SF_JWT_KEY_FILE: {exc}",
                "config_missing",
            )
        )
        run.findings.append(finding("config_missing", [f"SF_JWT_KEY_FILE ({path}): {exc}"]))
        return None
    claims = assertion.claims
    checks.append(
        Check(
            "login",
            "JWT assertion",
            Mark.INFO,
            f"RS256; iss = SF_CLIENT_ID, sub = {claims.sub}, aud = {claims.aud}, "
            f"exp = {jwt_probe.LIFETIME} s after signing",
        )
    )
    first, early, offered = first_login(
        run, lambda: jwt_probe.jwt_login(run.transport, run.login_url, assertion)
    )
    received = time.time()
    run.attempts.append(attempt_record("JWT bearer assertion", False, first))
    view = login_view(first, run.kb)
    name = "login with JWT bearer assertion"
    if first.token is not None:
        judged = verify_one_login(run, name, view.summary, first.token, early, offered)
        return Seen(offered, version_judged=judged)
    from sfdoctor.probes.http import HttpAnswer

    skew = (
        jwt_probe.server_skew(first.outcome.headers, received)
        if isinstance(first.outcome, HttpAnswer)
        else None
    )
    found = once_findings(view)
    found[0] = explain_jwt(found[0], run, assertion, skew)
    checks.append(Check("login", name, Mark.FAIL, view.summary, found[0].cause))
    run.findings.extend(found)
    return Seen(offered)


def learn_key(redactor: Redactor, key: Secret) -> None:
    """Teach the redactor the private key: whole, and each line of its body."""
    text = key.reveal()
    redactor.add(text.strip())
    for line in text.splitlines():
        if len(line.strip()) >= 16 and not line.startswith("-----"):
            redactor.add(line.strip())


def explain_jwt(f: Finding, run: Run, assertion: Assertion, skew: float | None) -> Finding:
    """What this run knows about a refused JWT login, added to its finding."""
    from sfdoctor import hosts
    from sfdoctor.probes.jwt import LIFETIME, PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE

    claims = assertion.claims
    host = hosts.host_of(run.login_url)
    if f.cause == "jwt_assertion_invalid":
        decisive = False
        if skew is None:
            clock = "clock: not measured (the answer had no Date header)"
        elif abs(skew) <= 30:
            clock = (
                f"clock: this machine and Salesforce agree within {abs(skew):.0f} s "
                "(the answer's Date header): not the cause"
            )
        elif skew >= LIFETIME:
            decisive = True
            clock = (
                f"clock: Salesforce's clock is {skew:.0f} s ahead of this machine's (the "
                "answer's Date header): by Salesforce's clock the assertion had expired "
                "before it was sent"
            )
        elif skew < 0:
            # Salesforce refuses an exp already past, not one far ahead: the sf CLI signs
            # exp in milliseconds and logs in (forcedotcom/sfdx-core src/org/authInfo.ts).
            clock = (
                f"clock: this machine is {-skew:.0f} s ahead of Salesforce's (the answer's "
                "Date header): not the cause (Salesforce refuses an exp already past, not "
                "one far ahead); synchronise it (NTP) all the same"
            )
        else:
            clock = (
                f"clock: this machine is {skew:.0f} s behind Salesforce's (the answer's "
                "Date header); synchronise it (NTP) if the rest checks out"
            )
        reasons = [
            "certificate: the connected app must hold the certificate of the key in "
            f"SF_JWT_KEY_FILE (public key SHA-256 {assertion.key_sha256})",
            f"iss = {claims.iss}: must be this connected app's consumer key",
            f"sub = {claims.sub}: must be the username of an active user of the org "
            f"behind {host} (a sandbox username carries the sandbox suffix)",
            f"exp = {claims.exp} ({LIFETIME} s after signing, by this machine's clock)",
        ]
        reasons = [clock, *reasons] if decisive else [*reasons, clock]
        fixes = [
            "Compare the certificate on the app with the signing key: "
            "openssl x509 -in <the certificate uploaded to the app> -pubkey -noout | "
            "openssl pkey -pubin -outform DER | openssl dgst -sha256 must print "
            f"{assertion.key_sha256}; if it does not, upload the certificate made from "
            f"{run.settings.jwt_key_file.text} (App Manager > (app) > Edit > Use digital "
            "signatures)."
        ]
        if decisive:
            fixes.insert(
                0,
                "Synchronise this machine's clock (NTP: timedatectl set-ntp true on Linux, "
                "w32tm /resync on Windows; a container takes its host's clock), then run "
                "sfdoctor check --flow jwt again.",
            )
        return enriched(f, ["the likely reasons, most likely first:", *reasons], tuple(fixes))
    if f.cause == "wrong_login_host":
        sandbox = claims.aud == SANDBOX_AUDIENCE
        other = PRODUCTION_AUDIENCE if sandbox else SANDBOX_AUDIENCE
        fix = (
            "If the org is production, log in at https://login.salesforce.com or its My "
            "Domain (https://MyDomainName.my.salesforce.com): sfdoctor then sends aud = "
            f"{other}."
            if sandbox
            else "If the org is a sandbox, log in at https://test.salesforce.com (--sandbox) "
            "or its My Domain (https://MyDomainName--SandboxName.sandbox.my.salesforce.com): "
            f"sfdoctor then sends aud = {other}."
        )
        return enriched(
            f,
            [
                f"aud = {claims.aud}, chosen from the login URL {run.login_url} "
                f"({'a sandbox' if sandbox else 'not a sandbox'} host)"
            ],
            (fix,),
        )
    if f.cause == "app_not_approved":
        return enriched(
            f,
            [
                f"sub = {claims.sub} is not pre-authorized for the app whose consumer key is "
                "SF_CLIENT_ID, and the JWT bearer flow has no consent screen to approve it on"
            ],
        )
    if f.cause == "ip_restricted":
        return enriched(
            f,
            [
                "the JWT bearer flow always enforces the profile's Login IP Ranges, whatever "
                "the connected app's IP Relaxation policy; a trusted network does not help"
            ],
        )
    if f.cause == "invalid_client_id":
        return enriched(f, [f"iss = {claims.iss} is not a consumer key of this org"])
    return f
