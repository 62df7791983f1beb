"""Layout benchmark: does `explain` still read a dev text once a page, a terminal or a logger
has laid it out differently?

The same error reaches sfdoctor wrapped at a page's width, broken mid-word by a console,
with doubled spaces, behind a log line's prefix or an exception's name, in quotes, with
curly quotes, with a word bolded in HTML or Markdown, with ``<br>`` line breaks, as a JSON
string, HTML-escaped, with a question on the next line, between two log lines, with a web
page's zero-width spaces, behind Python's, syslog's or Docker Compose's line prefixes, as a
JSON log record, with apostrophes escaped, inside PowerShell's report of a failed method call,
or as UTF-8 shown byte by byte (a UTF-8 export opened as Windows-1252). For each such layout
this prints how many of the dev texts `explain` answers right as written keep a right answer
once laid out so. Held-out texts are never read.

    python bench/layout.py [--show N]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.accuracy import answer, load, score, split  # noqa: E402

_STAMP = "2026-05-01 12:00:00,123 ERROR [main] com.acme.Sync - "
_WORD = re.compile(r"\b(password|token|session|expired|invalid|login|grant|client)\b", re.I)


def _each_line(prefix: str, text: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def _word_wrap(text: str, width: int = 60) -> str:
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
        for line in text.split("\n")
    )


def _console(text: str, width: int = 76) -> str:
    return "\n".join(
        line[i : i + width] for line in text.split("\n") for i in range(0, max(len(line), 1), width)
    )


LAYOUTS: dict[str, Callable[[str], str]] = {
    "wrapped at 60 columns": _word_wrap,
    "broken mid-word at 76 columns": _console,
    "double spaces": lambda t: t.replace(" ", "  "),
    "log line prefix": lambda t: _STAMP + t,
    "exception name": lambda t: "Exception: " + t,
    "in quotes": lambda t: f'"{t}"',
    "curly quotes": lambda t: t.replace("'", "\u2019"),
    "two words bolded (HTML)": lambda t: _WORD.sub(r"<b>\1</b>", t, count=2),
    "two words bolded (Markdown)": lambda t: _WORD.sub(r"**\1**", t, count=2),
    "<br> line breaks": lambda t: "<p>" + t.replace("\n", "<br>\n") + "</p>",
    "a JSON string": json.dumps,
    "HTML-escaped": html.escape,
    "a question on the next line": lambda t: t + "\nAny idea what is wrong? It worked yesterday.",
    "a sentence before it": lambda t: "I keep getting this error when the job runs: " + t,
    "a sentence on the line above": lambda t: "I keep getting this error when the job runs:\n" + t,
    "a numbered list's item": lambda t: "1. " + t,
    "between two log lines": lambda t: f"{_STAMP}sync started\n{_STAMP}{t}\n{_STAMP}sync ended",
    "zero-width spaces (a web page)": lambda t: t.replace(" ", " \u200b"),
    "Python logging's default format": lambda t: _each_line("ERROR:sync:", t),
    "syslog lines": lambda t: _each_line("Dec  2 14:00:01 host1 sync[4121]: ", t),
    "Docker Compose lines": lambda t: _each_line("sync-1  | ", t),
    "a JSON log record": lambda t: json.dumps({"level": 50, "name": "sync", "msg": t}),
    "apostrophes escaped (Node)": lambda t: t.replace("'", "\\'"),
    "PowerShell method call": lambda t: f'Exception calling "Login" with "2" argument(s): "{t}"',
    "UTF-8 shown as Windows-1252": lambda t: "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
        for b in t.encode("utf-8")
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print N lost texts per layout")
    args = parser.parse_args(argv)
    right = [
        e for e in load() if split(e["source"]) == "dev" and score(e, answer(e["text"])) != "wrong"
    ]
    print(f"dev texts answered right as written: {len(right)}")
    for name, layout in LAYOUTS.items():
        lost = [e for e in right if score(e, answer(layout(e["text"]))) == "wrong"]
        kept = len(right) - len(lost)
        print(f"  {name:32s} kept {kept}/{len(right)} = {kept / len(right):.1%}")
        for e in lost[: args.show]:
            print(f"      {e['id']}: {e['text'][:100]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
