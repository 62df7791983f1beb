"""JUnit XML: one test case per check, failures carry the cause id and the remediation."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sfdoctor.commands.explain import explain_text
from sfdoctor.output import junit
from tests.render import samples


def parse(xml: str) -> ET.Element:
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- sfdoctor ')
    return ET.fromstring(xml)


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {c.get("name", ""): c for c in root.iter("testcase")}


def test_failing_check_maps_to_failure_with_cause_and_remediation() -> None:
    report = samples.failing()
    root = parse(junit.check(report, samples.banner()))
    suite = root.find("testsuite")
    assert suite is not None
    by_name = cases(root)
    # every check, plus the finding no check points at
    assert len(by_name) == len(report.checks) + 1
    failure = by_name["login with password"].find("failure")
    assert failure is not None and failure.get("type") == "security_token_required"
    assert "security_token_required" in (failure.get("message") or "")
    text = failure.text or ""
    assert "what to do:" in text and "  1. " in text and "https://" in text
    assert samples.HOSTILE in text  # escaped by the XML writer, intact when parsed
    loose = by_name["login_url_invalid"]
    assert loose.get("classname") == "sfdoctor.check.findings"
    assert loose.find("failure") is not None
    assert suite.get("tests") == str(len(by_name)) and suite.get("failures") == "2"
    assert root.get("failures") == "2"


def test_warning_is_system_out_unless_strict() -> None:
    report = samples.failing()
    limits = cases(parse(junit.check(report, samples.banner())))["API limits"]
    assert limits.find("failure") is None
    assert (limits.findtext("system-out") or "").startswith("warning: request_limit_exceeded")
    strict = cases(parse(junit.check(report, samples.banner(), strict=True)))["API limits"]
    failure = strict.find("failure")
    assert failure is not None and failure.get("type") == "request_limit_exceeded"


def test_healthy_has_no_failures_and_a_skip() -> None:
    root = parse(junit.check(samples.healthy(), samples.banner()))
    assert root.get("failures") == "0" and root.get("skipped") == "1"
    assert cases(root)["trusted network"].find("skipped") is not None


def test_banner_and_inputs_are_properties() -> None:
    root = parse(junit.check(samples.failing(), samples.banner()))
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["sfdoctor.models"] == "sfdoctor check report"
    assert props["sfdoctor.version"] == "0.1.0"
    assert props["sfdoctor.generated_at"] == "2025-06-01T12:00:00Z"
    assert "Review before sharing" in (props["sfdoctor.notice"] or "")
    assert props["input.password"] == "**** (14 characters) [env (SF_PASSWORD)]"


def test_control_characters_from_a_server_stay_well_formed() -> None:
    report = samples.failing()
    bad = report._replace(
        checks=tuple(c._replace(summary=c.summary + "\x00\x1b[31m") for c in report.checks)
    )
    parse(junit.check(bad, samples.banner()))


def test_explain_one_case_per_cause() -> None:
    result = explain_text("invalid_grant: ip restricted")
    root = parse(junit.explanation(result, samples.banner("explain")))
    failure = cases(root)["ip_restricted"].find("failure")
    assert failure is not None and failure.get("type") == "ip_restricted"


def test_explain_nothing_matched_is_skipped() -> None:
    root = parse(junit.explanation(explain_text("nothing here"), samples.banner("explain")))
    assert root.get("tests") == "1" and root.get("skipped") == "1"
