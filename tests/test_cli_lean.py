"""The lean start-up of ``sfdoctor explain`` (bench/startup.py): its own reading of the
command line must be argparse's, and it must stay lean.

:func:`sfdoctor.cli.lean_explain_args` reads a plain ``explain`` command line without
argparse and leaves every other to it; the tests below hold the two to the same result,
flag by flag and end to end.
"""

from __future__ import annotations

import gc
import io
import itertools
import json
import pickle
import random
import subprocess
import sys
from typing import NamedTuple as TypingNamedTuple

import pytest

from sfdoctor.cli import EXPLAIN_FORMATS, build_parser, lean_explain_args, main
from sfdoctor.models import NamedTuple, OutputFormat

TOKENS = [
    "x",
    "-",
    "",
    "a=b",
    "invalid_grant: ip restricted",
    "--format",
    "json",
    "console",
    "yaml",
    "--format=json",
    "--format=",
    "--cause",
    "--cause=ip_restricted",
    "--cause=",
    "ip_restricted",
    "--list",
    "--list=1",
    "--anonymize",
    "--debug",
    "--report",
    "r.md",
    "--report=r.json",
    "--",
    "-h",
    "--help",
    "--form",
    "--li",
    "--anon",
    "-x",
    "-1",
    "--version",
    "--format=-x",
    "-x y",
]


_PARSER = build_parser("explain")


def _argparse(argv: list[str]) -> dict[str, object] | None:
    """argparse's namespace for ``argv``, or None when it refuses it (or prints help)."""
    err = io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        return vars(_PARSER.parse_args(argv))
    except SystemExit:
        return None
    finally:
        sys.stderr = old


def _command_lines() -> list[list[str]]:
    lines = [list(t) for n in range(4) for t in itertools.product(TOKENS, repeat=n)]
    rng = random.Random(14)
    lines += [rng.choices(TOKENS, k=rng.randint(4, 7)) for _ in range(3000)]
    return [["explain", *line] for line in lines]


def test_the_lean_reading_is_argparse_s() -> None:
    """Wherever the lean reading answers, argparse reads the same command line the same
    way (and does not refuse it)."""
    answered = 0
    for argv in _command_lines():
        lean = lean_explain_args(argv)
        if lean is None:
            continue
        answered += 1
        assert vars(lean) == _argparse(argv), argv
    assert answered > 1000  # the comparison is not vacuous


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "x"],
        ["explain", "--format", "json", '{"error":"invalid_grant"}'],
        ["explain", "x", "--format=console"],
        ["explain", "-"],
        ["explain", "--list"],
        ["explain", "--list", "--format", "json"],
        ["explain", "--cause", "ip_restricted"],
        ["explain", "x", "--report", "a.md", "--report=b.json", "--anonymize", "--debug"],
        ["explain"],
    ],
)
def test_plain_command_lines_are_read_lean(argv: list[str]) -> None:
    lean = lean_explain_args(argv)
    assert lean is not None and vars(lean) == _argparse(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "--help"],
        ["explain", "-h"],
        ["explain", "--form", "json", "x"],  # an abbreviation
        ["explain", "--", "-x"],
        ["explain", "-x"],
        ["explain", "x", "y"],
        ["explain", "--format", "yaml", "x"],
        ["explain", "--format"],
        ["explain", "--cause", "a", "--list"],
        ["explain", "--list=1"],
        ["explain", "--cause", "-1"],
        ["--debug", "explain", "x"],
        ["check"],
        [],
    ],
)
def test_anything_else_goes_to_argparse(argv: list[str]) -> None:
    assert lean_explain_args(argv) is None


def test_the_format_choices_are_the_enum_s() -> None:
    assert EXPLAIN_FORMATS == tuple(f.value for f in OutputFormat)


END_TO_END = [
    ["explain", "invalid_grant: ip restricted"],
    [
        "explain",
        "--format",
        "json",
        '{"error":"invalid_grant","error_description":"ip restricted"}',
    ],
    ["explain", "--format=json", "nothing recognisable here"],
    ["explain", "nothing recognisable here"],
    ["explain", "--cause", "ip_restricted"],
    ["explain", "--cause=ip_restricted", "--format", "json"],
    ["explain", "--cause", "ip_restrictd"],
    ["explain", "--cause", ""],
    ["explain", "--list"],
    ["explain", "--list", "--format", "json"],
    ["explain", "--list", "x"],
    ["explain", "--cause", "ip_restricted", "x"],
    ["explain", ""],
    ["explain", "-"],
    ["explain"],
    ["explain", "--anonymize", "INVALID_LOGIN for jane@acme.example.com on na42"],
    ["explain", "--debug", "LOGIN_MUST_USE_SECURITY_TOKEN"],
    ["explain", "--list", "--report", "r.md"],
    ["explain", "--format", "yaml", "x"],
    ["explain", "--help"],
]


