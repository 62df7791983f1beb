"""The login flows of ``check``: one module per flow, and what they share.

Each flow function takes the run's shared state (:class:`Run`), sends its login(s) through
:mod:`sfdoctor.probes`, verifies the session (:mod:`sfdoctor.check.flows.verify`), and appends
what it saw to the run's checks, findings and attempts. May import what ``check`` may.
"""
