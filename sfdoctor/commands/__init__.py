"""One module per subcommand; each exposes a function returning an exit status.

Thin: they wire the stages together. May import every package of sfdoctor; nothing but
``cli`` imports them.
"""
