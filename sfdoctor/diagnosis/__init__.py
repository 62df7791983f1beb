"""The diagnosis core: evidence -> clues -> classify -> findings, over the knowledge base.

Pure and offline: every command enters here (check with answers, explain with a paste,
triage with Login History rows). May import records (models, report, status, hosts) and its
own modules only. Never ``probes`` (no network), ``output`` (no formatting), ``check`` or a
command.
"""
