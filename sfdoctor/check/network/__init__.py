"""The network stage of ``check``: is this connection fit to carry credentials?

Before the first login, and with no credential sent, :func:`preflight` checks the route
requests will take: the proxy and CA bundle the environment names (``environment``), then
DNS and TCP directly (``direct``) or the proxy's tunnel (``tunnel``), then the TLS handshake
and its certificate (``tls``); ``stage`` decides which, ``recorder`` keeps the lines and
findings. After the first answer, :func:`clock_check` compares its ``Date`` with this
machine's clock (``clock``). The sockets themselves live in :mod:`sfdoctor.probes.connect`;
this package decides which steps to take, as requests would, and what each outcome means.

May import what ``check`` may: records (``models``), ``hosts``, ``probes.connect`` and
``probes.http`` (its user agent), ``diagnosis.findings``, ``redaction``. Its modules import
one another by their full names, never this package, which only re-exports the stage's
entry points and the route the transport must follow (``proxy_for``, ``ca_bundle``,
``proxy_secrets``).
"""

from sfdoctor.check.network.clock import clock_check
from sfdoctor.check.network.environment import ca_bundle, proxy_for, proxy_secrets
from sfdoctor.check.network.recorder import NetworkResult
from sfdoctor.check.network.stage import preflight

__all__ = ["NetworkResult", "ca_bundle", "clock_check", "preflight", "proxy_for", "proxy_secrets"]
