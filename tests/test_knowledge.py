"""The knowledge base is complete, well-formed, and tied to real evidence (the fixtures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sfdoctor
from sfdoctor.commands.explain import explain_text
from sfdoctor.diagnosis.classify import classify, match_signature
from sfdoctor.diagnosis.evidence import clues_from_response
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Clue, Family
from tests.conftest import ROOT, fixture_paths, load_fixture

CAUSES_MD = ROOT.parent / "shared" / "CAUSES.md"


def _contract_ids() -> set[str]:
    # CI runs with shared/ beside the clone; the installed package must not need it.
    if not CAUSES_MD.exists():
        pytest.skip("shared/CAUSES.md not beside the checkout")
    return set(re.findall(r"^\| `([a-z_]+)`", CAUSES_MD.read_text(encoding="utf-8"), re.M))


def test_every_contract_cause_has_an_entry_and_no_other() -> None:
    assert set(load().causes) == _contract_ids()


@pytest.mark.parametrize("cause_id", sorted(load().causes))
def test_entry_is_actionable(cause_id: str) -> None:
    entry = load().causes[cause_id]
    assert entry.title and entry.meaning and entry.why
    assert entry.remediation, "every cause says what to do"
    assert all(ref.startswith("https://") for ref in entry.references) and entry.references


@pytest.mark.parametrize("cause_id", sorted(load().causes))
def test_never_recommends_opening_every_address(cause_id: str) -> None:
    """0.0.0.0-255.255.255.255 appears only as a warning, never as a step to take."""
    entry = load().causes[cause_id]
    for step in entry.remediation:
        if "0.0.0.0" in step:
            assert re.search(r"\b(never|not|don't|do not)\b", step, re.I), step


def test_ip_range_advice_is_discouraged_where_ip_comes_up() -> None:
    kb = load()
    for cid in ("security_token_required", "trusted_network_only", "ip_restricted"):
        assert kb.causes[cid].discouraged, f"{cid} must mark widening IP ranges as discouraged"
        assert any("0.0.0.0" in d.option + d.reason for d in kb.causes[cid].discouraged), cid


def test_token_is_recommended_before_ip_ranges() -> None:
    first = load().causes["security_token_required"].remediation[0].lower()
    assert "token" in first


def test_ambiguous_failure_ranks_candidates() -> None:
    entry = load().causes["ambiguous_auth_failure"]
    causes = [c.cause for c in entry.candidates]
    assert causes[0] in ("security_token_required", "security_token_invalid")
    assert {"invalid_credentials", "password_flow_disabled", "wrong_login_host"} <= set(causes)
    assert all(c.confirm for c in entry.candidates)


def test_every_message_pattern_compiles() -> None:
    from sfdoctor.diagnosis.knowledge.loader import check_patterns

    check_patterns(load())


def test_a_backspace_in_a_pattern_is_refused() -> None:
    # "\\b" in a double-quoted TOML string is a backspace: the pattern compiled and never
    # matched ("The refresh token is invalid" got no answer for months).
    from types import SimpleNamespace

    from sfdoctor.diagnosis.knowledge.loader import KnowledgeBaseError, check_patterns

    sig = load().signatures[0]._replace(message="x|\brefresh token")
    with pytest.raises(KnowledgeBaseError, match="control character"):
        check_patterns(SimpleNamespace(signatures=[sig]))  # type: ignore[arg-type]
    assert sfdoctor.explain("The refresh token is invalid").cause == "refresh_token_invalid"


def test_signature_families_cover_the_four_evidence_families() -> None:
    families = {str(s.family) for s in load().signatures}
    assert {"oauth", "soap", "login_history", "elf", "rest"} <= families


# --- fixtures: the completeness test ----------------------------------------------------

FIXTURES = fixture_paths()


def _classify_fixture(fx: dict) -> list:
    if "transport" in fx:
        t = fx["transport"]
        return list(classify([Clue(Family.TRANSPORT, t["kind"], t["message"])], load()))
    if "http" in fx:
        h = fx["http"]
        clues = clues_from_response(h["status"], h.get("content_type", ""), h["body"])
        return list(classify(clues, load()))
    return list(explain_text(fx["text"]).matches)


def test_there_are_enough_fixtures_across_families() -> None:
    fams = {p.parent.name for p in FIXTURES}
    assert len(FIXTURES) >= 60
    assert {"oauth", "soap", "login_history", "rest", "text", "transport"} <= fams


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_is_sourced(path: Path) -> None:
    fx = load_fixture(path)
    if fx["cause"] is not None:
        assert fx["source"].startswith(("https://", "http://")), "every fixture cites its source"
    assert len({"http", "text", "transport"} & set(fx)) == 1
    assert fx["cause"] is None or fx["cause"] in load().causes


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_classifies_as_its_cause(path: Path) -> None:
    fx = load_fixture(path)
    matches = _classify_fixture(fx)
    if fx["cause"] in (None, "unknown"):
        assert matches == [], "a clean, garbage or unknown case matches no signature"
    else:
        assert matches, "a failure fixture must match a signature"
        assert matches[0].cause == fx["cause"], [m.signature for m in matches]


@pytest.mark.parametrize(
    "path",
    [p for p in FIXTURES if "http" in load_fixture(p)],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_pasted_body_explains_like_the_response(path: Path) -> None:
    """Support staff paste the body: explain must agree with the live classification."""
    fx = load_fixture(path)
    if fx["cause"] in (None, "unknown") or fx["http"]["body"].lstrip()[:1] not in ("{", "[", "<"):
        pytest.skip("only structured bodies carry their cause without the HTTP status")
    if str(_classify_fixture(fx)[0].family) == "http":
        pytest.skip("the HTTP status decides, and a paste has none")
    best = explain_text(fx["http"]["body"]).matches
    assert best and best[0].cause == fx["cause"]


def test_every_signature_is_the_best_match_of_a_fixture() -> None:
    used = set()
    for path in FIXTURES:
        fx = load_fixture(path)
        matches = _classify_fixture(fx)
        if matches:
            used.add(matches[0].signature)
        if fx["cause"] is None and "text" in fx:  # a look-alike: its signature says "not ours"
            text = Clue(Family.TEXT, None, fx["text"], None, "text")
            used.update(
                s.id for s in load().signatures if s.cause == "unknown" and match_signature(s, text)
            )
    missing = sorted(s.id for s in load().signatures if s.id not in used)
    assert not missing, f"signatures without a fixture: {missing}"


def test_compiled_knowledge_base_is_fresh() -> None:
    """kb.json (the fast-loading copy) says what the TOML says: rebuild after editing."""
    from sfdoctor.diagnosis.knowledge.build import compiled_text
    from sfdoctor.diagnosis.knowledge.sources import COMPILED

    with open(COMPILED, encoding="utf-8") as f:
        # NOTE: not `assert a == b`: pytest's diff of two stale megabyte-long lines takes
        # minutes (a CI run seemed to hang on it).
        if f.read() != compiled_text():
            pytest.fail("kb.json is stale: run python -m sfdoctor.diagnosis.knowledge.build")


def _lists(value: object) -> object:
    """``value`` with its tuples as lists (kb.marshal keeps the literals' tables as tuples)."""
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def test_the_fast_copy_is_kb_json_in_marshal_form() -> None:
    """kb.marshal (what load() reads first) holds exactly kb.json's document."""
    import json
    import marshal

    from sfdoctor.diagnosis.knowledge.sources import COMPILED, FAST

    with open(FAST, "rb") as fast, open(COMPILED, encoding="utf-8") as text:
        if _lists(marshal.loads(fast.read())) != json.loads(text.read()):
            pytest.fail("kb.marshal is stale: run python -m sfdoctor.diagnosis.knowledge.build")


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", None])
def test_a_missing_or_damaged_fast_copy_falls_back_to_kb_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path, damage: bytes | None
) -> None:
    """A Python that cannot read marshal's format, or a damaged file, costs speed only."""
    from sfdoctor.diagnosis.knowledge import loader, sources

    bad = tmp_path / "kb.marshal"
    if damage is not None:
        bad.write_bytes(damage)
    monkeypatch.setattr(sources, "FAST", str(bad))
    causes, signatures, _, compiled = sources._read(allow_compiled=True)
    assert compiled  # from kb.json, not the TOML
    fresh = loader.from_raw(*sources.read_raw(allow_compiled=False)[:2])
    assert loader.from_raw(causes, signatures, validate=False).signatures == fresh.signatures


