"""The record behind every report's summary card (:mod:`.summary` builds it for ``check``
and ``explain``, :mod:`.summary_exports` for ``triage`` and ``audit``), and the small pieces
the builders share. Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sfdoctor.output.banner import Banner

EXIT_MEANING = {
    0: "OK",
    1: "a problem was diagnosed",
    2: "usage or configuration error: nothing was attempted",
    3: "inconclusive",
    4: "internal error",
}
"""The exit codes of the README, in a few words (:class:`sfdoctor.status.ExitStatus`)."""

KEY_LINES = 12
"""Key checks a summary shows (every failure and warning, then the rest up to this many)."""
EVIDENCE_LINES = 20
"""Evidence lines an ``explain`` summary shows."""
ALSO = 5
"""Other findings a summary names, one line each."""

SIMULATED = "simulated org (loopback): nothing left this machine"


class Line(NamedTuple):
    """One line under the card: a mark (``ok``, ``warn``, ``fail``, ``info``, ``skip``), a
    name and what it says."""

    mark: str
    name: str
    text: str


class Candidate(NamedTuple):
    """One possible cause of an ambiguous failure, and the Login History status that
    confirms it."""

    cause: str
    title: str
    confirm: str


class Summary(NamedTuple):
    """The card at the top of a report."""

    verdict: str
    """``ok``, ``warn``, ``fail`` or ``inconclusive``: the card's colour."""
    label: str
    """The verdict as shown: ``FAIL``, ``OK``, ``NOT RECOGNISED``..."""
    headline: str
    """The cause's title, or what the run found when no cause was named."""
    cause: str = ""
    detail: str = ""
    """Severity and confidence (``error · medium confidence``)."""
    fix: str = ""
    """The fix the console closes with (:func:`_fix`)."""
    fix_label: str = "Fix"
    facts: tuple[tuple[str, str], ...] = ()
    """(name, value): where, who, how, when, the exit status."""
    simulated: bool = False
    key_title: str = ""
    key: tuple[Line, ...] = ()
    more: int = 0
    """Key lines left out of :attr:`key` (the full report has them)."""
    also: tuple[Line, ...] = ()
    """The other findings (or causes): severity, cause id, title."""
    also_title: str = "Also found"
    more_also: int = 0
    """Findings left out of :attr:`also` (the full report has them)."""
    candidates: tuple[Candidate, ...] = ()
    """For an ambiguous failure: the possible causes, most likely first."""
    more_candidates: int = 0
    """Candidates left out of :attr:`candidates` (the full report lists them)."""
    closing: str = ""


def when_fact(banner: Banner) -> tuple[str, str]:
    return ("When", f"{banner.generated_at} (UTC)")


def exit_fact(code: Any) -> tuple[str, str]:
    return ("Exit status", f"{code}: {EXIT_MEANING.get(code, 'see the README')}")


def mark_of(severity: str) -> str:
    return {"error": "fail", "warning": "warn"}.get(severity, "info")


def also_lines(findings: list[dict[str, Any]]) -> tuple[Line, ...]:
    return tuple(
        Line(mark_of(str(f.get("severity", ""))), str(f.get("cause", "")), str(f.get("title", "")))
        for f in findings[:ALSO]
    )


def first_step(steps: Any) -> str:
    return str(steps[0]) if steps else ""
