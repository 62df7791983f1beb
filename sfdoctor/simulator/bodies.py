"""The bodies of successful answers, built from the org in Salesforce's shapes.

Failures come from the fixtures (:mod:`responses`); a success carries values of this org
(ids, URLs, a fresh access token), so it is built here, field for field as Salesforce
sends it. Sources of each shape are named at each function; details not seen in a real
response are marked ``INFERRED``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from xml.sax.saxutils import escape

from sfdoctor.simulator import responses as R
from sfdoctor.simulator.org import Org, User, id18
from sfdoctor.simulator.responses import Answer, json_answer, load

_TOKEN_ALPHABET = string.ascii_letters + string.digits + "._"
PROFILE_ID15 = "00e8d000000Intg"


def new_access_token(org: Org) -> str:
    """A fresh session id in Salesforce's form: ``<15-char org id>!<opaque part>``."""
    opaque = "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(94))
    return f"{org.id15}!AQ{opaque}"


def signature(client_secret: str, identity_url: str, issued_at: str) -> str:
    """Base64 HMAC-SHA256 of ``id + issued_at`` keyed with the consumer secret (research §5)."""
    digest = hmac.new(
        client_secret.encode(), (identity_url + issued_at).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def identity_url(base_url: str, org: Org, user: User) -> str:
    """The identity URL (``id``) of ``user``: ``<host>/id/<18-char org id>/<18-char user id>``."""
    return f"{base_url}/id/{org.org_id}/{user.user_id}"


def token_success(
    base_url: str, org: Org, user: User, access_token: str, client_secret: str, issued_at: str
) -> Answer:
    """The username-password token response (fields and order as ``ok--password-grant-success``).

    ``base_url`` serves as both the login host (in ``id``) and the instance URL. The
    client credentials flow answers the same way (INFERRED: with ``signature`` and
    ``issued_at``, as the password flow does).
    """
    ident = identity_url(base_url, org, user)
    payload = {
        "access_token": access_token,
        "instance_url": base_url,
        "id": ident,
        "token_type": "Bearer",
        "issued_at": issued_at,
        "signature": signature(client_secret, ident, issued_at),
    }
    answer = json_answer(payload)
    return Answer(200, load(R.OAUTH_SUCCESS).content_type, answer.body)


def jwt_token_success(base_url: str, org: Org, user: User, access_token: str) -> Answer:
    """The JWT bearer token response: ``access_token, scope, instance_url, id, token_type``
    and no ``signature``/``issued_at`` (the fields a published JWT-flow example shows,
    oschweitzer/salesforce-jwt-bearer-token-flow; research §5). INFERRED: the scope value.
    """
    payload = {
        "access_token": access_token,
        "scope": "api",
        "instance_url": base_url,
        "id": identity_url(base_url, org, user),
        "token_type": "Bearer",
    }
    answer = json_answer(payload)
    return Answer(200, load(R.OAUTH_SUCCESS).content_type, answer.body)


def soap_login_success(
    base_url: str, org: Org, user: User, session_id: str, api_version: str
) -> Answer:
    """The partner ``loginResponse`` (SOAP API guide LoginResult; captured examples in client
    test suites). INFERRED: the ``userInfo`` values (currency, locale, skin) are typical ones.
    """
    server = f"{base_url}/services/Soap/u/{api_version}/{org.id15}"
    metadata = f"{base_url}/services/Soap/m/{api_version}/{org.id15}"
    info = {
        "accessibilityMode": "false",
        "chatterExternal": "false",
        "currencySymbol": "$",
        "orgAttachmentFileSizeLimit": "5242880",
        "orgDefaultCurrencyIsoCode": "USD",
        "orgDefaultCurrencyLocale": "en_US",
        "orgDisallowHtmlAttachments": "false",
        "orgHasPersonAccounts": "false",
        "organizationId": org.org_id,
        "organizationMultiCurrency": "false",
        "organizationName": org.name,
        "profileId": id18(PROFILE_ID15),
        "roleId": None,
        "sessionSecondsValid": "7200",
        "userDefaultCurrencyIsoCode": None,
        "userEmail": user.email,
        "userFullName": user.display_name,
        "userId": user.user_id,
        "userLanguage": "en_US",
        "userLocale": "en_US",
        "userName": user.username,
        "userTimeZone": "America/Los_Angeles",
        "userType": "Standard",
        "userUiSkin": "Theme3",
    }
    user_info = "".join(
        f'<{k} xsi:nil="true"/>' if v is None else f"<{k}>{escape(v)}</{k}>"
        for k, v in info.items()
    )
    expired = "true" if user.password_expired else "false"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns="urn:partner.soap.sforce.com" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse>'
        f"<result><metadataServerUrl>{escape(metadata)}</metadataServerUrl>"
        f"<passwordExpired>{expired}</passwordExpired><sandbox>false</sandbox>"
        f"<serverUrl>{escape(server)}</serverUrl><sessionId>{session_id}</sessionId>"
        f"<userId>{user.user_id}</userId><userInfo>{user_info}</userInfo></result>"
        "</loginResponse></soapenv:Body></soapenv:Envelope>"
    )
    return Answer(
        200, load("soap/security_token_required--must-use-security-token-2016").content_type, body
    )