def test_a_capitalised_candidate_confirm_is_a_login_history_status() -> None:
    """Renderers label a capitalised confirm "Login History:" (models.confirm_label) and a
    lower-case one "How to tell:": a capitalised one must be a status Salesforce shows."""
    kb = load()
    statuses = [s for s in kb.signatures if s.family is Family.LOGIN_HISTORY]
    confirms = {c.confirm for cause in kb.causes.values() for c in cause.candidates}
    confirms |= {c.confirm for s in kb.signatures for c in kb.candidates(s.cause, s.id)}
    for confirm in sorted(confirms):
        if confirm[:1].isupper():
            status = Clue(Family.LOGIN_HISTORY, None, confirm, None, "status")
            assert any(match_signature(s, status) for s in statuses), confirm


def test_a_like_naming_no_signature_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """`like = "<id>"` borrows another signature's cause and precedence; a typo in the id
    must stop the build with the signature's name, not fail later on a missing cause."""
    from sfdoctor.diagnosis.knowledge import sources

    parse = sources._parse_toml

    def with_bad_like(name: str, data: bytes) -> dict:
        doc = parse(name, data)
        if name.endswith("signatures.toml"):
            doc["signature"].append({"id": "text.bad_like", "like": "no.such", "message": "x"})
        return doc

    monkeypatch.setattr(sources, "_parse_toml", with_bad_like)
    with pytest.raises(sources.KnowledgeBaseError, match="text.bad_like.*no.such"):
        sources._read(False)


def test_a_causes_one_line_fix_speaks_to_any_client() -> None:
    """explain reads a customer's paste: "Set SF_SECURITY_TOKEN" meant nothing to their app.
    Only the causes sfdoctor's own lint finds name its variables in their one-line fix."""
    kb = load()
    own = {"config_missing", "token_in_password", "config_whitespace"}
    for cause in kb.causes.values():
        if cause.id not in own:
            assert "SF_" not in cause.action, cause.id
