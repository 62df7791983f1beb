"""Did-you-mean hints for names typed on the command line (scenarios, cause ids).

Standard library only: ``explain --cause`` uses it on its lean start-up path.
"""

from __future__ import annotations


def did_you_mean(given: str, known: list[str], listing: str) -> str:
    """A hint naming the known names closest to ``given`` (``stale_token`` -> ``stale-token``;
    ``security_token`` -> ``security_token_required``), then where they are all listed."""
    import difflib

    def norm(text: str) -> str:
        return text.strip().lower().replace("_", "-")

    wanted = norm(given)
    # Names that contain what was typed come first, in their own order; then the close ones.
    close = [k for k in known if len(wanted) >= 3 and wanted in norm(k)]
    close += difflib.get_close_matches(wanted, [norm(k) for k in known], n=3, cutoff=0.6)
    by_norm = {norm(k): k for k in known}
    names = list(dict.fromkeys(by_norm.get(c, c) for c in close))[:3]
    if not names:
        return listing
    return f"did you mean {' or '.join(names)}? ({listing})"
