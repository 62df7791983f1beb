"""Write kb.json from the TOML sources: ``python -m sfdoctor.diagnosis.knowledge.build``.

Run it after editing causes.toml or signatures.toml (the tests fail until you do). The
file is the TOML's data as JSON, which the standard library parses an order of magnitude
faster than TOML; it carries the TOML's checksum so a stale copy is never used.

It also writes nearest.json, the index of known texts :mod:`sfdoctor.diagnosis.nearest`
names when no signature matches: the fixtures and the corpus's **dev** set only (a held-out
text never enters it), redacted. Run it after adding fixtures or corpus entries too: it also
writes corpus/fixture_sources.txt and each corpus entry's ``fixture_source`` flag, so the
overlap between the texts the signatures were written from and the corpus stays visible.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from sfdoctor.diagnosis.knowledge.loader import check_patterns, load
from sfdoctor.diagnosis.knowledge.sources import COMPILED, FAST, HERE, read_raw

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
HELDOUT_BELOW = 38
"""Same split as bench/accuracy.py: a source whose URL's SHA-256 starts below this byte is
held out, and stays out of every shipped file."""


def _heldout(url: str) -> bool:
    return hashlib.sha256(url.encode("utf-8")).digest()[0] < HELDOUT_BELOW


def known_texts() -> list[tuple[str, str, str]]:
    """``(cause, text, source)`` of every fixture and dev corpus entry that names a cause."""
    from sfdoctor.redaction import redact

    docs: list[tuple[str, str, str]] = []
    fixtures = os.path.join(ROOT, "fixtures")
    for folder in sorted(os.listdir(fixtures)) if os.path.isdir(fixtures) else ():
        for name in sorted(os.listdir(os.path.join(fixtures, folder))):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(fixtures, folder, name), encoding="utf-8") as f:
                fx = json.load(f)
            text = fx.get("text") or (fx.get("http") or {}).get("body") or ""
            text = text or (fx.get("transport") or {}).get("message", "")
            if fx.get("cause") not in (None, "unknown") and text and fx.get("source"):
                docs.append((fx["cause"], redact(text), fx["source"]))
    corpus = os.path.join(ROOT, "corpus", "texts.jsonl")
    if os.path.exists(corpus):
        with open(corpus, encoding="utf-8") as f:
            for line in f:
                e = json.loads(line) if line.strip() else None
                if e and e["label"] != "unknown" and not _heldout(e["source"]):
                    docs.append((e["label"], redact(e["text"]), e["source"]))
    return docs


def fixture_sources() -> list[str]:
    """Every fixture's source URL (the JSON fixtures and the catalogs' rows), sorted."""
    found: set[str] = set()
    fixtures = os.path.join(ROOT, "fixtures")
    for folder in sorted(os.listdir(fixtures)) if os.path.isdir(fixtures) else ():
        for name in sorted(os.listdir(os.path.join(fixtures, folder))):
            path = os.path.join(fixtures, folder, name)
            with open(path, encoding="utf-8") as f:
                if name.endswith(".json"):
                    rows = [json.load(f)]
                elif name.endswith(".jsonl"):
                    rows = [json.loads(line) for line in f if line.strip()]
                else:
                    continue
            found.update(r["source"] for r in rows if r.get("source"))
    return sorted(found)


def corpus_with_flags(sources: set[str]) -> str:
    """corpus/texts.jsonl's text with ``fixture_source: true`` on exactly the entries whose
    source is a fixture's."""
    out = []
    with open(os.path.join(ROOT, "corpus", "texts.jsonl"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            entry = json.loads(line)
            if entry["source"] not in sources:
                entry.pop("fixture_source", None)
            elif not entry.get("fixture_source"):
                entry["fixture_source"] = True
            out.append(json.dumps(entry, ensure_ascii=False) + "\n")
    return "".join(out)


def nearest_text() -> str:
    """The nearest.json text for the current fixtures and dev corpus."""
    from sfdoctor.diagnosis.nearest import build

    return json.dumps(build(known_texts()), ensure_ascii=False, sort_keys=True) + "\n"


def compiled_text() -> str:
    """The kb.json text for the current TOML sources."""
    from sfdoctor.diagnosis.knowledge.needles import needles, parts, requires

    causes, signatures, digest = read_raw(allow_compiled=False)
    for sig in signatures:  # each pattern's literals, so that no run computes them again
        if sig.get("message") is not None:
            sig["needles"] = list(needles(sig["message"]) or ())
            if (where := parts(sig["message"])) is not None:
                sig["parts"] = list(where)
                if (needed := requires(sig["message"])) is not None:
                    sig["requires"] = [[list(g) for g in alt] for alt in needed]
    doc = {"checksum": digest, "causes": causes, "signatures": signatures}
    return json.dumps(doc, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def fast_bytes(text: str) -> bytes:
    """kb.marshal's bytes for a kb.json text: the same document, in marshal's format 4
    (readable by every Python sfdoctor supports)."""
    import marshal

    # NOTE: each distinct string is one object, which marshal writes once and refers back to
    # (codes, families, a needle and the groups that repeat it): 14% smaller, read faster.
    # The literals' tables are written as the tuples the loader keeps (no copy at start-up).
    seen: dict[str, str] = {}

    def shared(value: Any, frozen: bool = False) -> Any:
        if isinstance(value, str):
            return seen.setdefault(value, value)
        if isinstance(value, list):
            items = [shared(v, frozen) for v in value]
            return tuple(items) if frozen else items
        if isinstance(value, dict):
            return {shared(k): shared(v, k in _TUPLES) for k, v in value.items()}
        return value

    return marshal.dumps(shared(json.loads(text)), 4)


_TUPLES = frozenset({"needles", "parts", "requires"})
"""Signature fields kb.marshal holds as (nested) tuples: what the loader keeps as they are."""


def main() -> int:
    load.cache_clear()
    check_patterns(load())  # validate before writing
    text = compiled_text()
    with open(COMPILED, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {COMPILED}")
    with open(FAST, "wb") as f:
        f.write(fast_bytes(text))
    print(f"wrote {FAST}")
    from sfdoctor.diagnosis.nearest import INDEX

    if os.path.isdir(os.path.join(ROOT, "fixtures")):
        with open(INDEX, "w", encoding="utf-8") as f:
            f.write(nearest_text())
        print(f"wrote {INDEX}")
        sources = fixture_sources()
        corpus = os.path.join(ROOT, "corpus")
        with open(os.path.join(corpus, "fixture_sources.txt"), "w", encoding="utf-8") as f:
            f.write("".join(url + "\n" for url in sources))
        text = corpus_with_flags(set(sources))
        with open(os.path.join(corpus, "texts.jsonl"), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {corpus}/fixture_sources.txt and the corpus's fixture_source flags")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
