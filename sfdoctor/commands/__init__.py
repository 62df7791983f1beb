"""One module per subcommand, each exposing a function that returns an exit status, and
``arguments`` (each subcommand's flags, built only for the command that runs).

Thin: they wire the stages together. May import every package of sfdoctor; nothing but
``cli`` imports them.
"""
