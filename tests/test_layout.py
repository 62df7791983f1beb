"""The package's layout rules, read from the code with ``ast``: no import cycle, layers one way.

Every ``import`` counts, including those inside functions (a lazy import still ties two
modules together) and those under ``TYPE_CHECKING`` (they tie the types).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sfdoctor"
ROOT = PACKAGE.parent
MAX_LINES = 450
MAX_TOP_MODULES = 8


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module that importing ``name`` loads (the longest known prefix)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_pkg else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pkg import sub" ties to pkg.sub when sub is a module, else to pkg
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        for target in targets:
            resolved = _resolve(target)
            if resolved and resolved != module:
                found.add(resolved)
    return found


GRAPH = {m: _imports(m) for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
    return result


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    cycles = _cycles(GRAPH)
    described = [
        " -> ".join(c)
        + "  (edges: "
        + ", ".join(f"{a}->{b}" for a in c for b in sorted(GRAPH[a]) if b in c)
        + ")"
        for c in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(described)


def _reaches(prefix: str) -> dict[str, set[str]]:
    return {m: {t for t in GRAPH[m] if t == prefix or t.startswith(prefix + ".")} for m in GRAPH}


LAYER_RULES = [
    # (importer prefix, forbidden prefix, why)
    ("sfdoctor.diagnosis", "sfdoctor.probes", "the diagnosis core never talks to the network"),
    ("sfdoctor.diagnosis", "sfdoctor.output", "the diagnosis core never formats"),
    ("sfdoctor.diagnosis", "sfdoctor.check", "the diagnosis core knows no login pipeline"),
    ("sfdoctor.diagnosis", "sfdoctor.commands", "the diagnosis core knows no subcommand"),
    ("sfdoctor.probes", "sfdoctor.output", "probes never print"),
    ("sfdoctor.probes", "sfdoctor.check", "probes know no pipeline"),
    ("sfdoctor.probes", "rich", "probes never print"),
    ("sfdoctor.simulator", "sfdoctor.diagnosis", "the simulator must not know how sfdoctor judges"),
    ("sfdoctor.simulator", "sfdoctor.probes", "the simulator must not share the client's code"),
    ("sfdoctor.simulator", "sfdoctor.check", "the simulator must not know the check"),
    ("sfdoctor.check", "sfdoctor.commands", "the pipeline knows no subcommand"),
    ("sfdoctor.loginhistory", "sfdoctor.probes", "export readers never talk to the network"),
    ("sfdoctor.loginhistory", "sfdoctor.check", "export readers know no login pipeline"),
    ("sfdoctor.output", "sfdoctor.commands", "renderers know no subcommand"),
    ("sfdoctor.output", "sfdoctor.probes", "renderers only format"),
]


def _raw_imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize(("importer", "forbidden", "why"), LAYER_RULES)
def test_layer_rule(importer: str, forbidden: str, why: str) -> None:
    broken = []
    for module in MODULES:
        if module != importer and not module.startswith(importer + "."):
            continue
        for name in _raw_imports(module) | GRAPH[module]:
            if name == forbidden or name.startswith(forbidden + "."):
                broken.append(f"{module} imports {name}")
    assert not broken, f"{why}:\n" + "\n".join(sorted(broken))


RECORDS = {"sfdoctor.models", "sfdoctor.status"}


def test_records_import_only_records() -> None:
    for module in RECORDS:
        others = {t for t in GRAPH[module] if t not in RECORDS}
        assert not others, f"{module} imports {sorted(others)}"


def test_redaction_is_the_floor_below_every_stage() -> None:
    for module in MODULES:
        if module.startswith("sfdoctor.redaction"):
            others = {
                t
                for t in GRAPH[module]
                if t not in ("sfdoctor.lazyre", "sfdoctor.hosts")
                and not t.startswith("sfdoctor.redaction")
            }
            assert not others, f"{module} imports {sorted(others)}"


def test_no_module_is_too_long() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in MODULES.values()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_few_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top


def test_every_package_says_what_it_is_for_and_may_import() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert doc.strip(), f"{init.relative_to(ROOT)} has no docstring"
        if init.parent != PACKAGE:
            assert "import" in doc.lower(), f"{init.relative_to(ROOT)} states no import rule"
