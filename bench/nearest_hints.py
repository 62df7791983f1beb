"""How often the "closest known texts" hint names the right cause, when no signature matched.

For every dev-set text of the corpus that `explain` leaves unmatched and whose label is a
cause, the hints are computed with the index minus that text's own source (leave one source
out: a text must not find itself), and the label is looked for among them. Held-out texts
are never read.

    python bench/nearest_hints.py
"""

from __future__ import annotations

import os
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.accuracy import UNKNOWN, load, split  # noqa: E402


def main() -> int:
    import sfdoctor
    from sfdoctor.diagnosis import nearest as N

    full: dict[str, Any] = N._index()
    queries = [
        e
        for e in load()
        if split(e["source"]) == "dev"
        and e["label"] != UNKNOWN
        and not sfdoctor.explain(e["text"]).matches
    ]
    first = listed = silent = 0
    for e in queries:
        index = {
            "idf": full["idf"],
            "docs": [d for d in full["docs"] if d["source"] != e["source"]],
        }
        N._index = lambda index=index: index  # type: ignore[assignment]
        causes = [h.cause for h in N.nearest(e["text"])]
        silent += not causes
        first += bool(causes) and causes[0] == e["label"]
        listed += e["label"] in causes
    n = len(queries)
    print(f"dev texts with a cause that no signature matched: {n}")
    print(f"  first hint names the label:   {first} ({first / n:.1%})")
    print(f"  one of the hints names it:    {listed} ({listed / n:.1%})")
    print(f"  no hint (nothing close):      {silent} ({silent / n:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
