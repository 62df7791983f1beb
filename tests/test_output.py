"""Report files: formats by extension, validation before anything runs, atomic 0600 writes."""

from __future__ import annotations

import html
import json
import os
import stat
from pathlib import Path

import pytest

from sfdoctor.output import check_console, check_json, files, junit, markdown, paths
from sfdoctor.output.files import ReportSource
from sfdoctor.output.paths import ReportFormat
from sfdoctor.redaction import Redactor
from sfdoctor.status import UsageError
from tests.render import samples


def source(*, fallbacks: bool = False) -> ReportSource:
    report = samples.failing()
    banner = samples.banner()
    return ReportSource(
        banner,
        document=lambda: check_json.document(report),
        renderables=lambda: check_console.renderables(report, inputs=True),
        markdown=None if fallbacks else (lambda: markdown.check(report, banner)),
        junit=None if fallbacks else (lambda: junit.check(report, banner)),
        failed=True,
    )


@pytest.mark.parametrize("fallbacks", [False, True])
@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_renders_with_the_banner(fmt: ReportFormat, fallbacks: bool) -> None:
    text = files.render(fmt, source(fallbacks=fallbacks))
    if fmt is ReportFormat.SVG:  # a space is &#160; there
        text = html.unescape(text).replace("\u00a0", " ")
    assert "sfdoctor check report" in text and "Review before sharing" in text
    assert "2025-06-01T12:00:00Z" in text and "0.1.0" in text


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_has_its_extension(fmt: ReportFormat) -> None:
    assert ReportFormat.of(f"report.{fmt.value}") is fmt
    assert ReportFormat.of(f"dir.d/REPORT.{fmt.value.upper()}") is fmt


def test_htm_is_html() -> None:
    assert ReportFormat.of("ticket.htm") is ReportFormat.HTML
    assert ReportFormat.of("TICKET.HTM") is ReportFormat.HTML


def test_json_report_is_the_document_plus_the_banner() -> None:
    doc = json.loads(files.render(ReportFormat.JSON, source()))
    assert list(doc)[:2] == ["schema", "report"]
    assert doc["report"]["notice"].startswith("Review before sharing")
    del doc["report"]
    assert doc == check_json.document(samples.failing())


@pytest.mark.parametrize("name", ["r.pdf", "r", "r.json.bak"])
def test_unknown_extension_is_a_usage_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match="--report"):
        paths.prepare([str(tmp_path / name)])


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        paths.prepare([str(tmp_path / "nope" / "r.json")])


def test_directory_and_duplicates_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "d.json").mkdir()
    with pytest.raises(UsageError, match="is a directory"):
        paths.prepare([str(tmp_path / "d.json")])
    with pytest.raises(UsageError, match="same file"):
        paths.prepare([str(tmp_path / "r.json"), str(tmp_path / "." / "r.json")])


def test_unwritable_directory_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anywhere: play a read-only file system
            import tempfile

            def refuse(*args, **kwargs):
                raise PermissionError(13, "Read-only file system")

            monkeypatch.setattr(tempfile, "mkstemp", refuse)
        with pytest.raises(UsageError, match="cannot write"):
            paths.prepare([str(locked / "r.json")])
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_prepare_leaves_nothing_behind(tmp_path: Path) -> None:
    targets = paths.prepare([str(tmp_path / f"r.{f.value}") for f in ReportFormat])
    assert [t.format for t in targets] == list(ReportFormat)
    assert list(tmp_path.iterdir()) == []


def test_write_is_0600_and_replaces_an_existing_file(tmp_path: Path) -> None:
    old = tmp_path / "r.md"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o644)
    targets = paths.prepare([str(tmp_path / "r.json"), str(old)])
    files.write(targets, source(), Redactor())
    for t in targets:
        assert stat.S_IMODE(t.path.stat().st_mode) == 0o600
    assert old.read_text(encoding="utf-8").startswith("# sfdoctor check report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.md"]


def test_a_symlink_at_the_path_is_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep", encoding="utf-8")
    link = tmp_path / "r.txt"
    link.symlink_to(elsewhere)
    files.write(paths.prepare([str(link)]), source(), Redactor())
    assert elsewhere.read_text(encoding="utf-8") == "keep"
    assert not link.is_symlink() and "sfdoctor check report" in link.read_text(encoding="utf-8")


def test_a_renderer_that_fails_leaves_no_file(tmp_path: Path) -> None:
    def boom() -> str:
        raise RuntimeError("renderer failed")

    targets = paths.prepare([str(tmp_path / "r.json"), str(tmp_path / "r.xml")])
    with pytest.raises(RuntimeError):
        files.write(targets, source()._replace(junit=boom), Redactor())
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_leaves_no_file_and_no_temp_file(tmp_path: Path, monkeypatch) -> None:
    real = files._write_temp
    calls = []

    def interrupted(path: Path, text: str) -> str:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, text)

    monkeypatch.setattr(files, "_write_temp", interrupted)
    targets = paths.prepare([str(tmp_path / "r.json"), str(tmp_path / "r.md")])
    with pytest.raises(KeyboardInterrupt):
        files.write(targets, source(), Redactor())
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_is_a_usage_error_and_cleans_up(tmp_path: Path, monkeypatch) -> None:
    targets = paths.prepare([str(tmp_path / "r.json"), str(tmp_path / "r.txt")])

    def full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(UsageError, match="No space left"):
        files.write(targets, source(), Redactor())
    assert list(tmp_path.iterdir()) == []


def test_every_report_passes_through_the_redactor(tmp_path: Path) -> None:
    targets = paths.prepare([str(tmp_path / f"r.{f.value}") for f in ReportFormat])
    files.write(targets, source(), Redactor(["integration@acme.com"]))
    for t in targets:
        assert "integration@acme.com" not in t.path.read_text(encoding="utf-8"), t.path.name
