"""The only code that talks to the network: one module per flow, plus session checks.

Probes never print and never judge: an answer or a fault comes back as a value. May import
records, ``hosts`` and ``output.redact`` (the trace is redacted before it is kept); never
``diagnosis``, ``check``, the renderers or rich.
"""
