"""The closest known texts to a paste no signature matched: never a dead end.

A small TF-IDF index over word n-grams of the fixtures and the corpus's dev set, built by
``python -m sfdoctor.diagnosis.knowledge.build`` into ``knowledge/nearest.json`` and read
only when nothing matched (loading it costs nothing when a signature matches). Its answers
are hints at low confidence, never a diagnosis: the text shares words with a known error,
no more.

Pure and offline. Every pattern here is linear in the text.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from functools import cache
from typing import Any, NamedTuple

from sfdoctor.diagnosis.knowledge.sources import HERE

INDEX = os.path.join(HERE, "nearest.json")
MIN_SCORE = 0.2
"""Below this cosine similarity a known text is not worth naming."""
_MAX_CHARS = 4096
_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*|[^\x00-\x7f\W\d_]")
_STOP = frozenset(
    "a an and are at be by for from in is it of on or the this to was with you your".split()
)

NEXT_STEPS = (
    "Setup > Login History (or the LoginHistory object): the Status of the attempt, at the "
    'time it failed, names the cause (sfdoctor explain "<status>" explains it).',
    "The raw HTTP answer: rerun the client with its verbose or debug logging, or run "
    "`sfdoctor check -v` with the same settings, and explain that answer instead.",
)
"""What to collect when nothing matched, most useful first."""


class Neighbour(NamedTuple):
    """A known text close to the paste: its cause, how close, an excerpt and its source."""

    cause: str
    score: float
    text: str
    source: str


def terms(text: str) -> Counter[str]:
    """Word unigrams and bigrams of ``text`` (lower-cased; CJK characters count as words)."""
    words = [w for w in _TOKEN.findall(text[:_MAX_CHARS].lower()) if w not in _STOP]
    grams: Counter[str] = Counter(words)
    grams.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return grams


def vector(
    counts: Counter[str], idf: dict[str, float], keep: int | None = None
) -> dict[str, float]:
    """The L2-normalised TF-IDF vector of ``counts`` over the vocabulary ``idf``."""
    weights = {t: (1 + math.log(n)) * idf[t] for t, n in counts.items() if t in idf}
    if keep is not None and len(weights) > keep:
        weights = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:keep])
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def build(docs: list[tuple[str, str, str]], keep: int = 24) -> dict[str, Any]:
    """The index of ``(cause, text, source)`` documents (run by the knowledge-base build)."""
    counted = [terms(text) for _, text, _ in docs]
    df: Counter[str] = Counter()
    for c in counted:
        df.update(c.keys())
    n = len(docs)
    idf = {t: round(math.log((n + 1) / (k + 1)) + 1, 3) for t, k in df.items()}
    out = []
    for (cause, text, source), c in zip(docs, counted, strict=True):
        vec = vector(c, idf, keep)
        excerpt = " ".join(text.split())
        out.append(
            {
                "cause": cause,
                "source": source,
                "text": excerpt if len(excerpt) <= 160 else excerpt[:159] + "\u2026",
                "terms": {t: round(w, 3) for t, w in vec.items()},
            }
        )
    used = {t for d in out for t in d["terms"]}
    return {"idf": {t: w for t, w in sorted(idf.items()) if t in used}, "docs": out}


@cache
def _index() -> dict[str, Any]:
    with open(INDEX, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def nearest(text: str, k: int = 3) -> list[Neighbour]:
    """Up to ``k`` known texts closest to ``text``, one per cause, closest first."""
    try:
        index = _index()
    except (OSError, ValueError):
        return []
    query = vector(terms(text), index["idf"])
    if not query:
        return []
    scored = []
    for doc in index["docs"]:
        score = sum(w * doc["terms"].get(t, 0.0) for t, w in query.items())
        if score >= MIN_SCORE:
            scored.append((score, doc))
    scored.sort(key=lambda sd: -sd[0])
    # Closest first, each cause once with its closest text: the order the similarities
    # shown beside them promise. Letting the five closest texts vote (a cause several
    # close texts share first) named the label first once more in 218 dev texts no
    # signature matched (42 against 41, leave-one-source-out, bench/nearest_hints.py),
    # and listed a cause at 0.25 above one at 0.47 when near-copies of one text voted.
    # Four-letter word pieces as terms named the label first more often but gave hints to
    # plain programming errors ("KeyError: 'foo'"), so words and word pairs are the terms.
    best: dict[str, tuple[float, dict[str, Any]]] = {}
    for score, doc in scored:
        best.setdefault(doc["cause"], (score, doc))  # dicts keep order: closest first
    return [
        Neighbour(cause, round(score, 2), doc["text"], doc["source"])
        for cause, (score, doc) in list(best.items())[:k]
    ]
