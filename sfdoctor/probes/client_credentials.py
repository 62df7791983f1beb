"""The OAuth 2.0 client credentials flow: one POST to the My Domain token endpoint.

The token is issued for the connected app's Run As user. The flow is refused at the generic
login hosts (``login.salesforce.com``, ``test.salesforce.com``): config lint stops that
before anything is sent. Never retried.
"""

from __future__ import annotations

from sfdoctor.models import Secret
from sfdoctor.probes.http import Transport
from sfdoctor.probes.password import Login, token_request

GRANT_TYPE = "client_credentials"


def client_credentials_login(
    transport: Transport, login_url: str, *, client_id: str, client_secret: Secret
) -> Login:
    """POST ``grant_type=client_credentials`` with the consumer key and secret."""
    return token_request(
        transport,
        login_url,
        {
            "grant_type": GRANT_TYPE,
            "client_id": client_id,
            "client_secret": client_secret.reveal(),
        },
    )
