"""Just enough SOQL for a session check: ``SELECT <fields> FROM <object> [... LIMIT n]``.

The simulated org holds one Organization row and one User row (the caller); every other
object is empty. ``WHERE`` and ``ORDER BY`` are accepted and not evaluated. A query that
does not parse fails the way Salesforce's does (``MALFORMED_QUERY``, ``unexpected token``);
an unknown field on a known object fails with ``INVALID_FIELD`` (``No such column``).
"""

from __future__ import annotations

import re
from typing import Any

from sfdoctor.simulator.org import Org, User

_TOKEN = re.compile(r"[A-Za-z_][\w.]*|\d+|'(?:\\.|[^'\\])*'|\S")
_IDENT = re.compile(r"[A-Za-z_][\w.]*\Z")


class QueryError(Exception):
    """A query Salesforce would refuse: ``code`` is the REST ``errorCode``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _organization(org: Org) -> dict[str, Any]:
    return {
        "Id": org.org_id,
        "Name": org.name,
        "OrganizationType": "Enterprise Edition",
        "InstanceName": "SIM1",
        "IsSandbox": False,
        "NamespacePrefix": None,
        "Country": "US",
        "DefaultLocaleSidKey": "en_US",
        "LanguageLocaleKey": "en_US",
        "TimeZoneSidKey": "America/Los_Angeles",
        "TrialExpirationDate": None,
    }


def _user(user: User) -> dict[str, Any]:
    return {
        "Id": user.user_id,
        "Username": user.username,
        "Name": user.display_name,
        "FirstName": user.first_name,
        "LastName": user.last_name,
        "Email": user.email,
        "IsActive": user.active,
        "UserType": "Standard",
        "TimeZoneSidKey": "America/Los_Angeles",
        "LanguageLocaleKey": "en_US",
    }


def _unexpected(token: str | None) -> QueryError:
    return QueryError("MALFORMED_QUERY", f"unexpected token: {token or '<EOF>'}")


def _parse(q: str) -> tuple[list[str], str, int | None]:
    """The selected fields, the object and the LIMIT (None when absent)."""
    tokens = _TOKEN.findall(q)
    if not tokens:
        # INFERRED wording for an empty q (no capture found).
        raise QueryError("MALFORMED_QUERY", "A query string has to be specified")
    if tokens[0].upper() != "SELECT":
        raise _unexpected(tokens[0])
    fields: list[str] = []
    i = 1
    while True:
        tok = tokens[i] if i < len(tokens) else None
        if tok is None or not _IDENT.match(tok) or tok.upper() == "FROM":
            raise _unexpected(tok)
        fields.append(tok)
        i += 1
        nxt = tokens[i] if i < len(tokens) else None
        if nxt == ",":
            i += 1
            continue
        if nxt is not None and nxt.upper() == "FROM":
            break
        raise _unexpected(nxt)
    obj = tokens[i + 1] if i + 1 < len(tokens) else None
    if obj is None or not _IDENT.match(obj):
        raise _unexpected(obj)
    rest = [t.upper() for t in tokens[i + 2 :]]
    limit = None
    if "LIMIT" in rest:
        j = rest.index("LIMIT")
        value = rest[j + 1] if j + 1 < len(rest) else None
        if value is None or not value.isdigit():
            raise _unexpected(value)
        limit = int(value)
    return fields, obj, limit


def run_query(q: str, org: Org, user: User, version: str) -> dict[str, Any]:
    """The query result Salesforce returns for ``q``, or :class:`QueryError`."""
    fields, obj, limit = _parse(q)
    rows = {"organization": (_organization(org), "Organization"), "user": (_user(user), "User")}
    record, type_name = rows.get(obj.lower(), (None, obj))
    records = []
    if record is not None and limit != 0:
        known = {name.lower(): name for name in record}
        out: dict[str, Any] = {
            "attributes": {
                "type": type_name,
                "url": f"/services/data/v{version}/sobjects/{type_name}/{record['Id']}",
            }
        }
        for name in fields:
            if name.lower() not in known:
                raise QueryError(
                    "INVALID_FIELD",
                    f"No such column '{name}' on entity '{type_name}'. If you are attempting "
                    "to use a custom field, be sure to append the '__c' after the custom "
                    "field name. Please reference your WSDL or the describe call for the "
                    "appropriate names.",
                )
            canonical = known[name.lower()]
            out[canonical] = record[canonical]
        records.append(out)
    return {"totalSize": len(records), "done": True, "records": records}
