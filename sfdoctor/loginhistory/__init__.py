"""Login History and Event Log File exports: the streaming reader, the bounded tally and the
triage summary (and, beside them, the audit of the 2027 retirements).

May import records, ``diagnosis`` (to classify a status) and ``output.redact``. Never
``probes`` or ``check``: exports are read, never fetched here.
"""
