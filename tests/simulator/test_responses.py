"""Answers come from the fixtures, found in a checkout and in an installed wheel."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sfdoctor.simulator import responses as R
from tests.conftest import FIXTURES, ROOT


def test_fixtures_are_found_in_the_checkout() -> None:
    assert R.fixtures_dir() == FIXTURES


@pytest.mark.parametrize("name", R.SERVED)
def test_every_served_fixture_loads_as_captured(name: str) -> None:
    answer = R.load(name)
    captured = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["http"]
    assert (answer.status, answer.content_type, answer.body) == (
        captured["status"],
        captured["content_type"],
        captured["body"],
    )
    assert answer.source == name


def test_served_names_cover_the_families() -> None:
    families = {name.split("/")[0] for name in R.SERVED}
    assert families == {"oauth", "soap", "rest"}
    assert len(R.SERVED) == len(set(R.SERVED)) >= 30


def test_rest_error_keeps_code_and_status() -> None:
    answer = R.rest_error(R.REST_MALFORMED_QUERY, "unexpected token: FRM")
    assert answer.status == 400
    assert json.loads(answer.body) == [
        {"message": "unexpected token: FRM", "errorCode": "MALFORMED_QUERY"}
    ]
    captured = json.loads(R.load(R.REST_MALFORMED_QUERY).body)[0]["message"]
    assert captured.startswith("unexpected token: ")  # the wording the simulator follows


def test_soap_fault_message_is_escaped() -> None:
    answer = R.soap_fault(R.SOAP_UNKNOWN_EXCEPTION, 'bad "x" & <y>')
    assert answer.status == 500
    assert answer.body.count("bad &quot;x&quot; &amp; &lt;y&gt;") == 2  # faultstring + detail
    assert "<faultcode>UNKNOWN_EXCEPTION</faultcode>" in answer.body


def test_cli_start_up_does_not_import_the_simulator() -> None:
    code = (
        "import sys, sfdoctor.cli; "
        "bad = [m for m in sys.modules if m.startswith(('sfdoctor.simulator', 'http.server'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_simulator_does_not_know_how_sfdoctor_judges() -> None:
    """No module of the simulator imports the diagnosis (or the probes)."""
    code = (
        "import sys, pkgutil, importlib, sfdoctor.simulator as s\n"
        "for m in pkgutil.iter_modules(s.__path__):\n"
        "    importlib.import_module(s.__name__ + '.' + m.name)\n"
        "s.expect.expectations(s.SCENARIOS['jwt-healthy'])\n"
        "banned = ('classify', 'evidence', 'findings', 'knowledge', 'probes', 'flows')\n"
        "bad = [m for m in sys.modules if m.split('.')[:2] in [['sfdoctor', b] for b in banned]]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
