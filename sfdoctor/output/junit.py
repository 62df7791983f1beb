"""JUnit XML reports, so CI systems (GitLab, Jenkins, GitHub test reporters) show the diagnosis.

Pure: report in, text out. The mapping (also in the README):

- one ``<testcase>`` per check, ``classname`` ``sfdoctor.check.<stage>``, ``name`` the check;
- a failed check is a ``<failure>``: ``type`` is the cause id, ``message`` the cause id and
  title, the text the check's summary, the evidence, the remediation (numbered, recommended
  first) and the references;
- a warning is a passing test case whose ``<system-out>`` starts with ``warning:`` (the same
  detail as a failure), or a ``<failure>`` under ``--strict`` (the exit status agrees);
- an informational line is a passing test case with ``<system-out>``; a skipped check is
  ``<skipped>``;
- a finding no check points at becomes a test case too (``sfdoctor.check.findings``), so
  nothing the console shows is missing from CI;
- the banner is an XML comment and suite ``<properties>``: report title, time, sfdoctor
  version, the review notice, verdict, summary, and every input with its source (masked).

XML is built with :mod:`xml.etree.ElementTree`, which escapes whatever a server said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sfdoctor.models import Finding, Mark, Report, confirm_label

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from sfdoctor.models import Explanation
    from sfdoctor.output.banner import Banner


def _detail(f: Finding, summary: str = "") -> str:
    lines = [f"cause: {f.cause} ({f.severity}, {f.confidence} confidence)", f"title: {f.title}"]
    if summary:
        lines.append(f"check: {summary}")
    if f.evidence:
        lines.append("evidence:")
        lines += [f"  - {e}" for e in f.evidence]
    if f.candidates:
        lines.append("candidates, most likely first:")
        lines += [f"  - {c} ({t}); {confirm_label(k)}: {k}" for c, t, k in f.candidates]
    if f.remediation:
        lines.append("what to do:")
        lines += [f"  {i}. {step}" for i, step in enumerate(f.remediation, 1)]
    if f.references:
        lines.append("references:")
        lines += [f"  {ref}" for ref in f.references]
    return "\n".join(lines)


class _Suite:
    """A ``<testsuite>`` being filled, with the counts JUnit readers expect."""

    def __init__(self, name: str, timestamp: str) -> None:
        from xml.etree.ElementTree import Element

        self.element = Element("testsuite", name=name, timestamp=timestamp)
        self.properties = self._sub(self.element, "properties")
        self.counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

    @staticmethod
    def _sub(parent: Element, tag: str, text: str = "", **attrs: str) -> Element:
        from xml.etree.ElementTree import SubElement

        element = SubElement(parent, tag, attrs)
        if text:
            element.text = xml_safe(text)
        return element

    def prop(self, name: str, value: str) -> None:
        self._sub(self.properties, "property", name=name, value=xml_safe(value))

    def case(
        self,
        classname: str,
        name: str,
        *,
        failure: tuple[str, str, str] | None = None,
        skipped: str | None = None,
        out: str = "",
    ) -> None:
        """One test case: ``failure`` is (type, message, text)."""
        case = self._sub(self.element, "testcase", classname=classname, name=xml_safe(name))
        case.set("time", "0")
        self.counts["tests"] += 1
        if failure is not None:
            kind, message, text = failure
            self._sub(case, "failure", text, type=kind, message=xml_safe(message))
            self.counts["failures"] += 1
        elif skipped is not None:
            self._sub(case, "skipped", message=xml_safe(skipped))
            self.counts["skipped"] += 1
        if out:
            self._sub(case, "system-out", out)

    def document(self, banner: Banner) -> str:
        from xml.etree.ElementTree import Comment, Element, indent, tostring

        for key, value in self.counts.items():
            self.element.set(key, str(value))
        self.element.set("time", "0")
        root = Element("testsuites", name=banner.title)
        for key, value in self.counts.items():
            root.set(key, str(value))
        root.set("time", "0")
        root.append(self.element)
        # NOTE: "--" may not appear inside an XML comment; the property keeps the exact text.
        comment = f" {banner.title}. {banner.generated}. {banner.notice} "
        head = tostring(Comment(comment.replace("--", "\u2010\u2010")), encoding="unicode")
        indent(root, space="  ")
        body = tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}\n{body}\n'


def xml_safe(value: str) -> str:
    """``value`` without the control characters XML 1.0 cannot hold (a server may send them),
    nor those a terminal acts on (C1, bidi overrides): CI logs print the report."""
    from sfdoctor.output.safe_text import UNSAFE

    cleaned = "".join(
        c
        if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff"
        else "\ufffd"
        for c in value
    )
    return str(UNSAFE.sub("\ufffd", cleaned))


def _banner_props(suite: _Suite, banner: Banner) -> None:
    suite.prop("sfdoctor.models", banner.title)
    suite.prop("sfdoctor.generated_at", banner.generated_at)
    suite.prop("sfdoctor.version", banner.version)
    suite.prop("sfdoctor.anonymized", str(banner.anonymized).lower())
    suite.prop("sfdoctor.notice", banner.notice)


def check(report: Report, banner: Banner, *, strict: bool = False) -> str:
    """The ``check`` report as JUnit XML (see the module docstring for the mapping)."""
    suite = _Suite("sfdoctor check", banner.generated_at)
    _banner_props(suite, banner)
    suite.prop("sfdoctor.verdict", str(report.verdict))
    suite.prop("sfdoctor.exit_code", str(int(report.exit_status(strict=strict))))
    suite.prop("sfdoctor.summary", report.summary())
    suite.prop("login_url", report.login_url)
    suite.prop("flow", report.flow)
    for i in report.inputs:
        suite.prop(f"input.{i.name}", f"{i.value} [{i.source}]")

    by_cause = {f.cause: f for f in report.findings}
    shown: set[str] = set()
    for c in report.checks:
        classname = f"sfdoctor.check.{c.stage}"
        f = by_cause.get(c.cause)
        detail = _detail(f, c.summary) if f is not None else f"check: {c.summary}"
        kind = c.cause or "check_failed"
        message = f"{f.cause}: {f.title}" if f is not None else f"{c.name}: {c.summary}"
        if c.mark is Mark.FAIL or (c.mark is Mark.WARN and strict):
            suite.case(classname, c.name, failure=(kind, message, detail))
        elif c.mark is Mark.WARN:
            suite.case(classname, c.name, out=f"warning: {message}\n{detail}")
        elif c.mark is Mark.SKIP:
            suite.case(classname, c.name, skipped=c.summary)
        elif c.mark is Mark.INFO:
            suite.case(classname, c.name, out=f"info: {c.summary}")
        else:
            suite.case(classname, c.name, out=c.summary)
        if f is not None and c.mark in (Mark.FAIL, Mark.WARN):
            shown.add(f.cause)
    for f in report.findings:
        if f.cause in shown:
            continue
        _finding_case(suite, "sfdoctor.check.findings", f, strict=strict)
    return suite.document(banner)


def _finding_case(suite: _Suite, classname: str, f: Finding, *, strict: bool) -> None:
    message = f"{f.cause}: {f.title}"
    severity = str(f.severity)
    if severity == "error" or (severity == "warning" and strict):
        suite.case(classname, f.cause, failure=(f.cause, message, _detail(f)))
    else:
        suite.case(classname, f.cause, out=f"{severity}: {message}\n{_detail(f)}")


def explanation(result: Explanation, banner: Banner) -> str:
    """The ``explain`` report as JUnit XML: one test case per cause the text points to
    (an error cause fails, a warning or note passes with ``<system-out>``); a text nothing
    matched is one skipped test case."""
    from sfdoctor.diagnosis.findings import finding

    suite = _Suite("sfdoctor explain", banner.generated_at)
    _banner_props(suite, banner)
    suite.prop("sfdoctor.family", str(result.family or ""))
    if not result.matches:
        from sfdoctor.diagnosis.explain import known_text_headline, recognised_document

        known = recognised_document(result.text)
        suite.case(
            "sfdoctor.explain",
            "recognised" if known else "unrecognised",
            skipped=f"{known_text_headline(known)}: {known[0]['note']}"
            if known
            else "No known Salesforce signature in this text",
        )
    for m in result.matches:
        f = finding(m.cause, m.evidence, confidence=str(m.confidence))
        _finding_case(suite, "sfdoctor.explain", f, strict=False)
    return suite.document(banner)
