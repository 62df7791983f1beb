"""sfdoctor: diagnose Salesforce API authentication failures.

The public Python API is deliberately small:

>>> import sfdoctor
>>> result = sfdoctor.explain('{"error":"invalid_grant","error_description":"ip restricted"}')
>>> result.matches[0].cause
'ip_restricted'

Importing the package is cheap: nothing heavy (``requests``, ``rich``) is imported until a
command needs it.
"""

from __future__ import annotations

# NOTE: `typing` is not imported at run time: `sfdoctor --version` must stay lean.
TYPE_CHECKING = False
__version__ = "0.1.0"

if TYPE_CHECKING:
    from sfdoctor.diagnosis.explain import Explained

__all__ = ["__version__", "explain"]


def explain(text: str) -> Explained:
    """Classify a pasted Salesforce error offline and return the ranked, redacted result.

    The same classifier serves ``sfdoctor explain``; nothing is sent over the network.
    """
    from sfdoctor.diagnosis.explain import explain_text

    return explain_text(text)
