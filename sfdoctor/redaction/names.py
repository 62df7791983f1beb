"""Which field names are secret: :func:`secret_name`.

One answer for every place a field is written — JSON, XML, forms, env lines, YAML, logs,
command-line flags — so ``password``, ``client_secret``, ``clientSecret``, ``SF_PASSWORD``,
``refreshToken`` and ``X-SFDC-Session`` are masked alike wherever they are pasted.
"""

from __future__ import annotations

from sfdoctor.lazyre import LazyPattern

# A name is secret when its last word is one of these (client_secret, clientSecret,
# SF_PASSWORD, newPassword, refreshToken, X-SFDC-Session: split on separators and case).
_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "token", "assertion", "sid"}
    | {"authorization", "sessionid"}
)
_SECRET_PAIRS = frozenset(
    {
        ("session", "id"),
        ("private", "key"),
        ("api", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("sfdc", "session"),
    }
)
# ... or when its last word ends with one of these (lower-case names: "clientsecret").
_SECRET_ENDINGS = ("password", "passwd", "secret", "token", "sessionid", "privatekey", "apikey")
# In "name: value" text a bare English word is prose ("the user's current token: log in"),
# so only these bare names count there; names of two words or more always do.
_BARE_LOG_NAMES = frozenset(
    {"password", "passwd", "pwd", "passphrase", "sid", "sessionid", "authorization"}
)
# Upper-case names with one of these words are Salesforce error codes, never fields:
# "INVALID_SESSION_ID: Session expired", {"LOGIN_ERROR_MUST_USE_API_TOKEN": 12}. Not when an
# environment prefix says it is a variable (SF_..., SALESFORCE_...).
_CODE_WORDS = frozenset(
    {"invalid", "error", "must", "expired", "missing", "required", "exceeded", "failed"}
    | {"unsupported", "disabled", "locked"}
)
_ENV_PREFIXES = frozenset({"sf", "sfdx", "sfdc", "salesforce"})
_NAME_WORD = LazyPattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

# Words one of which every secret field name contains (a cheap test before a pass runs).
FIELD_WORDS = ("pass", "pwd", "secret", "token", "session", "sid", "assertion", "key", "auth")


def secret_name(name: str, *, log: bool = False) -> bool:
    """True when a field called ``name`` holds a secret (``password``, ``clientSecret``,
    ``SF_CLIENT_SECRET``, ``refresh_token``, ``X-SFDC-Session``, ``Authorization``, ...).

    ``log``: the name stands before ``:`` in free text, where a bare English word is not a
    field name. An upper-case error code never is (``INVALID_SESSION_ID``).
    """
    words = [w.lower() for w in _NAME_WORD.findall(name)]
    while words and words[-1].isdigit():  # password2, secret_1
        words.pop()
    if not words:
        return False
    if log and len(words) == 1 and words[0] not in _BARE_LOG_NAMES:
        return False
    if name.isupper() and words[0] not in _ENV_PREFIXES and _CODE_WORDS.intersection(words):
        return False
    last = words[-1]
    return (
        last in _SECRET_WORDS
        or tuple(words[-2:]) in _SECRET_PAIRS
        or last.endswith(_SECRET_ENDINGS)
    )
