"""``sfdoctor audit``: which integrations the 2027 retirements break, from exports.

A stage per module: ``columns`` reads an export's header into the columns the audit needs
(Setup > Login History downloads, ``LoginHistory`` query exports, Event Log File ``Login``
and ``ApiTotalUsage`` CSVs); ``codes`` turns the codes and labels of those files into one
vocabulary and tells how each integration logs in; ``tally`` counts every row in one pass,
bounded, into the records of ``integration``; ``recipes`` says what to do; ``summarize``
builds the ``summary`` records, judged against :mod:`sfdoctor.diagnosis.retirements`.

May import records, the reader modules of :mod:`sfdoctor.loginhistory`, ``diagnosis`` (the
retirement table) and ``redaction``. Never ``probes``, ``check`` or ``output``.
"""
