"""The OAuth 2.0 client credentials flow: one login at the My Domain host."""

from __future__ import annotations

from sfdoctor.check.flows.common import (
    Run,
    Seen,
    attempt_record,
    enriched,
    first_login,
    login_view,
    once_findings,
)
from sfdoctor.check.flows.verify import signature_check, verify_one_login
from sfdoctor.models import Check, Mark, Secret


def client_credentials_flow(run: Run) -> Seen:
    """The client credentials flow at the My Domain: one login as the app's Run As user."""
    from sfdoctor.probes import client_credentials as cc
    from sfdoctor.probes import password as pw

    settings, checks = run.settings, run.checks
    client_secret = settings.client_secret.value
    assert isinstance(client_secret, Secret)  # lint guarantees it is set
    first, early, offered = first_login(
        run,
        lambda: cc.client_credentials_login(
            run.transport,
            run.login_url,
            client_id=settings.client_id.text,
            client_secret=client_secret,
        ),
    )
    run.attempts.append(attempt_record("client credentials", False, first))
    view = login_view(first, run.kb)
    name = "login with client credentials"
    if first.token is not None:
        judged = verify_one_login(run, name, view.summary, first.token, early, offered)
        signature_check(pw.signature_valid(first.token, client_secret), checks, run.findings)
        return Seen(offered, version_judged=judged)
    found = once_findings(view)
    extra = {
        "wrong_login_host": "the client credentials flow is served only at the org's My "
        f"Domain token endpoint; {run.login_url} is not one",
        "client_credentials_user_missing": "the connected app names no Run As user for the "
        "client credentials flow, so there is nobody to issue the token for",
        "invalid_client_secret": "SF_CLIENT_SECRET is not this connected app's consumer secret",
        "invalid_client_id": "SF_CLIENT_ID is not the consumer key of a connected app of this "
        "org (or a new app has not propagated yet: allow about 10 minutes)",
    }.get(found[0].cause)
    fix = (
        (
            "Set SF_LOGIN_URL (or --login-url) to the org's My Domain, "
            "https://MyDomainName.my.salesforce.com (Setup > My Domain shows it), and run "
            "sfdoctor check --flow client-credentials again.",
        )
        if found[0].cause == "wrong_login_host"
        else ()
    )
    if extra:
        found[0] = enriched(found[0], [extra], fix)
    checks.append(Check("login", name, Mark.FAIL, view.summary, found[0].cause))
    run.findings.extend(found)
    return Seen(offered)
