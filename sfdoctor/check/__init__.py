"""The login pipeline of ``sfdoctor check``: configuration, lint, the network stage, the login
flows, the differential and the session verification, and the deprecation radar.

May import: records (models, report, status, errors, hosts), ``probes`` (to talk to the
network), ``diagnosis`` (to name causes) and ``output.redact``. Never a subcommand or a
renderer: the command that runs the pipeline hands its result to ``output``.
"""
