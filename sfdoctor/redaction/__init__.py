"""The one redaction point: every text that leaves sfdoctor, and every text the diagnosis
reads, passes through :func:`redact` or a :class:`Redactor` first.

Three layers, one module each: the run's known secret values in every encoding a server may
echo them (:mod:`.known`, the :class:`Redactor`); secrets pasted without sfdoctor being told
(:mod:`.paste`, :func:`redact`, which asks :mod:`.names` which fields are secret and
:mod:`.values` where their values end); with ``--anonymize``, what identifies the customer
(:mod:`.anonymize`).

A floor below every stage (check, probes, diagnosis, loginhistory, output all import it).
May import the standard library, :mod:`sfdoctor.lazyre` and :mod:`sfdoctor.hosts` only.
"""

from sfdoctor.redaction.known import Redactor
from sfdoctor.redaction.names import secret_name
from sfdoctor.redaction.paste import redact
from sfdoctor.redaction.values import MASK

__all__ = ["MASK", "Redactor", "redact", "secret_name"]
