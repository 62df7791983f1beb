"""Write kb.json from the TOML sources: ``python -m sfdoctor.diagnosis.knowledge.build``.

Run it after editing causes.toml or signatures.toml (the tests fail until you do). The
file is the TOML's data as JSON, which the standard library parses an order of magnitude
faster than TOML; it carries the TOML's checksum so a stale copy is never used.
"""

from __future__ import annotations

import json

from sfdoctor.diagnosis.knowledge.loader import COMPILED, check_patterns, load, read_raw


def compiled_text() -> str:
    """The kb.json text for the current TOML sources."""
    causes, signatures, digest = read_raw(allow_compiled=False)
    doc = {"checksum": digest, "causes": causes, "signatures": signatures}
    return json.dumps(doc, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main() -> int:
    load.cache_clear()
    check_patterns(load())  # validate before writing
    with open(COMPILED, "w", encoding="utf-8") as f:
        f.write(compiled_text())
    print(f"wrote {COMPILED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
