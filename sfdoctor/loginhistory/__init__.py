"""Login History and Event Log File exports: the streaming reader, the bounded tally and the
triage summary (and, beside them, the audit of the 2027 retirements).

Reading, a stage per module: ``source`` opens a path or standard input (gzip, sniffing) and
``decoding`` turns its bytes into text; ``header`` finds the header line and ``layouts``
tells the export kind and its columns from it; ``rows`` iterates the data rows (lines
capped); ``statuses`` classifies a status and ``clock`` reads times. ``errors`` holds
:class:`~sfdoctor.loginhistory.errors.InputError`. Triage: ``tally`` counts in one pass,
``summarize`` builds the ``summary`` records (with ``causes``, ``findings``, ``fixes`` and
``display``, which redacts and trims what came from the file).

May import records, ``diagnosis`` (to classify a status) and ``output.redact``. Never
``probes`` or ``check``: exports are read, never fetched here.
"""