def _run(argv: list[str], capsys, monkeypatch, stdin: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("argv", END_TO_END, ids=lambda a: " ".join(a[1:]) or "none")
def test_lean_and_argparse_runs_agree(argv: list[str], capsys, monkeypatch) -> None:
    """The same command line, read lean and read by argparse: the same output, errors and
    exit status."""
    stdin = "Failed: API security token required\n"
    lean = _run(argv, capsys, monkeypatch, stdin)
    monkeypatch.setattr("sfdoctor.cli.lean_explain_args", lambda argv: None)
    assert _run(argv, capsys, monkeypatch, stdin) == lean


def test_lean_and_argparse_reports_agree(tmp_path, capsys, monkeypatch) -> None:
    text = '{"error":"invalid_grant","error_description":"ip restricted"}'
    written = []
    for lean in (True, False):
        if not lean:
            monkeypatch.setattr("sfdoctor.cli.lean_explain_args", lambda argv: None)
        report = tmp_path / f"{lean}.json"
        status = main(["explain", text, "--report", str(report)])
        capsys.readouterr()
        doc = json.loads(report.read_text(encoding="utf-8"))
        doc["report"].pop("generated_at", None)
        written.append((status, doc))
    assert written[0] == written[1]


def test_main_leaves_the_collector_as_it_found_it() -> None:
    out = io.StringIO()
    old, sys.stdout = sys.stdout, out
    try:
        assert gc.isenabled()
        main(["explain", "x"])
        assert gc.isenabled()
        gc.disable()
        try:
            main(["explain", "x"])
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        sys.stdout = old


# What bench/startup.py explains.
BENCH_TEXT = '{"error":"invalid_grant","error_description":"authentication failure"}'

# What `explain` must not import: each of these cost a share of its start-up budget.
HEAVY = (
    "argparse",
    "typing",
    "dataclasses",
    "datetime",
    "shutil",
    "locale",
    "contextlib",
    "importlib.util",
    "inspect",
    "pathlib",
    "sfdoctor.diagnosis.nearest",
    "sfdoctor.commands.arguments",
    "requests",
    "rich",
)


def test_explain_imports_nothing_heavy() -> None:
    argv = ["explain", "--format", "json", BENCH_TEXT]
    code = (
        "import sys\nbefore = set(sys.modules)\nfrom sfdoctor.cli import main\n"
        f"main({argv!r})\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in set(sys.modules) - before))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "LOADED:"


# --- the knowledge base: kb.json is read as it is, the TOML is validated -----------------


def test_the_toml_validates_and_kb_json_says_the_same() -> None:
    """load() trusts kb.json (the build writes it only from TOML that validates); here the
    TOML itself is validated, and must give what load() gives."""
    from sfdoctor.diagnosis.knowledge.loader import from_raw, load
    from sfdoctor.diagnosis.knowledge.sources import read_raw

    causes, signatures, _ = read_raw(allow_compiled=False)
    checked, kb = from_raw(causes, signatures, validate=True), load()
    assert kb.causes == checked.causes and kb.signatures == checked.signatures
    assert all(
        kb.candidates(s.cause, s.id) == checked.candidates(s.cause, s.id) for s in kb.signatures
    )


def test_validation_names_the_fault() -> None:
    from sfdoctor.diagnosis.knowledge.loader import KnowledgeBaseError, from_raw
    from sfdoctor.diagnosis.knowledge.sources import read_raw

    causes, signatures, _ = read_raw(allow_compiled=False)
    first = next(iter(causes))
    bad_causes = {**causes, first: {**causes[first], "colour": "red"}}
    with pytest.raises(KnowledgeBaseError, match=rf"causes.toml \[{first}\]: unknown keys"):
        from_raw(bad_causes, signatures)
    bad_signatures = [{**signatures[0], "priority": "high"}, *signatures[1:]]
    with pytest.raises(KnowledgeBaseError, match="needs an integer priority"):
        from_raw(causes, bad_signatures)
    from_raw(bad_causes, signatures, validate=False)  # kb.json's reading: no checks
    # Only a recognised text can say a login worked: a failure cause marked success is refused.
    failure = next(i for i, s in enumerate(signatures) if s["cause"] != "unknown")
    marked = [*signatures[:failure], {**signatures[failure], "success": True}]
    with pytest.raises(KnowledgeBaseError, match="only a recognised text"):
        from_raw(causes, marked + signatures[failure + 1 :])


# --- the records' NamedTuple ------------------------------------------------------------


class _Ours(NamedTuple):
    """A record."""

    a: int
    b: str = "b"
    c: tuple[int, ...] = ()

    @property
    def twice(self) -> int:
        return self.a * 2


class _Typing(TypingNamedTuple):
    """A record."""

    a: int
    b: str = "b"
    c: tuple[int, ...] = ()

    @property
    def twice(self) -> int:
        return self.a * 2


def test_records_are_typing_s_named_tuples() -> None:
    for cls in (_Ours, _Typing):
        r = cls(1)
        assert r == (1, "b", ()) and r.twice == 2 and cls.__doc__ == "A record."
        assert cls._fields == ("a", "b", "c") and cls._field_defaults == {"b": "b", "c": ()}
        assert r._replace(b="x") == (1, "x", ()) and r._asdict() == {"a": 1, "b": "b", "c": ()}
        assert cls(a=2, c=(3,)) == (2, "b", (3,)) and repr(r) == f"{cls.__name__}(a=1, b='b', c=())"
        assert cls.__mro__[1:] == (tuple, object) and cls.__module__ == __name__
        with pytest.raises(TypeError):
            cls()
    assert pickle.loads(pickle.dumps(_Ours(5))) == _Ours(5)
    assert list(_Ours.__annotations__) == list(_Typing.__annotations__)


def test_records_refuse_what_typing_refuses() -> None:
    with pytest.raises(TypeError):

        class _Bad(NamedTuple):
            a: int = 1
            b: int

    with pytest.raises(AttributeError):

        class _Worse(NamedTuple):
            a: int

            def _replace(self) -> None:  # type: ignore[override]
                pass