def _urls(base_url: str, org: Org, user: User) -> dict[str, str]:
    # Salesforce leaves the literal "{version}" in these unless ?version= is given.
    data = f"{base_url}/services/data/v{{version}}"
    return {
        "enterprise": f"{base_url}/services/Soap/c/{{version}}/{org.id15}",
        "metadata": f"{base_url}/services/Soap/m/{{version}}/{org.id15}",
        "partner": f"{base_url}/services/Soap/u/{{version}}/{org.id15}",
        "rest": f"{data}/",
        "sobjects": f"{data}/sobjects/",
        "search": f"{data}/search/",
        "query": f"{data}/query/",
        "recent": f"{data}/recent/",
        "tooling_soap": f"{base_url}/services/Soap/T/{{version}}/{org.id15}",
        "tooling_rest": f"{data}/tooling/",
        "profile": f"{base_url}/{user.user_id}",
        "feeds": f"{data}/chatter/feeds",
        "groups": f"{data}/chatter/groups",
        "users": f"{data}/chatter/users",
        "feed_items": f"{data}/chatter/feed-items",
        "feed_elements": f"{data}/chatter/feed-elements",
        "custom_domain": base_url,
    }


def identity(base_url: str, org: Org, user: User) -> Answer:
    """The identity URL's JSON (shape of a captured response in SwiftlySalesforce's tests,
    ``Tests/SwiftlySalesforceTests/MockIdentity.json``; Salesforce Help "Identity URLs")."""
    photo = f"{base_url}/profilephoto/005/"
    return json_answer(
        {
            "id": identity_url(base_url, org, user),
            "asserted_user": True,
            "user_id": user.user_id,
            "organization_id": org.org_id,
            "username": user.username,
            "nick_name": user.username.split("@")[0],
            "display_name": user.display_name,
            "email": user.email,
            "email_verified": True,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "timezone": "America/Los_Angeles",
            "photos": {"picture": f"{photo}F", "thumbnail": f"{photo}T"},
            "addr_street": None,
            "addr_city": None,
            "addr_state": None,
            "addr_country": "US",
            "addr_zip": None,
            "mobile_phone": None,
            "mobile_phone_verified": False,
            "is_lightning_login_user": False,
            "status": {"created_date": None, "body": None},
            "urls": _urls(base_url, org, user),
            "active": user.active,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": -28800000,
            "last_modified_date": "2026-01-15T09:30:00Z",
            "is_app_installed": True,
        }
    )


def user_record(version: str, user: User) -> Answer:
    """``GET /services/data/vXX.X/sobjects/User/{id}``: the record's fields (REST API Developer
    Guide, "sObject Rows"). The sf CLI reads ``Username`` from it after a login (@salesforce/core
    ``AuthInfo.retrieveUserInfo``). INFERRED: only these fields; a real record has dozens more."""
    return json_answer(
        {
            "attributes": {
                "type": "User",
                "url": f"/services/data/v{version}/sobjects/User/{user.user_id}",
            },
            "Id": user.user_id,
            "Username": user.username,
            "FirstName": user.first_name,
            "LastName": user.last_name,
            "Name": user.display_name,
            "Email": user.email,
            "IsActive": user.active,
        }
    )


def userinfo(base_url: str, org: Org, user: User) -> Answer:
    """The OpenID Connect userinfo JSON (Salesforce's claims: ``sub`` is the identity URL)."""
    photo = f"{base_url}/profilephoto/005/"
    return json_answer(
        {
            "sub": identity_url(base_url, org, user),
            "user_id": user.user_id,
            "organization_id": org.org_id,
            "preferred_username": user.username,
            "nickname": user.username.split("@")[0],
            "name": user.display_name,
            "email": user.email,
            "email_verified": True,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "zoneinfo": "America/Los_Angeles",
            "photos": {"picture": f"{photo}F", "thumbnail": f"{photo}T"},
            "profile": f"{base_url}/{user.user_id}",
            "picture": f"{photo}F",
            "address": {"country": "US"},
            "is_salesforce_integration_user": False,
            "urls": _urls(base_url, org, user),
            "active": user.active,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": -28800000,
            "updated_at": "2026-01-15T09:30:00Z",
            "is_app_installed": True,
        }
    )


def release_label(version: int) -> str:
    """The release name of API version ``version`` (31 -> "Summer '14", 65 -> "Winter '26").

    Three releases a year, Winter, Spring, Summer; Winter 'YY ships in the autumn before.
    """
    t = version - 29
    season = ("Winter", "Spring", "Summer")[t % 3]
    return f"{season} '{14 + t // 3:02d}"


def versions(org: Org, minimum: float) -> Answer:
    """``GET /services/data/``: every version from the oldest supported to the org's latest."""
    return json_answer(
        [
            {"label": release_label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
            for v in range(int(minimum), int(org.api_version_max) + 1)
        ]
    )


def version_root(version: str) -> Answer:
    """``GET /services/data/vNN.0``: the resources of that version (a subset)."""
    base = f"/services/data/v{version}"
    names = ("limits", "query", "queryAll", "search", "sobjects", "tooling", "recent")
    return json_answer({name: f"{base}/{name}" for name in names})


def limits(org: Org) -> Answer:
    """``GET /limits``: DailyApiRequests from the org's counter, other limits typical."""

    def limit(maximum: int, remaining: int | None = None) -> dict[str, int]:
        return {"Max": maximum, "Remaining": maximum if remaining is None else remaining}

    return json_answer(
        {
            "ConcurrentAsyncGetReportInstances": limit(200),
            "ConcurrentSyncReportRuns": limit(20),
            "DailyApiRequests": limit(
                org.api_request_max, max(0, org.api_request_max - org.api_requests_used)
            ),
            "DailyAsyncApexExecutions": limit(250000),
            "DailyBulkApiBatches": limit(15000),
            "DailyBulkV2QueryJobs": limit(10000),
            "DataStorageMB": limit(5, 3),
            "FileStorageMB": limit(20),
            "HourlyDashboardRefreshes": limit(200),
            "MassEmail": limit(10),
            "SingleEmail": limit(15),
        }
    )
