"""No pattern can stall a run (issue 18): every regular expression sfdoctor runs over a
paste, a server answer or a Login History status finishes a hostile text of
:data:`~sfdoctor.diagnosis.evidence.MAX_SCAN` characters in well under a second.

The rule outlives the fix: the patterns are collected, not listed — every signature of the
knowledge base and every pattern the redaction, evidence and classification modules hold —
so a new one is held to it the day it is added. The texts come from tests/hostile_patterns.py.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import time

import pytest

from sfdoctor import redaction
from sfdoctor.diagnosis import attempts, evidence, mojibake, oneline
from sfdoctor.diagnosis import classify as classify_module
from sfdoctor.diagnosis import context as context_module
from sfdoctor.diagnosis.evidence import clues_from_response, clues_from_text
from sfdoctor.diagnosis.explain import MAX_SCAN, cut, explain_text
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.loginhistory.statuses import status_cause
from sfdoctor.redaction import Redactor, redact
from tests.hostile_patterns import GENERIC, MIXED, SIZE, deadline, hostile_texts, module_patterns

PER_TEXT = 1.0
"""Seconds one pattern may take over one hostile text (the slowest linear one: ~0.23 s, a
signature of 1,469 characters of alternatives, read case-blind; December 2026)."""
PER_PATTERN = 20.0
"""Seconds one pattern may take over all of its hostile texts together: the slowest linear
ones take 4-5.5 s over their 70-110 texts on an idle CI machine (December 2026) and twice
that on a loaded one. A super-linear pattern is caught text by text (:data:`PER_TEXT`:
quadratic on the shorter texts is still seconds); this bound catches one that is slow on
every text."""


REDACTION = [
    importlib.import_module(f"{redaction.__name__}.{m.name}")
    for m in pkgutil.iter_modules(redaction.__path__)
]
"""Every module of :mod:`sfdoctor.redaction`, found rather than listed."""


def _all_patterns() -> dict[str, re.Pattern[str]]:
    found = {
        f"signature {sig.id}": re.compile(sig.message, re.IGNORECASE)
        for sig in load().signatures
        if sig.message is not None
    }
    found.update(
        module_patterns(
            *REDACTION, evidence, classify_module, context_module, oneline, mojibake, attempts
        )
    )
    return found


PATTERNS = _all_patterns()


def test_the_collection_finds_the_patterns_of_every_layer() -> None:
    names = " ".join(PATTERNS)
    for expected in (
        "signature ",
        "paste._JSON_FIELD",
        "paste._SUBS",
        "values.LOG_END",
        "names._NAME_WORD",
        "known._HEX_ESCAPE",
        "anonymize._EMAIL",
        "evidence._WSC_MSG",
        "evidence._SCRIPT",
        "context._HTTP_LOGIN_URL",
    ):
        assert expected in names, expected
    assert len(PATTERNS) > 80


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_is_linear_on_hostile_texts(name: str) -> None:
    pattern = PATTERNS[name]
    start = time.perf_counter()
    for text in hostile_texts(pattern):
        with deadline(PER_TEXT, f"{name} on {text[:40]!r}... ({len(text)} chars)"):
            pattern.subn("", text)  # every match, as finditer and sub find them (in C)
    assert time.perf_counter() - start < PER_PATTERN


# The patterns that hung before issue 18 was fixed: the texts above must catch each of them.
HUNG = {
    "exponential: JSON field value": (
        r"(?i)([\"'](?:password|client_secret)[\"']\s*:\s*)([\"'])((?:\\.|(?!\2).)*)\2",
        0,
    ),
    "quadratic, every start: ApiFault message": (
        r"exceptionMessage='(.*?)'(?=\s*(?:\]|extendedErrorDetails|$))",
        re.S | re.M,
    ),
    "quadratic, one start: e-mail domain": (
        r"(?<![\w.+%-])((?:[A-Za-z0-9._+-]|%(?!40)[0-9A-Fa-f]{2})+)(@|%40)"
        r"((?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*)(?![\w-])",
        0,
    ),
    "quadratic, every position: JWT": (
        r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+",
        0,
    ),
}


@pytest.mark.parametrize("name", sorted(HUNG))
def test_the_hostile_texts_catch_the_patterns_that_hung(name: str) -> None:
    pattern = re.compile(*HUNG[name])
    with pytest.raises(AssertionError, match="still running"):
        for text in hostile_texts(pattern):
            with deadline(0.25, name):
                pattern.subn("", text)


# --- the pipelines, end to end -------------------------------------------------------------

TEXTS = [*MIXED, *(f * (SIZE // len(f)) for f in GENERIC)]
SECRETS = ("CanaryPassw0rd", "CanaryTok3n0123456789ABC", "CanaryConsumerSecret0001")


@pytest.mark.parametrize(
    "stage",
    ["redact", "redactor", "anonymize", "clues_from_text", "json", "html", "xml", "status"],
)
def test_every_stage_is_fast_on_every_hostile_text(stage: str) -> None:
    kb = load()
    run = {
        "redact": redact,
        "redactor": Redactor(SECRETS),
        "anonymize": Redactor(SECRETS, anonymize=True),
        "clues_from_text": lambda t: clues_from_text(t, kb.api_codes),
        "json": lambda t: clues_from_response(400, "application/json", t),
        "html": lambda t: clues_from_response(503, "text/html", t),
        "xml": lambda t: clues_from_response(500, "text/xml", t),
        "status": lambda t: status_cause(t[:40_000], kb),
    }[stage]
    for text in TEXTS:
        with deadline(2.0, f"{stage} on {text[:40]!r}..."):
            run(text)


@pytest.mark.parametrize("text", MIXED, ids=[t[:24] for t in MIXED])
def test_explain_is_fast_on_hostile_pastes_of_any_size(text: str) -> None:
    big = (text * (4 * 1024 * 1024 // len(text) + 1))[: 4 * 1024 * 1024]
    for paste in (text, big):
        with deadline(3.0, f"explain on {paste[:40]!r}... ({len(paste)} chars)"):
            explain_text(paste)


# --- the cases of the issue, each with its own number --------------------------------------


REPORTED = {
    "JSON field, 60 backslashes": (redact, '"password":"' + "\\" * 60),
    "URL password": (redact, "a." * 40000 + " ://@"),
    "JWT": (redact, "eyJ-" * 50000),
    "exceptionMessage": (
        clues_from_text,
        "exceptionCode='X' " + "exceptionMessage='" * 18000 + "x",
    ),
    "JSON object search": (lambda t: list(evidence._json_values(t)), "{" * (4 * 1024 * 1024)),
    "<script> stripping": (evidence._html_text, "<script" * 36000),
    "--anonymize e-mail": (Redactor(anonymize=True), "x@a." + "a-" * 100000 + "_"),
}


@pytest.mark.parametrize("what", sorted(REPORTED))
def test_the_reported_cases_take_milliseconds(what: str) -> None:
    run, text = REPORTED[what]
    start = time.perf_counter()
    with deadline(2.0, what):
        run(text)
    assert time.perf_counter() - start < 1.0, what


def test_deep_json_is_text_not_a_crash() -> None:
    for text in ("[" * 100000, '{"a":' * 100000, "[" * 100000 + "]" * 100000):
        result = explain_text(text)
        assert result.matches == () or result.cause
    (clue,) = clues_from_response(400, "application/json", "[" * 100000)
    assert clue.code == "invalid_json"


# --- the cap -------------------------------------------------------------------------------


def test_a_long_paste_is_cut_to_its_start_and_end_between_words() -> None:
    error = '{"error":"invalid_grant","error_description":"ip restricted"}'
    filler = "INFO nothing to see here\n" * 40000
    kept, was_cut = cut(error + "\n" + filler + "tail line")
    assert was_cut is not None and was_cut.chars > 1_000_000
    assert len(kept) <= MAX_SCAN + 16 and kept.startswith(error) and kept.endswith("tail line")
    assert "KB" in was_cut.note and str(MAX_SCAN // 2 // 1024) in was_cut.note
    assert explain_text(error + "\n" + filler).cause == "ip_restricted"
    assert explain_text(filler + error).cause == "ip_restricted"
    assert cut("short") == ("short", None)


def test_a_secret_split_by_the_cut_never_shows() -> None:
    # The cut falls inside a value: the start part masks a value cut off at its end; the end
    # part begins at a boundary, after the rest of the value.
    half = MAX_SCAN // 2
    for pad in range(half - 40, half + 10, 7):
        text = "x" * pad + " password=CanaryPassw0rdSplitByTheCut " + "y " * MAX_SCAN
        assert "Canary" not in explain_text(text).text
        text = "y " * MAX_SCAN + " password=CanaryPassw0rdSplitByTheCut" + "x" * pad
        assert "Canary" not in explain_text(text).text, pad
    key = "-----BEGIN PRIVATE KEY-----\n" + "MIIECanaryKeyLine0123456789\n" * 40
    text = "y\n" * MAX_SCAN + key + "-----END PRIVATE KEY-----\n" + "z\n" * (half - 200)
    assert "CanaryKeyLine" not in explain_text(text).text


# --- every pattern is where the collection can see it ---------------------------------------


@pytest.mark.parametrize(
    "module",
    [*REDACTION, evidence, classify_module, context_module, oneline, mojibake, attempts],
    ids=lambda m: m.__name__,
)
def test_no_pattern_is_written_inline(module) -> None:
    """A pattern written as a literal inside a function (``re.sub(r"...", ...)``) escapes the
    collection above: patterns live at module level."""
    tree = ast.parse(inspect.getsource(module))
    inline = [
        f"line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert inline == []
