"""The one redaction point: every text that leaves sfdoctor, and every text the diagnosis
reads, passes through :func:`redact` or a :class:`Redactor` first.

A floor below every stage (check, probes, diagnosis, loginhistory, output all import it).
May import the standard library and :mod:`sfdoctor.lazyre` only.
"""

from sfdoctor.redaction.masking import MASK, Redactor, redact, secret_name

__all__ = ["MASK", "Redactor", "redact", "secret_name"]
